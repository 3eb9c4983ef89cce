"""One writer at a time, readers never blocked, and `--rebuild` that switches only when done,
for embedded Chroma and for a `chroma run` server."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest import generations
from ingest.index import IndexHandle
from ingest.lock import IngestLock, IngestLocked
from ingest.pipeline import Ingestor
from ingest.store import make_client
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import SMALL_SET, assert_consistent, run_ingest, store_state


def _cli(env: dict, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", *args], env={**os.environ, **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs,
    )


def test_second_ingest_exits_2_naming_the_holder(tmp_path):
    data = tmp_path / "data"
    lock = IngestLock(data).acquire()
    try:
        with pytest.raises(IngestLocked, match=f"pid {os.getpid()}"):
            IngestLock(data).acquire()
        process = _cli({"KA_DATA_DIR": str(data)}, str(tmp_path))
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 2
        assert "en annan indexering pågår redan" in stderr and f"pid {os.getpid()}" in stderr
    finally:
        lock.release()


def test_a_waiting_run_gets_the_lock_when_the_holder_finishes(tmp_path):
    holder = IngestLock(tmp_path).acquire()
    threading.Timer(0.5, holder.release).start()
    started = time.monotonic()
    waiter = IngestLock(tmp_path).acquire(wait_s=10)
    assert 0.4 < time.monotonic() - started < 10
    waiter.release()


def test_lock_left_by_a_killed_run_is_stale_and_taken_over(tmp_path):
    (tmp_path / "ingest.lock").write_text(json.dumps({"pid": 999_999_999, "started": "2025-01-01T10:00:00"}))
    lock = IngestLock(tmp_path).acquire()  # no live flock: the kernel dropped it with the process
    assert lock.stale is not None and lock.stale.pid == 999_999_999 and not lock.stale.alive
    assert json.loads((tmp_path / "ingest.lock").read_text())["pid"] == os.getpid()
    lock.release()


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.server)])
def store(request, tmp_path):
    """(settings, environment for the CLI) for an embedded store or a `chroma run` server."""
    data = tmp_path / "data"
    # Small write batches, so that a rebuild commits documents as it goes and can be killed part-way.
    env = {"KA_DATA_DIR": str(data), "KA_EMBED_BATCH_SIZE": "4", "KA_WRITE_BATCH_CHUNKS": "8"}
    if request.param == "embedded":
        return Settings(data_dir=data), env
    url = request.getfixturevalue("chroma_server_url")
    collection = f"rebuild-{uuid.uuid4().hex[:8]}"
    return Settings(data_dir=data, chroma_url=url, collection=collection), {**env, "CHROMA_URL": url, "KA_COLLECTION": collection}


def _aside_documents(settings: Settings) -> int:
    pattern = settings.lexical_db.name.replace(".sqlite", f"{generations._MARK}*.sqlite")
    counts = [0]
    for path in settings.data_dir.glob(pattern):
        try:
            with sqlite3.connect(path, timeout=1) as conn:
                counts.append(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        except sqlite3.OperationalError:
            pass  # schema not created yet
    return max(counts)


def _collections(settings: Settings) -> set[str]:
    names = {c if isinstance(c, str) else c.name for c in make_client(settings).list_collections()}
    return {n for n in names if n.startswith(settings.collection)}


def test_rebuild_killed_midway_leaves_the_old_index_answering(store, tmp_path, shared_corpus, counting_embedder):
    settings, env = store
    old = copy_corpus_subset(shared_corpus, tmp_path / "gammal", SMALL_SET[:3])
    run_ingest(settings, counting_embedder.inner, old)

    process = _cli(env, "--rebuild", str(shared_corpus))
    deadline = time.time() + 180
    while time.time() < deadline and _aside_documents(settings) < 3:
        time.sleep(0.2)
    # While the rebuild writes, readers keep answering from the live index (no lock for them).
    reader = IndexHandle.open(settings, counting_embedder.inner)
    assert {e.doc_id for e in reader.manifest.entries()} == set(SMALL_SET[:3])
    assert reader.lexical.search("kultursamverkansmodellen")
    reader.close()
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert _aside_documents(settings) >= 3, "the rebuild should be killed part-way"

    state = store_state(settings, counting_embedder.inner)
    assert set(state["docs"]) == set(SMALL_SET[:3])
    assert_consistent(state)

    new = copy_corpus_subset(shared_corpus, tmp_path / "ny", SMALL_SET[3:])
    finished = _cli(env, "--rebuild", str(new))
    _, stderr = finished.communicate(timeout=300)
    assert finished.returncode == 0, stderr
    assert "avbröts innan den blev klar" in stderr  # the killed run's lock was detected as stale
    state = store_state(settings, counting_embedder.inner)
    assert set(state["docs"]) == set(SMALL_SET[3:])
    assert_consistent(state)
    live = generations.live(settings).collection
    # The killed rebuild is gone; the live generation and the previous one (the old index) remain.
    assert _collections(settings) == {live, settings.collection}
    assert len(list(settings.data_dir.glob("lexical-*.sqlite"))) == 2

    with IngestLock(settings.data_dir):  # the same steps as the CLI, without loading the model again
        index = IndexHandle.open(settings, counting_embedder.inner, rebuild=True)
        Ingestor(settings, counting_embedder.inner, index).run(new)
        index.finish_rebuild()
        index.close()
    assert _collections(settings) == {live, generations.live(settings).collection}
    assert settings.collection not in _collections(settings)


def test_ingest_after_a_change_of_text_analysis_rebuilds_and_keeps_the_documents(tmp_path, shared_corpus, monkeypatch):
    """An upgrade that changes the analyzer (its signature) must not leave `make run` failing:
    ingest rebuilds the index beside the old one and says so, and nothing indexed is lost."""
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import get_settings
    from ingest.lexical import open_lexical

    monkeypatch.setenv("KA_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET[:2])
        assert runner.invoke(app, ["ingest", str(corpus)]).exit_code == 0
        lexical = open_lexical(generations.live(get_settings()))
        path, lexical_signature = lexical.path, lexical.analyzer.signature
        lexical.close()
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE lexical_meta SET value = 'an-older-analysis' WHERE key = 'analyzer'")

        result = runner.invoke(app, ["ingest", str(corpus)])
        assert result.exit_code == 0, result.output
        assert "Textanalysen har ändrats" in result.output
        status = runner.invoke(app, ["status", "--json"])
        assert json.loads(status.output)["documents"] == 2
        rebuilt = open_lexical(generations.live(get_settings()))
        try:
            assert rebuilt.path != path and rebuilt.chunk_count() > 0
            assert rebuilt.conn.execute("SELECT value FROM lexical_meta WHERE key = 'analyzer'").fetchone()[0] == lexical_signature
        finally:
            rebuilt.close()
    finally:
        get_settings.cache_clear()
