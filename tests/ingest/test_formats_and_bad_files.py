"""Every supported format end to end, and a folder of broken files next to good ones."""

from __future__ import annotations

from pathlib import Path

import docx
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from assistant.cli import app
from assistant.schema import ChunkMeta, FileOutcome
from assistant.settings import Settings
from ingest.index import IndexHandle
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import SMALL_SET, assert_consistent, run_ingest, store_state


def make_pdf(path: Path, pages: list[str], title: str | None = None) -> Path:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Regional kulturplan för Testlän 2025-2028", level=0)
    document.add_heading("Samverkan med kommunerna", level=1)
    document.add_paragraph("Regionen har tagit fram planen i samverkan med länets kommuner.")
    document.add_heading("Prioriterade områden", level=2)
    document.add_paragraph("Planen prioriterar följande områden:")
    for area in ["barn och unga", "läsfrämjande", "scenkonst i hela länet"]:
        document.add_paragraph(area, style="List Bullet")
    document.save(str(path))
    return path


def formats_folder(root: Path) -> Path:
    root.mkdir(parents=True)
    make_pdf(
        root / "kulturplan.pdf",
        [
            "Kulturplan för Testlän\n\nInledning om planens syfte och bakgrund.",
            "Samråd med det civila samhället genomfördes under våren 2024.",
            "Uppföljning sker årligen till Statens kulturråd.",
        ],
        title="Kulturplan Testlän",
    )
    make_docx(root / "plan.docx")
    (root / "sida.html").write_text(
        "<html><head><title>Dialogforum</title></head><body>"
        "<nav><a href='/'>Hem</a> <a href='/om'>Om oss</a></nav>"
        "<div id='cookie-banner'>Vi använder kakor på webbplatsen. Godkänn kakor.</div>"
        "<main><article><h1>Dialogforum för kultur</h1>"
        "<p>Regionen bjuder in kommunernas kulturchefer till dialogforum fyra gånger per år, "
        "där kulturplanens genomförande och uppföljning diskuteras tillsammans.</p>"
        "<h2>Delregionala överläggningar</h2>"
        "<p>Politiker från kommunerna och regionen möts i delregionala överläggningar varje vår "
        "för att samtala om gemensamma kulturpolitiska prioriteringar.</p></article></main>"
        "<footer>Kontakta oss · Tillgänglighetsredogörelse</footer></body></html>",
        encoding="utf-8",
    )
    (root / "protokoll.txt").write_text(
        "Protokoll kulturnämnden 2024-03-12\n\n§ 14 Regional kulturplan\n\n"
        "Kulturnämnden beslutar att godkänna remissversionen.\n\n§ 15 Budget\n\nBudgeten fastställs.\n",
        encoding="utf-8",
    )
    return root


def _chunks(settings: Settings, embedder, doc_id: str) -> list[tuple[ChunkMeta, str]]:
    index = IndexHandle.open(settings, embedder)
    got = index.vectors.collection.get(where={"doc_id": doc_id}, include=["metadatas", "documents"])
    index.close()
    pairs = [(ChunkMeta.from_store(m), d) for m, d in zip(got["metadatas"], got["documents"])]
    return sorted(pairs, key=lambda p: p[0].chunk_index)


def test_each_format_is_indexed_with_its_structure(tmp_path, counting_embedder):
    root = formats_folder(tmp_path / "docs")
    settings = Settings(data_dir=tmp_path / "data")
    summary = run_ingest(settings, counting_embedder.inner, root)
    assert {Path(f.path).name: f.outcome for f in summary.files} == {
        name: FileOutcome.new for name in ["kulturplan.pdf", "plan.docx", "sida.html", "protokoll.txt"]
    }
    embedder = counting_embedder.inner

    pdf = _chunks(settings, embedder, "kulturplan-pdf")
    assert pdf and all(m.page_start is not None for m, _ in pdf)
    page_of = {m.page_start for m, text in pdf if "civila samhället" in text}
    assert page_of == {2}
    assert pdf[0][0].title == "Kulturplan Testlän"

    plan = _chunks(settings, embedder, "plan-docx")
    assert plan[0][0].doc_type.value == "culture_plan"
    listed = [(m, t) for m, t in plan if "scenkonst i hela länet" in t]
    assert listed and listed[0][0].heading_path[-1] == "Prioriterade områden"
    assert listed[0][1].startswith("Planen prioriterar följande områden:")

    html = _chunks(settings, embedder, "sida-html")
    all_html = " ".join(t for _, t in html)
    assert "dialogforum fyra gånger per år" in all_html
    assert "kakor" not in all_html and "Tillgänglighetsredogörelse" not in all_html and "Om oss" not in all_html
    assert any(m.heading_path and m.heading_path[-1] == "Delregionala överläggningar" for m, _ in html)

    minutes = _chunks(settings, embedder, "protokoll-txt")
    assert minutes[0][0].doc_type.value == "minutes"
    assert {m.agenda_item for m, _ in minutes if m.agenda_item} == {"§ 14", "§ 15"}


