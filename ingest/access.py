"""Which groups may see a document: its front matter's `access`, else the nearest `_access.yml`
in its folder or a folder above it (up to the ingest root), else nobody restricts it (public).

`_access.yml` is how PDFs and DOCX files, which carry no front matter, get groups:

    access: [kulturnamnden, kulturforvaltningen]

A file that cannot be read as that is an error for every document under it (never silently
public): they are reported as failed and not indexed.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ingest.loaders import LoadError

ACCESS_FILE = "_access.yml"


def as_groups(value) -> list[str]:
    """`[a, b]`, `"a, b"` or nothing -> ["a", "b"] / []."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return sorted({str(item).strip() for item in items if str(item).strip()})


def folder_access(path: Path, root: Path) -> list[str]:
    """The groups of the nearest _access.yml from `path`'s folder up to `root` ([] when none)."""
    root = root.resolve()
    folder = path.resolve().parent
    while True:
        candidate = folder / ACCESS_FILE
        if candidate.is_file():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                raise LoadError(candidate, f"åtkomstfilen {candidate} kan inte läsas ({type(exc).__name__})") from exc
            if not isinstance(data, dict) or not as_groups(data.get("access")):
                raise LoadError(candidate, f"åtkomstfilen {candidate} ska ange grupper, t.ex. 'access: [kulturnamnden]'")
            return as_groups(data["access"])
        if folder == root or folder.parent == folder or not folder.is_relative_to(root):
            return []
        folder = folder.parent
