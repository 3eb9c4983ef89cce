"""What every loader returns, and how it reports a file it cannot read."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

# Loaders emit normalised Markdown so that one splitter handles every format:
# '#'..'######' headings, '- ' or '1. ' list items, blank lines between blocks, and
# this marker line before the text of each page of a paged source (PDF).
PAGE_MARKER = "<!-- page {n} -->"
PAGE_MARKER_PATTERN = r"^<!-- page (\d+) -->$"


class LoadedFile(BaseModel):
    """A file's text as normalised Markdown plus whatever metadata the file itself declares."""

    text: str
    declared: dict[str, object] = Field(
        default_factory=dict,
        description="Metadata found in the file: id, title, doc_type, publisher, source_url, "
        "published, partial. Missing keys are derived later.",
    )


class LoadError(Exception):
    """A file that cannot be indexed. `reason` is shown to the user, in Swedish."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
