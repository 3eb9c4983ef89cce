"""Shared types: what ingestion writes and what the assistant reads.

Chroma metadata must be flat scalars, so `ChunkMeta.to_store()` / `ChunkMeta.from_store()`
translate between these models and the stored form.
"""

from __future__ import annotations

import re
from enum import Enum

from pydantic import BaseModel, Field


class DocType(str, Enum):
    regulation = "regulation"
    culture_plan = "culture_plan"
    minutes = "minutes"
    decision = "decision"
    web_page = "web_page"
    report = "report"


DOC_TYPE_LABELS_SV: dict[DocType, str] = {
    DocType.regulation: "författning",
    DocType.culture_plan: "kulturplan",
    DocType.minutes: "protokoll",
    DocType.decision: "beslut",
    DocType.web_page: "webbsida",
    DocType.report: "rapport",
}


def date_sort_key(published: str | None) -> int | None:
    """'2019' -> 20190000, '2010-02' -> 20100200, '2010-12-22' -> 20101222; None if unparseable.

    Sources give dates at year, month or day precision; an integer key keeps all three
    comparable and usable in Chroma's numeric `$gte`/`$lte` filters.
    """
    if not published:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", published.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else 0 for g in match.groups())
    return year * 10000 + month * 100 + day


class DateSource(str, Enum):
    """Where a document's date comes from; `modified` is the file's time, not the document's own."""

    declared = "declared"  # front matter or the file's own metadata
    text = "text"  # 'Sammanträdesdatum …', 'Antagen av … den …', a dated title page
    file_name = "file_name"
    modified = "modified"


# Said by every citation of such a chunk: OCR text may be misread, and a placeholder has no text.
SECTION_NOTES = {"ocr": "(OCR-läst text)", "no_text_layer": "(saknar textlager – behöver OCR)"}


# How ChunkMeta.to_store flattens `access` for Chroma (and the chunk store's JSON).
ACCESS_SEPARATOR = "|"
ACCESS_KEY_PREFIX = "access:"


class DocumentMeta(BaseModel):
    """Metadata of one source document, carried by every chunk cut from it."""

    doc_id: str
    title: str
    doc_type: DocType
    publisher: str = ""
    source_url: str = ""
    published: str | None = Field(None, description="As precise as the source: YYYY, YYYY-MM or YYYY-MM-DD.")
    published_source: DateSource | None = Field(None, description="Where `published` was found.")
    body: str = Field("", description="For minutes: the body that met, e.g. 'Kulturnämnden'.")
    partial: bool = False
    text_source: str | None = Field(
        None, description="'ocr': the text was read from a scan by OCR; 'no_text_layer': a scan that could not be "
        "read, indexed as one placeholder chunk so questions about it can say so (never quoted).",
    )
    content_hash: str
    source_path: str = Field(description="Absolute path of the file it was read from.")
    access: list[str] = Field(
        default_factory=list,
        description="Groups whose members may see the document (front matter `access`, or the folder's _access.yml); "
        "empty = public.",
    )

    @property
    def published_key(self) -> int | None:
        return date_sort_key(self.published)

    @property
    def own_published(self) -> str | None:
        """`published` when it is the document's own date; None for a file's time, which says
        when a file was copied, not what day the document is about."""
        return None if self.published_source == DateSource.modified else self.published


