"""The Chainlit chat app. Started by `kulturassistent chat` (which prepares the database,
users and secret); every answer comes from `assistant.service.Assistant`."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import chainlit as cl
from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.input_widget import MultiSelect, Select, TextInput
from chainlit.server import app as chainlit_app

from assistant.chat import audit, oidc, upload
from assistant.chat.schema import adapt_engine, sqlite_conninfo
from assistant.chat.sources import source_markdown
from assistant.chat.storage import LocalStorageClient, register_file_route
from assistant.chat.users import UserStore
from assistant.chat.guards import register_ownership_guards
from assistant.chat.ops import configure_logging, register_readiness_route
from assistant.conversation import is_english
from assistant.safe_text import defang_markdown
from assistant.schema import DOC_TYPE_LABELS_SV, Answer, Citation, DocType, IngestSummary, SearchFilters, date_sort_key
from assistant.chat.timeline_figure import timeline_figure
from assistant.timeline import continuing, render_timeline
from assistant.trail import render_trail
from assistant.settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
storage = LocalStorageClient(settings.chat_files_dir)
conninfo = settings.chat_db_url or sqlite_conninfo(settings.chat_db_path)
_assistant = None
_assistant_lock = threading.Lock()

STARTERS = [
    ("De sju verksamhetsområdena", "Vilka är de sju verksamhetsområdena som statens medel får gå till?"),
    ("Vem beslutar om statsbidraget?", "Vem beslutar om statsbidraget till regionen?"),
    ("Så tas en regional kulturplan fram", "Hur tas en regional kulturplan fram och vem beslutar om den?"),
    ("Forum för dialog med kommunerna", "I vilka forum förs dialogen mellan Region Skåne och kommunerna?"),
]


def get_assistant():
    """One Assistant per process: the embedder and index are shared by every chat."""
    global _assistant
    with _assistant_lock:
        if _assistant is None:
            from assistant.service import Assistant

            _assistant = Assistant(settings)
        return _assistant


_data_layer: SQLAlchemyDataLayer | None = None


@cl.data_layer
def data_layer() -> SQLAlchemyDataLayer:
    global _data_layer
    if _data_layer is None:
        _data_layer = SQLAlchemyDataLayer(conninfo=conninfo, storage_provider=storage)
        adapt_engine(_data_layer.engine)  # SQLite cannot bind the lists and dicts Chainlit passes
    return _data_layer


async def _owner_id(identifier: str) -> str | None:
    user = await data_layer().get_user(identifier)
    return user.id if user else None


register_file_route(chainlit_app, storage, _owner_id)
register_ownership_guards(chainlit_app, data_layer)
register_readiness_route(chainlit_app, get_assistant, lambda: data_layer().engine)
configure_logging(settings.log_format)


@cl.on_app_startup
def _log_as_configured() -> None:
    configure_logging(settings.log_format)  # again: uvicorn configured its own loggers after this module loaded

if settings.chat_auth == "password":

    @cl.password_auth_callback
    def password_login(username: str, password: str) -> cl.User | None:
        if UserStore(settings.users_file).check(username, password):
            return cl.User(identifier=username, metadata={"provider": "password"})
        return None

elif settings.chat_auth == "oidc":
    oidc.install_provider(settings)

    @cl.oauth_callback
    async def oidc_login(provider_id: str, token: str, raw_user_data: dict, default_user: cl.User, id_token=None):
        signed_in = oidc.oauth_user(settings, raw_user_data)
        if signed_in is None:
            log.warning("refused organisation login for %r", raw_user_data.get(settings.oidc_user_claim))
            return None
        identifier, metadata = signed_in
        return cl.User(identifier=identifier, metadata=metadata)

else:

    @cl.header_auth_callback
    def header_login(headers) -> cl.User | None:
        # Only safe behind a proxy that sets this header itself and strips it from clients.
        name = headers.get(settings.chat_auth_header)
        return cl.User(identifier=name, metadata={"provider": "header"}) if name else None


@cl.set_starters
async def starters(user=None, language=None):
    return [cl.Starter(label=label, message=message) for label, message in STARTERS]


def _chat_settings() -> cl.ChatSettings:
    modes = {"Citat ur underlagen (ingen språkmodell)": "extractive"}
    if settings.llm_enabled:
        modes["Språkmodell med källhänvisningar"] = "llm"
    return cl.ChatSettings([
        MultiSelect(
            id="doc_types", label="Dokumenttyper (tomt = alla)",
            items={DOC_TYPE_LABELS_SV[t].capitalize(): t.value for t in DocType}, initial=[],
        ),
        TextInput(id="since", label="Från datum (ÅÅÅÅ[-MM[-DD]])", initial="", placeholder="t.ex. 2021"),
        TextInput(id="until", label="Till datum (ÅÅÅÅ[-MM[-DD]])", initial="", placeholder="t.ex. 2024"),
        Select(id="mode", label="Svarsläge", items=modes, initial_value="extractive"),
    ])


@cl.on_chat_start
async def start():
    cl.user_session.set("history", [])
    cl.user_session.set("options", {})
    await _chat_settings().send()


@cl.on_settings_update
async def settings_changed(options: dict):
    cl.user_session.set("options", options)


@cl.on_chat_resume
async def resume(thread):
    questions = [s["output"] for s in thread.get("steps", []) if s.get("type") == "user_message"]
    cl.user_session.set("history", questions)
    cl.user_session.set("options", {})
    await _chat_settings().send()


def _filters(options: dict) -> tuple[SearchFilters, str | None]:
    since, until = (options.get("since") or "").strip(), (options.get("until") or "").strip()
    bad = [d for d in (since, until) if d and date_sort_key(d) is None]
    filters = SearchFilters(
        doc_types=[DocType(t) for t in options.get("doc_types") or []],
        since=since if since and since not in bad else None,
        until=until if until and until not in bad else None,
    )
    warning = f"Datumet {', '.join(bad)} förstods inte (skriv ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD) och användes inte." if bad else None
    return filters, warning


def _elements(citations: list[Citation], english: bool) -> list:
    elements = []
    for c in citations:
        # The panel opens from the marker only if its name occurs in the text. Names repeat
        # across answers; Chainlit resolves a marker to the element of its own message (forId),
        # which the browser tests check for every marker of every answer.
        name = f"[{c.n}]"
        if c.source_path.lower().endswith(".pdf") and Path(c.source_path).exists():
            # A PDF opens at the cited page (Chainlit honours `page` for side/page display).
            first_page = int(c.page.split("–")[0]) if c.page else 1
            elements.append(cl.Pdf(name=name, path=c.source_path, page=first_page, display="side"))
        else:
            elements.append(cl.Text(name=name, content=source_markdown(c, english), display="side"))
    return elements


async def _stream_answer(question: str, history: list[str], filters: SearchFilters, mode: str | None, msg: cl.Message) -> Answer:
    """Run the synchronous answer stream in a worker thread and forward its pieces as they come."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    def produce():
        try:
            for item in get_assistant().ask_stream(question, history=history, filters=filters, mode=mode):
                loop.call_soon_threadsafe(queue.put_nowait, item)
        except Exception as exc:  # surfaced to the user below, never a silent hang
            loop.call_soon_threadsafe(queue.put_nowait, exc)

    threading.Thread(target=produce, daemon=True).start()
    streamed = ""
    while True:
        item = await queue.get()
        if isinstance(item, Exception):
            raise item
        if isinstance(item, Answer):
            return item
        # Deltas can split a link or tag in two; what is shown is always the defanged whole.
        streamed += item
        await msg.stream_token(defang_markdown(streamed), is_sequence=True)


