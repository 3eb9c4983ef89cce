"""Word structure beyond paragraphs: footnotes (a fact may live only there) and tables."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ingest.loaders.docx import load_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES = (
    f'<w:footnotes xmlns:w="{W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Enkäten besvarades av '
    '</w:t></w:r><w:r><w:t>87 föreningar.</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def _with_footnote(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Bakgrund", level=1)
    paragraph = document.add_paragraph("Underlaget bygger på en enkät.")
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    run = paragraph.add_run()
    run._r.append(reference)
    document.add_paragraph("Nästa stycke.")
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, FOOTNOTES.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    document.save(path)
    return path


def test_footnote_text_follows_the_paragraph_that_refers_to_it(tmp_path: Path) -> None:
    blocks = load_docx(_with_footnote(tmp_path / "fotnot.docx")).text.strip().split("\n\n")
    assert blocks == [
        "# Bakgrund",
        "Underlaget bygger på en enkät.",
        "Fotnot 1: Enkäten besvarades av 87 föreningar.",
        "Nästa stycke.",
    ]


def test_a_document_without_footnotes_is_unchanged(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Bara text.")
    document.save(tmp_path / "utan.docx")
    assert load_docx(tmp_path / "utan.docx").text == "Bara text.\n"


def test_table_of_figures_rows_name_their_headings_but_a_layout_table_stays_cells(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tabell 2. Kostnader, tkr")
    figures = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("Insats", "2025", "2026"), ("Rådgivning", "850", "880"), ("Mentorer", "240", "–")]):
        for c, text in enumerate(row):
            figures.cell(r, c).text = text
    signatures = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Helena Sandberg", "Sofia Rask"), ("Kulturdirektör", "Kulturstrateg")]):
        for c, text in enumerate(row):
            signatures.cell(r, c).text = text
    document.save(tmp_path / "t.docx")
    blocks = load_docx(tmp_path / "t.docx").text.strip().split("\n\n")
    assert blocks == [
        "Tabell 2. Kostnader, tkr",
        "- Rådgivning – 2025: 850; 2026: 880\n- Mentorer – 2025: 240; 2026: –",
        "Helena Sandberg | Sofia Rask",
        "Kulturdirektör | Kulturstrateg",
    ]
