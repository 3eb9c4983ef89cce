"""What a sentence holding a kind of answer looks like (assistant.answer_types), on hand-made
sentences."""

from __future__ import annotations

import pytest

from assistant.answer_types import ANSWER_KINDS
from tests.assistant.test_extractive import ANALYZER, _query

WHEN = "När gav styrelsen kansliet uppdraget?"


@pytest.mark.parametrize("sentence, dated", [
    ("Slutrapport av styrelseuppdrag Sty 2018:4, Dnr Adm 2018/169", False),
    ("Regionen följer förordningen (2010:2012) om fördelning av statsbidrag.", False),
    ("Styrelsen gav den 19 september 2018 kansliet i uppdrag att göra en genomlysning.", True),
    ("Uppdraget gavs 2018 och redovisades året därpå.", True),
    ("Uppdraget gavs i oktober 2018.", True),
])
def test_a_year_inside_a_registration_or_statute_number_dates_nothing(sentence, dated):
    """Class: "När …?" answered by a line that only holds a registration number ("Sty 2018:4",
    "Adm 2018/169") or cites a statute ("(2010:2012)"): the year in the number dates nothing."""
    assert ANSWER_KINDS["date"].held_by(sentence, WHEN) is dated


@pytest.mark.parametrize("question", [
    "When did the board commission the review, and what was the assignment number?",
    "Vilket uppdragsnummer hade genomlysningen?",
    "What is the diary number of the decision?",
])
def test_a_registration_number_asked_by_any_of_its_names_is_a_reference_ask(question):
    assert "reference" in _query(question).parts[-1].shape_kinds


@pytest.mark.parametrize("question, verb", [
    ("Hur mycket ökade statsbidraget till Skåne från 2019 till 2020?", "ökade"),
    ("Hur mycket sänktes regionbidraget 2019?", "sänktes"),
    ("Hur mycket steg anslaget mellan 2018 och 2019?", "steg"),
])
def test_the_change_verb_after_how_much_asks_for_the_amount_and_is_no_evidence(question, verb):
    """Class: "Hur mycket ökade …?" asks how much a sum changed, as "Hur förändrades …?" does:
    the sentence stating a year's level ("… får 198,7 miljoner kronor, en sänkning …") need not
    say "ökade", so the verb is not a term the answer must cover."""
    part = _query(question).parts[0]
    assert "amount" in part.shape_kinds
    assert ANALYZER.stem(verb) not in part.answer_terms
