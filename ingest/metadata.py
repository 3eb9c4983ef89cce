"""Turn what a file declares about itself into complete `DocumentMeta`.

Front matter wins; what is missing is derived from the path and the text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from assistant.schema import DateSource, DocType, DocumentMeta
from ingest.access import as_groups
from ingest.dates import date_in_file_name, date_in_text
from ingest.loaders.base import LoadedFile
from ingest.minutes import body_of_minutes

# Ordered: the first pattern that matches the title or opening text decides.
_DOC_TYPE_PATTERNS: list[tuple[DocType, re.Pattern[str]]] = [
    (DocType.regulation, re.compile(r"\b(SFS \d{4}:\d+|(förordning|lag) \(\d{4}:\d+\)|^\s*\**\d+ ?[a-z]? ?§)", re.I | re.M)),
    (DocType.minutes, re.compile(r"\b(protokoll|sammanträdesprotokoll|minnesanteckningar|föredragningslista|dagordning)\b", re.I)),
    (DocType.culture_plan, re.compile(r"\b(regional(a)? kulturplan|kulturplan \d{4})", re.I)),
    (DocType.decision, re.compile(r"\b(beslut|regleringsbrev|kommittédirektiv|regeringsuppdrag)\b", re.I)),
    (DocType.report, re.compile(r"\b(rapport|utredning|utvärdering|betänkande|SOU \d{4}:\d+)\b", re.I)),
]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str:
    """The same digest as `content_hash`, read in blocks so a large file is never held in memory."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def derive_doc_id(path: Path, root: Path) -> str:
    """Stable id from the path relative to the ingested folder: 'Protokoll/KN 2024-03.pdf' -> 'protokoll-kn-2024-03-pdf'."""
    relative = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    slug = re.sub(r"[^a-z0-9åäö]+", "-", relative.as_posix().lower()).strip("-")
    return slug or "dokument"


def detect_doc_type(title: str, text: str, suffix: str) -> DocType:
    head = f"{title}\n{text[:2000]}"
    for doc_type, pattern in _DOC_TYPE_PATTERNS:
        if pattern.search(head):
            return doc_type
    return DocType.web_page if suffix in {".html", ".htm"} else DocType.report


def normalise_published(value: object) -> str | None:
    """YAML reads 2010-12-22 as a date and 2019 as an int; keep the source's precision as text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    match = re.match(r"(\d{4})(-\d{2})?(-\d{2})?", text)
    return "".join(g for g in match.groups() if g) if match else None


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#{1,6}\s+(.+)$", text, re.M)
    return match.group(1).strip().strip("*") if match else None


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "ja", "1"}
    return bool(value)


def document_date(path: Path, loaded: LoadedFile) -> tuple[str | None, DateSource | None]:
    """Front matter, else the document's own text, else its file name, else (marked as such)
    the file's modification time: every citation can then show a date, and say how sure it is."""
    if declared := normalise_published(loaded.declared.get("published")):
        return declared, DateSource.declared
    if found := date_in_text(loaded.text, str(loaded.declared.get("running_header") or "")):
        return found, DateSource.text
    if found := date_in_file_name(path.name):
        return found, DateSource.file_name
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime).isoformat(), DateSource.modified
    except OSError:
        return None, None


def build_document_meta(path: Path, root: Path, loaded: LoadedFile, digest: str, folder_groups: list[str] | None = None) -> DocumentMeta:
    declared = loaded.declared
    title = str(declared.get("title") or _first_heading(loaded.text) or path.stem.replace("_", " "))
    declared_type = str(declared.get("doc_type") or "").strip()
    # A PDF's running header ('PROTOKOLL', the committee) is removed from its text but still says
    # what the document is.
    head_text = f"{declared.get('running_header') or ''}\n{loaded.text}"
    doc_type = (
        DocType(declared_type)
        if declared_type in DocType.__members__
        else detect_doc_type(title, head_text, path.suffix.lower())
    )
    published, published_source = document_date(path, loaded)
    header = str(declared.get("running_header") or "")
    body = body_of_minutes(header, loaded.text) if doc_type in (DocType.minutes, DocType.decision) else ""
    return DocumentMeta(
        doc_id=str(declared.get("id") or derive_doc_id(path, root)),
        title=title,
        doc_type=doc_type,
        publisher=str(declared.get("publisher") or ""),
        source_url=str(declared.get("source_url") or ""),
        published=published,
        published_source=published_source,
        body=body,
        partial=_as_bool(declared.get("partial", False)),
        content_hash=digest,
        source_path=str(path.resolve()),
        access=as_groups(declared.get("access")) or list(folder_groups or []),
    )
