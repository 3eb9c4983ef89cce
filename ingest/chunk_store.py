"""Every chunk's metadata and clean text by id, for the few hits a query returns.

Retrieval ranks chunk ids (Chroma and the lexical index); turning the best 30 into passages
needs their text and metadata. Holding every chunk in memory would make start-up and memory
grow with the corpus (2.5 s and +100 MB at 2,500 chunks), so they are read by primary key from
this table in the lexical index's SQLite file, written in the same transaction as the postings
and the manifest. The filter columns (type, date, publisher) let lexical search apply the
user's filters inside its own query.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from llama_index.core.schema import BaseNode, MetadataMode

from assistant.schema import ChunkMeta, SearchFilters, date_sort_key, upper_date_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS chunk_store (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    published_key INTEGER,
    publisher TEXT NOT NULL,
    meta TEXT NOT NULL,
    text TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS chunk_store_by_doc ON chunk_store(doc_id);
"""
# SQLite caps bound parameters per statement (32,766 since 3.32); stay far below.
_IDS_PER_QUERY = 900


def filter_condition(filters: SearchFilters, alias: str = "s") -> tuple[str, list]:
    """`filters` as an SQL condition on chunk_store rows under `alias`, with its parameters
    (the same rules as SearchFilters.matches: an undated chunk never lies in a date range)."""
    conditions: list[str] = []
    params: list = []
    if filters.doc_types:
        conditions.append(f"{alias}.doc_type IN ({','.join('?' * len(filters.doc_types))})")
        params += [t.value for t in filters.doc_types]
    if filters.since:
        conditions.append(f"{alias}.published_key >= ?")
        params.append(date_sort_key(filters.since) or 0)
    if filters.until:
        conditions.append(f"{alias}.published_key <= ?")
        params.append(upper_date_key(filters.until))
    if filters.publisher:
        conditions.append(f"instr(casefold({alias}.publisher), ?) > 0")
        params.append(filters.publisher.casefold())
    if filters.groups is not None:
        # The meta JSON's `access` is "g1|g2" (ChunkMeta.to_store); "" is public.
        access = f"COALESCE(json_extract({alias}.meta, '$.access'), '')"
        conditions.append(
            "(" + " OR ".join([f"{access} = ''"] + [f"instr('|' || {access} || '|', ?) > 0" for _ in filters.groups]) + ")"
        )
        params += [f"|{group}|" for group in filters.groups]
    return " AND ".join(conditions) or "1", params


class ChunkStore:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.executescript(SCHEMA)
        # SQLite's lower() folds ASCII only; publisher names are Swedish ("Region Skåne").
        conn.create_function("casefold", 1, lambda text: (text or "").casefold(), deterministic=True)

    def replace_document(self, doc_id: str, nodes: Iterable[BaseNode], tx: sqlite3.Connection) -> None:
        tx.execute("DELETE FROM chunk_store WHERE doc_id = ?", (doc_id,))
        tx.executemany("INSERT INTO chunk_store VALUES (?, ?, ?, ?, ?, ?, ?)", (_row(doc_id, n) for n in nodes))

    def remove_document(self, doc_id: str, tx: sqlite3.Connection) -> None:
        tx.execute("DELETE FROM chunk_store WHERE doc_id = ?", (doc_id,))

    def get(self, chunk_ids: Iterable[str]) -> dict[str, tuple[ChunkMeta, str]]:
        """(metadata, clean text) of each id that is stored; unknown ids are left out."""
        ids = list(dict.fromkeys(chunk_ids))
        out: dict[str, tuple[ChunkMeta, str]] = {}
        for start in range(0, len(ids), _IDS_PER_QUERY):
            part = ids[start : start + _IDS_PER_QUERY]
            rows = self.conn.execute(
                f"SELECT chunk_id, meta, text FROM chunk_store WHERE chunk_id IN ({','.join('?' * len(part))})", part
            ).fetchall()
            out.update({cid: (ChunkMeta.from_store(json.loads(meta)), text) for cid, meta, text in rows})
        return out

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM chunk_store").fetchone()[0]

    def fill(self, records: list[tuple[str, dict, str]], tx: sqlite3.Connection) -> None:
        """Rows from the vector store's own (id, metadata, text) records, for an index written
        before this table existed."""
        tx.executemany(
            "INSERT OR REPLACE INTO chunk_store VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_flat_row(cid, meta, text) for cid, meta, text in records),
        )


def _row(doc_id: str, node: BaseNode) -> tuple:
    return _flat_row(node.node_id, dict(node.metadata), node.get_content(metadata_mode=MetadataMode.NONE), doc_id)


def _flat_row(chunk_id: str, flat: dict, text: str, doc_id: str | None = None) -> tuple:
    meta = ChunkMeta.from_store(flat)
    stored = meta.to_store()
    return (
        chunk_id, doc_id or meta.doc_id, meta.doc_type.value, meta.published_key, meta.publisher,
        json.dumps(stored, ensure_ascii=False), text,
    )
