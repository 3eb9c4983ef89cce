"""A question is analysed once, into a `Query` that every later stage reads."""

from __future__ import annotations

import pytest

from assistant.answer_types import ANSWER_KINDS
from assistant.query_analysis import QueryAnalyzer
from ingest.analyzer import SwedishAnalyzer

ANALYZER = SwedishAnalyzer()
QUERIES = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms})


def test_names_years_and_regulation_numbers_are_entities():
    query = QUERIES.analyze("Hur mycket fick Region Skåne enligt förordningen (2010:2012) år 2019?")
    assert query.entities == ("Skåne", "2010:2012", "2019")
    assert query.regulation_refs == ("2010:2012",)
    assert all(query.entity_terms)


def test_answer_kinds_are_read_from_the_question():
    assert QUERIES.analyze("När antogs planen?").chronological
    amount = QUERIES.analyze("Hur många anställda har Kulturrådet?")
    assert amount.counted_terms == ANALYZER.term_set("anställda") and amount.required_shapes
    assert QUERIES.analyze("Vilka forum finns?").wants_list
    assert QUERIES.analyze("Vad är kultursamverkansmodellen?").wants_definition
    assert not QUERIES.analyze("Vad är kultursamverkansmodellen?").required_shapes


def test_a_follow_up_searches_with_the_previous_turn_and_borrows_its_terms():
    history = ["Hur tas Skånes regionala kulturplan fram?"]
    query = QUERIES.analyze("Och när beslutade kulturnämnden om den?", history)
    assert query.follow_up and query.search_text.startswith(history[0])
    assert ANALYZER.stem("kulturplan") in query.answer_terms  # borrowed, at half weight
    standalone = QUERIES.analyze("Vem beslutar om statsbidraget till regionerna?", history)
    assert not standalone.follow_up and standalone.search_text == standalone.text


def test_an_english_question_searches_with_swedish_domain_words():
    query = QUERIES.analyze("Who decides on the state grant to the regions?")
    assert query.english and "statsbidrag" in query.search_text
    assert ANALYZER.stem("statsbidrag") in query.answer_terms


def test_title_case_words_of_an_english_name_are_not_entities_but_lone_names_are():
    chaired = QUERIES.analyze("Who chaired the Riksdag Committee on Cultural Affairs' evaluation group?")
    assert chaired.entities == ("Riksdag",)
    assert QUERIES.analyze("Who signed the original Act (2010:1919)?").entities == ("2010:1919",)
    assert QUERIES.analyze("How do the Danish regional culture agreements work?").entities == ("Danish",)
    assert QUERIES.analyze("According to Kulturanalys 2013, can effects be assessed?").entities == ("Kulturanalys", "2013")


def test_a_paragraph_reference_is_named_only_by_itself():
    query = QUERIES.analyze("Vad säger 6 § i förordningen?")
    assert query.entities == ("6 §",)
    assert query.entity_terms == (frozenset({"6§"}),)


def test_a_minutes_item_number_is_an_entity_spelled_by_its_number():
    query = QUERIES.analyze("Vad beslutade nämnden i § 122?")
    assert "§ 122" in query.entities and frozenset({"122"}) in query.entity_terms


def test_a_named_day_and_month_are_each_a_date_entity_and_a_year_alone_is_not():
    query = QUERIES.analyze("Vad stod på dagordningen den 24 oktober 2014?")
    assert query.date_entity_terms == (frozenset({"24"}), ANALYZER.term_set("oktober"))
    assert QUERIES.analyze("Vad hände i november?").date_entity_terms == (ANALYZER.term_set("november"),)
    assert QUERIES.analyze("Vad hände 2014?").date_entity_terms == ()


def test_a_cost_question_wants_an_amount():
    assert QUERIES.analyze("Vad kostade seminariet?").shape_kinds == ("amount",)
    assert QUERIES.analyze("Vad kostar ett årskort på operan?").shape_kinds == ("amount",)


