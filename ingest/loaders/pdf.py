"""PDF files via pypdf: one page marker per page, wrapped lines joined back into paragraphs."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PasswordType, PdfReader

from ingest.loaders.base import PAGE_MARKER, LoadedFile, LoadError
from ingest.loaders.limits import Limits, check_text_length
from ingest.loaders.text import STRUCTURE_START, as_list_item, read_bytes

# Running page numbers ('3', 'Sida 3 av 10', '3/10') repeat on every page and carry no content.
_PAGE_NUMBER = re.compile(r"^(?:sida\s*)?\d{1,4}(?:\s*(?:av|/)\s*\d{1,4})?$", re.I)
# Producer placeholders that are not a real title.
_TRIVIAL_TITLE = re.compile(r"^(?:microsoft \w+ - |untitled|namnlös|dokument\d*$|document\d*$)|\.(?:docx?|odt|rtf|pdf|indd|pptx?|xlsx?)$", re.I)
# Swedish words that follow a hyphen at a line end when it is a real dash ('barn- och unga').
_KEEP_HYPHEN_BEFORE = ("och", "eller", "samt", "till", "som")


def _starts_block(line: str) -> bool:
    return bool(STRUCTURE_START.match(line)) or as_list_item(line) is not None


def _join(previous: str, line: str) -> str:
    if previous.endswith("-") and previous[-2:-1].isalpha() and line.split(" ", 1)[0] not in _KEEP_HYPHEN_BEFORE:
        return previous[:-1] + line  # hyphenated word split over two lines
    return f"{previous} {line}"


def page_to_markdown(text: str) -> str:
    """Rejoin a page's wrapped lines; pypdf gives one line per printed line and no blank lines."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
    if not lines:
        return ""
    full_width = max(len(line) for line in lines) * 0.75
    blocks: list[str] = []
    previous_line = ""
    for line in lines:
        # A continuation starts lower-case (even after 'bl.a.'), or follows a line that ran to
        # the right margin; a short line ends its paragraph or is a heading.
        if blocks and not _starts_block(line) and (line[:1].islower() or len(previous_line) >= full_width):
            blocks[-1] = _join(blocks[-1], line)
        elif (item := as_list_item(line)) and blocks and as_list_item(blocks[-1].rsplit("\n", 1)[-1]):
            blocks[-1] += f"\n{item}"  # keep a list tight, one item per line
        else:
            blocks.append(item or line)
        previous_line = line
    return "\n\n".join(blocks)


def _open(path: Path) -> PdfReader:
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


def load_pdf(path: Path, limits: Limits | None = None) -> LoadedFile:
    limits = limits or Limits()
    reader = _open(path)
    try:
        pages = list(reader.pages)
    except Exception as exc:
        raise LoadError(path, "PDF-filen är skadad eller inte en giltig PDF") from exc
    if not pages:
        raise LoadError(path, "PDF-filen innehåller inga sidor")
    parts: list[str] = []
    failed = 0
    has_text = False
    length = 0
    for number, page in enumerate(pages, start=1):
        try:
            body = page_to_markdown(page.extract_text() or "")
        except Exception:
            failed += 1
            body = ""
        has_text = has_text or bool(body)
        parts.append(f"{PAGE_MARKER.format(n=number)}\n\n{body}".rstrip())
        length += len(parts[-1])
        if length > limits.max_text_chars:  # stop reading pages as soon as the limit is passed
            check_text_length(path, "\n\n".join(parts), limits)
    if not has_text:
        if failed:
            raise LoadError(path, "PDF-filen är skadad eller inte en giltig PDF")
        raise LoadError(path, "PDF-filen saknar textlager (skannad bild?)")
    declared: dict[str, object] = {}
    if title := _declared_title(reader):
        declared["title"] = title
    if failed:
        declared["partial"] = True  # some pages could not be read; answers may miss them
    return LoadedFile(text="\n\n".join(parts) + "\n", declared=declared)
