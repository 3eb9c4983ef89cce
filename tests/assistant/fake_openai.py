"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions wire protocol.

Tests drive the production client stack (llama-index OpenAILike -> openai -> httpx) against
it, so timeouts, SSE parsing and HTTP errors are exercised for real instead of mocked.
Scripting: `reply()` sets the answer (text or a function of the request's messages),
`token_delay()` slows streaming, `fail()` selects an error mode. Every request body is
recorded in `requests` so tests can assert on the prompt.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Reply = str | Callable[[list[dict[str, Any]]], str]
FailMode = Literal["http500", "hang", "malformed"]


def split_tokens(text: str) -> list[str]:
    """Word-sized pieces with their trailing whitespace, so the pieces concatenate back exactly."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


class FakeOpenAIServer:
    def __init__(self, model: str = "fake-model") -> None:
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._reply: Reply = "OK"
        self._token_delay = 0.0
        self._fail: FailMode | None = None
        self._hang_s = 10.0
        self._fail_after_tokens = 0
        # Set on stop so a handler parked in a "hang" returns at once instead of holding a thread.
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FakeOpenAIServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- scripting ---------------------------------------------------------------------------
    def reply(self, text_or_fn: Reply) -> None:
        self._reply = text_or_fn

    def token_delay(self, seconds: float) -> None:
        self._token_delay = seconds

    def fail(self, mode: FailMode | None, hang_s: float = 10.0, after_tokens: int = 0) -> None:
        """`hang` waits `hang_s` seconds; with `after_tokens` > 0 a stream stalls after that many
        tokens (headers and first deltas already sent), which is the harder case for a client."""
        self._fail, self._hang_s, self._fail_after_tokens = mode, hang_s, after_tokens

    def reset(self) -> None:
        self.requests.clear()
        self.headers.clear()
        self._reply, self._token_delay, self._fail = "OK", 0.0, None

    @property
    def last_messages(self) -> list[dict[str, Any]]:
        return self.requests[-1]["messages"]

    # -- responses ---------------------------------------------------------------------------
    def text_for(self, body: dict[str, Any]) -> str:
        return self._reply(body.get("messages", [])) if callable(self._reply) else self._reply

    def completion(self, text: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": len(split_tokens(text)), "total_tokens": 10 + len(split_tokens(text))},
        }

    def chunk(self, delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }


def _handler_for(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 with chunked streaming, as real servers do, so the client's SSE path is realistic.
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                return self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            model = {"id": server.model, "object": "model", "created": 0, "owned_by": "fake"}
            self._json(200, {"object": "list", "data": [model]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                return self._json(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
            server.requests.append(body)
            server.headers.append(dict(self.headers.items()))
            mode = server._fail
            if mode == "http500":
                return self._json(500, {"error": {"message": "boom", "type": "server_error"}})
            if mode == "hang" and server._fail_after_tokens == 0:
                server._stopping.wait(server._hang_s)
                if server._stopping.is_set():
                    return
            text = server.text_for(body)
            if body.get("stream"):
                return self._stream(text, mode)
            if mode == "malformed":
                return self._raw(200, b'{"id": "chatcmpl-fake", "choices": [', "application/json")
            self._json(200, server.completion(text))

        def _stream(self, text: str, mode: FailMode | None) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._event(server.chunk({"role": "assistant", "content": ""}, None))
            if mode == "malformed":
                self._write_chunk(b"data: {not json\n\n")
            for i, token in enumerate(split_tokens(text)):
                if mode == "hang" and i == server._fail_after_tokens:
                    server._stopping.wait(server._hang_s)
                    if server._stopping.is_set():
                        return
                if server._token_delay:
                    time.sleep(server._token_delay)
                self._event(server.chunk({"content": token}, None))
            self._event(server.chunk({}, "stop"))
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")  # the zero-length chunk ends the chunked body

        def _event(self, payload: dict[str, Any]) -> None:
            self._write_chunk(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())

        def _write_chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._raw(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

        def _raw(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
