"""A persisted, incrementally updated BM25 index in SQLite, keyed by the same chunk ids as Chroma.

Why SQLite: postings survive restarts (no rebuild per query or per process), updates are per
document, and the ingest manifest lives in the same file so a document is recorded in the
lexical index and the manifest in one transaction, or in neither.

Transactions. The database runs in WAL mode with Python's implicit transactions switched off
(`isolation_level=None`); every write happens between an explicit BEGIN IMMEDIATE and COMMIT:

    with index.transaction() as tx:           # BEGIN IMMEDIATE, holds the index lock
        index.replace_document(doc_id, chunks, tx)
        manifest.record(entry, tx)            # other tables, same commit
    # COMMIT on normal exit, ROLLBACK if the block raised

Called without `conn`, `replace_document`/`remove_document` open their own transaction. A
process killed before COMMIT leaves only an uncommitted WAL tail, which SQLite discards on the
next open, so readers always see the previous state in full.

Statistics (N, total length) are kept in a one-row `lexical_stats` table updated by deltas in
the same transaction as the postings, so a query never scans `chunks` to compute avgdl.
One connection is shared across threads (`check_same_thread=False`) and guarded by an RLock;
a transaction holds the lock until it ends, so a search never sees half-written postings.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.analyzer import SwedishAnalyzer

if TYPE_CHECKING:
    from assistant.schema import SearchFilters
    from assistant.settings import Settings

K1 = 1.2
B = 0.75

# What every engine keeps in SQLite: chunk lengths and corpus statistics for BM25, engine metadata.
BOOKKEEPING_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    length REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS lexical_stats (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    n_chunks INTEGER NOT NULL,
    total_length REAL NOT NULL
);
INSERT OR IGNORE INTO lexical_stats VALUES (0, 0, 0.0);
CREATE TABLE IF NOT EXISTS lexical_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# This engine's postings (the tantivy engine keeps them in its own index instead).
POSTINGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS postings (
    term TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    tf REAL NOT NULL,
    PRIMARY KEY (term, chunk_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postings_by_chunk ON postings(chunk_id);
"""
SCHEMA = BOOKKEEPING_SCHEMA + POSTINGS_SCHEMA


# The tantivy engine (ingest.lexical_tantivy, KA_LEXICAL_ENGINE=tantivy) keeps its SQLite file
# (manifest, chunk store, meta) beside ours under another name, with its segments in a folder:
#   lexical-<collection>.sqlite  ->  lexical-<collection>.tantivy.sqlite + lexical-<collection>.tantivy/
TANTIVY_SUFFIX = ".tantivy"


def engine_path(path: Path, engine: str) -> Path:
    """The SQLite file of `engine` for the lexical path a Settings names (the sqlite engine's)."""
    path = Path(path)
    if engine == "sqlite":
        return path
    return path.with_name(path.name.removesuffix(".sqlite").removesuffix(TANTIVY_SUFFIX) + f".{engine}.sqlite")


def tantivy_dir(path: Path) -> Path:
    """The tantivy segment folder that belongs to a (tantivy engine's) SQLite file."""
    path = Path(path)
    return path.with_name(path.name.removesuffix(".sqlite").removesuffix(TANTIVY_SUFFIX) + TANTIVY_SUFFIX)


