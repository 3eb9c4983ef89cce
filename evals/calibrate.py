"""Choose the abstention threshold (`KA_ABSTAIN_MIN_SUPPORT`) on the dev split, and show the
trade-off it makes.

    python -m evals.calibrate [--split dev] [--max-false-abstention 0.05]

For each candidate threshold the dev questions are answered in full, and scored as `eval
questions` scores them. A higher threshold refuses more unanswerable questions, but it also
drops parts of answers (a part below the threshold is named as unsupported, its sentence left
out), which counting refusals alone does not see. So the rule weighs both, per question:

    credit = fact recall of an answered answerable question (0 when refused),
             1 for a refused unanswerable question, 0 for an answered one;

and picks the threshold with the highest mean credit while false abstention stays within the
bound. Neighbouring thresholds often tie (no dev question's support lies between them): of such
a plateau it takes the middle, the point furthest from both edges, where unseen questions start
to be lost (an even plateau: the upper of its two middle points, which refuses more). Run it on
dev only; the test split is read as aggregates in `eval report`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import groupby
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.service import Assistant
from assistant.settings import Settings
from evals import metrics
from evals.harness import corpus_index, run_questions
from evals.questions import load_questions

REPO = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.275, 0.3)
console = Console()


def credit(record: Mapping[str, object]) -> float:
    """One question's worth: the facts an answerable one got, or whether an unanswerable one was refused."""
    if not record["answerable"]:
        return 1.0 if record["abstained"] else 0.0
    return 0.0 if record["abstained"] else float(record.get("fact_recall") or 0.0)


def summarise(threshold: float, per_question: Sequence[Mapping[str, object]]) -> dict:
    answerable = [r for r in per_question if r["answerable"]]
    return {
        "threshold": threshold,
        "credit": sum(credit(r) for r in per_question) / len(per_question) if per_question else 0.0,
        "fact_recall": sum(credit(r) for r in answerable) / len(answerable) if answerable else 0.0,
        "false_abstention": metrics.false_abstention_rate(per_question) or 0.0,
        "unanswerable_refused": metrics.abstention_accuracy(per_question) or 0.0,
    }


def choose(table: list[dict], max_false_abstention: float) -> float:
    """The middle of the longest run of consecutive thresholds with the best credit within the
    bound; with none within the bound, the lowest threshold, which refuses least."""
    rows = sorted(table, key=lambda row: row["threshold"])
    allowed = [row["false_abstention"] <= max_false_abstention for row in rows]
    if not any(allowed):
        return rows[0]["threshold"]
    best = max(round(row["credit"], 9) for row, ok in zip(rows, allowed) if ok)
    on_best = [ok and round(row["credit"], 9) == best for row, ok in zip(rows, allowed)]
    runs = [[row["threshold"] for row, _ in group] for on, group in groupby(zip(rows, on_best), key=lambda x: x[1]) if on]
    plateau = max(runs, key=len)
    return plateau[len(plateau) // 2]


def main(split: str = "dev", max_false_abstention: float = 0.05, corpus: Path = REPO.parent / "shared" / "corpus") -> None:
    settings = Settings()
    eval_settings, index, embedder = corpus_index(settings, corpus, settings.embed_model)
    ids = set(json.loads((REPO / "evals" / "splits.json").read_text())[split])
    questions = [q for q in load_questions(REPO / "evals" / "questions.jsonl") if q.id in ids]
    table = []
    try:
        for tau in THRESHOLDS:
            # Each assistant shares the one index; closing any of them would close it for the rest.
            assistant = Assistant(eval_settings.model_copy(update={"abstain_min_support": tau}), index=index, embedder=embedder)
            table.append(summarise(tau, run_questions(assistant, questions)["per_question"]))
    finally:
        index.close()
    view = Table(title=f"{split}: {len(questions)} questions, each threshold answered in full")
    for column in ("threshold", "credit", "fact recall", "false abstention", "unanswerable refused"):
        view.add_column(column, justify="right")
    for row in table:
        view.add_row(*(f"{row[k]:.3f}" for k in ("threshold", "credit", "fact_recall", "false_abstention", "unanswerable_refused")))
    console.print(view)
    console.print(f"chosen (highest credit, max false abstention {max_false_abstention}): "
                  f"{choose(table, max_false_abstention):.2f}; configured KA_ABSTAIN_MIN_SUPPORT={settings.abstain_min_support}")


if __name__ == "__main__":
    typer.run(main)