@pytest.mark.parametrize(("question", "amount"), [
    ("Hur förändrades Region Skånes statsbidrag från 2019 till 2020?", True),
    ("Hur ökade regionbidraget mellan 2018 och 2019?", True),
    ("Hur har kulturnämndens anslag förändrats sedan 2018?", True),
    ("Hur förändrades målen i kulturplanen?", False),  # not a sum of money
    ("Hur har samverkan med kommunerna utvecklats?", False),
])
def test_how_a_sum_changed_wants_its_amounts(question, amount):
    """Class: how a sum of money changed between years or plans: the answer is the sums (or the
    change in kronor); the change verb is no evidence word ("ökning", "sänkning" answer it)."""
    query = QUERIES.analyze(question)
    assert ("amount" in query.shape_kinds) is amount
    if amount and "förändrades" in question:
        assert not any(term.startswith("förändr") for term in query.answer_terms)


def test_how_long_wants_a_time_span_not_only_a_date():
    """Class: "Hur länge gäller planen?" answered by a span ("i fyra år"), an end ("till och med
    2020") or bounding dates, none of which needs a year."""
    assert QUERIES.analyze("Hur länge gäller kulturplanen?").shape_kinds == ("duration",)
    assert QUERIES.analyze("How long does the plan apply?").shape_kinds == ("duration",)
    duration = ANSWER_KINDS["duration"]
    for sentence in ("Kulturplanen gäller i fyra år.", "Remissen pågick i tre månader.",
                     "Planen gäller till och med 2020.", "Remissen pågick från den 3 till den 28 mars."):
        assert duration.held_by(sentence, "Hur länge gäller den?"), sentence
    assert not duration.held_by("Kulturplanen är ett viktigt verktyg för regionen.", "Hur länge gäller den?")


@pytest.mark.parametrize(("kind", "sentence", "holds"), [
    # Amounts in words and in the singular ("en miljon", "1 miljard"), and in English.
    ("amount", "Skåne får en miljon kronor extra.", True),
    ("amount", "Bidraget är tjugo miljoner kronor.", True),
    ("amount", "Totalt fördelas 1 miljard kronor.", True),
    ("amount", "Region Skåne receives SEK 200 million.", True),
    ("amount", "Totalt fördelades 1,24 mdkr.", True),
    ("amount", "Anslaget är 5 milj. kr.", True),
    ("amount", "Fem regioner svarade på remissen.", False),
    ("amount", "En procent av byggkostnaden avsätts för konst.", False),  # a share of a cost, not money
    # Abbreviated months in minutes and tables.
    ("day", "Nämnden sammanträdde den 3 apr. 2019.", True),
    ("day", "Mötet hölls 12 sept i Malmö.", True),
    ("day", "Det var 12 av de 20 regionerna.", False),
    # Approximate counts ("ett fyrtiotal"), not "ett antal".
    ("count", "Ett fyrtiotal aktörer deltog.", True),
    ("count", "Hundratals kulturaktörer deltog.", True),
    ("count", "Ett antal aktörer deltog.", False),
])
def test_a_value_is_held_in_the_forms_swedish_writes_it(kind, sentence, holds):
    assert ANSWER_KINDS[kind].held_by(sentence, "Hur mycket och hur många?") is holds


def test_which_date_wants_a_day_and_how_many_wants_a_count_not_money():
    # "fattade": the date of a done event, which a plan does not answer (the past_event condition)
    assert QUERIES.analyze("Vilket datum fattade styrelsen beslut?").shape_kinds == ("day", "past_event")
    assert QUERIES.analyze("När fattade styrelsen beslut?").shape_kinds == ("date", "past_event")
    assert QUERIES.analyze("Hur många delstudier finns?").shape_kinds == ("count",)
    assert QUERIES.analyze("Hur mycket fick Skåne?").shape_kinds == ("amount",)


