"""The default answerer, no LLM: quote the sentences and lists that answer the question,
each marked with its source, or say plainly that the documents do not support an answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Set as AbstractSet
from dataclasses import dataclass

from assistant.answer_types import NUMBER, answers_with
from assistant.citations import make_citation, short_reference
from assistant.query import Query
from assistant.schema import Answer, Citation, DocType, RetrievedChunk
from assistant.units import Unit, split_units
from assistant.vocabulary import Vocabulary
from ingest.analyzer import SwedishAnalyzer

ABSTAIN_SV = "Jag hittar inget stöd för det i underlagen."
ABSTAIN_EN = "I can't find support for that in the documents."
# Separates non-adjacent excerpts of one passage inside a citation's quote.
QUOTE_SEPARATOR = " … "
_DEFINITION = re.compile(r"\b(avses|innebär|är en|är ett|means|is a)\b", re.I)

_POINTS_BACK = re.compile(r"(Det innebär|Det betyder|Detta|Det här|Denna|Dessa|Därför|Dessutom|Därmed|Han|Hon|Hen|Beslutet)\b")
@dataclass
class Candidate:
    unit: Unit
    hit: RetrievedChunk
    rank: int
    coverage: float
    score: float
    terms: frozenset[str]


class ExtractiveAnswerer:
    def __init__(
        self,
        analyzer: SwedishAnalyzer,
        idf: Callable[[list[str]], dict[str, float]],
        min_coverage: float = 0.10,
        max_units: int = 8,
        relative_cutoff: float = 0.5,
        rank_decay: float = 0.1,
        shape_bonus: float = 0.2,
        list_bonus: float = 0.1,
        vocabulary: Vocabulary | None = None,
    ):
        self.analyzer, self.idf = analyzer, idf
        self.min_coverage = min_coverage
        self.max_units, self.relative_cutoff = max_units, relative_cutoff
        self.rank_decay, self.shape_bonus, self.list_bonus = rank_decay, shape_bonus, list_bonus
        self.vocabulary = vocabulary

    def candidates(self, query: Query, hits: list[RetrievedChunk]) -> list[Candidate]:
        weights = query.answer_terms
        total = sum(weights.values()) or 1.0
        wants_list = query.wants_list
        answer_shapes = query.shapes
        out: list[Candidate] = []
        for rank, hit in enumerate(hits):
            context = self.analyzer.term_set(f"{hit.meta.title} {hit.meta.section}")
            # A list under a heading the question names ("dagordning") is what it asks for.
            heading_named = bool(weights.keys() & self.analyzer.term_set(hit.meta.section))
            prior = 1.0 / (1.0 + self.rank_decay * rank)
            for unit in split_units(hit.text):
                if not unit.is_list and len(unit.text.split()) < 4:
                    continue  # signatures, bare dates and headings answer nothing
                terms = self.analyzer.term_set(unit.text)
                own = sum(w for t, w in weights.items() if t in terms)
                borrowed = sum(w for t, w in weights.items() if t in context and t not in terms)
                coverage = (own + 0.5 * borrowed) / total
                score = coverage * prior + (self.list_bonus if unit.is_list and (wants_list or heading_named) else 0.0)
                if coverage > 0 and any(answers_with(shape, unit.text, query.text) for shape in answer_shapes):
                    score += self.shape_bonus
                out.append(Candidate(unit, hit, rank, coverage, score, terms))
        return sorted(out, key=lambda c: -c.score)

    def select(self, candidates: list[Candidate], entities: tuple[frozenset[str], ...] = ()) -> list[Candidate]:
        best = candidates[0]
        chosen = [best]
        for cand in candidates[1:]:
            if len(chosen) >= self.max_units:
                break
            if cand.score < self.relative_cutoff * best.score or cand.coverage < 0.8 * self.min_coverage:
                continue
            if any(_similar(cand.terms, c.terms) for c in chosen):
                continue  # the same sentence from another version of the same page
            chosen.append(cand)
        # "2010 respektive 2023": each thing the question names gets its best sentence, even
        # when the other one's source scores higher throughout.
        for group in entities:
            if any(group & self._evidence_terms(c) for c in chosen):
                continue
            covering = next((
                c for c in candidates
                if c.coverage >= self.min_coverage and group & self._evidence_terms(c)
                and not any(_similar(c.terms, other.terms) for other in chosen)
            ), None)
            if covering:
                chosen.append(covering)
        return chosen

    def _evidence_terms(self, cand: Candidate) -> frozenset[str]:
        return cand.terms | self._label_terms(cand.hit)

    def _holds_answer(self, cand: Candidate, query: Query, shapes: list[re.Pattern[str]]) -> bool:
        """The sentence states a date or amount the question lacks, and a count counts the asked
        thing: "hur många anställda" is not answered by "22 miljoner", and "hur många
        delstudier" is answered by "tre delstudier" whatever unit list the amount shape knows."""
        if query.counted_terms is not None:
            counts = bool(query.counted_terms & cand.terms) or any(
                _mentions(cand.terms, t) for t in query.counted_terms if len(t) >= 5
            )
            return counts and answers_with(NUMBER, cand.unit.text, query.text)
        return any(answers_with(shape, cand.unit.text, query.text) for shape in shapes)

    def _label_terms(self, hit: RetrievedChunk) -> frozenset[str]:
        return self.analyzer.term_set(f"{hit.meta.title} {hit.meta.section} {hit.meta.published or ''}")

    def _chunk_terms(self, hit: RetrievedChunk) -> frozenset[str]:
        return self.analyzer.term_set(f"{hit.meta.title} {hit.meta.section} {hit.text}")

    def answer(self, query: Query, hits: list[RetrievedChunk]) -> Answer:
        english = query.english
        candidates = self.candidates(query, hits)
        if not candidates:
            return self.abstain(query, hits)
        if not english and candidates[0].coverage < self.min_coverage:
            return self.abstain(query, hits)
        unknown = self._unknown_words(query, hits)
        if unknown:
            return self.abstain(query, hits, unknown_words=unknown)
        # Sentences must come from passages that mention what the question is specifically about
        # (a municipality, a year, an SFS number); otherwise they answer a different question.
        entities = query.entity_terms
        if entities:
            terms_of = {h.meta.chunk_id: self._chunk_terms(h) for h in hits}
            candidates = [c for c in candidates if any(g & terms_of[c.hit.meta.chunk_id] for g in entities)]
            if not candidates:
                return self.abstain(query, hits)
        chosen = _with_antecedents(self.select(candidates, entities), candidates)
        if entities:
            # The quoted sentences themselves (with their title and section) must name them.
            covered = set().union(*(self._evidence_terms(c) for c in chosen))
            if not all(g & covered for g in entities):
                return self.abstain(query, hits)
        # A question for a date or an amount is answered only by a sentence that holds one.
        required = query.required_shapes
        if required:
            answering = [c for c in chosen if self._holds_answer(c, query, required)]
            # Their passages must name everything the question is about: another region's budget
            # is no answer (each of "2011, 2012 och 2013" may come from a different passage).
            named = set().union(*(self._chunk_terms(c.hit) for c in answering))
            if not answering or not all(group & named for group in entities):
                return self.abstain(query, hits)
            # … and say what the question asks about: "den 20 april 2023 beslutade regeringen om
            # tilläggsdirektiv" does not tell when a proposition comes.
            focus = query.focus_terms
            if focus and not english and not any(_mentions(named, term) for term in focus):
                return self.abstain(query, hits)
        chosen = self._order(chosen, query)
        citations: dict[str, Citation] = {}
        quotes: dict[str, list[str]] = {}
        for cand in chosen:
            cid = cand.hit.meta.chunk_id
            quotes.setdefault(cid, []).append(cand.unit.text)
            if cid not in citations:
                citations[cid] = make_citation(len(citations) + 1, cand.hit, "")
        citations = {cid: c.model_copy(update={"quote": QUOTE_SEPARATOR.join(quotes[cid])}) for cid, c in citations.items()}
        body = self._render(chosen, citations)
        lead = self._lead(chosen[0], english)
        return Answer(
            question=query.text, answer=f"{lead}\n\n{body}" if lead else body, abstained=False,
            citations=list(citations.values()), retrieved=hits,
        )

    def _unknown_words(self, query: Query, hits: list[RetrievedChunk]) -> list[str]:
        if self.vocabulary is None:
            return []
        # A question naming a regulation that was found ("förordningen (1996:1598)") is about
        # that text, whatever words it uses for what the text says.
        if query.regulation_refs:
            found = set().union(*(self._chunk_terms(h) for h in hits))
            if any(ref in found for ref in query.regulation_refs):
                return []
        return self.vocabulary.unknown_words(
            query.text, [f"{h.meta.title} {h.meta.section}" for h in hits], english=query.english
        )

    def abstain(self, query: Query, hits: list[RetrievedChunk], unknown_words: list[str] | None = None) -> Answer:
        english = query.english
        suggestions: list[Citation] = []
        for hit in hits:
            if hit.meta.doc_id not in {s.doc_id for s in suggestions}:
                suggestions.append(make_citation(len(suggestions) + 1, hit, ""))
            if len(suggestions) == 3:
                break
        intro = ABSTAIN_EN if english else ABSTAIN_SV
        if unknown_words:
            quoted = ", ".join(f"”{w}”" for w in unknown_words)
            intro += f" Inget av dokumenten använder {'ordet' if len(unknown_words) == 1 else 'orden'} {quoted}."
        if suggestions:
            closest = "The closest documents are:" if english else "De dokument som ligger närmast frågan är:"
            lines = "\n".join(f"- {s.title}" + (f" ({s.published})" if s.published else "") for s in suggestions)
            text = f"{intro} {closest}\n{lines}"
        else:
            text = intro
        return Answer(question=query.text, answer=text, abstained=True, suggestions=suggestions, retrieved=hits)

    @staticmethod
    def _order(chosen: list[Candidate], query: Query) -> list[Candidate]:
        if query.chronological:
            return sorted(chosen, key=lambda c: (c.hit.meta.published_key or 0, c.hit.meta.chunk_index, c.unit.position))
        # Best source first, each source's sentences together and in their own order, except
        # that a list which is the best answer leads its source; for a "what is" question a
        # definition goes first.
        first_seen = {c.hit.meta.chunk_id: i for i, c in reversed(list(enumerate(chosen)))}
        leading_lists = {id(c) for c in chosen if c.unit.is_list and chosen.index(c) == first_seen[c.hit.meta.chunk_id]}
        ordered = sorted(
            chosen, key=lambda c: (first_seen[c.hit.meta.chunk_id], id(c) not in leading_lists, c.unit.position)
        )
        if not query.wants_definition:
            return ordered
        definitions = [c for c in ordered if _DEFINITION.search(c.unit.text) and not c.unit.is_list]
        return definitions[:1] + [c for c in ordered if c not in definitions[:1]]

    @staticmethod
    def _render(chosen: list[Candidate], citations: dict[str, Citation]) -> str:
        paragraphs: list[str] = []
        previous_chunk = None
        for cand in chosen:
            n = citations[cand.hit.meta.chunk_id].n
            if cand.unit.is_list:
                lead, _, items = cand.unit.text.partition("\n")
                text = f"{lead} [{n}]\n{items}" if lead and not lead.startswith(("-", "1.")) else f"[{n}]\n{cand.unit.text}"
                paragraphs.append(text)
                previous_chunk = None
                continue
            sentence = f"{cand.unit.text} [{n}]"
            if previous_chunk == cand.hit.meta.chunk_id and paragraphs:
                paragraphs[-1] += f" {sentence}"
            else:
                paragraphs.append(sentence)
            previous_chunk = cand.hit.meta.chunk_id
        return "\n\n".join(paragraphs)

    @staticmethod
    def _lead(first: Candidate, english: bool) -> str:
        meta = first.hit.meta
        if meta.doc_type != DocType.regulation or not meta.paragraph:
            return ""
        reference = f"{short_reference(meta.title, meta.doc_type)} {meta.section}"
        return f"According to {reference}:" if english else f"Enligt {reference}:"


def _mentions(terms: AbstractSet[str], term: str) -> bool:
    """`term` or an inflection of it ("begärd" ~ "begär", "tilldelning" ~ "tilldelningen")."""
    prefix = term[: max(5, len(term) - 2)]
    return any(t.startswith(prefix) for t in terms)


def _with_antecedents(chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """'Det innebär att Region Skåne fördelar statsbidrag …' quoted alone hides who does it:
    a sentence that points back gets the sentence before it from the same passage."""
    by_position = {(c.hit.meta.chunk_id, c.unit.position): c for c in candidates if not c.unit.is_list}
    out: list[Candidate] = []
    for cand in chosen:
        if not cand.unit.is_list and _POINTS_BACK.match(cand.unit.text):
            previous = by_position.get((cand.hit.meta.chunk_id, cand.unit.position - 1))
            if previous is not None and previous not in chosen and previous not in out:
                out.append(previous)
        out.append(cand)
    return out


def _similar(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= threshold
