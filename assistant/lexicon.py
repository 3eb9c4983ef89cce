"""General-language word frequencies (wordfreq's Swedish and English lists), for the decisions
that hinge on whether a word is ordinary language rather than on what our corpus happens to use:

- which language a question is in (English questions get English framing and English-aware
  analysis): the words' frequencies in English against Swedish, function words weighing most;
- whether a capitalised word in an English question is a name ("Kulturrådet", "Riksdag") or just
  an English word that happens to be capitalised ("Committee", "Cultural Affairs");
- whether a question word no document uses is a rare word that marks a topic the documents do
  not cover ("parkeringsregler") or ordinary Swedish that 97 short documents simply lack
  ("ersattes", "remissdokumentet" is explained by its parts anyway).

Frequencies are Zipf values (log10 of occurrences per billion words): 7 for "och", 3 for a
word seen about once per million words, 0 for a word the lists do not know.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from wordfreq import iter_wordlist, zipf_frequency

from ingest.analyzer import swedish_stem

_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]+")
# Below this a word is rare in general Swedish, or English (about once per million words): "remiss" 3.3,
# "kritiserade" 3.9, "parkeringsregler" 1.6, "statsbidraget" 1.8.
RARE_SWEDISH = 3.0
# A capitalised word is an ordinary English word, not a name, when it is common in English and
# not clearly more Swedish: "Committee" 5.0 (Swedish 2.8), "Swedish" 4.2 (4.3). Names are rarer
# in English ("Skåne" 1.9, "Riksdag" 1.8, "Lund" 3.2) or clearly Swedish ("Stockholm" 3.8 vs 5.7).
COMMON_ENGLISH = 3.5
ENGLISH_LEAD = -0.5


@lru_cache(maxsize=50_000)
def zipf(word: str, language: str) -> float:
    return zipf_frequency(word, language)


def english_margin(text: str) -> float:
    """Mean over the words of (English − Swedish) Zipf frequency: > 0 reads as English."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return 0.0
    return sum(zipf(w, "en") - zipf(w, "sv") for w in words) / len(words)


def is_english(text: str) -> bool:
    return english_margin(text) > 0


def is_common_english(word: str) -> bool:
    en, sv = zipf(word.lower(), "en"), zipf(word.lower(), "sv")
    return en >= COMMON_ENGLISH and en - sv >= ENGLISH_LEAD


def is_rare_swedish(word: str) -> bool:
    """Rare in general Swedish, in every inflection: "utgjordes" (2.9) is a form of the ordinary
    "utgjorde" (3.7), "skötts" of "sköttes", so a question using it is not about a rare topic."""
    word = word.lower()
    return zipf(word, "sv") < RARE_SWEDISH and swedish_stem(word) not in _common_swedish_stems()


@lru_cache(maxsize=1)
def _common_swedish_stems() -> frozenset[str]:
    """The index's stems (ingest.analyzer) of the words at or above RARE_SWEDISH, so a family is
    what the index conflates (about 31,000 words, 0.6 s once)."""
    stems = set()
    for word in iter_wordlist("sv"):  # most frequent first
        if zipf(word, "sv") < RARE_SWEDISH:
            break
        stems.add(swedish_stem(word))
    return frozenset(stems)


def is_rare_english(word: str) -> bool:
    return zipf(word.lower(), "en") < RARE_SWEDISH


# Swedish chat spellings of ordinary words ("vad e en kulturplan", "hur mkt fick skåne", "va me i
# modellen", "första ggn"). The corpus never writes them, so each would weigh as the rarest word
# of the question and bury the words it is about; written out they are function words or the
# words the documents use.
CHAT_SPELLINGS: dict[str, str] = {
    "e": "är", "o": "och", "va": "var", "me": "med", "m": "med", "nåt": "något", "nån": "någon",
    "nånting": "någonting", "nåra": "några", "ngn": "någon", "ngt": "något", "el": "eller", "elr": "eller",
    "mkt": "mycket", "nt": "inte", "isf": "i så fall", "isåfall": "i så fall", "ggn": "gången",
    "ggr": "gånger", "st": "stycken", "sen": "sedan", "sån": "sådan", "såna": "sådana",
    "funkar": "fungerar", "funka": "fungera", "vart": "var",
}
_CHAT_WORD = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, CHAT_SPELLINGS), key=len, reverse=True)) + r")(?![\w-])")


# "kulturplan 21-24", "perioden 16–19": a plan's or period's years written with two digits.
# Only after a word that names a span of years, so "§ 21-24" and "kl. 13-16" stay as they are.
_SHORT_YEARS = re.compile(
    r"(?i)\b((?:kultur|verksamhets)?plan\w*|(?:mandat)?period\w*|åren|budget\w*)(\s+(?:för\s+)?)"
    r"(\d{2})\s?([-–])\s?(\d{2})\b(?![-–:§%]|\s*(?:§|procent|kr|kronor|miljon))"
)


def _full_years(match: re.Match[str]) -> str:
    first, second = int(match.group(3)), int(match.group(5))
    if not 0 < second - first <= 10:
        return match.group()
    return f"{match.group(1)}{match.group(2)}20{match.group(3)}{match.group(4)}20{match.group(5)}"


def standard_spelling(text: str) -> str:
    """`text` with chat spellings written out ("hur mkt fick skåne" -> "hur mycket fick skåne")
    and a plan's short years in full ("kulturplan 21-24" -> "kulturplan 2021-2024": the documents
    name the years in full, and a two-digit number matches nothing). Lower case only for the
    chat words: "M" and "S" are parties, "E" an appendix."""
    return _SHORT_YEARS.sub(_full_years, _CHAT_WORD.sub(lambda m: CHAT_SPELLINGS[m.group(1)], text))


# Running words in one of our chunks (at most 1,200 characters: about 170 words).
PASSAGE_WORDS = 170


def general_idf(word: str) -> float:
    """The idf a word would have over passages of general Swedish: its chance of occurring in a
    passage of PASSAGE_WORDS words follows from its Zipf frequency, in the index's idf formula
    with infinitely many passages. For everyday words that a few hundred passages happen to use
    rarely ("fick", "pengar", "ändå"), the corpus's idf is sampling noise and this one is the
    better estimate; for a word the lists do not know it is unbounded."""
    frequency = 10 ** (zipf(word.lower(), "sv") - 9)
    if frequency <= 1e-9:
        return math.inf
    chance = -math.expm1(-PASSAGE_WORDS * frequency)
    return math.log(1.0 + (1.0 - chance) / chance)
