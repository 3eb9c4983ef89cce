"""The evidence model (assistant.evidence) and the answers it leads to, on small hand-made
passages: what a part's sentence must name (its window, or its document for a scene-setting
clause), the value it must hold (a negation, a count of the asked thing), its coverage, the
answer to a partly supported question, and the order and meaning scores of candidates."""

from __future__ import annotations

import pytest

from assistant.evidence import EvidenceModel, other_levels_money, states_value_of
from assistant.extractive import ABSTAIN_SV, ExtractiveAnswerer
from assistant.schema import ChunkMeta, DocType, RetrievedChunk
from tests.assistant.test_extractive import ANALYZER, _answerer, _query

GAPS_SV = "Det här i frågan hittar jag inget stöd för i underlagen:"


def _hit(
    doc: str, text: str, title: str = "Underlag", chunk: int = 0, published: str = "2021-06-01",
    heading_path: tuple[str, ...] = (), paragraph: str | None = None,
) -> RetrievedChunk:
    """A passage; `chunk` > 0 makes another retrieved passage of the same document. The
    publishing date names no year the tests ask about."""
    meta = ChunkMeta(
        doc_id=doc, title=title, doc_type=DocType.web_page, publisher="Test",
        source_url=f"https://example.se/{doc}", published=published, content_hash=f"h-{doc}",
        source_path=f"/tmp/{doc}.md", chunk_id=f"{doc}::{chunk:04d}", chunk_index=chunk,
        heading_path=list(heading_path), paragraph=paragraph,
    )
    return RetrievedChunk(meta=meta, text=text, score=1.0)


def _supports(question: str, hits: list[RetrievedChunk], model: EvidenceModel | None = None, similarities=None):
    query = _query(question)
    model = model or _answerer().evidence
    candidates = model.candidates(query, hits, similarities)
    return [model.support(query, part, candidates) for part in query.parts]


# --- what a part's sentence must name -----------------------------------------------------------

PERIOD_TITLE = "Ny kulturnämnd för åren 2019-2022"
GRANT = "Kulturnämnden fick ett regionbidrag på 302,7 miljoner kronor."


def test_a_year_a_title_names_only_as_a_periods_end_is_not_named_when_the_text_speaks_of_another():
    """Class: the wrong year's amount, when a title's period ends in the year asked about."""
    hits = [_hit("a", f"{GRANT} Uppehållet för utvecklingsbidrag gäller år 2019.", title=PERIOD_TITLE)]
    assert not _supports("Hur stort var regionbidraget 2022?", hits)[0].supported
    assert _supports("Hur stort var regionbidraget 2019?", hits)[0].supported
    assert _supports("Hur stort var regionbidraget 2022?", [_hit("a", GRANT, title=PERIOD_TITLE)])[0].supported


MEETING_DAY = "Vilka ärenden behandlade nämnden den 24 oktober?"


def test_a_day_named_in_the_question_must_be_named_by_the_answers_document_or_its_date():
    """Class: a question naming a day or month; another day's document answers another question."""
    other_day = [_hit("a", "Nämnden behandlade ärenden om bidrag till teatrar och bibliotek.", published="2012-11-07")]
    assert not _supports(MEETING_DAY, other_day)[0].supported
    dated = [_hit("a", "Nämnden behandlade ärenden om bidrag till teatrar och bibliotek.", published="2012-10-24")]
    assert _supports(MEETING_DAY, dated)[0].supported
    in_text = [_hit("a", "Sammanträdet hölls den 24 oktober. Nämnden behandlade ärenden om bidrag till teatrar och bibliotek.",
                    published="2012-11-07")]
    assert _supports(MEETING_DAY, in_text)[0].supported
    wrong_month = [_hit("a", "Sammanträdet hölls den 24 november. Nämnden behandlade ärenden om bidrag till teatrar.")]
    assert not _supports(MEETING_DAY, wrong_month)[0].supported

AMOUNT_2019 = "Hur mycket statsbidrag fick Region Skåne 2019?"


def test_a_year_named_two_sentences_before_the_amount_does_not_support_it():
    hits = [_hit("a", "Under 2019 reviderades kulturplanen efter samråd. Kulturplanen har fem prioriteringar för kulturen. "
                      "Region Skåne fick 120 miljoner kronor i statsbidrag.", title="Statsbidrag")]
    (support,) = _supports(AMOUNT_2019, hits)
    assert not support.supported and support.missing == "name" and support.best is None
    answer = _answerer().answer(_query(AMOUNT_2019), hits)
    assert answer.abstained and answer.answer.startswith(ABSTAIN_SV)
    assert "120 miljoner" not in answer.answer


