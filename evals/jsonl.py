"""Reading JSON Lines with errors that name the file and the line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


def read_objects(path: Path) -> Iterator[tuple[int, dict]]:
    """(1-based line number, object) for each non-blank line; ValueError on anything else."""
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}, line {lineno}: bad JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}, line {lineno}: expected a JSON object, got {type(data).__name__}")
        yield lineno, data
