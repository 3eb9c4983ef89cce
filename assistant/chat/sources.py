"""How a citation looks in the source panel: where it is from, and the passage with the
quoted sentences highlighted, so a reader can check the answer against its source."""

from __future__ import annotations

from assistant.extractive import QUOTE_SEPARATOR
from assistant.schema import DOC_TYPE_LABELS_SV, Citation


def highlight(passage: str, quote: str) -> str:
    """Bold every quoted excerpt inside the passage, line by line (Markdown bold cannot span lines)."""
    marked = passage
    for excerpt in filter(None, (q.strip() for q in quote.split(QUOTE_SEPARATOR))):
        for line in excerpt.split("\n"):
            text = line.strip()
            body = text[2:] if text.startswith("- ") else text.split(". ", 1)[1] if text[:1].isdigit() and ". " in text[:4] else text
            if body and body in marked and f"**{body}**" not in marked:
                marked = marked.replace(body, f"**{body}**", 1)
    return marked


def source_markdown(citation: Citation, english: bool = False) -> str:
    where = [citation.section] if citation.section else []
    if citation.page:
        where.append(f"{'p.' if english else 's.'} {citation.page}")
    where.append(citation.published or ("undated" if english else "odaterad"))
    kind = citation.doc_type.value if english else DOC_TYPE_LABELS_SV[citation.doc_type]
    link = f"[{'Open the source' if english else 'Öppna källan'}]({citation.source_url})" if citation.source_url else ""
    quoted = "\n".join(f"> {line}" if line else ">" for line in highlight(citation.passage, citation.quote).split("\n"))
    return f"### {citation.title}\n\n*{kind}* · {' · '.join(where)}\n\n{link}\n\n{quoted}\n"