def test_a_year_named_in_the_sentence_before_the_amount_supports_it():
    hits = [_hit("a", "Kulturplanen har fem prioriteringar för kulturen. Under 2019 reviderades kulturplanen efter samråd. "
                      "Region Skåne fick 120 miljoner kronor i statsbidrag.", title="Statsbidrag")]
    (support,) = _supports(AMOUNT_2019, hits)
    assert support.supported
    assert support.best.unit.text == "Region Skåne fick 120 miljoner kronor i statsbidrag."
    answer = _answerer().answer(_query(AMOUNT_2019), hits)
    assert not answer.abstained and "120 miljoner kronor" in answer.answer


def test_a_year_in_the_passage_title_is_in_every_sentences_window():
    hits = [_hit("a", "Kulturplanen har fem prioriteringar för kulturen. Region Skåne fick 120 miljoner kronor i statsbidrag.",
                 title="Statsbidrag 2019")]
    (support,) = _supports(AMOUNT_2019, hits)
    assert support.supported and "120 miljoner" in support.best.unit.text


SCENE = "Hur mycket statsbidrag fick Region Skåne när modellen infördes 2011?"
SKANE_AMOUNT = "Region Skåne fick 120 miljoner kronor i statsbidrag inom modellen."


def test_a_year_in_a_scene_setting_clause_need_only_be_named_by_the_documents_passages():
    # The year stands in another retrieved passage of the same document, far from the amount.
    same_document = [_hit("a", SKANE_AMOUNT, title="Statsbidrag"),
                     _hit("b", "Kulturplanen togs fram i dialog med kommunerna."),
                     _hit("a", "Modellen infördes 2011 i fem län.", title="Historik", chunk=1)]
    (support,) = _supports(SCENE, same_document)
    assert support.supported and support.best.unit.text == SKANE_AMOUNT
    answer = _answerer().answer(_query(SCENE), same_document)
    assert not answer.abstained and "120 miljoner kronor" in answer.answer


def test_a_year_in_a_scene_setting_clause_named_only_by_another_document_supports_nothing():
    other_document = [_hit("a", SKANE_AMOUNT, title="Statsbidrag"), _hit("b", "Modellen infördes 2011 i fem län.", title="Historik")]
    (support,) = _supports(SCENE, other_document)
    assert support.missing == "name"
    assert _answerer().answer(_query(SCENE), other_document).abstained


# --- the value a part asks for ----------------------------------------------------------------

NEGATED = "Vilka kommuner deltog inte i dialogmötena?"
PLAIN_PARTICIPATION = "Malmö, Lund och Ystad deltog i dialogmötena om kulturplanen."
EXCEPTION = "Alla kommuner deltog i dialogmötena med undantag för Bjuv och Örkelljunga."


def test_a_negated_ask_is_not_answered_by_a_plain_participation_sentence():
    hits = [_hit("a", PLAIN_PARTICIPATION, title="Dialog")]
    (support,) = _supports(NEGATED, hits)
    assert support.missing == "value"
    answer = _answerer().answer(_query(NEGATED), hits)
    assert answer.abstained and answer.answer.startswith(ABSTAIN_SV)
    # The same sentence answers the question without the negation.
    assert _answerer().answer(_query("Vilka kommuner deltog i dialogmötena?"), hits).abstained is False


def test_a_negated_ask_is_answered_by_the_sentence_with_an_exception():
    hits = [_hit("a", f"{PLAIN_PARTICIPATION} {EXCEPTION}", title="Dialog")]
    (support,) = _supports(NEGATED, hits)
    assert support.supported and support.best.unit.text == EXCEPTION
    answer = _answerer().answer(_query(NEGATED), hits)
    assert not answer.abstained and "med undantag för Bjuv och Örkelljunga" in answer.answer


def test_an_exception_in_the_question_asks_for_the_others_not_for_a_negation():
    """Class: "Vilka …, förutom X, …?" sets X aside; the answer lists the rest and negates nothing."""
    hits = [_hit("a", PLAIN_PARTICIPATION, title="Dialog")]
    (support,) = _supports("Vilka kommuner, förutom Bjuv, deltog i dialogmötena?", hits)
    assert support.supported and support.best.unit.text == PLAIN_PARTICIPATION
    assert _supports("Vilka kommuner, förutom Bjuv, deltog inte i dialogmötena?", hits)[0].missing == "value"


