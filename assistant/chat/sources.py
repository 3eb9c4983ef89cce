"""How a citation looks in the source panel: where it is from, and the passage with the
quoted sentences highlighted, so a reader can check the answer against its source.

Everything here comes from documents, so all of it is escaped (assistant.safe_text); the only
Markdown in a panel is the structure this module writes itself.
"""

from __future__ import annotations

from assistant.extractive import QUOTE_SEPARATOR
from assistant.safe_text import escape_markdown, safe_url
from assistant.schema import DOC_TYPE_LABELS_SV, Citation


def _excerpt_bodies(quote: str) -> list[str]:
    """The quoted text line by line, without the list markers the answerer puts before items."""
    bodies = []
    for excerpt in filter(None, (q.strip() for q in quote.split(QUOTE_SEPARATOR))):
        for line in excerpt.split("\n"):
            text = line.strip()
            if text.startswith("- "):
                text = text[2:]
            elif text[:1].isdigit() and ". " in text[:4]:
                text = text.split(". ", 1)[1]
            if text:
                bodies.append(text)
    return bodies


def _highlighted_line(line: str, bodies: list[str]) -> str:
    """One passage line, escaped, with the first occurrence of each quoted body in bold
    (Markdown bold cannot span lines, so highlighting works line by line)."""
    spans: list[tuple[int, int]] = []
    for body in bodies:
        start = line.find(body)
        if start >= 0 and not any(s < start + len(body) and start < e for s, e in spans):
            spans.append((start, start + len(body)))
    out, position = [], 0
    for start, end in sorted(spans):
        out.append(escape_markdown(line[position:start]))
        out.append(f"**{escape_markdown(line[start:end])}**")
        position = end
    out.append(escape_markdown(line[position:]))
    return "".join(out)


def highlight(passage: str, quote: str) -> list[str]:
    """The passage as escaped Markdown lines, quoted excerpts in bold."""
    bodies = _excerpt_bodies(quote)
    return [_highlighted_line(line, bodies) for line in passage.split("\n")]


def source_markdown(citation: Citation, english: bool = False) -> str:
    where = [escape_markdown(citation.section)] if citation.section else []
    if citation.page:
        where.append(f"{'p.' if english else 's.'} {escape_markdown(citation.page)}")
    where.append(escape_markdown(citation.published or ("undated" if english else "odaterad")))
    kind = citation.doc_type.value if english else DOC_TYPE_LABELS_SV[citation.doc_type]
    url = safe_url(citation.source_url)  # anything but http(s) is no link at all
    link = f"[{'Open the source' if english else 'Öppna källan'}]({url})" if url else ""
    # Each source line stays a line: a hard break ("  ") inside the block quote.
    quoted = "\n".join(f"> {line}  " if line.strip() else ">" for line in highlight(citation.passage, citation.quote))
    return f"### {escape_markdown(citation.title)}\n\n*{kind}* · {' · '.join(where)}\n\n{link}\n\n{quoted}\n"
