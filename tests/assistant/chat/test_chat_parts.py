"""The chat app's small parts, without a server: users, source panels, feedback records."""

from __future__ import annotations

import json
import re

import pytest
from markdown_it import MarkdownIt

from assistant.chat.feedback import to_gold_question
from assistant.chat.sources import highlight, source_markdown
from assistant.chat.users import UserStore, ensure_first_user, hash_password, verify_password
from assistant.schema import Citation, DocType


def test_passwords_are_stored_hashed_and_verified(tmp_path):
    store = UserStore(tmp_path / "users.json")
    store.add("anna", "ett långt lösenord")
    raw = (tmp_path / "users.json").read_text()
    assert "ett långt lösenord" not in raw and json.loads(raw)["anna"].startswith("scrypt$")
    assert store.check("anna", "ett långt lösenord")
    assert not store.check("anna", "fel lösenord") and not store.check("okänd", "ett långt lösenord")
    assert hash_password("x" * 8) != hash_password("x" * 8)  # salted
    assert not verify_password("x", "md5$abc$def")
    with pytest.raises(ValueError, match="minst 8 tecken"):
        store.add("bo", "kort")


def test_first_user_is_created_once_with_a_random_password(tmp_path):
    store = UserStore(tmp_path / "users.json")
    password = ensure_first_user(store)
    assert password and store.check("admin", password)
    assert ensure_first_user(store) is None


def _citation(**overrides) -> Citation:
    fields = dict(
        n=1, doc_id="sfs-2014-1586", title="SFS 2014:1586", section="8 §", page=None, published="2014-12-22",
        source_url="https://example.org/sfs", chunk_id="sfs-2014-1586::0001", doc_type=DocType.regulation,
        passage="8 § Landstinget ska främja\n1. museiverksamhet,\n2. filmkulturell verksamhet.\n\nDenna förordning träder i kraft.",
        quote="8 § Landstinget ska främja\n1. museiverksamhet,\n2. filmkulturell verksamhet.",
    )
    return Citation(**(fields | overrides))


RENDER = MarkdownIt("commonmark", {"html": True})  # raw HTML allowed: the worst case


def test_source_panel_highlights_exactly_the_quoted_lines():
    rendered = [RENDER.renderInline(line) for line in highlight(_citation().passage, _citation().quote)]
    assert rendered[:3] == [
        "<strong>8 § Landstinget ska främja</strong>",
        "1. <strong>museiverksamhet,</strong>",  # the list number is source text, not a list
        "2. <strong>filmkulturell verksamhet.</strong>",
    ]
    assert not any("Denna förordning</strong>" in line for line in rendered)


def test_source_panel_names_document_section_page_date_and_link():
    rendered = RENDER.render(source_markdown(_citation(page="3–4")))
    assert rendered.startswith("<h3>SFS 2014:1586</h3>")
    assert "<em>författning</em> · 8 § · s. 3–4 · 2014-12-22" in rendered
    assert '<a href="https://example.org/sfs">Öppna källan</a>' in rendered
    assert "p. 3–4" in source_markdown(_citation(page="3–4"), english=True)


HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>[klick](javascript:alert(3))![b](https://t.example/p.png)'


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "//evil.example/x", ""])
def test_source_panel_links_only_http_addresses(url):
    rendered = RENDER.render(source_markdown(_citation(source_url=url)))
    assert "Öppna källan" not in rendered and "href" not in rendered


def test_source_panel_shows_markup_from_document_metadata_and_text_as_text():
    citation = _citation(title=HOSTILE, section=HOSTILE, passage=f"Före {HOSTILE} efter.", quote="Före")
    rendered = RENDER.render(source_markdown(citation))
    assert set(re.findall(r"<([a-z0-9]+)", rendered)) <= {"h3", "p", "em", "blockquote", "strong", "a", "br"}, rendered
    assert re.findall(r'href="([^"]*)"', rendered) == ["https://example.org/sfs"]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in rendered  # shown, as text


@pytest.mark.parametrize(
    ("value", "abstained", "answerable", "docs"),
    [(1, False, True, ["a", "b"]), (1, True, False, []), (0, False, True, []), (0, True, True, [])],
)
def test_feedback_becomes_a_gold_question(value, abstained, answerable, docs):
    record = to_gold_question(3, value, "kommentar", ["Första frågan?", "Och sedan?"],
                              {"abstained": abstained, "cited_docs": ["a", "b", "a"]})
    assert record["id"] == "fb0003" and record["question"] == "Och sedan?" and record["history"] == ["Första frågan?"]
    assert record["answerable"] is answerable and record["expected_docs"] == docs
    assert "kommentar" in record["note"]
    if value == 0:
        assert "granska" in record["note"]