SIGNATURES = "Gruppen lämnade sin rapport om kulturplanen i december.\n\nAnna Berg (S), ordförande\n\nPer Ek (M)\n\nLena Holm (C)"


def test_members_marked_by_party_answer_who_the_members_were():
    """Class: a body's members read from a signature block or attendance list that marks each
    elected member by party, without the word "ledamot"."""
    hits = [_hit("a", SIGNATURES, title="Rapport om kulturplanen")]
    (support,) = _supports("Vilka ledamöter, förutom ordföranden Anna Berg, lämnade rapporten om kulturplanen?", hits)
    # The signature block is one unit (assistant.units), so its answer names every member.
    assert support.supported and "Per Ek (M)" in support.best.unit.text and "Lena Holm (C)" in support.best.unit.text
    # A person named without a party is no member by that token.
    unmarked = [_hit("a", SIGNATURES.replace(" (M)", "").replace(" (C)", ""), title="Rapport om kulturplanen")]
    assert _supports("Vilka ledamöter, förutom ordföranden Anna Berg, lämnade rapporten om kulturplanen?", unmarked)[0].missing == "value"


FUTURE = "När ska regeringen lägga fram en proposition om kulturplanen?"


@pytest.mark.parametrize(("sentence", "supported"), [
    ("Regeringen beslutade den 7 juli 2022 att tillkalla en utredare om kulturplanen.", False),
    ("Regeringen lade fram en proposition om kulturplanen i september 2023.", False),
    ("Regeringen ska lägga fram en proposition om kulturplanen den 1 mars 2024.", True),
    ("Regeringen lägger fram en proposition om kulturplanen hösten 2023.", True),
])
def test_a_question_about_what_is_to_come_is_not_answered_by_an_earlier_step(sentence, supported):
    """Class: "När ska …?" over a document dated 2023-09: a sentence whose dates all lie up to that
    date and that names no future reports an earlier step; a future, or a bare year not before the
    document's, may be the step asked about."""
    hits = [_hit("a", sentence, title="Kulturplanen", published="2023-09-15")]
    assert _supports(FUTURE, hits)[0].supported is supported


@pytest.mark.parametrize(("sentence", "supported"), [
    ("Styrelsen gav den 19 september 2018 kansliet i uppdrag att utreda kulturplanen.", False),
    ("Under arbetet har två rapporter gjorts till styrelsen om kulturplanen i maj 2019.", False),
    ("Styrelsen ska besluta om kulturplanen den 1 mars 2024.", True),
    ("Styrelsen beslutar om kulturplanen den 1 mars 2024.", True),
])
def test_in_an_undated_document_a_step_told_as_done_is_no_step_to_come(sentence, supported):
    """Class: "När ska …?" over a document with no date of its own: a sentence in the preterite or
    the perfect reports an earlier step; the present or a future may be the step asked about."""
    hits = [_hit("a", sentence, title="Kulturplanen", published=None)]
    assert _supports("När ska styrelsen besluta om kulturplanen?", hits)[0].supported is supported


@pytest.mark.parametrize("question", [
    "När ska styrelsen besluta om kulturplanen?", "When is the board supposed to decide on the plan?",
    "When is the board due to decide on the plan?",
])
def test_a_question_about_what_is_to_come_is_read_as_such(question):
    assert _query(question).parts[0].asks_future


def test_a_question_about_the_past_takes_the_past_step():
    hits = [_hit("a", "Regeringen lade fram en proposition om kulturplanen i september 2023.", title="Kulturplanen",
                 published="2023-09-15")]
    assert _supports("När lade regeringen fram en proposition om kulturplanen?", hits)[0].supported


REFERENCE = "Vilket diarienummer har uppdraget till Kulturrådet om kulturplanerna?"


def test_a_registration_number_is_answered_by_the_line_that_states_one():
    """Class: "Vilket diarienummer …?", "What is the reference number …?": a line as short as
    "Diarienummer: Ku2010/961/KV" answers it; a sentence about the matter with no number does not."""
    text = "Uppdraget till Kulturrådet gäller arbetet med kulturplanerna.\n\nDiarienummer: Ku2010/961/KV"
    (support,) = _supports(REFERENCE, [_hit("a", text, title="Uppdrag till Kulturrådet om kulturplanerna")])
    assert support.supported and "Ku2010/961/KV" in support.best.unit.text
    plain = [_hit("a", "Uppdraget till Kulturrådet gäller arbetet med kulturplanerna.", title="Uppdrag till Kulturrådet")]
    assert _supports(REFERENCE, plain)[0].missing == "value"
    english = _supports("What is the reference number of the assignment to Kulturrådet?", [_hit("a", text, title="Uppdrag")])
    assert english[0].supported and "Ku2010/961/KV" in english[0].best.unit.text


