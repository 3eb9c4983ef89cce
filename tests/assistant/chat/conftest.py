"""A real Chainlit app on loopback, started the way users start it: `kulturassistent chat`."""

from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.services import free_port

USER, PASSWORD = "testare", "hemligt-lösen-1"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"




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

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server the way a service manager does, and make sure nothing is left on the port."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                pytest.fail(f"the chat app ignored signal {sig} for 30 s")
        deadline = time.time() + 10
        while self.listening() and time.time() < deadline:
            time.sleep(0.2)
        assert not self.listening(), f"something still answers on port {self.port} after the chat app stopped"

    def listening(self) -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", self.port)) == 0

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


CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling Google on a closed network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# open, and later tests that call asyncio.run() (the chat-schema tests) must not meet it.
@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed (.ci/run installs it)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def log_in(browser, url: str, locale: str = "sv-SE", screenshot: str | None = None, requests: list[str] | None = None,
           user: str = USER, password: str = PASSWORD):
    """A new browser context, logged in, with the chat ready for input. Every request the
    page makes is appended to `requests` when one is given."""
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 900})
    if requests is not None:
        context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(url)
    page.locator("#email").wait_for(timeout=30_000)
    if screenshot:
        page.screenshot(path=str(ARTIFACTS / screenshot))
    page.fill("#email", user)
    page.fill("#password", password)
    page.locator("button[type=submit]").click()
    page.locator("#chat-input").wait_for(timeout=30_000)
    # Starters arrive over the websocket: once they show, the chat session is ready for input.
    page.locator("[id^=starter-]").first.wait_for(timeout=30_000)
    return context, page


def send(page, text: str) -> None:
    page.locator("#chat-input").fill(text)
    page.locator("#chat-submit").click()
    page.get_by_text(text).first.wait_for(timeout=15_000)
