"""The lexical benchmark feeds every engine our analysed terms, ranks like ours on a tiny corpus
and sees per-document updates (evals/bench_lexical.py)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from evals import bench_lexical as bl
from ingest.analyzer import SwedishAnalyzer

LEGAL = (
    "Enligt förordningen (2010:2012) om fördelning av vissa statsbidrag till regional kulturverksamhet "
    "ska ansökan enligt 8 a § lämnas till Statens kulturråd inom kultursamverkansmodellen."
)
AVAILABLE = [name for name, cls in bl.ENGINES.items() if cls.available()]


def built(name: str, chunks: list[bl.Chunk], folder) -> bl.Engine:
    engine = bl.ENGINES[name](folder)
    engine.build(bl.batches(chunks, 50))
    engine.open_search()
    return engine


@pytest.fixture(scope="module")
def tiny(shared_corpus, tmp_path_factory):
    sentences = bl.corpus_sentences(shared_corpus)
    rows = bl.synthetic_corpus(sentences, 200)
    rows[0] = (rows[0][0], rows[0][1], LEGAL)
    chunks = bl.analyse(rows, SwedishAnalyzer())
    root = tmp_path_factory.mktemp("lexical")
    engines = {name: built(name, chunks, root / name) for name in AVAILABLE}
    yield sentences, chunks, engines
    for engine in engines.values():
        engine.close()


def test_corpus_is_deterministic_and_chunk_sized(shared_corpus):
    sentences = bl.corpus_sentences(shared_corpus)
    rows = bl.synthetic_corpus(sentences, 120)
    assert rows == bl.synthetic_corpus(sentences, 120)
    assert [r[0] for r in rows[:11]] == [f"d0000000::{j}" for j in range(10)] + ["d0000001::0"]
    assert not any(r[2].startswith("---") or "\nid:" in r[2] for r in rows)  # no front matter
    mean = sum(len(r[2]) for r in rows) / len(rows)
    assert 650 < mean < 950
    assert len({r[2] for r in rows}) == len(rows)  # sentences reused, combinations new


def test_every_term_survives_each_engines_tokenizer(tiny):
    _, chunks, engines = tiny
    df = Counter(t for c in chunks for t in c.terms)
    assert {"2010:2012", "8a§", "kultursamverkansmodell"} <= df.keys()
    if "fts5" in engines:
        assert engines["fts5"].vocabulary() == set(df)
    if "tantivy" in engines:
        searcher = engines["tantivy"].searcher
        assert {t: searcher.doc_freq("body", t) for t in df} == dict(df)
    if "bm25s" in engines:
        assert set(engines["bm25s"].model.vocab_dict) - {""} == set(df)  # "" is bm25s's own padding entry


def test_every_engine_answers_where_ours_does_and_finds_the_legal_chunk(tiny):
    _, chunks, engines = tiny
    for name, engine in engines.items():
        assert chunks[0].chunk_id in engine.search("SFS 2010:2012 8 a §")[:3], name
    queries = bl.query_texts(10)
    answered = [q for q in queries if engines["ours"].search(q)]
    assert len(answered) >= 8
    for name, engine in engines.items():
        assert all(engine.search(q) for q in answered), name


def test_top10_agrees_with_ours(tiny):
    _, _, engines = tiny
    queries = bl.query_texts(10)
    ours = [engines["ours"].search(q)[:10] for q in queries]
    for name, engine in engines.items():
        share = bl.overlap([engine.search(q)[:10] for q in queries], ours)
        # bm25s scores exactly as ours (k1=2.4 on doubled counts); the others differ in details.
        assert share >= (0.99 if name == "bm25s" else 0.6), (name, share)


@pytest.mark.parametrize("name", AVAILABLE)
def test_a_document_update_changes_what_its_new_text_finds(tiny, name, tmp_path):
    sentences, chunks, _ = tiny
    engine, doc_id = built(name, chunks, tmp_path / name), chunks[55].doc_id  # its own: it gets changed
    version = bl.new_version(sentences, doc_id, 7)

    def replace(nonce: str) -> None:
        rows = [(cid, did, f"{text} Nämnden prövade {nonce}.") for cid, did, text in version]
        engine.replace(doc_id, bl.analyse(rows, SwedishAnalyzer()))
        engine.open_search()

    assert not engine.search("kvarnhjulsfabrik")
    replace("kvarnhjulsfabrik")
    first = engine.search("kvarnhjulsfabrik")
    assert first and {cid.split("::")[0] for cid in first} == {doc_id}
    replace("fönsterputsarverkstäder")
    assert not engine.search("kvarnhjulsfabrik")  # the old version's postings are gone
    assert {cid.split("::")[0] for cid in engine.search("fönsterputsarverkstäder")} == {doc_id}
    assert chunks[0].chunk_id in engine.search("SFS 2010:2012 8 a §")[:3]  # other documents untouched
    engine.close()


def test_cli_measures_in_fresh_processes(tmp_path, shared_corpus):
    out = tmp_path / "lexical.json"
    result = CliRunner().invoke(
        bl.app, ["--sizes", "200", "--queries", "5", "--engines", "ours,fts5", "--updates", "2",
                 "--corpus", str(shared_corpus), "--json", str(out), "--workdir", str(tmp_path)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "top-10 overlap with ours" in result.output and "ours at 200 chunks" in result.output
    figures = json.loads(out.read_text())["sizes"]["200"]
    ours, fts5 = figures["engines"]["ours"], figures["engines"]["fts5"]
    assert figures["chunks"] == 200 and ours["overlap10"] == 1.0 and 0 <= fts5["overlap10"] <= 1
    assert len(ours["update_ms"]) == len(fts5["update_ms"]) == 2
    assert min(ours["p50_vs_best"], fts5["p50_vs_best"]) == 1.0 and ours["disk_mb"] > 0
    assert not list(tmp_path.glob("bench-lexical-*"))  # indexes removed afterwards
