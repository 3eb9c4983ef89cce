"""PDF text as a reader sees it: page furniture removed, words and paragraphs rejoined, numbered
headings recognised. The PDFs are generated here with their own header wording, margins and page
counts, so that no rule can lean on one particular file."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from assistant.schema import DocType
from ingest.blocks import parse_blocks
from ingest.loaders.pdf import load_pdf
from ingest.loaders.pdf_pages import clean_pages, running_keys
from ingest.splitter import StructuredSplitter, split_into_sections
from llama_index.core.schema import Document

FILLER = "Biblioteken i kommunen ska vara öppna mötesplatser för alla invånare i alla åldrar och"


class _Paged(FPDF):
    def __init__(self, header_text: str, footer_text: str, margin: float):
        super().__init__()
        self.header_text, self.footer_text = header_text, footer_text
        self.set_margins(margin, 20, margin)

    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.cell(0, 8, self.header_text, new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 8, self.footer_text.format(n=self.page_no()), align="C")


def make_paged_pdf(path: Path, pages: list[list[str]], header: str, footer: str, margin: float = 15) -> Path:
    """Each page's lines printed exactly as given (one printed line each), with a running
    header and footer. Helvetica is latin-1, so the texts avoid the en dash."""
    pdf = _Paged(header, footer, margin)
    pdf.set_auto_page_break(False)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        for line in lines:
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


TOPICS = ["läsning", "musik", "teater", "film", "dans", "slöjd", "konst"]


def body_page(n: int) -> list[str]:
    """Body text differs from page to page (as in any real document), beyond its numbers."""
    topic = TOPICS[n % len(TOPICS)]
    return [f"{FILLER} sida {n} handlar om", f"{topic}.", f"Stycket om {topic} slutar här."]


def test_running_header_and_footer_are_removed_whatever_their_wording(tmp_path: Path) -> None:
    pages = [body_page(n) for n in range(1, 6)]
    path = make_paged_pdf(tmp_path / "plan.pdf", pages, "Biblioteksplan för Exempelby kommun 2031", "Blad {n} / 5", 30)
    loaded = load_pdf(path)
    assert "Biblioteksplan för Exempelby" not in loaded.text
    assert "Blad" not in loaded.text
    assert loaded.text.count("Stycket om") == 5  # the body of every page is kept
    # What was removed is kept for the metadata (a minutes' header names the body and date).
    assert "Biblioteksplan för Exempelby kommun 2031" in str(loaded.declared["running_header"])


def test_a_line_repeated_in_the_middle_of_pages_is_content() -> None:
    words = ["Alfa", "Beta", "Gamma", "Delta"]
    pages = [[f"{w} inleder.", "Återkommande mening.", f"{w} fortsätter.", f"{w} slutar."] for w in words]
    keys = running_keys(pages)
    assert "återkommande mening." in keys  # it does repeat near the edge of every page …
    cleaned = clean_pages(["\n".join(lines) for lines in pages])
    assert all("Återkommande mening." in lines for lines in cleaned.pages)  # … but is not at the edge


def test_short_documents_have_no_running_lines() -> None:
    assert running_keys([["Sida 1", "Text"], ["Sida 2", "Text"]]) == set()


def test_hyphenated_words_are_joined_but_genuine_hyphens_kept(tmp_path: Path) -> None:
    lines = [
        f"{FILLER} samverkan inom kultur-",
        "samverkansmodellen ska stärkas genom dialog med hälso-",
        "och sjukvården, med skolan och med alla som vill delta i ett gemensamt",
        "arbete som sker i Kultur-",
        "arvsnätverket.",
    ]
    pages = [lines, body_page(2), body_page(3)]
    text = load_pdf(make_paged_pdf(tmp_path / "h.pdf", pages, "Planen 2030", "- {n} -")).text
    assert "kultursamverkansmodellen ska stärkas" in text
    assert "hälso- och sjukvården" in text
    assert "Kulturarvsnätverket." in text


def test_a_paragraph_across_a_page_break_is_one_chunk_with_both_pages(tmp_path: Path) -> None:
    pages = [
        ["2 Mål för planen", f"{FILLER} ett inkluderande kulturliv förutsätter att", f"{FILLER} fler människor får"],
        [f"möjlighet att utöva kultur, vilket {FILLER.lower()}", "det är slutet på stycket.", "Nästa stycke börjar här."],
        body_page(3),
    ]
    path = make_paged_pdf(tmp_path / "p.pdf", pages, "Kulturstrategi Exempelby", "Sidan {n} av 3", 20)
    text = load_pdf(path).text
    blocks = [b for b in parse_blocks(text) if b.kind == "paragraph"]
    crossing = next(b for b in blocks if "fler människor får möjlighet att utöva kultur" in b.text)
    assert (crossing.page, crossing.page_end) == (1, 2)
    meta = {
        "doc_id": "p", "title": "Kulturstrategi", "doc_type": DocType.report.value,
        "content_hash": "x", "source_path": str(path),
    }
    nodes = StructuredSplitter(max_chars=3000).split_document(Document(id_="p", text=text, metadata=meta))
    chunk = next(n for n in nodes if "fler människor får möjlighet" in n.text)
    assert (chunk.metadata["page_start"], chunk.metadata["page_end"]) == (1, 2)
    assert chunk.metadata["heading_path"] == "2 Mål för planen"


def test_table_of_contents_is_not_content_and_numbered_headings_give_sections(tmp_path: Path) -> None:
    pages = [
        ["Innehåll", "Förord ........................ 2", "1 Bakgrund .................... 2", "1.1 Syfte ....... 3",
         "Bilaga 1 Ordlista ........... 3"],
        ["Förord", "Planen gäller i fyra år.", "1 Bakgrund", "Kommunen har nio bibliotek.",
         "1.1 Syfte", "Syftet är att fler ska läsa."],
        ["Bilaga 1 Ordlista", "Läsombud: en person som lånar ut böcker."],
    ]
    path = make_paged_pdf(tmp_path / "toc.pdf", pages, "Läsplan Exempelby 2030", "{n}")
    text = load_pdf(path).text
    assert "....." not in text and "Innehåll" not in text
    sections = split_into_sections(text, DocType.report)
    paths = {tuple(s.heading_path): render for s in sections for render in [" ".join(b.text for g in s.groups for b in g)]}
    assert paths[("Förord",)] == "Planen gäller i fyra år."  # an unnumbered heading found through the contents
    assert paths[("1 Bakgrund",)] == "Kommunen har nio bibliotek."
    assert paths[("1 Bakgrund", "1.1 Syfte")] == "Syftet är att fler ska läsa."
    assert paths[("Bilaga 1 Ordlista",)].startswith("Läsombud")


def test_a_numbered_list_or_a_sentence_starting_with_a_number_is_not_a_heading(tmp_path: Path) -> None:
    pages = [["Nämnden beslutar att", "1. godkänna planen,", "2. Skicka den vidare.", "12 kommuner har svarat på remissen."]]
    text = load_pdf(make_paged_pdf(tmp_path / "n.pdf", pages, "x", "")).text
    assert "#" not in text
    assert "1. godkänna planen," in text
