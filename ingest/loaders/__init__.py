"""One loader per file type, chosen by suffix; every loader returns normalised Markdown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.loaders.base import LoadedFile, LoadError
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.limits import Limits, check_file_size, check_text_length
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text

LOADERS: dict[str, Callable[[Path, Limits], LoadedFile]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(LOADERS)

__all__ = ["LOADERS", "SUPPORTED_SUFFIXES", "Limits", "LoadError", "LoadedFile", "load_file"]


def load_file(path: Path, limits: Limits | None = None) -> LoadedFile:
    """Load any supported file within `limits`. Unsupported suffixes raise ValueError: the caller skips those."""
    limits = limits or Limits()
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise ValueError(f"unsupported file type: {path.suffix or '(no suffix)'}")
    try:
        check_file_size(path, path.stat().st_size, limits)
        loaded = loader(path, limits)
        check_text_length(path, loaded.text, limits)
        return loaded
    except FileNotFoundError as exc:
        raise LoadError(path, "filen finns inte") from exc
    except LoadError:
        raise
    except MemoryError as exc:
        raise LoadError(path, "filen kräver mer minne än som finns för att läsas – avbruten") from exc
    except Exception as exc:
        # A bug or a library failure on one odd file must not stop the whole ingestion run.
        raise LoadError(path, f"oväntat fel vid läsning: {type(exc).__name__}: {exc}") from exc
