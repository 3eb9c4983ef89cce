"""Element storage for chat history on local disk, served only to the user who owns it.

Chainlit's SQLAlchemy data layer persists elements (our source panels) through a storage
client and later fetches them by URL; cloud stores are overkill for one municipality's
server, so the files live under the data dir and a route checks the login before reading.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

from chainlit.data.storage_clients.base import BaseStorageClient

ROUTE_PREFIX = "/kulturassistent/files"
log = logging.getLogger(__name__)


def is_plain_key(object_key: str) -> bool:
    """Object keys are `<user id>/<element id>/<name>` as the data layer writes them. A key with
    `..`, an absolute start, a backslash or a NUL is never one of ours, however it was encoded
    on the way in (the router hands us the percent-decoded path)."""
    parts = object_key.split("/")
    return (
        bool(object_key)
        and not object_key.startswith("/")
        and "\\" not in object_key
        and "\x00" not in object_key
        and all(part not in {"", ".", ".."} for part in parts)
    )


class LocalStorageClient(BaseStorageClient):
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, object_key: str, owner: str | None = None) -> Path | None:
        """The file for a key, or None when the key is not a plain key or its resolved path lies
        outside the files folder (or, given an owner, outside that owner's own folder)."""
        if not is_plain_key(object_key):
            return None
        base = self.root / owner if owner else self.root
        path = (self.root / object_key).resolve()
        return path if path.is_relative_to(base.resolve()) else None

    async def upload_file(
        self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
        overwrite: bool = True, content_disposition: str | None = None,
    ) -> dict[str, Any]:
        object_key = _owned_key(object_key)
        path = self.path_for(object_key)
        if path is None:
            return {}
        if path.exists() and not overwrite:
            return {"object_key": object_key, "url": await self.get_read_url(object_key)}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return {"object_key": object_key, "url": await self.get_read_url(object_key)}

    async def delete_file(self, object_key: str) -> bool:
        path = self.path_for(object_key)
        if path and path.exists():
            path.unlink()
            return True
        return False

    async def get_read_url(self, object_key: str) -> str:
        return f"{ROUTE_PREFIX}/{object_key}"

    async def close(self) -> None:
        return None


def _owned_key(object_key: str) -> str:
    """The data layer prefixes a key with the thread owner's id, or with "unknown" when the thread
    row is not written yet (the first answer of a conversation, its elements racing the thread
    insert). Such a file would then be served to nobody, so it goes under the id of the session's
    user, who is the thread's owner; the data layer stores the key we return."""
    owner, _, rest = object_key.partition("/")
    if owner != "unknown" or not rest:
        return object_key
    try:
        from chainlit.context import context

        user_id = getattr(context.session.user, "id", None)
    except Exception:  # no session in this context (a script, a test): keep the key
        return object_key
    return f"{user_id}/{rest}" if isinstance(user_id, str) and is_plain_key(user_id) else object_key


def register_file_route(app, storage: LocalStorageClient, owner_id_of) -> None:
    """Serve stored elements to their owner only. `owner_id_of(identifier)` resolves a login
    name to the data layer's user id, which prefixes every object key."""
    from chainlit.auth import get_current_user
    from fastapi import Depends, HTTPException
    from fastapi.responses import FileResponse
    from fastapi.routing import APIRoute

    async def read_file(object_key: str, user=Depends(get_current_user)):
        if user is None:
            raise HTTPException(status_code=401, detail="Inloggning krävs")
        owner = await owner_id_of(user.identifier)
        # Ownership is decided on the resolved path, never on the raw key's prefix.
        path = storage.path_for(object_key, owner) if owner and is_plain_key(owner) else None
        if path is None:
            log.warning("refused file key %r for user %r", object_key, user.identifier)
        if path is None or not path.is_file():
            raise HTTPException(status_code=404, detail="Finns inte")
        return FileResponse(path, media_type=mimetypes.guess_type(path.name)[0] or "text/plain")

    # Chainlit ends its routes with a catch-all for the web app; ours must be matched first.
    app.router.routes.insert(0, APIRoute(f"{ROUTE_PREFIX}/{{object_key:path}}", read_file, methods=["GET"]))
