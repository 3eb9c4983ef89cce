"""The gold-question format (evals/questions.jsonl) and its validating loader."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from evals.jsonl import read_objects


class GoldQuestion(BaseModel):
    """One gold question; `history` holds earlier user turns of a conversation, oldest first."""

    model_config = ConfigDict(extra="forbid")

    id: str
    category: str
    question: str
    history: list[str] = []
    answerable: bool
    expected_docs: list[str]
    expected_facts: list[list[str]]
    expected_pages: list[int] = []  # 1-based pages where the facts are printed (paged sources only)
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> GoldQuestion:
        if not self.question.strip():
            raise ValueError("question is empty")
        if self.answerable and not self.expected_docs:
            raise ValueError("answerable question has no expected_docs")
        # An unanswerable question may name the documents it is about (a scan without text, a plan
        # that mentions the subject but gives no figure); it can have no facts to find.
        if not self.answerable and (self.expected_facts or self.expected_pages):
            raise ValueError("unanswerable question must have empty expected_facts and expected_pages")
        if any(page < 1 for page in self.expected_pages):
            raise ValueError("expected_pages are 1-based page numbers")
        for i, forms in enumerate(self.expected_facts):
            if not forms or not all(form.strip() for form in forms):
                raise ValueError(f"fact {i} has no forms (or an empty form)")
        return self


def _describe(error: ValidationError) -> str:
    parts = []
    for err in error.errors():
        where = ".".join(str(p) for p in err["loc"])
        kind = {"missing": "missing field", "extra_forbidden": "unknown field"}.get(err["type"])
        if kind:
            parts.append(f"{kind} '{where}'")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts)


def load_questions(path: str | Path) -> list[GoldQuestion]:
    """Load and validate a JSONL file of gold questions (blank lines are skipped).

    Raises ValueError naming the file, the 1-based line number and the problem.
    """
    path = Path(path)
    questions: list[GoldQuestion] = []
    first_line: dict[str, int] = {}
    for lineno, data in read_objects(path):
        where = f"{path}, line {lineno}"
        try:
            question = GoldQuestion.model_validate(data)
        except ValidationError as exc:
            raise ValueError(f"{where}: {_describe(exc)}") from None
        if question.id in first_line:
            raise ValueError(f"{where}: duplicate id '{question.id}' (first on line {first_line[question.id]})")
        first_line[question.id] = lineno
        questions.append(question)
    return questions


# The split of questions q089 onwards, made before any tuning on them: per category, a seeded
# shuffle sends half (rounded up) to test. q001–q088 keep the split they had when they were
# tuned on, so no question tuned on as dev is ever counted as test.
SPLIT_SEED = 16
FIRST_UNTUNED = "q089"


def stratified_split(questions: list[GoldQuestion], seed: int = SPLIT_SEED) -> dict[str, list[str]]:
    """{"dev": ids, "test": ids}: half of each category in test, the same for every run."""
    import random
    from collections import defaultdict

    by_category: dict[str, list[str]] = defaultdict(list)
    for q in questions:
        by_category[q.category].append(q.id)
    split: dict[str, list[str]] = {"dev": [], "test": []}
    for category in sorted(by_category):
        ids = sorted(by_category[category])
        random.Random(f"{seed}:{category}").shuffle(ids)
        cut = (len(ids) + 1) // 2
        split["test"] += ids[:cut]
        split["dev"] += ids[cut:]
    return {name: sorted(ids) for name, ids in split.items()}
