"""The persisted BM25 index: formula, ranking, per-document updates, filters and crash safety."""

from __future__ import annotations

import math
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from ingest.analyzer import SwedishAnalyzer
from ingest.lexical import AnalyzerMismatch, CommonTerms, LexicalIndex

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def index(tmp_path):
    idx = LexicalIndex(tmp_path / "lex.sqlite")
    yield idx
    idx.close()


def _ids(results):
    return [cid for cid, _ in results]


def _stats_match_tables(idx: LexicalIndex) -> bool:
    stored = idx.conn.execute("SELECT n_chunks, total_length FROM lexical_stats").fetchone()
    actual = idx.conn.execute("SELECT COUNT(*), COALESCE(SUM(length), 0) FROM chunks").fetchone()
    return stored[0] == actual[0] and math.isclose(stored[1], actual[1], abs_tol=1e-9)


def test_bm25_matches_hand_computed_example(tmp_path):
    idx = LexicalIndex(tmp_path / "lex.sqlite", SwedishAnalyzer(decompound=False))
    idx.replace_document("d1", [("c1", "kultur musik musik")])  # length 3
    idx.replace_document("d2", [("c2", "kultur teater")])  # length 2
    idx.replace_document("d3", [("c3", "bibliotek")])  # length 1
    # N = 3, avgdl = 6 / 3 = 2; df(musik) = 1, df(kultur) = 2; k1 = 1.2, b = 0.75.
    idf_musik = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    idf_kultur = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    k_c1 = 1.2 * (1 - 0.75 + 0.75 * 3 / 2)  # 1.65
    c1 = idf_musik * 2 * 2.2 / (2 + k_c1) + idf_kultur * 1 * 2.2 / (1 + k_c1)
    c2 = idf_kultur * 1 * 2.2 / (1 + 1.2)  # length == avgdl
    results = idx.search("musik kultur")
    assert _ids(results) == ["c1", "c2"]
    assert results[0][1] == pytest.approx(c1, rel=1e-12)
    assert results[1][1] == pytest.approx(c2, rel=1e-12)
    # Written out: ln(8/3) * 4.4/3.65 + ln(1.6) * 2.2/2.65 = 0.980829 * 1.205479 + 0.470004 * 0.830189
    assert results[0][1] == pytest.approx(1.572561, abs=1e-6)
    assert results[1][1] == pytest.approx(0.470004, abs=1e-6)
    idx.close()


def test_rarer_term_outranks_common_term(index):
    filler = "text om verksamhet"
    index.replace_document("common", [(f"k{i}", f"kultur {filler} {i}") for i in range(5)])
    index.replace_document("rare", [("opera", f"opera {filler} 9")])
    assert _ids(index.search("kultur opera"))[0] == "opera"


def test_common_terms_are_left_out_of_the_walk(index):
    """A topic word in every chunk beside a word that picks out one: with common terms left out
    only the chunk holding the informative word is returned; without, every chunk."""
    index.replace_document("topic", [(f"k{i}", f"kultur verksamhet nummer{i}") for i in range(9)])
    index.replace_document("pick", [("opera", "kultur opera")])
    common = CommonTerms(share=0.2, min_chunks=1)
    assert _ids(index.search("kultur opera", common=common)) == ["opera"]
    assert len(index.search("kultur opera")) == 10
    assert len(index.search("kultur opera", common=CommonTerms(share=1.0, min_chunks=1))) == 10
    # Postings no longer than the floor are walked: nothing to gain from leaving them out.
    assert len(index.search("kultur opera", common=CommonTerms(share=0.2, min_chunks=10))) == 10
    # Every term common: none is left out, so the question still finds its chunks; a word no
    # chunk holds does not count as informative.
    assert len(index.search("kultur verksamhet", common=common)) == 10
    assert len(index.search("kultur zyxvarenheten", common=common)) == 10


