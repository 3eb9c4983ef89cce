"""The Swedish analyzer: stemming, stop words, legal references and compound expansion."""

from __future__ import annotations

import threading

from ingest.analyzer import STOP_WORDS, SwedishAnalyzer


def test_inflections_share_a_stem():
    a = SwedishAnalyzer(decompound=False)
    assert a.terms("kulturplanen") == a.terms("kulturplaner") == a.terms("kulturplan")
    assert a.terms("regionerna") == a.terms("regionen")


def test_neuter_plural_definite_shares_the_stem_of_its_other_forms():
    """Class: neuter nouns ending in a vowel ("område", "yttrande", "sammanträde"), whose plural
    definite "-ena" Snowball leaves with its "-en": "utvecklingsområdena" in a question must
    find "utvecklingsområden" in a plan."""
    a = SwedishAnalyzer(decompound=False)
    for forms in (("utvecklingsområde", "utvecklingsområden", "utvecklingsområdena"),
                  ("yttrande", "yttranden", "yttrandena"), ("sammanträde", "sammanträden", "sammanträdena")):
        assert len({a.stem(f) for f in forms}) == 1, forms
    assert a.stem("förena") != a.stem("före")  # a short verb, not a plural


def test_stop_words_dropped_domain_words_kept():
    a = SwedishAnalyzer(decompound=False)
    terms = a.terms("Det är regionen som har ansvar för att fördela bidrag till kulturen och i länet")
    for stop in ("det", "är", "som", "har", "för", "att", "till", "och", "i"):
        assert stop not in terms
    assert {"region", "ansv", "bidrag", "kultur", "fördel"} <= set(terms)
    assert not {"kultur", "region", "bidrag", "konst", "plan"} & STOP_WORDS


def test_sfs_number_kept_whole_and_in_parts():
    terms = SwedishAnalyzer().terms("enligt förordning (2010:2012) om fördelning")
    assert "2010:2012" in terms
    assert "2010" in terms and "2012" in terms


def test_paragraph_references():
    terms = SwedishAnalyzer().terms("Av 8 § och 4 a § samt 12§ framgår")
    assert {"8§", "4a§", "12§", "8", "4", "12"} <= set(terms)


def test_lowercase_and_tokenise_on_word_characters():
    a = SwedishAnalyzer(decompound=False)
    assert a.terms("KULTURRÅDET, Kulturrådet; kulturrådet!") == a.terms("kulturrådet")
    assert a.analyze("Musik, musik och dans")[a.terms("musik")[0]] == 2.0


def test_compound_expansion_weights():
    a = SwedishAnalyzer()
    counts = a.analyze("kultursamverkansmodellen")
    assert counts["kultursamverkansmodell"] == 1.0  # full token: its own stem, full weight
    # Head and modifier (with and without the linking s) at the compound weight.
    assert counts["modell"] == 0.5
    assert counts["samverkansmodell"] == 0.5
    assert counts["kultursamverkan"] == 0.5
    assert counts["kultur"] == 0.5
    # Heads shorter than 5 letters ("llen", "len") are never emitted.
    assert "len" not in counts and "llen" not in counts


def test_compound_expansion_is_configurable():
    plain = SwedishAnalyzer(decompound=False).analyze("kultursamverkansmodellen")
    assert dict(plain) == {"kultursamverkansmodell": 1.0}
    weighted = SwedishAnalyzer(compound_weight=0.25).analyze("kultursamverkansmodellen")
    assert weighted["modell"] == 0.25


def test_short_tokens_are_not_decompounded():
    # "konstnär" (8 letters) is below the 10-letter threshold: stem only.
    assert SwedishAnalyzer().terms("konstnären") != ["konstnär"]  # 10 letters: expanded
    assert SwedishAnalyzer().terms("konstnär") == ["konstnär"]


def test_deterministic_and_order_independent():
    a, b = SwedishAnalyzer(), SwedishAnalyzer()
    text = "Kultursamverkansmodellen bygger på regionala kulturplaner."
    b.analyze("Helt andra ord om biblioteksverksamhet och scenkonst först.")
    assert a.analyze(text) == b.analyze(text)


def test_numbers_are_not_stemmed_or_split():
    counts = SwedishAnalyzer().analyze("år 2023 och 12345678901")
    assert counts["2023"] == 1.0 and counts["12345678901"] == 1.0
    assert len(counts) == 3  # "år", "2023", the long number; no fragments of digits


def test_thread_safe_stemming():
    a = SwedishAnalyzer()
    expected = a.analyze("kulturplanerna regionerna kultursamverkansmodellen")
    results: list[bool] = []

    def work() -> None:
        for _ in range(200):
            results.append(a.analyze("kulturplanerna regionerna kultursamverkansmodellen") == expected)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results) and len(results) == 800
