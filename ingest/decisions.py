"""Decision records read from minutes and decision documents: what was decided, why, on what
basis, who reserved themselves, and which earlier decisions and regulations it refers to.

Input is a document's stored chunks in order (the splitter has already filed each minutes chunk
under its agenda item and part, ingest/splitter.py), so a record is a grouping of passages plus
a few reference patterns, and every statement keeps the chunk it came from.

Two layouts occur:
- minutes with agenda items ('§ 45', 'Punkt 3'): one record per item; its parts say what each
  passage is ('Beslut' or 'Kultur- och fritidsnämndens beslut' the decision, 'Sammanfattning' the
  justification, 'Beslutsunderlag' the basis, …). An item without part headings states the case
  first and the decision last, so its sentences before the first decision sentence justify it.
- a decision document without items (a news item from a council meeting, a government decision):
  one record, with the decision, reservation and remaining sentences told apart by their verbs.
"""

from __future__ import annotations

import re

from assistant.schema import (
    BasisDocument, ChunkMeta, DecisionRecord, DecisionReference, DocType, RegulationReference, Statement,
)
from assistant.units import split_units
from ingest.dates import DATE, as_iso
from ingest.minutes import body_of_minutes

RECORD_TYPES = (DocType.minutes, DocType.decision)

_DECISION_PART = re.compile(r"^(?:Beslut|.*\b\w+s beslut)$", re.I)  # 'Beslut', 'Kultur- och fritidsnämndens beslut'
_ROLE_OF_PART = {
    "sammanfattning": "justification", "ärendebeskrivning": "justification", "bakgrund": "justification",
    "förvaltningens bedömning": "justification", "motivering": "justification", "bedömning": "justification",
    "beslutsunderlag": "basis", "reservation": "reservation", "reservationer": "reservation",
    "protokollsanteckning": "note", "protokollsanteckningar": "note",
}
# The verbs of a decision, of a reservation and of a statement of reasons in Swedish minutes.
_DECIDES = re.compile(
    r"\b(?:beslutar|beslutade|beslöt|har beslutat|fattade beslut|fattat beslut|fastställer|fastställde|godkänner|godkände|"
    r"antog|uppdrar åt|ger \w+(?: \w+){0,3} i uppdrag)\b"
    r"|^Beslut vid regeringssammanträde",  # the government's formula for when it decided
    re.I,
)
_RESERVES = re.compile(r"\breserver(?:ar|ade|at) sig\b", re.I)
_NOTES = re.compile(r"\bprotokollsanteckning", re.I)
_BODY_WORD = r"[A-ZÅÄÖ][\wåäö-]*(?:nämnden|styrelsen|fullmäktige|utskottet|beredningen|regeringen|Regeringen)s?"
# 'Kulturnämnden beslutade den 7 december 2023, § 118', 'Kulturnämndens beslut 2023-12-07, § 118',
# 'uppdraget enligt beslut 2024-02-15, § 12'.
_DECISION_REF = re.compile(
    rf"(?:(?P<body>{_BODY_WORD})\s+)?(?:beslutade|beslöt|beslut)\s+(?:den\s+)?(?P<date>{DATE}),?\s*(?P<item>§\s*\d+)"
)
# '8 § förordningen (2010:2012)', 'förordningen (2010:2012) om …', 'lagen (2010:1919)'.
_REGULATION_REF = re.compile(
    r"(?:(?P<before>\d+\s?[a-z]?\s?§§?)\s+(?:i\s+)?)?(?P<kind>förordning(?:en)?|lag(?:en)?)\s+\((?P<sfs>\d{4}:\d+)\)"
    r"(?:\s+om\s+[^,.;]*?)?(?:,?\s+(?P<after>\d+\s?[a-z]?\s?§))?(?=[\s,.;]|$)",
    re.I,
)
_TRAILING_DATE = re.compile(rf",?\s*(?P<date>{DATE})\s*$")


def extract_records(chunks: list[tuple[ChunkMeta, str]]) -> list[DecisionRecord]:
    """The decision records of one document's chunks (in order); none for other document types."""
    if not chunks or chunks[0][0].doc_type not in RECORD_TYPES:
        return []
    meta = chunks[0][0]
    items: dict[str, list[tuple[ChunkMeta, str]]] = {}
    loose: list[tuple[ChunkMeta, str]] = []
    for chunk in chunks:
        (items.setdefault(chunk[0].agenda_item, []) if chunk[0].agenda_item else loose).append(chunk)
    body = _body(meta, chunks)
    records = [_item_record(item, parts, body) for item, parts in items.items()]
    if not items:
        records.append(_document_record(loose, body, None))
    else:
        # Decisions outside numbered items ('Föredragningslista' in some minutes): one record per heading.
        headed: dict[str, list[tuple[ChunkMeta, str]]] = {}
        for chunk in loose:
            if chunk[0].heading_path:
                headed.setdefault(chunk[0].heading_path[-1], []).append(chunk)
        records += [_document_record(group, body, heading) for heading, group in headed.items()]
    return [r for r in records if r.decision]


def _body(meta: ChunkMeta, chunks: list[tuple[ChunkMeta, str]]) -> str:
    """The body that decided: the minutes' own, the one in the publisher's brackets
    ('Gotlands kommun (kultur- och fritidsnämnden)'), or the subject of the first decision."""
    if meta.body:
        return meta.body
    if match := re.search(r"\(([^)]+)\)", meta.publisher):
        named = match.group(1)[:1].upper() + match.group(1)[1:]
        return body_of_minutes(named, "") or named
    for _, text in chunks:
        for unit in split_units(text):
            if _DECIDES.search(unit.text):
                return body_of_minutes(unit.text, "") or unit.text.split()[0]
    return meta.publisher


