"""Follow-up questions: 'Och när beslutade regionfullmäktige om den?' only makes sense
together with the turn before it."""

from __future__ import annotations

import re
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


_ENGLISH_WORDS = re.compile(r"\b(the|what|who|which|how|when|does|do|is|are|can|of|for|in|and|decides?|about)\b", re.I)


def is_english(text: str) -> bool:
    """Good enough to choose the language of our own fixed phrases; quotes stay Swedish."""
    # Å, ä and ö mark Swedish, except inside names: "Region Skåne's plan" is English.
    if re.search(r"(?<![\wåäöÅÄÖ])[a-zåäö]*[åäö]", text):
        return False
    words = re.findall(r"[A-Za-z]+", text)
    return bool(words) and len(_ENGLISH_WORDS.findall(text)) / len(words) >= 0.2


_GENERIC_NAME_PART = re.compile(r"\b(Region|Landstinget|Statens)\s+(?=[A-ZÅÄÖ])")
_ENTITY = re.compile(r"\b(\d{4}:\d+|\d{4}|[A-ZÅÄÖ][\wåäöÅÄÖ-]{2,})\b")


def question_entities(question: str) -> list[str]:
    """Names and numbers a question is specifically about: capitalised words after the first
    word, years and SFS numbers. An answer that never mentions them answers another question."""
    words = question.split()
    rest = " ".join(words[1:]) if words else ""
    first_number = [w for w in words[:1] if re.fullmatch(r"\d{4}(:\d+)?", w)]
    # "Region" in "Region Skåne" is the generic part of an official name; the name is "Skåne".
    rest = _GENERIC_NAME_PART.sub("", rest)
    return first_number + [m.group(1) for m in _ENTITY.finditer(rest)]

