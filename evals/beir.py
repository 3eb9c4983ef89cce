"""Loader for retrieval benchmarks in BEIR layout.

    <dir>/corpus.jsonl     {"_id": ..., "title": ..., "text": ...} per line
    <dir>/queries.jsonl    {"_id": ..., "text": ...} per line
    <dir>/qrels/test.tsv   header "query-id<TAB>corpus-id<TAB>score", then one judgement a line
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evals.jsonl import read_objects


@dataclass(frozen=True)
class BeirDoc:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class BeirDataset:
    name: str
    corpus: dict[str, BeirDoc]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: relevance}


def _read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict]:
    if not path.is_file():
        raise ValueError(f"{path}: missing file")
    rows = []
    for lineno, row in read_objects(path):
        missing = [key for key in required if key not in row]
        if missing:
            raise ValueError(f"{path}, line {lineno}: missing field(s) {', '.join(missing)}")
        rows.append(row)
    if not rows:
        raise ValueError(f"{path}: file is empty")
    return rows


def _read_qrels(path: Path) -> dict[str, dict[str, int]]:
    if not path.is_file():
        raise ValueError(f"{path}: missing file")
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip().split("\t") != ["query-id", "corpus-id", "score"]:
        raise ValueError(f"{path}, line 1: expected header 'query-id<TAB>corpus-id<TAB>score'")
    qrels: dict[str, dict[str, int]] = {}
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path}, line {lineno}: expected 3 tab-separated fields, got {len(fields)}")
        query_id, doc_id, score = fields
        try:
            qrels.setdefault(query_id, {})[doc_id] = int(score)
        except ValueError:
            raise ValueError(f"{path}, line {lineno}: score '{score}' is not an integer") from None
    return qrels


def load_beir(directory: str | Path) -> BeirDataset:
    """Load a BEIR-layout dataset; ValueError names the missing or broken file."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"{directory}: not a directory")
    corpus = {
        str(row["_id"]): BeirDoc(str(row["_id"]), str(row.get("title") or ""), str(row["text"]))
        for row in _read_jsonl(directory / "corpus.jsonl", ("_id", "text"))
    }
    queries = {str(row["_id"]): str(row["text"]) for row in _read_jsonl(directory / "queries.jsonl", ("_id", "text"))}
    qrels_path = directory / "qrels" / "test.tsv"
    qrels = _read_qrels(qrels_path)
    unknown_queries = sorted(set(qrels) - set(queries))
    if unknown_queries:
        raise ValueError(f"{qrels_path}: query ids not in queries.jsonl: {', '.join(unknown_queries[:5])}")
    unknown_docs = sorted({d for judged in qrels.values() for d in judged} - set(corpus))
    if unknown_docs:
        raise ValueError(f"{qrels_path}: corpus ids not in corpus.jsonl: {', '.join(unknown_docs[:5])}")
    return BeirDataset(name=directory.name, corpus=corpus, queries=queries, qrels=qrels)
