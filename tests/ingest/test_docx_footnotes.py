"""A fact that lives only in a Word footnote is read, next to the text that refers to it."""

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