def test_a_day_asked_within_a_named_month_must_lie_in_that_month():
    """Class: "Vilket datum i september 2023 …?": a day of another month answers another question."""
    other = [_hit("a", "Regeringen tog emot betänkandet om kulturplanen den 7 juli 2023.", title="Betänkandet", published="2023-09-01")]
    question = "Vilket datum i september 2023 tog regeringen emot betänkandet om kulturplanen?"
    assert _supports(question, other)[0].missing == "value"
    same = [_hit("a", "Regeringen tog emot betänkandet om kulturplanen den 28 september 2023.", title="Betänkandet", published="2023-09-01")]
    assert _supports(question, same)[0].supported
    assert _supports("Vilket datum tog regeringen emot betänkandet om kulturplanen?", other)[0].supported


COUNT = "Hur många aktörer deltog i dialogmötena?"


def test_a_count_is_answered_only_by_a_sentence_counting_the_asked_thing():
    places = "Dialogmötena hölls på 12 orter runt om i länet."
    (support,) = _supports(COUNT, [_hit("a", places, title="Dialog")])
    assert support.missing == "value"
    assert _answerer().answer(_query(COUNT), [_hit("a", places, title="Dialog")]).abstained
    hits = [_hit("a", f"{places} Över 300 aktörer deltog i dialogmötena.", title="Dialog")]
    (support,) = _supports(COUNT, hits)
    assert support.supported and support.best.unit.text == "Över 300 aktörer deltog i dialogmötena."
    answer = _answerer().answer(_query(COUNT), hits)
    assert not answer.abstained and "300 aktörer" in answer.answer


@pytest.mark.parametrize("sentence, counts", [
    ("Nämnden bjuder in till kulturpolitiska överläggningar vid fyra tillfällen.", False),
    ("Drygt 115 kulturpolitiker deltog i överläggningarna.", True),
    ("Fem politiker från nämnden deltog i överläggningarna.", True),
])
def test_a_count_counts_its_noun_or_a_compounds_head_not_a_word_beginning_alike(sentence, counts):
    """Class: "Hur många politiker …?" is answered by "115 kulturpolitiker" or "fem politiker",
    not by "fyra tillfällen" in a sentence about "kulturpolitiska överläggningar", whose word
    merely begins as "politiker" does."""
    (support,) = _supports("Hur många politiker deltog i överläggningarna?", [_hit("a", sentence, title="Överläggning")])
    assert support.supported is counts


@pytest.mark.parametrize("dated", [
    "Den 15 februari 2024 fattade nämnden beslut om remissversionen och remissvaren.",
    "Remissvaren på planen för 2025–2028 sammanställdes 2024-06-19 av förvaltningen.",
])
def test_a_count_is_not_answered_by_the_numbers_of_a_date(dated):
    """Class: "hur många X" with a sentence that names X and a day or year but counts nothing."""
    question = "Hur många remissvar kom in?"
    (support,) = _supports(question, [_hit("a", dated, title="Remiss")])
    assert support.missing == "value"
    (support,) = _supports(question, [_hit("a", f"{dated} Knappt 80 remissvar har skickats in.", title="Remiss")])
    assert support.supported and support.best.unit.text == "Knappt 80 remissvar har skickats in."


def test_a_count_is_not_answered_by_agenda_numbers_times_or_document_numbers():
    """Class: "hur många X" with a list whose only numbers number its items, a meeting's hours or
    a report's number ("Ds 2017:8")."""
    agenda = ("Tid: kl 09:00-12:00\n- Mötets öppnande\n- 24 Information om styrelsen\n"
              "- 25 Remiss av Ds 2017:8\n  - Nämndens ledamöter rapporterar från styrelser")
    question = "Hur många ledamöter har styrelsen?"
    (support,) = _supports(question, [_hit("a", agenda, title="Dagordning")])
    assert not support.supported
    (support,) = _supports(question, [_hit("a", "Styrelsen har nio ledamöter som utses av regeringen.", title="Styrelsen")])
    assert support.supported


