"""Questions cut into parts (assistant.parts) on hand-made questions of each class, Swedish and
English: coordinated years and names, ranges, "respektive", coordinated asks, scene-setting
clauses, and the asking phrase that says what kind of answer is wanted."""

from __future__ import annotations

import pytest

from assistant.conversation import question_entities
from assistant.parts import Part, asking_clause, asking_phrase, split_parts
from tests.assistant.test_extractive import _query


def _parts(question: str) -> tuple[Part, ...]:
    return split_parts(question, tuple(question_entities(question)))


def _texts(question: str) -> list[str]:
    return [p.text for p in _parts(question)]


def test_coordinated_years_make_one_part_per_year_each_owning_its_year():
    question = "Hur mycket statsbidrag fick Region Skåne i modellen 2011, 2012 och 2013?"
    parts = _parts(question)
    assert [p.text for p in parts] == [
        "Hur mycket statsbidrag fick Region Skåne i modellen 2011?",
        "Hur mycket statsbidrag fick Region Skåne i modellen 2012?",
        "Hur mycket statsbidrag fick Region Skåne i modellen 2013?",
    ]
    # Each part owns its year and the name the whole clause asks about, never a sibling year,
    # not even as context.
    assert [p.own_entities for p in parts] == [("Skåne", "2011"), ("Skåne", "2012"), ("Skåne", "2013")]
    assert all(p.context_entities == () for p in parts)


def test_coordinated_years_reach_the_query_parts_as_index_terms():
    query = _query("Hur många regioner deltog i modellen 2011, 2012 och 2013?")
    assert [p.own_entity_terms for p in query.parts] == [(frozenset({y}),) for y in ("2011", "2012", "2013")]
    assert all(p.shape_kinds == ("count",) for p in query.parts)
    assert all(p.counted_terms == frozenset({"region"}) for p in query.parts)


@pytest.mark.parametrize("question, expected", [
    ("Hur förändrades anslaget från 2019 till 2020?", ["Hur förändrades anslaget 2019?", "Hur förändrades anslaget 2020?"]),
    ("Hur stort var anslaget mellan 2018 och 2019?", ["Hur stort var anslaget 2018?", "Hur stort var anslaget 2019?"]),
])
def test_a_range_is_two_parts_without_the_range_words(question, expected):
    parts = _parts(question)
    assert [p.text for p in parts] == expected
    assert [p.own_entities for p in parts] == [(expected[0][-5:-1],), (expected[1][-5:-1],)]


def test_respektive_with_a_restating_noun_keeps_the_noun_with_its_member():
    parts = _parts("Vilka utredningar låg bakom modellen 2010 respektive översynen 2023?")
    assert len(parts) == 2
    first, second = parts
    assert first.text == "Vilka utredningar låg bakom modellen 2010?" and first.own_entities == ("2010",)
    assert "översynen 2023?" in second.text and second.own_entities == ("2023",)
    assert "respektive" not in second.text and "2010" not in second.text
    assert "översynen" not in first.text


def test_the_restating_noun_replaces_the_first_members_noun():
    parts = _parts("Vilka utredningar låg bakom modellen 2010 respektive översynen 2023?")
    assert parts[1].text == "Vilka utredningar låg bakom översynen 2023?"


def test_a_name_restated_before_each_year_makes_one_part_per_year():
    """Class: a series or document name repeated before each member ("Kulturanalys 2012 respektive
    Kulturanalys 2013"): the repeated name restates the member, it does not break the coordination,
    and a capitalised restating word replaces the first member's as a lower-case one does."""
    parts = _parts("Vad kom myndigheten fram till i Kulturanalys 2012 respektive Kulturanalys 2013?")
    assert [p.text for p in parts] == [
        "Vad kom myndigheten fram till i Kulturanalys 2012?", "Vad kom myndigheten fram till i Kulturanalys 2013?",
    ]
    assert [p.own_entities for p in parts] == [("Kulturanalys", "2012"), ("Kulturanalys", "2013")]
    # A different name before the second year is no restatement: one region's year, another's.
    assert len(_parts("Hur mycket fick Blekinge 2019 och Kronoberg 2020?")) == 1


def test_coordinated_names_make_one_part_per_name():
    parts = _parts("Hur mycket fick Blekinge och Kronoberg i statsbidrag?")
    assert [p.text for p in parts] == ["Hur mycket fick Blekinge i statsbidrag?", "Hur mycket fick Kronoberg i statsbidrag?"]
    assert [p.own_entities for p in parts] == [("Blekinge",), ("Kronoberg",)]
    assert all(p.context_entities == () for p in parts)


