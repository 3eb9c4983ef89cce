"""Admin upload: documents dropped into the chat are kept under the data dir and indexed at once.

Only administrators (`KA_ADMIN_USERS`, or an organisation login's admin group) may add documents; anyone else's upload is refused and
nothing is kept. An accepted file is copied to `<data dir>/uploads/` (so source panels and PDF
pages keep working after Chainlit removes its temporary copy) and ingested incrementally, under
the same ingest lock and with the same checks as `kulturassistent ingest`: a new file is indexed,
a changed one replaces its earlier version, an unchanged one is left alone, a bad one is refused
with the reason, and nothing already indexed is lost.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from assistant.safe_text import escape_markdown
from assistant.schema import FileOutcome, FileReport, IngestSummary
from assistant.settings import Settings

# What the issue asks admins to add: PDF, DOCX, HTML and Markdown (the chat's `accept` list too).
UPLOAD_SUFFIXES = frozenset({".pdf", ".docx", ".html", ".htm", ".md"})
OUTCOME_SV = {
    FileOutcome.new: "indexerad", FileOutcome.updated: "uppdaterad", FileOutcome.unchanged: "oförändrad",
    FileOutcome.failed: "vägrad", FileOutcome.skipped: "vägrad", FileOutcome.removed: "borttagen",
}


def is_admin(user, settings: Settings) -> bool:
    """Named in KA_ADMIN_USERS, or given the admin role at login (an organisation login's admin group)."""
    if user is None:
        return False
    return user.identifier in settings.admin_users or (user.metadata or {}).get("role") == "admin"


def stage(files: list[tuple[str, Path]], settings: Settings) -> tuple[list[Path], list[FileReport]]:
    """Copy acceptable uploads (original name, temporary path) into the uploads folder; report the rest."""
    staged: list[Path] = []
    refused: list[FileReport] = []
    folder = settings.uploads_dir
    for name, temporary in files:
        clean = Path(name).name  # never a path the browser chose
        suffix = Path(clean).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            refused.append(FileReport(path=clean, outcome=FileOutcome.failed,
                                      reason=f"filtypen {suffix or '(ingen)'} tas inte emot; ladda upp PDF, DOCX, HTML eller Markdown"))
            continue
        size_mb = temporary.stat().st_size / 1e6
        if size_mb > settings.upload_max_mb:
            refused.append(FileReport(path=clean, outcome=FileOutcome.failed,
                                      reason=f"filen är {size_mb:.1f} MB; högst {settings.upload_max_mb} MB tas emot"))
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / clean
        shutil.copyfile(temporary, target)
        staged.append(target)
    return staged, refused


def ingest_uploads(
    settings: Settings, embedder, paths: list[Path], on_progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Index `paths` (already staged) without pruning anything else; raises IngestLocked when
    another ingest holds the data folder longer than KA_INGEST_LOCK_WAIT_S."""
    from ingest.index import IndexHandle
    from ingest.lock import IngestLock
    from ingest.pipeline import Ingestor

    summary = IngestSummary()
    lock = IngestLock(settings.data_dir)
    lock.acquire(settings.ingest_lock_wait_s)
    with lock:
        index = IndexHandle.open(settings, embedder)
        try:
            ingestor = Ingestor(settings, embedder, index)
            for done, path in enumerate(paths):
                part = ingestor.run(path, prune=False)
                summary.files += part.files
                summary.chunks_embedded += part.chunks_embedded
                summary.chunks_total += part.chunks_total
                if on_progress:
                    on_progress(done + 1, len(paths))
        finally:
            index.close()
    return summary


def report_text(reports: list[FileReport]) -> str:
    """The chat's answer to an upload, one line per file, in Swedish."""
    lines = []
    for report in reports:
        name = escape_markdown(Path(report.path).name)
        label = OUTCOME_SV.get(report.outcome, report.outcome.value)
        if report.outcome in (FileOutcome.failed, FileOutcome.skipped):
            lines.append(f"- **{name}**: {label} – {escape_markdown(report.reason or '')}")
        else:
            detail = f", {report.chunks} avsnitt" if report.chunks else ""
            warnings = f" (obs: {'; '.join(report.warnings)})" if report.warnings else ""
            lines.append(f"- **{name}**: {label}{detail}{warnings}")
    indexed = sum(r.outcome in (FileOutcome.new, FileOutcome.updated) for r in reports)
    head = f"{indexed} av {len(reports)} filer indexerades och går att fråga om nu." if indexed else "Inga filer indexerades."
    return "\n".join([head, "", *lines])
