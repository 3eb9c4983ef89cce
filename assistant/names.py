"""Proper names the documents use, so that a question typed in lower case ("hur mycket fick
region gotland 2019?") names Gotland as "… fick Region Gotland 2019?" does.

Class served: colloquial questions that write place names and bodies in lower case; without this
they name nothing, and a passage about another region answers them. The names come from the
indexed documents' titles, not from a list of ours: a word written with a capital inside a title
(not as the first word of the title or of one of its parts) and never in lower case in any
title ("Skåne", "Gotlands", "Kronoberg", "Rantafej"). The generic part of an official name ("Region", "Landstinget", "Statens") is no
name of its own, as in assistant.conversation.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from assistant.lexicon import zipf
from ingest.analyzer import SwedishAnalyzer

_TOKEN = re.compile(r"[\wÅÄÖåäöÉé]+(?:-[\wÅÄÖåäöÉé]+)*")
# "skåne" 4.9, "gotland" 4.5 stay names; "lag" 5.3, "tid" 5.8, "sverige" 6.1 do not.
COMMON_SWEDISH = 5.0
_PART_BREAK = re.compile(r"[–—:;(),/.?!\"”]")
_GENERIC = frozenset({"region", "regionen", "landstinget", "landsting", "statens", "staten"})


def name_stems(analyzer: SwedishAnalyzer, titles: Iterable[str]) -> frozenset[str]:
    """Stems of the words the titles write as names."""
    capitalised: set[str] = set()
    lower: set[str] = set()
    for title in titles:
        # A title is often a title, a subtitle and a source ("Ny modell … (Kulturrådet, nyhet 2010)"):
        # each part's first word is capitalised as a first word, not as a name.
        for part in _PART_BREAK.split(title):
            tokens = _TOKEN.findall(part)
            for i, token in enumerate(tokens):
                if token[0].islower():
                    lower.add(token)
                elif i > 0 and not token.isupper() and not token[0].isdigit():
                    capitalised.add(token.lower())
    # A word this common in general Swedish ("Lag", "Tid", "Spela samman") is an ordinary word in
    # a lower-case question far more often than a name.
    names = {w for w in capitalised - lower - _GENERIC if zipf(w, "sv") < COMMON_SWEDISH}
    lower_stems = {analyzer.stem(w) for w in lower}
    return frozenset(s for w in names if (s := analyzer.stem(w)) not in lower_stems)


class DocumentNames:
    """The name stems of the documents indexed now, read again when the set of documents changes."""

    def __init__(self, conn: sqlite3.Connection, analyzer: SwedishAnalyzer):
        self.conn, self.analyzer = conn, analyzer
        self._key: tuple | None = None
        self._stems: frozenset[str] = frozenset()

    def __call__(self) -> frozenset[str]:
        # Another connection's commit changes data_version, this connection's own writes
        # total_changes: both are O(1), so nothing that grows with the corpus is read per question.
        key = (self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)
        if key != self._key:
            titles = (row[0] for row in self.conn.execute("SELECT title FROM documents"))
            self._stems, self._key = name_stems(self.analyzer, titles), key
        return self._stems
