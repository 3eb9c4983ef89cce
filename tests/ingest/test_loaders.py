"""File loaders: every input is generated here, so each test shows exactly what goes in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from fpdf import FPDF
from pypdf import PdfWriter

from ingest.loaders import LOADERS, SUPPORTED_SUFFIXES, LoadedFile, LoadError, load_file
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.pdf import load_pdf, page_to_markdown
from ingest.loaders.text import load_text, read_text

LONG_PARAGRAPH = (
    "1 § Denna förordning innehåller bestämmelser om statsbidrag till kulturverksamhet i regionerna. "
    "Bidrag får lämnas till allmänkulturell verksamhet och till regional biblioteksverksamhet enligt "
    "vad som sägs nedan."
)


def make_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """One list of paragraphs per page. Helvetica is latin-1 only, which covers åäö and §."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for paragraphs in pages:
        pdf.add_page()
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    if title:
        pdf.set_title(title)
    pdf.output(str(path))
    return path


def page_texts(text: str) -> dict[int, str]:
    """The text after each page marker, keyed by page number, in document order."""
    parts = re.split(r"^<!-- page (\d+) -->$", text, flags=re.M)
    assert parts[0].strip() == "", "no text may come before the first page marker"
    return {int(number): body.strip() for number, body in zip(parts[1::2], parts[2::2])}


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_pages_get_markers_and_their_own_text(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "forordning.pdf",
        [
            ["Förordning om statsbidrag", LONG_PARAGRAPH, "2 § Statens kulturråd prövar frågor om bidrag."],
            ["Ansökan ska göras senast den 1 mars varje år."],
            ["- första punkten", "- andra punkten", "§ 12 Ärendet behandlades."],
        ],
        title="Förordning om statsbidrag till regional kulturverksamhet",
    )
    loaded = load_pdf(path)
    pages = page_texts(loaded.text)
    assert list(pages) == [1, 2, 3]
    # The paragraph fpdf wrapped over several lines comes back as one line.
    assert LONG_PARAGRAPH in pages[1].splitlines()
    assert "\n\n2 § Statens kulturråd" in pages[1]
    assert "Förordning om statsbidrag\n\n1 §" in pages[1]
    assert pages[2] == "Ansökan ska göras senast den 1 mars varje år."
    assert pages[3] == "- första punkten\n- andra punkten\n\n§ 12 Ärendet behandlades."
    assert loaded.declared == {"title": "Förordning om statsbidrag till regional kulturverksamhet"}


def test_pdf_output_parses_into_blocks_with_page_numbers(tmp_path: Path) -> None:
    from ingest.blocks import parse_blocks

    path = make_pdf(tmp_path / "a.pdf", [["Första sidans text."], ["8 § Andra sidans paragraf."]])
    blocks = parse_blocks(load_pdf(path).text)
    assert [(block.page, block.text) for block in blocks] == [
        (1, "Första sidans text."),
        (2, "8 § Andra sidans paragraf."),
    ]


def test_page_to_markdown_rejoins_wrapped_lines() -> None:
    raw = (
        "Kulturrådet fördelar bidrag till regionerna enligt den modell som riksdagen har\n"
        "beslutat om, bl.a. för\n"
        "musik och teater. Bidragen till kultur-\n"
        "verksamhet följs upp årligen av myndigheten.\n"
        "Kort rad\n"
        "Nytt stycke som börjar med versal.\n"
        "• en punkt\n"
        "2) en numrerad punkt\n"
        "9 a § Paragrafen börjar ett eget block.\n"
        "3"  # the page number at the foot of the page
    )
    assert page_to_markdown(raw).split("\n\n") == [
        "Kulturrådet fördelar bidrag till regionerna enligt den modell som riksdagen har beslutat om, "
        "bl.a. för musik och teater. Bidragen till kulturverksamhet följs upp årligen av myndigheten.",
        "Kort rad",
        "Nytt stycke som börjar med versal.",
        "- en punkt\n2. en numrerad punkt",
        "9 a § Paragrafen börjar ett eget block.",
    ]


def test_pdf_encrypted_with_password_is_refused(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", [["Hemlig text om budgeten."]])
    writer = PdfWriter(clone_from=plain)
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(LoadError) as caught:
        load_pdf(locked)
    assert "krypterad" in caught.value.reason
    assert caught.value.path == locked


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", [["Text som bara är kopieringsskyddad."]])
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="", owner_password="ägare")
    restricted = tmp_path / "restricted.pdf"
    writer.write(restricted)
    assert "Text som bara är kopieringsskyddad." in load_pdf(restricted).text


