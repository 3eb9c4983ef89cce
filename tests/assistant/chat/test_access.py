"""With login enabled nothing is reachable without it: API, elements, files, websocket."""

from __future__ import annotations

import re
import signal
import urllib.error
from pathlib import Path
import urllib.request

import pytest

from tests.assistant.chat.conftest import Session


def _status(url: str, method: str = "GET", data: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method, data=data), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def test_api_elements_and_files_refuse_anonymous_requests(chat_server):
    base = chat_server.url
    assert _status(f"{base}/user") == 401
    assert _status(f"{base}/project/threads", "POST", b'{"pagination": {"first": 5}, "filter": {}}') == 401
    assert _status(f"{base}/project/thread/t1/element/e1") == 401
    assert _status(f"{base}/kulturassistent/files/someone/e1/%5B1%5D") == 401
    assert _status(f"{base}/project/file/f1?session_id=s1") == 401


def test_wrong_password_is_refused_and_right_one_accepted(chat_server):
    assert Session(chat_server.url).login(password="fel-lösenord") == 401
    session = Session(chat_server.url)
    assert session.login() == 200
    status, body = session.request("GET", "/user")
    assert status == 200 and b"testare" in body


def test_websocket_refuses_a_connection_without_login(chat_server):
    """Socket.IO over HTTP long-polling, as a browser without a login cookie would try it."""
    base = f"{chat_server.url}/ws/socket.io/?EIO=4&transport=polling"
    with urllib.request.urlopen(base, timeout=10) as response:
        sid = re.search(r'"sid":"([^"]+)"', response.read().decode()).group(1)
    connect = urllib.request.Request(f"{base}&sid={sid}", data=b'40{"sessionId":"x","clientType":"webapp"}', method="POST")
    urllib.request.urlopen(connect, timeout=10).read()
    with urllib.request.urlopen(f"{base}&sid={sid}", timeout=10) as response:
        reply = response.read().decode()
    assert reply.startswith("44"), reply  # a CONNECT_ERROR packet: the server refused the session


def test_header_login_behind_an_sso_proxy(full_corpus_index, tmp_path):
    """KA_CHAT_AUTH=header: the proxy's user header logs in; without it nothing is reachable."""
    from tests.assistant.chat.conftest import ChatServer

    settings, _, _ = full_corpus_index
    server = ChatServer(
        settings.data_dir, tmp_path / "header.log",
        {"KA_CHAT_AUTH": "header", "KA_CHAT_AUTH_HEADER": "X-Remote-User", "KA_CHAT_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'chat.sqlite'}"},
    )
    server.start()
    try:
        assert _status(f"{server.url}/user") == 401
        anonymous = Session(server.url)
        assert anonymous.request("POST", "/auth/header")[0] == 401
        proxied = Session(server.url)
        status, _ = proxied.request("POST", "/auth/header", b"", {"X-Remote-User": "kommun.anna"})
        assert status == 200
        status, body = proxied.request("GET", "/user")
        assert status == 200 and b"kommun.anna" in body
    finally:
        server.stop()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_whole_chat_and_frees_its_port(full_corpus_index, tmp_path, sig):
    """`kulturassistent chat` is the server process itself: a signal to it leaves no child behind."""
    from tests.assistant.chat.conftest import ChatServer

    settings, _, _ = full_corpus_index
    server = ChatServer(settings.data_dir, tmp_path / "signal.log",
                        {"KA_CHAT_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'chat.sqlite'}"})
    server.start()
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    server.stop(sig)  # asserts the port is free afterwards
    assert server.process.returncode is not None
    assert not [c for c in children if Path(f"/proc/{c}").exists()], "a child of the chat outlived it"
