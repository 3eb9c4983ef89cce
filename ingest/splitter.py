"""Structure-aware chunking: one chunk never spans two statute paragraphs, agenda items or
headings, and a list always stays with the sentence that introduces it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from llama_index.core.schema import BaseNode, Document, NodeRelationship, RelatedNodeInfo, TextNode, TransformComponent
from pydantic import Field

from assistant.schema import ChunkMeta, DocType, DocumentMeta
from ingest.blocks import (
    AGENDA_ITEM,
    NUMBERED_HEADING,
    STATUTE_CHAPTER,
    STATUTE_PARAGRAPH,
    Block,
    parse_blocks,
    render_blocks,
)
from ingest.minutes import CASE_NUMBER, MINUTES_PART

# Bump when chunking changes so that the next ingest re-chunks every document.
SPLITTER_VERSION = "6"

# Only these keys are embedded (before the text, as Onyx does); the rest is for citations.
EMBEDDED_METADATA_KEYS = ("title", "section", "paragraph_heading", "item_title")


@dataclass
class Section:
    heading_path: list[str]
    chapter: str | None = None
    paragraph: str | None = None
    agenda_item: str | None = None
    agenda_title: str | None = None
    agenda_part: str | None = None
    case_number: str | None = None
    groups: list[list[Block]] = field(default_factory=list)


class _Walker:
    """Tracks where in the document's structure the current block is."""

    def __init__(self, doc_type: DocType):
        self.is_statute = doc_type == DocType.regulation
        self.is_minutes = doc_type in (DocType.minutes, DocType.decision)
        self.headings: list[tuple[int, str]] = []
        self.chapter: str | None = None
        self.agenda: tuple[str, str, int] | None = None  # label, title, heading level
        self.part: str | None = None  # 'Beslut', 'Reservation' … within the agenda item
        self.case_number: str | None = None
        self.sections: list[Section] = []
        self.seen_content = False

    def _open(self, paragraph: str | None = None) -> Section:
        label, title, _ = self.agenda or (None, None, 0)
        section = Section(
            [h for _, h in self.headings], self.chapter, paragraph, label, title or None,
            self.part if self.agenda else None, self.case_number if self.agenda else None,
        )
        self.sections.append(section)
        return section

    @property
    def current(self) -> Section:
        return self.sections[-1] if self.sections else self._open()

    def heading(self, block: Block) -> None:
        if block.level == 1 and not self.seen_content and not self.headings:
            return  # the document's own title: already in every citation
        text = block.text
        if self.is_statute and (chapter := STATUTE_CHAPTER.match(text)):
            self.chapter = f"{chapter.group(1)} kap."
        agenda = self._agenda_in(text, allow_bare_number=True)
        if agenda:
            self.agenda = (*agenda, block.level)
            self.part = self.case_number = None
        elif self.agenda and block.level <= self.agenda[2]:
            self.agenda = None
        elif self.agenda and self.is_minutes and MINUTES_PART.match(text):
            self.part = text
        while self.headings and self.headings[-1][0] >= block.level:
            self.headings.pop()
        self.headings.append((block.level, text))
        self._open()

    def paragraph(self, block: Block) -> None:
        self.seen_content = True
        if self.is_statute and (par := STATUTE_PARAGRAPH.match(block.text)):
            label = " ".join(par.group(1).split()) + " §"
            self._open(paragraph=label).groups.append([block])
        elif agenda := self._agenda_in(block.text, allow_bare_number=False):
            self.agenda = (*agenda, 7)  # ends at the next heading of any level
            self.part = self.case_number = None
            section = self._open(paragraph=None)
            section.groups.append([block])
        elif self.agenda and self.is_minutes and (case := CASE_NUMBER.match(block.text)):
            self.case_number = case["dnr"].strip()
            self._open().groups.append([block])
        else:
            section = self.current
            section.groups.append([block])

    def item(self, block: Block) -> None:
        self.seen_content = True
        section = self.current
        if section.groups:
            section.groups[-1].append(block)  # a list joins its lead-in sentence
        else:
            section.groups.append([block])

    def _agenda_in(self, text: str, allow_bare_number: bool) -> tuple[str, str] | None:
        if not self.is_minutes:
            return None
        if match := AGENDA_ITEM.match(text):
            label = f"§ {match['par']}" if match["par"] else f"{match['word'].capitalize()} {match['num']}"
            return label, match["rest"].strip()
        if allow_bare_number and (match := NUMBERED_HEADING.match(text)):
            return f"Punkt {match['num']}", match["rest"].strip()
        return None


