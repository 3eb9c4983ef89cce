"""Scale benchmark: ingest and search on synthetic corpora 1x, 10x, 100x … the shared corpus.

    python -m evals.bench_scale [--sizes 1,10,100] [--json FILE] [--sample 200]

Each synthetic corpus holds `size` copies of every document of the shared corpus, each copy
with its own id and its sentences shuffled within their paragraphs (a fixed seed per copy), so
the vocabulary, document lengths and structure stay those of real documents while the chunk
count grows. Embedding is a deterministic hash (`HashEmbedding`), so only the project's own
work is timed; the real embedder's speed is measured on a sample of chunk texts and the cost
of a real ingest extrapolated from it.

Each size runs in two fresh processes, so peak memory and start-up are those of one job:
- ingest: the whole pipeline (minus the hash embedding) and an unchanged re-run;
- chat: start-up (open the index, first answer), then per gold question the lexical search,
  the dense search and a whole `ask`.
Every figure is printed beside its ratio to the smallest size measured in the same run.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import typer
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
console = Console()
app = typer.Typer(add_completion=False)
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")


class HashEmbedding(BaseEmbedding):
    """A unit vector from each text's hash: free of model cost, deterministic, 384 dimensions.
    Records the seconds it spends, so the pipeline's own time can be separated from it."""

    _seconds: float = PrivateAttr(default=0.0)

    def __init__(self, **kwargs: Any):
        super().__init__(model_name="bench/hash-384", **kwargs)

    @property
    def dimension(self) -> int:
        return 384

    @property
    def seconds(self) -> float:
        return self._seconds

    def _vector(self, text: str) -> list[float]:
        started = time.perf_counter()
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        out = (vector / np.linalg.norm(vector)).tolist()
        self._seconds += time.perf_counter() - started
        return out

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)


