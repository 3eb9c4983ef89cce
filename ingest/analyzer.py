"""Swedish text analysis for the BM25 lexical index: lowercase, tokenise, drop stop words, stem,
and expand compounds.

Tokens. Words are runs of letters/digits. Two legal-reference shapes are kept whole because
users type them verbatim: an SFS number such as "2010:2012" (emitted as "2010:2012" and also
"2010" and "2012") and a paragraph reference such as "8 §" or "8 a §" (emitted as "8§" / "8a§"
besides the bare number). Tokens containing digits are never stemmed; single letters are noise.

Compounds. Swedish writes compounds as one word ("kultursamverkansmodellen" = kultur +
samverkan + s + modell + en), so a plain stemmer never lets "modellen" or "kultursamverkan"
match it. Real decompounding needs a lexicon, and no Swedish lexicon (or hunspell dictionary)
is installable offline here. Learning split points from the corpus would make a chunk's terms
depend on what was ingested before it, i.e. on ingestion order, and would silently change
old postings when new documents arrive. We therefore use a deterministic, corpus-independent
expansion: for a token of >= `min_compound_len` characters, every prefix ("modifier") and
every suffix ("head") of >= `min_part_len` characters that leaves >= `min_rest_len` characters
on the other side is stemmed and emitted with weight `compound_weight` (0.5); a modifier
ending in the linking "s" is emitted both with and without it. The full token keeps weight
1.0, so exact matches still rank first. Fragment stems shorter than 4 letters or equal to a
stop word are dropped. Most fragments are junk ("kultursamv") but junk is harmless: it only
matches tokens sharing the same letters, and BM25 idf plus the 0.5 weight keep it small. The price is a larger index (roughly 10-30 extra terms per long word), which is
why `decompound` can be switched off and benchmarked against.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from functools import lru_cache
from importlib.metadata import version

import Stemmer

# Snowball's Swedish rules differ between PyStemmer majors (3.x strips "-et": arbetet -> arbet),
# so postings written under one major are wrong for another; the signature says which one.
_STEMMER_MAJOR = version("PyStemmer").split(".")[0]
# PyStemmer objects are not thread-safe; the Chainlit app analyses queries from worker threads.
_LOCAL = threading.local()


def _stemmer(language: str) -> Stemmer.Stemmer:
    """This thread's Snowball stemmer for `language`."""
    stemmers = getattr(_LOCAL, "stemmers", None)
    if stemmers is None:
        stemmers = _LOCAL.stemmers = {}
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(language)
    return stemmers[language]


def english_stem(word: str) -> str:
    """Snowball English stem of a lowercased word (the English glossary's keys, assistant.glossary)."""
    return _stemmer("english").stemWord(word)


def inflection_root(term: str) -> str:
    """A stem less the letters an inflection may change ("ledamot"/"ledamöter" -> "ledam",
    "tilldelning"/"tilldelningen" -> "tilldelni"), never shorter than five letters, so that a
    compound keeps its first part ("kulturminist" -> "kulturminis", not "kultu")."""
    return term[: max(5, len(term) - 2)]


def swedish_stem(word: str) -> str:
    """The index's stem of a lowercased word: Snowball Swedish, with neuter plurals in "-ena"."""
    stemmer = _stemmer("swedish")
    # Snowball's Swedish rules know the plural definite "-arna/-erna/-orna" but not the "-ena"
    # of neuter nouns ending in a vowel: "områdena" stems to "områden", "områden" and
    # "område" to "områd". Read as its "-en" form, the word joins its other forms. Short words
    # are left alone: "förena" is a verb, not the plural of "före".
    if len(word) >= 7 and word.endswith("ena"):
        word = word[:-1]
    return stemmer.stemWord(word)

# Function words only; domain words (kultur, region, plan, bidrag, ...) must never be here.
STOP_WORDS: frozenset[str] = frozenset("""
och i att det som en på är av för med till den har de inte om ett var jag så men
han hon vi ni du man sig sin sitt sina dem deras dess denna detta dessa där här då när
vid från eller också kan ska skall skulle kunna blir bli blev vara varit hade
under efter sedan än bara mot utan åt nu hur vad vem vilken vilket vilka
all alla allt mycket någon något några inom samt både ju hos även genom enligt
""".split())

# Order matters: the legal-reference shapes must win over the plain word pattern.
_TOKEN_RE = re.compile(
    r"(?P<sfs>\d+(?::\d+)+)"  # 2010:2012
    r"|(?P<para>\d+(?:\s?[a-zåäö])?\s?§)"  # 8 §, 8 a §, 12§
    r"|(?P<word>[^\W_]+)"
)


