"""The decision catalogue in PostgreSQL, when chat history is there (KA_CHAT_DB_URL=postgresql+asyncpg://…).

The catalogue of record stays in SQLite beside the chunk store, written in the same transaction
as a document's chunks and manifest entry, so a crash can never leave records of chunks that are
not indexed. This copy puts it in the engine the deployment already runs for its chat history,
where every chat instance reads it. Per document a hash of its records says whether the copy is
current: `sync` rewrites the documents that changed and drops those gone, each in one PostgreSQL
transaction. It runs after every ingest and whenever an Assistant opens, so a crash between the
two stores is mended by the next run. Reads have the interface of DecisionCatalogue.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from assistant.schema import DecisionRecord
from ingest.decision_catalogue import DecisionCatalogue

T = TypeVar("T")

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS ka_decision_documents (doc_id TEXT PRIMARY KEY, records_hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ka_decision_records (record_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, date TEXT, "
    "item TEXT, case_number TEXT, record TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ka_decision_records_by_doc ON ka_decision_records (doc_id)",
    "CREATE INDEX IF NOT EXISTS ka_decision_records_by_meeting ON ka_decision_records (date, item)",
    "CREATE INDEX IF NOT EXISTS ka_decision_records_by_case ON ka_decision_records (case_number)",
    "CREATE TABLE IF NOT EXISTS ka_decision_chunks (chunk_id TEXT NOT NULL, record_id TEXT NOT NULL, "
    "PRIMARY KEY (chunk_id, record_id))",
]


def uses_postgres(url: str | None) -> bool:
    return bool(url) and url.startswith("postgresql")


class PostgresDecisionCatalogue:
    """DecisionCatalogue's reads from the chat database, kept equal to the SQLite catalogue by `sync`."""

    def __init__(self, url: str):
        # The answer path is synchronous and the chat's event loop must not be blocked by our
        # queries' loop: the engine lives on a private loop in its own thread.
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="decision-catalogue", daemon=True)
        self._thread.start()
        self._engine: AsyncEngine = self._run(self._open(url))

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    @staticmethod
    async def _open(url: str) -> AsyncEngine:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            for statement in SCHEMA:
                await conn.execute(text(statement))
        return engine

    def sync(self, source: DecisionCatalogue) -> int:
        """Copy the documents whose records differ from the copy; drop those no longer in the
        source. Returns how many documents were rewritten or dropped."""
        return self._run(self._sync(_documents(source)))

    async def _sync(self, documents: dict[str, tuple[str, list[str]]]) -> int:
        async with self._engine.connect() as conn:
            copied = dict((await conn.execute(text("SELECT doc_id, records_hash FROM ka_decision_documents"))).all())
        changed = [doc for doc, (digest, _) in documents.items() if copied.get(doc) != digest]
        gone = [doc for doc in copied if doc not in documents]
        for doc_id in changed + gone:
            async with self._engine.begin() as conn:  # one transaction per document
                await conn.execute(text(
                    "DELETE FROM ka_decision_chunks WHERE record_id IN "
                    "(SELECT record_id FROM ka_decision_records WHERE doc_id = :doc)"), {"doc": doc_id})
                await conn.execute(text("DELETE FROM ka_decision_records WHERE doc_id = :doc"), {"doc": doc_id})
                await conn.execute(text("DELETE FROM ka_decision_documents WHERE doc_id = :doc"), {"doc": doc_id})
                if doc_id not in documents:
                    continue
                for raw in documents[doc_id][1]:
                    record = DecisionRecord.model_validate_json(raw)  # parsed only for a document that changed
                    await conn.execute(text(
                        "INSERT INTO ka_decision_records VALUES (:id, :doc, :date, :item, :case, :record)"),
                        {"id": record.record_id, "doc": doc_id, "date": record.date, "item": record.item,
                         "case": record.case_number, "record": raw})
                    links = [{"chunk": cid, "id": record.record_id} for cid in dict.fromkeys(record.chunk_ids)]
                    if links:
                        await conn.execute(text(
                            "INSERT INTO ka_decision_chunks VALUES (:chunk, :id) ON CONFLICT DO NOTHING"), links)
                await conn.execute(text("INSERT INTO ka_decision_documents VALUES (:doc, :hash)"), {"doc": doc_id, "hash": documents[doc_id][0]})
        return len(changed) + len(gone)

    def by_chunk(self, chunk_ids: Iterable[str]) -> dict[str, DecisionRecord]:
        ids = list(dict.fromkeys(chunk_ids))
        if not ids:
            return {}
        rows = self._rows(
            "SELECT c.chunk_id, r.record FROM ka_decision_chunks c JOIN ka_decision_records r USING (record_id) "
            "WHERE c.chunk_id = ANY(:ids)", {"ids": ids},
        )
        return {cid: DecisionRecord.model_validate_json(record) for cid, record in rows}

    def at_meeting(self, date: str, item: str) -> list[DecisionRecord]:
        rows = self._rows("SELECT record FROM ka_decision_records WHERE date = :date AND item = :item", {"date": date, "item": item})
        return [DecisionRecord.model_validate_json(r[0]) for r in rows]

    def by_case(self, case_number: str) -> list[DecisionRecord]:
        rows = self._rows("SELECT record FROM ka_decision_records WHERE case_number = :case", {"case": case_number})
        return [DecisionRecord.model_validate_json(r[0]) for r in rows]

    def count(self) -> int:
        return self._rows("SELECT COUNT(*) FROM ka_decision_records", {})[0][0]

    def _rows(self, sql: str, params: dict) -> list[tuple]:
        async def query() -> list[tuple]:
            async with self._engine.connect() as conn:
                return [tuple(r) for r in (await conn.execute(text(sql), params)).all()]

        return self._run(query())

    def close(self) -> None:
        self._run(self._engine.dispose())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def _documents(source: DecisionCatalogue) -> dict[str, tuple[str, list[str]]]:
    """doc id -> (hash of its records, their stored JSON) of the SQLite catalogue."""
    grouped: dict[str, list[str]] = {}
    for doc_id, raw in source.conn.execute("SELECT doc_id, record FROM decision_records ORDER BY doc_id, record_id"):
        grouped.setdefault(doc_id, []).append(raw)
    return {doc: (hashlib.sha256("\n".join(raws).encode()).hexdigest(), raws) for doc, raws in grouped.items()}


def mirror_decisions(chat_db_url: str | None, catalogue: DecisionCatalogue) -> None:
    """After an ingest: bring the chat database's copy up to date (nothing without PostgreSQL)."""
    if not uses_postgres(chat_db_url):
        return
    copy = PostgresDecisionCatalogue(chat_db_url)
    try:
        copy.sync(catalogue)
    finally:
        copy.close()
