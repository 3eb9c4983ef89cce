"""What an answer quotes beside the sentences that answer its parts, and how: passages about
what the question (or one part) names, the sentences around an answering one (its window, the
sentence a pointing-back sentence needs), one version of what two versions of a page say, a list
in full rather than a version's partial copy, the list that spells out what an answer refers to,
and only the items asked about of a long supporting list."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer_types import NUMBER
from assistant.evidence import Candidate
from assistant.query import Query
from assistant.units import Unit
from ingest.analyzer import SwedishAnalyzer

LONG_LIST = 8
NUMBERED = re.compile(r"\d{1,2}\.\s")
# A sentence that opens by pointing back, at once ("Detta …", "Därför …") or within its opening
# phrase ("Som en följd därav …", "Mot bakgrund av detta …", "Av dessa …"): it needs the one before.
POINTS_BACK = re.compile(
    r"(Det innebär|Det betyder|Detta|Det här|Denna|Dessa|Därför|Dessutom|Därmed|Han|Hon|Hen|Beslutet)\b|"
    r"(?:[\wåäöÅÄÖ]+\s+){1,3}(?i:därav|detta|dessa|därför|därmed)\b"
)

# The prose sentences of the retrieved passages by (chunk id, position): their neighbours.
ProseByPosition = dict[tuple[str, int], Candidate]


def list_lead(text: str) -> str:
    """A list unit's lead-in line ("… inom följande sju verksamhetsområden:"), or "" when its first
    line is already an item or a table row."""
    first = text.partition("\n")[0]
    return "" if first.startswith(("-", "|")) or NUMBERED.match(first) else first


def with_spelled_out(
    analyzer: SwedishAnalyzer, chosen: list[Candidate], answering: list[Candidate], candidates: list[Candidate], query: Query
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
            if lead.rstrip().endswith(":") and introduced & analyzer.term_set(lead):
                out.append(other)
                break
    return out


def trim_long_lists(
    analyzer: SwedishAnalyzer, chosen: list[Candidate], answering: list[Candidate], query: Query
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
        lead = [first] if (first := list_lead(cand.unit.text)) else []
        items = lines[len(lead):]
        if (
            cand.unit.is_list and cand not in answering and len(items) >= LONG_LIST and not items[0].startswith("|")
            and not asked & analyzer.term_set(f"{cand.hit.meta.section} {' '.join(lead)}")
        ):
            kept = [item for item in items if asked & analyzer.term_set(item)]
            if kept and len(kept) < len(items):
                gap = [] if NUMBERED.match(kept[-1]) else ["- …"]
                cand = replace(cand, unit=Unit("\n".join([*lead, *kept, *gap]), cand.unit.position, is_list=True))
                excerpts[id(cand)] = [*lead, *kept]
        out.append(cand)
    return out, excerpts


def related(query: Query, candidates: list[Candidate]) -> list[Candidate]:
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


def same_elsewhere(cand: Candidate, candidates: list[Candidate], limit: int = 2) -> list[Candidate]:
    """Up to `limit` near-identical units from other documents, one per document."""
    found: dict[str, Candidate] = {}
    for other in candidates:
        doc = other.hit.meta.doc_id
        if doc == cand.hit.meta.doc_id or doc in found or other.unit.is_list != cand.unit.is_list:
            continue
        if similar(cand.terms, other.terms, threshold=0.8) and NUMBER.findall(cand.unit.text) == NUMBER.findall(other.unit.text):
            found[doc] = other
            if len(found) == limit:
                break
    return list(found.values())


def distinct(chosen: list[Candidate], keep: list[Candidate] = ()) -> list[Candidate]:
    """No two sentences that say the same thing (two versions of one page): the first stays, unless
    a later one is the same, written out in full (`cut_short`).
    Sentences that answer a part are all kept: "Blekinge fick 40 miljoner" and "Kronoberg fick 35
    miljoner" share most words but answer two parts."""
    out: list[Candidate] = []
    for cand in chosen:
        same = None if cand in keep else next(
            (i for i, c in enumerate(out) if same_statement(cand, c) or cut_short(cand, c) or cut_short(c, cand)), None
        )
        if same is None:
            out.append(cand)
        elif out[same] not in keep and cut_short(out[same], cand):
            out[same] = cand
    return out


def in_full(cand: Candidate, candidates: list[Candidate]) -> Candidate:
    """The fullest version of `cand` among the candidates: itself, or the same list written out
    in another version of the page (`cut_short`)."""
    return max((c for c in candidates if c is cand or cut_short(cand, c)), key=lambda c: len(c.terms))


def cut_short(a: Candidate, b: Candidate) -> bool:
    """Class: a list that one version of a page copies only in part ("… inom följande sju
    verksamhetsområden:" with its first item only): `a` has `b`'s lead-in and fewer of its items,
    so `b` is quoted in `a`'s place (and `a` is not quoted beside it)."""
    if not (a.unit.is_list and b.unit.is_list):
        return False
    lead_a, lead_b = a.unit.text.partition("\n")[0].strip(), b.unit.text.partition("\n")[0].strip()
    return lead_a == lead_b and a.terms < b.terms


def same_statement(a: Candidate, b: Candidate) -> bool:
    """Near-identical wording stating the same numbers (another version's "198,7 miljoner" vs
    "201,9 miljoner" is a different fact)."""
    return similar(a.terms, b.terms) and NUMBER.findall(a.unit.text) == NUMBER.findall(b.unit.text)


def prose_by_position(candidates: list[Candidate]) -> ProseByPosition:
    return {(c.hit.meta.chunk_id, c.unit.position): c for c in candidates if not c.unit.is_list}


def with_antecedents(chosen: list[Candidate], by_position: ProseByPosition) -> list[Candidate]:
    """'Det innebär att Region Skåne fördelar statsbidrag …' quoted alone hides who does it:
    a sentence that points back gets the sentence before it from the same passage."""
    out: list[Candidate] = []
    for cand in chosen:
        if not cand.unit.is_list and POINTS_BACK.match(cand.unit.text):
            previous = by_position.get((cand.hit.meta.chunk_id, cand.unit.position - 1))
            if previous is not None and previous not in chosen and previous not in out:
                out.append(previous)
        out.append(cand)
    return out


def with_following(
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
            if any(same_statement(following, c) for c in out):
                continue  # the same statement again, in other words of the same passage
            out.append(following)
    return out


def similar(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= threshold
