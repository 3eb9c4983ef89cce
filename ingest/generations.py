"""Index generations: `--rebuild` builds beside the live index and switches only when complete.

A generation is a Chroma collection plus its lexical index (`<collection>--r<stamp>` and
`lexical-…<collection>--r<stamp>.sqlite`). A small pointer file in the data folder names the
live one; it is replaced atomically (write, fsync, rename), so a reader sees either the old
generation or the new one, and a rebuild killed half-way leaves the old one answering. Without
a pointer file the live generation is the plain collection name (indexes built before this).

The previous generation is kept until the next rebuild, so that a chat started before the
switch keeps answering from it; everything else (rebuilds that never finished, older
generations) is removed by the next writer, which holds the ingest lock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from assistant.settings import Settings
from ingest.lexical import TANTIVY_SUFFIX, LexicalIndex
from ingest.store import make_client

_MARK = "--r"


def pointer_path(settings: Settings) -> Path:
    lexical = settings.lexical_db
    return lexical.with_name(lexical.name.replace("lexical-", "active-", 1).removesuffix(".sqlite") + ".json")


def _read_pointer(settings: Settings) -> dict[str, str | None]:
    try:
        data = json.loads(pointer_path(settings).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"active": settings.collection, "previous": None}
    return {"active": str(data.get("active") or settings.collection), "previous": data.get("previous")}


def _with_collection(settings: Settings, name: str) -> Settings:
    return settings if name == settings.collection else settings.model_copy(update={"collection": name})


def live(settings: Settings) -> Settings:
    """The settings of the generation readers should use (collection and lexical index)."""
    return _with_collection(settings, _read_pointer(settings)["active"])


def new_generation(settings: Settings) -> Settings:
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S%f")
    return _with_collection(settings, f"{settings.collection}{_MARK}{stamp}")


def activate(settings: Settings, generation: Settings) -> None:
    """Make `generation` the live index in one atomic step; the old live one becomes previous."""
    current = _read_pointer(settings)["active"]
    pointer = pointer_path(settings)
    tmp = pointer.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump({"active": generation.collection, "previous": current}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, pointer)
    directory = os.open(pointer.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself must survive a crash
    finally:
        os.close(directory)


def _generation_names(settings: Settings) -> set[str]:
    """Every collection that is the base or a generation of it, in Chroma or as a lexical file."""
    pattern = re.compile(rf"^{re.escape(settings.collection)}(?:{re.escape(_MARK)}\d+)?$")
    names = {c if isinstance(c, str) else c.name for c in make_client(settings).list_collections()}
    prefix = settings.lexical_db.name.removesuffix(".sqlite").removesuffix(settings.collection)
    for path in settings.data_dir.glob(f"{prefix}{settings.collection}{_MARK}*.sqlite"):
        # The tantivy engine's file of a generation (…--r<stamp>.tantivy.sqlite) names the same generation.
        names.add(path.name.removesuffix(".sqlite").removesuffix(TANTIVY_SUFFIX).removeprefix(prefix))
    return {name for name in names if pattern.match(name)}


def remove_stale(settings: Settings) -> list[str]:
    """Drop generations that are neither live nor previous. Call only while holding the ingest lock."""
    pointer = _read_pointer(settings)
    keep = {pointer["active"], pointer["previous"]}
    if not pointer_path(settings).exists():
        keep.add(settings.collection)
    removed = sorted(_generation_names(settings) - keep)
    client = make_client(settings)
    for name in removed:
        try:
            client.delete_collection(name)
        except Exception:
            pass  # only its lexical file was left
        LexicalIndex.delete_files(_with_collection(settings, name).lexical_db)
    return removed
