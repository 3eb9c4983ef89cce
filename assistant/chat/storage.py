"""Element storage for chat history on local disk, served only to the user who owns it.

Chainlit's SQLAlchemy data layer persists elements (our source panels) through a storage
client and later fetches them by URL; cloud stores are overkill for one municipality's
server, so the files live under the data dir and a route checks the login before reading.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from chainlit.data.storage_clients.base import BaseStorageClient

ROUTE_PREFIX = "/kulturassistent/files"


class LocalStorageClient(BaseStorageClient):
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, object_key: str) -> Path | None:
        path = (self.root / object_key).resolve()
        return path if path.is_relative_to(self.root) else None  # no ../ escapes

    async def upload_file(
        self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
        overwrite: bool = True, content_disposition: str | None = None,
    ) -> dict[str, Any]:
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
        path = storage.path_for(object_key)
        if not owner or not object_key.startswith(f"{owner}/") or path is None or not path.exists():
            raise HTTPException(status_code=404, detail="Finns inte")
        return FileResponse(path, media_type=mimetypes.guess_type(path.name)[0] or "text/plain")

    # Chainlit ends its routes with a catch-all for the web app; ours must be matched first.
    app.router.routes.insert(0, APIRoute(f"{ROUTE_PREFIX}/{{object_key:path}}", read_file, methods=["GET"]))