@pytest.mark.parametrize("question", [
    "Hur många deltog i samrådet?", "hur många var med på samrådet?", "Hur många kom till samrådet?",
])
def test_how_many_took_part_counts_the_participants(question):
    """Class: "hur många deltog / kom / var med": a count of something else the passage names
    ("fem nationella minoriteter") is no answer; a count of those who came is."""
    invited = ("Region Skåne bjuder in Sveriges fem nationella minoriteter till ett öppet samråd. "
               "I anmälningsformuläret kan du ange om du behöver tolk.")
    (support,) = _supports(question, [_hit("a", invited, title="Öppet samråd")])
    assert support.missing == "value"
    for came in ("Till samrådet kom 40 deltagare från hela Skåne.", "Totalt deltog drygt 115 politiker och tjänstepersoner i samrådet."):
        (support,) = _supports(question, [_hit("a", f"{invited} {came}", title="Öppet samråd")])
        assert support.supported and support.best.unit.text == came, came


def test_how_many_came_in_is_no_count_of_participants():
    assert _query("Hur många kom in?").parts[0].counted_terms != _query("Hur många deltog?").parts[0].counted_terms


def test_how_many_of_them_counts_what_the_question_is_about():
    """Class: "hur många av dem/remissvaren …": the word after "hur många" is no counted thing."""
    hits = [_hit("a", "Knappt 80 remissvar har skickats in, 27 från kommuner, 40 från kulturverksamheter och 9 övriga.",
                 title="Remissvar")]
    question = "Hur många av remissvaren kom från kulturverksamheter?"
    assert _query(question).parts[0].counted_terms is None
    answer = _answerer().answer(_query(question), hits)
    assert not answer.abstained and "40 från kulturverksamheter" in answer.answer


# --- several parts ------------------------------------------------------------------------------

TWO_REGIONS = "Hur mycket statsbidrag fick Blekinge och Kronoberg?"


def test_a_partly_supported_question_is_answered_and_names_the_unsupported_part():
    hits = [_hit("a", "Region Blekinge fick 40 miljoner kronor i statsbidrag.", title="Statsbidrag"),
            _hit("b", "Kronoberg har en ny kulturplan för åren framöver.", title="Kultur")]
    blekinge, kronoberg = _supports(TWO_REGIONS, hits)
    assert blekinge.supported and kronoberg.missing == "value"
    answer = _answerer().answer(_query(TWO_REGIONS), hits)
    assert not answer.abstained
    assert "Region Blekinge fick 40 miljoner kronor i statsbidrag." in answer.answer
    body, _, gaps = answer.answer.partition(GAPS_SV)
    assert gaps, "the unsupported part is named"
    assert "”Hur mycket statsbidrag fick Kronoberg”" in gaps
    assert "Blekinge" not in gaps
    assert "40 miljoner" in body


def test_a_question_with_no_supported_part_abstains_naming_every_part():
    hits = [_hit("a", "Region Halland fick 40 miljoner kronor i statsbidrag.", title="Statsbidrag")]
    supports = _supports(TWO_REGIONS, hits)
    assert [s.missing for s in supports] == ["name", "name"]
    answer = _answerer().answer(_query(TWO_REGIONS), hits)
    assert answer.abstained and answer.answer.startswith(ABSTAIN_SV)
    assert GAPS_SV in answer.answer
    assert "”Hur mycket statsbidrag fick Blekinge”" in answer.answer
    assert "”Hur mycket statsbidrag fick Kronoberg”" in answer.answer
    assert "40 miljoner" not in answer.answer


def test_each_coordinated_name_keeps_its_own_answering_sentence():
    hits = [_hit("a", "Region Blekinge fick 40 miljoner kronor i statsbidrag.", title="Blekinge"),
            _hit("b", "Region Kronoberg fick 35 miljoner kronor i statsbidrag.", title="Kronoberg")]
    assert all(s.supported for s in _supports(TWO_REGIONS, hits))
    answer = _answerer().answer(_query(TWO_REGIONS), hits)
    assert "40 miljoner" in answer.answer and "35 miljoner" in answer.answer


def test_coordinated_asks_about_two_names_are_each_answered_by_their_own_document():
    hits = [_hit("a", "Region Skåne fick 120 miljoner kronor i statsbidrag.", title="Skåne"),
            _hit("b", "Region Halland fick 40 miljoner kronor i statsbidrag.", title="Halland")]
    supports = _supports("Hur mycket fick Skåne och hur mycket fick Halland?", hits)
    assert [s.missing for s in supports] == ["", ""]


