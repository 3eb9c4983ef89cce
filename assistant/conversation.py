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
    """A question that continues, refers back, or is too short to stand on its own. A definite
    noun that usually points back ("Hur lång period gällde planen?") makes a follow-up only when
    the question names nothing of its own."""
    if _CONTINUATION.match(question) or _ANAPHORA.search(question) or content_terms <= 2:
        return True
    tokens = re.findall(r"[\wåäöÅÄÖé]+", question)
    # "de" is a determiner far more often than a pronoun, so it only counts as the latter
    # ("Varför fick just de extra?", not "de regionala institutionerna").
    if any(t.lower() == "de" and not _determines(tokens, i) for i, t in enumerate(tokens)):
        return True
    words = {t.lower() for t in tokens}
    return any(_pointer_stem(w) for w in words) and not question_entities(question)


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



# --- Resolving a follow-up into a standalone question ----------------------------------------
#
# Without a language model the antecedent comes from the structure of the previous question:
# Swedish and English questions put the question word (with its noun: "vilka myndigheter") and
# the finite verb first, so what follows is the noun phrase the question was about ("Vad är
# [Regional kulturplan för Skåne 2025–2028]?", "Hur fördelas [statsbidraget till regionerna]?").
# The closed word classes this needs (question words, auxiliaries, prepositions, the pronouns
# and definite nouns that point back) are listed here; nothing depends on corpus vocabulary.

_WH = {
    "vad", "vem", "vems", "vilka", "vilken", "vilket", "hur", "när", "var", "varför", "vart", "varifrån",
    "what", "who", "whom", "whose", "which", "how", "when", "where", "why",
}
# Question words that take a noun ("vilka myndigheter", "which regions") before the verb.
_WH_DETERMINER = {"vilka", "vilken", "vilket", "which", "what"}
# Degree words that belong to "hur"/"how" ("hur många", "how much"), not to the verb.
_WH_DEGREE = {
    "mycket", "många", "lång", "långt", "länge", "stor", "stora", "ofta", "gammal", "gamla", "mycke",
    "much", "many", "long", "often", "large", "big", "old",
}
_AUXILIARY = {
    "är", "var", "blir", "blev", "har", "hade", "ska", "skall", "skulle", "kan", "kunde", "får", "fick",
    "måste", "bör", "borde", "vill", "ville", "finns", "fanns", "gäller", "gällde", "brukar", "kommer",
    "is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "can", "could", "will",
    "would", "should", "must", "may", "shall",
}
_PREPOSITION = {
    "för", "till", "om", "av", "i", "inom", "på", "med", "från", "under", "vid", "över", "mellan", "enligt",
    "hos", "mot", "efter", "före", "utan", "kring", "inför",
    "for", "to", "of", "on", "in", "within", "at", "from", "by", "about", "under", "between", "with",
    "regarding", "into", "over",
}
_DETERMINER = {"den", "det", "de", "en", "ett", "denna", "detta", "dessa", "the", "a", "an", "this", "these", "those"}
# Words that open a clause: a noun phrase ends before them.
_CLAUSE = {"när", "som", "att", "hur", "vad", "vem", "var", "eftersom", "där", "då", "medan", "om",
           "when", "that", "which", "who", "where", "while", "because", "if", "whether"}
