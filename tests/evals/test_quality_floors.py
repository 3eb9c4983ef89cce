"""CI's quality gate: the dev questions through the real assistant must stay above floors set
from measured results (see the README) minus a small margin. A regression in chunking,
retrieval or answering shows up here as a failing number, not a feeling."""

from __future__ import annotations

import json

from evals.harness import run_questions
from evals.questions import load_questions
from tests.conftest import REPO

# Measured on the dev split of 148 questions (2026-12-02, sentence vectors on by default, sentence
# window, body entities, shares in words): hit@5 0.960, citation hit 0.952, fact recall 0.904,
# abstention accuracy 0.826 (19 of 23), false abstention 0.016. Floors are those minus a small margin: a regression
# gate, not the targets (issue 16 asks for more, on the test split).
FLOORS = {"hit@5": 0.92, "citation_hit": 0.92, "fact_recall": 0.86, "abstention_accuracy": 0.78}
CEILINGS = {"false_abstention_rate": 0.06}


def test_dev_questions_stay_above_their_floors(assistant):
    dev = set(json.loads((REPO / "evals" / "splits.json").read_text())["dev"])
    questions = [q for q in load_questions(REPO / "evals" / "questions.jsonl") if q.id in dev]
    aggregate = run_questions(assistant, questions)["aggregate"]
    print(json.dumps(aggregate, indent=2))
    below = {k: aggregate[k] for k, floor in FLOORS.items() if aggregate[k] < floor}
    above = {k: aggregate[k] for k, ceiling in CEILINGS.items() if aggregate[k] > ceiling}
    assert not below and not above, f"below floor: {below}, above ceiling: {above}"
