"""The default answerer, no LLM: quote the sentences and lists that answer the question,
each marked with its source, or say plainly that the documents do not support an answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from assistant.answer_types import NUMBER
from assistant.citations import make_citation, short_reference
from assistant.evidence import Candidate, EvidenceModel, PartSupport, Similarities
from assistant.query import Query
from assistant.schema import Answer, Citation, DocType, RetrievedChunk
from assistant.units import Unit
from assistant.vocabulary import Vocabulary
from ingest.analyzer import SwedishAnalyzer

ABSTAIN_SV = "Jag hittar inget stöd för det i underlagen."
ABSTAIN_EN = "I can't find support for that in the documents."
# Separates non-adjacent excerpts of one passage inside a citation's quote.
QUOTE_SEPARATOR = " … "
_DEFINITION = re.compile(r"\b(avses|innebär|är en|är ett|means|is a)\b", re.I)

LONG_LIST = 8
_NUMBERED = re.compile(r"\d{1,2}\.\s")
_POINTS_BACK = re.compile(r"(Det innebär|Det betyder|Detta|Det här|Denna|Dessa|Därför|Dessutom|Därmed|Han|Hon|Hen|Beslutet)\b")
_MISSING_SV = {
    "name": "inget av underlagen nämner det frågan gäller i samma sammanhang",
    "value": "underlagen anger inget sådant värde",
    "coverage": "underlagen säger inget om det",
}
_MISSING_EN = {
    "name": "no document mentions what the question is about in that context",
    "value": "the documents state no such value",
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
            same = next((i for i, other in enumerate(chosen_words) if _similar(words, other)), None)
            if same is not None:  # the same sentence or list from another version of the same page
                if _cut_short(chosen[same], cand):
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
                and not any(_same_statement(c, other) for other in chosen)
            ), None)
            if covering:
                chosen.append(covering)
        return chosen

    def _with_spelled_out(
        self, chosen: list[Candidate], answering: list[Candidate], candidates: list[Candidate], query: Query
    ) -> list[Candidate]:
        """Class: an answer that names a thing only by reference ("… har fått extra tilldelning
        med anledning av styrelsens prioriteringar") while its passage spells the thing out in a
        list introduced by that word ("Prioriteringarna handlar om: - …"), in a retrieved passage of
        the same document (a chunk boundary may stand between them). The list follows the
        sentence. Only a word the question does not use counts: the list then says what the
        answer refers to, not merely more of what the question asks about."""
        asked = set(query.answer_terms)
        out: list[Candidate] = []
        for cand in chosen:
            out.append(cand)
            if cand not in answering or cand.unit.is_list:
                continue
            introduced = cand.terms - asked
            for other in candidates:
                if not other.unit.is_list or other.hit.meta.doc_id != cand.hit.meta.doc_id or other in chosen or other in out:
                    continue
                lead = other.unit.text.partition("\n")[0]
                if lead.rstrip().endswith(":") and introduced & self.analyzer.term_set(lead):
                    out.append(other)
                    break
        return out

    def _trim_long_lists(
        self, chosen: list[Candidate], answering: list[Candidate], query: Query
    ) -> tuple[list[Candidate], dict[int, list[str]]]:
        """Class: a long list (a meeting's agenda of a dozen items, a register) quoted in support
        of a question that asks for no list: only its items that name something the question
        names are quoted, after its lead-in, and "- …" marks the items left out (a numbered
        list's own numbers show the gaps). A list that answers a part, or a list question, is
        quoted whole, and so is one no item of which names anything asked, or one under a heading
        or lead-in the question names ("Vad stod på dagordningen …?" asks for the agenda). Each
        kept line is its own excerpt of the citation's quote. `LONG_LIST` items: longer than the
        seven activity areas, the longest list an answer here is."""
        if query.wants_list:
            return chosen, {}
        asked = query.answer_terms.keys()
        out: list[Candidate] = []
        excerpts: dict[int, list[str]] = {}
        for cand in chosen:
            lines = cand.unit.text.split("\n")
            lead = [] if lines[0].startswith(("-", "|")) or _NUMBERED.match(lines[0]) else lines[:1]
            items = lines[len(lead):]
            if (
                cand.unit.is_list and cand not in answering and len(items) >= LONG_LIST and not items[0].startswith("|")
                and not asked & self.analyzer.term_set(f"{cand.hit.meta.section} {' '.join(lead)}")
            ):
                kept = [item for item in items if asked & self.analyzer.term_set(item)]
                if kept and len(kept) < len(items):
                    gap = [] if _NUMBERED.match(kept[-1]) else ["- …"]
                    cand = replace(cand, unit=Unit("\n".join([*lead, *kept, *gap]), cand.unit.position, is_list=True))
                    excerpts[id(cand)] = [*lead, *kept]
            out.append(cand)
        return out, excerpts

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
        related = _related(query, candidates)
        answering = list(dict.fromkeys(_in_full(s.best, candidates) for s in supports if s.supported and s.best is not None))
        chosen = answering + [c for c in self.select(related or answering, entities) if c not in answering]
        prose = _prose_by_position(candidates)
        chosen = _with_antecedents(_distinct(chosen, keep=answering)[: self.max_units], prose)
        chosen = _with_following(chosen, answering, prose, self.answer_window)
        chosen = self._with_spelled_out(chosen, answering, candidates, query)
        chosen = self._order(chosen, query, lead=answering[:1])
        chosen, excerpts = self._trim_long_lists(chosen, answering, query)
        # The same sentence or list in another document (another version of a page, a press
        # release quoting a plan) is not repeated but cited beside the one quoted.
        also = {id(c): _same_elsewhere(c, candidates) for c in chosen}
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
                text = f"{lead} [{n}]\n{items}" if lead and not (lead.startswith(("-", "|")) or _NUMBERED.match(lead)) else f"[{n}]\n{cand.unit.text}"
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


def _related(query: Query, candidates: list[Candidate]) -> list[Candidate]:
    """Supporting sentences come from passages that name what the question is specifically about
    (a municipality, a year, an SFS number); otherwise they answer another question. Class: a
    question in parts that name different things ("regionbidraget 2018 och 2019", "modellen 2010
    respektive översynen 2023"): a passage naming what one part names is about that part, though
    it does not name the other's year, as `naming_documents` reads such parts too. A part naming
    nothing of its own is about everything the question names."""
    entities = query.entity_terms
    if not entities:
        return candidates
    alternatives = [(part.own_entity_terms + part.context_entity_terms) or entities for part in query.parts] or [entities]
    return [c for c in candidates if any(all(g & c.chunk_terms for g in groups) for groups in alternatives)]


def _same_elsewhere(cand: Candidate, candidates: list[Candidate], limit: int = 2) -> list[Candidate]:
    """Up to `limit` near-identical units from other documents, one per document."""
    found: dict[str, Candidate] = {}
    for other in candidates:
        doc = other.hit.meta.doc_id
        if doc == cand.hit.meta.doc_id or doc in found or other.unit.is_list != cand.unit.is_list:
            continue
        if _similar(cand.terms, other.terms, threshold=0.8) and NUMBER.findall(cand.unit.text) == NUMBER.findall(other.unit.text):
            found[doc] = other
            if len(found) == limit:
                break
    return list(found.values())


def _distinct(chosen: list[Candidate], keep: list[Candidate] = ()) -> list[Candidate]:
    """No two sentences that say the same thing (two versions of one page): the first stays, unless
    a later one is the same, written out in full (`_cut_short`).
    Sentences that answer a part are all kept: "Blekinge fick 40 miljoner" and "Kronoberg fick 35
    miljoner" share most words but answer two parts."""
    out: list[Candidate] = []
    for cand in chosen:
        same = None if cand in keep else next(
            (i for i, c in enumerate(out) if _same_statement(cand, c) or _cut_short(cand, c) or _cut_short(c, cand)), None
        )
        if same is None:
            out.append(cand)
        elif out[same] not in keep and _cut_short(out[same], cand):
            out[same] = cand
    return out


def _in_full(cand: Candidate, candidates: list[Candidate]) -> Candidate:
    """The fullest version of `cand` among the candidates: itself, or the same list written out
    in another version of the page (`_cut_short`)."""
    return max((c for c in candidates if c is cand or _cut_short(cand, c)), key=lambda c: len(c.terms))


def _cut_short(a: Candidate, b: Candidate) -> bool:
    """Class: a list that one version of a page copies only in part ("… inom följande sju
    verksamhetsområden:" with its first item only): `a` has `b`'s lead-in and fewer of its items,
    so `b` is quoted in `a`'s place (and `a` is not quoted beside it)."""
    if not (a.unit.is_list and b.unit.is_list):
        return False
    lead_a, lead_b = a.unit.text.partition("\n")[0].strip(), b.unit.text.partition("\n")[0].strip()
    return lead_a == lead_b and a.terms < b.terms


def _same_statement(a: Candidate, b: Candidate) -> bool:
    """Near-identical wording stating the same numbers (another version's "198,7 miljoner" vs
    "201,9 miljoner" is a different fact)."""
    return _similar(a.terms, b.terms) and NUMBER.findall(a.unit.text) == NUMBER.findall(b.unit.text)


# The prose sentences of the retrieved passages by (chunk id, position): their neighbours.
ProseByPosition = dict[tuple[str, int], Candidate]


def _prose_by_position(candidates: list[Candidate]) -> ProseByPosition:
    return {(c.hit.meta.chunk_id, c.unit.position): c for c in candidates if not c.unit.is_list}


def _with_antecedents(chosen: list[Candidate], by_position: ProseByPosition) -> list[Candidate]:
    """'Det innebär att Region Skåne fördelar statsbidrag …' quoted alone hides who does it:
    a sentence that points back gets the sentence before it from the same passage."""
    out: list[Candidate] = []
    for cand in chosen:
        if not cand.unit.is_list and _POINTS_BACK.match(cand.unit.text):
            previous = by_position.get((cand.hit.meta.chunk_id, cand.unit.position - 1))
            if previous is not None and previous not in chosen and previous not in out:
                out.append(previous)
        out.append(cand)
    return out


def _with_following(
    chosen: list[Candidate], answering: list[Candidate], by_position: ProseByPosition, window: int
) -> list[Candidate]:
    """Each sentence that answers a part is quoted with the `window` sentences after it in its
    passage, as llama-index's sentence-window retrieval does: the detail, qualification or
    second half of a statement often stands in the next sentence ("… får 198,7 miljoner kronor.
    Det är en sänkning med 1 procent …"). Added after the cut to `max_units`, so the window never
    pushes out another part's or another source's sentence."""
    out: list[Candidate] = []
    for cand in chosen:
        out.append(cand)
        if cand not in answering or cand.unit.is_list:
            continue
        for step in range(1, window + 1):
            following = by_position.get((cand.hit.meta.chunk_id, cand.unit.position + step))
            if following is None or following in chosen or following in out:
                break
            if any(_same_statement(following, c) for c in out):
                continue  # the same statement again, in other words of the same passage
            out.append(following)
    return out


def _similar(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= threshold
