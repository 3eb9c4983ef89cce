"""Structure-aware chunking, on hand-made text and on the shared corpus's own documents."""

from __future__ import annotations

import frontmatter
import pytest
from llama_index.core.schema import Document, MetadataMode

from assistant.schema import ChunkMeta, DocType
from ingest.splitter import StructuredSplitter


def _split(text: str, doc_type: DocType = DocType.web_page, title: str = "Testdokument", max_chars: int = 1200):
    meta = {
        "doc_id": "test-doc", "title": title, "doc_type": doc_type.value, "content_hash": "x",
        "source_path": "/tmp/test.md", "published": "2020-05",
    }
    nodes = StructuredSplitter(max_chars=max_chars)([Document(id_="test-doc", text=text, metadata=meta)])
    return nodes, [ChunkMeta.from_store(n.metadata) for n in nodes]


def _corpus_chunks(shared_corpus, name: str):
    post = frontmatter.load(shared_corpus / f"{name}.md")
    return _split(post.content, DocType(post["doc_type"]), post["title"])


def test_statute_split_by_paragraph_on_sfs_2010_2012(shared_corpus):
    nodes, metas = _corpus_chunks(shared_corpus, "sfs-2010-2012-forordning")
    paragraphs = [m.paragraph for m in metas if m.paragraph]
    assert paragraphs == ["1 §", "2 §", "3 §", "4 §"]
    second = nodes[[m.paragraph for m in metas].index("2 §")]
    assert second.text.startswith("2 § Statens kulturråd beslutar om det statsbidrag")
    assert "3 §" not in second.text  # never two paragraphs in one chunk
    assert metas[[m.paragraph for m in metas].index("4 §")].heading_path == ["Ändamålet med fördelning av statsbidraget"]


@pytest.mark.parametrize(
    "name",
    ["sfs-2010-1919-lag", "sfs-2012-515-instruktion-statens-kulturrad", "sfs-2014-1586-andring-2010-2012"],
)
def test_every_corpus_statute_paragraph_gets_its_own_chunk(shared_corpus, name):
    text = (shared_corpus / f"{name}.md").read_text()
    expected = {line.split("**")[1] for line in text.splitlines() if line.startswith("**") and "§**" in line}
    _, metas = _corpus_chunks(shared_corpus, name)
    assert expected and expected == {m.paragraph for m in metas if m.paragraph}


def test_seven_activity_areas_stay_with_their_lead_in(shared_corpus):
    nodes, metas = _corpus_chunks(shared_corpus, "sfs-2014-1586-andring-2010-2012")
    eight = [n for n, m in zip(nodes, metas) if m.paragraph == "8 §"]
    assert len(eight) == 1
    text = eight[0].text
    assert "främjar en god tillgång för länets invånare till" in text
    for area in ["professionell teater-, dans- och musikverksamhet", "museiverksamhet", "filmkulturell verksamhet", "främjande av hemslöjd"]:
        assert area in text
    assert text.count("\n1. ") == 1 and "\n7. främjande av hemslöjd" in text


def test_bullet_list_of_areas_stays_with_lead_in_in_a_web_page(shared_corpus):
    nodes, _ = _corpus_chunks(shared_corpus, "skane-om-kultursamverkansmodellen")
    holders = [n.text for n in nodes if "följande sju verksamhetsområden:" in n.text]
    assert len(holders) == 1
    assert holders[0].count("\n- ") == 7


def test_long_list_is_not_cut_from_its_lead_in_even_over_the_limit():
    items = "\n".join(f"- verksamhetsområde nummer {i} med en längre beskrivning av vad det omfattar" for i in range(12))
    nodes, _ = _split(f"# Rubrik\n\nText före.\n\nStaten får fördela medel till följande:\n{items}\n", max_chars=600)
    with_list = [n.text for n in nodes if "- verksamhetsområde nummer 0" in n.text]
    assert with_list and with_list[0].startswith("Staten får fördela medel till följande:")


def test_heading_paths_follow_nesting():
    md = "# Titel\n\nIntro.\n\n## Kapitel A\n\nText A.\n\n### Del A1\n\nText A1.\n\n## Kapitel B\n\nText B.\n"
    nodes, metas = _split(md)
    by_text = {n.text: m.heading_path for n, m in zip(nodes, metas)}
    assert by_text == {
        "Intro.": [],
        "Text A.": ["Kapitel A"],
        "Text A1.": ["Kapitel A", "Del A1"],
        "Text B.": ["Kapitel B"],
    }


