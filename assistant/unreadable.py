"""Questions about a document the index knows exists but could not read (a scan without a text layer).

Ingestion indexes one placeholder chunk for such a file (ingest/ocr.py). When a question is
about it, the answer is an abstention that says why: the document has no text layer and needs
OCR. Otherwise the placeholder is dropped before answering, so it is never quoted.

A question is about the scan when the placeholder is the best hit (nothing with text answers
better), when the question names the file or its title, or when it asks about a scanned
document at all ("den inskannade skrivelsen", "the scanned letter") and the placeholder was
retrieved: a scan's name and that it is a scan are all the index knows about it.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.citations import make_citation
from assistant.extractive import ABSTAIN_EN, ABSTAIN_SV
from assistant.query import Query
from assistant.schema import Answer, RetrievedChunk

NO_TEXT = "no_text_layer"  # ingest.ocr.NO_TEXT: the assistant side does not import ingestion for it
_ABOUT_A_SCAN = re.compile(r"\b(?:in)?skann\w*|\bscan(?:s|ned|ning)?\b|\bocr\b|\btextlager\w*", re.I)
# A name shorter than this ("a", "17") appears in questions by chance.
_MIN_NAME_CHARS = 4


def is_placeholder(hit: RetrievedChunk) -> bool:
    return hit.meta.text_source == NO_TEXT


def readable(hits: list[RetrievedChunk]) -> list[RetrievedChunk]:
    """The hits an answerer may quote: placeholders have no text of the document's own."""
    return [hit for hit in hits if not is_placeholder(hit)]


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.casefold())) + " "


def names_document(question: str, hit: RetrievedChunk) -> bool:
    """The question names the file ('scan-2024.pdf', 'scan 2024') or the document's title."""
    asked = _words(question)
    names = (hit.meta.title, Path(hit.meta.source_path).stem)
    return any(len(name.strip()) >= _MIN_NAME_CHARS and _words(name) in asked for name in names)


def _about(query: Query, hits: list[RetrievedChunk]) -> RetrievedChunk | None:
    placeholders = [(rank, hit) for rank, hit in enumerate(hits) if is_placeholder(hit)]
    for rank, hit in placeholders:
        if rank == 0 or names_document(query.text, hit):
            return hit
    if placeholders and _ABOUT_A_SCAN.search(query.text):
        return placeholders[0][1]
    return None


def unreadable_answer(query: Query, hits: list[RetrievedChunk]) -> Answer | None:
    """An abstention naming the unreadable document the question is about, or None."""
    hit = _about(query, hits)
    if hit is None:
        return None
    title = hit.meta.title
    if query.english:
        text = f"{ABSTAIN_EN} The document “{title}” has no text layer (a scanned image) and needs OCR before it can be searched."
    else:
        text = f"{ABSTAIN_SV} Dokumentet ”{title}” saknar textlager (inskannad bild) och behöver OCR innan det kan sökas i."
    return Answer(
        question=query.text, answer=text, abstained=True, suggestions=[make_citation(1, hit, "")], retrieved=hits,
    )
