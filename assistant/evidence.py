"""Sentence-level evidence: how well each sentence (or list) of the retrieved passages answers a
question, and whether each part of the question has a sentence that answers it.

A candidate's score combines, for a reason each:
- lexical coverage: the idf-weighted share of the question's terms the sentence holds (its own
  words fully, its passage's title and section at half weight, because a heading says what the
  sentence under it is about);
- meaning: the embedder's similarity of the question to the sentence (sentence vectors stored at
  ingest, ingest/sentences.py), min-max scaled over the candidates of this question because e5's
  raw cosines all sit in a narrow band; it separates a sentence that answers from one that
  merely shares words;
- answer shape: the sentence holds the kind of answer asked for (a date, an amount, a body);
- the passage's retrieval rank, as a mild prior.

A part of a question is supported by its best sentence that (1) names what the part itself names
(a region, a year, a §) within its window, the sentence and the one before it plus the passage's
title, section, publisher and date, while what only a scene-setting clause of the question names
("… när modellen infördes 2011") need only be named by its document's retrieved passages; (2) holds a value of the kind the part asks for, when it asks for a fact
(a date, an amount, a count of the asked thing), and negates or excepts when the part asks for
what did not happen ("Vilka kommuner deltog inte?"); and (3) covers at least `min_support` of the
part's weighted terms within that window. `min_support` is chosen on the dev split (see
evals/report.md); below it the part has no support and is named as such in the answer.
"""

from __future__ import annotations

import re

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from assistant.answer_types import ANSWER_KINDS, CONSEQUENCE, FUTURE_MARKER, MEMBER_ROLE_ROOT, TOLD_AS_DONE, NEGATION, PARTY_MEMBER, ROLE, answers_with, names_person, list_holds_amounts, states_count
from assistant.query import Query, QueryPart
from assistant.schema import ChunkMeta, RetrievedChunk
from assistant.units import Unit, split_units
from ingest.analyzer import SwedishAnalyzer, inflection_root
from ingest.dates import FULL_DATE, MONTHS, as_iso, spelled

# How far into the next sentence a connective still links it to the one before ("Detta beror
# främst på att …", "Som en följd därav …"): its opening words.
FOLLOWING_WORDS = 5

# Similarities of a question to stored sentences: chunk id -> unit position -> cosine.
Similarities = dict[str, dict[int, float]]
Missing = Literal["", "name", "value", "reason", "coverage"]


@dataclass(eq=False)  # identity: one sentence of one passage
class Candidate:
    unit: Unit
    hit: RetrievedChunk
    rank: int
    coverage: float
    score: float
    terms: frozenset[str]  # the sentence's own terms
    window: frozenset[str]  # its terms, the sentence before's, and its passage's labels
    chunk_terms: frozenset[str]  # everything its passage says, with title and section
    doc_terms: frozenset[str]  # everything the retrieved passages of its document say
    following: str = ""  # the opening words of the next sentence in its passage


@dataclass(frozen=True)
class PartSupport:
    part: QueryPart
    best: Candidate | None
    support: float
    missing: Missing  # why the part is unsupported ("" when it is supported)

    @property
    def supported(self) -> bool:
        return self.missing == ""


def mentions(terms: AbstractSet[str], term: str) -> bool:
    """`term` or an inflection of it ("begärd" ~ "begär", "tilldelning" ~ "tilldelningen")."""
    prefix = inflection_root(term)
    return any(t.startswith(prefix) for t in terms)


def own_date(meta: ChunkMeta) -> str:
    """The document's own date as text names it ("24 oktober 2012"); nothing for a file's time."""
    return spelled(meta.own_published)


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s?[–-]\s?((?:19|20)\d{2})\b")


