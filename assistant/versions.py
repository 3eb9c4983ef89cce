"""What applied when: the wording of a regulation's § in force at a given date.

A regulation reaches the index in several documents: a consolidated text ("i lydelse enligt SFS
2019:1082"), a former wording ("lydelse … som upphörde att gälla 2020-01-01"), the original print
("ursprunglig lydelse") and amending ordinances ("om ändring i förordningen (2010:2012)", with
the §§ they give a new wording and "träder i kraft den 1 januari 2015"). Each holds wordings of
some §§. A wording's period comes from what its document states:
- from: an amendment's or the original's entry into force; else the end of the wording it
  replaced; else never before the year of the SFS number that gave it (a wording "i lydelse
  enligt SFS 2019:1082" cannot have applied in 2015), with the start itself unstated;
- until: the date its document says it stopped applying; else the start of the next wording;
  else the entry into force of a regulation that repeals the whole regulation ("Upphäver:
  Förordning (2007:1186)", "Genom denna förordning upphävs förordningen (2007:1186)").
For a question about one § at a date (Query.paragraph, Query.as_of) the wording whose period
covers the date answers, and the answer says which wording it is and from when it applied; with
no date, the wording in force now. When no indexed wording covers the date, the answer says so.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

from assistant.citations import make_citation
from assistant.query import Query
from assistant.schema import AppliedWording, Answer, ChunkMeta, DocType, RetrievedChunk, SearchFilters
from ingest.dates import DATE, as_iso

_BASE_NUMBER = re.compile(r"\((\d{4}:\d+)\)")
_AMENDMENT = re.compile(r"om ändring i (?:förordningen|lagen)\s*\((\d{4}:\d+)\)", re.I)
_PRINTED_NUMBER = re.compile(r"\bSFS\s+(\d{4}:\d+)")
_IN_FORCE = re.compile(rf"(?:träder i kraft|ikraft\s*:)\s*(?:den\s+)?{DATE}", re.I)
_CEASES = re.compile(rf"upphör(?:de)? att gälla\s*(?:U\s*:\s*)?{DATE}", re.I)
# "i lydelse enligt SFS 2019:1082", "t.o.m. SFS 2019:952", a § ending "Förordning (2019:1082)."
_AMENDED_BY = re.compile(r"(?:lydelse enligt|t\.o\.m\.)\s*SFS\s+((?:19|20)\d{2}):\d+|(?:Förordning|Lag)\s*\(((?:19|20)\d{2}):\d+\)\.?\s*$")
_FORMER = re.compile(r"\b(?:upphörde att gälla|upphör att gälla|ursprunglig lydelse|tidigare lydelse)\b", re.I)
_REPEALS = r"(?:upphäver\s*:?\s*(?:förordning(?:en)?|lag(?:en)?)|upphävs\s+(?:förordningen|lagen))\s*\({number}\)"
_PARAGRAPH_HEAD = re.compile(r"^\W*(\d{1,2}(?: [a-z])?) §")


@dataclass
class Wording:
    """One wording of one §, with the period its documents give it."""

    hit: RetrievedChunk
    paragraph: str
    kind: str  # a key of _LABELS: how its document gives it
    amended_by: str = ""  # "SFS 2014:1586": the ordinance that gave this wording
    valid_from: str | None = None
    not_before: str | None = None  # a lower bound when the start itself is not stated
    valid_until: str | None = None
    repealed_by: str | None = None  # "SFS 2012:515": the regulation whose entry into force ended it
    # A later wording follows this one, though the documents state neither this one's end nor the
    # later one's start (an original law beside its consolidated text "t.o.m. SFS 2019:952").
    superseded: bool = False
    former: bool = False
    notes: list[str] = field(default_factory=list)

    def covers(self, day: str) -> bool:
        start = self.valid_from or self.not_before
        return (start is None or start <= day) and (self.valid_until is None or day < self.valid_until)


class VersionResolver:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def base_number(self, query: Query, hits: list[RetrievedChunk]) -> str | None:
        """The SFS number of the regulation asked about: named in the question, else that of the
        best-ranked regulation passage holding the § asked for."""
        for number in query.regulation_refs:
            return self._base_of_number(number) or number
        for hit in hits:
            if hit.meta.doc_type == DocType.regulation and hit.meta.section == query.paragraph:
                return _base_of_title(hit.meta.title)
        return None

    def wordings(self, base: str, paragraph: str, filters: SearchFilters | None = None) -> list[Wording]:
        """Every indexed wording of `paragraph` of regulation `base`, oldest first, with periods."""
        found: list[Wording] = []
        documents = self.regulation_documents(base, filters)
        # The regulation's own entry into force (its original print, or a consolidated text's
        # "Ikraft:" line): no wording of it applied before.
        starts = [d for rows in documents.values() if not _AMENDMENT.search(rows[0][0].title)
                  and (d := _first_date(_IN_FORCE, "\n".join(t for _, t in rows)))]
        regulation_start = min(starts) if starts else None
        for doc_id, rows in documents.items():
            text = "\n".join(t for _, t in rows)
            title = rows[0][0].title
            amendment = _AMENDMENT.search(title)
            own = _PRINTED_NUMBER.search(title) or _PRINTED_NUMBER.search(text)
            in_force = _first_date(_IN_FORCE, text)
            ceases = _first_date(_CEASES, f"{title}\n{text}")
            former = bool(_FORMER.search(title)) or ceases is not None
            for meta, chunk_text in rows:
                if _paragraph_of(meta, chunk_text) != paragraph:
                    continue
                hit = RetrievedChunk(meta=meta, text=chunk_text, score=0.0)
                wording = Wording(hit, paragraph, "unchanged", former=former, valid_until=ceases)
                # A consolidated text marks each § an amendment gave its wording ("Lag (2019:952).").
                by = _AMENDED_BY.search(chunk_text.strip())
                if amendment and own:
                    wording.kind, wording.amended_by, wording.valid_from = "amendment", f"SFS {own.group(1)}", in_force
                elif "ursprunglig lydelse" in title.casefold():
                    wording.kind, wording.valid_from = "original", in_force or regulation_start
                elif by:
                    year = by.group(1) or by.group(2)
                    wording.kind, wording.amended_by = "amendment", _amending_number(by)
                    wording.not_before = f"{year}-01-01"
                elif former:
                    wording.kind, wording.not_before = "former", regulation_start
                else:
                    wording.valid_from = regulation_start
                found.append(wording)
        ordered = _chain(found)
        if ordered and (repeal := self._repeal(base, filters)):
            for wording in ordered:
                if wording.valid_until is None:
                    wording.valid_until, wording.repealed_by = repeal
        return ordered

    def _repeal(self, base: str, filters: SearchFilters | None) -> tuple[str, str] | None:
        """(date, 'SFS number') when an indexed regulation repeals regulation `base` as a whole."""
        repeals = re.compile(_REPEALS.format(number=re.escape(base)), re.I)
        rows = self.conn.execute(
            "SELECT meta, text FROM chunk_store WHERE doc_type = ? AND instr(text, ?) > 0",
            (DocType.regulation.value, f"({base})"),
        ).fetchall()
        for meta_json, text in rows:
            meta = ChunkMeta.from_store(json.loads(meta_json))
            if not repeals.search(text) or (filters is not None and not filters.may_see(meta.access)):
                continue
            whole = "\n".join(t for _, t in self.regulation_documents(_base_of_title(meta.title) or "", filters).get(meta.doc_id, []))
            if day := _first_date(_IN_FORCE, whole or text):
                number = _BASE_NUMBER.search(meta.title) or _PRINTED_NUMBER.search(meta.title)
                return day, f"SFS {number.group(1)}" if number else meta.title
        return None

    def applicable(self, wordings: list[Wording], as_of: str | None) -> Wording | None:
        """The wording in force on `as_of` (now, when None): of those whose period covers it, the
        latest to start."""
        if as_of is None:
            current = [w for w in wordings if w.valid_until is None and not w.former]
            return current[-1] if current else None
        covering = [w for w in wordings if w.covers(as_of)]
        return covering[-1] if covering else None

    def regulation_documents(self, base: str, filters: SearchFilters | None = None) -> dict[str, list[tuple[ChunkMeta, str]]]:
        """Each indexed document of regulation `base` (the regulation and its amendments): its chunks in order."""
        rows = self.conn.execute(
            "SELECT meta, text FROM chunk_store WHERE doc_type = ? AND instr(json_extract(meta, '$.title'), ?) > 0",
            (DocType.regulation.value, base),
        ).fetchall()
        docs: dict[str, list[tuple[ChunkMeta, str]]] = {}
        for meta_json, text in rows:
            meta = ChunkMeta.from_store(json.loads(meta_json))
            if filters is not None and not filters.may_see(meta.access):
                continue
            if _base_of_title(meta.title) == base:
                docs.setdefault(meta.doc_id, []).append((meta, text))
        for chunks in docs.values():
            chunks.sort(key=lambda c: c[0].chunk_index)
        return docs

    def _base_of_number(self, number: str) -> str | None:
        """An amending ordinance's number names the regulation it amends."""
        row = self.conn.execute(
            "SELECT json_extract(meta, '$.title') FROM chunk_store WHERE doc_type = ? AND instr(json_extract(meta, '$.title'), ?) > 0 LIMIT 1",
            (DocType.regulation.value, number),
        ).fetchone()
        return _base_of_title(row[0]) if row else None


