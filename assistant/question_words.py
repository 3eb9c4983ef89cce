"""How a question's own wording marks what it asks for, as opposed to what an answer holds
(assistant.answer_types): the thing a count counts, a negation against an exception, the asking
phrases that are no evidence, the speaker of "what did X say", and a step still to come. Read
once by assistant.query_analysis into the `Query`."""

from __future__ import annotations

import re

from assistant.answer_types import ANSWER_KINDS, NEGATION, PERSON_VERB

# "hur många anställda": the thing a count must count.
COUNTED = re.compile(r"\bhur många (\w+)", re.I)
# "Hur många deltog / kom / var med …?": the count is of the people who took part, so "fem
# nationella minoriteter" does not answer it, "40 deltagare" and "drygt 115 … deltog" do. Not
# "hur många kom in" (remissvar that came in) nor "hur många var representerade". Not "anmälda"
# either: its stem begins "anmälningsformuläret", which every invitation names.
PARTICIPATION = re.compile(
    r"\bhur många\s+(?:har\s+)?(?:deltog|deltar|deltagit|närvarade|medverkade|samlades|anmälde|var\s+med|var\s+där|kom(?!\s+in\b))\b",
    re.I,
)
PARTICIPANT_WORDS = (
    "deltagare deltog deltagit deltar närvarande närvarade medverkande medverkade samlades personer besökare"
)


# A question's exception ("Vilka ledamöter, förutom ordföranden, …?", "which regions besides
# Skåne") sets a thing aside and asks for the rest: the answer lists the others, it need not
# negate anything. Only negation and absence make a question ask for what did not happen.
_EXCEPTION = re.compile(r"\b(?:undantag\w*|förutom|utom|except\w*|besides|apart\s+from)\b", re.I)


# What the exception sets aside: the words after it, up to the clause's end.
_EXCEPTED = re.compile(rf"{_EXCEPTION.pattern}\s+(?:för\s+|for\s+)?([^,;:?!]+)", re.I)


# A negative polar question ("…, har inte kommunerna redan koll på det?", "är det inte Kulturrådet
# som beslutar?") voices an expectation; it does not ask for what did not happen.
_NEGATIVE_POLAR = re.compile(
    r"(?:^|[,;–-]\s*)(?:har|hade|är|var|finns|fanns|kan|kunde|ska|skulle|blir|blev|borde|gör|gjorde|får|fick)\s+(?:\w+\s+)?inte\b",
    re.I,
)


def asks_negation(clause: str) -> bool:
    return bool(NEGATION.search(_NEGATIVE_POLAR.sub(" ", _EXCEPTION.sub(" ", clause))))


def excepted_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` names what an exception sets aside ("förutom ordföranden Björn Wiechel"):
    the answer need not name it."""
    return [m.span(1) for m in _EXCEPTED.finditer(text)]


# Class: when something will happen ("När ska regeringen lägga fram en proposition …?", "When is
# the government expected to …?"). The question's asking clause names a future or an intent;
# a sentence that reports, in the past, an earlier step of the same matter ("Regeringen beslutade
# den 7 juli 2022 att tillkalla en särskild utredare") answers another question.
FUTURE_ASK = re.compile(
    r"\b(?:när|vilket år|vilket datum|when|what year)\b[^?]*?\b(?:ska|skall|kommer\s+(?:\w+\s+)?att|planerar|planeras|"
    r"väntas|beräknas|avser|will|plans?\s+to|planned|expected|supposed\s+to|due\s+to|scheduled|set\s+to|going\s+to|intended)\b",
    re.I,
)


_INTERROGATIVE = re.compile(r"^(hur|vilket|vilken|vilka|sedan|från|how|what|which|since)\s", re.I)


def without_asking_phrases(question: str) -> str:
    """Class: the words that only say what kind of answer is wanted ("hur stort", "vilket år",
    "hur länge", "vem ledde") are no evidence: "Statsbidraget blev 201,9 miljoner kronor" answers
    "Hur stort var statsbidraget?" without the word "stort", and "Kulturnämndens ordförande Yngve
    Petersson" answers "Vem ledde kulturnämnden?". Interrogative phrases go; a content word a kind
    also asks by ("kronor", "kostade", "andel", "ordförande") stays, since answers use it too."""
    for name in ("date", "duration", "day", "amount", "share", "count"):
        for asks in (ANSWER_KINDS[name].asks, ANSWER_KINDS[name].asks_clause):
            if asks is not None:
                question = asks.sub(lambda m: " " if _INTERROGATIVE.match(m.group()) else m.group(), question)
    return _COMPARING.sub(" ", PERSON_VERB.sub(" ", question))


# Words that set two members side by side ("2018 jämfört med 2019", "2010 respektive 2023"):
# they structure the question, and a sentence stating one member's value need not use them.
_COMPARING = re.compile(
    r"\b(?:respektive|jämfört\s+(?:med|mot)|jämfört|i\s+jämförelse\s+med|i\s+förhållande\s+till|gentemot|versus|vs\.?|"
    r"compared\s+(?:with|to)|respectively)(?=\s|$|[?.,])",
    re.I,
)


# "Vad sa kulturministern om …", "Hur svarade ledamöterna i utskottet på …": the speaker stands
# between the speech verb and the first preposition or clause word; its last word is its head.
_SPEAKER = re.compile(
    r"\b(?:vad|hur)\s+(?:sa|sade|tyckte|tycker|svarade|ansåg|anser|menade|menar|framförde)\s+"
    r"(?P<speaker>(?:(?!(?:om|i|på|under|till|när|efter|över|att|med|från|vid|inför|för|kring|angående|egentligen)\b)[\wåäö-]+\s*){1,6})",
    re.I,
)
_PRONOUNS = frozenset({"de", "dem", "den", "det", "han", "hon", "hen", "man", "ni", "vi", "du", "dom"})


def speaker_head(question: str) -> str | None:
    """Class: "what did X say" questions, where a statement by someone else (the regions'
    message, another body's remissvar) is no answer: the head word of the speaker X
    ("generaldirektör" of "Kulturrådets generaldirektör"), or None when the question names no
    speaker of its own ("Vad tyckte de …?" points back) or is not such a question."""
    match = _SPEAKER.search(question)
    if not match:
        return None
    words = match.group("speaker").split()
    head = words[-1].strip("-") if words else ""
    return None if not head or head.lower() in _PRONOUNS else head
