"""A document written to attack the chat (script tags, event handlers, javascript: and data:
links in front matter and body) is indexed, cited and opened in a real browser: nothing runs,
nothing loads, and its markup is shown as text."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant.chat.users import UserStore
from tests.assistant.chat.conftest import ARTIFACTS, PASSWORD, USER, ChatServer, log_in, send

PWN = "window.__pwned = (window.__pwned || 0) + 1; alert(document.domain)"
HOSTILE_DOC = f"""---
id: ankeborg-kulturpengar
title: "Ankeborgs kulturpengar <img src=x onerror=\\"{PWN}\\"><script>{PWN}</script>"
doc_type: decision
publisher: "<b onmouseover=\\"{PWN}\\">Ankeborgs kommun</b>"
published: 2024-05-03
source_url: "javascript:{PWN}"
---
# Ankeborgs kulturpengar <svg onload="{PWN}">

Ankeborgs kulturnämnd beslutade den 3 maj 2024 att fördela kulturpengar till biblioteken <img src=x onerror="{PWN}"> och [läs mer](javascript:{PWN}) samt ![spårbild](https://tracker.example/p.png).

<script>{PWN}</script><a href="data:text/html,<script>{PWN}</script>">Ankeborgs kulturnämnd</a> följer upp beslutet om kulturpengar.
"""
QUESTION = "Vad beslutade Ankeborgs kulturnämnd om kulturpengar till biblioteken?"


@pytest.fixture(scope="module")
def hostile_chat(tmp_path_factory, shared_corpus):
    folder = tmp_path_factory.mktemp("hostile-docs")
    (folder / "ankeborg.md").write_text(HOSTILE_DOC, encoding="utf-8")
    for name in ("kulturradet-kultursamverkansmodellen", "skane-om-kultursamverkansmodellen"):
        (folder / f"{name}.md").write_text((shared_corpus / f"{name}.md").read_text(encoding="utf-8"), encoding="utf-8")
    data_dir = tmp_path_factory.mktemp("hostile-data")
    env = {**os.environ, "KA_DATA_DIR": str(data_dir)}
    result = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(folder)], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    UserStore(data_dir / "users.json").add(USER, PASSWORD)
    server = ChatServer(data_dir, data_dir / "chat.log")
    server.start()
    yield server, result.stdout + result.stderr
    server.stop()


def test_ingest_warns_about_a_link_that_is_not_http(hostile_chat):
    _, ingest_output = hostile_chat
    assert "ankeborg.md" in ingest_output and "javascript:" in ingest_output


def test_hostile_document_runs_nothing_in_the_answer_or_its_source_panel(hostile_chat, browser):
    server, _ = hostile_chat
    requests: list[str] = []
    context, page = log_in(browser, server.url, requests=requests)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    send(page, QUESTION)
    marker = page.locator(".element-link").first
    marker.wait_for(timeout=60_000)
    answer = page.locator(".step").last
    assert "Ankeborgs kulturnämnd" in answer.inner_text()
    marker.click()
    panel = page.locator("#side-view-content")
    panel.get_by_text("Ankeborgs kulturpengar", exact=False).first.wait_for(timeout=15_000)
    page.wait_for_timeout(1000)  # give any injected handler time to fire
    page.screenshot(path=str(ARTIFACTS / "chat-hostile-document.png"))

    assert "<img src=x" in panel.inner_text()  # shown as text, not rendered
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    dangerous = page.evaluate("""() => ({
        scripts: [...document.querySelectorAll('.step script, #side-view-content script')].length,
        handlers: [...document.querySelectorAll('.step *, #side-view-content *')]
            .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        links: [...document.querySelectorAll('.step a[href], #side-view-content a[href]')]
            .map(a => a.getAttribute('href')).filter(h => !/^(https?:|#|\\/|%5B)/i.test(h) && !/^\\[/.test(h)),
        images: [...document.querySelectorAll('.step img, #side-view-content img')]
            .map(i => i.src).filter(src => !src.startsWith(location.origin + '/')),
    })""")
    assert dangerous == {"scripts": 0, "handlers": 0, "links": [], "images": []}, dangerous
    assert not [u for u in requests if "tracker.example" in u]
    context.close()