def split_into_sections(markdown: str, doc_type: DocType) -> list[Section]:
    walker = _Walker(doc_type)
    for block in parse_blocks(markdown):
        getattr(walker, block.kind)(block)
    return [s for s in walker.sections if s.groups]


def _split_long_paragraph(block: Block, max_chars: int) -> list[Block]:
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])", block.text)
    pieces, current = [], ""
    for sentence in sentences:
        if current and len(current) + len(sentence) + 1 > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    pieces.append(current)
    return [Block(block.kind, p, block.page, block.level, block.marker, block.page_end) for p in pieces if p]


def _fit_group(group: list[Block], max_chars: int) -> list[list[Block]]:
    """Groups longer than the limit are cut at item or sentence boundaries; lists get twice the room."""
    size = len(render_blocks(group))
    has_list = any(b.kind == "item" for b in group)
    if size <= max_chars or (has_list and size <= 2 * max_chars):
        return [group]
    pieces: list[list[Block]] = [[]]
    for block in group:
        parts = _split_long_paragraph(block, max_chars) if len(block.text) > max_chars else [block]
        for part in parts:
            if pieces[-1] and len(render_blocks([*pieces[-1], part])) > max_chars:
                pieces.append([])
            pieces[-1].append(part)
    return pieces


def pack_section(section: Section, max_chars: int) -> Iterator[list[Block]]:
    """Fill chunks group by group. A new page also starts a new chunk (between groups only, so
    a list is never cut from its lead-in) so that a citation can name one page."""
    chunk: list[Block] = []
    for group in section.groups:
        for piece in _fit_group(group, max_chars):
            too_long = len(render_blocks(chunk + piece)) > max_chars
            if chunk and (too_long or piece[0].page != chunk[-1].last_page):
                yield chunk
                chunk = []
            chunk = chunk + piece
    if chunk:
        yield chunk


class StructuredSplitter(TransformComponent):
    """Documents (normalised Markdown + DocumentMeta metadata) -> TextNodes with ChunkMeta."""

    max_chars: int = Field(default=1200, description="Soft upper bound for a chunk's clean text.")

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[BaseNode]:
        out: list[BaseNode] = []
        for document in nodes:
            out.extend(self.split_document(document))
        return out

    def split_document(self, document: BaseNode) -> list[TextNode]:
        doc_meta = DocumentMeta.model_validate(document.metadata)
        text = document.get_content() if isinstance(document, Document) else document.text
        # Built once: `document.as_related_node_info()` hashes the whole document, and doing
        # that per chunk made splitting quadratic in the document's length.
        source = source_info(document)
        nodes: list[TextNode] = []
        for section in split_into_sections(text, doc_meta.doc_type):
            for blocks in pack_section(section, self.max_chars):
                pages = [p for b in blocks for p in (b.page, b.page_end) if p is not None]
                meta = ChunkMeta(
                    **doc_meta.model_dump(),
                    chunk_id=f"{doc_meta.doc_id}::{len(nodes):04d}",
                    chunk_index=len(nodes),
                    heading_path=section.heading_path,
                    chapter=section.chapter,
                    paragraph=section.paragraph,
                    agenda_item=section.agenda_item,
                    agenda_title=section.agenda_title,
                    agenda_part=section.agenda_part,
                    case_number=section.case_number,
                    page_start=min(pages) if pages else None,
                    page_end=max(pages) if pages else None,
                )
                nodes.append(build_node(meta, render_blocks(blocks), source))
        return nodes


def source_info(document: BaseNode) -> RelatedNodeInfo:
    """What `document.as_related_node_info()` returns, for the caller to compute once per document."""
    return RelatedNodeInfo(
        node_id=document.node_id, node_type=document.get_type(), metadata=document.metadata, hash=document.hash
    )


def build_node(meta: ChunkMeta, text: str, source: RelatedNodeInfo | None = None) -> TextNode:
    """A chunk as a llama-index node: clean text, flat metadata, and an embedding text that
    starts with the document title and section path."""
    metadata = meta.to_store()
    hidden = [k for k in metadata if k not in EMBEDDED_METADATA_KEYS]
    node = TextNode(
        id_=meta.chunk_id,
        text=text,
        metadata=metadata,
        excluded_embed_metadata_keys=hidden,
        excluded_llm_metadata_keys=hidden,
        metadata_template="{value}",
        metadata_separator="\n",
        text_template="{metadata_str}\n\n{content}",
    )
    # The store files a node under its source document's id (llama-index writes it over our
    # own `doc_id` key), so there must always be one, and it must be ours.
    node.relationships[NodeRelationship.SOURCE] = source or RelatedNodeInfo(node_id=meta.doc_id)
    return node