def test_a_compound_of_a_document_name_is_also_named_by_that_name():
    """Class: a question naming "Almedalsseminariet" where the documents write "seminarium i
    Almedalen": the compound's first part is a name the documents use, so it names the compound;
    an ordinary first part does not."""
    names = frozenset({ANALYZER.stem("almedalen")})
    analyzer = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms}, names=lambda: names)
    (group,) = analyzer.analyze("Vem modererade Almedalsseminariet?").entity_terms
    assert ANALYZER.stem("almedalen") in group
    (plain,) = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms}).analyze("Vem modererade Almedalsseminariet?").entity_terms
    assert ANALYZER.stem("almedalen") not in plain
    (seminar,) = analyzer.analyze("Vem modererade Kulturseminariet?").entity_terms
    assert seminar == {ANALYZER.stem("kulturseminariet")}


def test_an_english_name_of_a_swedish_place_is_spelled_the_swedish_way():
    query = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms}).analyze(
        "When was the consultation with Sweden's national minorities held?"
    )
    assert query.english and ANALYZER.stem("sveriges") in set().union(*query.entity_terms)


def test_words_that_only_ask_for_a_kind_of_answer_are_not_evidence():
    query = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms}).analyze("Hur stort var statsbidraget 2019 och vilket år infördes modellen?")
    assert ANALYZER.stem("stort") not in query.answer_terms and ANALYZER.stem("år") not in query.answer_terms
    assert ANALYZER.stem("statsbidraget") in query.answer_terms
    costs = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms}).analyze("Vad kostade projektet i kronor?")
    assert ANALYZER.stem("kronor") in costs.answer_terms  # a content word an amount question asks by stays


def test_a_share_question_wants_a_share_not_a_sum_but_a_part_of_a_sum_may_be_either():
    """Class: "Hur stor andel …?" is answered by "18 av de 22" or "12 procent", never by a sum in
    kronor; "Hur stor del av de 22 miljonerna …?" may be answered by either."""
    assert QUERIES.analyze("Hur stor andel av bidragen gick till hemslöjd?").shape_kinds == ("share",)
    assert set(QUERIES.analyze("Hur stor del av de 22 miljonerna gick till Skåne?").shape_kinds) == {"amount", "share"}


def test_an_everyday_word_the_corpus_lacks_does_not_outweigh_the_topic():
    """Class: questions carrying ordinary Swedish words ("fick", "pengar", "ändå") that a few
    hundred passages happen not to use. With every term unseen in the corpus (the highest idf),
    the everyday words are capped at their general-language idf."""
    unseen = QueryAnalyzer(ANALYZER, lambda terms: {t: 6.2 for t in terms})
    weights = unseen.analyze("Vilka kulturområden fick ändå mest obligatoriska bidrag?").answer_terms
    assert weights[ANALYZER.stem("ändå")] < 3.0 and weights[ANALYZER.stem("fick")] < 3.0
    assert weights[ANALYZER.stem("obligatoriska")] == 6.2


def test_a_part_borrows_the_earlier_clauses_terms_but_not_the_later_ones():
    """Class: coordinated asks. The later clause ("hur mycket av det …") points back, so it borrows
    the first clause's terms; the first clause borrows nothing only the later one names."""
    first, second = QUERIES.analyze("Hur stor är nämndens budget 2021 och hur mycket av det är regionbidrag?").parts
    assert ANALYZER.stem("regionbidrag") not in first.answer_terms
    assert ANALYZER.stem("budget") in second.answer_terms and ANALYZER.stem("regionbidrag") in second.answer_terms


