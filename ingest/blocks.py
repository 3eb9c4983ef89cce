"""Parse the loaders' normalised Markdown into typed blocks, and recognise Swedish
document structure in them: statute paragraphs (`8 §`, `9 a §`), chapters (`2 kap.`)
and agenda items in minutes (`§ 121`, `Punkt 3`, `Ärende 4`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ingest.loaders.base import PAGE_MARKER_PATTERN

BlockKind = Literal["heading", "paragraph", "item"]


@dataclass
class Block:
    kind: BlockKind
    text: str
    page: int | None = None
    level: int = 0  # heading level 1-6
    marker: str = ""  # list marker as written: '-' or '3.'
    page_end: int | None = None  # set when the block runs on to a later page

    @property
    def last_page(self) -> int | None:
        return self.page_end or self.page


_PAGE = re.compile(PAGE_MARKER_PATTERN)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+•·▪●]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(.*)$")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")

# '8 §', '9 a §', '12§' at the very start of a block (the statute's own paragraph numbering).
STATUTE_PARAGRAPH = re.compile(r"^(\d{1,3}(?:\s?[a-z])?)\s?§(?!§)\s*")
STATUTE_CHAPTER = re.compile(r"^(\d{1,2})\s?kap\.?(?:\s|$)")
# '§ 121', 'KFN § 121', 'Punkt 3', 'Ärende 4' starting a heading or paragraph of minutes.
AGENDA_ITEM = re.compile(
    r"^(?:(?:[A-ZÅÄÖ]{2,8}\s+)?§\s?(?P<par>\d{1,4})|(?P<word>Punkt|Ärende|Paragraf)\s+(?P<num>\d{1,3}))[.:]?\s*(?P<rest>.*)$",
    re.I,
)
NUMBERED_HEADING = re.compile(r"^(?P<num>\d{1,3})\.?\s+(?P<rest>\D.*)$")

def clean_inline(text: str) -> str:
    text = _EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_blocks(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    page: int | None = None
    paragraph: list[str] = []
    paragraph_page: int | None = None
    previous_line_was_item = False
    previous_blank = True

    def flush() -> None:
        if paragraph:
            text = clean_inline(" ".join(paragraph))
            if text:
                end = page if page != paragraph_page else None
                blocks.append(Block("paragraph", text, paragraph_page, page_end=end))
            paragraph.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        continues_item = previous_line_was_item and bool(stripped) and line[:1].isspace()
        was_item, previous_line_was_item = previous_line_was_item, False
        if page_match := _PAGE.match(stripped):
            if previous_blank:
                flush()
            page = int(page_match.group(1))
            if not previous_blank and was_item and blocks:
                # A page marker inside a list item (no blank line around it): the item runs on.
                blocks[-1].page_end = page
                previous_line_was_item = True
            # else: inside a paragraph, which runs on to this page; flush() records both pages
        elif not stripped:
            flush()
        elif heading := _HEADING.match(stripped):
            flush()
            blocks.append(Block("heading", clean_inline(heading.group(2)), page, level=len(heading.group(1))))
        elif bullet := _BULLET.match(line):
            flush()
            blocks.append(Block("item", clean_inline(bullet.group(1)), page, marker="-"))
            previous_line_was_item = True
        elif (numbered := _NUMBERED.match(line)) and not STATUTE_PARAGRAPH.match(stripped):
            flush()
            blocks.append(Block("item", clean_inline(numbered.group(2)), page, marker=f"{numbered.group(1)}."))
            previous_line_was_item = True
        elif continues_item:
            # An indented line directly under a list item (no blank line between) wraps that item.
            blocks[-1].text = clean_inline(f"{blocks[-1].text} {stripped}")
            previous_line_was_item = True
        else:
            if not paragraph:
                paragraph_page = page
            paragraph.append(stripped)
        previous_blank = not stripped
    flush()
    return blocks


def render_blocks(blocks: list[Block]) -> str:
    """Clean text as quoted in citations: paragraphs apart, a list tight under its lead-in."""
    # Lines of one part are collected in lists and joined once: growing a string per list item
    # made a long list quadratic.
    parts: list[list[str]] = []
    for block in blocks:
        if block.kind == "item":
            line = f"{block.marker} {block.text}"
            if parts:
                parts[-1].append(line)
            else:
                parts.append([line])
        else:
            parts.append([block.text])
    return "\n\n".join("\n".join(lines) for lines in parts)
