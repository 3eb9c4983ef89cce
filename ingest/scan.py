"""Which files under a folder are candidates for indexing."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

from assistant.schema import FileOutcome, FileReport
from ingest.loaders import SUPPORTED_SUFFIXES

# Listings and notes that describe a folder rather than being a document in it.
IGNORED_NAMES = ("README*", "SOURCES.md", "LICENSE*", ".*", "~$*")


def scan_folder(root: Path) -> Iterator[Path | FileReport]:
    """Yield supported files, and a skipped `FileReport` for everything else, sorted by path."""
    paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in paths:
        relative_parts = path.relative_to(root).parts if path != root else (path.name,)
        if any(part.startswith(".") for part in relative_parts):
            continue  # hidden folders such as .git are not part of the corpus
        if any(fnmatch(path.name, pattern) for pattern in IGNORED_NAMES):
            yield FileReport(path=str(path), outcome=FileOutcome.skipped, reason="förteckning eller hjälpfil, inget dokument")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield FileReport(
                path=str(path), outcome=FileOutcome.skipped,
                reason=f"filtypen {path.suffix or '(utan ändelse)'} stöds inte",
            )
        else:
            yield path