class ChunkMeta(DocumentMeta):
    """A chunk's position in its document: the section a citation points to."""

    chunk_id: str
    chunk_index: int
    heading_path: list[str] = Field(default_factory=list)
    chapter: str | None = Field(None, description="Statute chapter, e.g. '2 kap.'")
    paragraph: str | None = Field(None, description="Statute paragraph, e.g. '9 a §'")
    agenda_item: str | None = Field(None, description="Minutes agenda item, e.g. '§ 121' or 'Punkt 3'")
    agenda_title: str | None = Field(None, description="The item's heading, e.g. 'Kulturutredningen, delrapport'")
    agenda_part: str | None = Field(None, description="The item's part, e.g. 'Beslut', 'Reservation'")
    case_number: str | None = Field(None, description="The item's Dnr, e.g. 'KN 2023/0187'")
    page_start: int | None = None
    page_end: int | None = None

    @property
    def paragraph_heading(self) -> str:
        """The heading a statute paragraph stands under ("Definition" above "5 § Med regional
        kulturplan avses …", "Vem som ska få statsbidrag"): it says what the § is about, and the
        section, which names only the §, leaves it out."""
        return self.heading_path[-1] if self.paragraph and self.heading_path else ""

    @property
    def label(self) -> str:
        """What the passage is labelled by: its document's title, its section and the heading
        over a § (`paragraph_heading`), as the evidence model and the reranker read it; the
        embedded text opens with the same three (ingest.splitter.EMBEDDED_METADATA_KEYS)."""
        return " ".join(p for p in (self.title, self.section, self.paragraph_heading) if p)

    @property
    def section(self) -> str:
        """The location, with a note when the text is not the document's own text layer."""
        note = SECTION_NOTES.get(self.text_source or "")
        return " ".join(p for p in (self._location, note) if p)

    @property
    def _location(self) -> str:
        """The most specific human-readable location: '2 kap. 8 §', '§ 121 …', or a heading path."""
        if self.paragraph:
            return f"{self.chapter} {self.paragraph}" if self.chapter else self.paragraph
        if self.agenda_item:
            if self.body:  # a record: 'Kulturnämnden 2024-06-19 § 45, Beslut'
                where = " ".join(p for p in (self.body, self.published, self.agenda_item) if p)
            else:
                where = f"{self.agenda_item} {self.agenda_title}" if self.agenda_title else self.agenda_item
            return f"{where}, {self.agenda_part}" if self.agenda_part else where
        if not self.heading_path and self.body:
            return " ".join(p for p in (self.body, self.published) if p)  # the minutes' opening block
        return " > ".join(self.heading_path)

    @property
    def pages(self) -> str | None:
        if self.page_start is None:
            return None
        if self.page_end in (None, self.page_start):
            return str(self.page_start)
        return f"{self.page_start}–{self.page_end}"

    def to_store(self) -> dict[str, str | int | float | bool]:
        """Flat, None-free metadata for Chroma."""
        flat = self.model_dump(mode="json", exclude={"heading_path"}, exclude_none=True)
        flat["heading_path"] = " > ".join(self.heading_path)
        flat["section"] = self.section
        if self.body and self.agenda_item and self.agenda_title:
            # A record's section ('Kulturnämnden 2024-06-19 § 49, Beslut') leaves the item's title
            # out; it is embedded beside it, so a part still matches a question about the item.
            flat["item_title"] = self.agenda_title
        if self.paragraph_heading:
            flat["paragraph_heading"] = self.paragraph_heading  # embedded and indexed beside the §
        if self.published_key is not None:
            flat["published_key"] = self.published_key
        # Chroma metadata is scalar: the groups as one string, and one flag per group for `where`.
        flat["access"] = ACCESS_SEPARATOR.join(self.access)
        flat.update({f"{ACCESS_KEY_PREFIX}{group}": True for group in self.access})
        return flat

    @classmethod
    def from_store(cls, flat: dict) -> "ChunkMeta":
        data = {k: v for k, v in flat.items() if k in cls.model_fields and v != ""}
        data["heading_path"] = [p for p in str(flat.get("heading_path", "")).split(" > ") if p]
        data["access"] = [g for g in str(flat.get("access", "")).split(ACCESS_SEPARATOR) if g]
        return cls.model_validate(data)


