"""Tables in a PDF page: each row read with its column headings.

pypdf's plain text prints a table row as 'Filmkulturell verksamhet 3 870 4 330 8 200': the column
each number belongs to is lost, so 'how much state money for film' cannot be answered. pypdf's
layout mode keeps the columns apart with runs of spaces; it is only run on pages whose plain text
looks like it holds a table (several lines ending in numbers), because it is slower and it would
interleave the columns of two-column text. Each recognised row becomes a list item naming its
headings ('• Filmkulturell verksamhet – Statliga medel: 3 870; Regionala medel: 4 330; …'), so
the table stays one list under its caption.
"""

from __future__ import annotations

import re

_NUMBER = r"(?:[-–]|\d{1,3}(?:[ \u00a0]\d{3})*(?:,\d+)?(?:\s?%)?)"
_NUMERIC_CELL = re.compile(rf"^{_NUMBER}$")
_ENDS_IN_NUMBERS = re.compile(rf"\s{_NUMBER}\s{_NUMBER}$")
_COLUMN_GAP = re.compile(r"\s{3,}")
MIN_TABLE_LINES = 3
MIN_COLUMNS = 3


def looks_tabular(text: str) -> bool:
    """Several lines ending in two numbers: the plain-text trace of a table of figures."""
    return sum(bool(_ENDS_IN_NUMBERS.search(line.strip())) for line in text.splitlines()) >= MIN_TABLE_LINES


def _cells(line: str) -> list[str]:
    return [cell for cell in _COLUMN_GAP.split(line.strip()) if cell]


def _key(text: str) -> str:
    return " ".join(text.split())


def row_lines(layout_text: str) -> dict[str, str | None]:
    """Plain form of each table line -> its rewritten form (None: a heading row, dropped because
    every row below it now names its headings)."""
    rewritten: dict[str, str | None] = {}
    header: list[str] | None = None
    rows_under_header = 0
    for line in layout_text.splitlines():
        cells = _cells(line)
        if len(cells) < MIN_COLUMNS:
            continue
        numeric = sum(bool(_NUMERIC_CELL.match(cell)) for cell in cells[1:])
        if numeric == 0 and not _NUMERIC_CELL.match(cells[0]):
            if header and rows_under_header:
                rewritten[_key(" ".join(header))] = None
            header, rows_under_header = cells, 0
        elif header and len(cells) == len(header) and numeric == len(cells) - 1:
            pairs = "; ".join(f"{heading}: {value}" for heading, value in zip(header[1:], cells[1:]))
            rewritten[_key(" ".join(cells))] = f"• {cells[0]} – {pairs}"
            rows_under_header += 1
    if header and rows_under_header:
        rewritten[_key(" ".join(header))] = None
    return rewritten


def rewrite_tables(plain_text: str, layout_text: str) -> str:
    """The page's plain text with its table rows replaced by rows that name their headings."""
    rewritten = row_lines(layout_text)
    if not rewritten:
        return plain_text
    out: list[str] = []
    for line in plain_text.splitlines():
        key = _key(line)
        if key not in rewritten:
            out.append(line)
        elif (row := rewritten[key]) is not None:
            out.append(row)
    return "\n".join(out)
