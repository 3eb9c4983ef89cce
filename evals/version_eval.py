"""Run the version gold questions against the index of the shared corpus and realdocs together,
with the baselines measured in the same run."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from evals.trail_eval import combined_assistant
from evals.versions import VersionQuestion, mean, score_dump, score_plain, score_version


def evaluate_versions(settings: Settings, corpus: Path, realdocs: Path, questions: list[VersionQuestion]) -> dict:
    """{'per_question': [...], 'aggregate': {configuration: metrics}} for ours and the baselines."""
    with combined_assistant(settings, corpus, realdocs) as assistant:
        rows, plain, dump = [], [], []
        for q in questions:
            answer = assistant.ask(q.question, history=q.history)
            rows.append(score_version(q, answer))
            # The same question answered without version handling: what the answerer alone would say.
            query = assistant.queries.analyze(q.question, q.history).model_copy(update={"paragraph": None, "as_of": None})
            hits = assistant.retriever.search(query, top_k=assistant.settings.top_k)
            plain.append(score_plain(q, assistant.extractive.answer(query, hits)))
            dump.append(score_dump(q, hits[:3]))
        return {
            "per_question": rows,
            "aggregate": {
                "ours (version in force)": {"version_accuracy": mean([r["version_correct"] for r in rows]), "questions": len(rows)},
                "plain answer (first cited document)": {"version_accuracy": mean(plain)},
                "top-3 dump (first passage of the §)": {"version_accuracy": mean(dump)},
            },
        }
