"""Page furniture in extracted PDF text: running headers and footers, page numbers and the
table of contents. None of it is content, and all of it would otherwise be indexed on every page."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

# Running page numbers ('3', 'Sida 3 av 10', '3/10', 'Sida 3 (10)') carry no content.
PAGE_NUMBER = re.compile(r"^(?:sida\s*)?\d{1,4}(?:\s*(?:av|/)\s*\d{1,4}|\s*\(\d{1,4}\))?$", re.I)
# A table-of-contents entry: a title, a dotted (or underscored) leader and a page number.
_TOC_ENTRY = re.compile(r"^(?P<title>\S.*?)\s*(?:\.{3,}|(?:\. ){3,}|…{2,}|_{3,})\s*\.?\s*(?P<page>\d{1,4})$")
_TOC_TITLE = re.compile(r"^(?:innehåll|innehållsförteckning|contents|table of contents)$", re.I)
_DIGITS = re.compile(r"\d+")

# How far from a page's edge a running header or footer is looked for. Producers do not agree on
# where in the content stream they put them (pypdf may return a footer as the second line), so
# the zone is a few lines, and a line only counts as running when it repeats on most pages.
EDGE_LINES = 4
MIN_PAGES = 3
MIN_SHARE = 0.5


def running_key(line: str) -> str:
    """A line with its numbers blanked: 'Sida 5 av 36' and 'Sida 6 av 36' are the same footer."""
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


def running_keys(pages: list[list[str]]) -> set[str]:
    """Lines that stand at the top or bottom edge of most pages."""
    if len(pages) < MIN_PAGES:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({running_key(line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]})
    needed = max(MIN_PAGES, math.ceil(MIN_SHARE * len(pages)))
    return {key for key, n in counts.items() if n >= needed and key}


@dataclass
class CleanPages:
    pages: list[list[str]]
    toc_titles: list[str] = field(default_factory=list)
    first_header: list[str] = field(default_factory=list)  # running lines as printed on the first page with any


def _peel(lines: list[str], keys: set[str]) -> tuple[list[str], list[str]]:
    """Remove running lines and page numbers from both edges only, so that a repeated line in the
    middle of a page (a recurring heading) is never lost."""
    removed: list[str] = []
    start, end = 0, len(lines)
    while start < end and (running_key(lines[start]) in keys or PAGE_NUMBER.match(lines[start])):
        removed.append(lines[start])
        start += 1
    while end > start and (running_key(lines[end - 1]) in keys or PAGE_NUMBER.match(lines[end - 1])):
        end -= 1
        removed.append(lines[end])
    return lines[start:end], removed


def _drop_toc(lines: list[str], titles: list[str]) -> list[str]:
    if not any(_TOC_ENTRY.match(line) for line in lines):
        return lines
    kept = []
    for line in lines:
        if entry := _TOC_ENTRY.match(line):
            titles.append(entry["title"].strip())
        elif not _TOC_TITLE.match(line):
            kept.append(line)
    return kept


def clean_pages(raw_pages: list[str]) -> CleanPages:
    """Lines of each page without running headers and footers, page numbers and contents entries."""
    pages = [[" ".join(line.split()) for line in text.splitlines()] for text in raw_pages]
    pages = [[line for line in lines if line] for lines in pages]
    keys = running_keys(pages)
    result = CleanPages([])
    for lines in pages:
        body, removed = _peel(lines, keys)
        if not result.first_header:  # page 1 often has none (a title page): take the first page that has
            result.first_header = [r for r in removed if not PAGE_NUMBER.match(r)]
        result.pages.append(_drop_toc(body, result.toc_titles))
    return result