# Pronouns that stand for a noun phrase. "det"/"detta"/"that"/"this" are often expletive or stand
# for a whole event ("Varför dröjde det?"), so they are only taken as pointing back where a noun
# phrase must stand: after a preposition or as the last word ("Vem beslutade det?").
_PRONOUN = {"den", "dem", "denna", "dessa", "de", "it", "them", "they"}
_WEAK_PRONOUN = {"det", "detta", "that", "this"}
_LOCATIVE = {"där", "there"}
_TEMPORAL = {"då", "then"}
# Definite nouns that typically point back to the thing just discussed ("Vem fattar beslutet?").
# Their stems are matched against the previous question's compounds ("nämnden" -> "kulturnämnd").
_POINTER_NOUN = {
    "nämnden": "nämnd", "beslutet": "beslut", "planen": "plan", "rådet": "råd", "myndigheten": "myndighet",
    "förordningen": "förordning", "rapporten": "rapport", "dokumentet": "dokument", "utredningen": "utredning",
    "modellen": "modell", "bidraget": "bidrag", "uppdraget": "uppdrag", "programmet": "program",
    "strategin": "strategi", "avtalet": "avtal", "styrelsen": "styrelse", "kommittén": "kommitté",
    "plan": "plan", "decision": "decision", "committee": "committee", "board": "board", "council": "council",
    "regulation": "regulation", "report": "report", "agency": "agency", "grant": "grant", "model": "model",
}
_CONTINUATION_WORDS = {"och", "men", "samt", "också", "även", "and", "but"}
_MONTHS = (
    "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
# A time expression: "den 5 februari 2016", "i juni 2024", "2018", "in March 2024".
_DATE = re.compile(rf"\b(?:(?:den\s+)?\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}|(?:{_MONTHS})\s+\d{{4}}|(?:19|20)\d{{2}})\b", re.I)
# A trailing time adverbial is when something happened, not part of what it was about.
_TRAILING_DATE = re.compile(rf"\s+(?:i|den|under|sedan|in|on|during|since)\s+(?:den\s+)?(?:\d{{1,2}}\s+)?(?:(?:{_MONTHS})\s+)?\d{{4}}$", re.I)
_TOKEN = re.compile(r"[\wåäöÅÄÖéÉ][\wåäöÅÄÖéÉ:–\-]*|[^\w\s]", re.U)
MAX_ANTECEDENT_WORDS = 10


def _is_word(token: str) -> bool:
    return bool(re.match(r"[\wåäöÅÄÖ]", token))


def _adjective_like(word: str) -> bool:
    """Swedish attributive forms that a noun follows ("regionala", "statliga", "kulturella"); a
    definite plural ("regionerna") also ends in -a but ends a noun phrase."""
    w = word.lower()
    return (w.endswith("a") and not w.endswith("na")) or w.endswith(("ig", "isk", "ande", "ende", "al", "s"))


class _SecondPhrase(Exception):
    """Subject and object both follow the verb ("När fördelade nämnden den statliga kofferten"):
    which one a pronoun means cannot be told from the form."""


def _noun_phrase(tokens: list[str], english: bool, strict: bool = False) -> list[str]:
    """The noun phrase at the start of `tokens`, with the prepositional phrases attached to it
    ("statsbidraget till regionerna"); it ends at a clause word, at a determiner that starts a
    second phrase (raising _SecondPhrase when `strict`), or at a word that cannot continue a
    noun ("Skånes kulturplan | fram")."""
    out: list[str] = []
    after_open = True  # start, determiner, adjective-like word or preposition: a word may follow
    for i, token in enumerate(tokens):
        low = token.lower()
        if not _is_word(token):
            break
        capital = token[0].isupper() or token[0].isdigit()
        if low in _CLAUSE and not (low == "om" and out):
            break
        if low in {"och", "and"} and out and out[-1].endswith("-"):
            out.append(token)  # "bild- och formområdet": one compound
            after_open = True
            continue
        if low in _DETERMINER:
            if out and out[-1].lower() not in _PREPOSITION:
                if strict:
                    raise _SecondPhrase
                break
            out.append(token)
            after_open = True
            continue
        if low in _PREPOSITION:
            if not out or i + 1 >= len(tokens) or not _is_word(tokens[i + 1]):
                break
            out.append(token)
            after_open = True
            continue
        if low in _AUXILIARY or (english and low.endswith(("ed", "ing")) and out):
            break
        if not (after_open or capital or english):
            break
        out.append(token)
        after_open = capital or _adjective_like(token) or english
    while out and (out[-1].lower() in _PREPOSITION or out[-1].lower() in _DETERMINER or out[-1].lower() in {"och", "and"}):
        out.pop()
    return out


def _after_question_word(tokens: list[str]) -> list[str]:
    """The tokens after the question word (with its noun or degree word) and the finite verb."""
    words = [t for t in tokens if _is_word(t)]
    while words and words[0].lower() in _CONTINUATION_WORDS:
        words = words[1:]
    # A question word may come after a preposition or an adverb: "Fram till när", "Senast när".
    wh = next((i for i, w in enumerate(words[:4]) if w.lower() in _WH), None)
    if wh is None:
        return words[1:]  # a yes/no question opens with its verb: "Finns det …", "Is the plan …"
    i = wh + 1
    first = words[wh].lower()
    if first in {"hur", "how"} and i < len(words) and words[i].lower() in _WH_DEGREE:
        i += 1
    elif first in _WH_DETERMINER and i < len(words) and words[i].lower() not in _AUXILIARY:
        i += 1  # the noun (or numeral) always follows "vilka"
        while i < len(words) and not _looks_finite(words[i]):
            i += 1
    return words[i + 1:]


def _looks_finite(word: str) -> bool:
    """A finite verb by form: an auxiliary, or a present, passive or past ending."""
    w = word.lower()
    return w in _AUXILIARY or w.endswith(("r", "s", "de", "te", "ed"))


def _antecedent_of(question: str) -> str | None:
    """The noun phrase a question is about, when it can be told confidently."""
    english = is_english(question)
    body, _ = _question_end(question)
    rest = _after_question_word(_TOKEN.findall(_TRAILING_DATE.sub("", body)))
    while rest and rest[0].lower() in _PREPOSITION:
        rest = rest[1:]
    try:
        phrase = " ".join(_noun_phrase(rest, english, strict=True))
    except _SecondPhrase:
        return None
    phrase = _TRAILING_DATE.sub("", phrase).strip()
    words = phrase.split()
    if not words or len(words) > MAX_ANTECEDENT_WORDS:
        return None
    # A phrase of only function words or a single short word ("det", "man") names nothing.
    anchored = any(w[0].isupper() or w[0].isdigit() or len(w) >= 6 for w in words)
    return phrase if anchored else None


_PLURAL_PRONOUN = {"de", "dem", "dessa", "they", "them"}


def _asked_for(question: str) -> str | None:
    """The set a "vilka N"/"which N" question asks for, as a definite plural ("mallarna", "the
    regions"): what a plural pronoun in the next turn means ("Senast när skulle de vara inne?")."""
    words = [t for t in _TOKEN.findall(question) if _is_word(t)]
    wh = next((i for i, w in enumerate(words[:4]) if w.lower() in {"vilka", "which", "what"}), None)
    if wh is None:
        # "Hur många regioner …" / "How many regions …" asks for a set too.
        low = [w.lower() for w in words[:5]]
        wh = next((i + 1 for i in range(len(low) - 1) if (low[i], low[i + 1]) in {("hur", "många"), ("how", "many")}), None)
        if wh is None:
            return None
        words = words[:wh - 1] + [("vilka" if words[wh - 1].lower() == "hur" else "which")] + words[wh + 1:]
        wh -= 1
    noun = [w for w in words[wh + 1:wh + 4] if not w.isdigit()]
    i = 0
    while i < len(noun) - 1 and not _looks_finite(noun[i + 1]) and _adjective_like(noun[i]):
        i += 1  # "vilka statliga myndigheter": the noun follows its adjectives
    if not noun or _looks_finite(noun[0]) and noun[0].lower() in _AUXILIARY:
        return None
    head, low = noun[i], noun[i].lower()
    if words[wh].lower() == "vilka":
        definite = low + "na" if low.endswith("r") else low + "a" if low.endswith("en") else low + "en"
        return " ".join(noun[:i] + [definite])
    if words[wh].lower() in {"which", "what"} and low.endswith("s"):
        return "the " + " ".join(noun[:i] + [head])
    return None


def _locative_of(question: str) -> str | None:
    """Where the previous question was about: its prepositional phrase ("i Samverkansrådet")."""
    rest = _after_question_word(_TOKEN.findall(question))
    if rest and rest[0].lower() in {"i", "på", "inom", "hos", "vid", "in", "at", "within"}:
        phrase = _noun_phrase(rest[1:], is_english(question))
        if phrase:
            return f"{rest[0]} {' '.join(phrase)}"
    return None


def _phrase_with(question: str, stem: str) -> str | None:
    """The name in the previous question whose head is `stem` ("Region Skånes kulturnämnd" for
    "nämnd"): the compound ending in it, with the capitalised words before it."""
    tokens = [t for t in _TOKEN.findall(question) if _is_word(t)]
    for i, token in enumerate(tokens):
        base = re.sub(r"(ens|ets|en|et|ns|s|n)$", "", token.lower())
        if i > 0 and (base.endswith(stem) or token.lower().endswith(stem)):
            start = i
            while start > 1 and tokens[start - 1][0].isupper():
                start -= 1
            return " ".join(tokens[start:i] + [token])
    return None


def _genitive(phrase: str) -> str:
    return phrase if phrase.endswith(("s", "x", "z")) else phrase + "s"


def _question_end(text: str) -> tuple[str, str]:
    stripped = text.rstrip()
    if stripped.endswith("?"):
        return stripped[:-1].rstrip(), "?"
    return stripped, ""


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _resolve(question: str, history: list[str]) -> str | None:
    """The standalone question, or None when no antecedent can be found confidently."""
    previous = history[-1]
    if len(history) > 1 and _points_back(previous):
        # Two turns back: the previous question pointed back itself, so its own resolution
        # carries the topic; if it could not be resolved, the topic is the one before it.
        resolved = _resolve(previous, history[:-1])
        if resolved is None:
            return _resolve(question, history[:-1])
        previous = resolved
    antecedent = _antecedent_of(previous)
    asked_for = _asked_for(previous)
    english = is_english(question)
    body, mark = _question_end(question)
    tokens = re.findall(r"\S+", body)
    # Drop the continuation word: "Och när ska den …" stands alone as "När ska den …".
    while tokens and tokens[0].lower().strip(",") in _CONTINUATION_WORDS and len(tokens) > 1:
        tokens = tokens[1:]
    replaced = False
    out: list[str] = []
    for i, token in enumerate(tokens):
        word = token.rstrip(",")
        tail = token[len(word):]
        low = word.lower()
        before = tokens[i - 1].lower() if i else ""
        last = i == len(tokens) - 1
        if low in _PRONOUN and _determines(tokens, i):
            out.append(token)  # "den statliga kulturkofferten": a determiner, not a pronoun
        elif low in _PLURAL_PRONOUN and asked_for:
            out.append(asked_for + tail)
            replaced = True
        elif antecedent and not replaced and (low in _PRONOUN or (low in _WEAK_PRONOUN and (before in _PREPOSITION or last))):
            # Only once: a second pronoun in the same question stands for something else.
            out.append(antecedent + tail)
            replaced = True
        elif low in _LOCATIVE and last:
            place = _locative_of(previous) or (f"{'in' if english else 'i'} {antecedent}" if antecedent else None)
            out.append((place or word) + tail)
            replaced = replaced or place is not None
        elif low in _TEMPORAL and last:
            date = _DATE.search(previous)
            out.append((date.group(0) if date else word) + tail)
            replaced = replaced or date is not None
        elif _pointer_stem(low) is not None:
            stem, genitive = _pointer_stem(low)  # type: ignore[misc]
            named = _phrase_with(previous, stem)
            if named is None:
                out.append(token)
                continue
            if before in {"the", "den", "det", "denna", "detta"} and out:
                out.pop()  # "the committee" -> the name itself
            out.append((_genitive(named) if genitive else named) + tail)
            replaced = True
        else:
            out.append(token)
    if not out:
        return None
    text = " ".join(out)
    if not replaced:
        if antecedent is None:
            return None
        # Nothing to replace in place ("Och när ska regionfullmäktige ta beslut?"): say what
        # the question is about at its end.
        text += f" {'regarding' if english else 'gällande'} {antecedent}"
    return _capitalise(text) + mark


def _pointer_stem(word: str) -> tuple[str, bool] | None:
    if word in _POINTER_NOUN:
        return _POINTER_NOUN[word], False
    if word.endswith("s") and word[:-1] in _POINTER_NOUN and word[:-1].endswith(("en", "et", "n", "t")):
        return _POINTER_NOUN[word[:-1]], True  # "nämndens ordförande"
    return None


def _determines(tokens: list[str], i: int) -> bool:
    """'den'/'de' before a definite noun (optionally after an adjective) is a determiner."""
    def definite(t: str) -> bool:
        t = t.lower().rstrip(",?")
        return len(t) > 3 and t.endswith(("en", "et", "na"))
    following = tokens[i + 1:i + 3]
    if not following:
        return False
    if definite(following[0]):
        return True
    return len(following) == 2 and _adjective_like(following[0]) and definite(following[1])


def _points_back(question: str) -> bool:
    words = {t.lower() for t in _TOKEN.findall(question)}
    return bool(_CONTINUATION.match(question)) or bool(words & (_PRONOUN | _WEAK_PRONOUN | _LOCATIVE | _TEMPORAL)) \
        or any(_pointer_stem(w) for w in words)


def resolve_follow_up(question: str, history: list[str] | tuple[str, ...], content_terms: int | None = None) -> str:
    """The follow-up as a standalone question: the pointing-back word replaced by the previous
    question's noun phrase ("Och när ska den börja gälla?" after "Vad är Regional kulturplan för
    Skåne 2025–2028?" -> "När ska Regional kulturplan för Skåne 2025–2028 börja gälla?").

    A question that is not a follow-up is returned unchanged. When no antecedent is found
    confidently, the previous turn is put before the question (what retrieval always did), so
    the previous turn's terms are never lost."""
    history = list(history)
    terms = content_terms if content_terms is not None else _rough_content_terms(question)
    if not history or not is_follow_up(question, terms):
        return question
    return standalone_question(question, history, terms) or f"{history[-1]} {question}"


def standalone_question(question: str, history: list[str] | tuple[str, ...], content_terms: int | None = None) -> str | None:
    """The follow-up resolved against the conversation, or None when it is not a follow-up or
    no antecedent was found confidently (the caller then keeps the previous turn itself)."""
    history = list(history)
    terms = content_terms if content_terms is not None else _rough_content_terms(question)
    if not history or not is_follow_up(question, terms) or not _points_back(question):
        return None
    return _resolve(question, history)


def _rough_content_terms(question: str) -> int:
    """Without the index's analyzer: words long enough to carry content."""
    return sum(1 for w in re.findall(r"\w+", question) if len(w) >= 4 and w.lower() not in _WH | _AUXILIARY)
