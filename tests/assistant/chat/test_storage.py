"""Stored source panels: a key the data layer could not give an owner ("unknown/…", when an
element is written before its thread row) is filed under the session user's id, so the file route,
which serves a user only their own folder, still serves it to them."""

from __future__ import annotations

import asyncio
import uuid

from chainlit.context import ChainlitContext, context_var
from chainlit.session import HTTPSession
from chainlit.user import PersistedUser

from assistant.chat.storage import LocalStorageClient


def _in_session(user_id: str) -> None:
    user = PersistedUser(id=user_id, identifier="anna", createdAt="2026-12-03T08:00:00Z")
    context_var.set(ChainlitContext(HTTPSession(id=str(uuid.uuid4()), client_type="webapp", thread_id="t1", user=user)))


def test_an_unowned_key_is_filed_under_the_session_user(tmp_path):
    storage = LocalStorageClient(tmp_path)

    async def go():
        _in_session("user-1")
        return await storage.upload_file("unknown/element-1/[1]", "källa")

    stored = asyncio.run(go())
    assert stored["object_key"] == "user-1/element-1/[1]"
    assert (tmp_path / "user-1" / "element-1" / "[1]").read_text(encoding="utf-8") == "källa"
    assert storage.path_for(stored["object_key"], owner="user-1") is not None


def test_owned_keys_and_keys_outside_a_session_are_kept(tmp_path):
    storage = LocalStorageClient(tmp_path)

    async def owned():
        _in_session("user-1")
        return await storage.upload_file("user-2/element-2/[1]", "x")

    assert asyncio.run(owned())["object_key"] == "user-2/element-2/[1]"  # the data layer knew the owner
    assert asyncio.run(storage.upload_file("unknown/element-3/[1]", "x"))["object_key"] == "unknown/element-3/[1]"
