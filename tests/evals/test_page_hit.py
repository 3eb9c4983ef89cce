"""Page hit, dated and sectioned citations, and the realdocs question file."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.harness import Response, as_expected, score_response, summarise
from evals.metrics import page_hit, pages_include
from evals.questions import GoldQuestion, load_questions

REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"

PLAN = GoldQuestion(
    id="p1", category="plan_crosspage", question="Hur stort är stipendiet?", answerable=True,
    expected_docs=["plan-2025"], expected_facts=[["120 000 kronor"]], expected_pages=[18, 19],
)


def test_pages_include_single_pages_and_ranges() -> None:
    assert pages_include("18", [18]) and pages_include("17–19", [18]) and pages_include("5-6", [6])
    assert not pages_include("20", [18, 19]) and not pages_include(None, [1]) and not pages_include("iv", [4])


def test_page_hit_needs_an_expected_document_on_an_expected_page() -> None:
    assert page_hit([("other", "18"), ("plan-2025", "18–19")], {"plan-2025"}, [19]) == 1.0
    assert page_hit([("other", "18")], {"plan-2025"}, [18]) == 0.0  # right page, wrong document
    assert page_hit([("plan-2025", "3")], {"plan-2025"}, [18]) == 0.0


def test_a_file_stem_names_the_document_the_index_derived_from_the_file_name() -> None:
    assert as_expected(["plan-2025-pdf", "plan-2025-pdf-pdf", "x-docx"], {"plan-2025"}) == [
        "plan-2025", "plan-2025-pdf-pdf", "x-docx",
    ]


def test_score_reports_page_hit_dates_and_sections_beside_citation_hit() -> None:
    right = Response("120 000 kronor", ["plan-2025-pdf"], ["plan-2025-pdf"], False,
                     cited_pages=["17–18"], cited_dated=[True], cited_sectioned=[True])
    wrong_page = Response("120 000 kronor", ["plan-2025-pdf"], ["plan-2025-pdf", "memo-docx"], False,
                          cited_pages=["3", None], cited_dated=[True, False], cited_sectioned=[False, None])
    first, second = score_response(PLAN, right, 1.0), score_response(PLAN, wrong_page, 1.0)
    assert (first["citation_hit"], first["page_hit"]) == (1.0, 1.0)
    assert (second["citation_hit"], second["page_hit"]) == (1.0, 0.0)
    assert second["citations_dated"] == 0.5 and second["pdf_citations_with_section"] == 0.0
    aggregate = summarise([first, second])
    assert aggregate["page_hit"] == 0.5 and aggregate["citations_dated"] == 0.75


def test_questions_without_pages_have_no_page_hit() -> None:
    plain = PLAN.model_copy(update={"expected_pages": []})
    record = score_response(plain, Response("x", [], ["plan-2025"], False, cited_pages=["1"]), 1.0)
    assert "page_hit" not in record


def test_realdocs_questions_load() -> None:
    path = REALDOCS / "questions-A.jsonl"
    if not path.exists():
        pytest.skip(f"no realdocs at {REALDOCS}")
    questions = load_questions(path)
    assert len(questions) == 30
    assert any(q.expected_pages for q in questions)
    # The scan's questions are unanswerable yet name the scan they are about.
    assert all(q.expected_docs for q in questions if q.category == "no_text_layer")
