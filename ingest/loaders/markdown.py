"""Markdown with optional YAML front matter (the shared corpus format)."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import yaml

from ingest.loaders.base import LoadedFile, LoadError
from ingest.loaders.limits import Limits
from ingest.loaders.text import read_text


def load_markdown(path: Path, limits: Limits | None = None) -> LoadedFile:
    raw = read_text(path, limits)
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as exc:
        raise LoadError(path, f"ogiltig YAML i filens inledande metadata (front matter): {exc}") from exc
    if not isinstance(post.metadata, dict):
        raise LoadError(path, "filens inledande metadata (front matter) är inte en nyckel–värde-lista")
    if not post.content.strip():
        raise LoadError(path, "filen innehåller ingen text")
    return LoadedFile(text=post.content, declared=dict(post.metadata))
