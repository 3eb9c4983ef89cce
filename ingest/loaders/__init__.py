"""One loader per file type, chosen by suffix; every loader returns normalised Markdown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.loaders.base import LoadedFile, LoadError
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text

LOADERS: dict[str, Callable[[Path], LoadedFile]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(LOADERS)

__all__ = ["LOADERS", "SUPPORTED_SUFFIXES", "LoadError", "LoadedFile", "load_file"]


def load_file(path: Path) -> LoadedFile:
    """Load any supported file. Unsupported suffixes raise ValueError: the caller skips those."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise ValueError(f"unsupported file type: {path.suffix or '(no suffix)'}")
    try:
        return loader(path)
    except LoadError:
        raise
    except Exception as exc:
        # A bug or a library failure on one odd file must not stop the whole ingestion run.
        raise LoadError(path, f"oväntat fel vid läsning: {type(exc).__name__}: {exc}") from exc