def _shuffled_paragraphs(body: str, rng: random.Random) -> str:
    out = []
    for paragraph in body.split("\n\n"):
        if paragraph.lstrip().startswith(("#", "-", "|", "*", "1.")):
            out.append(paragraph)  # headings, lists and tables keep their form
            continue
        sentences = _SENTENCE_END.split(paragraph)
        rng.shuffle(sentences)
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def synthetic_corpus(source: Path, dest: Path, size: int) -> int:
    """Write `size` copies of every Markdown document of `source` under `dest`; returns the file count."""
    files = 0
    for path in sorted(source.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = _FRONT_MATTER.match(text)
        if not match:
            continue  # not a corpus document (the sources list)
        front, body = match.group(1), text[match.end():]
        for copy in range(size):
            rng = random.Random(f"{path.name}:{copy}")
            copy_front = re.sub(r"^id:\s*(.+)$", lambda m: f"id: {m.group(1).strip()}-x{copy:04d}", front, flags=re.M)
            folder = dest / f"copy{copy:04d}"
            folder.mkdir(parents=True, exist_ok=True)
            copy_body = body if copy == 0 else _shuffled_paragraphs(body, rng)
            (folder / path.name).write_text(f"---\n{copy_front}\n---\n{copy_body}", encoding="utf-8")
            files += 1
    return files


def _peak_rss_mb() -> float:
    """Peak RSS of this process and of its finished children (the prepare worker), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _settings(data_dir: Path):
    from assistant.settings import Settings

    return Settings(data_dir=data_dir, embed_model="bench/hash-384", chroma_host=None, chroma_url=None)


@app.command("ingest-job", hidden=True)
def ingest_job(corpus: Path, data_dir: Path) -> None:
    """One ingest and one unchanged re-run in this process; prints a JSON line."""
    from ingest.index import IndexHandle
    from ingest.pipeline import Ingestor

    embedder = HashEmbedding()
    settings = _settings(data_dir)
    index = IndexHandle.open(settings, embedder)
    ingestor = Ingestor(settings, embedder, index)
    started = time.perf_counter()
    summary = ingestor.run(corpus)
    ingest_s = time.perf_counter() - started
    embed_s = embedder.seconds
    started = time.perf_counter()
    ingestor.run(corpus)
    rerun_s = time.perf_counter() - started
    units = index.sentences.count() if index.sentences is not None else 0
    index.close()
    print(json.dumps({
        "files": summary.count("new"), "chunks": summary.chunks_total, "units": units,
        "ingest_s": ingest_s, "hash_embed_s": embed_s, "pipeline_s": ingest_s - embed_s,
        "rerun_s": rerun_s, "ingest_peak_rss_mb": _peak_rss_mb(), "disk_mb": _disk_mb(data_dir),
    }))


@app.command("chat-job", hidden=True)
def chat_job(data_dir: Path, rounds: int = 2) -> None:
    """Start-up, then lexical, dense and whole-ask latencies over the gold questions; a JSON line."""
    from assistant.schema import SearchFilters
    from assistant.service import Assistant
    from evals.metrics import percentile
    from evals.questions import load_questions

    started = time.perf_counter()
    assistant = Assistant(_settings(data_dir), embedder=HashEmbedding())
    assistant.ask("Vad är kultursamverkansmodellen?")
    startup_s = time.perf_counter() - started
    questions = load_questions(REPO / "evals" / "questions.jsonl")
    lexical_ms, dense_ms, ask_ms = [], [], []
    retriever = assistant.retriever
    for _ in range(rounds):
        for q in questions:
            query = assistant.queries.analyze(q.question, q.history)
            started = time.perf_counter()
            retriever._lexical(query.search_text, SearchFilters())
            lexical_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            retriever._dense(query.search_text, SearchFilters())
            dense_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            assistant.ask(q.question, history=q.history)
            ask_ms.append((time.perf_counter() - started) * 1000)
    assistant.close()
    print(json.dumps({
        "startup_s": startup_s,
        "lexical_p50_ms": percentile(lexical_ms, 50), "lexical_p95_ms": percentile(lexical_ms, 95),
        "dense_p50_ms": percentile(dense_ms, 50), "dense_p95_ms": percentile(dense_ms, 95),
        "ask_p50_ms": percentile(ask_ms, 50), "ask_p95_ms": percentile(ask_ms, 95),
        "chat_peak_rss_mb": _peak_rss_mb(),
    }))


def _job(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "evals.bench_scale", *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench_scale {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def real_embedding_rate(corpus: Path, sample: int) -> float:
    """Chunks per second of the configured real embedder on `sample` chunk-sized texts."""
    from assistant.settings import Settings
    from ingest.embedders import build_embedder

    settings = Settings()
    texts = []
    for path in sorted(corpus.glob("*.md")):
        body = _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"))
        texts += [body[i : i + 800] for i in range(0, len(body), 800)]
    texts = texts[:sample]
    embedder = build_embedder(settings.embed_model, settings.embed_batch_size)
    embedder.get_text_embedding_batch(texts[:4])  # warm-up
    started = time.perf_counter()
    for start in range(0, len(texts), settings.embed_batch_size):
        embedder.get_text_embedding_batch(texts[start : start + settings.embed_batch_size])
    return len(texts) / (time.perf_counter() - started)


ROWS = [
    ("chunks", "chunks", "{:,.0f}"), ("sentence units", "units", "{:,.0f}"),
    ("pipeline s (no embedding)", "pipeline_s", "{:.1f}"), ("pipeline chunks/s", "chunks_per_s", "{:.0f}"),
    ("ingest peak RSS MB", "ingest_peak_rss_mb", "{:.0f}"), ("unchanged re-run s", "rerun_s", "{:.2f}"),
    ("disk MB", "disk_mb", "{:.0f}"), ("chat start-up s", "startup_s", "{:.2f}"),
    ("lexical p50 ms", "lexical_p50_ms", "{:.1f}"), ("lexical p95 ms", "lexical_p95_ms", "{:.1f}"),
    ("dense p50 ms", "dense_p50_ms", "{:.1f}"), ("ask p50 ms", "ask_p50_ms", "{:.1f}"),
    ("ask p95 ms", "ask_p95_ms", "{:.1f}"), ("chat peak RSS MB", "chat_peak_rss_mb", "{:.0f}"),
    ("real-embedder ingest h (extrapolated)", "real_embed_h", "{:.2f}"),
]


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    sizes: str = typer.Option("1,10,100", help="Comma-separated multiples of the shared corpus."),
    corpus: Path = typer.Option(SHARED_CORPUS, help="The corpus whose documents are copied."),
    json_out: Path = typer.Option(None, "--json", help="Also write the figures to this file."),
    sample: int = typer.Option(200, help="Chunk texts timed with the real embedder (0: skip)."),
    rounds: int = typer.Option(2, help="Passes over the gold questions in the chat job."),
    workdir: Path = typer.Option(None, help="Where corpora and indexes are built (default: a temp folder)."),
) -> None:
    if ctx.invoked_subcommand:
        return  # one of the jobs, in its own process
    multiples = [int(s) for s in sizes.split(",") if s.strip()]
    rate = real_embedding_rate(corpus, sample) if sample else None
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="bench-scale-", dir=workdir))
    results: dict[int, dict] = {}
    try:
        for size in multiples:
            folder, data = root / f"corpus-{size}", root / f"data-{size}"
            files = synthetic_corpus(corpus, folder, size)
            console.print(f"[bold]{size}x[/]: {files} files, ingesting …")
            row = _job("ingest-job", str(folder), str(data))
            row.update(_job("chat-job", str(data), "--rounds", str(rounds)))
            row["chunks_per_s"] = row["chunks"] / row["pipeline_s"]
            if rate:
                row["real_embed_h"] = (row["chunks"] + row["units"]) / rate / 3600
            results[size] = row
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    base = results[multiples[0]]
    table = Table("measure", *[f"{s}x" for s in multiples], *[f"{s}x / {multiples[0]}x" for s in multiples[1:]],
                  title="Synthetic corpora (hash embedder; real embedder extrapolated)")
    for label, key, fmt in ROWS:
        if key not in base:
            continue
        values = [results[s][key] for s in multiples]
        ratios = [f"{results[s][key] / base[key]:.2f}" if base[key] else "-" for s in multiples[1:]]
        table.add_row(label, *[fmt.format(v) for v in values], *ratios)
    console.print(table)
    if rate:
        console.print(f"real embedder ({sample} chunk texts): {rate:.1f} chunks/s on this machine")
    if json_out:
        json_out.write_text(json.dumps({"real_chunks_per_s": rate, "sizes": results}, indent=1))


if __name__ == "__main__":
    app()