# --- coverage -----------------------------------------------------------------------------------

PRINCIPLES = "Vilka principer styr fördelningen av statsbidrag till regional kulturverksamhet i länen?"
THIN = [_hit("a", "Kulturverksamhet finns i många former och uttryck.", title="Kultur")]


def test_a_sentence_covering_less_than_min_support_leaves_the_part_unsupported():
    (support,) = _supports(PRINCIPLES, THIN)
    assert support.missing == "coverage"
    assert support.best is not None and 0 < support.support < 0.2
    answer = _answerer().answer(_query(PRINCIPLES), THIN)
    assert answer.abstained and answer.answer.startswith(ABSTAIN_SV)
    # The threshold is what decides: below the sentence's coverage the same part is supported.
    (lenient,) = _supports(PRINCIPLES, THIN, EvidenceModel(ANALYZER, min_support=0.1))
    assert lenient.supported and lenient.support == support.support
    lenient_answer = ExtractiveAnswerer(ANALYZER, lambda terms: {t: 1.0 for t in terms}, min_support=0.1).answer(
        _query(PRINCIPLES), THIN)
    assert not lenient_answer.abstained


# --- order and meaning --------------------------------------------------------------------------

WHO = "Vem fördelar statsbidrag till kulturen?"
TWINS = "Regionen fördelar statsbidrag till teatern. Regionen fördelar statsbidrag till museet."


def test_candidates_with_equal_scores_keep_retrieval_and_position_order():
    model = EvidenceModel(ANALYZER, rank_decay=0.0)  # no rank prior: the two passages score alike
    query = _query(WHO)
    hits = [_hit("b", TWINS, title="Bidrag"), _hit("a", TWINS, title="Bidrag")]
    candidates = model.candidates(query, hits)
    assert len({round(c.score, 12) for c in candidates}) == 1
    assert [(c.hit.meta.doc_id, c.unit.position) for c in candidates] == [("b", 0), ("b", 1), ("a", 0), ("a", 1)]
    # Retrieval order, not document id, decides: reversed retrieval, reversed passages.
    reversed_order = model.candidates(query, hits[::-1])
    assert [(c.hit.meta.doc_id, c.unit.position) for c in reversed_order] == [("a", 0), ("a", 1), ("b", 0), ("b", 1)]
    # The same on a second run.
    assert [(c.hit.meta.doc_id, c.unit.position) for c in model.candidates(query, hits)] == [
        (c.hit.meta.doc_id, c.unit.position) for c in candidates]


def test_the_sentence_most_similar_in_meaning_leads_an_otherwise_equal_one():
    hits = [_hit("a", TWINS, title="Bidrag")]
    query = _query(WHO)
    model = _answerer().evidence
    plain = model.candidates(query, hits)
    assert plain[0].score == plain[1].score and plain[0].unit.position == 0
    similarities = {"a::0000": {0: 0.80, 1: 0.86}}
    ranked = model.candidates(query, hits, similarities)
    assert ranked[0].unit.text == "Regionen fördelar statsbidrag till museet."
    assert ranked[0].score > ranked[1].score
    (support,) = _supports(WHO, hits, similarities=similarities)
    assert support.best.unit.text == "Regionen fördelar statsbidrag till museet."
    # In the answer too: the two say the same, so only the one closer in meaning is quoted.
    assert "till teatern" in _answerer().answer(query, hits).answer
    answer = _answerer().answer(query, hits, similarities)
    assert "till museet" in answer.answer and "till teatern" not in answer.answer
    # And the other way round.
    flipped = _answerer().answer(query, hits, {"a::0000": {0: 0.86, 1: 0.80}})
    assert "till teatern" in flipped.answer and "till museet" not in flipped.answer


@pytest.mark.parametrize(("sentence", "year", "states"), [
    ("Beslutet innebär en höjning med 10,6 miljoner kronor jämfört med 2019.", "2019", False),
    ("Beslutet innebär en höjning med 10,6 miljoner kronor jämfört med 2019.", "2020", True),  # left to its labels
    ("Kulturnämndens regionbidrag blir 313,3 miljoner kronor för 2020.", "2019", False),
    ("Region Skåne får 198,7 miljoner kronor, en sänkning med 1 procent jämfört med 2018.", "2019", True),
    ("Teatern får 5 miljoner kronor per år under 2019–2022.", "2020", True),
    ("Bidraget var 12 miljoner kronor 2019, två miljoner mer än 2018.", "2019", True),
])
def test_a_year_named_only_as_a_comparison_is_not_the_year_of_the_value(sentence, year, states):
    assert states_value_of(sentence, {year}) is states


