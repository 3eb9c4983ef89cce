"""LLM answer mode over real HTTP: llama-index OpenAILike -> openai -> httpx -> fake_openai server."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from assistant.extractive import ABSTAIN_EN, ABSTAIN_SV, ExtractiveAnswerer
from assistant.query import Query
from assistant.query_analysis import QueryAnalyzer
from assistant.llm import SYSTEM_EN, SYSTEM_SV, LLMAnswerer, build_llm, build_prompt
from assistant.schema import Answer, ChunkMeta, DocType, RetrievedChunk
from assistant.service import Assistant
from assistant.settings import Settings
from ingest.analyzer import SwedishAnalyzer

QUESTION = "Vem beslutar om statsbidraget till den regionala kulturverksamheten?"
REPLY_B = "Statens kulturråd beslutar om statsbidraget [2]. Okänd källa [9]. En mening utan källa."


def _hit(i: int, title: str, doc_type: DocType, text: str, published: str, **location: object) -> RetrievedChunk:
    meta = ChunkMeta(
        doc_id=f"doc-{i}", title=title, doc_type=doc_type, publisher="Test", source_url=f"https://example.se/{i}",
        published=published, content_hash=f"h{i}", source_path=f"/tmp/doc-{i}.txt",
        chunk_id=f"doc-{i}#0", chunk_index=0, **location,
    )
    return RetrievedChunk(meta=meta, text=text, score=1.0 / (i + 1))


@pytest.fixture
def hits() -> list[RetrievedChunk]:
    return [
        _hit(0, "Regional kulturplan för Region Exempel 2024–2027", DocType.culture_plan,
             "Kulturplanen beskriver regionens prioriteringar. Planen tas fram i samverkan med kommunerna.",
             "2023-11", heading_path=["Inledning", "Syfte"]),
        _hit(1, "Förordning (2010:2012) om fördelning av vissa statsbidrag till regional kulturverksamhet",
             DocType.regulation,
             "Statens kulturråd beslutar om statsbidraget till den regionala kulturverksamheten. "
             "Beslutet ska grunda sig på regionens kulturplan. Bidraget lämnas för ett år i taget.",
             "2010-12-22", chapter="2 kap.", paragraph="8 §"),
        _hit(2, "Protokoll kulturnämnden", DocType.minutes,
             "Kulturnämnden beslutar att godkänna yttrandet. Protokollet justeras den 3 mars.",
             "2022-02-15", agenda_item="§ 12", agenda_title="Yttrande om kulturplan"),
    ]


def _query(question: str, history: list[str] | None = None) -> Query:
    return QueryAnalyzer(SwedishAnalyzer(), lambda terms: {t: 1.0 for t in terms}).analyze(question, history or [])


@pytest.fixture
def extractive() -> ExtractiveAnswerer:
    return ExtractiveAnswerer(SwedishAnalyzer(), lambda terms: {t: 1.0 for t in terms})


def _answerer(server, extractive: ExtractiveAnswerer, timeout: float = 5.0) -> LLMAnswerer:
    settings = Settings(_env_file=None, llm_base_url=server.url, llm_model="fake-model", llm_timeout_s=timeout)
    llm = build_llm(settings)
    assert llm is not None
    return LLMAnswerer(llm, extractive)


def test_build_llm_is_off_without_endpoint() -> None:
    settings = Settings(_env_file=None)
    assert not settings.llm_enabled and build_llm(settings) is None


def test_fake_server_lists_models(fake_llm_server) -> None:
    with urllib.request.urlopen(f"{fake_llm_server.url}/models", timeout=5) as response:
        assert json.load(response)["data"][0]["id"] == "fake-model"


def test_prompt_numbers_passages_and_demands_citations(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.reply("Statens kulturråd beslutar [2].")
    history = ["Vad är kultursamverkansmodellen?"]
    _answerer(fake_llm_server, extractive).answer(_query(QUESTION, history), hits)

    request = fake_llm_server.requests[-1]
    assert request["model"] == "fake-model" and request["stream"] is True
    system, user = request["messages"]
    assert system["role"] == "system" and system["content"] == SYSTEM_SV
    assert "[n]" in system["content"] and "ENDAST" in system["content"] and ABSTAIN_SV in system["content"]
    assert user["role"] == "user"
    content = user["content"]
    assert "[1] Regional kulturplan för Region Exempel 2024–2027 — Inledning > Syfte (2023-11)\nKulturplanen" in content
    assert ("[2] Förordning (2010:2012) om fördelning av vissa statsbidrag till regional kulturverksamhet"
            " — 2 kap. 8 § (2010-12-22)\nStatens kulturråd") in content
    assert "[3] Protokoll kulturnämnden — § 12 Yttrande om kulturplan (2022-02-15)\nKulturnämnden" in content
    assert "[4]" not in content
    assert "- Vad är kultursamverkansmodellen?" in content
    assert content.endswith(f"Fråga: {QUESTION}")
    assert fake_llm_server.headers[-1]["Authorization"] == "Bearer not-needed"


def test_citations_are_validated_and_renumbered(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.reply(REPLY_B)
    answer = _answerer(fake_llm_server, extractive).answer(_query(QUESTION), hits)

    assert answer.mode == "llm" and not answer.abstained
    assert answer.answer == "Statens kulturråd beslutar om statsbidraget [1]. Okänd källa. En mening utan källa."
    assert [c.n for c in answer.citations] == [1]
    citation = answer.citations[0]
    assert citation.doc_id == hits[1].meta.doc_id and citation.section == "2 kap. 8 §"
    # The quote is the passage sentence the claim relies on, not the whole chunk.
    assert citation.quote == "Statens kulturråd beslutar om statsbidraget till den regionala kulturverksamheten."
    assert answer.notice == "Meningar utan källhänvisning: ”Okänd källa.” ”En mening utan källa.”"


def test_grouped_markers_are_split_and_numbered_by_first_use(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.reply("Kulturrådet beslutar om bidraget [3, 2]. Planen tas fram med kommunerna [1].")
    answer = _answerer(fake_llm_server, extractive).answer(_query(QUESTION), hits)
    assert answer.answer == "Kulturrådet beslutar om bidraget [1][2]. Planen tas fram med kommunerna [3]."
    assert [c.doc_id for c in answer.citations] == ["doc-2", "doc-1", "doc-0"]
    assert answer.notice is None


def test_streaming_delivers_deltas_incrementally(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.reply(REPLY_B)
    fake_llm_server.token_delay(0.05)
    answerer = _answerer(fake_llm_server, extractive)
    deltas, arrivals = [], []
    for delta in answerer.stream(_query(QUESTION), hits):
        deltas.append(delta)
        arrivals.append(time.perf_counter())
    assert len(deltas) > 1
    assert "".join(deltas) == REPLY_B
    assert arrivals[-1] - arrivals[0] > 0.2  # spread out, i.e. not buffered until the end
    assert answerer.finish(_query(QUESTION), hits, "".join(deltas)).answer.startswith("Statens kulturråd")


def _assert_fallback(answer: Answer, reason: str) -> None:
    assert answer.mode == "extractive" and not answer.abstained
    assert answer.notice == f"Språkmodellen svarade inte ({reason}); här är ett svar som citerar underlagen direkt."
    assert answer.citations and answer.citations[0].doc_id == "doc-1"


def test_http_500_falls_back_to_extractive(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.fail("http500")
    _assert_fallback(_answerer(fake_llm_server, extractive).answer(_query(QUESTION), hits), "HTTP 500")
    assert len(fake_llm_server.requests) == 1  # no retries: the user is waiting


def test_hang_past_timeout_falls_back(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.fail("hang", hang_s=10)
    started = time.perf_counter()
    answer = _answerer(fake_llm_server, extractive, timeout=1.0).answer(_query(QUESTION), hits)
    assert time.perf_counter() - started < 4
    _assert_fallback(answer, "tidsgränsen överskreds")


def test_stall_mid_stream_still_ends_with_an_answer(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.reply(REPLY_B)
    fake_llm_server.fail("hang", hang_s=10, after_tokens=2)
    items = list(_answerer(fake_llm_server, extractive, timeout=1.0).stream_answer(_query(QUESTION), hits))
    assert items[:-1] == ["Statens ", "kulturråd "]
    _assert_fallback(items[-1], "tidsgränsen överskreds")


def test_malformed_stream_falls_back(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.fail("malformed")
    answer = _answerer(fake_llm_server, extractive).answer(_query(QUESTION), hits)
    assert answer.mode == "extractive" and answer.notice.startswith("Språkmodellen svarade inte (")


def test_reply_without_valid_citations_falls_back(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.reply("Det är regeringen som bestämmer [7].")
    _assert_fallback(_answerer(fake_llm_server, extractive).answer(_query(QUESTION), hits), "ogiltigt svar")


def test_abstention_phrase_abstains(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.reply(ABSTAIN_SV)
    answer = _answerer(fake_llm_server, extractive).answer(_query("Vad kostar en busskort i Luleå?"), hits)
    assert answer.abstained and answer.mode == "llm"
    assert answer.citations == [] and answer.suggestions
    assert answer.answer.startswith(ABSTAIN_SV)


def test_english_question_gets_english_prompt_and_notices(fake_llm_server, extractive, hits) -> None:
    question = "Who decides on the state grant for regional culture?"
    fake_llm_server.reply("The Swedish Arts Council decides on the grant [2].")
    answer = _answerer(fake_llm_server, extractive).answer(_query(question), hits)
    system, user = fake_llm_server.last_messages
    assert system["content"] == SYSTEM_EN and ABSTAIN_EN in system["content"] and "[n]" in system["content"]
    assert user["content"].startswith("Passages:") and user["content"].endswith(f"Question: {question}")
    assert answer.mode == "llm" and answer.citations[0].doc_id == "doc-1"

    fake_llm_server.fail("http500")
    fallback = _answerer(fake_llm_server, extractive).answer(_query(question), hits)
    assert fallback.notice == (
        "The language model did not respond (HTTP 500); here is an answer that quotes the documents directly."
    )


def test_build_prompt_is_pure(hits) -> None:
    messages = build_prompt(_query(QUESTION), hits)
    assert [m.role.value for m in messages] == ["system", "user"]
    assert "Tidigare frågor" not in messages[1].content


def _assistant(server, extractive, hits, answer_mode: str = "extractive") -> Assistant:
    """An Assistant without an index: retrieval is replaced by the fixed hits, the rest is real."""
    assistant = object.__new__(Assistant)
    assistant.settings = Settings(_env_file=None, llm_base_url=server.url, answer_mode=answer_mode)
    assistant.extractive = extractive
    assistant.llm_answerer = LLMAnswerer(build_llm(assistant.settings), extractive)
    assistant.queries = QueryAnalyzer(extractive.analyzer, extractive.idf)
    assistant._retrieve = lambda query, filters: hits  # type: ignore[method-assign]
    assistant.index = None  # no index, so no sentence vectors either
    return assistant


def test_assistant_streams_llm_deltas_then_the_answer(fake_llm_server, extractive, hits) -> None:
    fake_llm_server.reply(REPLY_B)
    items = list(_assistant(fake_llm_server, extractive, hits).ask_stream(QUESTION, mode="llm"))
    final = items[-1]
    assert isinstance(final, Answer) and final.mode == "llm"
    assert "".join(items[:-1]) == REPLY_B and len(items) > 2
    assert {"retrieval_ms", "answer_ms", "total_ms", "llm_ms"} <= final.timings.keys()


def test_assistant_default_mode_stays_extractive(fake_llm_server, extractive, hits) -> None:
    assistant = _assistant(fake_llm_server, extractive, hits)
    items = list(assistant.ask_stream(QUESTION))
    final = items[-1]
    assert isinstance(final, Answer) and final.mode == "extractive" and not fake_llm_server.requests
    assert "".join(items[:-1]) == final.answer
    assert set(final.timings) == {"retrieval_ms", "answer_ms", "total_ms"}
    fake_llm_server.reply(REPLY_B)
    assert assistant.ask(QUESTION, mode="llm").mode == "llm"  # per-call override

    configured = _assistant(fake_llm_server, extractive, hits, answer_mode="llm")
    assert configured.uses_llm() and not configured.uses_llm("extractive")
