"""What kind of answer a question asks for (a date, an amount, a body or person) and what a
sentence holding such an answer looks like. Shared by the reranker and the extractive answerer."""

from __future__ import annotations

import re

# "hur många anställda": the thing a count must count.
COUNTED = re.compile(r"\bhur många (\w+)", re.I)
_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
# (question asks for it, sentence holds it): a date, an amount or count, a body or person.
ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(r"\b(när|vilket år|vilket datum|datum|senast|hur länge|when|what year|since when)\b", re.I),
        re.compile(rf"\b(\d{{1,2}} ({_MONTHS})|({_MONTHS}) \d{{4}}|\d{{4}}-\d{{2}}(-\d{{2}})?|(19|20)\d{{2}})\b", re.I),
    ),
    (
        re.compile(r"\b(hur mycket|hur många|hur stor|hur stort|belopp|summa|kronor|miljoner|how much|how many|amount)\b", re.I),
        re.compile(r"(\d[\d ,.]*|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv))\s*(kronor|kr|miljoner|miljarder|procent|%|st\b|kommuner|regioner|landsting|deltagare)|\b\d+ av \d+\b", re.I),
    ),
    (
        re.compile(r"\b(vem|vilka|vilken myndighet|vilket organ|vilken nämnd|who|which agency|which body)\b", re.I),
        re.compile(r"\b(nämnd\w*|styrelse\w*|myndighet\w*|kulturråd\w*|regering\w*|departement\w*|utredare|fullmäktige|[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+)\b"),
    ),
]

# The kinds a sentence must hold for the answer to count: a date or an amount.
DATE_OR_AMOUNT = ANSWER_TYPES[:2]


def answers_with(shape: re.Pattern[str], text: str, question: str) -> bool:
    """`text` holds an answer of this shape that the question does not already state: the
    sentence repeating "den 24 oktober 2012" back does not say what happened that day."""
    asked = question.lower()
    return any(m.group().lower() not in asked for m in shape.finditer(text))