@pytest.mark.parametrize(("sentence", "other"), [
    ("Vi har drygt 302 miljoner kronor i regionbidrag för 2019.", True),
    ("Kommunbidraget till biblioteken var 4 miljoner kronor 2019.", True),
    ("Statsbidraget är 201,9 miljoner kronor och regionbidraget 313,3 miljoner.", False),  # names the asked one too
    ("Region Skåne får 198,7 miljoner kronor.", False),
    ("De statliga verksamhetsbidragen var 1,2 miljarder kronor.", False),  # no other level's compound
])
def test_another_levels_money_does_not_answer_for_the_state_grant(sentence, other):
    asked = ANALYZER.term_set("Hur stort var statsbidraget till Skåne 2019?")
    assert other_levels_money(asked, ANALYZER.term_set(sentence)) is other


def test_a_paragraph_is_labelled_by_the_heading_it_stands_under():
    """Class: "Vad ska en kulturplan innehålla enligt förordningens definition?": the heading
    "Definition" over "5 § Med regional kulturplan avses …" is in the window of each of its
    sentences, as a web page's section heading is, though the §'s section names only the §."""
    definition = _hit(
        "sfs", "5 § Med regional kulturplan avses en beskrivning av prioriteringarna.",
        title="Förordning", heading_path=("Definition",), paragraph="5 §",
    )
    query = _query("Vad ska en regional kulturplan innehålla enligt förordningens definition?")
    [candidate] = _answerer().evidence.candidates(query, [definition])
    assert ANALYZER.stem("definition") in candidate.window


class _ScriptedEvidence:
    """Each part's best sentence and support, with and without the shared sentence taken."""

    def __init__(self, shared, alone: dict[int, float], alternatives: dict[int, tuple[object, float]]):
        self.shared, self.alone, self.alternatives = shared, alone, alternatives

    def support(self, query, part, candidates, taken=frozenset()):
        from assistant.evidence import PartSupport
        i = query.parts.index(part)
        if id(self.shared) in taken:
            best, value = self.alternatives[i]
            return PartSupport(part, best, value, "")
        return PartSupport(part, self.shared, self.alone[i], "")


def test_a_sentence_two_parts_share_stays_with_the_part_that_loses_most_without_it():
    """Class: two asks one sentence serves ("Hur mycket fick Skåne 2018, och hur stort var
    regionbidraget samma år?"): the first ask's own sentence covers it far better than any other,
    the second ask has a fair sentence of its own, so the second moves, even though its
    alternative is the weaker one."""
    query = _query("Hur mycket fick Skåne i statsbidrag 2018, och hur stort var regionbidraget samma år?")
    assert len(query.parts) == 2
    shared, first_other, second_other = object(), object(), object()
    answerer = _answerer()
    answerer.evidence = _ScriptedEvidence(
        shared, alone={0: 0.9, 1: 0.5}, alternatives={0: (first_other, 0.5), 1: (second_other, 0.4)},
    )
    supports = answerer._supports(query, [])
    assert supports[0].best is shared and supports[1].best is second_other


def test_an_english_role_noun_asks_for_the_holder_of_the_swedish_role():
    """Class: "Who was the special investigator / the chair / the secretary …?" over Swedish
    documents: the answering sentence names the Swedish role ("särskild utredare"), so a line that
    only shares the question's years is no answer."""
    hits = [
        _hit("mall", "Mall för uppföljning 2022, mejlas till Kulturrådet senast 11 maj 2023, avseende 2022 års verksamhet."),
        _hit("sou", "Mats Svegfors förordnades den 11 juli 2022 som särskild utredare för översynen 2022–2023.", chunk=1),
    ]
    [support] = _supports("Who was the special investigator for the 2022–2023 review?", hits)
    assert support.best is not None and support.best.unit.text.startswith("Mats Svegfors")


# --- a person in a role, a guest, a prize's winner ----------------------------------------------


