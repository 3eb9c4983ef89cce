"""The default answerer, no LLM: quote the sentences and lists that answer the question,
each marked with its source, or say plainly that the documents do not support an answer."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant import quoting
from assistant.citations import make_citation, short_reference
from assistant.evidence import Candidate, EvidenceModel, PartSupport, Similarities
from assistant.query import Query
from assistant.schema import Answer, Citation, DocType, RetrievedChunk
from assistant.vocabulary import Vocabulary
from ingest.analyzer import SwedishAnalyzer

ABSTAIN_SV = "Jag hittar inget stöd för det i underlagen."
ABSTAIN_EN = "I can't find support for that in the documents."
# Separates non-adjacent excerpts of one passage inside a citation's quote.
QUOTE_SEPARATOR = " … "
_DEFINITION = re.compile(r"\b(avses|innebär|är en|är ett|means|is a)\b", re.I)

_MISSING_SV = {
    "name": "inget av underlagen nämner det frågan gäller i samma sammanhang",
    "value": "underlagen anger inget sådant värde",
    "reason": "underlagen anger inget skäl",
    "coverage": "underlagen säger inget om det",
}
_MISSING_EN = {
    "name": "no document mentions what the question is about in that context",
    "value": "the documents state no such value",
    "reason": "the documents give no reason",
    "coverage": "the documents say nothing about it",
}


class ExtractiveAnswerer:
    def __init__(
        self,
        analyzer: SwedishAnalyzer,
        idf: Callable[[list[str]], dict[str, float]],
        min_support: float = 0.2,
        max_units: int = 8,
        relative_cutoff: float = 0.45,
        semantic_weight: float = 0.2,
        vocabulary: Vocabulary | None = None,
        answer_window: int = 1,
    ):
        self.analyzer, self.idf = analyzer, idf
        self.evidence = EvidenceModel(analyzer, semantic_weight=semantic_weight, min_support=min_support)
        self.max_units, self.relative_cutoff, self.answer_window = max_units, relative_cutoff, answer_window
        self.vocabulary = vocabulary

    def candidates(self, query: Query, hits: list[RetrievedChunk], similarities: Similarities | None = None) -> list[Candidate]:
        return self.evidence.candidates(query, hits, similarities)

    def select(self, candidates: list[Candidate], entities: tuple[frozenset[str], ...] = ()) -> list[Candidate]:
        """Supporting sentences: those scoring at least `relative_cutoff` of the best. 0.45 rather
        than 0.5: on the independently written probe questions a second fact often scored just
        under half the lead sentence (fact recall +0.025 and +0.015 on two probe sets, dev
        unchanged, median answer 917 -> 1058 characters on dev)."""
        best = candidates[0]
        chosen, chosen_words = [best], [self._words(best)]
        for cand in candidates[1:]:
            if len(chosen) >= self.max_units:
                break
            if cand.score < self.relative_cutoff * best.score or cand.coverage < 0.5 * self.evidence.min_support:
                continue
            words = self._words(cand)
            same = next((i for i, other in enumerate(chosen_words) if quoting.similar(words, other)), None)
            if same is not None:  # the same sentence or list from another version of the same page
                if quoting.cut_short(chosen[same], cand):
                    chosen[same], chosen_words[same] = cand, words
                continue
            chosen.append(cand)
            chosen_words.append(words)
        # "2010 respektive 2023": each thing the question names gets its best sentence, even
        # when the other one's source scores higher throughout.
        for group in entities:
            if any(group & self._evidence_terms(c) for c in chosen):
                continue
            covering = next((
                c for c in candidates
                if c.coverage >= self.evidence.min_support and group & self._evidence_terms(c)
                and not any(quoting.same_statement(c, other) for other in chosen)
            ), None)
            if covering:
                chosen.append(covering)
        return chosen

    def _words(self, cand: Candidate) -> frozenset[str]:
        """The sentence's whole words, without the compound fragments its index terms add: two
        versions of a page that say different things of "Kulturdatabasen" ("ägs gemensamt av
        regioner och landsting" / "drivs sedan 2018 av Myndigheten för kulturanalys") share
        most fragments of their long words, but few words."""
        return frozenset(self.analyzer.analyze_query(cand.unit.text))

    @staticmethod
    def _evidence_terms(cand: Candidate) -> frozenset[str]:
        return cand.window

    def answer(self, query: Query, hits: list[RetrievedChunk], similarities: Similarities | None = None) -> Answer:
        english = query.english
        candidates = self.candidates(query, hits, similarities)
        if not candidates:
            return self.abstain(query, hits)
        unknown = self._unknown_words(query, hits)
        if unknown:
            return self.abstain(query, hits, unknown_words=unknown)
        supports = self._supports(query, candidates)
        if not any(s.supported for s in supports):
            return self.abstain(query, hits, unsupported=supports)
        entities = query.entity_terms
        related = quoting.related(query, candidates)
        answering = list(dict.fromkeys(quoting.in_full(s.best, candidates) for s in supports if s.supported and s.best is not None))
        chosen = answering + [c for c in self.select(related or answering, entities) if c not in answering]
        prose = quoting.prose_by_position(candidates)
        chosen = quoting.with_antecedents(quoting.distinct(chosen, keep=answering)[: self.max_units], prose)
        chosen = quoting.with_following(chosen, answering, prose, self.answer_window)
        chosen = quoting.with_spelled_out(self.analyzer, chosen, answering, candidates, query)
        chosen = self._order(chosen, query, lead=answering[:1])
        chosen, excerpts = quoting.trim_long_lists(self.analyzer, chosen, answering, query)
        # The same sentence or list in another document (another version of a page, a press
        # release quoting a plan) is not repeated but cited beside the one quoted.
        also = {id(c): quoting.same_elsewhere(c, candidates) for c in chosen}
        citations: dict[str, Citation] = {}
        quotes: dict[str, list[str]] = {}
        for cand in chosen:
            for source in [cand, *also[id(cand)]]:
                cid = source.hit.meta.chunk_id
                for excerpt in excerpts.get(id(source), [source.unit.text]):
                    if excerpt not in quotes.setdefault(cid, []):
                        quotes[cid].append(excerpt)
                if cid not in citations:
                    citations[cid] = make_citation(len(citations) + 1, source.hit, "")
        citations = {cid: c.model_copy(update={"quote": QUOTE_SEPARATOR.join(quotes[cid])}) for cid, c in citations.items()}
        body = self._render(chosen, citations, also)
        lead = self._lead(chosen[0], english, query.wants_document)
        gaps = self._gaps([s for s in supports if not s.supported], english)
        text = f"{lead}\n\n{body}" if lead else body
        return Answer(
            question=query.text, answer=f"{text}\n\n{gaps}" if gaps else text, abstained=False,
            citations=list(citations.values()), retrieved=hits,
        )

    def _supports(self, query: Query, candidates: list[Candidate]) -> list[PartSupport]:
        """Each part's support. Parts answered by one and the same sentence get, where one exists,
        a supported sentence of their own, and the part the shared sentence suits best keeps it:
        parts that name different things ("2018 och 2019", "Blekinge respektive Kronoberg") share
        a sentence that states one member's value and mentions the other in passing ("… 198,7
        miljoner, en sänkning jämfört med 2018"), and a short second ask ("… och när blev
        rapporten klar?") borrows the first ask's words, so the first ask's sentence covers it.
        The shared sentence stays with the part that would lose most support without it."""
        supports = [self.evidence.support(query, part, candidates) for part in query.parts]
        groups: dict[int, list[int]] = {}
        for i, s in enumerate(supports):
            if s.supported and s.best is not None:
                groups.setdefault(id(s.best), []).append(i)
        for members in groups.values():
            if len(members) < 2:
                continue
            shared = {id(supports[members[0]].best)}
            alternatives = {i: self.evidence.support(query, supports[i].part, candidates, shared) for i in members}
            movable = [i for i in members if alternatives[i].supported]
            if len(movable) == len(members):
                # One part keeps the shared sentence: the one that loses most without it, which
                # makes the parts' support largest in total (not the one whose alternative is
                # weakest: that may be the part the shared sentence covers least).
                movable.remove(max(movable, key=lambda i: supports[i].support - alternatives[i].support))
            for i in movable:
                supports[i] = alternatives[i]
        return supports

    @staticmethod
    def _gaps(unsupported: list[PartSupport], english: bool) -> str:
        """Each part of the question the documents do not answer, named rather than dropped."""
        if not unsupported:
            return ""
        reasons = _MISSING_EN if english else _MISSING_SV
        intro = "Not answered by the documents:" if english else "Det här i frågan hittar jag inget stöd för i underlagen:"
        lines = "\n".join(f"- ”{s.part.text.rstrip('?').strip()}” ({reasons[s.missing]})" for s in unsupported)
        return f"{intro}\n{lines}"

    def _unknown_words(self, query: Query, hits: list[RetrievedChunk]) -> list[str]:
        if self.vocabulary is None:
            return []
        # A question naming a regulation that was found ("förordningen (1996:1598)") is about
        # that text, whatever words it uses for what the text says.
        if query.regulation_refs:
            found = set().union(*(self.analyzer.term_set(f"{h.meta.title} {h.meta.section} {h.text}") for h in hits))
            if any(ref in found for ref in query.regulation_refs):
                return []
        return self.vocabulary.unknown_words(
            query.text, [f"{h.meta.title} {h.meta.section}" for h in hits], english=query.english
        )

    def abstain(
        self, query: Query, hits: list[RetrievedChunk], unknown_words: list[str] | None = None,
        unsupported: list[PartSupport] | None = None,
    ) -> Answer:
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
        if len(unsupported or []) > 1:
            intro += "\n\n" + self._gaps(unsupported, english) + "\n\n"
        elif unsupported and unsupported[0].missing != "coverage":
            # A one-part question is told why, when it is more than "nothing about it": the
            # documents speak of it but state no such value, or not of what it names.
            reason = (_MISSING_EN if english else _MISSING_SV)[unsupported[0].missing]
            intro += f" {reason[0].upper()}{reason[1:]}."
        if suggestions:
            closest = "The closest documents are:" if english else "De dokument som ligger närmast frågan är:"
            lines = "\n".join(f"- {s.title}" + (f" ({s.published})" if s.published else "") for s in suggestions)
            text = f"{intro} {closest}\n{lines}"
        else:
            text = intro
        return Answer(question=query.text, answer=text, abstained=True, suggestions=suggestions, retrieved=hits)

    @staticmethod
    def _order(chosen: list[Candidate], query: Query, lead: list[Candidate] = ()) -> list[Candidate]:
        if query.chronological:
            return sorted(chosen, key=lambda c: (c.hit.meta.published_key or 0, c.hit.meta.chunk_index, c.unit.position))
        # The source of the sentence that answers the question's first part leads.
        if lead:
            chosen = [c for c in chosen if c.hit.meta.chunk_id == lead[0].hit.meta.chunk_id] + [
                c for c in chosen if c.hit.meta.chunk_id != lead[0].hit.meta.chunk_id
            ]
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
    def _render(chosen: list[Candidate], citations: dict[str, Citation], also: dict[int, list[Candidate]]) -> str:
        paragraphs: list[str] = []
        previous_chunk = None
        for cand in chosen:
            n = "][".join(str(citations[c.hit.meta.chunk_id].n) for c in [cand, *also[id(cand)]])
            if cand.unit.is_list:
                lead, _, items = cand.unit.text.partition("\n")
                text = f"{lead} [{n}]\n{items}" if quoting.list_lead(cand.unit.text) else f"[{n}]\n{cand.unit.text}"
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
    def _lead(first: Candidate, english: bool, wants_document: bool = False) -> str:
        """'Enligt förordningen (1996:1598) 3 §:' before a regulation's paragraph; for a question
        asking which document ("Vilket betänkande …?"), the answering document's title, since its
        sentences call it only "betänkandet"."""
        meta = first.hit.meta
        if wants_document and not (meta.doc_type == DocType.regulation and meta.paragraph):
            dated = f"{meta.title} ({meta.own_published})" if meta.own_published else meta.title
            return f"According to {dated}:" if english else f"Enligt {dated}:"
        if meta.doc_type != DocType.regulation or not meta.paragraph:
            return ""
        reference = f"{short_reference(meta.title, meta.doc_type)} {meta.section}"
        return f"According to {reference}:" if english else f"Enligt {reference}:"
