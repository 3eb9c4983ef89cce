"""A PDF table's rows are read with their column headings; text that is not a table is untouched."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from ingest.loaders.pdf import load_pdf
from ingest.loaders.pdf_tables import looks_tabular, rewrite_tables

ROWS = [
    ("Område", "Budget 2030", "Budget 2031"),
    ("Bibliotek", "1 250", "1 300"),
    ("Museer", "980", "1 010"),
    ("Arkiv", "–", "75"),
    ("Summa", "2 230", "2 385"),
]


def _table_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 6, "Kommunen fördelar medel enligt tabellen.", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "Tabell 3. Budget per område, tkr", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(first_row_as_headings=True, borders_layout="NONE") as table:
        for row in ROWS:
            cells = table.row()
            for cell in row:
                cells.cell(cell.replace("–", "-"))  # Helvetica is latin-1
    pdf.output(str(path))
    return path


def test_rows_name_their_column_headings(tmp_path: Path) -> None:
    text = load_pdf(_table_pdf(tmp_path / "budget.pdf")).text
    assert "- Museer – Budget 2030: 980; Budget 2031: 1 010" in text
    assert "- Arkiv – Budget 2030: -; Budget 2031: 75" in text
    assert "Område Budget 2030" not in text  # the heading row is in every row now
    # The rows stay one list under the caption, so a chunk keeps them together.
    assert "Tabell 3. Budget per område, tkr\n\n- Bibliotek" in text


def test_prose_with_numbers_and_two_columns_are_not_tables() -> None:
    plain = "Kommunen har 12 bibliotek och 3 museer.\nÅr 2024 kom 4 500 besökare.\nDet var 2 fler än 2023."
    assert not looks_tabular(plain)
    layout = "Vänster spalt med text          Höger spalt med text\nmer text här          och mer där"
    assert rewrite_tables("a\nb", layout) == "a\nb"