class VersionAnswerer:
    """Answers 'Vad sa 8 § förordningen (2010:2012) 2015?' from the wording in force then."""

    def __init__(self, resolver: VersionResolver):
        self.resolver = resolver

    def answer(self, query: Query, hits: list[RetrievedChunk], filters: SearchFilters | None = None) -> Answer | None:
        """The answer, or None when the question names no indexed regulation's § (the ordinary
        answer then decides)."""
        assert query.paragraph is not None
        base = self.resolver.base_number(query, hits)
        wordings = self.resolver.wordings(base, query.paragraph, filters) if base else []
        if not wordings:
            return self._missing_paragraph(query, base, hits, filters) if base else None
        chosen = self.resolver.applicable(wordings, query.as_of)
        en = query.english
        name = _regulation_name(wordings[0].hit.meta.title, base, en)
        cited = [chosen, *(w for w in wordings if w is not chosen)] if chosen else wordings
        citations = [make_citation(i, w.hit, _wording_text(w)) for i, w in enumerate(cited, start=1)]
        applied = AppliedWording(regulation=base, paragraph=query.paragraph, as_of=query.as_of, found=chosen is not None)
        others = [f"- {_capitalized(_label(w, en))}: {_period(w, en)} [{i}]" for i, w in enumerate(cited, start=1) if w is not chosen]
        if chosen is None:
            if query.as_of is None:
                lead = (
                    f"I can't find a wording of {query.paragraph} of {name} that applies now in the documents."
                    if en else f"Jag hittar ingen lydelse av {query.paragraph} {name} som gäller nu i dokumenten."
                )
            else:
                lead = (
                    f"I can't find a wording of {query.paragraph} of {name} that applied on {query.as_of} in the documents."
                    if en else f"Jag hittar ingen lydelse av {query.paragraph} {name} som gällde {query.as_of} i dokumenten."
                )
            listing = "The documents hold these wordings:" if en else "Dokumenten innehåller de här lydelserna:"
            text = f"{lead}\n\n{listing}\n" + "\n".join(others)
            return Answer(question=query.text, answer=text, abstained=True, suggestions=citations, retrieved=hits, applied=applied)
        applied = applied.model_copy(update={
            "doc_id": chosen.hit.meta.doc_id, "source": _label(chosen, False),
            "valid_from": chosen.valid_from, "valid_until": chosen.valid_until,
        })
        if query.as_of is None:
            lead = (
                f"The question names no date, so this is the wording in force now: {query.paragraph} of {name} in {_label(chosen, en)}, {_period(chosen, en)} [1]:"
                if en else f"Frågan anger ingen tidpunkt, så det här är den lydelse som gäller nu: {query.paragraph} {name} i {_label(chosen, en)}, {_period(chosen, en)} [1]:"
            )
        else:
            lead = (
                f"On {query.as_of}, {query.paragraph} of {name} applied in {_label(chosen, en)}, {_period(chosen, en)} [1]:"
                if en else f"Den {query.as_of} gällde {query.paragraph} {name} i {_label(chosen, en)}, {_period(chosen, en)} [1]:"
            )
        text = f"{lead}\n\n{_quote(chosen)}"
        if query.compares_wordings:
            text += "\n\n" + self._before(chosen, cited, en)
            previous = _predecessor(chosen, cited)
            others = [f"- {_capitalized(_label(w, en))}: {_period(w, en)} [{i}]" for i, w in enumerate(cited, start=1) if w not in (chosen, previous)]
        if others:
            text += "\n\n" + ("Other wordings in the documents:" if en else "Andra lydelser i dokumenten:") + "\n" + "\n".join(others)
        return Answer(question=query.text, answer=text, abstained=False, citations=citations, retrieved=hits, applied=applied)

    def _missing_paragraph(
        self, query: Query, base: str, hits: list[RetrievedChunk], filters: SearchFilters | None
    ) -> Answer | None:
        """Class: a question about a § of an indexed regulation whose excerpt lacks that §
        ("Vad säger 6 § förordningen (2010:2012)?" when only 1-5, 8 and 9 a §§ are stored). The
        answer says so and lists the §§ there are, instead of quoting a § that mentions the one
        asked for. None when the regulation's §§ are not indexed at all (the ordinary answer decides)."""
        documents = self.resolver.regulation_documents(base, filters)
        held = _paragraphs(documents)
        if not held:
            return None
        name = _regulation_name(next(iter(documents.values()))[0][0].title, base, query.english)
        listing = ", ".join(held)
        text = (
            f"I can't find {query.paragraph} of {name} in the documents. The documents hold these sections of it: {listing}."
            if query.english else
            f"Jag hittar inte {query.paragraph} {name} i dokumenten. Av den finns de här paragraferna i underlagen: {listing}."
        )
        firsts = [rows[0] for rows in documents.values()]
        suggestions = [
            make_citation(i, RetrievedChunk(meta=meta, text=chunk_text, score=0.0), chunk_text)
            for i, (meta, chunk_text) in enumerate(firsts[:3], start=1)
        ]
        applied = AppliedWording(regulation=base, paragraph=query.paragraph, as_of=query.as_of, found=False)
        return Answer(question=query.text, answer=text, abstained=True, suggestions=suggestions, retrieved=hits, applied=applied)

    @staticmethod
    def _before(chosen: Wording, cited: list[Wording], en: bool) -> str:
        """The wording that `chosen` replaced, quoted, for a question about what changed."""
        previous = _predecessor(chosen, cited)
        if previous is None:
            return (
                "The documents hold no earlier wording of this § to compare with."
                if en else "Dokumenten innehåller ingen tidigare lydelse av paragrafen att jämföra med."
            )
        number = cited.index(previous) + 1
        lead = (
            f"Before that it read, in {_label(previous, en)}, {_period(previous, en)} [{number}]:"
            if en else f"Dessförinnan löd den, i {_label(previous, en)}, {_period(previous, en)} [{number}]:"
        )
        return f"{lead}\n\n{_quote(previous)}"


