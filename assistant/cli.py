"""`kulturassistent`: the command line. User-facing text is Swedish."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.safe_text import safe_url
from assistant.schema import DOC_TYPE_LABELS_SV, DateSource, DocType, FileOutcome, IngestSummary, date_sort_key
from assistant.settings import get_settings

app = typer.Typer(
    help="Kulturassistenten: frågor och svar med källor om kultursamverkansmodellen.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


def _register_subcommands() -> None:
    from assistant.cli_chat import audit_app, chat, feedback_app, purge, user_app, widget_app
    from assistant.cli_eval import app as eval_app
    from assistant.cli_timeline import tidslinje
    from assistant.cli_trail import beslut

    app.add_typer(eval_app, name="eval")
    app.command()(chat)
    app.add_typer(user_app, name="user")
    app.add_typer(feedback_app, name="feedback")
    app.add_typer(audit_app, name="audit")
    app.add_typer(widget_app, name="widget")
    app.command()(purge)
    app.command()(beslut)
    app.command()(tidslinje)

USAGE_ERROR = 2

OUTCOME_LABELS = {
    FileOutcome.new: "nya",
    FileOutcome.updated: "uppdaterade",
    FileOutcome.unchanged: "oförändrade",
    FileOutcome.removed: "borttagna",
    FileOutcome.failed: "misslyckade",
    FileOutcome.skipped: "överhoppade",
}


def _fail(message: str) -> None:
    errors.print(f"[bold red]Fel:[/] {message}")
    raise typer.Exit(USAGE_ERROR)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Mappar eller filer att indexera (standard: corpus/).", exists=True),
    ] = None,
    prune: Annotated[
        bool, typer.Option("--prune/--no-prune", help="Ta bort dokument vars fil har försvunnit ur mappen.")
    ] = True,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Bygg ett nytt index bredvid det gamla och byt när det är klart.")
    ] = False,
    wait: Annotated[
        float | None,
        typer.Option("--wait", help="Vänta så här många sekunder om en annan indexering pågår (standard KA_INGEST_LOCK_WAIT_S)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv sammanfattningen som JSON.")] = False,
) -> None:
    """Indexera dokument (Markdown, text, HTML, PDF, DOCX) inkrementellt."""
    from ingest.embedders import EmbedderUnavailable, build_embedder
    from ingest.index import IndexHandle
    from ingest.lexical import AnalyzerMismatch
    from ingest.lock import IngestLock, IngestLocked
    from ingest.pipeline import Ingestor
    from ingest.store import EmbedderMismatch, StoreUnavailable

    settings = get_settings()
    roots = paths or [Path("corpus")]
    lock = IngestLock(settings.data_dir)
    try:
        lock.acquire(settings.ingest_lock_wait_s if wait is None else wait)
    except IngestLocked as exc:
        _fail(str(exc))
    with lock:
        if lock.stale and not as_json:
            errors.print(
                f"[yellow]En tidigare indexering (pid {lock.stale.pid}, startad {lock.stale.started.replace('T', ' ')}) "
                "avbröts innan den blev klar; den här körningen fullföljer den.[/]",
                soft_wrap=True, highlight=False,
            )
        try:
            embedder = build_embedder(settings.embed_model, settings.embed_batch_size, settings=settings)
            try:
                index = IndexHandle.open(settings, embedder, rebuild=rebuild)
            except AnalyzerMismatch:
                # An upgrade changed the text analysis: postings written by the old one cannot be
                # searched with the new, so the index is rebuilt beside the old one, which the
                # chat keeps using until the new one is complete.
                if not as_json:
                    errors.print(
                        "[yellow]Textanalysen har ändrats sedan indexet byggdes; indexet byggs om. "
                        "Det gamla indexet används tills det nya är klart.[/]", soft_wrap=True, highlight=False,
                    )
                index = IndexHandle.open(settings, embedder, rebuild=True)
        except (EmbedderUnavailable, EmbedderMismatch, StoreUnavailable, AnalyzerMismatch) as exc:
            _fail(str(exc))
        ingestor = Ingestor(settings, embedder, index)
        summaries: list[IngestSummary] = []
        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=errors, disable=as_json,
        ) as progress:
            for root in roots:
                task = progress.add_task(f"Indexerar {root}", total=None)
                try:
                    summaries.append(ingestor.run(
                        root, prune=prune, on_progress=lambda d, t, task=task: progress.update(task, completed=d, total=t)
                    ))
                except EmbedderUnavailable as exc:  # an embedding server that stopped answering mid-run
                    index.close()
                    _fail(f"{exc} Det som hann indexeras finns kvar; nästa körning fortsätter därifrån.")
        # Only a rebuild that got through every folder replaces the live index.
        index.finish_rebuild()
        index.close()
    merged = _merge(summaries)
    if as_json:
        print(merged.model_dump_json(indent=2))
    else:
        _print_summary(merged, index.settings.store_label)
    raise typer.Exit(merged.exit_code)


def _merge(summaries: list[IngestSummary]) -> IngestSummary:
    merged = IngestSummary()
    for s in summaries:
        merged.files += s.files
        merged.chunks_embedded += s.chunks_embedded
        merged.seconds += s.seconds
        merged.embed_seconds += s.embed_seconds
        merged.chunks_total = s.chunks_total
    return merged


def _print_summary(summary: IngestSummary, store: str) -> None:
    counts = ", ".join(f"{summary.count(o)} {label}" for o, label in OUTCOME_LABELS.items())
    console.print(f"[bold]Filer:[/] {counts}")
    console.print(
        f"[bold]Avsnitt:[/] {summary.chunks_embedded} inbäddade nu, {summary.chunks_total} i indexet "
        f"· {summary.seconds:.1f} s ({summary.embed_seconds:.1f} s inbäddning)"
    )
    console.print(f"[bold]Index:[/] {store}")
    for f in summary.files:
        for warning in f.warnings:
            console.print(f"  [yellow]varning[/] {escape(f.path)} – {escape(warning)}", soft_wrap=True, highlight=False)
    problems = [f for f in summary.files if f.outcome in (FileOutcome.failed, FileOutcome.skipped)]
    if problems:
        console.print("[bold]Filer som inte indexerades:[/]")
    for f in problems:
        style = "red" if f.outcome == FileOutcome.failed else "yellow"
        # soft_wrap keeps each path on one line, so it can be copied from the terminal.
        console.print(f"  [{style}]{OUTCOME_LABELS[f.outcome]}[/] {f.path} – {f.reason}", soft_wrap=True, highlight=False)


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Visa vad som är indexerat: dokument per typ, avsnitt, embeddingmodell och lagringsplats."""
    from ingest.index import index_status
    from ingest.store import StoreUnavailable

    try:
        info = index_status(get_settings())
    except StoreUnavailable as exc:
        _fail(str(exc))
    if as_json:
        print(info.model_dump_json(indent=2))
        return
    table = Table("Dokumenttyp", "Antal", title="Indexerade dokument")
    for doc_type, n in info.documents_by_type.items():
        table.add_row(DOC_TYPE_LABELS_SV[DocType(doc_type)], str(n))
    table.add_row("[bold]Totalt[/]", f"[bold]{info.documents}[/]")
    console.print(table)
    console.print(f"[bold]Dokument utan eget datum:[/] {info.undated_documents} (visas med filens ändringsdatum)")
    console.print(f"[bold]Avsnitt (chunks):[/] {info.chunks}")
    dim = f" ({info.dimension} dimensioner)" if info.dimension else ""
    console.print(f"[bold]Embeddingmodell:[/] {info.embedder}{dim}")
    console.print(f"[bold]Vektorindex:[/] {info.store}")
    console.print(f"[bold]Lexikalt index:[/] {info.lexical_index}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Frågan, på svenska eller engelska.")],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv exakt ett JSON-objekt.")] = False,
    doc_type: Annotated[list[DocType] | None, typer.Option("--type", help="Bara dessa dokumenttyper.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Bara dokument från detta datum (ÅÅÅÅ[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Bara dokument till och med detta datum.")] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Del av utgivarens namn.")] = None,
    history: Annotated[list[str] | None, typer.Option("--history", help="Tidigare frågor i samtalet, äldst först.")] = None,
    mode: Annotated[str | None, typer.Option("--mode", help="extractive eller llm (kräver KA_LLM_BASE_URL).")] = None,
) -> None:
    """Ställ en fråga och få ett svar med källhänvisningar."""
    from assistant.schema import SearchFilters

    settings = get_settings()
    for value, name in ((since, "--since"), (until, "--until")):
        if value and date_sort_key(value) is None:
            _fail(f"{name} ska vara ett datum som ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, inte '{value}'.")
    filters = SearchFilters(doc_types=doc_type or [], since=since, until=until, publisher=publisher)
    assistant = open_indexed_assistant(settings)
    if mode not in (None, "extractive", "llm"):
        _fail(f"--mode ska vara extractive eller llm, inte '{mode}'.")
    if mode == "llm" and not settings.llm_enabled:
        _fail("--mode llm kräver en språkmodell: sätt KA_LLM_BASE_URL (t.ex. http://localhost:11434/v1).")
    answer = assistant.ask(question, history=history or [], filters=filters, mode=mode)
    assistant.close()
    if as_json:
        payload = answer.model_dump(mode="json", include={"question", "answer", "abstained", "timings", "suggestions"})
        payload["citations"] = [
            c.model_dump(mode="json", include={"n", "doc_id", "title", "section", "page", "published", "published_source", "source_url", "quote"})
            for c in answer.citations
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if answer.notice:
        errors.print(f"[yellow]{answer.notice}[/]")
    console.print(Markdown(answer.answer))
    print_sources(answer.citations)


def print_sources(citations) -> None:
    if citations:
        console.print("\n[bold]Källor[/]")
    for c in citations:
        # Titles and sections come from documents: never rich markup, and only http(s) addresses.
        date = c.published or "odaterad"
        if c.published and c.published_source == DateSource.modified:
            date += " (filens ändringsdatum)"  # the document states no date of its own
        where = ", ".join(p for p in (c.section, f"s. {c.page}" if c.page else "", date) if p)
        address = safe_url(c.source_url) or ""
        console.print(f"[bold]\\[{c.n}][/] {escape(c.title)} – {escape(where)}\n    {escape(address)}", soft_wrap=True, highlight=False)


def open_indexed_assistant(settings):
    """The Assistant over the configured index; a clear error when nothing is indexed yet."""
    from ingest.index import index_status

    if index_status(settings).documents == 0:
        _fail("Indexet är tomt. Kör först `kulturassistent ingest ../shared/corpus` (eller din egen mapp).")
    return _open_assistant(settings)


def _open_assistant(settings):
    from assistant.service import Assistant
    from ingest.embedders import EmbedderUnavailable
    from ingest.lexical import AnalyzerMismatch
    from ingest.store import EmbedderMismatch, StoreUnavailable

    try:
        return Assistant(settings)
    except (EmbedderUnavailable, EmbedderMismatch, StoreUnavailable, AnalyzerMismatch) as exc:
        _fail(str(exc))


def main() -> None:
    app()


if __name__ == "__main__":
    # `python -m assistant.cli`: run the importable module's CLI, the one the subcommand modules
    # import, rather than registering them on this second copy.
    from assistant.cli import main as cli_main

    cli_main()
else:
    _register_subcommands()