def test_agenda_items_in_corpus_minutes(shared_corpus):
    _, gotland = _corpus_chunks(shared_corpus, "gotland-kfn-2008-12-10-par-121-kulturutredningen")
    assert {m.agenda_item for m in gotland if m.agenda_item} == {"§ 121"}
    assert any(m.section == "§ 121 Kulturutredningen, delrapport" for m in gotland)
    # The decision under a sub-heading still belongs to § 121.
    assert all(m.agenda_item == "§ 121" for m in gotland if "Kultur- och fritidsnämndens beslut" in m.heading_path)
    _, kronoberg = _corpus_chunks(shared_corpus, "kronoberg-kulturberedningen-protokoll-2014-02-14")
    assert {"Punkt 1", "Punkt 3"} <= {m.agenda_item for m in kronoberg}


def test_agenda_item_words_in_plain_paragraphs():
    md = "Protokoll\n\nPunkt 3 Kulturplan\n\nNämnden beslutar att anta planen.\n\nÄrende 4: Budget\n\nBudgeten fastställs.\n"
    nodes, metas = _split(md, DocType.minutes)
    assert [(m.agenda_item, n.text.splitlines()[-1]) for n, m in zip(nodes, metas) if m.agenda_item] == [
        ("Punkt 3", "Nämnden beslutar att anta planen."),
        ("Ärende 4", "Budgeten fastställs."),
    ]


def test_chapter_and_lettered_paragraph():
    md = "## 2 kap. Bidrag\n\n**9 §** Första.\n\n**9 a §** Andra.\n\n## 3 kap. Tillsyn\n\n**1 §** Tredje.\n"
    _, metas = _split(md, DocType.regulation)
    assert [m.section for m in metas] == ["2 kap. 9 §", "2 kap. 9 a §", "3 kap. 1 §"]


def test_pages_are_kept_per_chunk():
    md = "<!-- page 1 -->\n# Plan\n\nFörsta sidans text.\n\n<!-- page 2 -->\n## Del två\n\nAndra sidan.\n\n<!-- page 3 -->\nFortsätter på sidan tre.\n"
    _, metas = _split(md, DocType.culture_plan)
    assert [(m.page_start, m.page_end) for m in metas] == [(1, 1), (2, 2), (3, 3)]


def test_paragraph_cut_by_a_page_break_spans_both_pages():
    md = "<!-- page 4 -->\n## Mål\n\nPlanen ska följas upp\n- årligen\n<!-- page 5 -->\n- i dialog med kommunerna\n"
    _, metas = _split(md, DocType.culture_plan)
    assert [(m.page_start, m.page_end, m.pages) for m in metas] == [(4, 5, "4–5")]


def test_embedded_text_has_title_and_section_but_quoted_text_is_clean():
    nodes, _ = _split("# T\n\n## Samråd\n\nRegionen samråder med kulturlivet.\n", title="Kulturplan för Skåne")
    node = nodes[0]
    embedded = node.get_content(metadata_mode=MetadataMode.EMBED)
    assert embedded.startswith("Kulturplan för Skåne\nSamråd\n\n")
    assert node.get_content(metadata_mode=MetadataMode.NONE) == "Regionen samråder med kulturlivet."
    assert "content_hash" not in embedded and "source_path" not in embedded


def test_a_paragraphs_heading_is_embedded_and_stored_beside_it():
    """Class: a statute § under a heading that says what it is about ("Definition", "Vem som ska
    få statsbidrag"); its section names only the §, so without the heading a question about the
    definition finds the status line under the heading rather than the § itself."""
    md = "## Definition\n\n/Upphör att gälla U: 2020-01-01/\n\n**5 §** Med regional kulturplan avses en beskrivning.\n"
    nodes, metas = _split(md, DocType.regulation)
    paragraph = next(i for i, m in enumerate(metas) if m.paragraph == "5 §")
    assert metas[paragraph].section == "5 §" and metas[paragraph].paragraph_heading == "Definition"
    assert nodes[paragraph].get_content(metadata_mode=MetadataMode.EMBED).startswith("Testdokument\n5 §\nDefinition\n\n")
    # The heading of a web page's section is its section already: it is not embedded twice.
    nodes, metas = _split("## Samråd\n\nRegionen samråder.\n")
    assert metas[0].paragraph_heading == "" and "paragraph_heading" not in nodes[0].metadata


def test_long_paragraph_is_split_at_sentences_within_limit():
    sentence = "Regionen ansvarar för att kulturplanen tas fram i samverkan med kommunerna. "
    nodes, _ = _split(f"## Del\n\n{sentence * 40}", max_chars=500)
    assert len(nodes) > 1
    assert all(len(n.text) <= 500 for n in nodes)
    assert all(n.text.endswith("kommunerna.") for n in nodes)


def test_chunk_ids_are_deterministic():
    md = "## A\n\nText.\n\n## B\n\nMer text.\n"
    first, _ = _split(md)
    second, _ = _split(md)
    assert [n.node_id for n in first] == [n.node_id for n in second] == ["test-doc::0000", "test-doc::0001"]
