"""Chainlit's SQLAlchemyDataLayer against the tables of assistant.chat.schema.

Runs the data layer's real methods on a temporary SQLite file, and the same scenario on a
throwaway PostgreSQL (tests/services.py; CHAT_DB_TEST_URL names another one).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import datetime, timezone

import chainlit as cl
import pytest
from chainlit.context import ChainlitContext, context_var
from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.data.storage_clients.base import BaseStorageClient
from chainlit.logger import logger as chainlit_logger
from chainlit.session import HTTPSession
from chainlit.types import Feedback, Pagination, ThreadFilter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from assistant.chat.schema import SCHEMA_SQL, adapt_engine, ensure_schema, sqlite_conninfo

TABLES = {"users", "threads", "steps", "elements", "feedbacks"}


class DictStorage(BaseStorageClient):
    """Keeps uploaded element content in memory."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def upload_file(self, object_key, data, mime="application/octet-stream", overwrite=True, content_disposition=None):
        self.files[object_key] = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return {"object_key": object_key, "url": f"/files/{object_key}"}

    async def delete_file(self, object_key: str) -> bool:
        return self.files.pop(object_key, None) is not None

    async def get_read_url(self, object_key: str) -> str:
        return f"/files/{object_key}"

    async def close(self) -> None:
        pass


def as_json(value):
    """JSON columns come back as text (SQLite, asyncpg) or already decoded."""
    return json.loads(value) if isinstance(value, str) else value


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def user_step_dict(thread_id: str, content: str) -> dict:
    """The keys chainlit.step.Step.to_dict() produces (the fullest StepDict shape)."""
    ts = now_iso()
    return {
        "name": "anna",
        "type": "user_message",
        "id": str(uuid.uuid4()),
        "threadId": thread_id,
        "parentId": None,
        "streaming": False,
        "metadata": {},
        "tags": None,
        "input": "",
        "isError": False,
        "output": content,
        "createdAt": ts,
        "start": ts,
        "end": ts,
        "language": None,
        "defaultOpen": False,
        "autoCollapse": False,
        "showInput": "json",
        "generation": None,
    }


def enter_http_context(thread_id: str, user) -> None:
    """Outside a running app the @queue_until_user_message methods (create_step, update_step,
    delete_step, create_element, delete_element) read chainlit.context.session; an HTTP
    session makes them run at once. Built by hand so no data layer is looked up."""
    session = HTTPSession(id=str(uuid.uuid4()), client_type="webapp", thread_id=thread_id, user=user)
    context_var.set(ChainlitContext(session))


async def table_names(conninfo: str) -> set[str]:
    engine = create_async_engine(conninfo)
    try:
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            else:
                rows = await conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                )
            return {r[0] for r in rows}
    finally:
        await engine.dispose()


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def scenario(conninfo: str) -> None:
    # execute_sql logs and swallows every SQL error, so a lost write shows only as a warning.
    recorder = Recorder()
    chainlit_logger.addHandler(recorder)
    try:
        await _scenario(conninfo)
    finally:
        chainlit_logger.removeHandler(recorder)
    assert recorder.messages == []


