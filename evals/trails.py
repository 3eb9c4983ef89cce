"""Decision-trail gold questions (evals/trail_questions.jsonl) and their metrics.

Each question names the decision it is about (document, and agenda item where there is one) and
the steps its trail must hold: a role, words the step's text contains, and for a reference
whether it resolves (and to which document). Metrics, per split:
- record_hit: the trail is of the expected decision;
- trail_completeness: share of expected steps present with their role and cited (and, for a
  reference, resolved to the expected document or marked unresolved as expected);
- steps_cited: share of the trail's steps that carry a citation.
Baselines measured in the same run, on the same index: our ordinary answer and the top-3
retrieved passages dumped, each scored on whether an expected step's words appear anywhere in
its text (no roles, no links, so this flatters them).

The questions are split 50/50 into dev and test by a fixed seed (`split_ids`) before any tuning.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assistant.schema import DecisionTrail, TrailRole
from evals.jsonl import read_objects

SPLIT_SEED = "trails-2026-12-03"
QUESTIONS = Path(__file__).with_name("trail_questions.jsonl")


class ExpectedStep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: TrailRole
    contains: str
    resolved: bool | None = None  # None: not a reference, or either is fine
    link_doc: str | None = None


class TrailQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    question: str
    history: list[str] = []
    expected_doc: str
    expected_item: str | None = None
    expected_steps: list[ExpectedStep]


def load_trail_questions(path: Path = QUESTIONS) -> list[TrailQuestion]:
    return [TrailQuestion.model_validate(obj) for _, obj in read_objects(path)]


def split_ids(questions: list, seed: str = SPLIT_SEED) -> dict[str, list[str]]:
    """Half the question ids (anything with an `id`) for dev, half for test, by a fixed seed."""
    ids = sorted(q.id for q in questions)
    random.Random(seed).shuffle(ids)
    half = (len(ids) + 1) // 2
    return {"dev": sorted(ids[:half]), "test": sorted(ids[half:])}


def normal_text(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[–—]", "-", text)).casefold().strip()


def step_found(expected: ExpectedStep, trail: DecisionTrail) -> bool:
    doc_of = {c.n: c.doc_id for c in trail.citations}
    for step in trail.steps:
        if step.role != expected.role or normal_text(expected.contains) not in normal_text(step.text) or step.citation is None:
            continue
        if expected.resolved is not None and step.resolved != expected.resolved:
            continue
        if expected.link_doc and (step.link is None or doc_of.get(step.link) != expected.link_doc):
            continue
        return True
    return False


def score_trail(question: TrailQuestion, trail: DecisionTrail) -> dict:
    doc, _, item = (trail.record_id or "").partition("#")
    found = [step_found(s, trail) for s in question.expected_steps]
    return {
        "id": question.id,
        "record_hit": float(doc == question.expected_doc and (question.expected_item is None or item == question.expected_item)),
        "trail_completeness": sum(found) / len(found),
        "steps_cited": sum(s.citation is not None for s in trail.steps) / len(trail.steps) if trail.steps else 0.0,
        "missing": [f"{s.role.value}: {s.contains}" for s, ok in zip(question.expected_steps, found) if not ok],
        "chars": sum(len(s.text) for s in trail.steps),
    }


def score_text(question: TrailQuestion, text: str) -> float:
    """Share of expected steps whose words appear anywhere in a plain answer (baselines)."""
    found = [normal_text(s.contains) in normal_text(text) for s in question.expected_steps]
    return sum(found) / len(found)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
