"""Fixtures for the assistant tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.assistant.fake_openai import FakeOpenAIServer


@pytest.fixture
def fake_llm_server() -> Iterator[FakeOpenAIServer]:
    """A fresh OpenAI-compatible server per test, so scripted replies and errors never leak."""
    server = FakeOpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()