def test_english_coordinated_years_make_one_part_per_year():
    parts = _parts("What did the government decide in 2011 and 2012?")
    assert [p.text for p in parts] == ["What did the government decide in 2011?", "What did the government decide in 2012?"]
    assert [p.own_entities for p in parts] == [("2011",), ("2012",)]


@pytest.mark.parametrize("question, expected", [
    ("Vem beslutar om kulturplanen och vad innehåller den?", ["Vem beslutar om kulturplanen", "vad innehåller den?"]),
    ("När infördes modellen och varför infördes den?", ["När infördes modellen", "varför infördes den?"]),
    ("When was the plan adopted and who adopted it?", ["When was the plan adopted", "who adopted it?"]),
])
def test_coordinated_asks_make_one_part_per_question_word(question, expected):
    assert _texts(question) == expected


def test_each_coordinated_ask_asks_for_its_own_kind_of_answer():
    query = _query("När infördes modellen och varför infördes den?")
    assert "date" in query.shape_kinds
    when, why = query.parts
    assert when.shape_kinds == ("date", "past_event") and when.required_shapes  # "infördes": a done event
    assert why.shape_kinds == ("reason",) and not why.required_shapes  # "varför" asks for a reason, no date


def test_a_comma_och_ungefar_clause_is_a_part_with_the_first_clauses_names_as_context():
    question = "Hur många dialogmöten hölls inför kulturplanen 2013–2015, och ungefär hur många aktörer deltog?"
    first, second = _parts(question)
    assert first.text == "Hur många dialogmöten hölls inför kulturplanen 2013–2015"
    assert first.own_entities == ("2013", "2015") and first.context_entities == ()
    assert second.text == "hur många aktörer deltog?"
    assert second.own_entities == () and second.context_entities == ("2013", "2015")
    # Each part counts its own thing: the meetings, then the participants.
    meetings, participants = (p.counted_terms for p in _query(question).parts)
    assert "dialogmöt" in meetings and "aktör" not in meetings
    assert participants == frozenset({"aktör"})


def test_english_comma_and_on_what_date_is_its_own_part_asking_for_a_day():
    query = _query("Who chairs the committee, and on what date did it first meet?")
    assert [p.text for p in query.parts] == ["Who chairs the committee", "what date did it first meet?"]
    assert "day" in query.parts[1].shape_kinds and "day" not in query.parts[0].shape_kinds


def test_var_meaning_was_does_not_open_a_clause():
    # "regioner och landsting var med": "var" is "was", the question is one ask.
    question = "Vilka regioner och landsting var med från början?"
    assert _texts(question) == [question]
    # After "och", "var" (where) does open a second ask.
    assert _texts("Vilka regioner deltog och var hölls mötena?") == ["Vilka regioner deltog", "var hölls mötena?"]


def test_a_scene_setting_clause_makes_its_names_context():
    question = "Hur mycket fick Region Skåne när modellen infördes 2011?"
    (part,) = _parts(question)
    assert part.text == question
    assert part.own_entities == ("Skåne",) and part.context_entities == ("2011",)
    (query_part,) = _query(question).parts
    assert query_part.own_entity_terms == (frozenset({"skån"}),)
    assert query_part.context_entity_terms == (frozenset({"2011"}),)
    # Without the scene-setting clause the year is the part's own.
    (plain,) = _parts("Hur mycket fick Region Skåne 2011?")
    assert plain.own_entities == ("Skåne", "2011") and plain.context_entities == ()


def test_an_english_scene_setting_clause_before_the_question_word_is_context():
    question = "After its first meeting on 18 April, when did the committee publish its report?"
    (part,) = _parts(question)
    assert part.text == question
    assert part.own_entities == () and part.context_entities == ("April",)
    start, end = asking_clause(question)
    assert question[start:end] == "when did the committee publish its report?"


def test_a_single_ask_question_is_one_part_equal_to_itself():
    question = "Vem beslutar om statsbidraget till Region Skåne?"
    assert _parts(question) == (Part(question, ("Skåne",)),)
    query = _query(question)
    (part,) = query.parts
    assert part.text == query.text and part.search_text == question
    assert part.answer_terms == query.answer_terms
    assert part.own_entity_terms == query.entity_terms and part.context_entity_terms == ()


def test_asking_phrase_ignores_a_subordinate_nar():
    question = "Vilket verksamhetsområde föreslogs försvinna som eget område när bild och form lades till?"
    assert "när" not in asking_phrase(question).split()
    assert asking_phrase(question).startswith("Vilket verksamhetsområde")
    query = _query(question)
    assert "date" not in query.shape_kinds and not query.required_shapes
    assert all("date" not in p.shape_kinds for p in query.parts)
    # The same "när" opening the question does ask for a date.
    assert "date" in _query("När lades bild och form till som verksamhetsområde?").shape_kinds


