"""`kulturassistent chat`, `user add` and `feedback export`: the chat app's command line."""

from __future__ import annotations

import asyncio
import getpass
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.settings import get_settings

CHAT_DIR = Path(__file__).resolve().parent / "chat"
console = Console()
errors = Console(stderr=True)
user_app = typer.Typer(help="Användare för chatten (inloggning med lösenord).", no_args_is_help=True)
feedback_app = typer.Typer(help="Återkoppling (tumme upp/ned) från chatten.", no_args_is_help=True)
widget_app = typer.Typer(help="Chatten som widget på intranätet (Chainlits copilot).", no_args_is_help=True)
audit_app = typer.Typer(help="Granskningsloggen: vem som frågade vad och vilka dokument svaret visade.", no_args_is_help=True)


def chat(
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Öppna webbläsaren.")] = True,
    port: Annotated[int | None, typer.Option(help="Port (standard: KA_CHAT_PORT).")] = None,
) -> None:
    """Starta chatten (Chainlit) på localhost över det konfigurerade indexet."""
    from assistant.chat.schema import ensure_schema, sqlite_conninfo
    from assistant.chat.users import UserStore, auth_secret, ensure_first_user
    from ingest.index import index_status

    settings = get_settings()
    if index_status(settings).documents == 0:
        errors.print("[bold red]Fel:[/] Indexet är tomt. Kör först `kulturassistent ingest ../shared/corpus`.")
        raise typer.Exit(2)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    conninfo = settings.chat_db_url or sqlite_conninfo(settings.chat_db_path)
    asyncio.run(ensure_schema(conninfo))
    if settings.retention_days:
        _report_purge(asyncio.run(_purge(settings, conninfo)), settings.retention_days)
    if settings.chat_auth == "password":
        password = ensure_first_user(UserStore(settings.users_file))
        if password:
            console.print(
                f"[bold]Skapade användaren 'admin' med lösenordet[/] {password}\n"
                "Spara det; fler användare läggs till med `kulturassistent user add NAMN`.",
                highlight=False,
            )
    if settings.chat_auth == "oidc":  # fail here, with the reason, rather than inside the server
        from assistant.chat.oidc import OIDCConfigError, check_settings

        try:
            check_settings(settings)
        except OIDCConfigError as exc:
            errors.print(f"[bold red]Fel:[/] {exc}")
            raise typer.Exit(2)
    # One root per port: Chainlit deletes <root>/.files when it stops, so a second instance
    # (another port, e.g. behind a second proxy path) must not share the first one's.
    app_root = prepare_app_root((settings.data_dir / "chat-app" / str(port or settings.chat_port)).resolve(), settings)
    env = {
        **os.environ,
        "CHAINLIT_APP_ROOT": str(app_root),
        "CHAINLIT_AUTH_SECRET": auth_secret(settings),
        # The app runs in its own folder; relative paths must keep pointing where the user meant.
        "KA_DATA_DIR": str(settings.data_dir.resolve()),
    }
    command = [
        sys.executable, "-m", "assistant.chat.launch", "run", str(CHAT_DIR / "app.py"),
        "--host", settings.chat_host, "--port", str(port or settings.chat_port),
    ]
    if not open_browser:
        command.append("--headless")
    console.print(f"Chatten startar på http://{settings.chat_host}:{port or settings.chat_port}")
    # Chainlit replaces this process rather than running as its child: SIGTERM or Ctrl-C then
    # reach the server itself, and no orphan is left answering on the port.
    sys.stdout.flush()
    os.chdir(app_root)
    os.execve(sys.executable, command, env)


def retention_text(days: int) -> str:
    """The 'Om tjänsten' page's sentence on how long things are kept."""
    if not days:
        return "**Hur länge:** samtal, återkoppling och granskningslogg sparas tills en administratör tar bort dem."
    return (f"**Hur länge:** samtal (med källpaneler och återkoppling) tas bort {days} dagar efter det senaste "
            f"meddelandet, och granskningsloggens rader {days} dagar efter frågan.")


def prepare_app_root(app_root: Path, settings) -> Path:
    """A per-installation Chainlit root in the data dir: Chainlit writes session files to
    <root>/.files and deletes that folder on shutdown, so two instances (or a read-only
    package folder) must never share it. Config, translations and welcome text are copied in,
    and the patched web app is built beside them (assistant.chat.frontend)."""
    from assistant.chat.frontend import build_frontend
    from assistant.chat.widget import toml_origins

    app_root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(CHAT_DIR / ".chainlit", app_root / ".chainlit", dirs_exist_ok=True)
    config = app_root / ".chainlit" / "config.toml"
    text = config.read_text(encoding="utf-8").replace("max_size_mb = 25", f"max_size_mb = {settings.upload_max_mb}")
    if settings.widget_origins:  # intranet pages that embed the widget (assistant/chat/widget.py)
        text = re.sub(r"^allow_origins = \[\].*$", toml_origins(settings.widget_origins), text, count=1, flags=re.M)
    config.write_text(text, encoding="utf-8")
    for readme in CHAT_DIR.glob("chainlit*.md"):
        text = readme.read_text(encoding="utf-8").replace("{retention}", retention_text(settings.retention_days))
        (app_root / readme.name).write_text(text, encoding="utf-8")
    build_frontend(app_root)  # config.toml's `custom_build` points here
    return app_root


