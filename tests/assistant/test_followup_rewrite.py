"""Follow-ups resolved into standalone questions without a language model (assistant.conversation).

Hand-made conversations of the class the resolver serves: a pronoun, a definite noun, "där" or
"då" pointing back, a bare continuation, a plural pronoun meaning the set asked for, two turns
back, English, and questions that stand alone and must be left as they are."""

from __future__ import annotations

import pytest

from assistant.conversation import is_follow_up, resolve_follow_up, standalone_question
from assistant.query_analysis import QueryAnalyzer
from ingest.analyzer import SwedishAnalyzer

ANALYZER = SwedishAnalyzer()
QUERIES = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms})


@pytest.mark.parametrize(
    ("history", "question", "standalone"),
    [
        # The pronoun is replaced by the previous question's noun phrase; the continuation goes.
        (["Vad är Regional kulturplan för Skåne 2025–2028?"], "Och när ska den börja gälla?",
         "När ska Regional kulturplan för Skåne 2025–2028 börja gälla?"),
        # After a preposition.
        (["Vilka fem utvecklingsområden har Region Skånes kulturplan för 2021–2024?"],
         "Och när beslutade kulturnämnden om den?",
         "När beslutade kulturnämnden om Region Skånes kulturplan för 2021–2024?"),
        (["Vad föreslog Ds 2017:8 om bild- och formområdet?"], "Fram till när kunde man yttra sig över den?",
         "Fram till när kunde man yttra sig över Ds 2017:8 om bild- och formområdet?"),
        # "där" takes the previous question's place, with its preposition.
        (["Vilka myndigheter ingår i Samverkansrådet?"], "Och vem är ordförande där?",
         "Vem är ordförande i Samverkansrådet?"),
        # A definite noun whose head is a compound in the previous question, in the genitive, and
        # "då" as the previous question's date.
        (["Vad stod på dagordningen när Region Skånes kulturnämnd sammanträdde den 5 februari 2016?"],
         "Vem var nämndens ordförande då?",
         "Vem var Region Skånes kulturnämnds ordförande den 5 februari 2016?"),
        # A plural pronoun after "vilka N" means the N asked for.
        (["Vilka mallar ska regionerna skicka till Kulturrådet?"], "Senast när skulle de vara inne?",
         "Senast när skulle mallarna vara inne?"),
        # "Hur många N" asks for a set as well.
        (["Hur många regioner fick extra tilldelning när Kulturrådet fördelade 1,24 miljarder kronor?"],
         "Varför fick just de extra?", "Varför fick just regionerna extra?"),
        # English.
        (["What is the regional culture plan for Skåne?"], "When was it adopted?",
         "When was the regional culture plan for Skåne adopted?"),
        (["Who decides on the state grant to the regions?"], "And how large is it?",
         "How large is the state grant to the regions?"),
        (["Which regions received extra funding in 2019?"], "Why did they get more?",
         "Why did the regions get more?"),
    ],
)
def test_a_pointing_back_word_is_replaced_by_its_antecedent(history, question, standalone) -> None:
    assert resolve_follow_up(question, history, content_terms=2) == standalone


def test_a_definite_noun_with_no_compound_to_match_names_the_topic_at_the_end() -> None:
    resolved = resolve_follow_up("Vem fattar beslutet?", ["Hur fördelas statsbidraget till regionerna?"])
    assert "statsbidraget till regionerna" in resolved and resolved.startswith("Vem fattar beslutet")


def test_a_bare_continuation_two_turns_back_gets_the_first_turns_topic() -> None:
    history = ["Vad är Regional kulturplan för Skåne 2025–2028?", "Vem beslutade om den i juni 2024?"]
    resolved = resolve_follow_up("Och när ska regionfullmäktige ta beslut?", history)
    # The second turn pointed back itself: its resolution carries the plan, not "juni 2024".
    assert resolved == "När ska regionfullmäktige ta beslut gällande Regional kulturplan för Skåne 2025–2028?"


def test_a_pronoun_two_turns_back_resolves_through_the_middle_turn() -> None:
    history = ["Hur tas Skånes kulturplan fram?", "Och vem beslutar om den?"]
    assert resolve_follow_up("När antogs den?", history, content_terms=1) == "När antogs Skånes kulturplan?"


def test_a_standalone_question_is_left_unchanged() -> None:
    history = ["Hur tas Skånes regionala kulturplan fram?"]
    question = "Vem beslutar om statsbidraget till regionerna enligt förordningen (2010:2012)?"
    assert resolve_follow_up(question, history, content_terms=5) == question
    assert standalone_question(question, history, content_terms=5) is None
    assert resolve_follow_up(question, []) == question


def test_no_confident_antecedent_keeps_the_previous_turn_before_the_question() -> None:
    # Subject and object both follow the verb: which one "det" means cannot be told.
    previous = "När fördelade Region Skånes kulturnämnd den statliga kulturkofferten för första gången?"
    question = "Varför dröjde det till mars?"
    assert standalone_question(question, [previous], content_terms=2) is None
    assert resolve_follow_up(question, [previous], content_terms=2) == f"{previous} {question}"


def test_the_query_carries_the_resolved_question_and_searches_it_after_the_previous_turn() -> None:
    history = ["Vad är Regional kulturplan för Skåne 2025–2028?"]
    query = QUERIES.analyze("Och när ska den börja gälla?", history)
    assert query.follow_up
    assert query.resolved_text == "När ska Regional kulturplan för Skåne 2025–2028 börja gälla?"
    assert query.search_text == f"{history[0]} {query.resolved_text}"
    standalone = QUERIES.analyze("Vem beslutar om statsbidraget till regionerna?", history)
    assert standalone.resolved_text == standalone.text == standalone.search_text


def test_an_unresolved_follow_up_searches_exactly_as_before() -> None:
    previous = "När fördelade Region Skånes kulturnämnd den statliga kulturkofferten för första gången?"
    query = QUERIES.analyze("Varför dröjde det till mars?", [previous])
    assert query.follow_up and query.search_text == query.resolved_text == f"{previous} Varför dröjde det till mars?"


def test_a_rewriter_is_asked_first_and_none_from_it_means_the_resolver_decides() -> None:
    history = ["Vad är Regional kulturplan för Skåne 2025–2028?"]
    asked: list[tuple[str, tuple[str, ...]]] = []

    def rewriter(question: str, turns: tuple[str, ...]) -> str | None:
        asked.append((question, turns))
        return None

    query = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms}, rewriter=rewriter).analyze(
        "Och när ska den börja gälla?", history)
    assert asked == [("Och när ska den börja gälla?", tuple(history))]
    assert query.resolved_text == "När ska Regional kulturplan för Skåne 2025–2028 börja gälla?"
    # A question that stands alone never costs a model call.
    QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms}, rewriter=rewriter).analyze(
        "Vem beslutar om statsbidraget till regionerna?", history)
    assert len(asked) == 1


def test_a_definite_noun_or_the_pronoun_de_marks_a_follow_up_but_a_determiner_does_not() -> None:
    # Long enough to stand alone by length; "planen" and "de" still point back.
    assert is_follow_up("Hur lång period gällde planen?", content_terms=3)
    assert is_follow_up("Varför fick just de extra?", content_terms=3)
    assert not is_follow_up("Hur fördelas pengarna till de regionala institutionerna?", content_terms=4)
    # A question that names its own subject is not pointing back with "planen".
    assert not is_follow_up("Hur lång period gällde planen för Region Skåne?", content_terms=4)