def period_only_years(hit: RetrievedChunk) -> frozenset[str]:
    """Class: the wrong year's amount. Years that the passage's title or section names only as the
    end of a period ("Ny kulturnämnd för åren 2019-2022") while its text speaks of other years
    ("… regionbidrag för 2019"): such a label does not say the passage is about that year, so it
    does not name it for a sentence's window. A passage whose text names no year keeps its label."""
    text_years = set(_YEAR.findall(hit.text))
    if not text_years:
        return frozenset()
    labels = f"{hit.meta.title} {hit.meta.section}"
    ends = {year for match in _PERIOD.finditer(labels) for year in match.groups()}
    exact = set(_YEAR.findall(_PERIOD.sub(" ", labels)))
    return frozenset(ends - exact - text_years)


# "jämfört med 2019", "än 2018", "från nivån 2017": a year an amount is measured against.
_COMPARED_YEAR = re.compile(
    r"\b(?:jämfört\s+med|jämfört\s+mot|jämfört|än|mot|från|sedan)\s+(?:(?:år|året|nivån|föregående\s+år)\s+)?((?:19|20)\d{2})\b", re.I
)


def states_value_of(text: str, years: AbstractSet[str]) -> bool:
    """Class: the wrong year's amount. A sentence names a value for the asked year unless the
    years it names, other than those it compares with ("en höjning med 10,6 miljoner jämfört med
    2019"), leave the asked year out ("313,3 miljoner kronor för 2020"); a year it names only as
    a comparison is not the one its value is for. A sentence naming no year of its own leaves it
    to its passage's labels and the sentence before. Periods name every year they span."""
    compared = set(_COMPARED_YEAR.findall(text))
    spanned = {str(y) for a, b in _PERIOD.findall(text) if int(a) <= int(b) <= int(a) + 20 for y in range(int(a), int(b) + 1)}
    own = (set(_YEAR.findall(_COMPARED_YEAR.sub(" ", text))) | spanned)
    if own:
        return bool(own & years)
    return not (compared & years)


# The model's three levels as compounds write them: "statsbidrag", "regionbidrag",
# "landstingsbidrag", "kommunbidrag".
_LEVELS = (("stats", "state"), ("regions", "region"), ("region", "region"), ("landstings", "region"),
           ("kommunal", "municipality"), ("kommun", "municipality"))


def _level(term: str) -> tuple[str, str] | None:
    """(level, head) of a level compound ("regionbidrag" -> ("region", "bidrag")), else None."""
    for prefix, level in _LEVELS:
        if term.startswith(prefix) and len(term) - len(prefix) >= 4:
            return level, term[len(prefix):]
    return None


def other_levels_money(asked: AbstractSet[str], sentence: AbstractSet[str]) -> bool:
    """Class: whose money. The model's funding comes from three levels, and a question about one
    ("Hur stort var statsbidraget 2019?") is not answered by a sentence about another's ("302
    miljoner kronor i regionbidrag för 2019"): the same head ("bidrag") under another level's
    prefix, with the asked compound absent from the sentence."""
    for term in asked:
        if (found := _level(term)) is None or term in sentence:
            continue
        level, head = found
        if any((other := _level(t)) is not None and other[1] == head and other[0] != level for t in sentence):
            return True
    return False


def label_text(meta: ChunkMeta) -> str:
    """What a passage's labels say: title, section, publisher, body and its date (as stored and as
    text names it)."""
    return f"{meta.label} {meta.publisher} {meta.body} {meta.published or ''} {own_date(meta)}"


def naming_documents(analyzer: SwedishAnalyzer, query: Query, hits: list[RetrievedChunk]) -> set[str]:
    """Documents among `hits` that name everything the question is specifically about (a region,
    a year, an SFS number), counting the names a follow-up borrows from the conversation; of a
    question in parts, everything one part is about. For
    trails and timelines, which follow one document's decision or process: for 'När beslutade
    kulturnämnden om Skånes kulturplan?' another region's minutes tell another decision."""
    held: dict[str, frozenset[str]] = {}
    for hit in hits:
        doc_id = hit.meta.doc_id
        held[doc_id] = held.get(doc_id, frozenset()) | analyzer.term_set(f"{label_text(hit.meta)} {hit.text}")
    # "… för Skåne och Västra Götaland": coordinated names are alternatives, each part's own.
    alternatives = (
        [part.own_entity_terms + part.context_entity_terms for part in query.parts]
        if len(query.parts) > 1 else [query.subject_entity_terms]
    )
    return {doc for doc, terms in held.items() if any(all(group & terms for group in groups) for groups in alternatives)}


