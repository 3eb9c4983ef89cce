"""One writer at a time per data folder: `ingest` holds an exclusive lock while it writes.

The lock is `flock` on `<data dir>/ingest.lock`, so the kernel releases it when the holder
exits, however it exits: a lock file left by a killed run is stale by construction and simply
taken over. The file records the holder's pid and start time for the message a second run
prints. Readers (ask, chat) never take the lock; they keep answering from the committed index.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = "ingest.lock"


@dataclass(frozen=True)
class LockHolder:
    pid: int
    started: str  # ISO time, local

    @property
    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # exists, owned by someone else
        return True


class IngestLocked(RuntimeError):
    """Another ingest holds the lock on this data folder."""


def _read_holder(fd: int) -> LockHolder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        data = json.loads(os.read(fd, 4096) or b"null")
        return LockHolder(int(data["pid"]), str(data["started"])) if data else None
    except (ValueError, KeyError, TypeError):
        return None


class IngestLock:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None
        self.stale: LockHolder | None = None  # a killed run whose lock file this one took over

    def acquire(self, wait_s: float = 0.0) -> "IngestLock":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise IngestLocked(self._busy_message(holder)) from None
                time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))
        previous = _read_holder(fd)
        self.stale = previous if previous and previous.pid != os.getpid() else None
        record = {"pid": os.getpid(), "started": dt.datetime.now().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        self._fd = fd
        return self

    def _busy_message(self, holder: LockHolder | None) -> str:
        who = f" (pid {holder.pid}, startad {holder.started.replace('T', ' ')})" if holder else ""
        return (
            f"en annan indexering pågår redan i {self.data_dir.resolve()}{who}. Vänta tills den är klar, "
            "eller låt den här vänta på sin tur med KA_INGEST_LOCK_WAIT_S=600 eller --wait 600. "
            "Frågor och chatten fungerar under tiden."
        )

    def release(self) -> None:
        if self._fd is None:
            return
        # Emptied, not deleted: deleting would let a waiting run lock an inode nobody else sees.
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> "IngestLock":
        return self if self._fd is not None else self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
