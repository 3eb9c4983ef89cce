"""The chat as a widget on the intranet: Chainlit's copilot (`/copilot/index.js`,
`mountChainlitWidget`) mounted on another site's page.

Login rules stay those of the chat: the widget opens a session only with an access token, a JWT
signed (HS256) with the chat's secret (`CHAINLIT_AUTH_SECRET`, or the one generated into the data
dir), naming the user. The intranet's own backend, which already knows who is signed in, issues it
per page view; `kulturassistent widget token NAME` issues one by hand (for trials and tests). The
host page's origin must be listed in `KA_WIDGET_ORIGINS`, or the browser refuses the widget's calls.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from assistant.chat.users import auth_secret


def widget_token(settings, identifier: str, hours: float = 8.0, groups: list[str] | None = None) -> str:
    """A token the copilot widget signs in with, valid for `hours`; `groups` are the user's
    document access groups (none: public documents only)."""
    if not identifier.strip():
        raise ValueError("Användarnamnet får inte vara tomt.")
    metadata = {"provider": "widget", "groups": sorted({g.strip() for g in groups or [] if g.strip()})}
    payload = {
        "identifier": identifier.strip(), "display_name": None, "metadata": metadata,
        "exp": datetime.now(timezone.utc) + timedelta(hours=hours),
    }
    return jwt.encode(payload, auth_secret(settings), algorithm="HS256")


def toml_origins(origins: list[str]) -> str:
    """`allow_origins = [...]` for Chainlit's config.toml."""
    quoted = ", ".join('"' + o.replace("\\", "").replace('"', "") + '"' for o in origins)
    return f"allow_origins = [{quoted}]"