async def _scenario(conninfo: str) -> None:
    await ensure_schema(conninfo)
    await ensure_schema(conninfo)  # idempotent
    assert TABLES <= await table_names(conninfo)

    storage = DictStorage()
    layer = SQLAlchemyDataLayer(conninfo=conninfo, storage_provider=storage)
    adapt_engine(layer.engine)
    adapt_engine(layer.engine)  # a second call adds no second listener
    try:
        # Users: created, read back with metadata decoded, metadata updated on re-create.
        user = await layer.create_user(cl.User(identifier="anna", metadata={"role": "user"}))
        assert user is not None and user.identifier == "anna"
        assert user.metadata == {"role": "user"}
        again = await layer.create_user(cl.User(identifier="anna", metadata={"role": "admin"}))
        assert again.id == user.id
        fetched = await layer.get_user("anna")
        assert fetched.id == user.id and fetched.metadata == {"role": "admin"}
        assert await layer.get_user("nobody") is None

        # Thread: tags are bound as a raw list (needs adapt_engine on SQLite).
        thread_id = str(uuid.uuid4())
        await layer.update_thread(
            thread_id,
            name="Om kulturplaner",
            user_id=user.id,
            metadata={"chat_profile": "standard", "drop": "x"},
            tags=["kultur", "region"],
        )
        await layer.update_thread(thread_id, metadata={"drop": None, "lang": "sv"})
        assert await layer.get_thread_author(thread_id) == "anna"

        enter_http_context(thread_id, user)

        question = user_step_dict(thread_id, "Vad är kultursamverkansmodellen?")
        await layer.create_step(dict(question))

        # The assistant message as chainlit.message.Message.to_dict() builds it; send()
        # would stamp created_at (and start/end) just before persisting.
        answer = cl.Message(
            content="Ett sätt att fördela statliga medel [1].",
            author="Kulturassistenten",
            metadata={"mode": "extractive"},
            tags=["svar"],
            created_at=now_iso(),
        )
        answer_dict = answer.to_dict()
        assert answer_dict["threadId"] == thread_id
        await layer.create_step(dict(answer_dict))
        answer_dict["output"] += " Uppdaterad."
        await layer.update_step(dict(answer_dict))

        element = cl.Text(
            name="[1]", content="passage", display="side", for_id=answer.id, thread_id=thread_id
        )
        await layer.create_element(element)
        object_key = f"{user.id}/{element.id}/[1]"
        assert storage.files == {object_key: b"passage"}

        got_element = await layer.get_element(thread_id, element.id)
        assert got_element is not None and got_element["forId"] == answer.id
        assert got_element["props"] == {}

        feedback_id = await layer.upsert_feedback(Feedback(forId=answer.id, value=1, comment="bra"))
        assert feedback_id

        thread = await layer.get_thread(thread_id)
        assert thread is not None
        assert thread["name"] == "Om kulturplaner"
        assert thread["userId"] == user.id and thread["userIdentifier"] == "anna"
        assert as_json(thread["tags"]) == ["kultur", "region"]
        assert as_json(thread["metadata"]) == {"chat_profile": "standard", "lang": "sv"}

        steps = {s["id"]: s for s in thread["steps"]}
        assert [s["type"] for s in thread["steps"]] == ["user_message", "assistant_message"]
        assert steps[question["id"]]["output"] == "Vad är kultursamverkansmodellen?"
        assert steps[question["id"]]["feedback"] is None
        assert not steps[question["id"]]["streaming"]  # 0 on SQLite, False on PostgreSQL
        got_answer = steps[answer.id]
        assert got_answer["output"].endswith("[1]. Uppdaterad.")
        assert got_answer["name"] == "Kulturassistenten"
        assert as_json(got_answer["metadata"]) == {"mode": "extractive"}
        assert as_json(got_answer["tags"]) == ["svar"]
        assert got_answer["feedback"] == {
            "forId": answer.id,
            "id": feedback_id,
            "value": 1,
            "comment": "bra",
        }

        [got] = thread["elements"]
        assert got["id"] == element.id and got["forId"] == answer.id
        assert got["name"] == "[1]" and got["type"] == "text" and got["display"] == "side"
        assert got["objectKey"] == object_key and got["url"] == f"/files/{object_key}"

        rated = await layer.list_threads(
            Pagination(first=10), ThreadFilter(userId=user.id, feedback=1)
        )
        assert thread_id in [t["id"] for t in rated.data]

        # Changing one's mind updates the same feedback row.
        same_id = await layer.upsert_feedback(
            Feedback(id=feedback_id, forId=answer.id, value=0, comment="fel källa")
        )
        assert same_id == feedback_id
        step = await layer.get_step(answer.id)
        assert step["feedback"]["value"] == 0 and step["feedback"]["comment"] == "fel källa"

        page = await layer.list_threads(Pagination(first=10), ThreadFilter(userId=user.id))
        assert thread_id in [t["id"] for t in page.data]
        hit = await layer.list_threads(
            Pagination(first=10), ThreadFilter(userId=user.id, search="kultursamverkansmodellen")
        )
        assert [t["id"] for t in hit.data] == [thread_id]

        assert await layer.delete_feedback(feedback_id) is True
        thread = await layer.get_thread(thread_id)
        assert all(s["feedback"] is None for s in thread["steps"])

        await layer.delete_thread(thread_id)
        assert await layer.get_thread(thread_id) is None
        assert storage.files == {}
    finally:
        await layer.close()


def test_schema_sql_names_every_table():
    for table in TABLES:
        assert f"CREATE TABLE IF NOT EXISTS {table} (" in SCHEMA_SQL


def test_sqlite_conninfo_is_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sqlite_conninfo(tmp_path / "chat.db") == f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"
    assert sqlite_conninfo("rel/chat.db") == f"sqlite+aiosqlite:///{tmp_path / 'rel' / 'chat.db'}"


def test_data_layer_round_trip_on_sqlite(tmp_path):
    db = tmp_path / "sub" / "chat.db"
    asyncio.run(scenario(sqlite_conninfo(db)))
    assert db.is_file()


def test_data_layer_round_trip_on_postgresql(postgres_url):
    asyncio.run(scenario(postgres_url))
