"""Lexical engines on the same analysed terms: ours against SQLite FTS5, tantivy and bm25s.

    python -m evals.bench_lexical [--sizes 1000,10000,100000] [--queries 0] [--json FILE]
                                  [--engines ours,fts5,tantivy,tantivy-common,bm25s] [--tf double] [--updates 20]

Question: is the hand-written BM25 in SQLite (ingest.lexical.LexicalIndex) within 1.5x of the
best well-kept engine at 10^5 chunks?

Corpus. Sentences of the shared corpus (../shared/corpus/*.md, front matter stripped) are
shuffled with a fixed seed and packed into chunks of ~800 characters; when the sentences run
out they are reshuffled, so a large corpus reuses them in new combinations (deterministic, and
nothing of the corpus is written into the repo). Every 10 consecutive chunks form a document
(chunk ids `d0000001::0` … `::9`), so per-document updates can be measured. The vocabulary
therefore stays that of the shared corpus while postings grow linearly with the size, which is
the pessimistic case for query time (real corpora also add rare terms).

Same terms for every engine. Each chunk is analysed once with `SwedishAnalyzer.analyze`; that
time is reported separately and left out of every build. Ours gets the term counts through an
analyzer that looks them up; the others get the terms joined by spaces, and their tokenizers
only split on whitespace (FTS5: unicode61 with ':' and '§' as token characters and diacritics
kept, checked against ours in the test; tantivy: a registered whitespace analyzer; bm25s: the
token lists). Our term frequencies are weighted (a compound fragment counts 0.5); the other
engines count integers, so a term is repeated round(2*tf) times (`--tf double`, exact
proportions; FTS5's and tantivy's fixed k1=1.2 then saturates like k1=0.6 on our counts, while
bm25s gets k1=2.4 and scores exactly as ours) or ceil(tf) times (`--tf ceil`).
Queries are the gold questions of evals/questions.jsonl (Swedish and English, follow-ups with
their history) turned into `search_text` by the app's QueryAnalyzer and analysed by each engine's
search with `analyze_query(..., expand_compounds=False)`, the app's default. Query weights:
ours, tantivy (boosted term queries) and bm25s (weighted sum of its precomputed columns) use
them; FTS5's bm25() cannot (an OR of the distinct terms). Scoring: ours and bm25s use Lucene's
idf, k1=1.2, b=0.75; tantivy the same with 1-byte quantised lengths; FTS5 idf
log((N-n+0.5)/(n+0.5)) floored at 1e-6.

Per engine and size: build (chunks/s, committed in batches of `--batch` chunks as ingest does),
disk, per-document update (replace one document's 10 chunks and commit; p50 over `--updates`;
bm25s can only rebuild from scratch, timed once), then, in a fresh process, RSS after opening
and after the queries, search p50/p95 (top 30, warm, after warm-up queries) and the mean
overlap of the top-10 chunk ids with ours. Top 30 as asked for the comparison (the app's
lexical candidates default to 50). tantivy's writer uses its default indexing threads (one per
core); the others write from one thread. An engine whose package is missing (tantivy is not in
requirements.lock: `uv pip install tantivy` into the venv) is skipped with a note.
"""

from __future__ import annotations

import json
import math
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ingest.analyzer import SwedishAnalyzer

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
QUESTIONS = REPO / "evals" / "questions.jsonl"
console = Console()
app = typer.Typer(add_completion=False)

SEED = 20240601
CHUNK_CHARS = 800
DOC_CHUNKS = 10
TOP_K = 30
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
_MARKER = re.compile(r"^\s*(?:#+|[-*]|\d+\.)\s+", re.M)


# ---------------------------------------------------------------- corpus, terms, queries


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    text: str
    terms: tuple[str, ...]  # distinct analysed terms …
    tfs: tuple[float, ...]  # … and their weighted frequencies, as LexicalIndex stores them

    def term_text(self, tf_mode: str) -> str:
        """The terms joined by spaces, each repeated so that integer counts keep our weights."""
        reps = (lambda tf: round(2 * tf)) if tf_mode == "double" else math.ceil
        return " ".join(" ".join([t] * max(1, reps(tf))) for t, tf in zip(self.terms, self.tfs))