class SearchFilters(BaseModel):
    """Restrict retrieval to some documents. Dates compare at the source's own precision."""

    doc_types: list[DocType] = Field(default_factory=list)
    publisher: str | None = Field(None, description="Case-insensitive part of the publisher's name.")
    since: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive.")
    until: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD, inclusive.")
    groups: list[str] | None = Field(
        None, description="The user's access groups: public documents and those of these groups are searched. "
        "None: no access filtering (the command line on the server, evaluations).",
    )

    @property
    def is_empty(self) -> bool:
        return not (self.doc_types or self.publisher or self.since or self.until) and self.groups is None

    def may_see(self, access: list[str]) -> bool:
        return self.groups is None or not access or bool(set(access) & set(self.groups))

    def matches(self, meta: "ChunkMeta") -> bool:
        if not self.may_see(meta.access):
            return False
        if self.doc_types and meta.doc_type not in self.doc_types:
            return False
        if self.publisher and self.publisher.casefold() not in meta.publisher.casefold():
            return False
        if self.since or self.until:
            key = meta.published_key
            if key is None:
                return False  # an undated document cannot be shown to lie in a date range
            if self.since and key < (date_sort_key(self.since) or 0):
                return False
            if self.until and key > upper_date_key(self.until):
                return False
        return True


def upper_date_key(until: str) -> int:
    """'2020' -> 20201299 so that every date within the year counts as 'until 2020'."""
    key = date_sort_key(until) or 99999999
    year, month, day = key // 10000, key // 100 % 100, key % 100
    return year * 10000 + (month or 12) * 100 + (day or 99)


class RetrievedChunk(BaseModel):
    """One search hit with the evidence behind its rank (scores are None where a retriever missed it)."""

    meta: ChunkMeta
    text: str
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    section: str
    page: str | None
    published: str | None
    published_source: DateSource | None = Field(None, description="'modified': the file's time, not the document's own date.")
    source_url: str
    quote: str = Field(description="The exact sentences of the source that the answer relies on.")
    chunk_id: str
    passage: str = Field(description="The whole chunk the quote comes from, for a source panel.")
    doc_type: DocType
    source_path: str = Field("", description="The indexed file, e.g. to open a PDF at the cited page.")


class AppliedWording(BaseModel):
    """Which wording of a regulation's § an answer quotes, and the period it applied."""

    regulation: str = Field(description="SFS number of the regulation, e.g. '2010:2012'.")
    paragraph: str = Field(description="e.g. '8 §'.")
    as_of: str | None = Field(None, description="The date asked about (ISO); None: now.")
    found: bool
    doc_id: str | None = None
    source: str = Field("", description="e.g. 'SFS 2014:1586', 'tidigare lydelse'.")
    valid_from: str | None = None
    valid_until: str | None = Field(None, description="First day it no longer applied.")


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    suggestions: list[Citation] = Field(default_factory=list, description="Closest documents when abstaining.")
    mode: str = "extractive"
    notice: str | None = Field(None, description="E.g. that the LLM failed and the extractive answer is shown.")
    timings: dict[str, float] = Field(default_factory=dict)
    retrieved: list[RetrievedChunk] = Field(default_factory=list, exclude=True)
    trail: DecisionTrail | None = Field(None, description="For a question about a decision: how it was reached, step by step.")
    timeline: Timeline | None = Field(None, description="For a question about a process: its dated events in order.")
    applied: AppliedWording | None = Field(None, description="For a question about a §: the wording quoted and its period.")


class FileOutcome(str, Enum):
    new = "new"
    updated = "updated"
    unchanged = "unchanged"
    removed = "removed"
    failed = "failed"
    skipped = "skipped"


class FileReport(BaseModel):
    path: str
    outcome: FileOutcome
    doc_id: str | None = None
    chunks: int = 0
    reason: str | None = Field(None, description="Plain-language reason for failed or skipped files.")
    warnings: list[str] = Field(default_factory=list, description="Indexed, but something the user should fix.")


class IngestSummary(BaseModel):
    files: list[FileReport] = Field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def count(self, outcome: FileOutcome) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def exit_code(self) -> int:
        return 1 if self.count(FileOutcome.failed) else 0


