"""A question with several asks, cut into the parts an answer must cover one by one.

Two classes of multi-part question are recognised, both from the question's own structure:

- coordinated names or years, "… i modellen 2011, 2012 och 2013?", "… från 2019 till 2020?",
  "… 2010 respektive översynen 2023?", "… 2018 jämfört med 2019?": each coordinated member is asked about separately, so
  each becomes a part of its own ("… i modellen 2011?", "… i modellen 2012?", …); a period
  ("planen 2016–2019 jämfört med planen 2021–2024") is one member, owning both its years;
- coordinated questions, "Vem … och vad …?", "När … och varför …?", "Hur många …, och ungefär
  hur många …?": each clause that starts with its own question word is a part.

A part knows the names it mentions itself (its `own_entities`, which the sentence answering it
must name) and the text it was cut from, so an unanswered part can be named in the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "var" is also "was" ("regioner och landsting var med"): it opens a clause only right after "och".
_QUESTION_WORD = r"(?:vem|vilka|vilken|vilket|vad|när|varför|hur|who|what|when|where|why|how|which)"
# ", och ungefär hur många …", " och varför …", ", and on what date …": a new clause with its own question word.
# Not in an elided compound: "kultur- och fritidsnämnden när …" is one body, not two asks.
_CLAUSE_BREAK = re.compile(
    rf"(?<!-),?\s+(?:och|samt|and)\s+(?:(?=(?:{_QUESTION_WORD}|var)\b)|(?:\w+\s+){{1,2}}?(?={_QUESTION_WORD}\b))", re.I
)
# A comparison names two members, each asked about: "2018 jämfört med 2019", "2019 mot 2020".
_COMPARED = r"(?:jämfört\s+med|jämfört\s+mot|jämfört|mot|gentemot|versus|vs\.?|compared\s+(?:with|to))"
# What may stand between two coordinated members: "2011, 2012 och 2013", "2010 respektive 2023",
# "mellan 2018 och 2019", "för 2011 och för 2018", "Blekinge och Kronoberg", and one word that
# restates what the member is ("modellen 2010 respektive översynen 2023").
_COORDINATOR = re.compile(
    rf"^\s*(?:,\s*(?:och\s+|samt\s+|and\s+)?|(?:och|samt|respektive|till|eller|{_COMPARED}|and|or)\s+)"
    r"(?:(?:för|i|år|in|for)\s+|[a-zåäö]+\s+)?$", re.I
)
# A range's opening word belongs to the range, not to either member: "från 2019 till 2020".
_RANGE_OPENING = re.compile(r"\b(?:från|mellan|from|between)\s+$", re.I)
_COORDINATOR_WORDS = re.compile(rf"^\s*,?\s*(?:och|samt|respektive|till|eller|{_COMPARED}|and|or)?\s*(?:(?:för|i|år|in|for)\s+)?", re.I)
_YEAR = re.compile(r"^\d{4}$")
# "kulturplanen 2016–2019 jämfört med planen 2021–2024": a period is one member, not two years.
_PERIOD_DASH = re.compile(r"^\s*[-–—]\s*$")


# The words that open a question, wherever they stand ("After its first meeting …, when was …").
_INTERROGATIVE = re.compile(rf"\b(?:{_QUESTION_WORD}|var|sedan när|från när)\b", re.I)


@dataclass(frozen=True)
class Part:
    text: str
    own_entities: tuple[str, ...]  # names and numbers this part mentions itself
    # Names the rest of the question mentions that this part is still about ("… inför kulturplanen
    # 2013–2015, och ungefär hur många aktörer deltog?"); never another coordinated member.
    context_entities: tuple[str, ...] = ()
    # The clauses before and after this part's own: what only later clauses ask is theirs, not
    # this part's context.
    preceding: str = ""
    following: str = ""


# Conjunctions that open a clause setting the scene rather than asking ("… när modellen infördes
# 2011", "after its first meeting on 18 April, …"). Relative "som" is left out: "som startade
# 2024" still says which thing is asked about.
_SUBORDINATOR = re.compile(r"\b(?:när|då|efter|innan|sedan|eftersom|medan|after|when|before|since|while)\b", re.I)


def asking_clause(text: str) -> tuple[int, int]:
    """Where the clause that asks stands: from its interrogative to the first subordinate clause
    after it (the whole text for a question with no interrogative)."""
    match = _INTERROGATIVE.search(text)
    if match is None:
        return 0, len(text)
    after = _SUBORDINATOR.search(text, match.end() + 1)
    return match.start(), after.start() if after else len(text)


_MONTH = r"(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|january|february|march|june|july|august|october)"
# "vid sammanträdet den 19 juni 2024", "on 18 April": a phrase that says which meeting or day is
# meant, not what is asked about it.
_DATED_PHRASE = re.compile(
    rf"\b(?:(?:vid|på|under|at|on|in)\s+(?:[\wåäö]+\s+){{0,2}}?)?(?:den\s+)?\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|"
    rf"\b(?:vid|på|under)\s+(?:[\wåäö]+\s+)?den\s+\d{{4}}-\d{{2}}-\d{{2}}",
    re.I,
)


def split_scene(text: str) -> tuple[str, str]:
    """(what the question asks, the scene it sets): the asking clause without dated phrases, and
    everything else (text before the interrogative, subordinate clauses, dated phrases)."""
    start, end = asking_clause(text)
    asking = text[start:end]
    dated = " ".join(m.group() for m in _DATED_PHRASE.finditer(asking))
    return _DATED_PHRASE.sub(" ", asking), f"{text[:start]} {dated} {text[end:]}"


def asking_phrase(text: str, words: int = 4) -> str:
    """The interrogative that opens the question and the words after it: what kind of answer is
    wanted is said there ("Vilket verksamhetsområde …", "Hur många …"), not in a subordinate
    clause further on ("… när bild och form lades till?"). A question with no interrogative
    (a yes/no question, an imperative) is read whole."""
    if _INTERROGATIVE.search(text) is None:
        return text
    start, end = asking_clause(text)
    return " ".join(text[start:end].split()[:words])


def _kind(entity: str) -> str:
    return "year" if _YEAR.match(members_of(entity)[0]) else "number" if entity[:1].isdigit() else "name"


def _spans(text: str, entities: tuple[str, ...]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for entity in dict.fromkeys(entities):
        for m in re.finditer(rf"(?<![\wåäöÅÄÖ]){re.escape(entity)}(?![\wåäöÅÄÖ])", text):
            if m.start() not in taken:
                spans.append((m.start(), m.end(), entity))
                taken.add(m.start())
    return _periods(text, sorted(spans))


def _periods(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Two years joined only by a dash are one period ("2016–2019"), named by both years."""
    merged: list[tuple[int, int, str]] = []
    for span in spans:
        if merged and _YEAR.match(merged[-1][2]) and _YEAR.match(span[2]) and _PERIOD_DASH.match(text[merged[-1][1]:span[0]]):
            start, _, first = merged.pop()
            span = (start, span[1], f"{first}–{span[2]}")
        merged.append(span)
    return merged


