"""Printed lines of a PDF -> paragraphs, list items and headings, as a reader sees them.

pypdf gives one line per printed line and no blank lines. Lines are joined back into paragraphs
across line ends and page breaks; a word hyphenated at a line end is rejoined; numbered headings
('3.2 Barns och ungas rätt till kultur', 'Bilaga 2 …', '§ 45 …') become Markdown headings so the
splitter can give every chunk a section. A paragraph that runs on to the next page keeps a page
marker inside it (no blank line around it), so its chunk knows both pages.
"""

from __future__ import annotations

import re

from ingest.loaders.base import PAGE_MARKER
from ingest.loaders.text import STRUCTURE_START, as_list_item
from ingest.minutes import MINUTES_PART

# Words after a hyphen at a line end that show it is a real hyphen ('hälso- och sjukvård').
_KEEP_HYPHEN_BEFORE = ("och", "eller", "samt", "till", "som")
_SENTENCE_END = re.compile(r"[.!?:;]['”\")]?$")
# '1 Inledning', '3.2 Barns och ungas rätt till kultur', '4.1. Mål' – a section number, then a title.
_NUMBERED_HEADING = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[A-ZÅÄÖ][^\d].*)$")
_ANNEX_HEADING = re.compile(r"^(?:Bilaga|Appendix|Kapitel)\s+\d{1,2}[.:]?(?:\s+\S.*)?$", re.I)
# An agenda item of minutes starting its own line: '§ 45 Regional kulturplan …'.
_AGENDA_LINE = re.compile(r"^(?:[A-ZÅÄÖ]{2,8}\s+)?§\s?\d{1,4}\b")
MAX_HEADING_CHARS = 100
_ITEM_LINE = re.compile(r"^(?:- |\d{1,2}\. )")


def _join(previous: str, line: str) -> str:
    if previous.endswith("-->"):
        return f"{previous}\n{line}"  # right after a page marker inside a block
    first = line.split(" ", 1)[0]
    if previous.endswith("-") and previous[-2:-1].isalpha():
        if first in _KEEP_HYPHEN_BEFORE or first.startswith(","):
            return f"{previous} {line}"  # 'hälso- och sjukvård': a genuine hyphen
        return previous[:-1] + line  # 'kultur-' + 'samverkansmodellen'
    if previous.endswith(("–", "-")) and previous[-2:-1].isdigit() and line[:1].isdigit():
        return previous + line  # '2025–' + '2028'
    return f"{previous} {line}"


def heading_level(line: str, toc_titles: set[str]) -> int | None:
    """The Markdown level of a heading line, or None for body text."""
    if len(line) > MAX_HEADING_CHARS or line.endswith((".", ",", ";")):
        return None
    if _AGENDA_LINE.match(line):
        return 2
    if MINUTES_PART.match(line):
        return 3
    if match := _NUMBERED_HEADING.match(line):
        if not line.endswith(":"):
            return min(match["num"].rstrip(".").count(".") + 2, 6)
    if _ANNEX_HEADING.match(line):
        return 2
    if line.casefold() in toc_titles:
        return 2
    return None


def _starts_block(line: str) -> bool:
    return bool(STRUCTURE_START.match(line)) or as_list_item(line) is not None


class _Builder:
    """Accumulates Markdown blocks; `open_block` is True while the last block may still continue."""

    def __init__(self, toc_titles: list[str]):
        self.toc = {t.casefold() for t in toc_titles}
        self.blocks: list[str] = []
        self.open_block = False
        self.previous_line = ""
        self.full_width = 0.0
        self.page_pending = ""  # a page marker to place before the next line

    def new_page(self, number: int, lines: list[str]) -> None:
        self.full_width = max((len(line) for line in lines), default=0) * 0.75
        self.page_pending = PAGE_MARKER.format(n=number)

    def _continues(self, line: str) -> bool:
        if not self.open_block or _starts_block(line):
            return False
        if self.previous_line.endswith("-") and self.previous_line[-2:-1].isalpha():
            return True
        if _SENTENCE_END.search(self.previous_line) and heading_level(line, self.toc):
            return False  # a full line ended its paragraph, and a heading follows
        if line[:1].islower():
            return True  # even after 'bl.a.'
        if line[:1].isdigit() and not heading_level(line, self.toc):
            return not _SENTENCE_END.search(self.previous_line)  # '… om' + '120 000 kronor'
        # A line that ran to the right margin continues on the next, unless a page break lies between.
        return not self.page_pending and len(self.previous_line) >= self.full_width

    def _wraps_heading(self, line: str) -> bool:
        """'5.3 Biblioteksverksamhet och … främjande' + 'verksamhet': a heading printed on two lines."""
        last = self.blocks[-1] if self.blocks else ""
        return (
            not self.page_pending and last.startswith("#") and line[:1].islower()
            and len(last) + len(line) <= MAX_HEADING_CHARS and not _SENTENCE_END.search(line)
        )

    def _is_heading(self, line: str, next_line: str | None) -> int | None:
        level = heading_level(line, self.toc)
        if level and next_line and next_line[:1].islower():
            # Body text never starts lower-case after a heading, but a heading's second line may.
            short = len(next_line) < self.full_width * 0.7 and not _SENTENCE_END.search(next_line)
            return level if short else None
        return level

    def add(self, line: str, next_line: str | None) -> None:
        marker = self.page_pending
        if self._wraps_heading(line):
            self.blocks[-1] += f" {line}"
        elif self._continues(line):
            if marker:  # the block runs on to a new page: the marker goes inside it
                last = self.blocks[-1].rsplit("\n", 1)[-1]
                indent = "  " if _ITEM_LINE.match(last) else ""  # an indented line continues a list item
                if last.endswith("-") and last[-2:-1].isalpha():
                    # 'kultur-' | page break | 'planen …': the word stays whole, on the page it starts on.
                    word, _, line = line.partition(" ")
                    self.blocks[-1] = _join(self.blocks[-1], word)
                self.blocks[-1] += f"\n{marker}\n{indent}{line}".rstrip()
            else:
                self.blocks[-1] = _join(self.blocks[-1], line)
        else:
            if marker:
                self.blocks.append(marker)
            level = self._is_heading(line, next_line)
            item = as_list_item(line)
            if level:
                self.blocks.append(f"{'#' * level} {line}")
            elif item and self.blocks and self.open_block and as_list_item(self.blocks[-1].rsplit("\n", 1)[-1]):
                self.blocks[-1] += f"\n{item}"  # keep a list tight, one item per line
            else:
                self.blocks.append(item or line)
            self.open_block = not level
        self.page_pending = ""
        self.previous_line = line


def lines_to_markdown(pages: list[list[str]], toc_titles: list[str] | None = None, first_page: int = 1) -> str:
    """Normalised Markdown with a page marker before each page's text (inside a paragraph that
    runs across the page break)."""
    builder = _Builder(toc_titles or [])
    for number, lines in enumerate(pages, start=first_page):
        builder.new_page(number, lines)
        for i, line in enumerate(lines):
            builder.add(line, lines[i + 1] if i + 1 < len(lines) else None)
        if builder.page_pending:  # an empty page still gets its marker
            builder.blocks.append(builder.page_pending)
            builder.page_pending = ""
            builder.open_block = False
    return "\n\n".join(builder.blocks)
