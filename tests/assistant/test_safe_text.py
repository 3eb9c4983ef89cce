"""Document text on screen: escaped where shown as it stands, defanged where it is an answer.

Checked by rendering with markdown-it (CommonMark) with raw HTML *allowed*, the most permissive
renderer a UI could use: our safety must not rest on the renderer's own escaping."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from assistant.safe_text import defang_markdown, escape_markdown, safe_url

RENDER = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
HOSTILE_TEXTS = [
    '<img src=x onerror="alert(1)">', "<script>alert(1)</script>", "![x](https://tracker.example/p.png)",
    "[a](javascript:alert(1))", "**fet** _kursiv_ `kod` # rubrik", "| a | b |", "1. punkt", "<https://example.org>",
    "[ref]: javascript:alert(1)", "&lt;script&gt;", "\\<b>",
]


def _tags(rendered: str) -> set[str]:
    return set(re.findall(r"<([a-z0-9]+)", rendered))


def _text_of(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_escaped_text_renders_as_exactly_itself(text):
    rendered = RENDER.render(escape_markdown(text))
    assert _tags(rendered) <= {"p"}, rendered
    assert _text_of(rendered) == text


def test_escaping_keeps_letters_digits_and_swedish_characters():
    assert escape_markdown("Kulturnämnden 8 § år 2024") == "Kulturnämnden 8 § år 2024"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.skane.se/kultur", "https://www.skane.se/kultur"),
    ("http://example.org/a b", None),
    ("https://example.org/plan(2025).pdf", "https://example.org/plan%282025%29.pdf"),
    ("HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/"),
    ("javascript:alert(1)", None), ("JavaScript:alert(1)", None), ("data:text/html,x", None),
    ("file:///etc/passwd", None), ("//evil.example/x", None), ("/relative", None), ("", None), (None, None),
    ("https://", None), ("java\tscript:alert(1)", None),
])
def test_only_absolute_http_addresses_are_links(url, expected):
    assert safe_url(url) == expected


@pytest.mark.parametrize("answer", [
    'Text <img src=x onerror="alert(1)"> [1]',
    "Text <script>alert(1)</script> [1]",
    "Se ![bild](https://tracker.example/p.png) [1]",
    "Se ![bild](data:image/png;base64,AAAA) [1]",
    "Klicka [här](javascript:alert(1)) [1]",
    "Klicka [här](<javascript:alert(1)>) [1]",
    'Klicka [här](data:text/html,x "titel") [1]',
    "Autolänk <javascript:alert(1)> [1]",
    "[ref]: javascript:alert(1)\n\nSe [ref] [1]",
    "Se ![bild][ref] [1]\n\n[ref]: https://tracker.example/p.png",
    '<a href="javascript:alert(1)">länk</a> [1]',
])
def test_defanged_answers_keep_no_markup_that_runs_or_loads(answer):
    rendered = RENDER.render(defang_markdown(answer))
    assert not _tags(rendered) & {"img", "script", "iframe", "object", "embed", "svg", "style"}, rendered
    for href in re.findall(r'href="([^"]*)"', rendered):
        assert href.startswith(("http://", "https://")), rendered
    assert "onerror" not in re.sub(r"&[a-z]+;|\\", "", "".join(re.findall(r"<[^>]+>", rendered)))


def test_defanging_keeps_the_answers_own_formatting():
    answer = "Enligt förordningen 8 §:\n\n- museiverksamhet,\n- **biblioteksverksamhet** [1]\n\nLäs [mer](https://www.skane.se/kultur) [2]"
    assert defang_markdown(answer) == answer
