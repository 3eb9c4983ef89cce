"""Run the decision-trail gold questions against an index of the shared corpus and realdocs
together (the minutes of one refer to the regulations of the other), with the baselines."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.settings import Settings
from evals.metrics import percentile
from evals.trails import TrailQuestion, mean, score_text, score_trail



def combined_folder(settings: Settings, corpus: Path, realdocs: Path) -> Path:
    """A folder under data/eval/ linking both corpora, so one index holds them."""
    folder = settings.data_dir / "eval" / "decisions"
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in (("corpus", corpus), ("realdocs", realdocs)):
        link = folder / name
        if link.is_symlink() and link.resolve() != target.resolve():
            link.unlink()
        if not link.exists():
            link.symlink_to(target.resolve(), target_is_directory=True)
    return folder


@contextmanager
def combined_assistant(settings: Settings, corpus: Path, realdocs: Path) -> Iterator:
    """An Assistant over the combined index, closed afterwards: the evals of one report run share
    the index, and its lexical writer lock allows one open handle at a time."""
    from assistant.service import Assistant
    from evals.harness import corpus_index

    eval_settings, index, embedder = corpus_index(settings, combined_folder(settings, corpus, realdocs), settings.embed_model)
    assistant = Assistant(eval_settings, index=index, embedder=embedder)
    try:
        yield assistant
    finally:
        assistant.close()


def evaluate_trails(settings: Settings, corpus: Path, realdocs: Path, questions: list[TrailQuestion]) -> dict:
    """{'per_question': [...], 'aggregate': {configuration: metrics}} for ours and the baselines."""
    with combined_assistant(settings, corpus, realdocs) as assistant:
        assistant.trail("uppvärmning")  # the first query loads what later ones reuse
        rows, answer_scores, dump_scores, latencies, answer_chars, dump_chars = [], [], [], [], [], []
        for q in questions:
            started = time.perf_counter()
            trail = assistant.trail(q.question, history=q.history)
            latencies.append((time.perf_counter() - started) * 1000)
            rows.append(score_trail(q, trail) | {"record_id": trail.record_id})
            answer = assistant.ask(q.question, history=q.history)
            dump = "\n".join(h.text for h in answer.retrieved[:3])
            answer_scores.append(score_text(q, answer.answer))
            dump_scores.append(score_text(q, dump))
            answer_chars.append(len(answer.answer))
            dump_chars.append(len(dump))
        ours = {
            "record_hit": mean([r["record_hit"] for r in rows]),
            "trail_completeness": mean([r["trail_completeness"] for r in rows]),
            "steps_cited": mean([r["steps_cited"] for r in rows]),
            "chars_median": percentile([r["chars"] for r in rows], 50),
            "latency_p50_ms": percentile(latencies, 50),
            "questions": len(rows),
        }
        return {
            "per_question": rows,
            "aggregate": {
                "ours (decision trail)": ours,
                "our answer (words only)": {"trail_completeness": mean(answer_scores), "chars_median": percentile(answer_chars, 50)},
                "top-3 dump (words only)": {"trail_completeness": mean(dump_scores), "chars_median": percentile(dump_chars, 50)},
            },
        }
