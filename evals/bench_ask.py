"""Warm `ask` latency over the dev questions, against its floor: one query embedding.

    python -m evals.bench_ask [--corpus ../shared/corpus] [--rounds 3]

For each question it times a full `ask` (query embedding cache cleared, so every call embeds)
and, separately, one bare query embedding of the same text. Target: p50 ask < 3 x p50 embedding.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.service import Assistant
from assistant.settings import Settings
from evals.harness import corpus_index
from evals.metrics import percentile
from evals.questions import load_questions

REPO = Path(__file__).resolve().parents[1]
console = Console()


def main(corpus: Path = REPO.parent / "shared" / "corpus", rounds: int = 3, split: str = "dev") -> None:
    settings = Settings()
    eval_settings, index, embedder = corpus_index(settings, corpus, settings.embed_model)
    assistant = Assistant(eval_settings, index=index, embedder=embedder)
    wanted = set(json.loads((REPO / "evals" / "splits.json").read_text())[split])
    questions = [q for q in load_questions(REPO / "evals" / "questions.jsonl") if q.id in wanted]
    assistant.ask("uppvärmning")

    ask_ms, embed_ms, retrieval_ms, answer_ms = [], [], [], []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            embedder.get_query_embedding(q.question)
            embed_ms.append((time.perf_counter() - started) * 1000)

            assistant.retriever._embed_query.cache_clear()  # measure the real, uncached path
            started = time.perf_counter()
            answer = assistant.ask(q.question, history=q.history)
            ask_ms.append((time.perf_counter() - started) * 1000)
            retrieval_ms.append(answer.timings["retrieval_ms"])
            answer_ms.append(answer.timings["answer_ms"])
    assistant.close()

    table = Table("measure", "p50 ms", "p95 ms")
    for name, values in [("ask (warm, total)", ask_ms), ("  retrieval incl. embedding", retrieval_ms),
                         ("  answer extraction", answer_ms), ("one query embedding (floor)", embed_ms)]:
        table.add_row(name, f"{percentile(values, 50):.1f}", f"{percentile(values, 95):.1f}")
    console.print(table)
    p50_ask, p50_embed = percentile(ask_ms, 50), percentile(embed_ms, 50)
    console.print(
        f"{len(questions)} questions x {rounds} rounds. p50 ask / p50 embedding = {p50_ask / p50_embed:.2f} "
        f"(target < 3); embedding share of p50 ask = {p50_embed / p50_ask:.0%}"
    )


if __name__ == "__main__":
    typer.run(main)
