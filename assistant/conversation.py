"""Follow-up questions: 'Och när beslutade regionfullmäktige om den?' only makes sense
together with the turn before it."""

from __future__ import annotations

import re

from assistant import lexicon

# Words that point back to something said earlier (Swedish and English).
_ANAPHORA = re.compile(
    r"\b(den|det|dem|denna|detta|dessa|där|då|dess|deras|sådan|sådana|it|its|they|them|that|those|there|then)\b",
    re.I,
)
_CONTINUATION = re.compile(r"^\s*(och|men|samt|också|även|and|but|what about|how about)\b", re.I)


def is_follow_up(question: str, content_terms: int) -> bool:
    """A question that continues, refers back, or is too short to stand on its own."""
    return bool(_CONTINUATION.match(question) or _ANAPHORA.search(question)) or content_terms <= 2


def contextualize(question: str, history: list[str], content_terms: int) -> str:
    """The retrieval query: the question, prefixed by the previous user turn when it depends on it."""
    if not history or not is_follow_up(question, content_terms):
        return question
    return f"{history[-1]} {question}"


def is_english(text: str) -> bool:
    """English or Swedish, by general word frequencies (assistant.lexicon); quotes stay Swedish."""
    return lexicon.is_english(text)


_GENERIC_NAME_PART = re.compile(r"\b(Region|Landstinget|Statens)\s+(?=[A-ZÅÄÖ])")
# SFS numbers, paragraph references ("6 §", "9 a §"), years and capitalised names.
_ENTITY = re.compile(r"(\b\d{4}:\d+\b|\b\d{1,3}(?: [a-z])? ?§|\b\d{4}\b|\b[A-ZÅÄÖ][\wåäöÅÄÖ-]{2,}\b)")


def question_entities(question: str) -> list[str]:
    """Names and numbers a question is specifically about: capitalised words after the first
    word, years and SFS numbers. An answer that never mentions them answers another question."""
    words = question.split()
    rest = " ".join(words[1:]) if words else ""
    first_number = [w for w in words[:1] if re.fullmatch(r"\d{4}(:\d+)?", w)]
    # "Region" in "Region Skåne" is the generic part of an official name; the name is "Skåne".
    rest = _GENERIC_NAME_PART.sub("", rest)
    return first_number + [m.group(1) for m in _ENTITY.finditer(rest)]

