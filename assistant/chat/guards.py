"""Ownership checks Chainlit 2.12 leaves to the app, put in front of its own routes.

- `PUT /feedback` stores feedback for any message id it is given, and `DELETE /feedback`
  deletes any feedback id; `feedback export` turns stored feedback into gold questions, so a
  user must only ever rate their own answers.
- `PUT` / `DELETE /project/element` look the websocket session up by the id in the body and
  fail with a 500 when it is not one of the caller's.

Each guard answers 404 (nothing to see for you here, whether it exists or not) and changes
nothing, and otherwise hands the request to Chainlit's own handler unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from chainlit import server as chainlit_server
from chainlit.auth import get_current_user
from chainlit.types import DeleteFeedbackRequest, ElementRequest, UpdateFeedbackRequest
from fastapi import Depends, HTTPException, Request
from fastapi.routing import APIRoute

log = logging.getLogger(__name__)
NOT_FOUND = HTTPException(status_code=404, detail="Finns inte")


async def _thread_author_of_step(data_layer, step_id: str) -> tuple[str | None, str | None]:
    """(thread id, author identifier) of a stored step, or (None, None)."""
    rows = await data_layer.execute_sql(
        query='SELECT s."threadId" AS thread_id, t."userIdentifier" AS author FROM steps s '
        'JOIN threads t ON t."id" = s."threadId" WHERE s."id" = :step_id',
        parameters={"step_id": step_id},
    )
    if isinstance(rows, list) and rows:
        return rows[0].get("thread_id"), rows[0].get("author")
    return None, None


async def _step_of_feedback(data_layer, feedback_id: str) -> str | None:
    rows = await data_layer.execute_sql(
        query='SELECT "forId" AS for_id FROM feedbacks WHERE "id" = :feedback_id',
        parameters={"feedback_id": feedback_id},
    )
    return rows[0].get("for_id") if isinstance(rows, list) and rows else None


async def _require_own_step(data_layer, step_id: str, user, thread_id: str | None = None) -> None:
    step_thread, author = await _thread_author_of_step(data_layer, step_id)
    if author is None or author != user.identifier or (thread_id and thread_id != step_thread):
        log.warning("refused feedback on step %r by %r", step_id, user.identifier)
        raise NOT_FOUND


def _require_own_session(session_id: str, user) -> None:
    from chainlit.session import WebsocketSession

    session = WebsocketSession.get_by_id(session_id)
    if session is None or session.user is None or session.user.identifier != user.identifier:
        log.warning("refused element change in session %r by %r", session_id, user.identifier)
        raise NOT_FOUND


def _require_login(user) -> None:
    if user is None:
        raise HTTPException(status_code=401, detail="Inloggning krävs")


def register_ownership_guards(app, data_layer: Callable) -> None:
    """`data_layer()` returns the app's data layer (created lazily, as Chainlit does)."""

    async def update_feedback(request: Request, update: UpdateFeedbackRequest, user=Depends(get_current_user)):
        _require_login(user)
        await _require_own_step(data_layer(), update.feedback.forId, user, update.feedback.threadId)
        if update.feedback.id:  # rewriting an existing feedback: it must be on one's own step too
            existing_step = await _step_of_feedback(data_layer(), update.feedback.id)
            if existing_step is not None and existing_step != update.feedback.forId:
                raise NOT_FOUND
        return await chainlit_server.update_feedback(request, update, user)

    async def delete_feedback(request: Request, payload: DeleteFeedbackRequest, user=Depends(get_current_user)):
        _require_login(user)
        step_id = await _step_of_feedback(data_layer(), payload.feedbackId)
        if step_id is None:
            raise NOT_FOUND
        await _require_own_step(data_layer(), step_id, user)
        return await chainlit_server.delete_feedback(request, payload, user)

    async def update_element(payload: ElementRequest, user=Depends(get_current_user)):
        _require_login(user)
        _require_own_session(payload.sessionId, user)
        return await chainlit_server.update_thread_element(payload, user)

    async def delete_element(payload: ElementRequest, user=Depends(get_current_user)):
        _require_login(user)
        _require_own_session(payload.sessionId, user)
        return await chainlit_server.delete_thread_element(payload, user)

    guarded = [
        ("/feedback", update_feedback, "PUT"),
        ("/feedback", delete_feedback, "DELETE"),
        ("/project/element", update_element, "PUT"),
        ("/project/element", delete_element, "DELETE"),
    ]
    # Chainlit's router matches in order; ours go first so theirs only see checked requests.
    for path, endpoint, method in reversed(guarded):
        app.router.routes.insert(0, APIRoute(path, endpoint, methods=[method]))
