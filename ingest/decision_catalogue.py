"""The decision catalogue: decision records (ingest/decisions.py) in SQLite beside the chunk store.

A document's records are replaced in the same transaction as its chunks and manifest entry, so
the catalogue always describes exactly the indexed documents. Look-ups go through indexes (by
chunk, by meeting date and item, by case number): nothing per query grows with the corpus.
When the extraction changes (`VERSION`), the catalogue is rebuilt from the stored chunks on the
next open, without re-reading or re-embedding any file. With chat history in PostgreSQL, a copy
is kept there (ingest/decision_mirror.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from assistant.schema import ChunkMeta, DecisionRecord
from ingest.decisions import RECORD_TYPES, extract_records

VERSION = "4"
VERSION_KEY = "decisions_version"

SCHEMA = """
CREATE TABLE IF NOT EXISTS decision_records (
    record_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, date TEXT, item TEXT, case_number TEXT, record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_records_by_doc ON decision_records (doc_id);
CREATE INDEX IF NOT EXISTS decision_records_by_meeting ON decision_records (date, item);
CREATE INDEX IF NOT EXISTS decision_records_by_case ON decision_records (case_number);
CREATE TABLE IF NOT EXISTS decision_chunks (chunk_id TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (chunk_id, record_id));
CREATE INDEX IF NOT EXISTS decision_chunks_by_record ON decision_chunks (record_id);
"""


class DecisionCatalogue:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.executescript(SCHEMA)

    def replace_document(self, doc_id: str, records: Iterable[DecisionRecord], tx: sqlite3.Connection) -> None:
        self.remove_document(doc_id, tx)
        for record in records:
            tx.execute(
                "INSERT OR REPLACE INTO decision_records VALUES (?, ?, ?, ?, ?, ?)",
                (record.record_id, doc_id, record.date, record.item, record.case_number, record.model_dump_json()),
            )
            tx.executemany(
                "INSERT OR IGNORE INTO decision_chunks VALUES (?, ?)", [(cid, record.record_id) for cid in record.chunk_ids]
            )

    def remove_document(self, doc_id: str, tx: sqlite3.Connection) -> None:
        tx.execute(
            "DELETE FROM decision_chunks WHERE record_id IN (SELECT record_id FROM decision_records WHERE doc_id = ?)", (doc_id,)
        )
        tx.execute("DELETE FROM decision_records WHERE doc_id = ?", (doc_id,))

    def by_chunk(self, chunk_ids: Iterable[str]) -> dict[str, DecisionRecord]:
        """chunk id -> the record it belongs to, for the ids that belong to one."""
        ids = list(dict.fromkeys(chunk_ids))
        if not ids:
            return {}
        rows = self.conn.execute(
            "SELECT c.chunk_id, r.record FROM decision_chunks c JOIN decision_records r USING (record_id) "
            f"WHERE c.chunk_id IN ({','.join('?' * len(ids))})", ids,
        ).fetchall()
        return {cid: DecisionRecord.model_validate_json(record) for cid, record in rows}

    def at_meeting(self, date: str, item: str) -> list[DecisionRecord]:
        rows = self.conn.execute("SELECT record FROM decision_records WHERE date = ? AND item = ?", (date, item)).fetchall()
        return [DecisionRecord.model_validate_json(r[0]) for r in rows]

    def by_case(self, case_number: str) -> list[DecisionRecord]:
        rows = self.conn.execute("SELECT record FROM decision_records WHERE case_number = ?", (case_number,)).fetchall()
        return [DecisionRecord.model_validate_json(r[0]) for r in rows]

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM decision_records").fetchone()[0]

    def rebuild_from_chunks(self, tx: sqlite3.Connection) -> int:
        """Every record again from the chunk store (after `VERSION` changed); returns the count."""
        tx.execute("DELETE FROM decision_chunks")
        tx.execute("DELETE FROM decision_records")
        types = [t.value for t in RECORD_TYPES]
        rows = tx.execute(
            f"SELECT doc_id, meta, text FROM chunk_store WHERE doc_type IN ({','.join('?' * len(types))})", types
        ).fetchall()
        by_doc: dict[str, list[tuple[ChunkMeta, str]]] = {}
        for doc_id, meta, text in rows:
            by_doc.setdefault(doc_id, []).append((ChunkMeta.from_store(json.loads(meta)), text))
        for doc_id, chunks in by_doc.items():
            self.replace_document(doc_id, extract_records(sorted(chunks, key=lambda c: c[0].chunk_index)), tx)
        return self.count()