@dataclass(frozen=True)
class CommonTerms:
    """Which query terms a BM25 search leaves out because their postings are long and their
    weight small: those found in more than `share` of the chunks and in more than `min_chunks`
    chunks (KA_LEXICAL_COMMON_SHARE, KA_LEXICAL_COMMON_MIN_CHUNKS).

    Serves every question that mixes the corpus's topic words ("kultur", "region", "plan" stand
    in a fifth or more of this corpus's chunks) with the words that pick out the passage (a body,
    a year, a §), on a large index. At a share of 0.2 a common term's idf is at most
    ln(1 + 4) = 1.6 against 4.6 for a term in 1 % of the chunks, yet each one's postings are a
    fifth of the corpus, so at 10^5 chunks they are most of the search time (README,
    Benchmarks). Below `min_chunks` postings a term costs tantivy some tens of microseconds, so
    leaving it out would change rankings for no speed: on the shared corpus and SweFAQ nothing is
    left out. The idea is Lucene's CommonTermsQuery and Elasticsearch's cutoff_frequency, without
    their rescoring of the common terms, which tantivy-py cannot run cheaply; dense search and
    the answer layer, which read every term, still see them.
    """

    share: float = 0.2
    min_chunks: int = 5000

    def applies(self, n: int) -> bool:
        """Whether any term of an index of `n` chunks can be common."""
        return self.share < 1 and n > self.min_chunks

    def informative(self, weights: dict[str, float], df: dict[str, int], n: int) -> dict[str, float]:
        """The query terms to search, from each term's document frequency `df` among `n` chunks.
        A question with no term that is both found and not common keeps them all (a term no
        chunk holds finds nothing, so it cannot stand in for the common ones)."""
        if not self.applies(n):
            return weights
        limit = max(self.share * n, self.min_chunks)
        kept = {t: w for t, w in weights.items() if 0 < df.get(t, 0) <= limit}
        return kept or weights


def open_lexical(settings: "Settings", path: Path | None = None) -> "LexicalIndex":
    """The lexical index of `settings.lexical_engine` (KA_LEXICAL_ENGINE) for `path`, the sqlite
    engine's file name (default `settings.lexical_db`); the tantivy engine uses its own beside it.
    tantivy is imported only when it is the engine."""
    path = Path(path or settings.lexical_db)
    if settings.lexical_engine == "tantivy":
        from ingest.lexical_tantivy import TantivyLexicalIndex

        return TantivyLexicalIndex(engine_path(path, "tantivy"))
    return LexicalIndex(path)