def corpus_sentences(folder: Path = SHARED_CORPUS) -> list[str]:
    """Distinct sentences (>= 20 characters) of the corpus documents, in file order."""
    out: list[str] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = _FRONT_MATTER.match(text)
        if not match:
            continue  # not a corpus document (the sources list)
        for paragraph in text[match.end():].split("\n\n"):
            paragraph = " ".join(_MARKER.sub("", paragraph).split())
            for sentence in _SENTENCE_END.split(paragraph):
                # A table or an unpunctuated list can run long: cut it to chunk size at spaces.
                while len(sentence) > CHUNK_CHARS:
                    cut = sentence.rfind(" ", 0, CHUNK_CHARS)
                    cut = cut if cut > 0 else CHUNK_CHARS
                    piece, sentence = sentence[:cut], sentence[cut:].strip()
                    if piece not in seen:
                        seen.add(piece)
                        out.append(piece)
                if len(sentence) >= 20 and sentence not in seen:
                    seen.add(sentence)
                    out.append(sentence)
    return out


def _texts(sentences: list[str], count: int, stream: str) -> list[str]:
    """`count` chunk texts of ~CHUNK_CHARS: sentences in a seeded order, reshuffled when used up."""
    rng = random.Random(f"{SEED}:{stream}")
    order: list[int] = []
    texts: list[str] = []
    current: list[str] = []
    length = 0
    while len(texts) < count:
        if not order:
            order = list(range(len(sentences)))
            rng.shuffle(order)
        sentence = sentences[order.pop()]
        current.append(sentence)
        length += len(sentence) + 1
        if length >= CHUNK_CHARS - 100:  # the last sentence overshoots by ~100 on average
            texts.append(" ".join(current))
            current, length = [], 0
    return texts


def doc_id_of(number: int) -> str:
    return f"d{number:07d}"


