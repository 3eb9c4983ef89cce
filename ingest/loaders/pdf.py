"""PDF files via pypdf: the text as a reader sees it, with one page marker per page.

Page furniture (running headers and footers, page numbers, the table of contents) is removed in
pdf_pages.py; table rows get their column headings in pdf_tables.py; lines become paragraphs and
headings in pdf_text.py."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader

from ingest.loaders.base import LoadedFile, LoadError
from ingest.loaders.limits import Limits, check_text_length
from ingest.loaders.pdf_pages import clean_pages
from ingest.loaders.pdf_tables import looks_tabular, rewrite_tables
from ingest.loaders.pdf_text import lines_to_markdown
from ingest.loaders.text import read_bytes

# The reason a scan is refused with; ingest/ocr.py recognises it to OCR the file or record it.
NO_TEXT_LAYER = "PDF-filen saknar textlager (skannad bild?) – behöver OCR"

# Producer placeholders that are not a real title.
_TRIVIAL_TITLE = re.compile(r"^(?:microsoft \w+ - |untitled|namnlös|dokument\d*$|document\d*$)|\.(?:docx?|odt|rtf|pdf|indd|pptx?|xlsx?)$", re.I)


def page_to_markdown(text: str) -> str:
    """One page's extracted text as Markdown (no page marker): wrapped lines rejoined."""
    cleaned = clean_pages([text])
    return lines_to_markdown(cleaned.pages, cleaned.toc_titles).split("\n\n", 1)[-1] if cleaned.pages[0] else ""


def open_pdf(path: Path) -> PdfReader:
    data = read_bytes(path)
    if not data.strip():
        raise LoadError(path, "filen är tom")
    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:  # pypdf raises many types on damaged input, not only PdfReadError
        raise LoadError(path, "PDF-filen är skadad eller inte en giltig PDF") from exc
    if reader.is_encrypted:
        # Many PDFs are encrypted with an empty user password only to restrict printing or copying.
        try:
            decrypted = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:  # unsupported algorithm or missing crypto backend
            decrypted = False
        if not decrypted:
            raise LoadError(path, "PDF-filen är krypterad (lösenordsskyddad) och kan inte läsas")
    return reader


def _declared_title(reader: PdfReader) -> str | None:
    try:
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except Exception:  # a broken info dictionary should not cost us the text
        return None
    if len(title) < 3 or _TRIVIAL_TITLE.search(title):
        return None
    return title


def _page_text(page: PageObject) -> str:
    text = page.extract_text() or ""
    if looks_tabular(text):
        try:
            return rewrite_tables(text, page.extract_text(extraction_mode="layout") or "")
        except Exception:  # layout mode fails on some fonts; the plain text is still good
            return text
    return text


def load_pdf(path: Path, limits: Limits | None = None) -> LoadedFile:
    limits = limits or Limits()
    reader = open_pdf(path)
    try:
        pages = list(reader.pages)
    except Exception as exc:
        raise LoadError(path, "PDF-filen är skadad eller inte en giltig PDF") from exc
    if not pages:
        raise LoadError(path, "PDF-filen innehåller inga sidor")
    raw: list[str] = []
    failed = 0
    length = 0
    for page in pages:
        try:
            raw.append(_page_text(page))
        except Exception:
            failed += 1
            raw.append("")
        length += len(raw[-1])
        if length > limits.max_text_chars:  # stop reading pages as soon as the limit is passed
            check_text_length(path, "\n\n".join(raw), limits)
    if not any(text.strip() for text in raw):
        if failed:
            raise LoadError(path, "PDF-filen är skadad eller inte en giltig PDF")
        raise LoadError(path, NO_TEXT_LAYER)
    return pages_to_loaded(reader, raw, partial=bool(failed))


def pages_to_loaded(reader: PdfReader, raw: list[str], partial: bool = False) -> LoadedFile:
    """Each page's raw text (from the text layer or from OCR) -> the document as Markdown."""
    # Furniture is recognised over the whole document (it is what repeats from page to page).
    cleaned = clean_pages(raw)
    declared: dict[str, object] = {}
    if title := _declared_title(reader):
        declared["title"] = title
    if cleaned.first_header:
        declared["running_header"] = "\n".join(cleaned.first_header)  # names the body and date of minutes
    if partial:
        declared["partial"] = True  # some pages could not be read; answers may miss them
    return LoadedFile(text=lines_to_markdown(cleaned.pages, cleaned.toc_titles) + "\n", declared=declared)
