"""One handle on everything an index consists of: Chroma vectors, the lexical index and the
manifest, kept consistent with each other, in the live generation (see generations.py) or, for a
rebuild, in a new one that becomes live only when `finish_rebuild` is called."""

from __future__ import annotations

from collections import Counter

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import MetadataMode, TextNode

from assistant.schema import ChunkMeta, DateSource, IndexStatus
from assistant.settings import Settings
from ingest import generations
from ingest.chunk_store import ChunkStore
from ingest import decision_catalogue
from ingest.decision_catalogue import DecisionCatalogue
from ingest.decisions import RECORD_TYPES, extract_records
from ingest.embedders import embedder_identity
from ingest.lexical import LexicalIndex, engine_path, open_lexical
from ingest.manifest import Manifest, ManifestEntry
from ingest import sentences as sentence_store
from ingest.sentences import SentenceVectors
from ingest.store import UpsertingChromaVectorStore, open_vector_store, stored_embedder


class IndexHandle:
    def __init__(
        self, settings: Settings, vectors: UpsertingChromaVectorStore, lexical: LexicalIndex,
        rebuilding_for: Settings | None = None, sentences: SentenceVectors | None = None,
    ):
        self.settings = settings  # of this generation: its collection and lexical file
        self.vectors = vectors
        self.sentences = sentences  # None when settings.sentence_vectors is off
        self.lexical = lexical
        self.manifest = Manifest(lexical.conn)
        self.chunks = ChunkStore(lexical.conn)
        self.decisions = DecisionCatalogue(lexical.conn)
        sentence_store.create_schema(lexical.conn)
        self._rebuilding_for = rebuilding_for
        self._marked_unfinished = False
        self._fill_chunk_store()
        self._refresh_decisions()

    def _refresh_decisions(self) -> None:
        """A catalogue missing or written by an older extraction is rebuilt from the chunk store."""
        if self.lexical.get_meta(decision_catalogue.VERSION_KEY) == decision_catalogue.VERSION:
            return
        with self.lexical.transaction() as tx:
            self.decisions.rebuild_from_chunks(tx)
        self.lexical.set_meta(decision_catalogue.VERSION_KEY, decision_catalogue.VERSION)

    def _fill_chunk_store(self) -> None:
        """An index written before the chunk store existed gets it from Chroma's records, once."""
        if self.chunks.count() or not self.lexical.chunk_count():
            return
        owned = {cid for e in self.manifest.entries() for cid in e.chunk_ids}
        offset, page = 0, 2000
        with self.lexical.transaction() as tx:
            while True:
                got = self.vectors.collection.get(include=["metadatas", "documents"], limit=page, offset=offset)
                if not got["ids"]:
                    break
                records = zip(got["ids"], got["metadatas"], got["documents"])
                self.chunks.fill([r for r in records if r[0] in owned], tx)
                offset += len(got["ids"])

    @classmethod
    def open(cls, settings: Settings, embedder: BaseEmbedding, rebuild: bool = False) -> "IndexHandle":
        """The live index; with `rebuild`, an empty new generation beside it (hold the ingest lock)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if rebuild:
            _remove_stale(settings)
            target = generations.new_generation(settings)
        else:
            target = generations.live(settings)
        name, dimension = embedder_identity(embedder)
        vectors = open_vector_store(target, name, dimension)
        lexical = open_lexical(target)
        sentences = SentenceVectors(lexical.conn, embedder) if settings.sentence_vectors else None
        return cls(target, vectors, lexical, rebuilding_for=settings if rebuild else None, sentences=sentences)

    def finish_rebuild(self) -> None:
        """Switch readers to the rebuilt generation (atomic), then drop generations older than the previous."""
        if self._rebuilding_for is None:
            return
        generations.activate(self._rebuilding_for, self.settings)
        _remove_stale(self._rebuilding_for)
        self._rebuilding_for = None

    def write_document(self, entry: ManifestEntry, nodes: list[TextNode]) -> None:
        self.write_documents([(entry, nodes)])

    def write_documents(self, batch: list[tuple[ManifestEntry, list[TextNode]]]) -> None:
        """Write several documents with one upsert per store and one SQLite transaction.

        Order matters for crash safety: the manifest entries, which make documents count as
        indexed, are committed last, in one SQLite transaction with their postings, chunk-store
        rows and sentence vectors. A crash before that commit leaves only chunk vectors no entry
        owns, which `delete_orphans` removes.
        """
        all_nodes = [node for _, nodes in batch for node in nodes]
        # Embedded before the transaction, which should hold its lock for writes only.
        sentence_rows = self.sentences.embed(all_nodes) if self.sentences is not None else []
        rows_of_chunk = {row[0]: row for row in sentence_rows}
        self._mark_unfinished()
        self.vectors.add(all_nodes)
        stale: list[str] = []
        for entry, _ in batch:
            previous = self.manifest.get(entry.doc_id)
            if previous:
                stale += sorted(set(previous.chunk_ids) - set(entry.chunk_ids))
        if stale:
            self.vectors.delete_ids(stale)
        with self.lexical.transaction() as tx:
            for entry, nodes in batch:
                # BM25 sees what the embedder sees: title and section path before the text.
                lexical_texts = [(n.node_id, n.get_content(metadata_mode=MetadataMode.EMBED)) for n in nodes]
                self.lexical.replace_document(entry.doc_id, lexical_texts, tx)
                self.chunks.replace_document(entry.doc_id, nodes, tx)
                self.decisions.replace_document(entry.doc_id, _records_of(nodes), tx)
                if self.sentences is not None:
                    rows = [rows_of_chunk[n.node_id] for n in nodes if n.node_id in rows_of_chunk]
                    self.sentences.replace_document(entry.doc_id, rows, tx)
                else:
                    sentence_store.remove_document(entry.doc_id, tx)
                self.manifest.record(entry, tx)

    def remove_document(self, entry: ManifestEntry) -> None:
        self._mark_unfinished()
        self.vectors.delete_ids(entry.chunk_ids)
        with self.lexical.transaction() as tx:
            self.lexical.remove_document(entry.doc_id, tx)
            self.chunks.remove_document(entry.doc_id, tx)
            self.decisions.remove_document(entry.doc_id, tx)
            sentence_store.remove_document(entry.doc_id, tx)
            self.manifest.forget(entry.doc_id, tx)

    # Set (committed) before a run's first vector write, cleared once its orphans are removed:
    # while it is clear, Chroma holds exactly the manifest's chunks, so an unchanged re-run
    # need not list every vector id (seconds at 10^5 chunks).
    _UNFINISHED = "writes_unfinished"

    def _mark_unfinished(self) -> None:
        if not self._marked_unfinished:
            self.lexical.set_meta(self._UNFINISHED, "1")
            self._marked_unfinished = True

    def _consistent(self, owned_count: int) -> bool:
        """Nothing unfinished since the last clean run, and Chroma holds as many chunks as the
        manifest names (a collection emptied or replaced behind our back fails this)."""
        # No flag yet (an index from before it existed) counts as unfinished: one full check.
        return self.lexical.get_meta(self._UNFINISHED) == "0" and self.vectors.collection.count() == owned_count

    def stored_chunk_ids(self, entries: list[ManifestEntry]) -> set[str]:
        """Chunk ids Chroma holds; those of the manifest's `entries` when the index is known consistent."""
        owned = {cid for e in entries for cid in e.chunk_ids}
        return owned if self._consistent(len(owned)) else self.vectors.all_ids()

    def delete_orphans(self) -> int:
        """Vectors no manifest entry owns: left behind by a run that was killed mid-document
        (and the sentence collection of an index from before sentence vectors moved to SQLite)."""
        sentence_store.drop_legacy_collection(self.settings, self.settings.collection)
        if self._consistent(self.manifest.chunk_count()):  # the usual case: no entry parsed
            return 0
        owned = {cid for e in self.manifest.entries() for cid in e.chunk_ids}
        orphans = sorted(self.vectors.all_ids() - owned)
        if orphans:
            self.vectors.delete_ids(orphans)
        self.lexical.set_meta(self._UNFINISHED, "0")
        self._marked_unfinished = False
        return len(orphans)

    def close(self) -> None:
        self.lexical.close()


