"""Keeps requirements.lock honest about the pyproject.toml it was compiled from.

`make lock` compiles the lock and then runs `lockcheck.py stamp`, which records a hash of the
dependency lists (requires-python, dependencies, optional-dependencies, uv's overrides) in the
lock's header.
`lockcheck.py check` (in .ci/run and in the tests) recomputes it: a pyproject.toml edited without
re-locking fails at once, without re-resolving (a fresh resolution changes whenever PyPI moves).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP_PREFIX = "# pyproject-dependencies-sha256: "


def dependency_hash(pyproject: Path) -> str:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    wanted = {
        "overrides": sorted(data.get("tool", {}).get("uv", {}).get("override-dependencies", [])),
        "requires-python": project.get("requires-python"),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {
            extra: sorted(deps) for extra, deps in sorted(project.get("optional-dependencies", {}).items())
        },
    }
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()


def recorded_hash(lock: Path) -> str | None:
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(STAMP_PREFIX):
            return line[len(STAMP_PREFIX):].strip()
    return None


def stamp(pyproject: Path, lock: Path) -> None:
    lines = [l for l in lock.read_text(encoding="utf-8").splitlines() if not l.startswith(STAMP_PREFIX)]
    lines.insert(0, STAMP_PREFIX + dependency_hash(pyproject))
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(pyproject: Path, lock: Path) -> str | None:
    """None when the lock matches, else the reason in one sentence."""
    if not lock.exists():
        return f"{lock.name} is missing: run `make lock`."
    recorded = recorded_hash(lock)
    if recorded is None:
        return f"{lock.name} has no dependency stamp: run `make lock`."
    if recorded != dependency_hash(pyproject):
        return f"{lock.name} is out of date with {pyproject.name}: run `make lock` and commit both."
    return None


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in {"stamp", "check"}:
        print("usage: lockcheck.py stamp|check [PYPROJECT LOCK]", file=sys.stderr)
        return 2
    pyproject = Path(argv[1]) if len(argv) > 1 else ROOT / "pyproject.toml"
    lock = Path(argv[2]) if len(argv) > 2 else ROOT / "requirements.lock"
    if argv[0] == "stamp":
        stamp(pyproject, lock)
        return 0
    problem = check(pyproject, lock)
    if problem:
        print(f"lock check failed: {problem}", file=sys.stderr)
        return 1
    print(f"lock check: {lock.name} matches {pyproject.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