def bad_files_folder(root: Path) -> dict[str, str]:
    """Broken files, each with a word its reason must contain."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "trasig.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage without xref")
    good = make_pdf(root / "tmp-source.pdf", ["Hemlig text om kulturplanen."])
    writer = PdfWriter(clone_from=PdfReader(str(good)))
    writer.encrypt("hemligt")
    with open(root / "krypterad.pdf", "wb") as handle:
        writer.write(handle)
    good.unlink()
    (root / "tom.md").write_text("", encoding="utf-8")
    (root / "bild.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / "binar.txt").write_bytes(b"\x00\x01\x02binary\x00data")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return {"trasig.pdf": "skadad", "krypterad.pdf": "krypterad", "tom.md": "tom", "bild.docx": "Word", "binar.txt": "binär"}


def test_bad_files_are_reported_and_the_rest_indexed(tmp_path, shared_corpus, counting_embedder):
    root = copy_corpus_subset(shared_corpus, tmp_path / "mix", SMALL_SET[:2])
    expected = bad_files_folder(root)
    settings = Settings(data_dir=tmp_path / "data")
    summary = run_ingest(settings, counting_embedder.inner, root)
    failed = {Path(f.path).name: f.reason for f in summary.files if f.outcome == FileOutcome.failed}
    assert set(failed) == set(expected)
    for name, word in expected.items():
        assert word.lower() in failed[name].lower(), (name, failed[name])
    assert {Path(f.path).name for f in summary.files if f.outcome == FileOutcome.skipped} == {"logo.png"}
    assert summary.count(FileOutcome.new) == 2 and summary.exit_code == 1
    assert_consistent(store_state(settings, counting_embedder.inner))


def test_a_file_that_breaks_keeps_its_previous_chunks(tmp_path, shared_corpus, counting_embedder):
    root = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET[:2])
    settings = Settings(data_dir=tmp_path / "data")
    run_ingest(settings, counting_embedder.inner, root)
    before = store_state(settings, counting_embedder.inner)
    (root / f"{SMALL_SET[0]}.md").write_text("---\nid: [unclosed\n---\ntext", encoding="utf-8")
    summary = run_ingest(settings, counting_embedder.inner, root)
    failed = [f for f in summary.files if f.outcome == FileOutcome.failed]
    assert len(failed) == 1 and "YAML" in failed[0].reason
    after = store_state(settings, counting_embedder.inner)
    assert sorted(after["chroma_ids"]) == sorted(before["chroma_ids"])


def test_cli_exit_codes_and_summary(tmp_path, shared_corpus, monkeypatch):
    monkeypatch.setenv("KA_DATA_DIR", str(tmp_path / "data"))
    from assistant.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    good = copy_corpus_subset(shared_corpus, tmp_path / "good", SMALL_SET[:1])
    result = runner.invoke(app, ["ingest", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 nya" in result.output

    again = runner.invoke(app, ["ingest", str(good), "--json"])
    assert again.exit_code == 0 and '"outcome": "unchanged"' in again.output

    bad_files_folder(tmp_path / "bad")
    mixed = runner.invoke(app, ["ingest", str(tmp_path / "bad")])
    assert mixed.exit_code == 1
    assert "trasig.pdf" in mixed.output and "krypterad" in mixed.output

    missing = runner.invoke(app, ["ingest", str(tmp_path / "finns-inte")])
    assert missing.exit_code == 2

    status = runner.invoke(app, ["status", "--json"])
    assert status.exit_code == 0 and '"documents": 1' in status.output
    get_settings.cache_clear()
