"""Timelines: the dated steps of a process, across documents, in order.

For a question about how a process ran ("Hur togs kulturplanen fram?", "Vilka steg hade remissen,
i tidsordning?") every sentence of the retrieved passages that states a full date is a candidate
event: a revision started, a remiss version sent, a consultation period, a deadline, a committee
or council decision, an entry into force. Candidates come only from documents that name what the
question is about (the rule answers and trails follow), are ranked by the embedder's similarity
of the question to the sentence (words, when there are no sentence vectors), and the best are
ordered by date. The same event told by several documents, or by versions of one page, is one
event citing each of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.citations import make_citation
from assistant.evidence import Similarities, naming_documents
from assistant.query import Query
from assistant.safe_text import escape_markdown
from assistant.schema import Citation, RetrievedChunk, Timeline, TimelineEvent
from ingest.analyzer import SwedishAnalyzer
from ingest.dates import FULL_DATE, MONTHS, as_iso
from ingest.sentences import answer_units

NO_TIMELINE_SV = "Jag hittar inga daterade händelser om det i dokumenten."
NO_TIMELINE_EN = "I can't find any dated events about that in the documents."

# The start of a period whose end carries the year: '1 mars–31 maj 2024', '15 januari till den 15 april 2024'.
_PERIOD_START = re.compile(
    rf"\b(?P<day>[0-3]?\d)\s+(?P<month>{'|'.join(MONTHS)})?\s*(?:–|-|till(?:\s+och\s+med)?)\s*(?:den\s+)?"
    rf"(?P<end_day>[0-3]?\d)\s+(?P<end_month>{'|'.join(MONTHS)})\s+(?P<year>(?:19|20)\d{{2}})\b",
    re.I,
)


def dates_in(text: str) -> list[str]:
    """Every full date `text` states, in ISO form and in order of mention, each once; a period
    stated as '1 mars–31 maj 2024' gives its start as well as its end."""
    found: list[tuple[int, str]] = []
    for match in _PERIOD_START.finditer(text):
        month = match["month"] or match["end_month"]
        day = int(match["day"])
        if 1 <= day <= 31:
            found.append((match.start(), f"{match['year']}-{MONTHS[month.lower()]:02d}-{day:02d}"))
    for match in FULL_DATE.finditer(text):
        if iso := as_iso(match):
            found.append((match.start(), iso))
    return list(dict.fromkeys(iso for _, iso in sorted(found)))


@dataclass
class _Event:
    date: str
    text: str
    terms: frozenset[str]
    score: float
    hits: list[RetrievedChunk]
    tellings: dict[str, str] = field(default_factory=dict)  # chunk id -> how that passage tells it

    def __post_init__(self) -> None:
        self.tellings.setdefault(self.hits[0].meta.chunk_id, self.text)


class TimelineBuilder:
    def __init__(self, analyzer: SwedishAnalyzer, max_events: int = 12, same_event_overlap: float = 0.6):
        self.analyzer = analyzer
        self.max_events = max_events
        # Two sentences on one date that share this much of their words tell one event.
        self.same_event_overlap = same_event_overlap

    def build(self, query: Query, hits: list[RetrievedChunk], similarities: Similarities | None = None) -> Timeline:
        events: list[_Event] = []
        for candidate in self._candidates(query, hits, similarities):
            same = next((e for e in events if self._same_event(e, candidate)), None)
            if same is None:
                events.append(candidate)
                continue
            hit = candidate.hits[0]
            same.tellings.setdefault(hit.meta.chunk_id, candidate.text)
            if len(candidate.terms) > len(same.terms):
                # The fullest telling of the event stands, and its passage is cited first.
                same.text, same.terms = candidate.text, candidate.terms
                same.hits = [hit, *(h for h in same.hits if h.meta.chunk_id != hit.meta.chunk_id)]
            elif hit.meta.chunk_id not in {h.meta.chunk_id for h in same.hits}:
                same.hits.append(hit)
        chosen = sorted(events, key=lambda e: -e.score)[: self.max_events]
        chosen.sort(key=lambda e: (e.date, -e.score))
        citations: dict[str, Citation] = {}
        out = []
        for event in chosen:
            for hit in event.hits:
                cid = hit.meta.chunk_id
                if cid not in citations:
                    citations[cid] = make_citation(len(citations) + 1, hit, "")
                quote, told = citations[cid].quote, event.tellings[cid]  # what this passage itself says
                if told not in quote:
                    citations[cid] = citations[cid].model_copy(update={"quote": f"{quote} … {told}" if quote else told})
            out.append(TimelineEvent(
                date=event.date, text=event.text, citations=[citations[h.meta.chunk_id].n for h in event.hits],
                also=list(dict.fromkeys(t for t in event.tellings.values() if t != event.text)),
            ))
        return Timeline(question=query.text, found=bool(out), english=query.english, events=out, citations=list(citations.values()))

    def _candidates(self, query: Query, hits: list[RetrievedChunk], similarities: Similarities | None) -> Iterator[_Event]:
        """Dated sentences of the documents that name the question's subject, best first."""
        named = naming_documents(self.analyzer, query, hits)
        weights = query.answer_terms
        total = sum(weights.values()) or 1.0
        found: list[_Event] = []
        for rank, hit in enumerate(hits):
            if hit.meta.doc_id not in named:
                continue
            sims = (similarities or {}).get(hit.meta.chunk_id, {})
            for unit in answer_units(hit.text):
                # Meaning when the sentence has a vector; else the share of the question's words it holds.
                unit_relevance = sims.get(unit.position)
                for text in _statements(unit.text, unit.is_list):
                    dates = dates_in(text)
                    if not dates:
                        continue
                    # The words besides the dates: what two tellings of one event share.
                    terms = self.analyzer.term_set(FULL_DATE.sub(" ", text))
                    relevance = unit_relevance
                    if relevance is None:
                        relevance = sum(w for t, w in weights.items() if t in terms) / total
                    score = relevance / (1.0 + 0.02 * rank)
                    for date in dates:
                        found.append(_Event(date, text.strip(" -*"), terms, score, [hit]))
        # Ties broken by retrieval order (stable sort), never by set order.
        yield from sorted(found, key=lambda e: -e.score)

    def _same_event(self, event: _Event, other: _Event) -> bool:
        if event.date != other.date:
            return False
        if event.text == other.text:
            return True
        shared = len(event.terms & other.terms) / (min(len(event.terms), len(other.terms)) or 1)
        return shared >= self.same_event_overlap