def synthetic_corpus(sentences: list[str], size: int) -> list[tuple[str, str, str]]:
    """(chunk_id, doc_id, text) for `size` chunks, DOC_CHUNKS per document."""
    out = []
    for i, text in enumerate(_texts(sentences, size, "corpus")):
        doc = doc_id_of(i // DOC_CHUNKS)
        out.append((f"{doc}::{i % DOC_CHUNKS}", doc, text))
    return out


def new_version(sentences: list[str], doc_id: str, version: int) -> list[tuple[str, str, str]]:
    """Another text for a document's DOC_CHUNKS chunks (same chunk ids), as a re-ingest writes."""
    texts = _texts(sentences, DOC_CHUNKS, f"update:{doc_id}:{version}")
    return [(f"{doc_id}::{j}", doc_id, text) for j, text in enumerate(texts)]


_FLOATS: dict[float, float] = {}


def analyse(rows: list[tuple[str, str, str]], analyzer: SwedishAnalyzer) -> list[Chunk]:
    out = []
    for chunk_id, doc_id, text in rows:
        counts = analyzer.analyze(text)
        out.append(Chunk(chunk_id, doc_id, text, tuple(counts), tuple(_FLOATS.setdefault(v, v) for v in counts.values())))
    return out


def query_texts(limit: int = 0, path: Path = QUESTIONS) -> list[str]:
    """The app's search text of every gold question (English ones get their Swedish glosses,
    follow-ups the previous turn), as QueryAnalyzer builds it for retrieval."""
    from assistant.query_analysis import QueryAnalyzer
    from evals.questions import load_questions

    analyzer = SwedishAnalyzer()
    queries = QueryAnalyzer(analyzer, idf=lambda terms: dict.fromkeys(terms, 1.0))
    texts = [queries.analyze(q.question, q.history).search_text for q in load_questions(path)]
    return texts[:limit] if limit else texts


def batches(chunks: list[Chunk], size: int) -> list[list[list[Chunk]]]:
    """Whole documents grouped into write batches of >= `size` chunks."""
    docs: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        docs.setdefault(chunk.doc_id, []).append(chunk)
    out: list[list[list[Chunk]]] = [[]]
    count = 0
    for doc_chunks in docs.values():
        if count >= size:
            out.append([])
            count = 0
        out[-1].append(doc_chunks)
        count += len(doc_chunks)
    return [b for b in out if b]


def disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------- engines


class PreAnalyzed(SwedishAnalyzer):
    """SwedishAnalyzer whose `analyze` returns the counts computed beforehand, so LexicalIndex's
    build is timed without the analysis every engine shares; unknown texts are analysed."""

    def __init__(self, chunks: list[Chunk] = ()):
        super().__init__()
        self.known: dict[str, Chunk] = {}
        self.add(chunks)

    def add(self, chunks: list[Chunk]) -> None:
        self.known.update((c.text, c) for c in chunks)

    def analyze(self, text: str):  # type: ignore[override]
        chunk = self.known.get(text)
        return dict(zip(chunk.terms, chunk.tfs)) if chunk is not None else super().analyze(text)


class Engine:
    name = ""
    incremental = True
    memory_note = ""

    def __init__(self, folder: Path, tf_mode: str = "double"):
        self.folder = Path(folder)
        self.tf_mode = tf_mode

    def build(self, batched: list[list[list[Chunk]]]) -> None: ...
    def replace(self, doc_id: str, chunks: list[Chunk]) -> None: ...
    def open_search(self) -> None: ...
    def search(self, text: str, top_k: int = TOP_K) -> list[str]: ...
    def close(self) -> None: ...

    @staticmethod
    def available() -> bool:
        return True


class Ours(Engine):
    name = "ours"
    memory_note = "nothing: SQLite pages on demand (cache_size 32 MiB)"

    def __init__(self, folder: Path, tf_mode: str = "double"):
        super().__init__(folder, tf_mode)
        self.path = self.folder / "lexical.sqlite3"
        self.analyzer = PreAnalyzed()
        self.index = None

    def _open(self, analyzer: SwedishAnalyzer):
        from ingest.lexical import LexicalIndex

        self.folder.mkdir(parents=True, exist_ok=True)
        if self.index is None:
            self.index = LexicalIndex(self.path, analyzer)
        return self.index

    def build(self, batched):
        index = self._open(self.analyzer)
        for batch in batched:
            for doc_chunks in batch:
                self.analyzer.add(doc_chunks)
            with index.transaction() as tx:
                for doc_chunks in batch:
                    index.replace_document(doc_chunks[0].doc_id, [(c.chunk_id, c.text) for c in doc_chunks], tx)

    def replace(self, doc_id, chunks):
        self.analyzer.add(chunks)
        self._open(self.analyzer).replace_document(doc_id, [(c.chunk_id, c.text) for c in chunks])

    def open_search(self):
        self._open(SwedishAnalyzer())

    def search(self, text, top_k=TOP_K):
        return [cid for cid, _ in self.index.search(text, top_k=top_k)]

    def close(self):
        if self.index is not None:
            self.index.close()
            self.index = None


# unicode61 splits on everything but letters, digits and these; diacritics must stay (lån ≠ lan).
FTS5_TOKENIZE = "unicode61 remove_diacritics 0 tokenchars ':§'"


class Fts5(Engine):
    name = "fts5"
    memory_note = "nothing: SQLite pages on demand (cache_size 32 MiB)"

    def __init__(self, folder: Path, tf_mode: str = "double"):
        super().__init__(folder, tf_mode)
        self.path = self.folder / "fts5.sqlite3"
        self.analyzer = SwedishAnalyzer()
        self.conn: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        if self.conn is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000", "cache_size=-32768"):
                conn.execute(f"PRAGMA {pragma}")
            # FTS5 deletes by rowid; the map finds a document's rowids (FTS5 columns are not B-tree indexed).
            conn.execute("CREATE TABLE IF NOT EXISTS chunk_map (rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL)")
            conn.execute("CREATE INDEX IF NOT EXISTS chunk_map_by_doc ON chunk_map(doc_id)")
            conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, tokenize = \"{FTS5_TOKENIZE}\")")
            self.conn = conn
        return self.conn

    def _write(self, conn, doc_id, chunks):
        conn.execute("DELETE FROM fts WHERE rowid IN (SELECT rowid FROM chunk_map WHERE doc_id = ?)", (doc_id,))
        conn.execute("DELETE FROM chunk_map WHERE doc_id = ?", (doc_id,))
        for c in chunks:
            rowid = conn.execute("INSERT INTO chunk_map (chunk_id, doc_id) VALUES (?, ?)", (c.chunk_id, c.doc_id)).lastrowid
            conn.execute("INSERT INTO fts (rowid, body) VALUES (?, ?)", (rowid, c.term_text(self.tf_mode)))

    def build(self, batched):
        conn = self._open()
        for batch in batched:
            conn.execute("BEGIN IMMEDIATE")
            for doc_chunks in batch:
                self._write(conn, doc_chunks[0].doc_id, doc_chunks)
            conn.execute("COMMIT")

    def replace(self, doc_id, chunks):
        conn = self._open()
        conn.execute("BEGIN IMMEDIATE")
        self._write(conn, doc_id, chunks)
        conn.execute("COMMIT")

    def open_search(self):
        self._open()

    def search(self, text, top_k=TOP_K):
        weights = self.analyzer.analyze_query(text, expand_compounds=False)
        if not weights:
            return []
        # No per-term query weights in bm25(): every distinct term counts once.
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in weights)
        rows = self.conn.execute(
            "SELECT m.chunk_id FROM (SELECT rowid, bm25(fts) AS score FROM fts WHERE fts MATCH ? "
            "ORDER BY score LIMIT ?) r JOIN chunk_map m ON m.rowid = r.rowid ORDER BY r.score, m.chunk_id",
            (match, top_k),
        ).fetchall()
        return [row[0] for row in rows]

    def vocabulary(self) -> set[str]:
        conn = self._open()
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, fts, row)")
        return {row[0] for row in conn.execute("SELECT term FROM temp.fts_vocab")}

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Tantivy(Engine):
    name = "tantivy"
    memory_note = "mmaps its segment files; term dictionary, postings and fieldnorms paged in on demand"
    TOKENIZER = "ka_terms"

    def __init__(self, folder: Path, tf_mode: str = "double"):
        super().__init__(folder, tf_mode)
        self.analyzer = SwedishAnalyzer()
        self.index = self.writer = self.searcher = None

    @staticmethod
    def available() -> bool:
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return False
        return True

    @staticmethod
    def schema():
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("chunk_id", stored=True, tokenizer_name="raw", index_option="basic")
        builder.add_text_field("doc_id", stored=False, tokenizer_name="raw", index_option="basic")
        # Term frequencies without positions: BM25 needs no more (ours stores no positions either).
        builder.add_text_field("body", stored=False, tokenizer_name=Tantivy.TOKENIZER, index_option="freq")
        return builder.build()

    def _index(self):
        import tantivy

        if self.index is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            exists = tantivy.Index.exists(str(self.folder))
            self.index = tantivy.Index.open(str(self.folder)) if exists else tantivy.Index(self.schema(), path=str(self.folder))
            # Tokenizers are not stored in the index: every process registers it before use.
            self.index.register_tokenizer(
                self.TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
            )
        return self.index

    def _writer(self):
        if self.writer is None:
            self.writer = self._index().writer(heap_size=128_000_000)
        return self.writer

    def _add(self, chunks):
        import tantivy

        for c in chunks:
            self.writer.add_document(tantivy.Document(chunk_id=c.chunk_id, doc_id=c.doc_id, body=c.term_text(self.tf_mode)))

    def build(self, batched):
        writer = self._writer()
        for batch in batched:
            for doc_chunks in batch:
                writer.delete_documents_by_term("doc_id", doc_chunks[0].doc_id)
                self._add(doc_chunks)
            writer.commit()
        writer.wait_merging_threads()  # the writer is spent; updates take a new one
        self.writer = None

    def replace(self, doc_id, chunks):
        writer = self._writer()
        writer.delete_documents_by_term("doc_id", doc_id)
        self._add(chunks)
        writer.commit()

    def open_search(self):
        index = self._index()
        index.reload()
        self.searcher = index.searcher()

    def _weights(self, text: str) -> dict[str, float]:
        return self.analyzer.analyze_query(text, expand_compounds=False)

    def search(self, text, top_k=TOP_K):
        import tantivy

        weights = self._weights(text)
        if not weights:
            return []
        schema = self.index.schema
        query = tantivy.Query.boolean_query([
            (tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(schema, "body", t), w))
            for t, w in weights.items()
        ])
        searcher = self.searcher
        # count=False: no total hit count, so top-k pruning (block-max WAND) may skip postings.
        hits = searcher.search(query, top_k, count=False).hits
        return [searcher.doc(address)["chunk_id"][0] for _, address in hits]

    def close(self):
        if self.writer is not None:
            self.writer.wait_merging_threads()
        self.index = self.writer = self.searcher = None


