"""A real Chainlit app on loopback, started the way users start it: `kulturassistent chat`."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

USER, PASSWORD = "testare", "hemligt-lösen-1"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChatServer:
    def __init__(self, data_dir: Path, log: Path, extra_env: dict[str, str] | None = None):
        self.data_dir, self.log, self.extra_env = data_dir, log, extra_env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "KA_DATA_DIR": str(self.data_dir), "KA_CHAT_PORT": str(self.port), **self.extra_env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant", "chat", "--no-open"], env=env,
            stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the chat app exited: {self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{self.url}/health", timeout=1)
                return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"the chat app did not answer within 120 s: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()


class Session:
    """An HTTP client that logs in like the web page does (cookie-based)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def login(self, user: str = USER, password: str = PASSWORD) -> int:
        body = urllib.parse.urlencode({"username": user, "password": password}).encode()
        return self.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(f"{self.base}{path}", data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def json(self, method: str, path: str, payload: dict):
        status, body = self.request(method, path, json.dumps(payload).encode(), {"Content-Type": "application/json"})
        return status, (json.loads(body) if body else None)


@pytest.fixture(scope="session")
def chat_server(full_corpus_index, tmp_path_factory):
    from assistant.chat.users import UserStore

    settings, _, _ = full_corpus_index
    UserStore(settings.users_file).add(USER, PASSWORD)
    server = ChatServer(settings.data_dir, tmp_path_factory.mktemp("chat") / "chat.log")
    server.start()
    yield server
    server.stop()
