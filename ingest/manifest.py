"""What has been indexed, from which file, with which content hash.

The manifest shares the SQLite file (and transactions) of the lexical index, so a document
is recorded in both at once or in neither; Chroma is written before that commit and made
consistent again on the next run (missing ids re-ingest the document, orphans are deleted).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pydantic import BaseModel

from assistant.schema import DocType

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source_path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    title TEXT NOT NULL,
    chunk_ids TEXT NOT NULL,
    date_source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS documents_by_path ON documents(source_path);
"""


class ManifestEntry(BaseModel):
    doc_id: str
    source_path: str
    content_hash: str
    fingerprint: str
    doc_type: DocType
    title: str
    chunk_ids: list[str]
    date_source: str = ""  # DateSource of the document's date; '' for none (or an older index)


class Manifest:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.executescript(SCHEMA)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(documents)")}
        if "date_source" not in columns:  # an index written before documents had dated sources
            conn.execute("ALTER TABLE documents ADD COLUMN date_source TEXT NOT NULL DEFAULT ''")
            conn.commit()

    _COLUMNS = "doc_id, source_path, content_hash, fingerprint, doc_type, title, chunk_ids, date_source"

    @staticmethod
    def _entry(row: tuple) -> ManifestEntry:
        return ManifestEntry(
            doc_id=row[0], source_path=row[1], content_hash=row[2], fingerprint=row[3],
            doc_type=row[4], title=row[5], chunk_ids=json.loads(row[6]), date_source=row[7],
        )

    def entries(self) -> list[ManifestEntry]:
        return [self._entry(r) for r in self.conn.execute(f"SELECT {self._COLUMNS} FROM documents").fetchall()]

    def chunk_count(self) -> int:
        """Chunk ids all entries name, counted in SQLite (no entry parsed)."""
        return self.conn.execute("SELECT COALESCE(SUM(json_array_length(chunk_ids)), 0) FROM documents").fetchone()[0]

    def get(self, doc_id: str) -> ManifestEntry | None:
        row = self.conn.execute(f"SELECT {self._COLUMNS} FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return self._entry(row) if row else None

    def record(self, entry: ManifestEntry, tx: sqlite3.Connection) -> None:
        tx.execute(
            f"INSERT OR REPLACE INTO documents ({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.doc_id, entry.source_path, entry.content_hash, entry.fingerprint,
             entry.doc_type.value, entry.title, json.dumps(entry.chunk_ids), entry.date_source),
        )

    def forget(self, doc_id: str, tx: sqlite3.Connection) -> None:
        tx.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))


def is_under(path: str, root: Path) -> bool:
    return Path(path).is_relative_to(root.resolve())
