"""The real gold-question file, its split file, and the loader's error messages."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import frontmatter
import pytest

from evals.metrics import normalise
from evals.questions import FIRST_UNTUNED, GoldQuestion, load_questions, stratified_split

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "evals" / "questions.jsonl"
SPLITS = REPO / "evals" / "splits.json"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

CATEGORIES = {
    "activity_areas", "roles", "process", "timeline", "forums", "history", "amounts",
    "multi_doc", "informal", "english", "follow_up", "unanswerable",
}


@pytest.fixture(scope="module")
def questions() -> list[GoldQuestion]:
    return load_questions(QUESTIONS)


@pytest.fixture(scope="module")
def corpus_bodies() -> dict[str, str]:
    """Normalised document bodies (front matter excluded) by document id."""
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    bodies = {}
    for path in sorted(CORPUS.glob("*.md")):
        if path.name == "SOURCES.md":
            continue
        post = frontmatter.load(path)
        bodies[str(post["id"])] = normalise(post.content)
    return bodies


def test_file_loads_with_enough_questions(questions):
    assert len(questions) >= 260
    assert [q.id for q in questions] == [f"q{i:03d}" for i in range(1, len(questions) + 1)]


def test_category_coverage(questions):
    counts = Counter(q.category for q in questions)
    assert set(counts) == CATEGORIES
    assert all(counts[c] >= 20 for c in CATEGORIES), counts
    assert sum(not q.answerable for q in questions) >= 40
    assert all(q.category == "unanswerable" for q in questions if not q.answerable)
    assert counts["english"] >= 20
    assert sum(1 for q in questions if q.category == "follow_up" and q.history) >= 20
    assert sum(1 for q in questions if q.category == "multi_doc" and len(q.expected_docs) >= 2) >= 20


def test_facts_are_short(questions):
    for q in questions:
        for forms in q.expected_facts:
            for form in forms:
                assert 1 <= len(form.split()) <= 6, f"{q.id}: fact form too long: {form!r}"


def test_expected_docs_exist(questions, corpus_bodies):
    for q in questions:
        missing = [d for d in q.expected_docs if d not in corpus_bodies]
        assert not missing, f"{q.id}: unknown document ids {missing}"
        assert len(set(q.expected_docs)) == len(q.expected_docs), f"{q.id}: duplicate expected doc"


def test_every_fact_form_occurs_in_an_expected_doc(questions, corpus_bodies):
    problems = []
    for q in questions:
        bodies = [corpus_bodies[d] for d in q.expected_docs if d in corpus_bodies]
        for forms in q.expected_facts:
            for form in forms:
                if not any(normalise(form) in body for body in bodies):
                    problems.append(f"{q.id}: {form!r}")
    assert not problems, "fact forms found in none of the expected docs:\n" + "\n".join(problems)


def test_splits_cover_every_id_once(questions):
    splits = json.loads(SPLITS.read_text(encoding="utf-8"))
    assert set(splits) == {"dev", "test"}
    listed = splits["dev"] + splits["test"]
    assert sorted(listed) == sorted(q.id for q in questions)
    assert len(listed) == len(set(listed))
    test_categories = {q.category for q in questions if q.id in set(splits["test"])}
    assert test_categories == CATEGORIES  # stratified: every category in the test split
    assert 0.4 <= len(splits["test"]) / len(listed) <= 0.6


def test_untuned_questions_are_split_by_the_fixed_seed(questions):
    """Questions from q089 on were split by seed before any tuning; the file must say exactly that."""
    splits = json.loads(SPLITS.read_text(encoding="utf-8"))
    untuned = [q for q in questions if q.id >= FIRST_UNTUNED]
    expected = stratified_split(untuned)
    for name in ("dev", "test"):
        assert sorted(i for i in splits[name] if i >= FIRST_UNTUNED) == expected[name]
    for category in {q.category for q in untuned}:
        ids = [q.id for q in untuned if q.category == category]
        assert abs(2 * sum(i in expected["test"] for i in ids) - len(ids)) <= 1, category


# --- loader errors ----------------------------------------------------------------------------------

GOOD = {
    "id": "q001", "category": "roles", "question": "Vem beslutar?", "history": [], "answerable": True,
    "expected_docs": ["sfs-2010-2012-forordning"], "expected_facts": [["Statens kulturråd"]], "note": "2 §",
}


def _write(tmp_path: Path, *rows: object) -> Path:
    path = tmp_path / "bad.jsonl"
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loader_accepts_good_file_and_defaults(tmp_path):
    minimal = {k: v for k, v in GOOD.items() if k not in ("history", "note")}
    loaded = load_questions(_write(tmp_path, GOOD, "", {**minimal, "id": "q002"}))
    assert [q.id for q in loaded] == ["q001", "q002"]
    assert loaded[1].history == [] and loaded[1].note == ""


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        ("{not json", "bad JSON"),
        ('["a list"]', "expected a JSON object"),
        ({k: v for k, v in GOOD.items() if k != "answerable"}, "missing field 'answerable'"),
        ({**GOOD, "difficulty": "hard"}, "unknown field 'difficulty'"),
        ({**GOOD, "expected_docs": []}, "answerable question has no expected_docs"),
        ({**GOOD, "answerable": False}, "unanswerable question must have empty expected_facts"),
        ({**GOOD, "answerable": False, "expected_docs": []}, "unanswerable question must have empty"),
        ({**GOOD, "answerable": False, "expected_facts": [], "expected_pages": [3]}, "must have empty"),
        ({**GOOD, "expected_pages": [0]}, "1-based"),
        ({**GOOD, "expected_facts": [["Kulturrådet"], []]}, "fact 1 has no forms"),
        ({**GOOD, "expected_facts": [[""]]}, "fact 0 has no forms"),
        ({**GOOD, "answerable": "maybe"}, "answerable"),
    ],
)
def test_loader_names_file_line_and_problem(tmp_path, bad_row, problem):
    path = _write(tmp_path, GOOD, bad_row)
    with pytest.raises(ValueError) as excinfo:
        load_questions(path)
    message = str(excinfo.value)
    assert str(path) in message
    assert "line 2" in message
    assert problem in message


def test_loader_rejects_duplicate_id(tmp_path):
    path = _write(tmp_path, GOOD, {**GOOD, "id": "q002"}, {**GOOD, "question": "Igen?"})
    with pytest.raises(ValueError, match=r"line 3: duplicate id 'q001' \(first on line 1\)"):
        load_questions(path)


PROBES = REPO / "evals" / "probe_questions.jsonl"


def test_probe_questions_are_well_formed(corpus_bodies):
    """The independently written probe set (dev data): valid categories, facts verbatim in an
    expected document, unanswerable questions with neither facts nor documents."""
    probes = load_questions(PROBES)
    assert len(probes) >= 150 and sum(not q.answerable for q in probes) >= 40
    problems = []
    for q in probes:
        assert q.category in CATEGORIES, q.id
        if not q.answerable:
            assert not q.expected_facts and not q.expected_docs, q.id
            continue
        bodies = [corpus_bodies[d] for d in q.expected_docs if d in corpus_bodies]
        assert len(bodies) == len(q.expected_docs), f"{q.id}: unknown document ids"
        for forms in q.expected_facts:
            if not any(normalise(form) in body for form in forms for body in bodies):
                problems.append(f"{q.id}: {forms!r}")
    assert not problems, "facts found in none of the expected docs:\n" + "\n".join(problems)