async def _handle_upload(files: list[tuple[str, Path]]) -> None:
    """An administrator's files are indexed, with progress; anyone else's are refused unread."""
    from ingest.lock import IngestLocked

    user = cl.user_session.get("user")
    if not upload.is_admin(user, settings):
        await cl.Message(
            content="Bara administratörer kan lägga till dokument. Filerna sparades inte och indexerades inte.",
            author="Kulturassistenten",
        ).send()
        return
    staged, refused = upload.stage(files, settings)
    progress = cl.Message(content=f"Indexerar {len(staged)} av {len(files)} filer …", author="Kulturassistenten")
    await progress.send()
    loop = asyncio.get_running_loop()

    async def show(done: int, total: int) -> None:
        progress.content = f"Indexerar … {done} av {total} filer klara."
        await progress.update()

    def on_progress(done: int, total: int) -> None:
        asyncio.run_coroutine_threadsafe(show(done, total), loop)

    try:
        summary = (
            await asyncio.to_thread(upload.ingest_uploads, settings, get_assistant().embedder, staged, on_progress)
            if staged else IngestSummary()
        )
    except IngestLocked as exc:
        progress.content = f"Dokumenten kunde inte indexeras nu: {exc}"
        await progress.update()
        return
    except Exception as exc:
        log.exception("upload ingest failed")
        progress.content = f"Indexeringen misslyckades ({type(exc).__name__}); det som redan fanns i indexet är kvar."
        await progress.update()
        return
    progress.content = upload.report_text(summary.files + refused)
    await progress.update()


