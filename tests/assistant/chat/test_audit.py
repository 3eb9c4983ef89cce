"""The audit log and retention: rows per question, CSV export from a date, and purging what is
older than the retention time (threads with their steps, panels, files and feedback; audit rows)."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from assistant.chat.audit import chainlit_timestamp, export_csv, parse_since, purge, record
from assistant.chat.schema import ensure_schema, sqlite_conninfo
from assistant.cli_chat import prepare_app_root, retention_text
from assistant.schema import Answer, Citation, DocType
from assistant.settings import Settings

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


def _citation(n: int, doc_id: str) -> Citation:
    return Citation(
        n=n, doc_id=doc_id, title=f"Titel {doc_id}", section="", page=None, published=None, source_url="",
        quote="Citat.", chunk_id=f"{doc_id}::0000", passage="Citat.", doc_type=DocType.report,
    )


def _answer(question: str, docs: list[str], abstained: bool = False) -> Answer:
    return Answer(
        question=question, answer="Svar.", abstained=abstained,
        citations=[_citation(n, d) for n, d in enumerate(docs, start=1)],
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def chat_db(request, tmp_path) -> str:
    """The chat database on both engines a municipality may run: a SQLite file, or PostgreSQL."""
    if request.param == "sqlite":
        conninfo = sqlite_conninfo(tmp_path / "chat.sqlite")
    else:
        conninfo = request.getfixturevalue("postgres_url")
    asyncio.run(ensure_schema(conninfo))
    return conninfo


def _sql(conninfo: str, statement: str, params: dict | None = None) -> list[tuple]:
    async def go():
        engine = create_async_engine(conninfo)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(statement), params or {})
                return [tuple(row) for row in result.all()] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _record(conninfo: str, *rows) -> None:
    async def go():
        engine = create_async_engine(conninfo)
        for user, thread, question, answer, when in rows:
            await record(engine, user, thread, question, answer, now=when)
        await engine.dispose()

    asyncio.run(go())


def test_export_writes_each_question_with_its_user_and_documents_from_a_date(chat_db, tmp_path):
    _record(
        chat_db,
        ("anna", "t1", "Vem beslutar om statsbidraget?", _answer("Vem beslutar om statsbidraget?", ["sfs-a", "sfs-b", "sfs-a"]),
         NOW - timedelta(days=40)),
        ("bertil", "t2", "Vad kostar parkering?", _answer("Vad kostar parkering?", [], abstained=True), NOW - timedelta(days=2)),
    )
    out = tmp_path / "logg.csv"
    assert asyncio.run(export_csv(chat_db, out)) == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["användare"] for r in rows] == ["anna", "bertil"]  # oldest first
    assert rows[0]["dokument"] == "sfs-a; sfs-b" and rows[0]["avstod"] == "nej" and rows[0]["tråd"] == "t1"
    assert rows[1]["dokument"] == "" and rows[1]["avstod"] == "ja"
    assert rows[0]["tid_utc"] == (NOW - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")

    since = parse_since((NOW - timedelta(days=10)).date().isoformat())
    assert asyncio.run(export_csv(chat_db, out, since)) == 1
    assert [r["användare"] for r in csv.DictReader(out.open(encoding="utf-8"))] == ["bertil"]


def test_a_since_that_is_no_date_is_refused_in_swedish():
    with pytest.raises(ValueError, match="är inget datum"):
        parse_since("förra veckan")
    assert parse_since("2026-01-31") == "2026-01-31T00:00:00Z"
    assert parse_since("2026-01-31T08:30") == "2026-01-31T08:30:00Z"


def _add_thread(conninfo: str, files: Path, thread: str, created: datetime, last_step: datetime | None) -> Path:
    """A thread as Chainlit's data layer writes it: a step, a stored source panel, feedback."""
    key = f"user-1/{thread}-element/[1]"
    path = files / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("källa", encoding="utf-8")
    _sql(conninfo, 'INSERT INTO threads ("id", "createdAt", "name") VALUES (:id, :at, :id)', {"id": thread, "at": chainlit_timestamp(created)})
    if last_step is not None:
        _sql(conninfo, 'INSERT INTO steps ("id", "name", "type", "threadId", "createdAt") VALUES (:id, \'svar\', \'assistant_message\', :t, :at)',
             {"id": f"{thread}-step", "t": thread, "at": chainlit_timestamp(last_step)})
        _sql(conninfo, 'INSERT INTO feedbacks ("id", "forId", "threadId", "value") VALUES (:id, :step, :t, 1)',
             {"id": f"{thread}-fb", "step": f"{thread}-step", "t": thread})
    _sql(conninfo, 'INSERT INTO elements ("id", "threadId", "name", "objectKey") VALUES (:id, :t, \'[1]\', :key)',
         {"id": f"{thread}-element", "t": thread, "key": key})
    return path


