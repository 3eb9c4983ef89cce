from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.index import IndexHandle
from ingest.pipeline import Ingestor

SMALL_SET = [
    "sfs-2010-2012-forordning",
    "sfs-2014-1586-andring-2010-2012",
    "gotland-kfn-2008-12-10-par-121-kulturutredningen",
    "skane-om-kultursamverkansmodellen",
    "kulturradet-lattlast-kultursamverkansmodellen",
]


def run_ingest(settings: Settings, embedder, root: Path, **kwargs):
    index = IndexHandle.open(settings, embedder)
    try:
        return Ingestor(settings, embedder, index).run(root, **kwargs)
    finally:
        index.close()


def store_state(settings: Settings, embedder) -> dict:
    """Chunk ids as seen by Chroma, the lexical index and the manifest."""
    index = IndexHandle.open(settings, embedder)
    try:
        chroma_ids = index.vectors.collection.get(include=[])["ids"]
        manifest = index.manifest.entries()
        return {
            "chroma_ids": chroma_ids,
            "lexical_count": index.lexical.chunk_count(),
            "manifest_ids": [cid for e in manifest for cid in e.chunk_ids],
            "docs": {e.doc_id: e for e in manifest},
        }
    finally:
        index.close()


def assert_consistent(state: dict) -> None:
    assert len(state["chroma_ids"]) == len(set(state["chroma_ids"])), "duplicate ids in Chroma"
    assert sorted(state["chroma_ids"]) == sorted(state["manifest_ids"])
    assert state["lexical_count"] == len(state["manifest_ids"])




