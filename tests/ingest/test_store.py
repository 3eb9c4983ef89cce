"""ingest.store: a transient SQLite lock under embedded Chroma is waited out, any other error is not."""

from __future__ import annotations

import chromadb.errors
import pytest

from ingest.store import retry_when_locked


def _failing(times: int, message: str):
    calls = []

    def call() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise chromadb.errors.InternalError(f"Database error: {message}")
        return "done"

    return call, calls


def test_a_transient_lock_is_retried_until_the_call_succeeds():
    call, calls = _failing(2, "error returned from database: (code: 5) database is locked")
    assert retry_when_locked(call) == "done" and len(calls) == 3


def test_a_lasting_lock_fails_after_the_last_attempt():
    call, calls = _failing(10, "database is locked")
    with pytest.raises(chromadb.errors.InternalError):
        retry_when_locked(call, attempts=3)
    assert len(calls) == 3


def test_another_database_error_is_not_retried():
    call, calls = _failing(1, "no such table: collections")
    with pytest.raises(chromadb.errors.InternalError):
        retry_when_locked(call)
    assert len(calls) == 1