@user_app.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="Användarnamn.")],
    password: Annotated[str | None, typer.Option(help="Lösenord (annars frågas efter det).")] = None,
) -> None:
    """Lägg till eller byt lösenord för en användare."""
    from assistant.chat.users import UserStore

    settings = get_settings()
    secret = password or getpass.getpass("Lösenord (minst 8 tecken): ")
    try:
        UserStore(settings.users_file).add(username, secret)
    except ValueError as exc:
        errors.print(f"[bold red]Fel:[/] {exc}")
        raise typer.Exit(2)
    console.print(f"Användaren '{username}' är sparad i {settings.users_file}.")


@user_app.command("list")
def list_users() -> None:
    """Visa användarnamnen (aldrig lösenord)."""
    from assistant.chat.users import UserStore

    for name in UserStore(get_settings().users_file).names():
        console.print(name)


@feedback_app.command("export")
def export_feedback(
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL-fil i guldfrågornas format.")] = Path("feedback.jsonl"),
) -> None:
    """Skriv återkopplingen som JSONL i utvärderingens frågeformat, så att verkliga frågor blir testfall."""
    from assistant.chat.feedback import export_feedback as export
    from assistant.chat.schema import sqlite_conninfo

    settings = get_settings()
    count = asyncio.run(export(settings.chat_db_url or sqlite_conninfo(settings.chat_db_path), out))
    console.print(f"Skrev {count} frågor med återkoppling till {out}.")


@audit_app.command("export")
def export_audit(
    since: Annotated[str | None, typer.Option(help="Från och med (ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTtt:mm, UTC).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV-fil.")] = Path("granskningslogg.csv"),
) -> None:
    """Skriv granskningsloggen som CSV: tid (UTC), användare, tråd, fråga, visade dokument, avstod, svarsläge."""
    from assistant.chat.audit import export_csv, parse_since
    from assistant.chat.schema import ensure_schema, sqlite_conninfo

    settings = get_settings()
    try:
        start = parse_since(since) if since else None
    except ValueError as exc:
        errors.print(f"[bold red]Fel:[/] {exc}")
        raise typer.Exit(2)
    conninfo = settings.chat_db_url or sqlite_conninfo(settings.chat_db_path)
    asyncio.run(ensure_schema(conninfo))
    count = asyncio.run(export_csv(conninfo, out, start))
    console.print(f"Skrev {count} rader ur granskningsloggen till {out}.")


def purge(
    days: Annotated[int | None, typer.Option(help="Ta bort det som är äldre än så många dagar (standard: KA_RETENTION_DAYS).")] = None,
) -> None:
    """Ta bort samtal, källpaneler, återkoppling och granskningsloggens rader som är äldre än lagringstiden."""
    from assistant.chat.schema import ensure_schema, sqlite_conninfo

    settings = get_settings()
    keep = settings.retention_days if days is None else days
    if keep <= 0:
        errors.print("[bold red]Fel:[/] Ingen lagringstid satt (KA_RETENTION_DAYS=0); ange --days.")
        raise typer.Exit(2)
    conninfo = settings.chat_db_url or sqlite_conninfo(settings.chat_db_path)
    asyncio.run(ensure_schema(conninfo))
    _report_purge(asyncio.run(_purge(settings, conninfo, keep)), keep)


async def _purge(settings, conninfo: str, days: int | None = None):
    from assistant.chat.audit import purge as purge_old

    return await purge_old(conninfo, settings.chat_files_dir, days or settings.retention_days)


def _report_purge(report, days: int) -> None:
    console.print(
        f"Lagringstid {days} dagar. Borttaget: samtal {report.threads}, sparade filer {report.files}, "
        f"rader i granskningsloggen {report.audit_rows}.",
        highlight=False,
    )


@widget_app.command("token")
def widget_token(
    username: Annotated[str, typer.Argument(help="Användaren widgeten loggar in som.")],
    hours: Annotated[float, typer.Option(help="Giltighetstid i timmar.")] = 8.0,
    group: Annotated[list[str] | None, typer.Option("--group", help="Åtkomstgrupp (kan anges flera gånger).")] = None,
) -> None:
    """Skriv ut en inloggningstoken för widgeten (intranätets server gör normalt detta per sidvisning)."""
    from assistant.chat.widget import widget_token as make_token

    try:
        print(make_token(get_settings(), username, hours, group or []))
    except ValueError as exc:
        errors.print(f"[bold red]Fel:[/] {exc}")
        raise typer.Exit(2)
