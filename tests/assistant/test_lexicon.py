"""General Swedish and English word frequencies decide language, names and rare words."""

from __future__ import annotations

import pytest

from assistant.lexicon import general_idf, is_common_english, is_english, is_rare_english, is_rare_swedish, standard_spelling


@pytest.mark.parametrize(("question", "english"), [
    ("After its first meeting on 18 April, when was the Kultursamverkansnätverk due to meet again?", True),
    ("Which strategy does Region Skåne link its dialogue with the municipalities to?", True),
    ("What are the principles of Region Skåne's culture plan?", True),
    ("Vad är Region Skånes kulturplan?", False),
    ("hur många år brukar en kulturplan i skåne gälla, e det 4?", False),
    ("Och när ska den börja gälla?", False),
    ("Kulturrådet 2019?", False),
])
def test_language_follows_the_words_not_the_names(question, english):
    assert is_english(question) is english


@pytest.mark.parametrize(("word", "ordinary"), [
    ("Committee", True), ("Affairs", True), ("Swedish", True),
    ("Skåne", False), ("Riksdag", False), ("Kulturrådet", False), ("Stockholm", False), ("SEK", False),
])
def test_ordinary_english_words_are_told_from_names(word, ordinary):
    assert is_common_english(word) is ordinary


def test_rare_words_in_general_language():
    assert is_rare_swedish("parkeringsregler") and not is_rare_swedish("ersattes")
    assert is_rare_english("kulturaftaler") and not is_rare_english("agreements")


def test_an_uncommon_inflection_of_an_ordinary_word_is_not_rare():
    """Class: everyday verbs in a less frequent form ("utgjordes", "skötts": each under 3.0 on
    its own) belong to a common family ("utgjorde", "sköttes"); a rare topic word stays rare."""
    assert not is_rare_swedish("utgjordes") and not is_rare_swedish("skötts")
    assert is_rare_swedish("parkeringsregler") and is_rare_swedish("kulturkoffertn")


@pytest.mark.parametrize(("chat", "written"), [
    ("hur mkt fick skåne 2019", "hur mycket fick skåne 2019"),
    ("vilka 5 regioner va först me i modellen?", "vilka 5 regioner var först med i modellen?"),
    ("när delade de ut den första ggn", "när delade de ut den första gången"),
    ("Reserverade sig M och S?", "Reserverade sig M och S?"),  # parties, in capitals, stay
    ("Bilaga E och e-tjänsten", "Bilaga E och e-tjänsten"),
])
def test_chat_spellings_are_written_out(chat, written):
    assert standard_spelling(chat) == written


@pytest.mark.parametrize(("asked", "written"), [
    ("vilka e utvecklingsområdena i skånes kulturplan 21-24", "vilka är utvecklingsområdena i skånes kulturplan 2021-2024"),
    ("varför förlängdes planen för 16–19?", "varför förlängdes planen för 2016–2019?"),
    ("vad hände under perioden 13-15", "vad hände under perioden 2013-2015"),
    ("vad står i § 21-24", "vad står i § 21-24"),  # paragraphs, not years
    ("mötet kl 13-16", "mötet kl 13-16"),  # a time
    ("kulturplanen 2021-2024", "kulturplanen 2021-2024"),
    ("planen 24-21", "planen 24-21"),  # no span of years
])
def test_a_plans_short_years_are_written_in_full(asked, written):
    assert standard_spelling(asked) == written


def test_general_idf_is_low_for_everyday_words_and_high_for_topic_words():
    everyday = [general_idf(w) for w in ("ändå", "mest", "över", "fram", "fick")]
    topical = [general_idf(w) for w in ("proposition", "obligatoriska", "remissvaren", "kulturområden")]
    assert max(everyday) < 3.0 < min(topical)
    assert general_idf("ordetsomintefinnsnågonstans") == float("inf")
