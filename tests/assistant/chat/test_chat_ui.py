"""The real app in a real headless Chromium: log in, use a starter, read the streamed answer,
open its sources, give feedback, ask a follow-up; then restart and find the history."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import urllib.request

import frontmatter

from evals.questions import load_questions
from tests.assistant.chat.conftest import ARTIFACTS, USER, Session, log_in, send
from tests.conftest import REPO


def _titles_of(doc_ids: list[str], corpus) -> set[str]:
    return {frontmatter.load(corpus / f"{doc_id}.md")["title"] for doc_id in doc_ids}


def test_starter_answer_with_openable_citation(chat_server, browser, shared_corpus):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = log_in(browser, chat_server.url, screenshot="chat-login.png")
    assert page.get_by_text("Logga in").count() == 0  # logged in, Swedish UI
    starter = page.locator("[id^=starter-]", has_text="De sju verksamhetsområdena")
    starter.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # let the starters' fade-in finish before the picture
    page.screenshot(path=str(ARTIFACTS / "chat-first-visit.png"))
    starter.click()

    first_link = page.locator(".element-link", has_text="[1]").first
    first_link.wait_for(timeout=60_000)
    answer = page.locator(".step").last
    answer.get_by_text("hemslöjd", exact=False).first.wait_for(timeout=30_000)
    text = answer.inner_text().lower()
    for area in ["museiverksamhet", "biblioteksverksamhet", "arkivverksamhet", "filmkulturell verksamhet"]:
        assert area in text

    first_link.click()
    gold = next(q for q in load_questions(REPO / "evals" / "questions.jsonl") if q.id == "q001")
    expected_titles = _titles_of(gold.expected_docs, shared_corpus)
    panel_titles = [h.strip() for h in page.locator("h3").all_inner_texts()]
    assert set(panel_titles) & expected_titles, panel_titles
    page.get_by_text("Öppna källan").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "chat-answer-with-source.png"))

    # Feedback: thumbs up with a comment, stored through Chainlit's data layer.
    page.locator("button.positive-feedback-off").last.click()
    page.locator("[role=dialog] textarea").fill("Bra, hela listan kom med.")
    page.get_by_role("button", name="Skicka återkoppling").click()
    page.locator("button.positive-feedback-on").last.wait_for(timeout=15_000)
    context.close()


def test_follow_up_in_the_ui(chat_server, browser):
    context, page = log_in(browser, chat_server.url)
    send(page, "Hur tas Skånes regionala kulturplan för 2025–2028 fram?")
    page.locator(".element-link").first.wait_for(timeout=60_000)
    links_before = page.locator(".element-link").count()
    send(page, "Och när beslutade kulturnämnden om den?")
    page.wait_for_function(f"document.querySelectorAll('.element-link').length > {links_before}", timeout=60_000)
    assert "19 juni" in page.locator(".step").last.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-follow-up.png"))
    context.close()


def test_english_browser_gets_english_login(chat_server, browser):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(chat_server.url)
    page.locator("#email").wait_for(timeout=30_000)
    assert page.locator("button[type=submit]").inner_text().strip() == "Sign In"
    context.close()
    swedish = browser.new_context(locale="sv-SE").new_page()
    swedish.goto(chat_server.url)
    swedish.locator("#email").wait_for(timeout=30_000)
    assert swedish.locator("button[type=submit]").inner_text().strip() == "Logga in"


def test_feedback_is_exported_as_gold_questions(chat_server, tmp_path):
    out = tmp_path / "feedback.jsonl"
    env = {**os.environ, "KA_DATA_DIR": str(chat_server.data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    liked = [r for r in lines if "Bra, hela listan kom med." in r["note"]]
    assert len(liked) == 1
    record = liked[0]
    assert set(record) == {"id", "category", "question", "history", "answerable", "expected_docs", "expected_facts", "note"}
    assert record["question"].startswith("Vilka är de sju verksamhetsområdena")
    assert record["answerable"] is True and record["expected_docs"]


def test_history_survives_a_restart(chat_server):
    chat_server.restart()
    session = Session(chat_server.url)
    assert session.login() == 200
    status, page = session.json("POST", "/project/threads", {"pagination": {"first": 20}, "filter": {}})
    assert status == 200
    names = [t.get("name") or "" for t in page["data"]]
    assert any(n.startswith("Vilka är de sju verksamhetsområdena") for n in names), names
    thread = next(t for t in page["data"] if (t.get("name") or "").startswith("Vilka är de sju"))
    status, body = session.request("GET", f"/project/thread/{thread['id']}")
    full = json.loads(body)
    answers = [s for s in full["steps"] if s["type"] == "assistant_message"]
    assert answers and "[1]" in answers[0]["output"]
    element = next(e for e in full["elements"] if e["name"] == "[1]")
    # The stored source panel is served to its owner, and to nobody else.
    status, content = session.request("GET", element["url"])
    assert status == 200 and "Öppna källan" in content.decode()
    from assistant.chat.users import UserStore

    UserStore(chat_server.data_dir / "users.json").add("annan", "ett-annat-lösen")
    other = Session(chat_server.url)
    assert other.login("annan", "ett-annat-lösen") == 200
    assert other.request("GET", element["url"])[0] == 404


def test_the_starter_question_is_in_the_audit_log_with_its_documents(chat_server, tmp_path):
    out = tmp_path / "granskning.csv"
    env = {**os.environ, "KA_DATA_DIR": str(chat_server.data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "audit", "export", "--since", "2000-01-01", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    starter = [r for r in rows if r["fråga"].startswith("Vilka är de sju verksamhetsområdena")]
    assert starter, rows
    gold = next(q for q in load_questions(REPO / "evals" / "questions.jsonl") if q.id == "q001")
    assert starter[0]["användare"] == USER and starter[0]["avstod"] == "nej" and starter[0]["tråd"]
    assert set(starter[0]["dokument"].split("; ")) & set(gold.expected_docs)


def test_the_about_page_states_what_is_kept_and_for_how_long(chat_server):
    session = Session(chat_server.url)
    assert session.login() == 200
    status, body = session.request("GET", "/project/settings?language=sv-SE")
    assert status == 200
    markdown = json.loads(body)["markdown"]
    assert "Granskningsloggen" in markdown and "365 dagar" in markdown and "{retention}" not in markdown


def test_health_and_readiness(chat_server):
    with urllib.request.urlopen(f"{chat_server.url}/health", timeout=30) as response:
        assert response.status == 200
    with urllib.request.urlopen(f"{chat_server.url}/ready", timeout=60) as response:
        body = json.loads(response.read())
    assert response.status == 200 and body["status"] == "ok"
    assert body["chunks"] == body["vectors"] > 200  # the whole shared corpus
