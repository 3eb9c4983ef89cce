"""Text that comes from documents is data, never markup: the rules for putting it on a screen.

A document can carry anything in its title, its front matter or its body: `<script>`, an
`onerror` attribute, a `javascript:` or `data:` link, an image that loads from a tracking host.
Everything we show (chat messages, source panels, the CLI) goes through one of these:

- `escape_markdown` for text shown as it stands (titles, sections, publishers, quoted passages):
  every Markdown- or HTML-significant character is backslash-escaped, so it renders as itself.
- `defang_markdown` for an answer, which is Markdown we compose (lists, `[n]` markers) around
  quoted source text, or which an LLM wrote: formatting stays, but no raw HTML, no image, no
  autolink and no link to anything but http(s) survives.
- `safe_url` for links: only absolute http(s) addresses, percent-encoded where Markdown could
  misread them; anything else is not a link.

Safety must not rest on the renderer's own escaping (Chainlit's today, another one tomorrow).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

SAFE_SCHEMES = frozenset({"http", "https"})

# CommonMark lets a backslash escape any ASCII punctuation character.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# `[text](target)` and `![alt](target)`; the target may hold one level of parentheses.
_INLINE_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?([^()\s>]*(?:\([^()\s]*\)[^()\s>]*)*)>?(?:\s+[\"'(][^\n]*?[\"')])?\s*\)")
# `[label]: target` on its own line defines a reference link target.
_REFERENCE_DEFINITION = re.compile(r"^( {0,3})\[([^\]\n]+)\]:", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text that renders exactly as itself in Markdown, with nothing interpreted."""
    return _PUNCTUATION.sub(r"\\\1", text)


def safe_url(url: str | None) -> str | None:
    """An absolute http(s) address made safe to put inside `[..](..)`, else None."""
    url = (url or "").strip()
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    # Parentheses, angle brackets and quotes would end or confuse the Markdown link target.
    return quote(url, safe=":/?#@!$&*+,;=%~-._'")


def defang_markdown(markdown: str) -> str:
    """Keep an answer's formatting, drop whatever could run code or load something.

    Serves every answer, extractive or from an LLM: quoted document text and model output
    are equally untrusted.
    """

    def link(match: re.Match[str]) -> str:
        is_image, label, target = match.group(1), match.group(2), match.group(3)
        if is_image:
            return escape_markdown(label)  # an image would be fetched as soon as it renders
        clean = safe_url(target)
        return f"[{label}]({clean})" if clean else label

    text = _INLINE_LINK.sub(link, markdown)
    text = _REFERENCE_DEFINITION.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\]:", text)
    # Raw HTML and autolinks (`<javascript:…>`) both start with "<"; escaped, they are text.
    text = text.replace("<", "\\<")
    # An image or link split so the regex above did not see it whole still needs "![" / "](".
    return text.replace("![", "!\\[")
