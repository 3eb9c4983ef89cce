"""Files -> documents -> structured chunks -> embeddings -> Chroma + lexical index.

Incremental: an unchanged file (same bytes, same chunking) costs one hash. Crash-safe: each
document is committed on its own (Chroma upsert first, then one SQLite transaction for the
lexical index and manifest); whatever a killed run left half-done is redone by the next.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import Document, TextNode

from assistant.schema import DocumentMeta, FileOutcome, FileReport, IngestSummary
from assistant.settings import Settings
from ingest.index import IndexHandle
from ingest.loaders import LoadError, load_file
from ingest.manifest import ManifestEntry, is_under
from ingest.metadata import build_document_meta, content_hash
from ingest.scan import scan_folder
from ingest.splitter import SPLITTER_VERSION, StructuredSplitter

ProgressCallback = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)


@dataclass
class PendingDocument:
    meta: DocumentMeta
    nodes: list[TextNode]
    outcome: FileOutcome


class Ingestor:
    def __init__(self, settings: Settings, embedder: BaseEmbedding, index: IndexHandle):
        self.settings = settings
        self.embedder = embedder
        self.index = index
        self.splitter = StructuredSplitter(max_chars=settings.chunk_max_chars)
        self.fingerprint = f"splitter={SPLITTER_VERSION};max_chars={settings.chunk_max_chars}"

    def run(self, root: Path, prune: bool = True, on_progress: ProgressCallback | None = None) -> IngestSummary:
        started = time.perf_counter()
        root = root.resolve()
        summary = IngestSummary()
        known = {e.source_path: e for e in self.index.manifest.entries()}
        by_doc_id = {e.doc_id: e for e in known.values()}
        stored_ids = self.index.vectors.all_ids()
        pending: list[PendingDocument] = []
        seen_paths: set[str] = set()
        claimed_ids: dict[str, str] = {}

        for item in scan_folder(root):
            if isinstance(item, FileReport):
                summary.files.append(item)
                continue
            path_key = str(item.resolve())
            seen_paths.add(path_key)
            report, doc = self._prepare(item, root, known.get(path_key), by_doc_id, claimed_ids, stored_ids)
            summary.files.append(report)
            if doc:
                pending.append(doc)

        self._embed_and_commit(pending, summary, on_progress)
        if prune:
            self._prune(root, seen_paths, set(claimed_ids), known, summary)
        self.index.delete_orphans()
        summary.chunks_total = self.index.lexical.chunk_count()
        summary.seconds = time.perf_counter() - started
        return summary

    def _prepare(self, path, root, previous, by_doc_id, claimed_ids, stored_ids):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return FileReport(path=str(path), outcome=FileOutcome.failed, reason=f"kan inte läsas: {exc.strerror}"), None
        digest = content_hash(raw)
        if (
            previous
            and previous.content_hash == digest
            and previous.fingerprint == self.fingerprint
            and set(previous.chunk_ids) <= stored_ids
        ):
            claimed_ids[previous.doc_id] = str(path)
            return FileReport(path=str(path), outcome=FileOutcome.unchanged, doc_id=previous.doc_id, chunks=len(previous.chunk_ids)), None
        try:
            loaded = load_file(path)
            meta = build_document_meta(path, root, loaded, raw)
        except LoadError as exc:
            return FileReport(path=str(path), outcome=FileOutcome.failed, reason=exc.reason), None
        owner = claimed_ids.get(meta.doc_id) or self._live_owner(by_doc_id.get(meta.doc_id), meta)
        if owner:
            reason = f"dokument-id '{meta.doc_id}' används redan av {owner}; ge filen ett eget id"
            return FileReport(path=str(path), outcome=FileOutcome.failed, doc_id=meta.doc_id, reason=reason), None
        claimed_ids[meta.doc_id] = str(path)
        nodes = self.splitter([Document(id_=meta.doc_id, text=loaded.text, metadata=meta.model_dump(mode="json"))])
        if not nodes:
            return FileReport(path=str(path), outcome=FileOutcome.failed, reason="filen innehåller ingen text att indexera"), None
        outcome = FileOutcome.updated if previous or meta.doc_id in by_doc_id else FileOutcome.new
        report = FileReport(path=str(path), outcome=outcome, doc_id=meta.doc_id, chunks=len(nodes))
        return report, PendingDocument(meta, nodes, outcome)

    @staticmethod
    def _live_owner(entry: ManifestEntry | None, meta: DocumentMeta) -> str | None:
        """Another file that still exists and already holds this doc_id (a moved file does not count)."""
        if entry and entry.source_path != meta.source_path and Path(entry.source_path).exists():
            return entry.source_path
        return None

    def _embed_and_commit(self, pending: list[PendingDocument], summary: IngestSummary, on_progress) -> None:
        total = sum(len(d.nodes) for d in pending)
        done = 0
        if on_progress:
            on_progress(0, total)
        batch_size = self.settings.embed_batch_size
        queue = [node for doc in pending for node in doc.nodes]
        waiting = list(pending)
        for start in range(0, len(queue), batch_size):
            batch = queue[start : start + batch_size]
            t0 = time.perf_counter()
            self.embedder(batch)  # a llama-index TransformComponent: embeds get_content(EMBED)
            summary.embed_seconds += time.perf_counter() - t0
            done += len(batch)
            summary.chunks_embedded += len(batch)
            # Commit every document whose chunks are all embedded, so a crash loses little.
            while waiting and all(n.embedding is not None for n in waiting[0].nodes):
                self._commit(waiting.pop(0))
            if on_progress:
                on_progress(done, total)
        for doc in waiting:  # documents without chunks never entered the queue
            self._commit(doc)

    def _commit(self, doc: PendingDocument) -> None:
        entry = ManifestEntry(
            doc_id=doc.meta.doc_id, source_path=doc.meta.source_path, content_hash=doc.meta.content_hash,
            fingerprint=self.fingerprint, doc_type=doc.meta.doc_type, title=doc.meta.title,
            chunk_ids=[n.node_id for n in doc.nodes],
        )
        self.index.write_document(entry, doc.nodes)

    def _prune(self, root, seen_paths, claimed_doc_ids, known, summary) -> None:
        """Forget documents whose file under `root` is gone (a moved file keeps its doc_id)."""
        for path, entry in known.items():
            if path in seen_paths or entry.doc_id in claimed_doc_ids:
                continue
            if not is_under(path, root) or Path(path).exists():
                continue
            self.index.remove_document(entry)
            summary.files.append(FileReport(path=path, outcome=FileOutcome.removed, doc_id=entry.doc_id, chunks=len(entry.chunk_ids)))