class TantivyCommon(Tantivy):
    """tantivy as the app searches it: query terms in more than a fifth of the chunks (and more
    than 5,000) left out (ingest.lexical.CommonTerms, the defaults). Its top-10 overlap with
    ours (every term) is what leaving them out costs in ranking."""

    name = "tantivy-common"

    def _weights(self, text: str) -> dict[str, float]:
        from ingest.lexical import CommonTerms

        weights = super()._weights(text)
        common = CommonTerms()  # the app's defaults
        df = {term: self.searcher.doc_freq("body", term) for term in weights}
        return common.informative(weights, df, self.searcher.num_docs)


class Bm25s(Engine):
    name = "bm25s"
    incremental = False
    memory_note = "everything: the whole score matrix, vocabulary and chunk-id list read into RAM; a score per chunk per query"

    def __init__(self, folder: Path, tf_mode: str = "double"):
        super().__init__(folder, tf_mode)
        self.analyzer = SwedishAnalyzer()
        self.docs: dict[str, list[Chunk]] = {}
        self.model = None
        self.chunk_ids: list[str] = []

    @staticmethod
    def available() -> bool:
        try:
            import bm25s  # noqa: F401
        except ImportError:
            return False
        return True

    def _rebuild(self) -> None:
        """No incremental update exists: index every chunk again and save the whole index."""
        import bm25s

        chunks = [c for doc_chunks in self.docs.values() for c in doc_chunks]
        # Each term is repeated round(2*tf) times under --tf double; k1=2.4 on doubled counts is
        # exactly our k1=1.2 on the weighted ones, so bm25s scores what ours scores (up to float32).
        model = bm25s.BM25(k1=2.4 if self.tf_mode == "double" else 1.2, b=0.75, method="lucene")
        model.index([c.term_text(self.tf_mode).split(" ") for c in chunks], show_progress=False)
        self.folder.mkdir(parents=True, exist_ok=True)
        model.save(str(self.folder / "bm25s"), show_progress=False)
        (self.folder / "chunk_ids.json").write_text(json.dumps([c.chunk_id for c in chunks]))

    def build(self, batched):
        for batch in batched:
            for doc_chunks in batch:
                self.docs[doc_chunks[0].doc_id] = doc_chunks
        self._rebuild()

    def replace(self, doc_id, chunks):
        self.docs[doc_id] = chunks
        self._rebuild()

    def stage(self, doc_id, chunks):
        """Record a new version without rebuilding (the rebuild is timed once for all)."""
        self.docs[doc_id] = chunks

    def open_search(self):
        import bm25s

        self.model = bm25s.BM25.load(str(self.folder / "bm25s"), show_progress=False)
        self.chunk_ids = json.loads((self.folder / "chunk_ids.json").read_text())

    def search(self, text, top_k=TOP_K):
        import numpy as np

        weights = self.analyzer.analyze_query(text, expand_compounds=False)
        vocab = self.model.vocab_dict
        data, indices, indptr = (self.model.scores[k] for k in ("data", "indices", "indptr"))
        scores = np.zeros(self.model.scores["num_docs"], dtype=np.float32)
        for term, weight in weights.items():
            tid = vocab.get(term)
            if tid is not None:  # precomputed idf*tf columns, summed with the query weights
                start, end = indptr[tid], indptr[tid + 1]
                scores[indices[start:end]] += weight * data[start:end]  # one entry per chunk in a column
        k = min(top_k, int(np.count_nonzero(scores)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((top, -scores[top]))]
        return [self.chunk_ids[i] for i in top]

    def close(self):
        self.model = None


ENGINES: dict[str, type[Engine]] = {e.name: e for e in (Ours, Fts5, Tantivy, TantivyCommon, Bm25s)}


# ---------------------------------------------------------------- measuring


def percentile(values: list[float], p: float) -> float:
    from evals.metrics import percentile as pct

    return pct(values, p) if values else float("nan")


def overlap(engine_top: list[list[str]], ours_top: list[list[str]], k: int = 10) -> float:
    """Mean share of our top-k chunk ids that the engine's top-k also holds (queries we answer)."""
    shares = [len(set(e[:k]) & set(o[:k])) / len(o[:k]) for e, o in zip(engine_top, ours_top) if o]
    return sum(shares) / len(shares) if shares else float("nan")


def timed_searches(engine: Engine, queries: list[str], warmup: int = 5, top_k: int = TOP_K) -> tuple[list[float], list[list[str]]]:
    for text in queries[:warmup]:
        engine.search(text, top_k)
    latencies, tops = [], []
    for text in queries:
        started = time.perf_counter()
        found = engine.search(text, top_k)
        latencies.append((time.perf_counter() - started) * 1000)
        tops.append(found[:10])
    return latencies, tops


def build_and_update(
    engine: Engine, chunks: list[Chunk], updates: list[list[Chunk]], batch: int,
) -> dict:
    """Build, then replace each document of `updates` in turn; build and update timings."""
    started = time.perf_counter()
    engine.build(batches(chunks, batch))
    build_s = time.perf_counter() - started
    update_ms: list[float] = []
    if engine.incremental:
        for doc_chunks in updates:
            started = time.perf_counter()
            engine.replace(doc_chunks[0].doc_id, doc_chunks)
            update_ms.append((time.perf_counter() - started) * 1000)
    elif updates:
        # Every update is a full rebuild: stage them all and time that rebuild once.
        for doc_chunks in updates[:-1]:
            engine.stage(doc_chunks[0].doc_id, doc_chunks)
        started = time.perf_counter()
        engine.replace(updates[-1][0].doc_id, updates[-1])
        update_ms.append((time.perf_counter() - started) * 1000)
    engine.close()
    return {"build_s": build_s, "chunks_per_s": len(chunks) / build_s, "update_ms": update_ms,
            "update_p50_ms": percentile(update_ms, 50), "disk_mb": disk_bytes(engine.folder) / 1e6}


@app.command("search-job", hidden=True)
def search_job(engine_name: str, folder: Path, queries_file: Path, tf_mode: str = "double", warmup: int = 5) -> None:
    """Open one engine's index in this fresh process, time the queries; prints a JSON line."""
    engine = ENGINES[engine_name](folder, tf_mode)
    engine.analyzer.analyze_query("uppvärmning")  # imports and the stemmer, before the baseline
    queries = json.loads(queries_file.read_text())
    baseline = rss_mb()
    started = time.perf_counter()
    engine.open_search()
    open_ms = (time.perf_counter() - started) * 1000
    opened = rss_mb()
    latencies, tops = timed_searches(engine, queries, warmup)
    after = rss_mb()
    engine.close()
    print(json.dumps({
        "open_ms": open_ms, "rss_base_mb": baseline, "rss_open_mb": opened - baseline, "rss_after_mb": after - baseline,
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95), "latencies_ms": latencies,
        "top10": tops, "empty": sum(1 for t in tops if not t),
    }))