@pytest.mark.parametrize("kind", ["random", "truncated", "text"])
def test_pdf_corrupt_or_not_a_pdf(tmp_path: Path, kind: str) -> None:
    good = make_pdf(tmp_path / "good.pdf", [["Lite text."]]).read_bytes()
    data = {"random": bytes(range(256)) * 8, "truncated": good[: len(good) // 3], "text": b"Detta \xe4r ingen PDF\n"}
    path = tmp_path / "bad.pdf"
    path.write_bytes(data[kind])
    with pytest.raises(LoadError) as caught:
        load_pdf(path)
    assert caught.value.reason == "PDF-filen är skadad eller inte en giltig PDF"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", [[], []])
    with pytest.raises(LoadError) as caught:
        load_pdf(path)
    assert "saknar textlager" in caught.value.reason


def test_pdf_producer_placeholder_title_is_ignored(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [["Text."]], title="Microsoft Word - Dokument1.docx")
    assert "title" not in load_pdf(path).declared


# --- DOCX --------------------------------------------------------------------------------------


def test_docx_styles_become_markdown(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Kulturplan 2025", style="Title")
    document.add_heading("Inledning", level=1)
    document.add_paragraph("Planen beskriver regionens  kulturpolitik.")
    document.add_heading("Mål", level=2)
    document.add_paragraph("Ökad tillgänglighet", style="List Bullet")
    document.add_paragraph("Fler läsare", style="List Bullet")
    document.add_paragraph("Första steget", style="List Number")
    document.add_paragraph("Andra steget", style="List Number")
    document.add_paragraph("   ")  # empty paragraphs carry nothing
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "År", (0, 1): "Budget", (1, 0): "2025", (1, 1): "4 mnkr"}.items():
        table.cell(row, col).text = text
    document.styles.add_style("Rubrik 3", WD_STYLE_TYPE.PARAGRAPH)  # as Swedish Word names it
    document.add_paragraph("Uppföljning", style="Rubrik 3")
    document.core_properties.title = "Regional kulturplan"
    document.core_properties.created = dt.datetime(2024, 11, 5, 9, 30)
    path = tmp_path / "plan.docx"
    document.save(path)

    loaded = load_docx(path)
    assert loaded.text.split("\n\n") == [
        "# Kulturplan 2025",
        "# Inledning",
        "Planen beskriver regionens kulturpolitik.",
        "## Mål",
        "- Ökad tillgänglighet",
        "- Fler läsare",
        "1. Första steget",
        "2. Andra steget",
        "- 2025 – Budget: 4 mnkr",  # a table of figures: each row names its column headings
        "### Uppföljning\n",
    ]
    assert loaded.declared == {"title": "Regional kulturplan", "published": "2024-11-05"}


def test_docx_directly_numbered_paragraphs_become_list_items(tmp_path: Path) -> None:
    # Word usually writes lists as 'List Paragraph' plus numbering, not as 'List Bullet' styles.
    document = docx.Document()
    numbering = {name: document.styles[name].element.pPr.numPr.numId.val for name in ("List Number", "List Bullet")}
    for text, kind in [("Ett", "List Number"), ("Två", "List Number"), ("Punkt", "List Bullet")]:
        paragraph = document.add_paragraph(text, style="List Paragraph")
        paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = numbering[kind]
    path = tmp_path / "listor.docx"
    document.save(path)
    assert load_docx(path).text == "1. Ett\n\n2. Två\n\n- Punkt\n"


def test_docx_from_plain_template_declares_nothing(tmp_path: Path) -> None:
    document = docx.Document()  # python-docx's template carries a 2013 creation date
    document.add_paragraph("Bara text.")
    path = tmp_path / "a.docx"
    document.save(path)
    loaded = load_docx(path)
    assert loaded.declared == {}
    assert loaded.text == "Bara text.\n"


def test_docx_that_is_really_text(tmp_path: Path) -> None:
    path = tmp_path / "fel.docx"
    path.write_text("Det här är en vanlig textfil.", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_docx(path)
    assert caught.value.reason == "filen har ändelsen .docx men är inte ett Word-dokument"


def test_docx_without_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("")
    path = tmp_path / "tom.docx"
    document.save(path)
    with pytest.raises(LoadError, match="filen är tom"):
        load_docx(path)


# --- HTML --------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">
<title>Bidrag | Kulturförvaltningen</title>
<meta property="og:site_name" content="Exempelstads kommun">
<meta property="article:published_time" content="2024-02-01T08:00:00+01:00">
<link rel="canonical" href="https://www.exempelstad.se/kultur/bidrag">
</head><body>
<header class="site-header"><a href="/">Till startsidan</a>
<nav class="main-nav"><ul><li>Evenemang</li><li>Kontakta oss</li></ul></nav></header>
<div id="cookie-banner" class="cookie-consent"><p>Vi använder kakor för att webbplatsen ska fungera.
Godkänn alla kakor eller välj inställningar.</p><button>Godkänn</button></div>
<main><article><header><h1>Bidrag till kulturföreningar</h1></header>
<p>Kulturförvaltningen ger årligen bidrag till ideella kulturföreningar som verkar i kommunen.
Bidraget ska stärka föreningslivet och öka tillgången till kultur för alla invånare.</p>
<h2>Vem kan söka <strong>bidraget</strong>?</h2>
<p>Föreningen ska vara registrerad i kommunens föreningsregister och ha en vald styrelse.</p>
<ul><li>Ideella föreningar</li><li>Studieförbund</li></ul>
<h2>Så ansöker du</h2><p>Ansökan görs i e-tjänsten senast den 15 april 2025. Kulturnämnden beslutar i maj.</p>
</article></main>
<footer><p>Kulturförvaltningen, Stadshuset, 123 45 Exempelstad.</p></footer></body></html>"""


def test_html_keeps_main_text_and_drops_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "bidrag.html"
    path.write_text(PAGE, encoding="utf-8")
    loaded = load_html(path)
    lines = loaded.text.splitlines()
    assert "# Bidrag till kulturföreningar" in lines
    assert "## Vem kan söka bidraget?" in lines  # emphasis markers stripped from the heading
    assert "## Så ansöker du" in lines
    assert "- Ideella föreningar" in lines and "- Studieförbund" in lines
    assert "Kulturförvaltningen ger årligen bidrag" in loaded.text
    for boilerplate in ("kakor", "Godkänn", "Evenemang", "Kontakta oss", "Till startsidan", "Stadshuset"):
        assert boilerplate not in loaded.text
    assert loaded.declared == {
        "title": "Bidrag till kulturföreningar",
        "published": "2024-02-01",
        "source_url": "https://www.exempelstad.se/kultur/bidrag",
        "publisher": "Exempelstads kommun",
    }


def test_html_date_in_body_text_is_not_taken_as_published(tmp_path: Path) -> None:
    page = re.sub(r'<meta property="article:published_time"[^>]*>', "", PAGE)
    path = tmp_path / "bidrag.html"
    path.write_text(page, encoding="utf-8")
    assert "published" not in load_html(path).declared  # '15 april 2025' is a deadline


def test_html_short_page_keeps_heading_markers(tmp_path: Path) -> None:
    path = tmp_path / "kort.htm"
    # A legacy page in windows-1252: trafilatura's short-page baseline drops '#' markers.
    html = "<html><head><meta charset='windows-1252'><title>Kulturhuset</title></head><body>" \
        "<h1>Kulturhuset</h1><p>Öppet på lördagar för alla besökare i huset.</p></body></html>"
    path.write_bytes(html.encode("cp1252"))
    loaded = load_html(path)
    assert loaded.text == "# Kulturhuset\n\nÖppet på lördagar för alla besökare i huset.\n"
    assert loaded.declared["title"] == "Kulturhuset"


def test_html_page_wrappers_are_not_mistaken_for_boilerplate(tmp_path: Path) -> None:
    # ASP.NET wraps the page in a <form>; a layout class may mention 'nav'. Neither is boilerplate.
    path = tmp_path / "avgifter.html"
    path.write_text(
        "<html><body><form id='aspnetForm'><div class='layout layout--with-nav'>"
        "<div class='main-menu'><a>Hem</a> <a>Nyheter</a></div>"
        "<div class='content'><h1>Avgifter för kulturskolan</h1>"
        "<p>Kulturskolan tar ut en terminsavgift för varje ämne som eleven deltar i under terminen.</p>"
        "<p>Syskonrabatt ges från och med det tredje barnet i samma familj, oavsett ämne.</p>"
        "<table><tr><th>Ämne</th><th>Avgift</th></tr><tr><td>Piano</td><td>900 kr</td></tr></table>"
        "</div></div></form></body></html>",
        encoding="utf-8",
    )
    blocks = load_html(path).text.strip().split("\n\n")
    assert blocks[0] == "# Avgifter för kulturskolan"
    assert "Syskonrabatt ges från och med det tredje barnet i samma familj, oavsett ämne." in blocks
    assert "Ämne | Avgift" in blocks and "Piano | 900 kr" in blocks  # table rows as 'cell | cell'
    assert "Nyheter" not in "\n".join(blocks)


def test_html_with_only_navigation_has_no_body_text(tmp_path: Path) -> None:
    path = tmp_path / "meny.html"
    path.write_text("<html><body><nav><a>Hem</a><a>Om oss</a></nav><div class='cookie'>Kakor</div></body></html>")
    with pytest.raises(LoadError) as caught:
        load_html(path)
    assert caught.value.reason == "HTML-sidan innehåller ingen brödtext"


# --- Plain text --------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"])
def test_empty_text_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "tom.txt"
    path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        load_text(path)
    assert caught.value.reason == "filen är tom"


def test_binary_file_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "bild.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(LoadError) as caught:
        load_text(path)
    assert caught.value.reason == "binär fil, inte text"


def test_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Kulturnämnden sammanträder på måndag.".encode("latin-1"))
    with pytest.raises(LoadError) as caught:
        read_text(path)
    assert "UTF-8" in caught.value.reason


def test_text_accepts_bom_and_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffFörsta raden.\r\nAndra raden.\r\n".encode("utf-8"))
    assert read_text(path) == "Första raden.\nAndra raden.\n"


def test_text_structure(tmp_path: Path) -> None:
    path = tmp_path / "protokoll.txt"
    path.write_text(
        "Riktlinjer för kulturstöd\n\n"
        "Stödet gäller alla föreningar\ni kommunen.\n\n"
        "Villkor för stöd:\n- föreningen ska vara ideell\n• ha minst tio medlemmar\n1) ha en styrelse\n\n"
        "Föreningen ska också\n8 § Bidrag lämnas årligen.\n\n"
        "§ 121\n\n"
        "Ärendet avgjordes.\n\n"
        "Punkt 3\n\n"
        "Övriga frågor togs upp.\n\n"
        "Sista raden utan punkt\n",
        encoding="utf-8",
    )
    assert load_text(path).text.split("\n\n") == [
        "## Riktlinjer för kulturstöd",
        "Stödet gäller alla föreningar\ni kommunen.",
        "Villkor för stöd:\n- föreningen ska vara ideell\n- ha minst tio medlemmar\n1. ha en styrelse",
        "Föreningen ska också",
        "8 § Bidrag lämnas årligen.",  # a statute paragraph starts its own block
        "§ 121",  # agenda items stay plain text: the splitter recognises them
        "Ärendet avgjordes.",
        "Punkt 3",
        "Övriga frågor togs upp.",
        "Sista raden utan punkt\n",  # nothing follows, so not a heading
    ]


# --- Registry ----------------------------------------------------------------------------------


def test_registry_dispatches_by_lower_case_suffix(tmp_path: Path) -> None:
    assert SUPPORTED_SUFFIXES == {".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx"}
    path = make_pdf(tmp_path / "VERSALER.PDF", [["Sidans text."]])
    loaded = load_file(path)
    assert isinstance(loaded, LoadedFile)
    assert loaded.text.startswith("<!-- page 1 -->")


def test_registry_rejects_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "tabell.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(ValueError):
        load_file(path)


def test_registry_wraps_unexpected_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, limits) -> LoadedFile:
        raise RuntimeError("trasig")

    monkeypatch.setitem(LOADERS, ".txt", broken)
    path = tmp_path / "a.txt"
    path.write_text("text")
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert caught.value.reason == "oväntat fel vid läsning: RuntimeError: trasig"


def test_registry_passes_load_errors_through(tmp_path: Path) -> None:
    path = tmp_path / "tom.md"
    path.write_text("")
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert caught.value.reason == "filen är tom"
