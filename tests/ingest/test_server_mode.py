"""The same incremental ingestion against a real `chroma run` server over HTTP."""

from __future__ import annotations

import uuid

import chromadb

from assistant.schema import FileOutcome
from assistant.settings import Settings
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import SMALL_SET, assert_consistent, run_ingest, store_state


def test_server_mode_ingest_is_incremental_and_never_duplicates(tmp_path, shared_corpus, counting_embedder, chroma_server_url):
    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_server_url, collection=f"test-{uuid.uuid4().hex[:8]}")
    assert settings.chroma_server is not None
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET)

    first = run_ingest(settings, counting_embedder.inner, corpus)
    assert first.count(FileOutcome.new) == len(SMALL_SET)
    host, port, _ = settings.chroma_server
    on_server = chromadb.HttpClient(host=host, port=port).get_collection(settings.collection)
    assert on_server.count() == first.chunks_total > 0
    assert not settings.chroma_dir.exists(), "server mode must not write an embedded store"

    counting_embedder.reset()
    second = run_ingest(settings, counting_embedder.inner, corpus)
    assert second.count(FileOutcome.unchanged) == len(SMALL_SET) and counting_embedder.reset() == 0

    target = corpus / f"{SMALL_SET[0]}.md"
    target.write_text(target.read_text() + "\n\n## Övergångsbestämmelser\n\nEtt nytt stycke om uppföljning.\n")
    third = run_ingest(settings, counting_embedder.inner, corpus)
    assert third.count(FileOutcome.updated) == 1
    state = store_state(settings, counting_embedder.inner)
    assert_consistent(state)
    assert len(state["chroma_ids"]) == first.chunks_total + 1


def test_server_and_embedded_indexes_are_kept_apart(tmp_path, chroma_server_url):
    embedded = Settings(data_dir=tmp_path)
    server = Settings(data_dir=tmp_path, chroma_url=chroma_server_url)
    assert embedded.lexical_db != server.lexical_db
    assert "Chroma-server" in server.store_label and "inbäddad" in embedded.store_label
