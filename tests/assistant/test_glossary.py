"""English domain words get their Swedish equivalents, in any inflection."""

from assistant.glossary import swedish_equivalents, swedish_name


def test_plural_and_inflected_forms_match_their_entry():
    swedish = swedish_equivalents("Which laws and ordinances regulate the culture plans?").split()
    assert {"lag", "förordning", "kulturplan"} <= set(swedish)


def test_longest_entry_wins_over_its_words():
    # "cultural cooperation model" is one entry; "model" alone has none.
    assert swedish_equivalents("What is the cultural cooperation model?") == "kultursamverkansmodellen"
    assert "Statens kulturråd" in swedish_equivalents("How does the Swedish Arts Council decide?")


def test_entries_sharing_a_stem_pool_their_words():
    swedish = swedish_equivalents("Who evaluates the model?").split()
    assert {"utvärdera", "utvärdering"} <= set(swedish)


def test_no_domain_word_gives_nothing():
    assert swedish_equivalents("Where is the nearest bus stop?") == ""


def test_names_keep_their_exact_spelling():
    assert swedish_name("Sweden's") == "Sveriges"
    assert swedish_name("Scania") == "Skåne"


def test_statute_language_gets_the_swedish_phrases_a_law_uses():
    """Class: English questions on when a law applies and who signed it ("enter into force",
    "on behalf of the government"): the printed SFS says "träder i kraft", "På regeringens vägnar"."""
    swedish = swedish_equivalents("When did the act enter into force, and who signed it on behalf of the government?").split()
    assert {"träder", "kraft", "vägnar", "regeringen"} <= set(swedish)
    assert "kraft" in swedish_equivalents("When did the ordinances come into force?").split()


def test_the_models_administrative_words_get_their_swedish_equivalents():
    """Class: English questions naming the model's documents, steps and bodies ("survey",
    "network", "final report", "committee on cultural affairs", "county council")."""
    swedish = swedish_equivalents("When was the survey sent out, and when did the network meet about the final report?").split()
    assert {"enkät", "nätverk", "slutrapport"} <= set(swedish)
    assert "kulturutskottet" in swedish_equivalents("What did the Committee on Cultural Affairs propose?").split()
    assert "landsting" in swedish_equivalents("Which county councils joined?").split()
    # A word every body's text uses is not made a heavy Swedish term.
    assert "styrelse" not in swedish_equivalents("What did the board decide?").split()
