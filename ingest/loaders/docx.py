"""Word documents (.docx) via python-docx: styles become Markdown headings and list items,
tables rows, and footnotes paragraphs after the text that refers to them."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.loaders.base import LoadedFile, LoadError
from ingest.loaders.limits import Limits, check_archive
from ingest.loaders.text import read_bytes

# English style names, and the Swedish ones Word writes when a document was made in Swedish Word
# ('Rubrik' is the Swedish name of the Title style, 'Rubrik 1' of Heading 1).
_TITLE = re.compile(r"^(?:title|rubrik)$", re.I)
_HEADING = re.compile(r"^(?:heading|rubrik)\s*(\d)$", re.I)
_BULLET_STYLE = re.compile(r"^(?:list bullet|punktlista)", re.I)
_NUMBER_STYLE = re.compile(r"^(?:list number|numrerad lista)", re.I)
# python-docx's built-in template carries this creation time; it says nothing about the document.
_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.timezone.utc)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
_DIGIT = re.compile(r"\d")


def _numbering_format(document: Document, paragraph: Paragraph) -> str | None:
    """'bullet', 'decimal', ... for a paragraph numbered directly (Word's usual 'List Paragraph')."""
    ppr = paragraph._p.pPr
    if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
        return None
    num_id = ppr.numPr.numId.val
    if num_id == 0:
        return None  # Word's way of switching inherited numbering off
    level = ppr.numPr.ilvl.val if ppr.numPr.ilvl is not None else 0
    try:
        numbering = document.part.numbering_part.element
        abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')[0]
        formats = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        )
    except (IndexError, KeyError, NotImplementedError):
        return "bullet"  # numbering we cannot resolve still reads best as a list
    return formats[0] if formats else "bullet"


def _paragraph_line(document: Document, paragraph: Paragraph, counter: int) -> tuple[str, int]:
    """The Markdown for one paragraph, and the running number for the next numbered item."""
    text = " ".join(paragraph.text.split())
    style = paragraph.style.name if paragraph.style is not None else ""
    if _TITLE.match(style):
        return f"# {text}", 0
    if heading := _HEADING.match(style):
        return f"{'#' * min(max(int(heading.group(1)), 1), 6)} {text}", 0
    numbering = _numbering_format(document, paragraph)
    if _NUMBER_STYLE.match(style) or numbering not in (None, "bullet", "none"):
        return f"{counter + 1}. {text}", counter + 1
    if _BULLET_STYLE.match(style) or numbering is not None:
        return f"- {text}", 0
    return text, 0


_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _footnotes(document: Document) -> dict[str, str]:
    """Footnote id -> text. python-docx has no footnote API, so the part is read from its
    relationship; separators (negative and zero ids, or a w:type) are not notes."""
    part = next((r.target_part for r in document.part.rels.values() if r.reltype == _FOOTNOTES_REL), None)
    if part is None:
        return {}
    root = parse_xml(part.blob)
    notes: dict[str, str] = {}
    for note in root.iter(f"{_W}footnote"):
        if note.get(f"{_W}type") not in (None, "normal"):
            continue
        text = " ".join("".join(t.text or "" for t in note.iter(f"{_W}t")).split())
        if text:
            notes[note.get(f"{_W}id", "")] = text
    return notes


def _footnote_lines(paragraph: Paragraph, notes: dict[str, str]) -> list[str]:
    """The notes a paragraph refers to, placed right after it so a fact that lives only in a
    footnote is indexed with the text it explains."""
    ids = paragraph._p.xpath(".//w:footnoteReference/@w:id") if notes else []
    return [f"Fotnot {n}: {notes[n]}" for n in ids if n in notes]


def _row_cells(row) -> list[str]:
    cells: list[str] = []
    seen: set[int] = set()
    for cell in row.cells:
        # Merged cells come back once per grid column; keep each only once.
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append(" ".join(cell.text.split()))
    return cells


def _is_table_of_figures(rows: list[list[str]]) -> bool:
    """A full heading row over rows of the same width whose values are mostly figures (a budget);
    a layout table (signatures, addresses) is not one."""
    header, body = rows[0], rows[1:]
    if len(header) < 2 or not body or any(len(r) != len(header) for r in body):
        return False
    values = [cell for r in body for cell in r[1:]]
    return all(header) and sum(bool(_DIGIT.search(v)) for v in values) * 2 >= len(values)


def _table_rows(table: Table) -> list[str]:
    rows = [cells for cells in (_row_cells(row) for row in table.rows) if any(cells)]
    if len(rows) >= 2 and _is_table_of_figures(rows):
        # Each row names its column headings, so '850' is found as '2025: 850' for its row.
        header = rows[0]
        items = [f"- {r[0]} – " + "; ".join(f"{h}: {v}" for h, v in zip(header[1:], r[1:])) for r in rows[1:]]
        return ["\n".join(items)]  # one tight list, kept with the caption before it
    return [" | ".join(cells) for cells in rows]


def _open(path: Path, limits: Limits) -> Document:
    data = read_bytes(path)
    if not data.strip():
        raise LoadError(path, "filen är tom")
    if data.startswith(_OLE_SIGNATURE):
        raise LoadError(path, "filen är ett äldre Word-dokument (.doc) eller lösenordsskyddad och kan inte läsas")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise LoadError(path, "filen har ändelsen .docx men är inte ett Word-dokument")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(path, archive, "Word-dokumentet", limits)
    except zipfile.BadZipFile as exc:
        raise LoadError(path, "Word-dokumentet är skadat och kan inte läsas") from exc
    try:
        return docx.Document(io.BytesIO(data))
    except (KeyError, ValueError) as exc:  # a zip without Word's parts, e.g. a renamed .xlsx
        raise LoadError(path, "filen har ändelsen .docx men är inte ett Word-dokument") from exc
    except Exception as exc:
        raise LoadError(path, "Word-dokumentet är skadat och kan inte läsas") from exc


def _declared(document: Document) -> dict[str, object]:
    declared: dict[str, object] = {}
    props = document.core_properties
    if props.title and props.title.strip():
        declared["title"] = props.title.strip()
    if props.created and props.created != _TEMPLATE_CREATED:
        declared["published"] = props.created.date().isoformat()
    return declared


def load_docx(path: Path, limits: Limits | None = None) -> LoadedFile:
    document = _open(path, limits or Limits())
    blocks: list[str] = []
    counter = 0
    try:
        notes = _footnotes(document)
        for part in document.iter_inner_content():
            if isinstance(part, Table):
                blocks.extend(_table_rows(part))
                counter = 0
            elif part.text.strip():
                line, counter = _paragraph_line(document, part, counter)
                blocks.append(line)
                blocks.extend(_footnote_lines(part, notes))
        declared = _declared(document)
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(path, "Word-dokumentet är skadat och kan inte läsas") from exc
    if not blocks:
        raise LoadError(path, "filen är tom")
    return LoadedFile(text="\n\n".join(blocks) + "\n", declared=declared)