# A table row's boundary in a table flattened onto one line: "| a | b | | c | d |".
_ROW_BOUNDARY = re.compile(r"\|[ \t]*\|")
_SEPARATOR_CELL = re.compile(r":?-{3,}:?")


def _statements(text: str, is_list: bool) -> list[str]:
    """The statements of one unit: each line of a list ("- Tjänsteskrivelse, 2024-05-28") and
    each row of a table (a "Tidplan" of "| 13 februari 2020 | Beslut om remissversion |", also
    when flattened onto one line) is its own, a row written as its cells joined by dashes."""
    if text.lstrip().startswith("|"):
        rows = [r for line in text.splitlines() for r in _ROW_BOUNDARY.split(line)]
        out = []
        for row in rows:
            cells = [c.strip() for c in row.split("|") if c.strip()]
            if cells and not all(_SEPARATOR_CELL.fullmatch(c) for c in cells):
                out.append(" – ".join(cells))
        return out
    return text.splitlines() if is_list else [text]


def continuing(timeline: Timeline, cited: list[Citation]) -> Timeline:
    """The timeline numbered to go under an answer that already cites `cited`: a passage the
    answer cites keeps its number, the others continue after the answer's."""
    number_of = {c.chunk_id: c.n for c in cited}
    new: list[Citation] = []
    renumber: dict[int, int] = {}
    for c in timeline.citations:
        if c.chunk_id not in number_of:
            number_of[c.chunk_id] = len(cited) + len(new) + 1
            new.append(c.model_copy(update={"n": number_of[c.chunk_id]}))
        renumber[c.n] = number_of[c.chunk_id]
    events = [e.model_copy(update={"citations": list(dict.fromkeys(renumber[n] for n in e.citations))}) for e in timeline.events]
    return timeline.model_copy(update={"events": events, "citations": new})


def render_timeline(timeline: Timeline) -> str:
    """The timeline as Markdown: one line per event, date first, each with its [n]."""
    if not timeline.found:
        return NO_TIMELINE_EN if timeline.english else NO_TIMELINE_SV
    heading = "**Timeline**" if timeline.english else "**Tidslinje**"
    lines = [heading, ""]
    for i, event in enumerate(timeline.events, start=1):  # numbered like the points of the picture
        marks = "".join(f"[{n}]" for n in event.citations)
        lines.append(f"{i}. **{event.date}** {escape_markdown(event.text)} {marks}")
    return "\n".join(lines)
