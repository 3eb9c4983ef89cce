"""Resource limits, deep HTML, and the worker that reads files under a time budget."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest

from ingest.loaders import Limits, LoadError, load_file
from ingest.loaders.html import load_html
from ingest.prepare import PrepareJob
from ingest.worker import PrepareTimeout, PrepareWorker
from tests.ingest.hostile import write_deep_html, write_many_paragraphs_docx


def test_file_larger_than_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "stor.md"
    path.write_text("# Rubrik\n\n" + "text " * 1000)
    with pytest.raises(LoadError, match="filen är för stor: 5,0 kB, högst 1,0 kB"):
        load_file(path, Limits(max_file_bytes=1000))


def test_text_longer_than_the_limit_is_refused_not_truncated(tmp_path: Path) -> None:
    path = tmp_path / "lang.txt"
    path.write_text("ord " * 5000)
    with pytest.raises(LoadError, match="för mycket text: 20 000 tecken, högst 10 000"):
        load_file(path, Limits(max_text_chars=10_000))
    assert load_file(path, Limits(max_text_chars=30_000)).text.startswith("ord ord")


def test_docx_inflating_too_far_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = write_many_paragraphs_docx(tmp_path / "manga.docx", paragraphs=200_000)
    started = time.perf_counter()
    with pytest.raises(LoadError, match="packar upp till mer än 100 gånger sin packade storlek"):
        load_file(path)
    with pytest.raises(LoadError, match=r"packar upp till mer än 1,0 MB \(7,6 MB ur"):
        load_file(path, Limits(max_unpacked_bytes=1_000_000, max_unpack_ratio=1e9))
    assert time.perf_counter() - started < 2, "refused without inflating"


def test_small_highly_compressible_members_are_not_a_bomb(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "vanlig.docx"
    document = docx.Document()
    document.add_paragraph("Kulturplanen beslutas av regionfullmäktige.")
    document.save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/blanksteg.xml", " " * 500_000)  # 500 kB at ~1000x: below the floor
    assert "regionfullmäktige" in load_file(path).text


def test_deeply_nested_html_keeps_its_text_and_structure(tmp_path: Path) -> None:
    path = write_deep_html(tmp_path / "djup.html", depth=50_000, marker="Djupord")
    loaded = load_html(path)
    assert "Djupord: regionen ansvarar för kulturplanen" in loaded.text
    assert "Sidans sista stycke om samverkan." in loaded.text
    assert loaded.declared["title"] == "Djup sida"


def test_moderately_nested_html_still_goes_through_trafilatura(tmp_path: Path) -> None:
    path = tmp_path / "sida.html"
    body = "<div>" * 50 + "<h2>Om samverkan</h2><p>Regionen och kommunerna samverkar om kulturen.</p>" + "</div>" * 50
    path.write_text(f"<html><head><title>Sida</title></head><body><main>{body}</main></body></html>")
    assert "## Om samverkan" in load_html(path).text


def test_worker_kills_a_file_that_blocks_and_serves_the_next(tmp_path: Path) -> None:
    pipe = tmp_path / "blockerar.txt"
    os.mkfifo(pipe)  # reading it blocks forever: a stand-in for a parser that hangs
    good = tmp_path / "bra.md"
    good.write_text("# Rubrik\n\nKulturnämnden beslutar.\n")
    worker = PrepareWorker()
    try:
        started = time.perf_counter()
        with pytest.raises(PrepareTimeout):
            worker.prepare(PrepareJob(str(pipe), str(tmp_path), "0" * 64, 1200, Limits()), timeout_s=2)
        assert time.perf_counter() - started < 30
        prepared = worker.prepare(PrepareJob(str(good), str(tmp_path), "1" * 64, 1200, Limits()), timeout_s=60)
        assert prepared.meta.doc_id == "bra-md" and prepared.nodes
        assert worker.prepare(PrepareJob(str(tmp_path / "saknas.md"), str(tmp_path), "2" * 64, 1200, Limits()), 60) == "filen finns inte"
    finally:
        worker.close()
