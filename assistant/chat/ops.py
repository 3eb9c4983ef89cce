"""Operations: a readiness check for load balancers and service managers, and JSON log lines.

`/health` (Chainlit's own) says the process answers; `/ready` says it can answer questions: the
assistant opens (embedder, index), the lexical index and Chroma both answer and hold the same
number of chunks' worth of data, and the chat database takes a query. A failing check gives 503
with the reason, in Swedish like every other message an operator reads from this app.

`KA_LOG_FORMAT=json` makes every log line one JSON object (time, level, logger, message, and the
traceback when there is one), for log collectors that parse lines; Chainlit's and uvicorn's loggers
included.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import text

READY_PATH = "/ready"


async def readiness(assistant: Callable[[], Any], chat_engine: Callable[[], Any]) -> tuple[int, dict]:
    """(HTTP status, body). `assistant()` returns the process's Assistant (opening it on first use),
    `chat_engine()` the chat database's async engine."""
    body: dict[str, Any] = {"status": "ok"}
    try:
        index = (await asyncio.to_thread(assistant)).index
        body["chunks"] = await asyncio.to_thread(index.lexical.chunk_count)
        body["vectors"] = await asyncio.to_thread(index.vectors.collection.count)
    except Exception as exc:  # any failure to open or reach the index means: not ready
        return 503, {"status": "fel", "reason": f"Indexet går inte att öppna: {type(exc).__name__}: {exc}"}
    if not body["chunks"] or body["chunks"] != body["vectors"]:
        return 503, {**body, "status": "fel",
                     "reason": "Indexet är tomt eller ofullständigt (lexikalt index och vektorer har olika antal avsnitt)."}
    try:
        async with chat_engine().connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        return 503, {**body, "status": "fel", "reason": f"Chattdatabasen svarar inte: {type(exc).__name__}: {exc}"}
    return 200, body


def register_readiness_route(app, assistant: Callable[[], Any], chat_engine: Callable[[], Any]) -> None:
    from fastapi.responses import JSONResponse
    from fastapi.routing import APIRoute

    async def ready():
        status, body = await readiness(assistant, chat_engine)
        return JSONResponse(body, status_code=status)

    # Before Chainlit's catch-all route for its web app.
    app.router.routes.insert(0, APIRoute(READY_PATH, ready, methods=["GET"]))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# Loggers that bring their own handlers (and would otherwise keep printing plain text).
_OWN_HANDLER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "chainlit", "engineio", "socketio")


def configure_logging(log_format: str) -> None:
    """One JSON object per line on stderr for every logger, when `log_format` is "json"."""
    if log_format != "json":
        return
    formatter = JsonFormatter()
    logging.captureWarnings(True)  # warnings too, instead of bare lines on stderr
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(formatter)
        root.handlers = [handler]
        root.setLevel(logging.INFO)
    for name in _OWN_HANDLER_LOGGERS:
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            handler.setFormatter(formatter)