def members_of(entity: str) -> tuple[str, ...]:
    """The entities a member stands for: a period "2016–2019" stands for both its years."""
    return tuple(entity.split("–")) if "–" in entity else (entity,)


def _coordinated_group(text: str, entities: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """The longest run of same-kind entities joined only by coordinators (at least two). A name
    that stands before the run's first member and is restated before a later one ("Kulturanalys
    2012 respektive Kulturanalys 2013") is that member's restating word, not a break in the run."""
    spans = _spans(text, entities)
    best: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []
    restating: str | None = None  # the name just before the run's first member
    previous: tuple[int, int, str] | None = None
    for span in spans:
        if run and span[2] == restating and _kind(span[2]) != _kind(run[-1][2]):
            continue
        if run and _kind(run[-1][2]) == _kind(span[2]) and _COORDINATOR.match(text[run[-1][1]:span[0]]):
            run.append(span)
        else:
            run = [span]
            restating = previous[2] if previous is not None and not text[previous[1]:span[0]].strip() else None
        previous = span
        if len(run) > len(best):
            best = list(run)
    return best if len(best) >= 2 else []


def _entities_in(text: str, entities: tuple[str, ...]) -> tuple[str, ...]:
    """The entities the clause that asks names; those in a scene-setting clause are context."""
    start, end = asking_clause(text)
    return tuple(e for e in dict.fromkeys(entities) if any(start <= s < end for s, _, _ in _spans(text, (e,))))


# "Var och när hölls …?", "Vem och när …?": question words coordinated before one clause.
_LONE_QUESTION_WORD = re.compile(rf"^\s*(?:{_QUESTION_WORD}|var)\s*[,?]?\s*$", re.I)
_OPENING_QUESTION_WORD = re.compile(rf"^\s*(?:{_QUESTION_WORD}|var)\b", re.I)


def _shared_clauses(clauses: list[str]) -> list[str]:
    """A clause that is only a question word asks its own thing of the clause after it: "Var och
    när hölls överläggningarna 2023?" is "Var hölls överläggningarna 2023?" and "när hölls
    överläggningarna 2023?", each naming what the shared clause names."""
    out: list[str] = []
    for i, clause in enumerate(clauses):
        if _LONE_QUESTION_WORD.match(clause) and i + 1 < len(clauses):
            following = clauses[i + 1]
            opening = _OPENING_QUESTION_WORD.match(following)
            clause = clause.strip(" ,?") + (following[opening.end():] if opening else f" {following}")
        out.append(clause)
    return out


def split_parts(question: str, entities: tuple[str, ...]) -> tuple[Part, ...]:
    """The question's parts, in order; a single-ask question is one part, itself."""
    clauses = _shared_clauses([c.strip() for c in _CLAUSE_BREAK.split(question) if c and c.strip()])
    clauses = clauses if len(clauses) > 1 else [question]
    members = {m for clause in clauses for _, _, e in _coordinated_group(clause, entities) for m in members_of(e)}
    parts: list[Part] = []
    for i, clause in enumerate(clauses):
        # A clause that names nothing of its own ("…, och ungefär hur många aktörer deltog?") is
        # about what the clauses before it name; one that does ("… och hur mycket fick Halland?")
        # stands on its own.
        inherits = not _entities_in(clause, entities)
        named_before = {e for earlier in clauses[:i] for e in _entities_in(earlier, entities)}
        for p in _clause_parts(clause, entities):
            context = tuple(
                e for e in dict.fromkeys(entities)
                if e not in p.own_entities and e not in members
                and (e in _scene_entities(clause, entities) or (inherits and e in named_before))
            )
            parts.append(Part(p.text, p.own_entities, context, " ".join(clauses[:i]), " ".join(clauses[i + 1:])))
    return tuple(parts)


def _scene_entities(text: str, entities: tuple[str, ...]) -> tuple[str, ...]:
    """Entities of the text outside its asking clause (its scene)."""
    start, end = asking_clause(text)
    return tuple(e for e in dict.fromkeys(entities) if any(not start <= s < end for s, _, _ in _spans(text, (e,))))


# "… 2012 jämfört med beslutet då alla 20 regioner fick höjda statsbidrag?": a comparison whose
# second member is described, not named.
_COMPARED_OCCASION = re.compile(r"^(?P<head>.*\S)\s+(?:jämfört\s+med|compared\s+(?:with|to))\s+(?P<other>\S+(?:\s+\S+){2,})$", re.I)


def _compared_parts(clause: str, entities: tuple[str, ...]) -> list[Part] | None:
    """Class: one value asked of two occasions, the second described ("Hur mycket fördelade
    styrelsen 2012 jämfört med beslutet då alla regioner fick höjda statsbidrag?"). Each occasion
    is its own part; the second asks the first's question of what it describes."""
    match = _COMPARED_OCCASION.match(clause)
    if match is None or _INTERROGATIVE.search(match["head"]) is None:
        return None
    head, other = match["head"], match["other"].rstrip("?")
    opening = " ".join(asking_phrase(head).split()[:2])
    return [Part(f"{head}?", _entities_in(head, entities)), Part(f"{opening} {other}?", _entities_in(other, entities))]


def _clause_parts(clause: str, entities: tuple[str, ...]) -> list[Part]:
    group = _coordinated_group(clause, entities)
    if not group:
        return _compared_parts(clause, entities) or [Part(clause, _entities_in(clause, entities))]
    start, end = group[0][0], group[-1][1]
    head = _RANGE_OPENING.sub("", clause[:start])
    members = [m for _, _, e in group for m in members_of(e)]
    rest = tuple(e for e in _entities_in(clause, entities) if e not in members)
    parts = []
    for i, (m_start, m_end, member) in enumerate(group):
        # The member with the word that restates it ("översynen 2023"), which then stands in for
        # the first member's ("modellen 2010"); the coordinator before it dropped.
        restated = "" if i == 0 else _COORDINATOR_WORDS.sub("", clause[group[i - 1][1]:m_start])
        lead = re.sub(r"[a-zåäö]+\s+$", "", head, flags=re.I) if restated.strip() else head
        parts.append(Part(f"{lead}{restated}{clause[m_start:m_end]}{clause[end:]}", rest + members_of(member)))
    return parts
