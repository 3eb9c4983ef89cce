"""Cut a chunk's clean text into answer units: single sentences, and list blocks that keep
their introducing sentence (so 'the seven areas' come out as one unit, lead-in included)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a Swedish sentence.
_ABBREVIATIONS = ("bl.a.", "t.ex.", "s.k.", "m.m.", "d.v.s.", "dvs.", "o.s.v.", "osv.", "resp.", "ca.", "jfr.", "kap.", "nr.", "prop.", "bet.", "rskr.", "dir.", "f.d.", "p.g.a.", "fr.o.m.", "t.o.m.", "utg.omr.",
                  # academic degrees before a name ("kulturkonsulten Erica Månsson och fil. mag. Nadja Ali")
                  "fil. mag.", "fil. kand.", "fil. dr.", "fil. lic.", "jur. kand.", "jur. dr.", "tekn. dr.", "med. dr.", "pol. mag.", "ekon. dr.")
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[\"”'(A-ZÅÄÖ0-9§])")
# List items, and Markdown table rows: a table is read as one block with its header, never cut
# into "sentences" at the full stop of "kl." inside a cell.
_LIST_LINE = re.compile(r"^(?:(?:-|\d{1,2}\.)\s|\|)")
# Stored sentence vectors are keyed by unit position: bump when the cutting changes, so that
# ingest re-embeds every document's units (ingest/pipeline.py puts it in the fingerprint).
UNITS_VERSION = 4
# A line of a dateline or signature block has at most this many words ("Björn Wiechel (S), ordförande").
_BLOCK_LINE_WORDS = 6


@dataclass(frozen=True)
class Unit:
    text: str
    position: int  # order within the chunk
    is_list: bool = False


def split_sentences(paragraph: str) -> list[str]:
    pieces = _BOUNDARY.split(paragraph.strip())
    sentences: list[str] = []
    for piece in pieces:
        if sentences and (sentences[-1].lower().endswith(_ABBREVIATIONS) or re.search(r"\b\d{1,2}\.$", sentences[-1])):
            sentences[-1] = f"{sentences[-1]} {piece}"  # '1 januari 2015. Den' vs 'bl.a. Region'
        else:
            sentences.append(piece)
    return [s for s in sentences if s]


def _short_line(paragraph: str) -> bool:
    """A line of a dateline, signature or letterhead: one line of a few words that ends no
    sentence ("Stockholm i december 2015", "Björn Wiechel (S), ordförande", "Regeringsbeslut 16")."""
    line = paragraph.strip()
    return bool(line) and "\n" not in line and len(line.split()) <= _BLOCK_LINE_WORDS and not line.endswith(
        (".", "!", "?", ":")
    ) and not _LIST_LINE.match(line)


def _blocks(paragraphs: list[str]) -> list[str | list[str]]:
    """The paragraphs, with each run of two or more short lines as one block (a list of them)."""
    out: list[str | list[str]] = []
    run: list[str] = []
    for paragraph in [*paragraphs, ""]:
        if _short_line(paragraph):
            run.append(paragraph)
            continue
        if len(run) >= 2:
            out.append(run)
        else:
            out.extend(run)
        run = []
        out.append(paragraph)
    return out[:-1]


def split_units(text: str) -> list[Unit]:
    """Sentences, lists with their lead-in, and blocks of short lines. Class: a document's
    dateline, signature or letterhead ("Stockholm i december 2015 / Björn Wiechel (S), ordförande /
    Isabella Hökmark (M) / …", "Kulturdepartementet / Regeringsbeslut 16 / 2010-05-27 / Ku2009/…"),
    one short line per paragraph: read as one unit, it says who signed, who the members were and
    when and by whom the document was issued, which no line of it says alone."""
    units: list[Unit] = []
    for paragraph in _blocks(text.split("\n\n")):
        if isinstance(paragraph, list):
            units.append(Unit("\n\n".join(paragraph).strip(), len(units)))
            continue
        lines = paragraph.split("\n")
        first_item = next((i for i, line in enumerate(lines) if _LIST_LINE.match(line)), None)
        prose = " ".join(lines[:first_item] if first_item is not None else lines)
        sentences = split_sentences(prose) if prose else []
        if first_item is None:
            units.extend([Unit(s, len(units) + i) for i, s in enumerate(sentences)])
            continue
        lead = sentences.pop() if sentences else ""
        # A list, not a generator: len(units) must not grow while positions are numbered.
        units.extend([Unit(s, len(units) + i) for i, s in enumerate(sentences)])
        block = "\n".join([lead, *lines[first_item:]] if lead else lines[first_item:])
        units.append(Unit(block, len(units), is_list=True))
    return units
