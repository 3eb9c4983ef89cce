"""Every [n] opens its own source, in a real browser: across the answers of one conversation,
after reopening it from history, with no panel opening by itself and no request to any host
but the app's own."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from tests.assistant.chat.conftest import ARTIFACTS, Session, log_in, send

QUESTIONS = [
    "Vilka är de sju verksamhetsområdena som statens medel får gå till?",
    "Vem beslutar om statsbidraget till regionen?",
    "I vilka forum förs dialogen mellan Region Skåne och kommunerna?",
]
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _stored_panels(chat_server, first_question: str) -> tuple[str, dict[str, dict[str, str]]]:
    """(thread id, {answer step id: {"[n]": the document title its panel must show}}), read
    from the stored thread through the app's own API, as the owner."""
    session = Session(chat_server.url)
    assert session.login() == 200
    status, page = session.json("POST", "/project/threads", {"pagination": {"first": 50}, "filter": {}})
    assert status == 200
    thread = next(t for t in page["data"] if (t.get("name") or "").startswith(first_question[:40]))
    status, body = session.request("GET", f"/project/thread/{thread['id']}")
    full = json.loads(body)
    answers = {s["id"] for s in full["steps"] if s["type"] == "assistant_message" and "[1]" in (s.get("output") or "")}
    panels: dict[str, dict[str, str]] = {step: {} for step in answers}
    for element in full["elements"]:
        if element.get("forId") in answers:
            status, content = session.request("GET", element["url"])
            assert status == 200, element
            heading = content.decode().split("\n", 1)[0].removeprefix("### ")
            panels[element["forId"]][element["name"]] = _ESCAPED.sub(r"\1", heading)
    return thread["id"], panels


def _check_every_marker(page, panels: dict[str, dict[str, str]]) -> int:
    """Click each marker of each answer; the panel must carry that marker's number and show
    the document stored for that very answer and number."""
    opened = 0
    for step_id, expected in panels.items():
        links = page.locator(f"#step-{step_id} .element-link")
        assert links.count() >= 1, f"answer {step_id} shows no markers"
        for i in range(links.count()):
            link = links.nth(i)
            marker = link.inner_text().strip()
            assert marker in expected, (marker, sorted(expected))
            link.click()
            page.wait_for_function(
                "([marker, title]) => document.querySelector('#side-view-title')?.innerText.trim() === marker"
                " && [...document.querySelectorAll('#side-view-content h3')].some(h => h.innerText.trim() === title)",
                arg=[marker, expected[marker]], timeout=15_000,
            )
            opened += 1
    return opened


def test_each_marker_opens_its_own_source_also_after_reopening(chat_server, browser):
    requests: list[str] = []
    context, page = log_in(browser, chat_server.url, requests=requests)
    for number, question in enumerate(QUESTIONS, start=1):
        before = page.locator(".element-link").count()
        send(page, question)
        page.wait_for_function(f"document.querySelectorAll('.element-link').length > {before}", timeout=60_000)
        page.wait_for_timeout(500)  # the final message replaces the streamed one
        assert page.locator("#side-view-title").count() == 0, f"a panel opened by itself after answer {number}"
    thread_id, panels = _stored_panels(chat_server, QUESTIONS[0])
    assert len(panels) == len(QUESTIONS) and all(panels.values())
    assert _check_every_marker(page, panels) >= len(QUESTIONS)
    page.screenshot(path=str(ARTIFACTS / "chat-own-source-panel.png"))

    page.goto(f"{chat_server.url}/thread/{thread_id}")
    page.locator(f"#step-{next(iter(panels))} .element-link").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    assert page.locator("#side-view-title").count() == 0, "a panel opened by itself on reopening"
    _check_every_marker(page, panels)
    context.close()

    own = urlsplit(chat_server.url).netloc
    foreign = sorted({urlsplit(u).netloc for u in requests if urlsplit(u).scheme in {"http", "https", "ws", "wss"}} - {own})
    assert requests and not foreign, f"requests to other hosts: {foreign}"


def test_login_page_loads_nothing_from_other_hosts(chat_server, browser):
    context = browser.new_context(locale="sv-SE")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(chat_server.url)
    page.locator("#email").wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    context.close()
    own = urlsplit(chat_server.url).netloc
    assert requests and all(urlsplit(u).netloc == own for u in requests if not u.startswith("data:")), requests