def fresh_search(engine: Engine, queries_file: Path, warmup: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "evals.bench_lexical", "search-job", engine.name, str(engine.folder), str(queries_file),
         "--tf-mode", engine.tf_mode, "--warmup", str(warmup)],
        cwd=REPO, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"search job for {engine.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_size(
    size: int, sentences: list[str], queries: list[str], engines: list[str], root: Path,
    tf_mode: str = "double", batch: int = 512, n_updates: int = 20, warmup: int = 5,
) -> dict:
    """Every engine at one size: build, updates, disk, then searches in a fresh process."""
    analyzer = SwedishAnalyzer()
    started = time.perf_counter()
    chunks = analyse(synthetic_corpus(sentences, size), analyzer)
    analyse_s = time.perf_counter() - started
    docs = sorted({c.doc_id for c in chunks})
    chosen = random.Random(f"{SEED}:updates:{size}").sample(docs, min(n_updates, len(docs)))
    updates = [analyse(new_version(sentences, d, 1), analyzer) for d in chosen]
    queries_file = root / "queries.json"
    queries_file.write_text(json.dumps(queries))
    out: dict = {
        "chunks": len(chunks), "documents": len(docs), "analyse_chunks_per_s": len(chunks) / analyse_s,
        "mean_chunk_chars": sum(len(c.text) for c in chunks) / len(chunks),
        "mean_distinct_terms": sum(len(c.terms) for c in chunks) / len(chunks), "engines": {},
    }
    console.print(f"[bold]{size:,} chunks[/]: {len(docs):,} documents; analysis {analyse_s:.1f} s "
                  f"({out['analyse_chunks_per_s']:,.0f} chunks/s, not in any build time)")
    ours_top = None
    for name in engines:
        cls = ENGINES[name]
        if not cls.available():
            console.print(f"  {name}: package not installed, skipped")
            continue
        engine = cls(root / f"{name}-{size}", tf_mode)
        row = build_and_update(engine, chunks, updates, batch)
        row.update(fresh_search(engine, queries_file, warmup))
        if name == "ours":
            ours_top = row["top10"]
        row["overlap10"] = overlap(row["top10"], ours_top) if ours_top is not None else float("nan")
        row["memory_note"] = cls.memory_note
        row["incremental"] = cls.incremental
        console.print(f"  {name}: build {row['build_s']:.1f} s, search p50 {row['p50_ms']:.2f} ms, "
                      f"update p50 {row['update_p50_ms']:.1f} ms, disk {row['disk_mb']:.1f} MB")
        out["engines"][name] = row
        shutil.rmtree(engine.folder, ignore_errors=True)
    best = min(r["p50_ms"] for r in out["engines"].values())
    for r in out["engines"].values():
        r["p50_vs_best"] = r["p50_ms"] / best
    return out


