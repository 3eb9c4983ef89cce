"""Fixtures for the assistant tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_openai import FakeOpenAIServer  # tests/assistant is on sys.path (rootdir-relative imports)


@pytest.fixture
def fake_llm_server() -> Iterator[FakeOpenAIServer]:
    """A fresh OpenAI-compatible server per test, so scripted replies and errors never leak."""
    server = FakeOpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()
