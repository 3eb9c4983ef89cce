"""Names from the documents' titles (assistant.names): a question typed in lower case names the
places and bodies the titles write with a capital, and ordinary words stay ordinary."""

from __future__ import annotations

import sqlite3

from assistant.names import DocumentNames, name_stems
from assistant.query_analysis import QueryAnalyzer
from ingest.analyzer import SwedishAnalyzer

ANALYZER = SwedishAnalyzer()
TITLES = [
    "Protokoll, Kulturberedningen, Landstinget Kronoberg 2014-02-14",
    "KFN § 121 Kulturutredningen – sammanträdesprotokoll kultur- och fritidsnämnden Gotlands kommun",
    "Regional kulturplan för Skåne 2016-2019",
    "SFS 2010:1919 Lag om fördelning av vissa statsbidrag (Kulturrådet, nyhet 2010)",
    "Kulturplanen förlängs med ett år",
]


def test_names_are_words_capitalised_inside_a_title_and_never_written_in_lower_case():
    stems = name_stems(ANALYZER, TITLES)
    for name in ("kronoberg", "gotlands", "skåne"):
        assert ANALYZER.stem(name) in stems
    # A part's first word ("Kulturrådet" after "("), a generic part ("Landstinget"), a word the
    # titles also write in lower case and a word common in general Swedish ("Lag") are no names.
    for word in ("kulturrådet", "landstinget", "kulturplan", "lag", "år"):
        assert ANALYZER.stem(word) not in stems


def test_a_lower_case_question_names_what_the_titles_write_as_names():
    queries = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms}, names=lambda: name_stems(ANALYZER, TITLES))
    query = queries.analyze("hur mycket fick region gotland 2019 då?")
    assert "gotland" in query.entities and "2019" in query.entities
    assert "lag" not in queries.analyze("vad säger lagen om kulturplanen?").entities
    plain = QueryAnalyzer(ANALYZER, lambda terms: {t: 1.0 for t in terms})
    assert "gotland" not in plain.analyze("hur mycket fick region gotland 2019 då?").entities


def test_document_names_follow_the_documents_indexed():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE documents (doc_id TEXT, title TEXT)")
    names = DocumentNames(conn, ANALYZER)
    assert names() == frozenset()
    conn.execute("INSERT INTO documents VALUES ('a', 'Protokoll från Landstinget Kronoberg')")
    assert ANALYZER.stem("kronoberg") in names()
