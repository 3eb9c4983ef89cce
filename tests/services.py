"""Real servers on loopback for the tests that need them: `chroma run` and a throwaway PostgreSQL.

PostgreSQL comes from Debian's packages (`make postgres`); a cluster is created in a temporary
folder, listens on 127.0.0.1 only with trust authentication, and is stopped and deleted after the
session. initdb refuses to run as root, so as root the server runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    def __init__(self, folder: Path):
        chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
        if not chroma:
            raise RuntimeError("the `chroma` command (from the chromadb package) is not installed")
        self.folder, port = folder, free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = folder / "server.log"
        self.process = subprocess.Popen(
            [chroma, "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=open(self.log, "wb"), stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"chroma run exited: {self.log.read_text()}") from None
                time.sleep(0.3)
        self.process.kill()
        raise RuntimeError("chroma run did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """One PostgreSQL server; `new_database()` gives each test an empty database of its own."""

    USER = "ka"

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="ka-postgres-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_server_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_server_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.USER, "--auth=trust", "-E", "UTF8", "--no-locale")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.root}", "start",
        )

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self._as_server_user, str(self.bindir / tool), *args], capture_output=True, text=True)
        if done.returncode != 0:
            log = self.root / "server.log"
            raise RuntimeError(f"{tool} failed: {done.stderr}{log.read_text() if log.exists() else ''}")

    def new_database(self) -> str:
        """An async SQLAlchemy URL of a freshly created, empty database."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        done = subprocess.run(
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.USER, name],
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"createdb failed: {done.stderr}")
        return f"postgresql+asyncpg://{self.USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