def _predecessor(chosen: Wording, wordings: list[Wording]) -> Wording | None:
    """The wording in force just before `chosen` began: of those that ended by its start, the last."""
    start = chosen.valid_from or chosen.not_before
    ended = [w for w in wordings if w is not chosen and w.valid_until and (start is None or w.valid_until <= start)]
    if ended:
        return max(ended, key=lambda w: w.valid_until)
    # Class: the original wording of a law beside its consolidated text, neither dating the change.
    earlier = [w for w in wordings if w is not chosen and w.superseded and start and (w.valid_from or "") < start]
    return max(earlier, key=lambda w: w.valid_from or "") if earlier else None


_LIST_ITEM = re.compile(r"^\s*(?:\d+\.|[-*•])\s")


def _quote(wording: Wording) -> str:
    """The wording as a Markdown quote, each of its lines a paragraph of its own except between the
    items of a list (else the sentence after a numbered list reads as part of its last item)."""
    # Document text goes out as a quote; the service defangs the whole answer (no raw HTML, links, images).
    lines = [line.strip() for line in _wording_text(wording).splitlines() if line.strip()]
    out: list[str] = []
    for before, line in zip([None, *lines], lines):
        if before is not None and not (_LIST_ITEM.match(before) and _LIST_ITEM.match(line)):
            out.append(">")
        out.append(f"> {line}")
    return "\n".join(out)


