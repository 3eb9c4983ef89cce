"""Splitting benchmark: does chunking time grow linearly with the document's length?

    python -m evals.bench_split [--small-mb 1] [--large-mb 8] [--repeat 3]

Generates Swedish-looking text of two sizes in three shapes (paragraphs, one long list, one
paragraph without blank lines), splits each with the StructuredSplitter, and prints seconds,
chunks and the time ratio large/small next to the size ratio. Linear means a time ratio close
to the size ratio (target: under 12 for 1 MB vs 8 MB); the quadratic splitter gave about 50.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import typer
from llama_index.core.schema import Document
from rich.console import Console
from rich.table import Table

from assistant.schema import DocType, DocumentMeta
from ingest.splitter import StructuredSplitter

console = Console()
WORDS = (
    "kultur region kommun samverkan kulturplan bidrag beslut nämnd verksamhet scenkonst bibliotek "
    "museum dialog uppföljning statsbidrag kulturrådet konst musik dans teater arkiv hemslöjd film"
).split()


def _sentence(rnd: random.Random, words: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(words)).capitalize() + "."


def _generate(size: int, line: Callable[[random.Random], str], separator: str) -> str:
    rnd = random.Random(size)
    parts: list[str] = []
    total = 0
    while total < size:
        piece = line(rnd)
        parts.append(piece)
        total += len(piece) + len(separator)
    return separator.join(parts)


SHAPES: dict[str, Callable[[int], str]] = {
    "paragraphs": lambda n: _generate(n, lambda r: " ".join(_sentence(r, 12) for _ in range(6)), "\n\n"),
    "one long list": lambda n: "Verksamheterna är:\n\n" + _generate(n, lambda r: "- " + _sentence(r, 8), "\n"),
    "no blank lines": lambda n: _generate(n, lambda r: _sentence(r, 14), " "),
}


def _time_split(text: str, repeat: int) -> tuple[float, int]:
    meta = DocumentMeta(doc_id="bench", title="Bench", doc_type=DocType.report, content_hash="0" * 64, source_path="/bench")
    splitter = StructuredSplitter(max_chars=1200)
    best, chunks = float("inf"), 0
    for _ in range(repeat):
        document = Document(id_="bench", text=text, metadata=meta.model_dump(mode="json"))
        started = time.perf_counter()
        chunks = len(splitter([document]))
        best = min(best, time.perf_counter() - started)
    return best, chunks


def main(small_mb: float = 1.0, large_mb: float = 8.0, repeat: int = 3) -> None:
    table = Table("shape", f"{small_mb:g} MB s", "chunks", f"{large_mb:g} MB s", "chunks", "time ratio", "size ratio")
    worst = 0.0
    for name, make in SHAPES.items():
        small_s, small_chunks = _time_split(make(int(small_mb * 1_000_000)), repeat)
        large_s, large_chunks = _time_split(make(int(large_mb * 1_000_000)), repeat)
        ratio = large_s / small_s
        worst = max(worst, ratio)
        table.add_row(
            name, f"{small_s:.2f}", str(small_chunks), f"{large_s:.2f}", str(large_chunks),
            f"{ratio:.1f}", f"{large_mb / small_mb:.1f}",
        )
    console.print(table)
    console.print(f"worst time ratio {worst:.1f} (linear ≈ {large_mb / small_mb:.0f}; target < 12); best of {repeat} runs")


if __name__ == "__main__":
    typer.run(main)