def _role(meta: ChunkMeta) -> str | None:
    part = meta.agenda_part or (meta.heading_path[-1] if meta.heading_path else "")
    if part and _DECISION_PART.match(part.strip()) and not part.lower().startswith("förslag"):
        return "decision"
    return _ROLE_OF_PART.get(part.strip().lower())


def _new_record(meta: ChunkMeta, body: str, item: str | None) -> DecisionRecord:
    return DecisionRecord(
        record_id=f"{meta.doc_id}#{item}" if item else meta.doc_id, doc_id=meta.doc_id, body=body,
        date=meta.published, item=item, case_number=meta.case_number,
        title=(meta.agenda_title if item else meta.title) or meta.title,
    )


def _item_record(item: str, chunks: list[tuple[ChunkMeta, str]], body: str) -> DecisionRecord:
    record = _new_record(chunks[0][0], body, item)
    unlabelled: list[Statement] = []
    for meta, text in chunks:
        record.chunk_ids.append(meta.chunk_id)
        record.case_number = record.case_number or meta.case_number
        role = _role(meta)
        units = [u for u in split_units(text) if not u.text.startswith("Dnr ")]
        for unit in units:
            statement = Statement(text=unit.text, chunk_id=meta.chunk_id, position=unit.position)
            if role == "basis":
                # A basis line citing an earlier decision is listed among the decision references.
                record.basis += [_basis(line, meta.chunk_id) for line in _lines(unit.text) if not _DECISION_REF.search(line)]
            elif role:
                getattr(record, _FIELD[role]).append(statement)
            elif _RESERVES.search(unit.text):
                record.reservations.append(statement)
            else:
                unlabelled.append(statement)
        _add_references(record, text, meta.chunk_id)
    # Text of the item under no part heading states the case: it justifies the decision, which,
    # when no part names it either, is what follows the first decision verb.
    first = None if record.decision else next((i for i, s in enumerate(unlabelled) if _DECIDES.search(s.text)), None)
    if first is not None:
        record.decision += unlabelled[first:]
    record.justification = unlabelled[:first] + record.justification
    return record


def _document_record(chunks: list[tuple[ChunkMeta, str]], body: str, heading: str | None) -> DecisionRecord:
    """A decision document's record, or (with `heading`) that of a headed part of minutes."""
    record = _new_record(chunks[0][0], body, None)
    if heading:
        record.record_id, record.title = f"{record.doc_id}#{heading}", heading
    for meta, text in chunks:
        record.chunk_ids.append(meta.chunk_id)
        for unit in split_units(text):
            if len(unit.text.split()) < 5 and not _DECIDES.search(unit.text):
                continue  # a bare date or heading line
            statement = Statement(text=unit.text, chunk_id=meta.chunk_id, position=unit.position)
            if _RESERVES.search(unit.text):
                record.reservations.append(statement)
            elif _NOTES.search(unit.text):
                record.notes.append(statement)
            elif _DECIDES.search(unit.text) and not record.decision:
                record.decision.append(statement)
            elif record.decision and unit.is_list and record.decision[-1].text.endswith(":"):
                record.decision.append(statement)  # what the decision lists ('… med följande tillägg:')
            else:
                record.justification.append(statement)
        _add_references(record, text, meta.chunk_id)
    return record


_FIELD = {"decision": "decision", "justification": "justification", "reservation": "reservations", "note": "notes"}


def _lines(text: str) -> list[str]:
    return [line.strip()[2:].strip() if line.strip().startswith("- ") else line.strip() for line in text.split("\n") if line.strip()]


def _basis(line: str, chunk_id: str) -> BasisDocument:
    if match := _TRAILING_DATE.search(line):
        return BasisDocument(text=line, title=line[: match.start()].strip(" ,"), date=as_iso(match), chunk_id=chunk_id)
    return BasisDocument(text=line, title=line.strip(" ,"), chunk_id=chunk_id)


def _add_references(record: DecisionRecord, text: str, chunk_id: str) -> None:
    flat = re.sub(r"\s+", " ", text)
    known = {(r.date, r.item) for r in record.decision_refs}
    for match in _DECISION_REF.finditer(flat):
        date, item = as_iso(match), re.sub(r"§\s*", "§ ", match["item"])
        if date and (date, item) not in known and not (date == record.date and item == record.item):
            body = match["body"] or ""
            if body.endswith("s") and not body.endswith("ss"):
                body = body[:-1]  # 'Kulturnämndens beslut' -> 'Kulturnämnden'
            record.decision_refs.append(DecisionReference(text=match.group(0), body=body, date=date, item=item, chunk_id=chunk_id))
            known.add((date, item))
    seen = {(r.sfs, r.paragraph) for r in record.regulation_refs}
    for match in _REGULATION_REF.finditer(flat):
        paragraph = match["before"] or match["after"]
        paragraph = re.sub(r"\s+", " ", paragraph).strip() if paragraph else None
        if (match["sfs"], paragraph) not in seen:
            kind = match["kind"].lower()
            text = f"{paragraph + ' ' if paragraph else ''}{kind} ({match['sfs']})"
            record.regulation_refs.append(RegulationReference(text=text, sfs=match["sfs"], paragraph=paragraph, chunk_id=chunk_id))
            seen.add((match["sfs"], paragraph))