def _records_of(nodes: list[TextNode]) -> list:
    # Most documents hold no decisions: their chunks are not parsed back into metadata at all.
    if not nodes or nodes[0].metadata.get("doc_type") not in {t.value for t in RECORD_TYPES}:
        return []
    chunks = [(ChunkMeta.from_store(n.metadata), n.get_content(metadata_mode=MetadataMode.NONE)) for n in nodes]
    return extract_records(sorted(chunks, key=lambda c: c[0].chunk_index))


def _remove_stale(settings: Settings) -> None:
    """generations.remove_stale, and the legacy sentence collections of the generations it removed."""
    for name in generations.remove_stale(settings):
        sentence_store.drop_legacy_collection(settings, name)


def index_status(settings: Settings) -> IndexStatus:
    """What is indexed, read without loading an embedding model."""
    settings = generations.live(settings)
    embedder, dimension = stored_embedder(settings)
    entries: list[ManifestEntry] = []
    lexical_path = engine_path(settings.lexical_db, settings.lexical_engine)
    if lexical_path.exists():
        lexical = open_lexical(settings)
        entries = Manifest(lexical.conn).entries()
        lexical.close()
    by_type = Counter(e.doc_type.value for e in entries)
    return IndexStatus(
        documents_by_type=dict(sorted(by_type.items())),
        documents=len(entries),
        undated_documents=sum(1 for e in entries if e.date_source in ("", DateSource.modified.value)),
        chunks=sum(len(e.chunk_ids) for e in entries),
        embedder=embedder or "(inget index ännu)",
        dimension=dimension,
        store=settings.store_label,
        lexical_index=str(lexical_path.resolve()),
    )