_LABELS = {
    "amendment": ("lydelsen enligt {by}", "the wording given by {by}"),
    "original": ("den ursprungliga lydelsen", "its original wording"),
    "former": ("den tidigare lydelsen", "its former wording"),
    "unchanged": ("den ursprungliga, oförändrade lydelsen", "its original, unamended wording"),
}


def _label(wording: Wording, english: bool) -> str:
    return _LABELS[wording.kind][english].format(by=wording.amended_by)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _period(wording: Wording, english: bool) -> str:
    start, until = wording.valid_from, wording.valid_until
    if english:
        begin = f"from {start}" if start else (f"from a date the documents do not state (not before {wording.not_before})" if wording.not_before else "from a date the documents do not state")
        if wording.repealed_by:
            return f"{begin}, until {until}, when the regulation was repealed by {wording.repealed_by}"
        if wording.superseded and not until:
            return f"{begin}, until a later wording the documents do not date"
        return f"{begin}, until {until}" if until else f"{begin}; the documents show no later wording"
    begin = f"från {start}" if start else (f"från ett datum som dokumenten inte anger (tidigast {wording.not_before})" if wording.not_before else "från ett datum som dokumenten inte anger")
    if wording.repealed_by:
        return f"{begin} till {until}, då författningen upphävdes genom {wording.repealed_by}"
    if wording.superseded and not until:
        return f"{begin} till en senare lydelse som dokumenten inte daterar"
    return f"{begin} till {until}" if until else f"{begin}; dokumenten visar ingen senare lydelse"


