"""Files are read and split in a separate process, one at a time, under a time budget.

A parser that hangs or a file that needs gigabytes would otherwise stall or kill the whole run:
in the worker it is killed when its time is up, the file is reported, and a fresh worker takes
the next file. The worker is a plain `python -m ingest.worker` (not multiprocessing, which
re-imports the caller's `__main__` and would start the CLI again) speaking length-prefixed
pickles over its stdin and stdout; it is started once per process and reused across runs.

Pickle is safe here: both ends are this program, talking over a private pipe.
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import BinaryIO

from ingest.prepare import Prepared, PrepareJob

_HEADER = struct.Struct("!Q")
# Importing llama-index takes a few seconds on a busy machine; that is not the first file's fault.
_STARTUP_TIMEOUT_S = 120.0


class PrepareTimeout(Exception):
    """The file took longer than its budget; the worker was killed."""


class WorkerCrashed(Exception):
    """The worker died while reading a file (killed for memory, a crash in a C library)."""

    def __init__(self, returncode: int | None):
        super().__init__(f"worker exited with {returncode}")
        self.returncode = returncode


def _write_frame(stream: BinaryIO, payload: object) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(fd: int, size: int, deadline: float) -> bytes | None:
    """`size` bytes from `fd`, or None at end of file; PrepareTimeout when the deadline passes."""
    parts: list[bytes] = []
    while size:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise PrepareTimeout
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


class PrepareWorker:
    """Client side: `prepare(job, timeout_s)` returns Prepared or the reason the file failed."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        package_root = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        process = subprocess.Popen(
            [sys.executable, "-m", "ingest.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=env, bufsize=0,
        )
        self._process = process
        if self._receive(time.monotonic() + _STARTUP_TIMEOUT_S) != ("ready", None):
            self.close()
            raise RuntimeError("the ingest worker did not start")
        return process

    def _receive(self, deadline: float) -> object:
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        header = _read_exact(fd, _HEADER.size, deadline)
        body = _read_exact(fd, _HEADER.unpack(header)[0], deadline) if header is not None else None
        if body is None:
            returncode = self._process.wait()
            self._process = None
            raise WorkerCrashed(returncode)
        return pickle.loads(body)

    def prepare(self, job: PrepareJob, timeout_s: float) -> Prepared | str:
        process = self._process if self._process and self._process.poll() is None else self._start()
        assert process.stdin is not None
        try:
            _write_frame(process.stdin, job)
            status, value = self._receive(time.monotonic() + timeout_s)
        except PrepareTimeout:
            self.close()
            raise
        except BrokenPipeError:
            self._process = None
            raise WorkerCrashed(process.wait()) from None
        return value

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


_shared: PrepareWorker | None = None


def shared_worker() -> PrepareWorker:
    """One worker per process, reused by every ingest run (tests run many)."""
    global _shared
    if _shared is None:
        _shared = PrepareWorker()
        atexit.register(_shared.close)
    return _shared


def serve() -> None:
    from ingest.loaders import LoadError
    from ingest.prepare import prepare

    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything a library prints must not corrupt the reply stream
    _write_frame(replies, ("ready", None))
    while (header := requests.read(_HEADER.size)) and len(header) == _HEADER.size:
        job = pickle.loads(requests.read(_HEADER.unpack(header)[0]))
        try:
            reply: tuple[str, object] = ("ok", prepare(job))
        except LoadError as exc:
            reply = ("error", exc.reason)
        except MemoryError:
            reply = ("error", "filen kräver mer minne än som finns för att läsas – avbruten")
        except Exception as exc:  # one odd file must never end the worker
            reply = ("error", f"oväntat fel vid läsning: {type(exc).__name__}: {exc}")
        _write_frame(replies, reply)


if __name__ == "__main__":
    serve()
