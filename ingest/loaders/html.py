"""Saved web pages: the main text only, via trafilatura, with an lxml fallback for short pages."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.utils import decode_file

from ingest.loaders.base import LoadedFile, LoadError
from ingest.loaders.html_flat import flat_markdown
from ingest.loaders.limits import Limits, check_text_length
from ingest.loaders.text import NOT_UTF8, decode_bytes, read_bytes

NO_BODY_TEXT = "HTML-sidan innehåller ingen brödtext"
# Not <form>: ASP.NET sites wrap the whole page in one.
_DROP_TAGS = ("nav", "footer", "script", "style", "noscript", "aside", "template", "iframe", "svg")
_DROP_ROLES = ("navigation", "contentinfo", "search", "banner")
# Matched inside id/class values. Cookie and consent dialogs are unmistakable; menu-ish names
# are weaker, as a wrapper like 'page--with-nav' may hold the whole page.
_CONSENT = re.compile(r"cookie|consent|gdpr", re.I)
_MENU = re.compile(r"banner|meny|breadcrumb|(?:^|[\s_-])(?:nav|menu)", re.I)
_KEEP_ALWAYS = ("html", "body", "main", "article")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_TABLE_SEPARATOR = re.compile(r"^\|[\s:|-]+\|?$")
# Deeper trees go to the flat event parser: libxml2 drops everything below 2048 levels, our
# recursive walks and trafilatura's hit Python's stack limit, and ancestor checks grow with depth.
MAX_TREE_DEPTH = 200


def _decode(path: Path, data: bytes) -> str:
    try:
        text = decode_bytes(path, data)
    except LoadError as exc:
        if exc.reason != NOT_UTF8:
            raise
        text = decode_file(data)  # older pages declare windows-1252 or latin-1 in a meta tag
    # lxml refuses str input that still carries an XML encoding declaration (XHTML).
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)


def _remove_boilerplate(tree: lxml.html.HtmlElement) -> None:
    body = tree.find("body")
    page_length = len((body if body is not None else tree).text_content())
    doomed = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _KEEP_ALWAYS:
            continue
        if element.tag in _DROP_TAGS:
            doomed.append(element)
            continue
        # A <header> inside an article usually holds the article's own title; the page header does not.
        in_article = any(ancestor.tag in ("article", "main") for ancestor in element.iterancestors())
        names = f"{element.get('id', '')} {element.get('class', '')}"
        weak = _MENU.search(names) or (
            (element.tag == "header" or element.get("role") in _DROP_ROLES) and not in_article
        )
        if not (_CONSENT.search(names) or weak):
            continue
        if element.find(".//main") is not None or element.find(".//article") is not None:
            continue  # a page wrapper, whatever its name
        if _CONSENT.search(names) or len(element.text_content()) <= page_length / 2:
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _own_text(element: etree._Element) -> str:
    """Text of an element without its nested lists, which are emitted as items of their own."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in ("ul", "ol"):
            parts.append(_own_text(child) if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _fallback_blocks(element: etree._Element, out: list[str]) -> None:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _HEADINGS:
            out.append(f"{'#' * _HEADINGS[tag]} {_own_text(child)}")
        elif tag == "li":
            number = len(list(child.itersiblings(preceding=True))) + 1
            out.append(f"{number}. {_own_text(child)}" if element.tag == "ol" else f"- {_own_text(child)}")
            _fallback_blocks(child, out)
        elif tag == "tr":
            out.append(" | ".join(" ".join(cell.text_content().split()) for cell in child if cell.tag in ("td", "th")))
        elif tag in ("p", "pre", "blockquote", "dt", "dd"):
            out.append(_own_text(child))
        elif tag:
            _fallback_blocks(child, out)


def _fallback_markdown(tree: lxml.html.HtmlElement) -> str:
    blocks: list[str] = []
    body = tree.find("body")
    _fallback_blocks(body if body is not None else tree, blocks)
    markdown = "\n\n".join(block for block in blocks if block.strip(" -#|0123456789."))
    if not markdown and body is not None:  # text loose in <div>s, outside any block element
        markdown = "\n\n".join(" ".join(line.split()) for line in body.text_content().splitlines() if line.strip())
    return markdown


def _tidy(markdown: str) -> str:
    """Headings without emphasis markers; tables as one 'cell | cell' paragraph per row."""
    lines: list[str] = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if heading := re.match(r"^(#{1,6})\s+(.*)$", stripped):
            lines.append(f"{heading.group(1)} {heading.group(2).replace('**', '').replace('*', '').strip()}")
        elif _TABLE_SEPARATOR.match(stripped):
            continue
        elif stripped.startswith("|") and stripped.endswith("|"):
            cells = [cell.strip() for cell in stripped.strip("|").split("|")]
            lines.extend(["", " | ".join(cells), ""])
        else:
            lines.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _metadata(text: str, tree: lxml.html.HtmlElement) -> dict[str, object]:
    declared: dict[str, object] = {}
    try:
        # extensive=False: the extensive date search guesses from body text and picks up
        # deadlines and event dates as if they were the publication date.
        meta = trafilatura.extract_metadata(text, extensive=False)
    except Exception:  # metadata is optional; the page text matters more
        meta = None
    if meta is not None:
        for key, value in (("title", meta.title), ("published", meta.date), ("source_url", meta.url),
                           ("publisher", meta.sitename or meta.author)):
            if value and str(value).strip():
                declared[key] = str(value).strip()
    if "title" not in declared:
        title = tree.findtext(".//title") or next((h.text_content() for h in tree.iter("h1")), "")
        if title and title.strip():
            declared["title"] = " ".join(title.split())
    return declared


def _tree_depth(tree: lxml.html.HtmlElement) -> int:
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _parse(text: str) -> lxml.html.HtmlElement | None:
    """The page as an lxml tree, or None when it nests too deeply for one."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    tree = lxml.html.document_fromstring(text, parser=parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log) or _tree_depth(tree) > MAX_TREE_DEPTH:
        return None
    return tree


def _load_flat(path: Path, text: str) -> LoadedFile:
    markdown, title = flat_markdown(text)
    if not markdown.strip():
        raise LoadError(path, NO_BODY_TEXT)
    return LoadedFile(text=markdown + "\n", declared={"title": title} if title else {})


def load_html(path: Path, limits: Limits | None = None) -> LoadedFile:
    text = _decode(path, read_bytes(path))
    check_text_length(path, text, limits or Limits())
    try:
        tree = _parse(text)
    except (etree.ParserError, ValueError) as exc:  # only comments or whitespace
        raise LoadError(path, NO_BODY_TEXT) from exc
    if tree is None:
        return _load_flat(path, text)
    declared = _metadata(text, tree)
    _remove_boilerplate(tree)
    try:
        markdown = trafilatura.extract(
            lxml.html.tostring(tree, encoding="unicode"), output_format="markdown",
            include_formatting=True, include_tables=True, include_links=False, include_comments=False,
            favor_recall=True, with_metadata=False,
        )
    except Exception:  # fall back to the plain conversion below rather than lose the page
        markdown = None
    markdown = _tidy(markdown or "")
    # For short pages trafilatura falls back to a plain-text baseline: one line per block,
    # no blank lines and no heading markers. Our own conversion keeps the structure there.
    if not markdown or ("\n" in markdown and "\n\n" not in markdown):
        markdown = _fallback_markdown(tree) or markdown
    if not markdown.strip():
        raise LoadError(path, NO_BODY_TEXT)
    return LoadedFile(text=markdown + "\n", declared=declared)
