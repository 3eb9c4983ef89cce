"""Timeline gold questions (evals/timeline_questions.jsonl) and their metrics.

Each question lists the events its timeline must hold, in date order: the ISO date, words of the
sentence that states it, and a document that states it. Metrics, per split:
- event_recall: share of expected events present (same date, the words in the event's text or in
  a telling merged into it) and cited;
- order_accuracy: of the pairs of expected events both present, the share the timeline puts in
  the expected order (questions with fewer than two present events have no pairs and are left out);
- events_cited: share of the timeline's events that carry a citation.
Baselines measured in the same run, on the same index: our ordinary answer and the top-3
retrieved passages dumped, scored on the same words next to the event's date written in the text
(ISO or spelled out), their order being the order of first mention.

The questions are split 50/50 into dev and test by a fixed seed (`split_ids`) before any tuning.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assistant.schema import Timeline
from evals.jsonl import read_objects
from evals.trails import normal_text
from evals.trails import split_ids as split_by_seed
from ingest.dates import MONTHS

SPLIT_SEED = "timelines-2026-12-03"
QUESTIONS = Path(__file__).with_name("timeline_questions.jsonl")


class ExpectedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: str
    contains: str
    doc: str


class TimelineQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    question: str
    history: list[str] = []
    category: str = "timeline"
    expected_events: list[ExpectedEvent]


def load_timeline_questions(path: Path = QUESTIONS) -> list[TimelineQuestion]:
    return [TimelineQuestion.model_validate(obj) for _, obj in read_objects(path)]


def split_ids(questions: list[TimelineQuestion], seed: str = SPLIT_SEED) -> dict[str, list[str]]:
    return split_by_seed(questions, seed)


def _order_accuracy(positions: list[int | None]) -> float | None:
    """Share of pairs of present events (expected in this order) that come in this order; None without pairs."""
    present = [p for p in positions if p is not None]
    pairs = list(combinations(present, 2))
    return sum(a <= b for a, b in pairs) / len(pairs) if pairs else None


def score_timeline(question: TimelineQuestion, timeline: Timeline) -> dict:
    positions: list[int | None] = []
    for expected in question.expected_events:
        words = normal_text(expected.contains)
        positions.append(next(
            (i for i, e in enumerate(timeline.events)
             if e.date == expected.date and e.citations and any(words in normal_text(t) for t in [e.text, *e.also])),
            None,
        ))
    found = [p is not None for p in positions]
    return {
        "id": question.id,
        "event_recall": sum(found) / len(found),
        "order_accuracy": _order_accuracy(positions),
        "events_cited": sum(bool(e.citations) for e in timeline.events) / len(timeline.events) if timeline.events else 0.0,
        "events": len(timeline.events),
        "missing": [f"{e.date}: {e.contains}" for e, ok in zip(question.expected_events, found) if not ok],
    }


def _spellings(iso: str) -> list[str]:
    year, month, day = iso.split("-")
    name = next(n for n, m in MONTHS.items() if m == int(month))
    return [iso, f"{int(day)} {name} {year}"]


def score_text(question: TimelineQuestion, text: str) -> dict:
    """Recall and order of expected events in a plain text (baselines): the event's words within
    a sentence-sized window after or before its date, the order that of first mention."""
    normal = normal_text(text)
    positions: list[int | None] = []
    for expected in question.expected_events:
        words = normal_text(expected.contains)
        position = None
        for spelling in _spellings(expected.date):
            for match in re.finditer(re.escape(spelling), normal):
                window = normal[max(0, match.start() - 200): match.end() + 200]
                if words in window:
                    position = match.start() if position is None else min(position, match.start())
        positions.append(position)
    found = [p is not None for p in positions]
    return {"event_recall": sum(found) / len(found), "order_accuracy": _order_accuracy(positions)}


def mean(values: list[float | None]) -> float:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else 0.0
