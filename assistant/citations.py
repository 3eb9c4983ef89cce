"""Citations: numbered, each resolving to exactly one source passage."""

from __future__ import annotations

import re

from assistant.schema import Citation, DocType, RetrievedChunk

_MARKER = re.compile(r"\[(\d{1,3})\]")


def make_citation(n: int, hit: RetrievedChunk, quote: str) -> Citation:
    meta = hit.meta
    return Citation(
        n=n, doc_id=meta.doc_id, title=meta.title, section=meta.section, page=meta.pages,
        published=meta.published, published_source=meta.published_source, source_url=meta.source_url, quote=quote, chunk_id=meta.chunk_id,
        passage=hit.text, doc_type=meta.doc_type, source_path=meta.source_path,
    )


def cited_numbers(text: str) -> list[int]:
    return [int(m) for m in _MARKER.findall(text)]


def renumber(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Keep only citations the text uses, numbered 1..n in order of first use; drop markers
    that point to no citation. Afterwards every [n] resolves to exactly one listed source."""
    by_number = {c.n: c for c in citations}
    order: list[int] = []
    for n in cited_numbers(text):
        if n in by_number and n not in order:
            order.append(n)
    mapping = {old: new for new, old in enumerate(order, start=1)}

    def replace(match: re.Match[str]) -> str:
        new = mapping.get(int(match.group(1)))
        return f"[{new}]" if new else ""

    cleaned = re.sub(r"\s+(?=[.,;:!?])", "", _MARKER.sub(replace, text)) if mapping or citations else _MARKER.sub("", text)
    renumbered = [by_number[old].model_copy(update={"n": mapping[old]}) for old in order]
    return cleaned.strip(), renumbered


def short_reference(title: str, doc_type: DocType) -> str:
    """'Förordning (2010:2012) om fördelning …' -> 'förordningen (2010:2012)', for a lead line."""
    if doc_type == DocType.regulation:
        if match := re.match(r"(Förordning|Lag)\s*\((\d{4}:\d+)\)", title):
            return f"{match.group(1).lower()}en ({match.group(2)})"
        if match := re.search(r"SFS \d{4}:\d+", title):
            return match.group(0)
    return title
