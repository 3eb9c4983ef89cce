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


class FolderAccess:
    """The groups of the nearest _access.yml for the files of one ingest run under `root`.

    Each folder is looked up once per run (an unchanged re-run of 10^4 files in a few hundred
    folders would otherwise resolve and stat every ancestor of every file). A folder whose
    _access.yml is broken keeps its error, raised again for each file under it."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._by_folder: dict[Path, list[str] | LoadError] = {}

    def groups(self, resolved_path: Path) -> list[str]:
        """For a file path already resolved (symbolic links followed), as the pipeline keys files."""
        result = self._lookup(resolved_path.parent)
        if isinstance(result, LoadError):
            raise result
        return result

    def _lookup(self, folder: Path) -> list[str] | LoadError:
        if folder not in self._by_folder:
            self._by_folder[folder] = self._read(folder)
        return self._by_folder[folder]

    def _read(self, folder: Path) -> list[str] | LoadError:
        candidate = folder / ACCESS_FILE
        if candidate.is_file():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                return LoadError(candidate, f"åtkomstfilen {candidate} kan inte läsas ({type(exc).__name__})")
            if not isinstance(data, dict) or not as_groups(data.get("access")):
                return LoadError(candidate, f"åtkomstfilen {candidate} ska ange grupper, t.ex. 'access: [kulturnamnden]'")
            return as_groups(data["access"])
        if folder == self.root or folder.parent == folder or not folder.is_relative_to(self.root):
            return []
        return self._lookup(folder.parent)
