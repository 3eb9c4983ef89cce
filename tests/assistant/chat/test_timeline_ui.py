"""A question about a process gets its timeline under the answer in the chat: the picture, and
the dated list in order whose markers open the passages that state each event, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.assistant.chat.conftest import ARTIFACTS, log_in, send

QUESTION = "Hur togs Skånes regionala kulturplan för 2025–2028 fram?"
EVENT = re.compile(r"^(?:\d+\.\s+)?(\d{4}-\d{2}-\d{2})\s+(.+?)\s*((?:\[\d+\])+)\s*$")


def test_a_process_question_shows_a_timeline_picture_and_a_dated_list_with_sources(chat_server, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = log_in(browser, chat_server.url)
    try:
        send(page, QUESTION)
        message = page.locator("[id^=step-]", has_text="Tidslinje").last
        message.wait_for(timeout=60_000)
        picture = message.locator("img").first
        picture.wait_for(timeout=30_000)
        assert picture.evaluate("img => img.complete && img.naturalWidth > 300"), "the timeline picture did not load"
        items = message.locator("ol li")
        events = []
        for i in range(items.count()):
            if match := EVENT.match(" ".join(items.nth(i).inner_text().split())):
                events.append(match.groups())
        assert len(events) >= 3, message.inner_text()
        dates = [date for date, _, _ in events]
        assert dates == sorted(dates), dates
        page.screenshot(path=str(ARTIFACTS / "chat-timeline.png"), full_page=True)
        # Each event's marker opens a passage that tells it.
        for i, (date, text, marks) in enumerate(events):
            marker = re.findall(r"\[\d+\]", marks)[0]
            items.nth(i).locator(".element-link", has_text=marker).first.click()
            opening = " ".join(text.split()[:4])
            # The title is set before the passage renders, so wait for the passage itself; a
            # panel that never shows the event's words fails below with what it did show.
            try:
                page.wait_for_function(
                    "([marker, opening]) => document.querySelector('#side-view-title')?.innerText.trim() === marker"
                    " && (document.querySelector('#side-view-content')?.innerText ?? '').split(/\\s+/).join(' ').includes(opening)",
                    arg=[marker, opening], timeout=15_000,
                )
            except PlaywrightTimeout:
                pass
            panel = " ".join(page.locator("#side-view-content").inner_text().split())
            assert opening in panel, f"{date}: '{opening}' not in the panel of {marker}"
        page.screenshot(path=str(ARTIFACTS / "chat-timeline-source.png"), full_page=True)
    finally:
        context.close()