class AnalyzerMismatch(ValueError):
    """The lexical index was written by another analyzer (stemmer major or settings)."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.path = path


class LexicalIndex:
    SCHEMA = SCHEMA

    def __init__(self, path: Path, analyzer: SwedishAnalyzer | None = None):
        self.path = Path(path)
        self.analyzer = analyzer or SwedishAnalyzer()
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL under WAL: a commit may be lost on power failure but never half-applied.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        # Each chunk's postings land all over the (term, chunk_id) B-tree; a larger page cache
        # (32 MiB instead of 2) keeps ingest from re-reading pages it just wrote.
        self.conn.execute("PRAGMA cache_size=-32768")
        try:
            # Not executescript(): it would COMMIT first; the schema goes in one transaction.
            with self.transaction() as tx:
                for statement in filter(str.strip, self.SCHEMA.split(";")):
                    tx.execute(statement)
                self._check_analyzer(tx)
        except BaseException:
            self.conn.close()
            raise

    def _check_analyzer(self, tx: sqlite3.Connection) -> None:
        """Refuse to mix postings from two analyzers: scores would be meaningless."""
        row = tx.execute("SELECT value FROM lexical_meta WHERE key = 'analyzer'").fetchone()
        wanted = self.analyzer.signature
        if row and row[0] != wanted and self._stats(tx)[0] > 0:
            raise AnalyzerMismatch(
                f"{self.path} byggdes med en annan textanalys ({row[0]}) än den installerade ({wanted}), "
                "t.ex. efter en uppgradering av PyStemmer. Bygg om indexet: kulturassistent ingest --rebuild MAPP …",
                Path(self.path),
            )
        tx.execute("INSERT OR REPLACE INTO lexical_meta VALUES ('analyzer', ?)", (wanted,))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of writes: commits on normal exit, rolls back on any exception."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # also when COMMIT itself failed
                    self.conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _writing(self, conn: sqlite3.Connection | None) -> Iterator[sqlite3.Connection]:
        if conn is None:
            with self.transaction() as tx:
                yield tx
            return
        # Without an open transaction each statement would autocommit and a crash could leave
        # a document half-replaced; demand the caller's transaction instead.
        if conn.isolation_level is None and not conn.in_transaction:
            raise ValueError("pass the connection yielded by index.transaction(), inside its block")
        with self._lock:
            yield conn

    def replace_document(self, doc_id: str, chunks: list[tuple[str, str]], conn: sqlite3.Connection | None = None) -> None:
        """Make `chunks` ((chunk_id, text) pairs) the only chunks of `doc_id`.

        A chunk id already owned by another document raises sqlite3.IntegrityError (and the
        transaction rolls back): ids are global, silently stealing one would corrupt both docs.
        """
        with self._writing(conn) as tx:
            self._delete(tx, doc_id)
            added_length = 0.0
            analysed: list[tuple[str, dict[str, float]]] = []
            for chunk_id, text in chunks:
                counts = self.analyzer.analyze(text)
                length = float(sum(counts.values()))
                tx.execute("INSERT INTO chunks VALUES (?, ?, ?)", (chunk_id, doc_id, length))
                analysed.append((chunk_id, counts))
                added_length += length
            tx.execute(
                "UPDATE lexical_stats SET n_chunks = n_chunks + ?, total_length = total_length + ? WHERE id = 0",
                (len(chunks), added_length),
            )
            self._add_postings(tx, doc_id, analysed)

    def remove_document(self, doc_id: str, conn: sqlite3.Connection | None = None) -> None:
        with self._writing(conn) as tx:
            self._delete(tx, doc_id)

    def _add_postings(self, tx: sqlite3.Connection, doc_id: str, analysed: list[tuple[str, dict[str, float]]]) -> None:
        """The engine's postings of a document's chunks ((chunk_id, term counts) pairs)."""
        tx.executemany(
            "INSERT INTO postings VALUES (?, ?, ?)",
            ((term, chunk_id, tf) for chunk_id, counts in analysed for term, tf in counts.items()),
        )

    def _delete_postings(self, tx: sqlite3.Connection, doc_id: str) -> None:
        """Drop the engine's postings of `doc_id`'s chunks (called while its `chunks` rows still exist)."""
        tx.execute(
            "DELETE FROM postings WHERE chunk_id IN (SELECT chunk_id FROM chunks WHERE doc_id = ?)", (doc_id,)
        )

    def _delete(self, tx: sqlite3.Connection, doc_id: str) -> None:
        count, length = tx.execute(
            "SELECT COUNT(*), COALESCE(SUM(length), 0.0) FROM chunks WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        if not count:
            return
        self._delete_postings(tx, doc_id)
        tx.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        tx.execute(
            "UPDATE lexical_stats SET n_chunks = n_chunks - ?, total_length = total_length - ? WHERE id = 0",
            (count, length),
        )

    @staticmethod
    def _stats(conn: sqlite3.Connection) -> tuple[int, float]:
        n, total = conn.execute("SELECT n_chunks, total_length FROM lexical_stats WHERE id = 0").fetchone()
        return int(n), float(total)

    def search(
        self, query: str, top_k: int = 10, allowed_ids: set[str] | None = None, expand_query: bool = False,
        filters: SearchFilters | None = None, common: CommonTerms | None = None,
    ) -> list[tuple[str, float]]:
        """BM25 (k1=1.2, b=0.75, Lucene idf) over chunks holding at least one query term
        (the `common` ones left out, see CommonTerms).

        `filters` (type, date, publisher) are applied inside the query, as an SQL condition on
        the chunk's `chunk_store` row (ingest.chunk_store.filter_condition). idf and avgdl are
        corpus-wide even when `allowed_ids` or `filters` narrow the results, so a filter changes
        which chunks are returned, not how they are scored.
        """
        restrict = None
        if filters is not None and not filters.is_empty:
            from ingest.chunk_store import filter_condition

            restrict = filter_condition(filters)
        weights = self.analyzer.analyze_query(query, expand_compounds=expand_query)
        if not weights or top_k <= 0 or allowed_ids is not None and not allowed_ids:
            return []
        terms = list(weights)
        with self._lock:
            n, total = self._stats(self.conn)
            if n == 0:
                return []
            df = dict(self.conn.execute(
                f"SELECT term, COUNT(*) FROM postings WHERE term IN ({','.join('?' * len(terms))}) GROUP BY term",
                terms,
            ).fetchall())
            if not df:
                return []
            if common is not None:
                kept = common.informative(weights, df, n)
                df = {term: d for term, d in df.items() if term in kept}
            # Everything that does not depend on the chunk is folded into one factor per term,
            # so SQLite reads the postings once and sums in C instead of Python looping over them:
            # score = sum_t w_t * idf_t * (k1+1) * tf / (tf + k1*(1-b) + k1*b/avgdl * length).
            factors = [
                (term, weights[term] * math.log(1.0 + (n - d + 0.5) / (d + 0.5)) * (K1 + 1.0))
                for term, d in df.items()
            ]
            params: list[object] = [x for pair in factors for x in pair]
            params += [K1 * (1.0 - B), K1 * B * n / total]
            where, joins = "", ""
            if allowed_ids is not None:
                where = "WHERE p.chunk_id IN (SELECT value FROM json_each(?))"
                params.append(json.dumps(sorted(allowed_ids)))
            if restrict is not None:
                joins = "CROSS JOIN chunk_store s ON s.chunk_id = p.chunk_id "
                where += (" AND " if where else "WHERE ") + restrict[0]
                params += restrict[1]
            params.append(top_k)
            # CROSS JOIN fixes the loop order: query terms -> their postings -> chunk length.
            rows = self.conn.execute(
                f"WITH q(term, f) AS (VALUES {','.join(['(?, ?)'] * len(factors))}) "
                "SELECT p.chunk_id, SUM(q.f * p.tf / (p.tf + ? + ? * c.length)) AS score "
                "FROM q CROSS JOIN postings p ON p.term = q.term "
                f"CROSS JOIN chunks c ON c.chunk_id = p.chunk_id {joins}{where} "
                "GROUP BY p.chunk_id ORDER BY score DESC, p.chunk_id LIMIT ?",
                params,
            ).fetchall()
        return [(chunk_id, float(score)) for chunk_id, score in rows]

    def idf(self, terms: list[str]) -> dict[str, float]:
        """Lucene idf of analysed terms; a term no chunk contains gets the highest idf."""
        if not terms:
            return {}
        with self._lock:
            n, _ = self._stats(self.conn)
            df = dict(self.conn.execute(
                f"SELECT term, COUNT(*) FROM postings WHERE term IN ({','.join('?' * len(terms))}) GROUP BY term",
                terms,
            ).fetchall())
        return {t: math.log(1.0 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in terms}

    def has_term(self, term: str) -> bool:
        with self._lock:
            return self.conn.execute("SELECT 1 FROM postings WHERE term = ? LIMIT 1", (term,)).fetchone() is not None

    def has_term_with_prefix(self, prefix: str) -> bool:
        """Whether any indexed term (a stem or a compound fragment) starts with `prefix`."""
        if not prefix:
            return False
        with self._lock:
            row = self.conn.execute(
                "SELECT 1 FROM postings WHERE term >= ? AND term < ? LIMIT 1", (prefix, prefix + "\U0010ffff")
            ).fetchone()
        return row is not None

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self.conn.execute("SELECT value FROM lexical_meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as tx:
            tx.execute("INSERT OR REPLACE INTO lexical_meta VALUES (?, ?)", (key, value))

    def chunk_count(self) -> int:
        with self._lock:
            return self._stats(self.conn)[0]

    def doc_ids(self) -> set[str]:
        with self._lock:
            return {row[0] for row in self.conn.execute("SELECT DISTINCT doc_id FROM chunks")}

    @staticmethod
    def delete_files(path: Path) -> None:
        """Delete an index for a rebuild. The -wal/-shm side files must go too: a WAL left by a
        killed process would otherwise be replayed into the fresh database file. The tantivy
        engine's file and segment folder of the same index go as well, whichever engine is set."""
        for sqlite_file in dict.fromkeys((Path(path), engine_path(path, "tantivy"))):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(tantivy_dir(path), ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            self.conn.close()
