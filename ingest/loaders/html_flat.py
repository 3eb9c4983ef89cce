"""Text of an HTML page too deeply nested for a tree, from the standard library's event parser.

libxml2 (behind lxml and trafilatura) stops building the tree at 2048 levels and drops the rest
of the page, and tree walks that recurse run out of stack long before that. `html.parser`
reports tags as a flat stream of events, so nesting costs nothing: blocks are cut at block-level
tags, headings and list items keep their Markdown markers, boilerplate elements are skipped.
"""

from __future__ import annotations

from html.parser import HTMLParser

_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "iframe", "head"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "li", "ul", "ol", "table", "tr", "td", "th",
    "blockquote", "pre", "dt", "dd", "dl", "br", "hr", "form", "figure", "figcaption",
    "h1", "h2", "h3", "h4", "h5", "h6",
}


class _FlatText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title = ""
        self._text: list[str] = []
        self._prefix = ""
        self._skipping = 0  # open skipped elements (nested ones count too)
        self._in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append(f"{self._prefix}{text}")
        self._text, self._prefix = [], ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIPPED:
            self._skipping += tag not in _VOID
            return
        if tag in _BLOCKS:
            self._flush()
            if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
                self._prefix = "#" * int(tag[1]) + " "
            elif tag == "li":
                self._prefix = "- "

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIPPED:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skipping:
            self._text.append(data)


def flat_markdown(markup: str) -> tuple[str, str]:
    """(Markdown of the page's text blocks, the page's <title>) without building a tree."""
    parser = _FlatText()
    parser.feed(markup)
    parser.close()
    parser._flush()
    return "\n\n".join(parser.blocks), " ".join(parser.title.split())