def test_common_terms_by_share_and_floor():
    weights = {"kultur": 1.0, "region": 1.0, "2024": 1.0, "okänt": 1.0}
    df = {"kultur": 5000, "region": 2100, "2024": 2000}
    common = CommonTerms(share=0.2, min_chunks=1000)
    assert common.informative(weights, df, 10_000) == {"2024": 1.0}
    assert common.informative({"kultur": 1.0, "okänt": 1.0}, df, 10_000) == {"kultur": 1.0, "okänt": 1.0}
    assert CommonTerms(share=1.0, min_chunks=0).informative(weights, df, 10_000) == weights
    # An index no larger than the floor has no common term.
    assert not common.applies(1000) and common.informative(weights, df, 1000) == weights
    # A term must pass both the share and the floor: 2,100 chunks is over 20 % but not over 2,500.
    assert CommonTerms(share=0.2, min_chunks=2500).informative(weights, df, 10_000) == {"region": 1.0, "2024": 1.0}


def test_shorter_chunk_outranks_longer_with_same_tf(index):
    index.replace_document("d", [
        ("short", "teater scen"),
        ("long", "teater scen ljus ljud publik biljett foaje garderob"),
    ])
    assert _ids(index.search("teater")) == ["short", "long"]


def test_ties_break_on_chunk_id(index):
    index.replace_document("d", [("b", "dans"), ("a", "dans"), ("c", "dans")])
    assert _ids(index.search("dans")) == ["a", "b", "c"]


def test_query_modellen_finds_compound_only_with_decompounding(tmp_path):
    text = "Kultursamverkansmodellen infördes stegvis."
    with_dc = LexicalIndex(tmp_path / "a.sqlite", SwedishAnalyzer(decompound=True))
    without = LexicalIndex(tmp_path / "b.sqlite", SwedishAnalyzer(decompound=False))
    for idx in (with_dc, without):
        idx.replace_document("d", [("c1", text), ("c2", "Helt annat innehåll om bibliotek.")])
    assert _ids(with_dc.search("modellen")) == ["c1"]
    assert _ids(with_dc.search("kultursamverkan")) == ["c1"]
    assert without.search("modellen") == []
    with_dc.close()
    without.close()


def test_sfs_number_searchable(index):
    index.replace_document("sfs", [("s1", "Förordning (2010:2012) om fördelning av vissa statsbidrag")])
    index.replace_document("other", [("o1", "Under 2010 startade arbetet")])
    assert _ids(index.search("2010:2012"))[0] == "s1"


def test_empty_query_and_empty_index(index):
    assert index.search("kultur") == []
    index.replace_document("d", [("c", "kultur")])
    assert index.search("") == []
    assert index.search("och att det") == []  # stop words only
    assert index.search("kultur", top_k=0) == []


def test_replace_document_drops_old_postings(index):
    index.replace_document("d", [("d#0", "gammal text om teater"), ("d#1", "mer om dans")])
    index.replace_document("d", [("d#0", "ny text om musik")])
    assert index.search("teater") == [] and index.search("dans") == []
    assert _ids(index.search("musik")) == ["d#0"]
    assert index.chunk_count() == 1
    index.replace_document("d", [("d#0", "ny text om musik")])
    assert index.chunk_count() == 1
    assert index.conn.execute("SELECT COUNT(*) FROM postings WHERE chunk_id = 'd#0'").fetchone()[0] == len(
        index.analyzer.analyze("ny text om musik")
    )
    assert _stats_match_tables(index)


def test_remove_document(index):
    index.replace_document("a", [("a#0", "konst och bild")])
    index.replace_document("b", [("b#0", "konst och form")])
    index.remove_document("a")
    index.remove_document("missing")  # no-op
    assert index.doc_ids() == {"b"}
    assert index.chunk_count() == 1
    assert _ids(index.search("konst")) == ["b#0"]
    assert index.conn.execute("SELECT COUNT(*) FROM postings WHERE chunk_id = 'a#0'").fetchone()[0] == 0
    assert _stats_match_tables(index)


def test_allowed_ids_filter_keeps_global_scoring(index):
    index.replace_document("a", [("a#0", "museum samling"), ("a#1", "museum")])
    index.replace_document("b", [("b#0", "museum utställning")])
    unfiltered = dict(index.search("museum"))
    filtered = index.search("museum", allowed_ids={"b#0"})
    assert _ids(filtered) == ["b#0"]
    assert filtered[0][1] == pytest.approx(unfiltered["b#0"])
    assert index.search("museum", allowed_ids=set()) == []