def size_table(size: int, result: dict) -> Table:
    table = Table(
        "engine", "build chunks/s", "disk MB", "search p50 ms", "p95 ms", "p50 / best", "update p50 ms",
        "top-10 overlap with ours", "RSS open / after queries MB",
        title=f"{result['chunks']:,} chunks ({result['documents']:,} documents, ~{result['mean_chunk_chars']:.0f} chars, "
              f"{result['mean_distinct_terms']:.0f} distinct terms each); analysis {result['analyse_chunks_per_s']:,.0f} chunks/s",
    )
    for name, r in result["engines"].items():
        update = f"{r['update_p50_ms']:.1f}" + ("" if r["incremental"] else " (full rebuild)")
        table.add_row(
            name, f"{r['chunks_per_s']:,.0f}", f"{r['disk_mb']:.1f}", f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}",
            f"{r['p50_vs_best']:.2f}", update, f"{r['overlap10']:.2f}" if r["overlap10"] == r["overlap10"] else "- (ours not run)", f"{r['rss_open_mb']:.0f} / {r['rss_after_mb']:.0f}",
        )
    return table


def memory_notes(engines: list[str]) -> str:
    return "What opening an index loads: " + "; ".join(f"{n}: {ENGINES[n].memory_note}" for n in engines)


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    sizes: str = typer.Option("1000,10000,100000", help="Comma-separated chunk counts."),
    queries: int = typer.Option(0, help="Gold questions searched (0: all)."),
    engines: str = typer.Option(",".join(ENGINES), help="Engines to measure; ours first for the overlap."),
    tf_mode: str = typer.Option("double", "--tf", help="double: each term round(2*tf) times; ceil: ceil(tf) times."),
    batch: int = typer.Option(512, help="Chunks per build transaction/commit (ingest's KA_WRITE_BATCH_CHUNKS)."),
    updates: int = typer.Option(20, help="Per-document updates timed per incremental engine."),
    warmup: int = typer.Option(5, help="Untimed warm-up queries in each search process."),
    corpus: Path = typer.Option(SHARED_CORPUS, help="Markdown documents whose sentences are packed into chunks."),
    json_out: Path = typer.Option(None, "--json", help="Also write the figures to this file."),
    workdir: Path = typer.Option(None, help="Where the indexes are built (default: a temp folder)."),
) -> None:
    if ctx.invoked_subcommand:
        return  # the search job, in its own process
    if tf_mode not in ("double", "ceil"):
        raise typer.BadParameter("--tf is double or ceil")
    names = [n.strip() for n in engines.split(",") if n.strip()]
    unknown = set(names) - set(ENGINES)
    if unknown:
        raise typer.BadParameter(f"unknown engines: {', '.join(sorted(unknown))}")
    counts = [int(s) for s in sizes.split(",") if s.strip()]
    sentences = corpus_sentences(corpus)
    texts = query_texts(queries)
    console.print(f"{len(sentences):,} distinct sentences from {corpus}; {len(texts)} queries; tf mode {tf_mode}")
    root = Path(tempfile.mkdtemp(prefix="bench-lexical-", dir=workdir))
    results: dict[int, dict] = {}
    try:
        for size in counts:
            results[size] = run_size(size, sentences, texts, names, root, tf_mode, batch, updates, warmup)
            console.print(size_table(size, results[size]))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    console.print(memory_notes([n for n in names if n in results[counts[-1]]["engines"]]))

    first, last = counts[0], counts[-1]
    if len(counts) > 1:
        table = Table("engine", *[f"p50 ms at {s:,}" for s in counts], f"p50 {last:,} / {first:,}",
                      f"p50 / best at {last:,}", title="Search p50 as the corpus grows")
        for name in results[last]["engines"]:
            row = [results[s]["engines"].get(name) for s in counts]
            table.add_row(
                name, *[f"{r['p50_ms']:.2f}" if r else "-" for r in row],
                f"{row[-1]['p50_ms'] / row[0]['p50_ms']:.1f}" if row[0] and row[-1] else "-",
                f"{row[-1]['p50_vs_best']:.2f}" if row[-1] else "-",
            )
        console.print(table)
    if "ours" in results[last]["engines"]:
        ratio = results[last]["engines"]["ours"]["p50_vs_best"]
        console.print(f"ours at {last:,} chunks: p50 {ratio:.2f}x the best engine's "
                      f"({'within' if ratio <= 1.5 else 'outside'} the 1.5x rule)")
    if json_out:
        slim = {s: {**r, "engines": {n: {k: v for k, v in e.items() if k not in ("top10",)}
                                     for n, e in r["engines"].items()}} for s, r in results.items()}
        json_out.write_text(json.dumps({"tf_mode": tf_mode, "queries": len(texts), "sizes": slim}, indent=1))


if __name__ == "__main__":
    app()
