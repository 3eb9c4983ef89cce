"""Who asked what, and which documents the answer showed them; and deleting chat data after a set time.

Public-sector accountability asks who saw what; GDPR asks that conversations are not kept longer
than needed. Every answered question is one row of `ka_audit` in the chat database (SQLite by
default, PostgreSQL when `KA_CHAT_DB_URL` says so): time (UTC), user, thread, question, the
documents cited and suggested, whether the answer abstained. `export_csv` writes the rows for an
audit; `purge` deletes, once `KA_RETENTION_DAYS` have passed, whole threads (their steps, source
panels and the panels' stored files, feedback) whose last message is older than that, and audit
rows older than that.
"""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from assistant.schema import Answer

AUDIT_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS ka_audit (
    "id" TEXT PRIMARY KEY,
    "createdAt" TEXT NOT NULL,
    "userIdentifier" TEXT,
    "threadId" TEXT,
    "question" TEXT NOT NULL,
    "documents" TEXT NOT NULL,
    "abstained" BOOLEAN NOT NULL,
    "mode" TEXT
);

CREATE INDEX IF NOT EXISTS ka_audit_created_idx ON ka_audit ("createdAt")
"""
CSV_COLUMNS = ["tid_utc", "användare", "tråd", "fråga", "dokument", "avstod", "svarsläge"]

_INSERT = text(
    'INSERT INTO ka_audit ("id", "createdAt", "userIdentifier", "threadId", "question", "documents", "abstained", "mode") '
    "VALUES (:id, :created, :user, :thread, :question, :documents, :abstained, :mode)"
)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def audit_timestamp(moment: datetime) -> str:
    """Sortable as text: what `--since` and the retention cut-off compare against."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def chainlit_timestamp(moment: datetime) -> str:
    """As Chainlit's SQLAlchemy data layer stamps threads and steps: local time, ISO, then a 'Z'."""
    return moment.astimezone().replace(tzinfo=None).isoformat() + "Z"


def shown_documents(answer: Answer) -> list[str]:
    """The documents the answer put in front of the user: cited first, then suggested; each once."""
    return list(dict.fromkeys([c.doc_id for c in answer.citations] + [s.doc_id for s in answer.suggestions]))


async def record(
    engine: AsyncEngine, user: str | None, thread_id: str | None, question: str, answer: Answer, now: datetime | None = None,
) -> None:
    """One audit row: `question` as the user typed it (a follow-up's resolved form is in the answer)."""
    async with engine.begin() as conn:
        await conn.execute(_INSERT, {
            "id": str(uuid.uuid4()), "created": audit_timestamp(now or _utc_now()), "user": user, "thread": thread_id,
            "question": question, "documents": json.dumps(shown_documents(answer), ensure_ascii=False),
            "abstained": bool(answer.abstained), "mode": answer.mode,
        })


def parse_since(value: str) -> str:
    """`2026-01-01`, `2026-01-01T08:00` (UTC) -> the audit timestamp it starts at; ValueError in Swedish otherwise."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"'{value}' är inget datum; skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTtt:mm (UTC)") from None
    return audit_timestamp(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))


async def export_csv(conninfo: str, out: Path, since: str | None = None) -> int:
    """Audit rows from `since` (an audit timestamp) on, oldest first, as CSV; returns the row count."""
    query = 'SELECT "createdAt", "userIdentifier", "threadId", "question", "documents", "abstained", "mode" FROM ka_audit'
    params = {}
    if since:
        query += ' WHERE "createdAt" >= :since'
        params["since"] = since
    engine = create_async_engine(conninfo)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text(query + ' ORDER BY "createdAt", "id"'), params)).all()
    finally:
        await engine.dispose()
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for created, user, thread, question, documents, abstained, mode in rows:
            writer.writerow([created, user or "", thread or "", question, "; ".join(json.loads(documents)),
                             "ja" if abstained else "nej", mode or ""])
    return len(rows)


@dataclass(frozen=True)
class PurgeReport:
    threads: int
    files: int
    audit_rows: int


_OLD_THREADS = text(
    'SELECT t."id" FROM threads t LEFT JOIN steps s ON s."threadId" = t."id" '
    'GROUP BY t."id", t."createdAt" HAVING COALESCE(MAX(s."createdAt"), t."createdAt", \'\') < :cutoff'
)


async def purge(conninfo: str, files_root: Path, days: int, now: datetime | None = None) -> PurgeReport:
    """Delete what is older than `days` (see the module docstring). Element files are removed from
    `files_root` (the chat's LocalStorageClient root) after their rows are gone."""
    from assistant.chat.storage import LocalStorageClient

    moment = now or _utc_now()
    cutoff = moment - timedelta(days=days)
    engine = create_async_engine(conninfo)
    try:
        async with engine.begin() as conn:
            threads = [row[0] for row in (await conn.execute(_OLD_THREADS, {"cutoff": chainlit_timestamp(cutoff)})).all()]
            keys: list[str] = []
            for thread in threads:
                params = {"thread": thread}
                keys += [k for (k,) in (await conn.execute(
                    text('SELECT "objectKey" FROM elements WHERE "threadId" = :thread'), params)).all() if k]
                await conn.execute(text(
                    'DELETE FROM feedbacks WHERE "threadId" = :thread OR "forId" IN (SELECT "id" FROM steps WHERE "threadId" = :thread)'
                ), params)
                await conn.execute(text('DELETE FROM elements WHERE "threadId" = :thread'), params)
                await conn.execute(text('DELETE FROM steps WHERE "threadId" = :thread'), params)
                await conn.execute(text('DELETE FROM threads WHERE "id" = :thread'), params)
            audit = await conn.execute(text('DELETE FROM ka_audit WHERE "createdAt" < :cutoff'), {"cutoff": audit_timestamp(cutoff)})
    finally:
        await engine.dispose()
    storage = LocalStorageClient(files_root)
    removed = sum([await storage.delete_file(key) for key in keys])
    return PurgeReport(threads=len(threads), files=removed, audit_rows=audit.rowcount or 0)