# Where the closing block of a printed SFS begins: the entry into force, the signatures, the print line.
_CLOSING = re.compile(r"^\s*(?:Denna (?:förordning|lag) träder i kraft|På regeringens vägnar|SFS \d{4}:\d+\. Utkom)", re.M)


def _wording_text(wording: Wording) -> str:
    """The § itself, without the closing block a chunk of a printed SFS carries after it."""
    text = wording.hit.text.strip()
    closing = _CLOSING.search(text)
    return text[: closing.start()].strip() if closing and closing.start() > 0 else text


def _regulation_name(title: str, base: str, english: bool) -> str:
    is_act = title.lstrip().lower().startswith("lag") or " lag " in f" {title.lower()} "
    if english:
        return f"the act ({base})" if is_act else f"the ordinance ({base})"
    return f"lagen ({base})" if is_act else f"förordningen ({base})"


def _base_of_title(title: str) -> str | None:
    if amendment := _AMENDMENT.search(title):
        return amendment.group(1)
    if number := _BASE_NUMBER.search(title) or _PRINTED_NUMBER.search(title):
        return number.group(1)
    return None


def _paragraphs(documents: dict[str, list[tuple[ChunkMeta, str]]]) -> list[str]:
    """The §§ the documents of a regulation hold, in numeric order ("2 §" before "9 a §" before "10 §")."""
    found = {p for rows in documents.values() for meta, text in rows if (p := _paragraph_of(meta, text))}
    return sorted(found, key=lambda p: (int(re.match(r"\d+", p).group()), p))


def _paragraph_of(meta: ChunkMeta, text: str) -> str | None:
    if meta.section.endswith("§"):
        return meta.section
    head = _PARAGRAPH_HEAD.match(text)
    return f"{head.group(1)} §" if head else None


def _first_date(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return as_iso(match) if match else None


def _amending_number(match: re.Match[str]) -> str:
    number = re.search(r"(?:19|20)\d{2}:\d+", match.group(0))
    return f"SFS {number.group(0)}" if number else "SFS"


def _chain(wordings: list[Wording]) -> list[Wording]:
    """Order the wordings of one § and close the gaps the documents leave: a wording without a
    stated end ends where the next one starts; one without a stated start begins where the one
    before it ended."""
    def start(w: Wording) -> str:
        return w.valid_from or w.not_before or (w.valid_until and "0000") or "9999"

    ordered = sorted(wordings, key=lambda w: (start(w), w.valid_until or "9999", w.hit.meta.doc_id))
    for before, after in zip(ordered, ordered[1:]):
        next_start = after.valid_from
        if before.valid_until is None and next_start:
            before.valid_until = next_start
        elif before.valid_until is None and after.not_before and start(before) < after.not_before:
            before.superseded = True
        if after.valid_from is None and before.valid_until and (after.not_before or "") <= before.valid_until:
            after.valid_from, after.not_before = before.valid_until, None
    return ordered
