"""Rules that read a question's wording, each for a class of questions named in its comment or
docstring: which kinds of answer a part asks for, whether the question asks for a list, a
timeline, a definition, a document or a decision's justification, and how one part's ask
carries over to the next."""

from __future__ import annotations

import re

from assistant.answer_types import ANSWER_KINDS
from assistant.lexicon import is_common_english
from assistant.parts import asking_phrase
from assistant.query import QueryPart
from assistant.question_words import excepted_spans
from ingest.dates import MONTHS

LIST_QUESTION = re.compile(r"\b(vilka|lista|områden|which|what are|list)\b", re.I)
TIME_QUESTION = re.compile(r"\b(när|vilket år|vilket datum|tidplan|tidslinje|datum|when|what year)\b", re.I)
# How a process ran, step by step: answered with a timeline as well (assistant/timeline.py).
PROCESS_QUESTION = re.compile(
    r"\bhur\s+(?:togs|tas|tagits|har|hade|ska|skall|gick|går|arbetades|arbetas)\b[^?]{0,80}?\bfram\b|"
    r"\bhur\s+gick\b[^?]{0,60}?\btill\b|\b(?:tidslinje|tidsplan|tidplan|tidsordning|kronologisk\w*|förlopp\w*)\b|"
    r"\bi\s+vilken\s+ordning\b|\bvilka\s+steg\b|\bprocess(?:en)?\b|"
    r"\btimeline\b|\bin\s+(?:what|which|chronological)\s+order\b|\bwhat\s+(?:were\s+the\s+)?steps\b|"
    r"\bhow\s+(?:was|were|is|are)\b[^?]{0,80}?\b(?:drawn\s+up|developed|prepared|produced|adopted)\b",
    re.I,
)
# "Vilket betänkande behandlade propositionen?", "Which report …?": the answer is a document, and
# the sentence that answers refers to it as "betänkandet", "rapporten"; its title names it.
DOCUMENT_QUESTION = re.compile(
    r"\b(?:vilke[nt]|which|what)\s+(?:\w+\s+)?(?:betänkande|proposition|rapport|utredning|SOU|förordning|lag|"
    r"report|bill|inquiry|ordinance|act)\b",
    re.I,
)
DEFINITION_QUESTION = re.compile(r"\b(vad är|vad menas|vad innebär|vad betyder|what is|what does)\b", re.I)
# How and why a past decision was taken, and who reserved themselves: answered with a decision
# trail (assistant/trail.py). Present-tense role questions ('Vem beslutar om …?') are not.
DECISION_QUESTION = re.compile(
    r"\b(?:beslutade|beslöt|beslutet|beslutets|reserverade|reserverat|protokollsanteckning\w*|motiverade\w*|grundade\w*|"
    r"decided|reservation\w*|justified)\b",
    re.I,
)


_IN_MONTH = re.compile(rf"\b(?:i|under|in)\s+({'|'.join(MONTHS)})\b", re.I)


def day_month(text: str, kinds: tuple[str, ...]) -> int | None:
    """Class: "Vilket datum i september 2023 överlämnades betänkandet?": the day asked for lies in
    the month the question names, so a day of another month ("den 7 juli 2022") is no answer.
    `kinds` are the text's answer kinds (`answer_kinds`)."""
    if "day" not in kinds or not (match := _IN_MONTH.search(text)):
        return None
    return MONTHS[match.group(1).lower()]


_OPENING_WORD = re.compile(r"^\W*(\w+)")


def with_repeated_asks(parts: tuple[QueryPart, ...]) -> tuple[QueryPart, ...]:
    """Class: a later ask that repeats an earlier one's question word and points back to its kind
    ("Vem var ordförande 2016, och vem hade uppdraget 2023?", "När antogs planen, och när den
    förra?"). A part that names no role and asks no kind the earlier part does not takes the
    kinds and the role of the nearest earlier part opening with the same question word:
    "uppdraget" is the chair's, and a sentence naming no one does not answer "vem"."""
    words = [m.group(1).lower() if (m := _OPENING_WORD.match(p.text)) else "" for p in parts]
    out: list[QueryPart] = []
    for word, part in zip(words, parts):
        if not part.role_roots and word:
            earlier = next((p for w, p in zip(reversed(words[:len(out)]), reversed(out)) if w == word
                            and set(part.shape_kinds) <= set(p.shape_kinds) and (p.shape_kinds or p.role_roots)), None)
            if earlier is not None:
                part = part.model_copy(update={"shape_kinds": earlier.shape_kinds, "role_roots": earlier.role_roots})
        out.append(part)
    return tuple(out)


def only_excepted(entity: str, text: str) -> bool:
    """Whether every mention of `entity` stands in what an exception sets aside ("Vilka ledamöter,
    förutom ordföranden Björn Wiechel, …?"): the question asks for the others, so the answer
    need not name it."""
    spans = excepted_spans(text)
    mentions = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(entity)}(?!\w)", text)]
    return bool(spans and mentions) and all(any(a <= m < b for a, b in spans) for m in mentions)


def title_word(word: str, question: str) -> bool:
    """In an English question, an ordinary English word capitalised as part of a title or name
    ("the Riksdag Committee on Cultural Affairs", "Act (2010:1919)") is not itself a name; a lone
    capitalised word still is ("Danish", "Stockholm")."""
    if not word.isalpha() or not is_common_english(word):
        return False
    neighbour = r"(?:[A-ZÅÄÖ][\wåäö'-]*|\(?\d{4}(?::\d+)?\)?)"
    return bool(re.search(rf"{neighbour}\s+(?:on\s+|of\s+)?{re.escape(word)}\b|\b{re.escape(word)}\s+(?:on\s+|of\s+)?{neighbour}", question))


def answer_kinds(clause: str) -> tuple[str, ...]:
    """The kinds of answer a part's asking phrase wants. A condition is read from the whole clause:
    it is about the asked event ("when was it due to meet again"), not about the answer's form."""
    phrase = asking_phrase(clause)
    return tuple(name for name, kind in ANSWER_KINDS.items() if kind.asked_in(phrase, clause))


# Verbs that ask for a role's holder, and the role noun's root ("justerare", "moderator"). An
# English question names the role by a verb the Swedish documents write as a noun: "who chaired
# the group?" is answered by "Björn Wiechel (S), ordförande", not by whoever is named.
ROLE_VERB_ROOTS = {
    "justerade": "juste", "justerar": "juste", "modererade": "moder", "modererar": "moder",
    "chaired": "ordfö", "chairs": "ordfö", "moderated": "moder", "moderates": "moder",
}
# English role nouns and the Swedish role's root: "Who was the special investigator …?" is
# answered by "Mats Svegfors förordnades … som särskild utredare", not by a line that happens to
# name the question's years. "director" is left out: it is "direktör", "chef" or "generaldirektör".
ENGLISH_ROLE_ROOTS = {
    "chair": "ordfö", "chairman": "ordfö", "chairperson": "ordfö", "chairwoman": "ordfö",
    "investigator": "utred", "secretary": "sekre", "minister": "minis", "ministers": "minis",
}