def _count(conninfo: str, table: str, thread: str) -> int:
    column = "id" if table == "threads" else "threadId"
    return _sql(conninfo, f'SELECT COUNT(*) FROM {table} WHERE "{column}" = :t', {"t": thread})[0][0]


def test_purge_removes_threads_whose_last_message_is_older_than_the_retention_and_old_audit_rows(chat_db, tmp_path):
    files = tmp_path / "chat-files"
    old_file = _add_thread(chat_db, files, "gammal", NOW - timedelta(days=500), NOW - timedelta(days=400))
    active_file = _add_thread(chat_db, files, "aktiv", NOW - timedelta(days=500), NOW - timedelta(days=3))  # old thread, used lately
    _add_thread(chat_db, files, "tom", NOW - timedelta(days=400), None)  # never got a message
    _record(
        chat_db,
        ("anna", "gammal", "Gammal fråga?", _answer("Gammal fråga?", ["a"]), NOW - timedelta(days=400)),
        ("anna", "aktiv", "Ny fråga?", _answer("Ny fråga?", ["b"]), NOW - timedelta(days=3)),
    )
    report = asyncio.run(purge(chat_db, files, days=365, now=NOW))
    assert (report.threads, report.files, report.audit_rows) == (2, 2, 1)
    for table in ("threads", "steps", "elements", "feedbacks"):
        assert _count(chat_db, table, "gammal") == 0 and _count(chat_db, table, "tom") == 0, table
        assert _count(chat_db, table, "aktiv") == 1, table
    assert not old_file.exists() and active_file.exists()
    assert _sql(chat_db, 'SELECT "question" FROM ka_audit') == [("Ny fråga?",)]
    assert asyncio.run(purge(chat_db, files, days=365, now=NOW)).threads == 0  # nothing left to do


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KA_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True, timeout=120)


def test_purge_and_export_on_the_command_line(tmp_path):
    data = tmp_path / "data"
    conninfo = sqlite_conninfo(data / "chat.sqlite")
    asyncio.run(ensure_schema(conninfo))
    when = datetime.now(timezone.utc)
    _record(
        conninfo,
        ("anna", "t1", "Fråga för länge sedan?", _answer("Fråga för länge sedan?", ["a"]), when - timedelta(days=30)),
        ("anna", "t2", "Fråga i dag?", _answer("Fråga i dag?", ["b"]), when),
    )
    bad = _cli(data, "audit", "export", "--since", "igår")
    assert bad.returncode == 2 and "är inget datum" in bad.stderr
    refused = _cli(data, "purge", "--days", "0")
    assert refused.returncode == 2 and "Ingen lagringstid" in refused.stderr
    done = _cli(data, "purge", "--days", "7")
    assert done.returncode == 0 and "rader i granskningsloggen 1." in " ".join(done.stdout.split()), done.stdout + done.stderr
    out = tmp_path / "logg.csv"
    exported = _cli(data, "audit", "export", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert [r["fråga"] for r in csv.DictReader(out.open(encoding="utf-8"))] == ["Fråga i dag?"]


def test_the_about_page_names_the_retention_time(tmp_path):
    root = prepare_app_root(tmp_path / "app", Settings(data_dir=tmp_path / "data", retention_days=90, upload_max_mb=40))
    text = (root / "chainlit.md").read_text(encoding="utf-8")
    assert "90 dagar efter det senaste meddelandet" in text and "{retention}" not in text
    assert "tills en administratör tar bort dem" in retention_text(0)
    assert "max_size_mb = 40" in (root / ".chainlit" / "config.toml").read_text(encoding="utf-8")
