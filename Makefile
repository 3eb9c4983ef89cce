# Two commands do all set-up on a fresh machine:
#   make run   - install from the lock, index the shared corpus and corpus/, then open the chat UI
#   make test  - install from the lock (with Chromium and tesseract) and run the whole test suite
# `make lock` re-resolves pyproject.toml into requirements.lock (keeping existing pins where they
# still fit); `make upgrade` moves every pin to the newest release that fits the ranges.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
QUESTION ?= Vem beslutar om statsbidraget till regionen?
UV_VERSION := 0.13.9
# torch is kept out of the lock: its CPU build comes from pip's find-links where this machine has
# one (read from pip's own configuration), otherwise from the PyTorch CPU index. Never PyPI's
# default torch, which is a multi-GB CUDA build.
TORCH := torch==2.13.0+cpu
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_FIND_LINKS ?= $(shell $(PY) -m pip config get global.find-links 2>/dev/null)
TORCH_SOURCE := $(if $(TORCH_FIND_LINKS),--find-links $(TORCH_FIND_LINKS),--index $(TORCH_CPU_INDEX) --index-strategy unsafe-best-match)
LOCK_FLAGS := --extra dev --extra postgres --python-version 3.11 --no-emit-package torch --generate-hashes

.PHONY: setup run ask chromium tesseract postgres test bench report lock upgrade lock-check clean

$(BIN)/uv:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q uv==$(UV_VERSION)

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/uv
	$(PY) .ci/lockcheck.py check
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps $(TORCH_SOURCE) "$(TORCH)"
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(VENV)/.installed

lock: | $(BIN)/uv
	$(BIN)/uv pip compile -q pyproject.toml $(LOCK_FLAGS) $(TORCH_SOURCE) -o requirements.lock
	$(PY) .ci/lockcheck.py stamp

upgrade: | $(BIN)/uv
	$(BIN)/uv pip compile -q --upgrade pyproject.toml $(LOCK_FLAGS) $(TORCH_SOURCE) -o requirements.lock
	$(PY) .ci/lockcheck.py stamp

lock-check:
	$(PY) .ci/lockcheck.py check

run: setup
	$(BIN)/kulturassistent ingest $(CORPUS) corpus
	$(BIN)/kulturassistent status
	$(BIN)/kulturassistent chat

ask: setup
	$(BIN)/kulturassistent ask "$(QUESTION)"

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Opt-in OCR (KA_OCR) runs Debian's tesseract with its Swedish data; the OCR tests need both.
tesseract:
	@command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx swe || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-swe; }

# The deployment and chat-database tests start a throwaway PostgreSQL from Debian's package.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

test: setup chromium tesseract postgres
	$(BIN)/python -m pytest -ra

bench: setup
	$(BIN)/python -m evals.bench_ingest $(CORPUS)
	$(BIN)/python -m evals.bench_ask --corpus $(CORPUS)

report: setup
	$(BIN)/kulturassistent eval report

clean:
	rm -rf data test-artifacts
