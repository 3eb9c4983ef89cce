"""Version gold questions (evals/version_questions.jsonl): which wording of a regulation's §
applied at a date, and its metric.

Each question names the regulation (SFS number), the §, the date asked about (None: now), and
either the document holding the wording in force then, with its period as the documents state
it, or `answerable: false` when no indexed wording covers the date. version_accuracy per split:
- answerable: the answer quotes the expected document's wording (its words in the answer), says
  it applied from the expected date when the documents state one (and until the expected date
  when they state one);
- not answerable: the answer says no indexed wording applied then (abstains).
Baselines measured in the same run, on the same index: a plain answer without version handling
(the first cited document, as a reader would take it) and the top-3 passages dumped (the first
passage of that §). Neither says from when a wording applied, so they are scored on the document
alone, which flatters them.

The questions are split 50/50 into dev and test by a fixed seed (`split_ids`) before any tuning.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assistant.schema import Answer, RetrievedChunk
from evals.jsonl import read_objects
from evals.trails import mean, normal_text
from evals.trails import split_ids as split_by_seed

SPLIT_SEED = "versions-2026-12-03"
QUESTIONS = Path(__file__).with_name("version_questions.jsonl")


class VersionQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    question: str
    history: list[str] = []
    category: str = "version"
    sfs: str
    paragraph: str
    as_of: str | None
    answerable: bool
    expected_doc: str | None
    expected_valid_from: str | None = None
    expected_valid_until: str | None = None
    contains: str | None = None
    note: str | None = None


def load_version_questions(path: Path = QUESTIONS) -> list[VersionQuestion]:
    return [VersionQuestion.model_validate(obj) for _, obj in read_objects(path)]


def split_ids(questions: list[VersionQuestion], seed: str = SPLIT_SEED) -> dict[str, list[str]]:
    return split_by_seed(questions, seed)


def _normal(text: str) -> str:
    return normal_text(text.replace("\\", ""))  # an answer may escape Markdown


def score_version(question: VersionQuestion, answer: Answer) -> dict:
    applied = answer.applied
    if not question.answerable:
        correct = answer.abstained
        why = "" if correct else f"answered from {applied.doc_id if applied else answer.citations[0].doc_id if answer.citations else '?'}"
        return {"id": question.id, "version_correct": float(correct), "why": why}
    problems = []
    if applied is None or not applied.found:
        problems.append("no version chosen")
    else:
        if applied.doc_id != question.expected_doc:
            problems.append(f"version {applied.doc_id}")
        if question.expected_valid_from and question.expected_valid_from not in answer.answer:
            problems.append(f"no start {question.expected_valid_from}")
        if question.expected_valid_until and question.expected_valid_until not in answer.answer:
            problems.append(f"no end {question.expected_valid_until}")
    if question.contains and _normal(question.contains) not in _normal(answer.answer):
        problems.append("wording not quoted")
    return {"id": question.id, "version_correct": float(not problems), "why": "; ".join(problems)}


def score_plain(question: VersionQuestion, answer: Answer) -> float:
    """Baseline: the document a reader takes from a plain answer (its first citation)."""
    if not question.answerable:
        return float(answer.abstained)
    return float(bool(answer.citations) and answer.citations[0].doc_id == question.expected_doc)


def score_dump(question: VersionQuestion, passages: list[RetrievedChunk]) -> float:
    """Baseline: the first of the top-3 passages holding the § asked for."""
    holding = [p for p in passages if p.meta.section == question.paragraph]
    if not question.answerable:
        return float(not holding)
    return float(bool(holding) and holding[0].meta.doc_id == question.expected_doc)


