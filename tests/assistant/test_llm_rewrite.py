"""Follow-ups rewritten by a model over real HTTP (llama-index OpenAILike -> openai -> httpx ->
tests/assistant/fake_openai.py), and the fallback to the resolver without a model when the
endpoint fails or replies with something that is not a standalone question."""

from __future__ import annotations

import time

import pytest

from assistant.llm import REWRITE_SYSTEM, build_rewriter, valid_rewrite
from assistant.query_analysis import QueryAnalyzer
from assistant.settings import Settings
from ingest.analyzer import SwedishAnalyzer

HISTORY = ("Vad är Regional kulturplan för Skåne 2025–2028?",)
QUESTION = "Och när ska den börja gälla?"
REWRITE = "När ska Regional kulturplan för Skåne 2025–2028 börja gälla?"
# What the resolver without a model makes of it (tests/assistant/test_followup_rewrite.py).
RESOLVED = "När ska Regional kulturplan för Skåne 2025–2028 börja gälla?"


def _analyzer(server, timeout: float = 5.0) -> QueryAnalyzer:
    settings = Settings(_env_file=None, llm_base_url=server.url, llm_model="fake-model", llm_timeout_s=timeout)
    rewriter = build_rewriter(settings)
    assert rewriter is not None
    return QueryAnalyzer(SwedishAnalyzer(), lambda terms: {t: 1.0 for t in terms}, rewriter=rewriter)


def test_no_endpoint_no_rewriter() -> None:
    assert build_rewriter(Settings(_env_file=None)) is None


def test_the_model_rewrites_a_follow_up_in_one_short_call(fake_llm_server) -> None:
    rewrite = "När ska Region Skånes kulturplan 2025–2028 träda i kraft och börja gälla?"
    fake_llm_server.reply(rewrite)
    query = _analyzer(fake_llm_server).analyze(QUESTION, HISTORY)
    assert query.resolved_text == rewrite
    assert query.search_text == f"{HISTORY[0]} {rewrite}"
    (request,) = fake_llm_server.requests
    assert not request.get("stream") and request["max_tokens"] <= 200
    system, user = request["messages"]
    assert system == {"role": "system", "content": REWRITE_SYSTEM}
    assert HISTORY[0] in user["content"] and user["content"].endswith(f"Last question: {QUESTION}")


def test_a_question_that_stands_alone_is_not_sent(fake_llm_server) -> None:
    query = _analyzer(fake_llm_server).analyze("Vem beslutar om statsbidraget till regionerna?", HISTORY)
    assert query.resolved_text == query.text and fake_llm_server.requests == []


def test_an_english_follow_up_is_rewritten_in_english(fake_llm_server) -> None:
    fake_llm_server.reply(lambda messages: "When was the regional culture plan for Skåne adopted?")
    query = _analyzer(fake_llm_server).analyze("When was it adopted?", ["What is the regional culture plan for Skåne?"])
    assert query.resolved_text == "When was the regional culture plan for Skåne adopted?"


@pytest.mark.parametrize(
    "reply",
    [
        "",  # nothing
        "   \n  ",
        # An answer, on several lines, instead of a question.
        "Kulturplanen gäller från 2025.\nDen beslutades av regionfullmäktige.",
        # Drifted: shares nothing with the conversation.
        "Vilka fyrar finns längs Hallandskusten?",
        # The other language.
        "When will the regional culture plan for Skåne 2025–2028 come into force?",
        # Absurdly long.
        "När ska Regional kulturplan för Skåne 2025–2028 börja gälla " + "och varför " * 80 + "?",
    ],
)
def test_an_unusable_reply_falls_back_to_the_resolver(fake_llm_server, reply) -> None:
    fake_llm_server.reply(reply)
    query = _analyzer(fake_llm_server).analyze(QUESTION, HISTORY)
    assert len(fake_llm_server.requests) == 1 and query.resolved_text == RESOLVED


@pytest.mark.parametrize("mode", ["http500", "malformed"])
def test_a_failing_endpoint_falls_back_to_the_resolver(fake_llm_server, mode) -> None:
    fake_llm_server.fail(mode)
    query = _analyzer(fake_llm_server).analyze(QUESTION, HISTORY)
    assert query.resolved_text == RESOLVED and query.search_text == f"{HISTORY[0]} {RESOLVED}"


def test_a_hanging_endpoint_times_out_and_falls_back(fake_llm_server) -> None:
    fake_llm_server.fail("hang", hang_s=10)
    started = time.perf_counter()
    query = _analyzer(fake_llm_server, timeout=0.5).analyze(QUESTION, HISTORY)
    assert time.perf_counter() - started < 5
    assert query.resolved_text == RESOLVED


def test_an_unreachable_endpoint_falls_back(fake_llm_server) -> None:
    url = fake_llm_server.url
    fake_llm_server.stop()
    settings = Settings(_env_file=None, llm_base_url=url, llm_timeout_s=1.0)
    analyzer = QueryAnalyzer(SwedishAnalyzer(), lambda terms: {t: 1.0 for t in terms}, rewriter=build_rewriter(settings))
    assert analyzer.analyze(QUESTION, HISTORY).resolved_text == RESOLVED


def test_a_labelled_or_quoted_rewrite_is_cleaned() -> None:
    assert valid_rewrite(f"Omskriven fråga: ”{REWRITE}”", QUESTION, HISTORY) == REWRITE
    assert valid_rewrite(f'"{REWRITE}"', QUESTION, HISTORY) == REWRITE
