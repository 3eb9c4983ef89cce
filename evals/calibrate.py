"""Choose the abstention threshold (`KA_ABSTAIN_MIN_SUPPORT`) on the dev split, and show the
trade-off it makes.

    python -m evals.calibrate [--split dev] [--max-false-abstention 0.05]

For every question it computes, once, each part's best support (assistant.evidence) with no
threshold, and whether the rare-word rule refuses it; then, for each candidate threshold, the
false-abstention rate on answerable questions and the share of unanswerable ones refused. The
rule: the threshold that refuses the most unanswerable questions while false abstention stays
within the bound (ties: the lowest threshold). Run it on dev only; the test split is read as
aggregates in `eval report`.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.service import Assistant
from assistant.settings import Settings
from evals.harness import corpus_index
from evals.questions import load_questions

REPO = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
console = Console()


def best_supports(assistant: Assistant, question: str, history: list[str]) -> tuple[bool, list[float]]:
    """(refused by the rare-word rule, each part's support; -1 where a part fails naming or value)."""
    query = assistant.queries.analyze(question, history)
    hits = assistant._retrieve(query, None)
    answerer = assistant.extractive
    candidates = answerer.candidates(query, hits, assistant._similarities(query, hits))
    if not candidates:
        return True, []
    supports = [answerer.evidence.support(query, part, candidates) for part in query.parts]
    return bool(answerer._unknown_words(query, hits)), [s.support if s.missing in ("", "coverage") else -1.0 for s in supports]


def sweep(rows: list[tuple[bool, bool, list[float]]], thresholds=THRESHOLDS) -> list[dict]:
    """Per threshold: false abstention and unanswerable refused, from (answerable, rare-word, supports)."""
    out = []
    for tau in thresholds:
        refused = [(answerable, rare or not any(s >= tau for s in supports)) for answerable, rare, supports in rows]
        answerable = [r for a, r in refused if a]
        unanswerable = [r for a, r in refused if not a]
        out.append({
            "threshold": tau,
            "false_abstention": sum(answerable) / len(answerable) if answerable else 0.0,
            "unanswerable_refused": sum(unanswerable) / len(unanswerable) if unanswerable else 0.0,
        })
    return out


def choose(table: list[dict], max_false_abstention: float) -> float:
    allowed = [row for row in table if row["false_abstention"] <= max_false_abstention]
    if not allowed:
        return min(row["threshold"] for row in table)
    return max(allowed, key=lambda row: (row["unanswerable_refused"], -row["threshold"]))["threshold"]


def main(split: str = "dev", max_false_abstention: float = 0.05, corpus: Path = REPO.parent / "shared" / "corpus") -> None:
    settings = Settings()
    eval_settings, index, embedder = corpus_index(settings, corpus, settings.embed_model)
    assistant = Assistant(eval_settings, index=index, embedder=embedder)
    ids = set(json.loads((REPO / "evals" / "splits.json").read_text())[split])
    questions = [q for q in load_questions(REPO / "evals" / "questions.jsonl") if q.id in ids]
    rows = [(q.answerable, *best_supports(assistant, q.question, q.history)) for q in questions]
    assistant.close()
    table = sweep(rows)
    view = Table(title=f"{split}: {len(rows)} questions")
    for column in ("threshold", "false abstention", "unanswerable refused"):
        view.add_column(column, justify="right")
    for row in table:
        view.add_row(f"{row['threshold']:.2f}", f"{row['false_abstention']:.3f}", f"{row['unanswerable_refused']:.3f}")
    console.print(view)
    console.print(f"chosen (max false abstention {max_false_abstention}): {choose(table, max_false_abstention):.2f}; "
                  f"configured KA_ABSTAIN_MIN_SUPPORT={settings.abstain_min_support}")


if __name__ == "__main__":
    typer.run(main)
