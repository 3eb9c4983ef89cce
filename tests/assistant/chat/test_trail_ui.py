"""A question about a decision gets its trail in the chat, and each step's marker opens the
source it cites, in a real browser."""

from __future__ import annotations

from tests.assistant.chat.conftest import ARTIFACTS, log_in, send

QUESTION = "Vem reserverade sig när regionfullmäktige i Västra Götalandsregionen godkände kulturplanen 2013-2015?"
MINUTES_TITLE = "Regionala kulturplan 2013-2015 – Regionfullmäktige Västra Götalandsregionen 23 oktober 2012"


def test_a_decision_question_shows_its_trail_with_working_source_panels(chat_server, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = log_in(browser, chat_server.url)
    try:
        send(page, QUESTION)
        trail = page.locator("[id^=step-]", has_text="Beslutsspår").last
        trail.wait_for(timeout=60_000)
        text = trail.inner_text()
        # The trail shows the decision, its justification and the reservation, each under its role.
        for role in ("Beslut", "Motivering", "Reservation"):
            assert role in text, text
        assert "Sverigedemokraterna reserverade sig mot beslutet." in text
        page.screenshot(path=str(ARTIFACTS / "chat-decision-trail.png"), full_page=True)
        links = trail.locator(".element-link")
        assert links.count() >= 2, text
        for i in range(links.count()):
            link = links.nth(i)
            marker = link.inner_text().strip()
            link.click()
            page.wait_for_function(
                "([marker, title]) => document.querySelector('#side-view-title')?.innerText.trim() === marker"
                " && [...document.querySelectorAll('#side-view-content h3')].some(h => h.innerText.trim() === title)",
                arg=[marker, MINUTES_TITLE], timeout=15_000,
            )
        page.screenshot(path=str(ARTIFACTS / "chat-decision-trail-source.png"), full_page=True)
    finally:
        context.close()