class IndexStatus(BaseModel):
    documents_by_type: dict[str, int]
    documents: int
    undated_documents: int = Field(0, description="Documents with no date of their own (only the file's time).")
    chunks: int
    embedder: str
    dimension: int | None
    store: str
    lexical_index: str


# Decision catalogue (ingest/decisions.py builds it, assistant/trail.py follows it). Every piece
# keeps the chunk it was read from, so each step of a trail cites its source passage.
class Statement(BaseModel):
    text: str
    chunk_id: str
    position: int | None = Field(None, description="The unit's position in its chunk (assistant.units), as sentence vectors key it.")


class DecisionReference(BaseModel):
    """'Kulturnämnden beslutade den 7 december 2023, § 118', 'Kulturnämndens beslut 2024-02-15, § 12'."""
    text: str
    body: str = Field("", description="'' when the text names none: the referring record's own body.")
    date: str
    item: str
    chunk_id: str


class RegulationReference(BaseModel):
    """'förordningen (2010:2012)', '8 § förordningen (2010:2012)'."""
    text: str
    sfs: str
    paragraph: str | None = None
    chunk_id: str


class BasisDocument(BaseModel):
    """One line of a Beslutsunderlag: 'Sammanställning av remissvar, 2024-04-12'."""
    text: str
    title: str
    date: str | None = None
    chunk_id: str


class DecisionRecord(BaseModel):
    record_id: str
    doc_id: str
    body: str
    date: str | None
    item: str | None = Field(None, description="'§ 45'; None for a decision document without items.")
    case_number: str | None = None
    title: str
    decision: list[Statement] = Field(default_factory=list)
    justification: list[Statement] = Field(default_factory=list)
    basis: list[BasisDocument] = Field(default_factory=list)
    reservations: list[Statement] = Field(default_factory=list)
    notes: list[Statement] = Field(default_factory=list, description="Protokollsanteckningar.")
    decision_refs: list[DecisionReference] = Field(default_factory=list)
    regulation_refs: list[RegulationReference] = Field(default_factory=list)
    chunk_ids: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """'Kulturnämnden 2024-06-19 § 45 Regional kulturplan …'."""
        return " ".join(p for p in (self.body, self.date, self.item, self.title) if p)


class TrailRole(str, Enum):
    decision = "decision"
    justification = "justification"
    basis = "basis"
    reservation = "reservation"
    note = "note"
    earlier_decision = "earlier_decision"
    regulation = "regulation"


class TrailStep(BaseModel):
    role: TrailRole
    text: str
    depth: int = Field(0, description="0: the decision asked about; 1: an earlier decision it rests on, …")
    citation: int | None = Field(None, description="Number of the citation of the passage the step is written in.")
    link: int | None = Field(None, description="Citation of the source a reference resolves to (an earlier decision, a document, a §).")
    resolved: bool = Field(True, description="False for a reference to a source that is not indexed (or not visible).")


class DecisionTrail(BaseModel):
    question: str
    found: bool
    english: bool = False
    decision: str = Field("", description="The record's label, '' when none was found.")
    record_id: str | None = None
    steps: list[TrailStep] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)


class TimelineEvent(BaseModel):
    date: str = Field(description="ISO date, as the cited sentence states it.")
    text: str = Field(description="The sentence that states the event.")
    citations: list[int] = Field(description="Numbers of the citations that state it (versions of one page: several).")
    also: list[str] = Field(default_factory=list, description="Other tellings of the same event, merged into this one.")


class Timeline(BaseModel):
    question: str
    found: bool
    english: bool = False
    events: list[TimelineEvent] = Field(default_factory=list, description="Ordered by date.")
    citations: list[Citation] = Field(default_factory=list)


Answer.model_rebuild()  # `trail` and `timeline` refer to models defined after Answer
