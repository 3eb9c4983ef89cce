"""Decision trails: how a decision was reached and justified, followed through its documents.

For a question about a decision ("Varför beslutade kulturnämnden att …?", "Vem reserverade sig
mot …?") the best-ranked retrieved passage that belongs to a decision record (the catalogue,
ingest/decision_catalogue.py) picks the decision. Its trail is: the decision, the sentences that
justify it, its Beslutsunderlag, reservations and protokollsanteckningar, the earlier decisions it
refers to (followed in turn while their minutes are indexed) and the regulations it rests on.
Every step cites the passage it is written in; a reference that resolves to an indexed source
also cites that source, and one that does not is shown as unresolved, never guessed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable

from assistant.citations import make_citation
from assistant.evidence import Similarities, naming_documents
from assistant.extractive import QUOTE_SEPARATOR
from assistant.query import Query
from assistant.safe_text import escape_markdown
from assistant.versions import VersionResolver
from assistant.schema import (
    Citation, ChunkMeta, DecisionRecord, DecisionTrail, DocType, RetrievedChunk, SearchFilters, Statement, TrailRole,
    TrailStep,
)
from ingest.analyzer import SwedishAnalyzer
from ingest.chunk_store import ChunkStore
from ingest.decision_catalogue import DecisionCatalogue
from ingest.decision_mirror import PostgresDecisionCatalogue

# Sentences that give reasons in Swedish case text; preferred among a record's justification.
_REASON = re.compile(r"\b(?:eftersom|därför|bedömer|bedömning|förutsättning|krav|syfte|motiver\w*|mot bakgrund)\b", re.I)
# A regulation document that is a former wording, not the one in force.
_FORMER_WORDING = re.compile(r"\b(?:upphörde att gälla|upphävd|ursprunglig lydelse)\b", re.I)
_OWN_SFS = re.compile(r"\(?(?:SFS\s+)?(\d{4}:\d+)\)?")


class TrailBuilder:
    def __init__(
        self, catalogue: DecisionCatalogue | PostgresDecisionCatalogue, chunks: ChunkStore, conn: sqlite3.Connection, analyzer: SwedishAnalyzer,
        similarities: Callable[[Query, list[str]], Similarities | None] | None = None,
        max_depth: int = 3, max_justification: int = 3,
    ):
        self.catalogue, self.chunks, self.conn, self.analyzer = catalogue, chunks, conn, analyzer
        self.versions = VersionResolver(conn)  # which wording of a § a decision of a given date rested on
        self.similarities = similarities  # the question's similarity to stored sentences, when there are any
        self.max_depth, self.max_justification = max_depth, max_justification

    def build(self, query: Query, hits: list[RetrievedChunk], filters: SearchFilters | None = None) -> DecisionTrail:
        """The trail of the decision the best-ranked record passage among `hits` belongs to.
        Sources outside the reader's access groups (`filters.groups`) are neither followed nor cited."""
        records = self.catalogue.by_chunk(h.meta.chunk_id for h in hits)
        named = naming_documents(self.analyzer, query, hits)
        record = next(
            (records[h.meta.chunk_id] for h in hits if h.meta.chunk_id in records and h.meta.doc_id in named), None
        )
        if record is None:
            return DecisionTrail(question=query.text, found=False, english=query.english)
        builder = _Trail(self, query, filters or SearchFilters())
        builder.follow(record, depth=0, seen={record.record_id})
        return DecisionTrail(
            question=query.text, found=True, english=query.english, decision=record.label, record_id=record.record_id,
            steps=builder.steps, citations=list(builder.citations.values()),
        )

    # -- resolution: each returns the source, or None when nothing indexed matches

    def earlier_record(self, record: DecisionRecord, body: str, date: str, item: str) -> DecisionRecord | None:
        body = (body or record.body).casefold()
        return next((r for r in self.catalogue.at_meeting(date, item) if r.body.casefold() == body), None)

    def basis_document(self, title: str, own_doc: str) -> tuple[str, str] | None:
        """(doc_id, first chunk id) of an indexed document whose title is the basis title's first
        segment ('Regional kulturplan för Region Norrsund 2025–2028, slutligt förslag'); a generic
        name of one or two words ('Tjänsteskrivelse') names no particular document."""
        head = _normal(title.split(",")[0])
        if len(head.split()) < 3:
            return None
        for doc_id, doc_title in self.conn.execute("SELECT doc_id, title FROM documents"):
            if doc_id != own_doc and (head in _normal(doc_title) or _normal(doc_title) in head):
                (chunk_ids,) = self.conn.execute("SELECT chunk_ids FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
                if ids := json.loads(chunk_ids):
                    return doc_id, ids[0]
        return None

    def regulation_chunk(self, sfs: str, paragraph: str | None, context: str, as_of: str | None = None) -> str | None:
        """The chunk of regulation `sfs` a decision refers to: the given § in the wording in force
        on `as_of` (the meeting's date; the current wording when none covers it) or, without a §,
        the chunk of its current text whose words the referring sentence shares most."""
        if paragraph:
            wordings = self.versions.wordings(sfs, paragraph)
            chosen = self.versions.applicable(wordings, as_of) or self.versions.applicable(wordings, None)
            return chosen.hit.meta.chunk_id if chosen else None
        rows = self.conn.execute(
            "SELECT chunk_id, meta, text FROM chunk_store WHERE doc_type = ? AND instr(json_extract(meta, '$.title'), ?) > 0",
            (DocType.regulation.value, sfs),
        ).fetchall()
        candidates = [(cid, ChunkMeta.from_store(json.loads(meta)), text) for cid, meta, text in rows]
        candidates = [c for c in candidates if (m := _OWN_SFS.search(c[1].title)) and m.group(1) == sfs]
        candidates = [c for c in candidates if not _FORMER_WORDING.search(c[1].title)] or candidates
        if not candidates:
            return None
        words = self.analyzer.term_set(context)
        return max(candidates, key=lambda c: (len(words & self.analyzer.term_set(c[2])), -c[1].chunk_index))[0]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[–—-]", "-", text)).strip().casefold()


class _Trail:
    """One trail being assembled: its steps in reading order and the citations they use."""

    def __init__(self, builder: TrailBuilder, query: Query, filters: SearchFilters):
        self.builder, self.query, self.filters = builder, query, filters
        self.steps: list[TrailStep] = []
        self.citations: dict[str, Citation] = {}
        self._sources: dict[str, tuple[ChunkMeta, str] | None] = {}

    def follow(self, record: DecisionRecord, depth: int, seen: set[str]) -> None:
        for statement in record.decision:
            self._step(TrailRole.decision, statement.text, depth, statement)
        for statement in self._justification(record, depth):
            self._step(TrailRole.justification, statement.text, depth, statement)
        for basis in record.basis:
            target = self.builder.basis_document(basis.title, record.doc_id)
            self._step(TrailRole.basis, basis.text, depth, Statement(text=basis.text, chunk_id=basis.chunk_id),
                       target=target[1] if target else None, resolvable=True)
        for statement in record.reservations:
            self._step(TrailRole.reservation, statement.text, depth, statement)
        for statement in record.notes:
            self._step(TrailRole.note, statement.text, depth, statement)
        for ref in record.decision_refs:
            earlier = self.builder.earlier_record(record, ref.body, ref.date, ref.item)
            visible = earlier is not None and earlier.record_id not in seen and self._visible(earlier.chunk_ids[0])
            target = earlier.decision[0].chunk_id if visible and earlier.decision else None
            self._step(TrailRole.earlier_decision, ref.text, depth, Statement(text=ref.text, chunk_id=ref.chunk_id),
                       target=target, resolvable=True)
            if target and earlier is not None and depth + 1 < self.builder.max_depth:
                self.follow(earlier, depth + 1, seen | {earlier.record_id})
        for ref in record.regulation_refs:
            context = next((s.text for s in record.justification + record.decision if ref.sfs in s.text), ref.text)
            target = self.builder.regulation_chunk(ref.sfs, ref.paragraph, context, as_of=record.date)
            self._step(TrailRole.regulation, ref.text, depth, Statement(text=context, chunk_id=ref.chunk_id),
                       target=target if target and self._visible(target) else None, resolvable=True)

    def _justification(self, record: DecisionRecord, depth: int) -> list[Statement]:
        """The sentences that best say why, at most `max_justification` (one for an earlier
        decision), in document order. For the decision asked about they are ranked by meaning
        (the embedder's similarity of the question to each stored sentence), else by the
        question's weighted terms they hold; sentences that give reasons come first on a tie."""
        statements = record.justification
        sims = None
        if depth == 0 and statements and self.builder.similarities is not None:
            sims = self.builder.similarities(self.query, list(dict.fromkeys(s.chunk_id for s in statements)))
        terms = self.query.answer_terms if depth == 0 else {}

        def weight(s: Statement) -> tuple[float, float]:
            reason = 1.0 if _REASON.search(s.text) else 0.0
            if sims is not None and (sim := sims.get(s.chunk_id, {}).get(s.position)) is not None:
                return sim, reason
            own = self.builder.analyzer.term_set(s.text)
            return sum(w for t, w in terms.items() if t in own) + reason, reason

        ranked = sorted(range(len(statements)), key=lambda i: (tuple(-x for x in weight(statements[i])), i))
        keep = sorted(ranked[: self.builder.max_justification if depth == 0 else 1])
        return [record.justification[i] for i in keep]

    def _step(
        self, role: TrailRole, text: str, depth: int, where: Statement, target: str | None = None, resolvable: bool = False,
    ) -> None:
        self.steps.append(TrailStep(
            role=role, text=" ".join(text.split()), depth=depth, citation=self._cite(where.chunk_id, where.text),
            link=self._cite(target, "") if target else None, resolved=bool(target) or not resolvable,
        ))

    def _visible(self, chunk_id: str) -> bool:
        return self._source(chunk_id) is not None

    def _source(self, chunk_id: str) -> tuple[ChunkMeta, str] | None:
        if chunk_id not in self._sources:
            found = self.builder.chunks.get([chunk_id]).get(chunk_id)
            if found and not self.filters.may_see(found[0].access):
                found = None  # a source the reader may not see is not followed
            self._sources[chunk_id] = found
        return self._sources[chunk_id]

    def _cite(self, chunk_id: str, quote: str) -> int | None:
        source = self._source(chunk_id)
        if source is None:
            return None
        if chunk_id not in self.citations:
            hit = RetrievedChunk(meta=source[0], text=source[1], score=0.0)
            self.citations[chunk_id] = make_citation(len(self.citations) + 1, hit, "")
        citation = self.citations[chunk_id]
        if quote and quote not in citation.quote.split(QUOTE_SEPARATOR):
            citation.quote = f"{citation.quote}{QUOTE_SEPARATOR}{quote}" if citation.quote else quote
        return citation.n


_LABELS_SV = {
    TrailRole.decision: "Beslut", TrailRole.justification: "Motivering", TrailRole.basis: "Beslutsunderlag",
    TrailRole.reservation: "Reservation", TrailRole.note: "Protokollsanteckning",
    TrailRole.earlier_decision: "Tidigare beslut", TrailRole.regulation: "Regelverk",
}
_LABELS_EN = {
    TrailRole.decision: "Decision", TrailRole.justification: "Justification", TrailRole.basis: "Basis for the decision",
    TrailRole.reservation: "Reservation", TrailRole.note: "Minuted statement",
    TrailRole.earlier_decision: "Earlier decision", TrailRole.regulation: "Regulation",
}
NO_TRAIL_SV = "Jag hittar inget beslut i underlagen som frågan gäller."
NO_TRAIL_EN = "I can't find a decision in the documents that the question is about."


# "… beslutar att 1. godkänna planen, 2. föreslå fullmäktige …": the points of one decision.
_POINT = re.compile(r"(?:^|\s)(\d{1,2})\.\s+(?=\w)")


def _numbered_points(text: str) -> tuple[str, list[tuple[int, str]]]:
    """A decision's lead-in and its numbered points, when it has points 1, 2, … in order (the
    catalogue stores a decision as one line); else the text and no points."""
    marks = list(_POINT.finditer(text))
    if len(marks) < 2 or [int(m.group(1)) for m in marks] != list(range(1, len(marks) + 1)):
        return text, []
    ends = [m.start() for m in marks[1:]] + [len(text)]
    points = [(int(m.group(1)), text[m.end():end].strip().rstrip(",;")) for m, end in zip(marks, ends)]
    return text[: marks[0].start()].strip(), points


def render_trail(trail: DecisionTrail) -> str:
    """The trail as an indented Markdown list: each step under its role, with its citation [n]
    and, for a reference, '→' the source it resolves to or a note that it is not indexed. An
    earlier decision's own steps are indented under it."""
    english = trail.english
    if not trail.found:
        return NO_TRAIL_EN if english else NO_TRAIL_SV
    labels = _LABELS_EN if english else _LABELS_SV
    titles = {c.n: c.title for c in trail.citations}
    missing = "not among the indexed documents" if english else "finns inte bland de indexerade dokumenten"
    heading = "Decision trail" if english else "Beslutsspår"
    lines = [f"**{heading}: {escape_markdown(trail.decision)}**", ""]
    previous: tuple[int, TrailRole] | None = None
    for step in trail.steps:
        indent = "    " * (2 * step.depth)
        if previous != (step.depth, step.role):
            lines.append(f"{indent}- **{labels[step.role]}**")
        previous = (step.depth, step.role)
        lead, points = _numbered_points(step.text)
        text = escape_markdown(lead) + "".join(f"\n{indent}        {n}. {escape_markdown(p)}" for n, p in points)
        cite = f" [{step.citation}]" if step.citation else ""
        if step.link and step.link != step.citation:
            target = f" → {escape_markdown(titles[step.link])} [{step.link}]"
        elif not step.resolved:
            target = f" ({missing})"
        else:
            target = ""
        lines.append(f"{indent}    - {text}{cite}{target}")
    return "\n".join(lines)
