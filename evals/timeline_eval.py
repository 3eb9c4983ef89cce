"""Run the timeline gold questions against the index of the shared corpus and realdocs together,
with the baselines (our answer, the top-3 passages dumped) measured in the same run."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.settings import Settings
from evals.metrics import percentile
from evals.timelines import TimelineQuestion, mean, score_text, score_timeline
from evals.trail_eval import combined_assistant


def evaluate_timelines(settings: Settings, corpus: Path, realdocs: Path, questions: list[TimelineQuestion]) -> dict:
    """{'per_question': [...], 'aggregate': {configuration: metrics}} for ours and the baselines."""
    with combined_assistant(settings, corpus, realdocs) as assistant:
        assistant.timeline("uppvärmning")  # the first query loads what later ones reuse
        rows, answer_rows, dump_rows, latencies = [], [], [], []
        for q in questions:
            started = time.perf_counter()
            timeline = assistant.timeline(q.question, history=q.history)
            latencies.append((time.perf_counter() - started) * 1000)
            rows.append(score_timeline(q, timeline))
            answer = assistant.ask(q.question, history=q.history)
            answer_rows.append(score_text(q, answer.answer))
            dump_rows.append(score_text(q, "\n".join(h.text for h in answer.retrieved[:3])))
        ours = {
            "event_recall": mean([r["event_recall"] for r in rows]),
            "order_accuracy": mean([r["order_accuracy"] for r in rows]),
            "ordered_questions": sum(r["order_accuracy"] is not None for r in rows),
            "events_cited": mean([r["events_cited"] for r in rows if r["events"]]),
            "events_median": percentile([r["events"] for r in rows], 50),
            "latency_p50_ms": percentile(latencies, 50),
            "questions": len(rows),
        }

        def baseline(scored: list[dict]) -> dict:
            return {
                "event_recall": mean([r["event_recall"] for r in scored]),
                "order_accuracy": mean([r["order_accuracy"] for r in scored]),
                "ordered_questions": sum(r["order_accuracy"] is not None for r in scored),
            }

        return {
            "per_question": rows,
            "aggregate": {
                "ours (timeline)": ours,
                "our answer (text)": baseline(answer_rows),
                "top-3 dump (text)": baseline(dump_rows),
            },
        }