@cl.on_message
async def on_message(message: cl.Message):
    files = [(e.name, Path(e.path)) for e in (message.elements or []) if getattr(e, "path", None)]
    if files:
        await _handle_upload(files)
        if not message.content.strip():
            return
    history: list[str] = cl.user_session.get("history") or []
    options = cl.user_session.get("options") or {}
    filters, warning = _filters(options)
    user = cl.user_session.get("user")
    # Public documents and those of the user's groups (an organisation login's group claim) only.
    filters = filters.model_copy(update={"groups": list((user.metadata or {}).get("groups") or []) if user else []})
    if warning:
        await cl.Message(content=warning, author="Kulturassistenten").send()
    msg = cl.Message(content="", author="Kulturassistenten")
    try:
        answer = await _stream_answer(message.content, history, filters, options.get("mode"), msg)
    except Exception as exc:
        msg.content = f"Något gick fel när svaret skulle tas fram ({type(exc).__name__}). Försök igen."
        await msg.send()
        return
    content = answer.answer
    if answer.notice:
        content = f"*{answer.notice}*\n\n{content}"
    english = is_english(answer.question)
    elements = _elements(answer.citations, english)
    if answer.timeline is not None:
        # A question about a process also gets its dated steps under the answer: the list, whose
        # markers open source panels like the answer's, and the picture.
        timeline = continuing(answer.timeline, answer.citations)
        name = "timeline" if english else "tidslinje"
        content = f"{content}\n\n{render_timeline(timeline)}"
        elements += [*_elements(timeline.citations, english),
                     cl.Pyplot(name=name, figure=timeline_figure(timeline), display="inline", size="large")]
    msg.content = content
    msg.elements = elements
    msg.metadata = {
        "abstained": answer.abstained,
        "cited_docs": [c.doc_id for c in answer.citations],
        "suggested_docs": [s.doc_id for s in answer.suggestions],
        "mode": answer.mode,
    }
    await msg.send()
    if answer.trail is not None:
        # A question about a decision also gets its trail, each step with its own source panel.
        await cl.Message(
            content=render_trail(answer.trail), author="Kulturassistenten",
            elements=_elements(answer.trail.citations, answer.trail.english), metadata={"trail": answer.trail.record_id},
        ).send()
    cl.user_session.set("history", [*history, message.content])
    try:
        await audit.record(
            data_layer().engine, user.identifier if user else None, cl.context.session.thread_id, message.content, answer
        )
    except Exception:  # the answer is already shown; a lost audit row must at least be loud in the log
        log.exception("could not write the audit row for thread %s", cl.context.session.thread_id)
