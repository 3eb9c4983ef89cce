"""Files -> documents -> structured chunks -> embeddings -> Chroma + lexical index.

Incremental: an unchanged file (same bytes, same chunking) costs one hash. Streaming: files are
read and split one at a time in a worker process under a time budget, then embedded in small
batches and committed one by one, so a slow, huge or broken file delays and loses only itself.
Crash-safe: documents are written in batches of about `write_batch_chunks` chunks (Chroma
upserts first, then one SQLite transaction for the lexical index and manifest of the whole
batch); whatever a killed run left half-done is redone by the next, because a document counts as
indexed only once its manifest entry is committed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.safe_text import safe_url
from assistant.schema import DocumentMeta, FileOutcome, FileReport, IngestSummary
from assistant.settings import Settings
from assistant.units import UNITS_VERSION
from ingest.access import FolderAccess
from ingest.decision_mirror import mirror_decisions
from ingest.embed_queue import EmbedQueue, PendingDocument
from ingest.index import IndexHandle
from ingest.loaders import Limits, LoadError
from ingest.loaders.limits import check_file_size
from ingest.loaders.pdf import NO_TEXT_LAYER
from ingest.manifest import ManifestEntry, is_under
from ingest.metadata import file_hash
from ingest.ocr import current_fingerprints, fingerprint, read_scan
from ingest.prepare import PrepareJob
from ingest.scan import scan_folder
from ingest.sentences import STORAGE_VERSION as SENTENCE_STORAGE_VERSION
from ingest.splitter import SPLITTER_VERSION
from ingest.worker import PrepareTimeout, PrepareWorker, WorkerCrashed, shared_worker

ProgressCallback = Callable[[int, int], None]  # (files handled so far, files to handle)


def _failed(path: Path, reason: str, doc_id: str | None = None) -> FileReport:
    return FileReport(path=str(path), outcome=FileOutcome.failed, doc_id=doc_id, reason=reason)


class Ingestor:
    def __init__(self, settings: Settings, embedder: BaseEmbedding, index: IndexHandle, worker: PrepareWorker | None = None):
        self.settings = settings
        self.embedder = embedder
        self.index = index
        self.worker = worker or shared_worker()
        self.limits = Limits.from_settings(settings)
        # `access=1`: documents indexed before access groups existed are read again once.
        self.fingerprint = f"splitter={SPLITTER_VERSION};max_chars={settings.chunk_max_chars};access=1" + (f";sentences={UNITS_VERSION}.{SENTENCE_STORAGE_VERSION}" if index.sentences is not None else "")

    def run(self, root: Path, prune: bool = True, on_progress: ProgressCallback | None = None) -> IngestSummary:
        started = time.perf_counter()
        root = root.resolve()
        summary = IngestSummary()
        entries = self.index.manifest.entries()
        known = {e.source_path: e for e in entries}
        by_doc_id = {e.doc_id: e for e in known.values()}
        stored_ids = self.index.stored_chunk_ids(entries)
        seen_paths: set[str] = set()
        claimed_ids: dict[str, str] = {}
        queue = EmbedQueue(
            self.embedder, self.settings.embed_group_size, self._commit, summary, self.settings.file_timeout_s,
            write_batch=self.settings.write_batch_chunks,
        )

        access = FolderAccess(root)
        items = list(scan_folder(root))
        files = [item for item in items if isinstance(item, Path)]
        if on_progress:
            on_progress(0, len(files))
        for item in items:
            if isinstance(item, FileReport):
                summary.files.append(item)
                continue
            resolved = item.resolve()
            path_key = str(resolved)
            seen_paths.add(path_key)
            report, doc = self._prepare(item, resolved, root, access, known.get(path_key), by_doc_id, claimed_ids, stored_ids)
            summary.files.append(report)
            if doc:
                queue.add(doc)
            if on_progress:
                on_progress(len(seen_paths), len(files))
        queue.flush()
        if prune:
            self._prune(root, seen_paths, set(claimed_ids), known, summary)
        self.index.delete_orphans()
        mirror_decisions(self.settings.chat_db_url, self.index.decisions)
        summary.chunks_total = self.index.lexical.chunk_count()
        summary.seconds = time.perf_counter() - started
        return summary

    def _prepare(
        self, path: Path, resolved: Path, root: Path, access: FolderAccess, previous: ManifestEntry | None,
        by_doc_id: dict[str, ManifestEntry], claimed_ids: dict[str, str], stored_ids: set[str],
    ) -> tuple[FileReport, PendingDocument | None]:
        try:
            check_file_size(path, path.stat().st_size, self.limits)  # before hashing gigabytes
            digest = file_hash(path)
        except LoadError as exc:
            return _failed(path, exc.reason), None
        except OSError as exc:
            return _failed(path, f"kan inte läsas: {exc.strerror}"), None
        try:
            folder_groups = access.groups(resolved)
        except LoadError as exc:  # never index as public what a broken _access.yml meant to restrict
            return _failed(path, exc.reason), None
        # A changed _access.yml changes no file's hash: its groups are part of the fingerprint.
        base = self._base_fingerprint(folder_groups)
        if (
            previous
            and previous.content_hash == digest
            and previous.fingerprint in current_fingerprints(base, self.settings)
            and set(previous.chunk_ids) <= stored_ids
        ):
            claimed_ids[previous.doc_id] = str(path)
            return FileReport(path=str(path), outcome=FileOutcome.unchanged, doc_id=previous.doc_id, chunks=len(previous.chunk_ids)), None
        budget = self.settings.file_timeout_s
        deadline = time.monotonic() + budget
        job = PrepareJob(str(path), str(root), digest, self.settings.chunk_max_chars, self.limits, tuple(folder_groups))
        try:
            prepared = self.worker.prepare(job, timeout_s=budget)
        except PrepareTimeout:
            return _failed(path, f"tog längre tid än {budget:g} s att läsa och dela upp – avbruten (KA_FILE_TIMEOUT_S)"), None
        except WorkerCrashed as exc:
            return _failed(path, f"läsningen av filen kraschade (arbetsprocessen avslutades med kod {exc.returncode}) – filen hoppades över"), None
        unreadable = None
        if prepared == NO_TEXT_LAYER:  # a scan: OCR it (KA_OCR), else index a placeholder saying so
            prepared, unreadable = read_scan(path, root, digest, self.settings, deadline, folder_groups)
        if isinstance(prepared, str):
            return _failed(path, prepared), None
        meta, nodes = prepared.meta, prepared.nodes
        owner = claimed_ids.get(meta.doc_id) or self._live_owner(by_doc_id.get(meta.doc_id), meta)
        if owner:
            return _failed(path, f"dokument-id '{meta.doc_id}' används redan av {owner}; ge filen ett eget id", meta.doc_id), None
        claimed_ids[meta.doc_id] = str(path)
        if not nodes:
            return _failed(path, "filen innehåller ingen text att indexera"), None
        outcome = FileOutcome.updated if previous or meta.doc_id in by_doc_id else FileOutcome.new
        report = FileReport(path=str(path), outcome=outcome, doc_id=meta.doc_id, chunks=len(nodes))
        if unreadable:  # indexed so that questions about it get "needs OCR", but reported as unread
            report = _failed(path, unreadable, meta.doc_id)
        if meta.source_url and safe_url(meta.source_url) is None:
            # Kept as metadata, but never made a link anywhere (assistant.safe_text).
            report.warnings.append(f"källadressen '{meta.source_url}' är ingen http(s)-adress och visas inte som länk")
        return report, PendingDocument(meta, nodes, report, deadline, base)

    def _base_fingerprint(self, folder_groups: list[str]) -> str:
        return f"{self.fingerprint};folder_access={','.join(folder_groups)}" if folder_groups else self.fingerprint

    @staticmethod
    def _live_owner(entry: ManifestEntry | None, meta: DocumentMeta) -> str | None:
        """Another file that still exists and already holds this doc_id (a moved file does not count)."""
        if entry and entry.source_path != meta.source_path and Path(entry.source_path).exists():
            return entry.source_path
        return None

    def _commit(self, docs: list[PendingDocument]) -> None:
        self.index.write_documents([(self._entry(doc), doc.nodes) for doc in docs])

    def _entry(self, doc: PendingDocument) -> ManifestEntry:
        return ManifestEntry(
            doc_id=doc.meta.doc_id, source_path=doc.meta.source_path, content_hash=doc.meta.content_hash,
            fingerprint=fingerprint(doc.fingerprint or self.fingerprint, doc.meta, self.settings), doc_type=doc.meta.doc_type, title=doc.meta.title,
            chunk_ids=[n.node_id for n in doc.nodes],
            date_source=doc.meta.published_source.value if doc.meta.published_source else "",
        )

    def _prune(self, root, seen_paths, claimed_doc_ids, known, summary) -> None:
        """Forget documents whose file under `root` is gone (a moved file keeps its doc_id)."""
        for path, entry in known.items():
            if path in seen_paths or entry.doc_id in claimed_doc_ids:
                continue
            if not is_under(path, root) or Path(path).exists():
                continue
            self.index.remove_document(entry)
            summary.files.append(FileReport(path=path, outcome=FileOutcome.removed, doc_id=entry.doc_id, chunks=len(entry.chunk_ids)))
