"""Words the documents never use. "Vilka parkeringsregler gäller …?" retrieves passages about
Region Skåne's offices, and every other word of it is found; but no document says anything
about parking, so any quoted sentence would answer a different question.

A word counts as unknown only when nothing in the index explains it: no indexed term shares
its beginning (so inflections such as "godkände"/"godkänt" are known), it is not a compound of
two known words ("kulturorganisationer" = kultur + organisationer), and no retrieved title uses
it. Names are left to the entity checks, short words are too ambiguous to judge, and sentence
adverbs are not what a question is about.

Only words that are rare in general Swedish count (assistant.lexicon): a missing ordinary word
("ersattes", "skötts") says only that 97 short documents happen not to use it, while a rare one
("parkeringsregler") names a topic they do not cover."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.lexicon import is_rare_english, is_rare_swedish

_LOWERCASE_WORD = re.compile(r"(?<![\wåäöÅÄÖ])[a-zåäö]{8,}(?![\wåäöÅÄÖ])")
# Sentence adverbs ("överhuvudtaget", "naturligtvis", "egentligen") colour a question without
# being what it is about; a corpus lacking them says nothing about the answer.
_ADVERB = re.compile(r"(taget|ligen|igen|vis|tals|mässigt|lunda)$")


class Vocabulary:
    def __init__(
        self, has_term: Callable[[str], bool], has_prefix: Callable[[str], bool], stem: Callable[[str], str],
        min_prefix: int = 5, max_ending: int = 6, min_part: int = 3,
    ):
        self.has_term, self.has_prefix, self.stem = has_term, has_prefix, stem
        # Up to `max_ending` letters may differ: "kritiserade" is explained by "kritik",
        # "godkände" by "godkänt"; a long compound keeps most of itself ("parkerings…").
        self.min_prefix, self.max_ending, self.min_part = min_prefix, max_ending, min_part

    def _prefix(self, word: str) -> str:
        return word[: max(self.min_prefix, len(word) - self.max_ending)]

    def _known(self, word: str) -> bool:
        return self.has_prefix(self.stem(word)) or self.has_prefix(self._prefix(word))

    def _known_part(self, part: str) -> bool:
        # A part may be inflected as the corpus never writes it: "remiss|dokumentet" when only
        # "dokument" and "dokumenten" occur.
        if len(part) < self.min_part:
            return False
        return self.has_term(self.stem(part)) or (len(part) > self.min_prefix and self.has_prefix(self._prefix(part)))

    def _compound_of_known(self, word: str) -> bool:
        for i in range(self.min_part, len(word) - self.min_part + 1):
            modifier, head = word[:i], word[i:]
            modifiers = [modifier] + ([modifier[:-1]] if modifier.endswith("s") else [])
            if self._known_part(head) and any(self._known_part(m) for m in modifiers):
                return True
        return False

    def unknown_words(self, question: str, titles: Iterable[str] = (), english: bool = False) -> list[str]:
        """Rare words no document explains. In an English question a word must be rare in
        English too ("kulturaftaler", not "agreements", which the Swedish index never has)."""
        labels = " ".join(titles).lower()
        unknown = []
        for word in _LOWERCASE_WORD.findall(question):
            ordinary = not is_rare_swedish(word) or (english and not is_rare_english(word))
            if ordinary or _ADVERB.search(word) or self._known(word) or self._prefix(word) in labels:
                continue
            if not self._compound_of_known(word):
                unknown.append(word)
        return unknown