def holds_day_in(text: str, month: int) -> bool:
    """A day of `month` ("den 28 september", "2023-09-28")."""
    name = next(n for n, m in MONTHS.items() if m == month)
    return bool(re.search(rf"\b[0-3]?\d\s+{name}\b|\b(?:19|20)\d{{2}}-{month:02d}-[0-3]\d\b", text, re.I))


_MONTH_YEAR = re.compile(rf"\b(?P<month>{'|'.join(MONTHS)})\s+(?P<year>(?:19|20)\d{{2}})\b", re.I)


def reports_past(cand: Candidate) -> bool:
    """Class: when something will happen (question_words.FUTURE_ASK). The sentence names years, all
    of them before its document's own date, and names no future or intent ("ska", "planeras",
    "nästa"): it reports an earlier step, not the one still to come. A sentence naming no year is
    given the benefit of the doubt; in a document without a date of its own, a sentence telling
    what was done ("Styrelsen gav den 19 september 2018 kansliet i uppdrag …") reports the past."""
    own = cand.hit.meta.own_published
    text = cand.unit.text
    if FUTURE_MARKER.search(text):
        return False
    if not own:
        return bool(TOLD_AS_DONE.search(text))
    # A day or month up to the document's own ("Stockholm i september 2023" in a report of
    # 2023-09) is past; a bare year only when earlier, since "hösten 2024" may still be to come.
    days = [iso for m in FULL_DATE.finditer(text) if (iso := as_iso(m))]
    rest = FULL_DATE.sub(" ", text)
    months = [f"{m['year']}-{MONTHS[m['month'].lower()]:02d}" for m in _MONTH_YEAR.finditer(rest)]
    years = _YEAR.findall(_MONTH_YEAR.sub(" ", rest))
    dated = [d[: len(own)] for d in (*days, *months)]
    return bool(dated or years) and all(d <= own[: len(d)] for d in dated) and all(y < own[:4] for y in years)