def test_asking_phrase_ignores_a_subordinate_nar_among_its_first_words():
    query = _query("Vilket verksamhetsområde tillkom när bild och form lades till?")
    assert "date" not in query.shape_kinds


def test_asking_clause_ends_at_a_subordinate_clause_and_is_whole_without_interrogative():
    question = "Hur mycket fick Region Skåne när modellen infördes 2011?"
    start, end = asking_clause(question)
    assert question[start:end].strip() == "Hur mycket fick Region Skåne"
    imperative = "Beskriv kultursamverkansmodellen."
    assert asking_clause(imperative) == (0, len(imperative))
    assert asking_phrase(imperative) == imperative


def test_a_negation_only_in_a_scene_setting_clause_does_not_negate_the_ask():
    assert _query("Vilka kommuner deltog inte i dialogen?").parts[0].negated
    assert not _query("Vilka kommuner deltog när planen inte var klar?").parts[0].negated
    assert not _query("Vilka kommuner deltog i dialogen?").parts[0].negated


def test_a_comparison_of_two_years_asks_about_each():
    """Class: "… 2018 jämfört med 2019?" wants both years' values, like "2018 respektive 2019"."""
    parts = _parts("Hur stort var regionbidraget till Skånes kulturnämnd 2018 jämfört med 2019?")
    assert [p.text for p in parts] == [
        "Hur stort var regionbidraget till Skånes kulturnämnd 2018?", "Hur stort var regionbidraget till Skånes kulturnämnd 2019?"
    ]


def test_a_comparison_of_two_periods_asks_about_each_whole_period():
    """Class: "… planen 2014–2017 jämfört med planen 2018–2021?" compares two periods; each
    period is one member owning both its years, never a part cut between a period's years."""
    parts = _parts("Vilka mål hade Region Halland i kulturplanen 2014–2017 jämfört med planen 2018-2021?")
    assert [p.text for p in parts] == [
        "Vilka mål hade Region Halland i kulturplanen 2014–2017?", "Vilka mål hade Region Halland i planen 2018-2021?"
    ]
    assert [p.own_entities for p in parts] == [("Halland", "2014", "2017"), ("Halland", "2018", "2021")]


def test_a_single_period_is_one_part_naming_both_years():
    parts = _parts("Vad gällde för Region Halland under planperioden 2014 – 2017?")
    assert len(parts) == 1 and set(parts[0].own_entities) >= {"2014", "2017"}


def test_an_elided_compound_is_one_name_not_two_asks():
    """"kultur- och fritidsnämnden när …" names one body; "och" there opens no new question."""
    assert len(_parts("Vem var ordförande i Region Blekinges kultur- och fritidsnämnd när nämnden sammanträdde?")) == 1
    assert len(_parts("Vem beslutade om planen och när beslutade de?")) == 2


def test_question_words_coordinated_before_one_clause_each_ask_it():
    """Class: "Var och när hölls …?", "Vem och när …?": the lone first question word is no part of
    its own (it would name nothing, so any passage would answer it) but asks the shared clause."""
    where, when = split_parts("Var och när hölls överläggningarna i Skåne våren 2023?", ("Skåne", "2023"))
    assert where.text.startswith("Var hölls överläggningarna") and when.text.startswith("när hölls överläggningarna")
    assert where.own_entities == when.own_entities == ("Skåne", "2023")


def test_a_comparison_with_a_described_occasion_asks_the_question_of_each_occasion():
    """Class: "Hur mycket … 2012 jämfört med beslutet då …?": the second member is no name or
    year but a described occasion, and is asked about as its own part."""
    question = "Hur mycket fördelade styrelsen till regional kulturverksamhet 2012 jämfört med beslutet då alla regioner fick höjda statsbidrag?"
    assert _texts(question) == [
        "Hur mycket fördelade styrelsen till regional kulturverksamhet 2012?",
        "Hur mycket beslutet då alla regioner fick höjda statsbidrag?",
    ]
    assert _parts(question)[0].own_entities == ("2012",)
    # Named members are coordinated as before; a short comparison stays one ask.
    assert _texts("Hur stort var regionbidraget 2018 jämfört med 2019?") == [
        "Hur stort var regionbidraget 2018?", "Hur stort var regionbidraget 2019?",
    ]
    assert _texts("Hur stor var ökningen jämfört med fjolåret?") == ["Hur stor var ökningen jämfört med fjolåret?"]
