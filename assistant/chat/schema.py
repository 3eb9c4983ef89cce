"""Tables for Chainlit's `SQLAlchemyDataLayer`, which reads and writes them but never creates them.

One DDL text serves SQLite (the default, a file under the data directory) and PostgreSQL
(shared deployments). It mirrors what `chainlit/data/sql_alchemy.py` (chainlit 2.12) sends:

- camelCase column names, always double-quoted by the data layer ("threadId", "createdAt").
- ids are strings (uuid4 text); TEXT on both engines, so no UUID casts are needed.
- timestamps are ISO strings and stay TEXT.
- JSON (`metadata`, `generation`, `props`) is `json.dumps`-ed by the data layer, so TEXT. TEXT
  rather than JSONB on PostgreSQL too: `get_favorite_steps` runs `"metadata" LIKE ...`, which
  has no operator for JSONB. Reads give the JSON string back; Chainlit parses it where needed.
- `tags` is bound as a raw Python list. PostgreSQL needs TEXT[] for that; SQLite accepts the
  type name (TEXT affinity) but its driver cannot bind a list at all, so on SQLite a data
  layer's engine must go through `adapt_engine`, which stores lists and dicts as JSON text.
- booleans (`streaming`, `isError`, ...) are BOOLEAN; SQLite stores them as 0/1.
- `showInput` arrives as the string "true"/"false" (or a language name), hence TEXT.

No foreign keys: SQLite would not enforce them without a PRAGMA on every connection, and on
PostgreSQL they could reject the element or step writes Chainlit fires as concurrent tasks
(the data layer logs and swallows every SQL error). `delete_thread` removes children itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS users (
    "id" TEXT PRIMARY KEY,
    "identifier" TEXT NOT NULL UNIQUE,
    "metadata" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TEXT
);

CREATE TABLE IF NOT EXISTS threads (
    "id" TEXT PRIMARY KEY,
    "createdAt" TEXT,
    "name" TEXT,
    "userId" TEXT,
    "userIdentifier" TEXT,
    "tags" TEXT[],
    "metadata" TEXT DEFAULT '{}'
);

CREATE INDEX IF NOT EXISTS threads_user_id_idx ON threads ("userId");

CREATE TABLE IF NOT EXISTS steps (
    "id" TEXT PRIMARY KEY,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "parentId" TEXT,
    "streaming" BOOLEAN NOT NULL DEFAULT FALSE,
    "waitForAnswer" BOOLEAN,
    "isError" BOOLEAN,
    "metadata" TEXT DEFAULT '{}',
    "tags" TEXT[],
    "input" TEXT,
    "output" TEXT,
    "createdAt" TEXT,
    "command" TEXT,
    "modes" TEXT,
    "start" TEXT,
    "end" TEXT,
    "generation" TEXT,
    "showInput" TEXT,
    "defaultOpen" BOOLEAN,
    "autoCollapse" BOOLEAN,
    "language" TEXT,
    "icon" TEXT
);

CREATE INDEX IF NOT EXISTS steps_thread_id_idx ON steps ("threadId");

CREATE TABLE IF NOT EXISTS elements (
    "id" TEXT PRIMARY KEY,
    "threadId" TEXT,
    "type" TEXT,
    "url" TEXT,
    "chainlitKey" TEXT,
    "name" TEXT NOT NULL,
    "display" TEXT,
    "objectKey" TEXT,
    "size" TEXT,
    "page" INTEGER,
    "language" TEXT,
    "forId" TEXT,
    "mime" TEXT,
    "props" TEXT DEFAULT '{}',
    "autoPlay" BOOLEAN,
    "playerConfig" TEXT
);

CREATE INDEX IF NOT EXISTS elements_thread_id_idx ON elements ("threadId");

CREATE TABLE IF NOT EXISTS feedbacks (
    "id" TEXT PRIMARY KEY,
    "forId" TEXT NOT NULL,
    "threadId" TEXT,
    "value" INTEGER NOT NULL,
    "comment" TEXT
);

CREATE INDEX IF NOT EXISTS feedbacks_for_id_idx ON feedbacks ("forId");
"""


def schema_statements() -> list[str]:
    """SCHEMA_SQL and the audit log's table split into single statements (asyncpg and sqlite3
    run one at a time)."""
    from assistant.chat.audit import AUDIT_SCHEMA_SQL

    return [s.strip() for s in f"{SCHEMA_SQL};{AUDIT_SCHEMA_SQL}".split(";") if s.strip()]


def sqlite_conninfo(path: Path) -> str:
    """The async SQLAlchemy URL of a SQLite file: `sqlite+aiosqlite:///<absolute path>`."""
    return f"sqlite+aiosqlite:///{Path(path).expanduser().resolve()}"


def _is_sqlite(conninfo: str) -> bool:
    return make_url(conninfo).get_backend_name() == "sqlite"


async def ensure_schema(conninfo: str) -> None:
    """Create Chainlit's tables and indexes if missing; safe to call on every start."""
    url = make_url(conninfo)
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(conninfo)
    try:
        async with engine.begin() as conn:
            for statement in schema_statements():
                await conn.execute(text(statement))
        if sqlite and url.database and url.database != ":memory:":
            # Readers do not block the writer; persists in the file once set.
            async with engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    finally:
        await engine.dispose()


def _jsonify(value: Any, lists: bool) -> Any:
    if isinstance(value, dict) or (lists and isinstance(value, (list, tuple))):
        return json.dumps(value)
    return value


def adapt_engine(engine: AsyncEngine) -> None:
    """Make the data layer's raw list/dict parameters bindable; call once per engine.

    `SQLAlchemyDataLayer` binds `tags` as a Python list, and a message's `modes` or a media
    element's `playerConfig` as a dict. sqlite3 binds neither ("type 'list' is not
    supported", which the data layer only logs, losing the whole row). On SQLite both become
    JSON text; on PostgreSQL lists stay lists (TEXT[]) and dicts become JSON text.
    Use: `layer = SQLAlchemyDataLayer(conninfo=...); adapt_engine(layer.engine)`.
    """
    sync_engine = engine.sync_engine
    if getattr(sync_engine, "_chat_schema_adapted", False):
        return
    lists = sync_engine.dialect.name == "sqlite"

    def convert(params: Any) -> Any:
        if isinstance(params, dict):
            return {k: _jsonify(v, lists) for k, v in params.items()}
        if isinstance(params, (list, tuple)):
            return type(params)(_jsonify(v, lists) for v in params)
        return params

    @event.listens_for(sync_engine, "before_cursor_execute", retval=True)
    def _before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if executemany:
            return statement, [convert(p) for p in parameters]
        return statement, convert(parameters)

    sync_engine._chat_schema_adapted = True  # type: ignore[attr-defined]