class EvidenceModel:
    def __init__(
        self, analyzer: SwedishAnalyzer, rank_decay: float = 0.1, shape_bonus: float = 0.2,
        list_bonus: float = 0.1, semantic_weight: float = 0.2, min_support: float = 0.2,
    ):
        self.analyzer = analyzer
        self.rank_decay, self.shape_bonus, self.list_bonus = rank_decay, shape_bonus, list_bonus
        self.semantic_weight, self.min_support = semantic_weight, min_support

    def candidates(self, query: Query, hits: list[RetrievedChunk], similarities: Similarities | None = None) -> list[Candidate]:
        weights = query.answer_terms
        total = sum(weights.values()) or 1.0
        out: list[Candidate] = []
        chunk_terms_of = [self.analyzer.term_set(f"{h.meta.label} {own_date(h.meta)} {h.text}") for h in hits]
        doc_terms_of: dict[str, frozenset[str]] = {}
        for hit, terms in zip(hits, chunk_terms_of):
            doc_terms_of[hit.meta.doc_id] = doc_terms_of.get(hit.meta.doc_id, frozenset()) | terms
        signed = "person" in query.shape_kinds  # "Ivar Wenster, ordförande" answers who chaired
        referenced = "reference" in query.shape_kinds  # "Diarienummer: Ku2010/961/KV" answers which number
        for rank, hit in enumerate(hits):
            labels = self.label_terms(hit) - period_only_years(hit)
            # A list under a heading the question names ("dagordning") is what it asks for.
            heading_named = bool(weights.keys() & self.analyzer.term_set(hit.meta.section))
            prior = 1.0 / (1.0 + self.rank_decay * rank)
            chunk_terms, doc_terms = chunk_terms_of[rank], doc_terms_of[hit.meta.doc_id]
            previous: frozenset[str] = frozenset()
            units = split_units(hit.text)
            for position, unit in enumerate(units):
                terms = self.analyzer.term_set(unit.text)
                window, previous = terms | previous | labels, terms
                if not unit.is_list and len(unit.text.split()) < 4 and not (signed and names_person(unit.text)) and not (
                    referenced and ANSWER_KINDS["reference"].held_by(unit.text, query.text)
                ):
                    continue  # bare dates and headings answer nothing, a signature only who signed, "Dnr …" which number
                coverage = self._coverage(weights, total, terms, labels, query.unindexed_terms)
                score = coverage * prior
                if unit.is_list and (query.wants_list or heading_named):
                    score += self.list_bonus
                if coverage > 0 and any(answers_with(shape, unit.text, query.text) for shape in query.shapes):
                    score += self.shape_bonus
                following = " ".join(units[position + 1].text.split()[:FOLLOWING_WORDS]) if position + 1 < len(units) else ""
                out.append(Candidate(unit, hit, rank, coverage, score, terms, window, chunk_terms, doc_terms, following))
        self._add_meaning(out, similarities)
        # Ties broken by retrieval order and position, never by set order (deterministic answers).
        return sorted(out, key=lambda c: (-c.score, c.rank, c.unit.position))

    def _add_meaning(self, candidates: list[Candidate], similarities: Similarities | None) -> None:
        if not similarities or not self.semantic_weight:
            return
        sims = {id(c): similarities.get(c.hit.meta.chunk_id, {}).get(c.unit.position) for c in candidates}
        known = [s for s in sims.values() if s is not None]
        if len(known) < 2 or max(known) == min(known):
            return
        low, span = min(known), max(known) - min(known)
        for c in candidates:
            s = sims[id(c)]
            if s is not None and c.coverage > 0:
                c.score += self.semantic_weight * (s - low) / span

    @staticmethod
    def _coverage(
        weights: dict[str, float], total: float, own: frozenset[str], context: frozenset[str],
        unindexed: frozenset[str] = frozenset(),
    ) -> float:
        """The weighted share of the question's terms a sentence holds, those of its context at half
        weight. A question word no passage uses ("kulturkoffertn", "samverkansmodelen") is held by
        a word that begins as it does ("kulturkofferten"): it is a misspelling or an inflection
        the index lacks, and no sentence could hold it exactly."""
        def has(terms: frozenset[str], term: str) -> bool:
            return term in terms or (term in unindexed and len(term) >= 6 and mentions(terms, term))

        held = sum(w for t, w in weights.items() if has(own, t))
        borrowed = sum(w for t, w in weights.items() if not has(own, t) and has(context, t))
        return (held + 0.5 * borrowed) / total

    def label_terms(self, hit: RetrievedChunk) -> frozenset[str]:
        return self.analyzer.term_set(label_text(hit.meta))

    def support(
        self, query: Query, part: QueryPart, candidates: list[Candidate], taken: AbstractSet[int] = frozenset()
    ) -> PartSupport:
        """The part's best answering sentence, or why there is none (the first test it fails).
        Sentences in `taken` (ids of other parts' answers) are passed over."""
        inherited = part.context_entity_terms
        total = sum(part.answer_terms.values()) or 1.0
        required = part.required_shapes
        missing: Missing = "name"
        best: Candidate | None = None
        best_key = (-1.0, -1.0)
        # The years a value is asked for ("Hur mycket fick Skåne 2019?").
        asks_value = bool({"amount", "share", "count"} & set(part.shape_kinds))
        years = {t for g in part.own_entity_terms for t in g if _YEAR.fullmatch(t)} if asks_value else set()
        for cand in candidates:
            if id(cand) in taken:
                continue
            if (
                not all(g & cand.window for g in part.own_entity_terms)
                or not all(g & cand.doc_terms for g in (*inherited, *part.date_entity_terms))
                or (years and not states_value_of(cand.unit.text, years))
                or other_levels_money(part.answer_terms.keys(), cand.terms)
                or (part.speaker_terms and not part.speaker_terms & cand.window)
            ):
                continue
            if (required and not self._holds_answer(cand, query, part)) or (
                part.role_roots and not self._holds_role(cand, part.role_roots)
            ) or (
                part.negated and not NEGATION.search(cand.unit.text)
            ) or (
                part.asks_future and reports_past(cand)
            ) or (
                part.day_month is not None and not holds_day_in(cand.unit.text, part.day_month)
            ) or not all(ANSWER_KINDS[k].held_by(cand.unit.text, query.text) for k in part.conditions if not ANSWER_KINDS[k].nearby):
                missing = "value" if missing == "name" else missing
                continue
            if not all(self._held_nearby(k, cand, part) for k in part.conditions if ANSWER_KINDS[k].nearby):
                missing = "reason" if missing == "name" else missing
                continue
            coverage = self._coverage(part.answer_terms, total, cand.terms, cand.window - cand.terms, query.unindexed_terms)
            key = (coverage / (1.0 + self.rank_decay * cand.rank), coverage)
            if key > best_key:
                best, best_key = cand, key
        if best is None:
            return PartSupport(part, None, 0.0, missing)
        if best_key[1] < self.min_support:
            return PartSupport(part, best, best_key[1], "coverage")
        return PartSupport(part, best, best_key[1], "")

    def _held_nearby(self, kind: str, cand: Candidate, part: QueryPart) -> bool:
        """The sentence holds the kind, or the next one opens with it (answer_types.AnswerKind.nearby):
        "… förlängdes planen. Skälet är …", "… sänktes bidraget. Detta beror på …". A cue that
        introduces a consequence (answer_types.CONSEQUENCE) tells why only of what follows it:
        "Stockholm har inte gått med och därför förmedlas medlen via NFH" says what Stockholm's
        absence causes, not why Stockholm is absent."""
        text = f"{cand.unit.text} {cand.following}"
        asked = part.answer_terms.keys()
        for match in ANSWER_KINDS[kind].holds.finditer(text):
            if not CONSEQUENCE.fullmatch(match.group()):
                return True
            after = self.analyzer.term_set(text[match.end():])
            if any(mentions(after, term) for term in asked):
                return True
        return False

    @staticmethod
    def _holds_role(cand: Candidate, roots: frozenset[str]) -> bool:
        """The sentence names the asked role ("ordförande", "ledamot"), or, when members are
        asked for, marks its people by party and names them in no other capacity ("Isabella
        Hökmark (M)", not "Maria Ward (S), kulturnämndens ordförande"; answer_types.PARTY_MEMBER)."""
        if any(root in term for root in roots for term in cand.terms):
            return True
        # Line by line: a signature block (assistant.units) names the chair beside the members.
        return MEMBER_ROLE_ROOT in roots and any(
            PARTY_MEMBER.search(line) and not ROLE.search(line) for line in cand.unit.text.splitlines()
        )

    @staticmethod
    def _holds_answer(cand: Candidate, query: Query, part: QueryPart) -> bool:
        """The sentence states a value the question lacks, and a count counts the asked thing:
        "hur många anställda" is not answered by "22 miljoner", and "hur många delstudier" is
        answered by "tre delstudier" whatever unit list the amount shape knows."""
        if part.counted_terms is not None:
            # The counted noun itself or a compound's head ("kulturpolitiker" counts "politiker"),
            # never a word that merely begins as it does ("kulturpolitiska överläggningar").
            counts = bool(part.counted_terms & cand.terms) or any(
                term.endswith(t) for t in part.counted_terms if len(t) >= 5 for term in cand.terms
            )
            return counts and states_count(cand.unit.text, query.text)
        if cand.unit.is_list and "amount" in part.shape_kinds and list_holds_amounts(cand.unit.text, query.text):
            return True
        return any(ANSWER_KINDS[k].held_by(cand.unit.text, query.text) for k in part.shape_kinds if ANSWER_KINDS[k].required)
