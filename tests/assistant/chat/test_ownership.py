"""A logged-in user probing another user's stored conversation over HTTP, as a hostile
colleague would: every probe must be refused (401/403/404, never 200 or 500) and change nothing.

The other user's conversation is written straight into the chat database and files folder the
way Chainlit's data layer stores it (thread, answer step, source-panel element, feedback), so
the probes do not depend on a browser session.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from assistant.chat.users import UserStore
from tests.assistant.chat.conftest import PASSWORD, USER, Session

OTHER, OTHER_PASSWORD = "kollega", "kollegans-lösen-2"
REFUSED = {401, 403, 404}


class StoredConversation:
    def __init__(self, user_id: str, identifier: str, files_dir: Path, db: Path):
        self.user_id, self.identifier = user_id, identifier
        self.thread, self.step, self.element, self.feedback = (str(uuid.uuid4()) for _ in range(4))
        self.object_key = f"{user_id}/{self.element}/[1]"
        path = files_dir / self.object_key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("### Hemlig källa\n\nEndast för ägaren.", encoding="utf-8")
        with sqlite3.connect(db) as conn:
            conn.execute('INSERT INTO threads ("id", "name", "userId", "userIdentifier") VALUES (?, ?, ?, ?)',
                         (self.thread, "Kollegans fråga", user_id, identifier))
            conn.execute('INSERT INTO steps ("id", "name", "type", "threadId", "output") VALUES (?, ?, ?, ?, ?)',
                         (self.step, "Kulturassistenten", "assistant_message", self.thread, "Svar [1]"))
            conn.execute('INSERT INTO elements ("id", "threadId", "type", "name", "display", "objectKey", "forId", "url") '
                         "VALUES (?, ?, 'text', '[1]', 'side', ?, ?, ?)",
                         (self.element, self.thread, self.object_key, self.step, f"/kulturassistent/files/{self.object_key}"))
            conn.execute('INSERT INTO feedbacks ("id", "forId", "threadId", "value", "comment") VALUES (?, ?, ?, 1, ?)',
                         (self.feedback, self.step, self.thread, "kollegans kommentar"))

    def count(self, db: Path, table: str, **where) -> int:
        clause = " AND ".join(f'"{k}" = ?' for k in where)
        with sqlite3.connect(db) as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {clause}", tuple(where.values())).fetchone()[0]


def _logged_in(url: str, user: str, password: str) -> tuple[Session, str]:
    session = Session(url)
    assert session.login(user, password) == 200
    status, body = session.request("GET", "/user")
    assert status == 200
    return session, json.loads(body)["id"]


@pytest.fixture(scope="module")
def probe(chat_server):
    UserStore(chat_server.data_dir / "users.json").add(OTHER, OTHER_PASSWORD)
    me, my_id = _logged_in(chat_server.url, USER, PASSWORD)
    other, other_id = _logged_in(chat_server.url, OTHER, OTHER_PASSWORD)
    db = chat_server.data_dir / "chat.sqlite"
    theirs = StoredConversation(other_id, OTHER, chat_server.data_dir / "chat-files", db)
    return me, my_id, other, theirs, db


# Every way of writing "go up one folder" that a router or a file system might undo.
TRAVERSALS = [
    "{me}/../{them}",
    "{me}/%2e%2e/{them}",
    "{me}/%2E%2E/{them}",
    "{me}/..%2f{them}",
    "{me}%2f..%2f{them}",
    "{me}/.%2e/{them}",
    "{me}/..%5c{them}",
    "{me}/%2e%2e%2f{them}",
    "%2f{them}",
    "{them}%00/../{me}",
]


@pytest.mark.parametrize("template", TRAVERSALS)
def test_file_route_never_serves_another_users_source_panel(probe, template):
    me, my_id, _, theirs, _ = probe
    prefix = template.format(me=my_id, them=theirs.user_id)
    status, body = me.request("GET", f"/kulturassistent/files/{prefix}/{theirs.element}/%5B1%5D")
    assert status == 404, (status, body[:200])
    assert b"Hemlig" not in body


def test_the_owner_still_gets_their_file_and_others_get_404(probe):
    me, _, other, theirs, _ = probe
    url = f"/kulturassistent/files/{theirs.user_id}/{theirs.element}/%5B1%5D"
    status, body = other.request("GET", url)
    assert status == 200 and b"Hemlig" in body
    assert me.request("GET", url)[0] == 404


def test_chainlit_thread_and_element_routes_refuse_another_users_thread(probe):
    me, _, _, theirs, _ = probe
    for path in (
        f"/project/thread/{theirs.thread}",
        f"/project/thread/{theirs.thread}/element/{theirs.element}",
        f"/project/thread/{theirs.thread}/element/..%2f..%2f{theirs.element}",
        f"/project/file/..%2f{theirs.element}?session_id=none",
    ):
        status, body = me.request("GET", path)
        # A path no API route matches falls through to the web app's own page (200, no data).
        assert status in REFUSED or b'<div id="root">' in body, (path, status)
        assert b"Hemlig" not in body and theirs.element.encode() not in body


def test_feedback_on_another_users_answer_is_refused_and_not_stored(probe):
    me, _, _, theirs, db = probe
    before = theirs.count(db, "feedbacks", forId=theirs.step)
    status, _ = me.json("PUT", "/feedback", {"feedback": {"forId": theirs.step, "value": 0, "comment": "intrång"}, "sessionId": "x"})
    assert status == 404
    # Overwriting their feedback by its id, pointed at a step of one's own or at theirs.
    status, _ = me.json("PUT", "/feedback", {"feedback": {"id": theirs.feedback, "forId": theirs.step, "value": 0}, "sessionId": "x"})
    assert status == 404
    status, _ = me.json("DELETE", "/feedback", {"feedbackId": theirs.feedback})
    assert status == 404
    assert theirs.count(db, "feedbacks", forId=theirs.step) == before
    assert theirs.count(db, "feedbacks", id=theirs.feedback, value=1, comment="kollegans kommentar") == 1


def test_the_owner_may_rate_their_own_answer(probe):
    _, _, other, theirs, db = probe
    status, body = other.json("PUT", "/feedback", {"feedback": {"id": theirs.feedback, "forId": theirs.step, "value": 0, "comment": "ändrad"}, "sessionId": "x"})
    assert status == 200, body
    assert theirs.count(db, "feedbacks", id=theirs.feedback, value=0) == 1


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_element_calls_with_someone_elses_session_answer_404_not_500(probe, method):
    me, _, _, theirs, db = probe
    element = {"id": theirs.element, "type": "custom", "name": "[1]", "display": "side", "threadId": theirs.thread, "forId": theirs.step}
    status, _ = me.json(method, "/project/element", {"element": element, "sessionId": str(uuid.uuid4())})
    assert status == 404
    assert theirs.count(db, "elements", id=theirs.element) == 1


def test_thread_rename_share_and_delete_of_another_users_thread_are_refused(probe):
    me, _, _, theirs, db = probe
    assert me.json("PUT", "/project/thread", {"threadId": theirs.thread, "name": "kapad"})[0] in REFUSED
    assert me.json("PUT", "/project/thread/share", {"threadId": theirs.thread, "isShared": True})[0] in REFUSED
    assert me.json("DELETE", "/project/thread", {"threadId": theirs.thread})[0] in REFUSED
    assert theirs.count(db, "threads", id=theirs.thread, name="Kollegans fråga") == 1
