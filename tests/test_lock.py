"""requirements.lock must match pyproject.toml's dependency lists (`make lock` re-stamps it)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

CHECK = [sys.executable, str(REPO / ".ci" / "lockcheck.py"), "check"]


def _check(pyproject, lock) -> subprocess.CompletedProcess:
    return subprocess.run([*CHECK, str(pyproject), str(lock)], capture_output=True, text=True, timeout=30)


def test_committed_lock_matches_pyproject():
    result = _check(REPO / "pyproject.toml", REPO / "requirements.lock")
    assert result.returncode == 0, result.stderr


def test_a_dependency_edit_without_relocking_fails(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"rich>=13,<16",', '"rich>=13,<16",\n    "requests>=2",'), encoding="utf-8")
    assert pyproject.read_text(encoding="utf-8") != text
    result = _check(pyproject, REPO / "requirements.lock")
    assert result.returncode == 1 and "make lock" in result.stderr


def test_edits_outside_the_dependency_lists_keep_the_lock_valid(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text.replace('version = "0.1.0"', 'version = "0.1.1"'), encoding="utf-8")
    assert _check(pyproject, REPO / "requirements.lock").returncode == 0


def test_torch_and_machine_paths_stay_out_of_the_lock():
    """torch's CPU build is installed separately; a local find-links path must never be recorded."""
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pins = {line.split("==")[0] for line in lock.splitlines() if line and line[0].isalnum()}
    assert "torch" not in pins and not any(p.startswith("nvidia-") for p in pins)
    assert "/opt/" not in lock and "file:" not in lock and "--find-links" not in lock