@pytest.mark.parametrize(("sentence", "supported"), [
    ("Kulturministern Anna Berg tog emot rapporten om kulturplanen.", True),
    # "kultur…" is no minister: a compound role keeps its first part.
    ("Kulturrådets handläggare Anna Berg tog emot rapporten om kulturplanen.", False),
])
def test_a_compound_role_is_named_only_by_that_compound(sentence, supported):
    """Class: "Vilken kulturminister …?", "Vem var kulturchef …?": a person named in another
    capacity that merely shares the compound's first part is no answer."""
    hits = [_hit("a", sentence, title="Rapport om kulturplanen")]
    assert _supports("Vilken kulturminister tog emot rapporten om kulturplanen?", hits)[0].supported is supported


@pytest.mark.parametrize(("question", "sentence", "supported"), [
    ("Vilka var de två internationella gästerna på kulturparlamentet?",
     "På kulturparlamentet möter vi två spännande internationella gäster.", False),
    ("Vilka var de två internationella gästerna på kulturparlamentet?",
     "Kulturparlamentets internationella gäster är Anna Berg och Per Ek.", True),
    ("Vem fick kulturpriset på kulturparlamentet?",
     "På kulturparlamentet delar vi ut kulturpriset och kulturpaletten.", False),
    ("Vem fick kulturpriset på kulturparlamentet?",
     "Kulturpriset på kulturparlamentet gick till Anna Berg.", True),
    ("Vilka forskare gjorde studien om kulturparlamentet?",
     "Forskare vid högskolan har gjort studien om kulturparlamentet.", False),
    ("Vilka experter ingick i utredningen om kulturparlamentet?",
     "Som experter i utredningen om kulturparlamentet förordnades Anna Berg och Per Ek.", True),
])
def test_a_guest_speaker_or_prize_winner_asked_for_must_be_named(question, sentence, supported):
    """Class: who a guest, a speaker, a researcher, an expert or a prize's winner was: a sentence
    telling that there are guests or researchers, or that the prize is handed out, names no one."""
    hits = [_hit("a", sentence, title="Kulturparlamentet")]
    assert _supports(question, hits)[0].supported is supported


def test_who_signed_needs_no_role_beside_the_signature():
    """Class: "Vilken kulturminister skrev under …?": a signature names the signer, not the role."""
    text = "Förordningen om kulturplanen träder i kraft den 1 januari 2015.\n\nPå regeringens vägnar\n\nANNA BERG"
    (support,) = _supports("Vilken kulturminister skrev under förordningen om kulturplanen?", [_hit("a", text, title="Förordning")])
    assert support.supported and "ANNA BERG" in support.best.unit.text


# --- a reason ------------------------------------------------------------------------------------

EXTENDED = "Kulturnämnden förlängde kulturplanen till och med 2020."


@pytest.mark.parametrize(("text", "supported"), [
    (EXTENDED, False),
    (f"{EXTENDED} Planen gäller för hela Skåne.", False),
    ("Kulturnämnden förlängde kulturplanen eftersom omställningen kräver tid för analys.", True),
    (f"{EXTENDED} Skälet är att omställningen kräver tid för analys.", True),
    ("Omställningen kräver tid för analys. Kulturnämnden förlängde därför kulturplanen.", True),
])
def test_a_why_question_is_answered_only_where_a_reason_is_told(text, supported):
    """Class: "Varför …?": the answering sentence, or the opening of the next, tells a cause, a
    purpose or a consequence; a sentence that only states the event is no answer."""
    (support,) = _supports("Varför förlängde kulturnämnden kulturplanen?", [_hit("a", text, title="Kulturplanen")])
    assert support.supported is supported
    if not supported:
        assert support.missing == "reason"


@pytest.mark.parametrize(("text", "supported"), [
    # What the event causes is no reason for it.
    ("Kulturnämnden förlängde kulturplanen och därför förmedlas medlen via Kulturrådet.", False),
    ("Omställningen kräver tid för analys och därför förlängde kulturnämnden kulturplanen.", True),
])
def test_a_consequence_tells_why_only_of_the_event_named_after_it(text, supported):
    """Class: "Varför …?" near a sentence telling a consequence ("X och därför Y"): it tells why
    Y happened, so it answers only when Y is the asked event."""
    (support,) = _supports("Varför förlängde kulturnämnden kulturplanen?", [_hit("a", text, title="Kulturplanen")])
    assert support.supported is supported


def test_a_why_question_without_a_reason_abstains_saying_so():
    hits = [_hit("a", f"{EXTENDED} Planen gäller för hela Skåne.", title="Kulturplanen")]
    answer = _answerer().answer(_query("Varför förlängde kulturnämnden kulturplanen?"), hits)
    assert answer.abstained and "underlagen anger inget skäl" in answer.answer.lower()