class SwedishAnalyzer:
    def __init__(
        self,
        decompound: bool = True,
        compound_weight: float = 0.5,
        min_compound_len: int = 10,
        min_part_len: int = 5,
        min_rest_len: int = 3,
        stop_words: frozenset[str] = STOP_WORDS,
    ):
        self.decompound = decompound
        self.compound_weight = compound_weight
        self.min_compound_len = min_compound_len
        self.min_part_len = min_part_len
        self.min_rest_len = min_rest_len
        self.stop_words = stop_words
        self._expand = lru_cache(maxsize=200_000)(self._expand_uncached)
        # Passages are analysed again by the reranker and the answerer for every question that
        # retrieves them; their term sets are worth keeping.
        self.term_set = lru_cache(maxsize=8192)(self._term_set_uncached)

    @property
    def signature(self) -> str:
        """Identifies the analysis: postings written with one signature are meaningless to another."""
        return (
            f"sv-snowball+ena;pystemmer={_STEMMER_MAJOR};decompound={self.decompound};w={self.compound_weight};"
            f"min={self.min_compound_len}/{self.min_part_len}/{self.min_rest_len};stop={len(self.stop_words)}"
        )

    def stem(self, word: str) -> str:
        return swedish_stem(word)

    def tokens(self, text: str) -> list[str]:
        """Lowercased surface tokens, legal references normalised, stop words and noise removed."""
        out: list[str] = []
        for m in _TOKEN_RE.finditer(text.lower()):
            if m.group("sfs"):
                whole = m.group("sfs")
                out.append(whole)
                out.extend(whole.split(":"))
            elif m.group("para"):
                ref = re.sub(r"\s+", "", m.group("para"))
                out.append(ref)
                out.append(re.match(r"\d+", ref).group())
            else:
                word = m.group("word")
                if word in self.stop_words or (len(word) == 1 and not word.isdigit()):
                    continue
                out.append(word)
        return out

    def _expand_uncached(self, token: str) -> tuple[tuple[str, float], ...]:
        """(term, weight) pairs for one token: its stem, plus compound fragments if enabled."""
        if any(ch.isdigit() for ch in token):
            return ((token, 1.0),)
        full = self.stem(token)
        if not self.decompound or len(token) < self.min_compound_len:
            return ((full, 1.0),)
        parts: set[str] = set()
        n = len(token)
        for i in range(1, n):
            modifier, head = token[:i], token[i:]
            if len(head) >= self.min_part_len and len(modifier) >= self.min_rest_len:
                parts.add(head)
            if len(modifier) >= self.min_part_len and len(head) >= self.min_rest_len:
                parts.add(modifier)
                # Linking "s" (kultursamverkans|modellen): also emit the bare modifier.
                if modifier.endswith("s") and len(modifier) - 1 >= self.min_part_len:
                    parts.add(modifier[:-1])
        stems = {self.stem(p) for p in parts} - {full}
        # A fragment stem that is a stop word ("föror" -> "för") or under 4 letters ("lanen" ->
        # "lan") is nearly always a mid-morpheme cut and would only add noise matches.
        stems = {s for s in stems if len(s) >= 4 and s not in self.stop_words}
        return ((full, 1.0), *((s, self.compound_weight) for s in sorted(stems)))

    def analyze(self, text: str) -> Counter[str]:
        """Term -> weighted term frequency (full tokens count 1.0, compound fragments less)."""
        counts: Counter[str] = Counter()
        for token in self.tokens(text):
            for term, weight in self._expand(token):
                counts[term] += weight
        return counts

    def _term_set_uncached(self, text: str) -> frozenset[str]:
        """Distinct terms of `text` (compound fragments included); cached as `term_set`."""
        return frozenset(self.analyze(text))

    def analyze_query(self, text: str, expand_compounds: bool = False) -> Counter[str]:
        """Query-side analysis. By default only whole-word stems: the documents carry the
        compound fragments, so 'modellen' still meets 'kultursamverkansmodellen', while a
        compound in the question no longer drags in dozens of junk fragments of its own."""
        if expand_compounds:
            return self.analyze(text)
        counts: Counter[str] = Counter()
        for token in self.tokens(text):
            counts[self._expand(token)[0][0]] += 1.0
        return counts

    def terms(self, text: str) -> list[str]:
        """Distinct query terms in first-seen order (weights: use `analyze`)."""
        return list(self.analyze(text))