def test_persistence_across_reopen(tmp_path):
    path = tmp_path / "lex.sqlite"
    idx = LexicalIndex(path)
    idx.replace_document("d", [("c1", "regional kulturplan"), ("c2", "statsbidrag")])
    before = idx.search("kulturplanen")
    idx.close()
    reopened = LexicalIndex(path)
    assert reopened.search("kulturplanen") == before != []
    assert reopened.chunk_count() == 2 and reopened.doc_ids() == {"d"}
    reopened.close()
    with pytest.raises(AnalyzerMismatch, match="annan textanalys.*ingest --rebuild"):
        LexicalIndex(path, SwedishAnalyzer(decompound=False))


def test_exception_inside_transaction_keeps_old_version(index):
    index.replace_document("d", [("d#0", "gammal version om teater")])
    index.conn.execute("CREATE TABLE manifest (doc_id TEXT PRIMARY KEY)")
    with pytest.raises(RuntimeError):
        with index.transaction() as tx:
            index.replace_document("d", [("d#0", "ny version om opera")], tx)
            tx.execute("INSERT INTO manifest VALUES ('d')")
            raise RuntimeError("killed mid-way")
    assert _ids(index.search("teater")) == ["d#0"]
    assert index.search("opera") == []
    assert index.conn.execute("SELECT COUNT(*) FROM manifest").fetchone()[0] == 0
    assert _stats_match_tables(index)


def test_failure_mid_replace_keeps_old_version(index, monkeypatch):
    index.replace_document("d", [("d#0", "första delen om teater"), ("d#1", "andra delen om dans")])
    real = index.analyzer.analyze
    calls = iter(range(100))

    def flaky(text: str):
        if next(calls) == 1:  # second chunk: the old rows are already deleted by now
            raise RuntimeError("analyzer crashed")
        return real(text)

    monkeypatch.setattr(index.analyzer, "analyze", flaky)
    with pytest.raises(RuntimeError):
        index.replace_document("d", [("d#0", "ny om opera"), ("d#1", "ny om cirkus")])
    monkeypatch.undo()
    assert _ids(index.search("teater")) == ["d#0"] and _ids(index.search("dans")) == ["d#1"]
    assert index.search("opera") == [] and index.chunk_count() == 2


def test_process_killed_mid_transaction_keeps_old_version(tmp_path):
    path = tmp_path / "lex.sqlite"
    idx = LexicalIndex(path)
    idx.replace_document("d", [("d#0", "gammal version om teater")])
    idx.close()
    script = textwrap.dedent(f"""
        import os
        from ingest.lexical import LexicalIndex
        idx = LexicalIndex({str(path)!r})
        with idx.transaction() as tx:
            idx.replace_document("d", [("d#0", "ny version om opera")], tx)
            os._exit(9)  # no rollback, no close: like SIGKILL
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO)
    assert proc.returncode == 9
    reopened = LexicalIndex(path)
    assert _ids(reopened.search("teater")) == ["d#0"] and reopened.search("opera") == []
    assert _stats_match_tables(reopened)
    reopened.close()


def test_connection_outside_transaction_is_refused(index):
    with pytest.raises(ValueError):
        index.replace_document("d", [("d#0", "text")], index.conn)


def test_chunk_id_owned_by_another_document_rolls_back(index):
    index.replace_document("a", [("shared", "konst")])
    with pytest.raises(sqlite3.IntegrityError):
        index.replace_document("b", [("b#0", "dans"), ("shared", "musik")])
    assert index.doc_ids() == {"a"} and index.search("dans") == []
    assert _stats_match_tables(index)


def test_concurrent_searches_during_writes(index):
    index.replace_document("base", [("base#0", "kultur och region")])
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(100):
                assert index.search("kultur")  # never an empty, half-written view
        except BaseException as exc:  # noqa: BLE001 - surfaced in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(50):
        index.replace_document("base", [("base#0", f"kultur och region {i}")])
    for t in threads:
        t.join()
    assert errors == []


def test_delete_files_removes_wal_side_files(tmp_path):
    path = tmp_path / "lex.sqlite"
    idx = LexicalIndex(path)
    idx.replace_document("d", [("c", "kultur")])
    assert Path(f"{path}-wal").exists()  # still open: the WAL is live
    idx.close()
    Path(f"{path}-wal").write_bytes(b"stale")  # as if left behind by a killed process
    LexicalIndex.delete_files(path)
    assert not any(tmp_path.iterdir())
    fresh = LexicalIndex(path)
    assert fresh.chunk_count() == 0
    fresh.close()
