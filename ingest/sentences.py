"""Sentence vectors beside the chunk vectors: small-to-big evidence.

Retrieval ranks chunks; the answerer then picks sentences inside them. Words alone judge a
sentence poorly when it paraphrases the question, so every answer unit of every chunk (the
same `split_units` of the same clean text the answerer reads, so positions line up) gets its
own vector, keyed by its chunk. At answer time the units of the retrieved chunks are compared
with the query vector in one call (`similarities`), the way llama-index's sentence-window and
auto-merging retrievers map small pieces to their parents.

The vectors live in the index's SQLite file beside the chunk store, one row per chunk (its unit
positions and a float32 matrix), not in a Chroma collection: they are only ever read by chunk
id, never searched, and a Chroma collection builds and holds in memory an HNSW graph over
every unit (at 10^5 chunks, 3.6 x 10^5 units: most of ingest's write time and of its peak
memory). Rows are written in the transaction that records the document in the manifest, so a
document's sentence vectors are committed with it or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import BaseNode, MetadataMode

from assistant.settings import Settings
from assistant.units import Unit, split_units
from ingest.store import make_client

# Part of the ingest fingerprint: a change re-embeds every document's units (2: SQLite rows;
# 1 was a Chroma collection).
STORAGE_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS sentence_vectors (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    positions BLOB NOT NULL,
    vectors BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sentence_vectors_by_doc ON sentence_vectors(doc_id);
"""
_IDS_PER_QUERY = 900  # far below SQLite's bound-parameter cap
_LEGACY_SUFFIX = "-sentences"  # the Chroma collection earlier versions kept these vectors in


def sentence_id(chunk_id: str, position: int) -> str:
    return f"{chunk_id}#{position:03d}"


def chunk_of(sentence_id_: str) -> str:
    return sentence_id_.rsplit("#", 1)[0]


def answer_units(text: str) -> list[Unit]:
    """The units the answerer weighs: it skips non-list units under four words (signatures,
    bare dates, headings), so embedding them would cost time and never be read."""
    return [u for u in split_units(text) if u.is_list or len(u.text.split()) >= 4]


def unit_texts(chunk_id: str, chunk_text: str) -> dict[str, str]:
    """Sentence id -> text of the units stored for one chunk. Only positions and vectors are
    stored: the texts are the chunk's, which the chunk store holds."""
    return {sentence_id(chunk_id, unit.position): unit.text for unit in answer_units(chunk_text)}


# (chunk id, positions, vectors) of one chunk, embedded and waiting for its transaction.
SentenceRow = tuple[str, np.ndarray, np.ndarray]


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def remove_document(doc_id: str, tx: sqlite3.Connection) -> None:
    """Forget a document's sentence vectors (also when sentence vectors are switched off, so
    none outlive their document)."""
    tx.execute("DELETE FROM sentence_vectors WHERE doc_id = ?", (doc_id,))


class SentenceVectors:
    def __init__(self, conn: sqlite3.Connection, embedder: BaseEmbedding):
        self.conn = conn
        self.embedder = embedder
        self.units_embedded = 0  # since opened; the ingest benchmark reports the cost
        create_schema(conn)

    def embed(self, nodes: Iterable[BaseNode]) -> list[SentenceRow]:
        """The answer units of `nodes`, embedded: one row per chunk that has any."""
        spans: list[tuple[str, list[int]]] = []
        texts: list[str] = []
        for node in nodes:
            # The clean text as the chunk store keeps it, which is what the answerer splits.
            units = answer_units(node.get_content(metadata_mode=MetadataMode.NONE))
            if units:
                spans.append((node.node_id, [u.position for u in units]))
                texts += [u.text for u in units]
        # One call: the embedder cuts it into embed_batch_size batches itself, and an endpoint
        # sends those batches concurrently.
        matrix = np.asarray(self.embedder.get_text_embedding_batch(texts) if texts else [], dtype=np.float32)
        rows: list[SentenceRow] = []
        offset = 0
        for chunk_id, positions in spans:
            rows.append((chunk_id, np.asarray(positions, dtype=np.uint16), matrix[offset : offset + len(positions)]))
            offset += len(positions)
        self.units_embedded += len(texts)
        return rows

    def replace_document(self, doc_id: str, rows: Iterable[SentenceRow], tx: sqlite3.Connection) -> None:
        remove_document(doc_id, tx)
        tx.executemany(
            "INSERT INTO sentence_vectors VALUES (?, ?, ?, ?)",
            ((cid, doc_id, positions.tobytes(), vectors.tobytes()) for cid, positions, vectors in rows),
        )

    def similarities(self, query_vector: list[float], chunk_ids: list[str]) -> dict[str, dict[int, float]]:
        """Cosine similarity of every stored unit of `chunk_ids` to the query: {chunk_id: {position: sim}}.

        One primary-key read per call and a matrix product per chunk."""
        out: dict[str, dict[int, float]] = {cid: {} for cid in chunk_ids}
        query = np.asarray(query_vector, dtype=np.float32)
        query_norm = float(np.linalg.norm(query)) or 1.0
        for chunk_id, positions, matrix in self._rows(chunk_ids):
            norms = np.linalg.norm(matrix, axis=1) * query_norm
            scores = matrix @ query / np.where(norms == 0, 1.0, norms)
            out[chunk_id] = dict(zip(positions.tolist(), scores.tolist()))
        return out

    def stored_ids(self) -> list[str]:
        """Every stored unit's sentence id (chunk id and position), in id order."""
        ids = [sentence_id(cid, p) for cid, positions, _ in self._all_rows() for p in positions.tolist()]
        return sorted(ids)

    def count(self) -> int:
        total = 0
        for (blob,) in self.conn.execute("SELECT positions FROM sentence_vectors"):
            total += len(blob) // np.dtype(np.uint16).itemsize
        return total

    def _rows(self, chunk_ids: list[str]) -> Iterable[tuple[str, np.ndarray, np.ndarray]]:
        ids = list(dict.fromkeys(chunk_ids))
        for start in range(0, len(ids), _IDS_PER_QUERY):
            part = ids[start : start + _IDS_PER_QUERY]
            yield from map(_decode, self.conn.execute(
                f"SELECT chunk_id, positions, vectors FROM sentence_vectors WHERE chunk_id IN ({','.join('?' * len(part))})",
                part,
            ))

    def _all_rows(self) -> Iterable[tuple[str, np.ndarray, np.ndarray]]:
        return map(_decode, self.conn.execute("SELECT chunk_id, positions, vectors FROM sentence_vectors"))


def _decode(row: tuple[str, bytes, bytes]) -> tuple[str, np.ndarray, np.ndarray]:
    chunk_id, positions_blob, vectors_blob = row
    positions = np.frombuffer(positions_blob, dtype=np.uint16)
    vectors = np.frombuffer(vectors_blob, dtype=np.float32).reshape(len(positions), -1)
    return chunk_id, positions, vectors


def drop_legacy_collection(settings: Settings, chunk_collection: str) -> None:
    """Delete the Chroma collection in which earlier versions kept a generation's sentence
    vectors (the pipeline's fingerprint changed with the move, so they are re-embedded here)."""
    try:
        make_client(settings).delete_collection(f"{chunk_collection}{_LEGACY_SUFFIX}")
    except Exception:
        pass  # that generation never had one