@pytest.mark.parametrize(("question", "history", "searches_formula"), [
    ("Vilka skrev under lagen (2010:1919)?", [], True),
    ("Which ministers signed the ordinance?", [], True),
    ("Och vilka undertecknade den?", ["Vilken lag ger regionerna rätt att fördela statsbidrag?"], True),
    # A signed text that is no statute, and a statute question that asks no signatory.
    ("Vem skrev under avsiktsförklaringen?", [], False),
    ("När utfärdades lagen (2010:1919)?", [], False),
])
def test_a_question_for_a_statutes_signatories_also_searches_for_the_signature_formula(question, history, searches_formula):
    """Class: who signed a law or an ordinance; the signature lines stand under "På regeringens
    vägnar", a phrase the question never uses, so retrieval must search for it."""
    query = QUERIES.analyze(question, history)
    assert ("regeringens vägnar" in query.search_text) is searches_formula


def test_what_an_exception_sets_aside_is_no_entity_the_answer_must_name():
    """Class: "Vilka …, förutom X, …?" asks for the others; X is set aside, not asked about."""
    query = QUERIES.analyze("Vilka ledamöter satt, förutom ordföranden Björn Wiechel, i gruppen 2015?")
    named = {t for g in query.entity_terms for t in g}
    assert "2015" in named and not named & {"björn", "wiechel"}
    assert not query.parts[0].negated
    assert QUERIES.analyze("Vilka ledamöter satt inte i gruppen 2015?").parts[0].negated
    # Nor is the role it sets aside asked for: the members, not the chair.
    assert query.parts[0].role_roots == frozenset({"ledam"})


def test_a_repeated_question_word_takes_the_earlier_asks_kind_and_role():
    """Class: "Vem var ordförande 2016, och vem hade uppdraget 2023?": the later ask points back
    to the earlier one's role; a different question word asks its own thing."""
    query = QUERIES.analyze("Vem var ordförande i kulturnämnden 2016, och vem hade uppdraget 2023?")
    first, second = query.parts
    assert "person" in first.shape_kinds and first.role_roots
    assert second.shape_kinds == first.shape_kinds and second.role_roots == first.role_roots
    other = QUERIES.analyze("Vem var ordförande i kulturnämnden 2016, och när antogs kulturplanen?").parts[1]
    assert not other.role_roots and "person" not in other.shape_kinds


def test_an_english_question_keeps_the_swedish_terms_it_quotes_when_the_index_holds_them():
    """Class: "What is the annual arvode of the kulturberedning's chair?": Swedish terms quoted in
    an English question are evidence; English words the index lacks are not."""
    indexed = {ANALYZER.stem("kulturberedning"), ANALYZER.stem("arvode")}
    queries = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 if t in indexed else 9.0 for t in terms})
    query = queries.analyze("What is the annual arvode paid to the chair of the kulturberedning?")
    assert query.english and indexed <= set(query.answer_terms)
    assert ANALYZER.stem("annual") not in query.answer_terms and ANALYZER.stem("paid") not in query.answer_terms


@pytest.mark.parametrize(("question", "negated"), [
    ("Varför behövs ett eget forum för vuxenkultur, har inte kommunerna redan koll på det?", False),
    ("Är det inte Kulturrådet som beslutar om bidragen?", False),
    ("Vilka kommuner deltog inte i dialogmötena?", True),
    ("Vem har inte lämnat remissvar på kulturplanen?", True),
])
def test_a_negative_polar_question_voices_an_expectation_and_asks_no_negation(question, negated):
    """Class: "…, har inte kommunerna redan …?" expects a yes; "Vilka … inte …?" asks for what did not happen."""
    assert QUERIES.analyze(question).parts[-1].negated is negated


def test_a_count_of_a_genitive_counts_its_noun():
    """Class: "Hur många års arbete …?", "hur många dagars remisstid …?": "fem år" answers it."""
    assert ANALYZER.stem("år") in QUERIES.analyze("Hur många års arbete granskade gruppen?").counted_terms
    assert ANALYZER.stem("dagar") in QUERIES.analyze("Hur många dagars remisstid gavs kommunerna?").counted_terms
    assert QUERIES.analyze("Hur många kommuner lämnade remissvar?").counted_terms == ANALYZER.term_set("kommuner")
