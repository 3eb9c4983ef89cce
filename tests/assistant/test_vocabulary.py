"""Unknown-word detection against a tiny hand-made vocabulary."""

from __future__ import annotations

from assistant.vocabulary import Vocabulary
from ingest.analyzer import SwedishAnalyzer

ANALYZER = SwedishAnalyzer()


def vocabulary_of(words: str) -> Vocabulary:
    """A vocabulary whose index holds the stems of `words`, as the analyzer writes them."""
    terms = {ANALYZER.stem(w) for w in words.split()}
    return Vocabulary(
        has_term=terms.__contains__,
        has_prefix=lambda prefix: any(t.startswith(prefix) for t in terms),
        stem=ANALYZER.stem,
    )


def _vocabulary() -> Vocabulary:
    return vocabulary_of("kultur organisationer regler godkänt statsbidrag kommunerna")


def test_a_word_no_document_uses_is_unknown():
    assert _vocabulary().unknown_words("Vilka parkeringsregler gäller här?") == ["parkeringsregler"]


def test_inflections_of_indexed_words_are_known():
    assert _vocabulary().unknown_words("När godkände kommunerna statsbidragen?") == []


def test_compounds_of_two_indexed_words_are_known():
    assert _vocabulary().unknown_words("Får kulturorganisationer söka?") == []


def test_a_retrieved_title_explains_a_word():
    question = "Vad säger tillgänglighetsdirektivet om kulturen?"
    assert _vocabulary().unknown_words(question) == ["tillgänglighetsdirektivet"]
    assert _vocabulary().unknown_words(question, ["Tillgänglighetsdirektivet och kulturen"]) == []


def test_ordinary_swedish_the_documents_lack_is_not_unknown():
    """Common words in general Swedish (wordfreq) never make a question unanswerable."""
    vocabulary = vocabulary_of("kultur kulturplan")
    assert vocabulary.unknown_words("Vilket program ersattes av kulturplanen?") == []
    assert vocabulary.unknown_words("Vilka områden är obligatoriska enligt lagen?") == []
    assert vocabulary.unknown_words("Vilka fiskekvoter gäller?") == ["fiskekvoter"]


def test_a_compound_whose_head_is_inflected_as_no_document_writes_it_is_known():
    assert vocabulary_of("remiss dokument").unknown_words("Vad står i remissdokumentet?") == []


def test_names_and_short_words_are_left_to_other_checks():
    assert _vocabulary().unknown_words("Hur gör Helsingborgsregionen med moms?") == []


def test_sentence_adverbs_are_not_what_a_question_is_about():
    assert _vocabulary().unknown_words("Finns det överhuvudtaget kommunerna, naturligtvis?") == []


def test_a_verb_form_is_explained_by_a_noun_sharing_its_root():
    assert vocabulary_of("kritik").unknown_words("Vad kritiserade Statskontoret?") == []
