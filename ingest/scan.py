"""Which files under a folder are candidates for indexing, and why every other path is not.

Nothing is passed over silently: symbolic-link loops, dangling links, folders named like
documents, pipes and other special files, unreadable folders each get a skipped `FileReport`
with the reason (only hidden paths such as `.git` are left out without a word).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

from assistant.schema import FileOutcome, FileReport
from ingest.access import ACCESS_FILE
from ingest.loaders import SUPPORTED_SUFFIXES

# Listings and notes that describe a folder rather than being a document in it.
IGNORED_NAMES = ("README*", "SOURCES.md", "LICENSE*", ".*", "~$*")
_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "en namngiven pipe (FIFO)"), (stat.S_ISSOCK, "en socket"),
    (stat.S_ISCHR, "en teckenenhet"), (stat.S_ISBLK, "en blockenhet"),
)


def _skipped(path: Path, reason: str) -> FileReport:
    return FileReport(path=str(path), outcome=FileOutcome.skipped, reason=reason)


def _classify_file(path: Path) -> Path | FileReport:
    if path.name == ACCESS_FILE:
        return _skipped(path, "åtkomstfil: anger vilka grupper som får se dokumenten i mappen")
    if any(fnmatch(path.name, pattern) for pattern in IGNORED_NAMES):
        return _skipped(path, "förteckning eller hjälpfil, inget dokument")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return _skipped(path, f"filtypen {path.suffix or '(utan ändelse)'} stöds inte")
    return path


def _unreachable(path: Path, error: OSError) -> FileReport:
    if error.errno == errno.ELOOP:
        return _skipped(path, "symbolisk länk i en slinga (länken pekar till slut på sig själv) – hoppades över")
    if error.errno == errno.ENOENT and path.is_symlink():
        return _skipped(path, f"symbolisk länk till något som inte finns ({os.readlink(path)})")
    if error.errno == errno.EACCES:
        return _skipped(path, "sökvägen saknar läsbehörighet")
    return _skipped(path, f"sökvägen kan inte läsas ({error.strerror})")


def _walk(root: Path) -> Iterator[Path | FileReport]:
    """Depth-first over `root`, following directory links once each, reporting what it skips."""
    root_stat = root.stat()
    visited: dict[tuple[int, int], Path] = {(root_stat.st_dev, root_stat.st_ino): root}
    stack: list[tuple[Path, tuple[tuple[int, int], ...]]] = [(root, ((root_stat.st_dev, root_stat.st_ino),))]
    while stack:
        folder, ancestors = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield _unreachable(folder, exc)
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue  # hidden files and folders such as .git are not part of the corpus
            try:
                info = path.stat()  # follows links; a loop raises ELOOP
            except OSError as exc:
                yield _unreachable(path, exc)
                continue
            if stat.S_ISDIR(info.st_mode):
                key = (info.st_dev, info.st_ino)
                if key in ancestors:
                    yield _skipped(path, f"symbolisk länk i en slinga: mappen pekar tillbaka på {visited[key]} – hoppades över")
                    continue
                if key in visited:
                    yield _skipped(path, f"samma mapp som {visited[key]} (via en symbolisk länk); läses bara en gång")
                    continue
                visited[key] = path
                if path.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield _skipped(path, f"en mapp, inte en fil, fast namnet slutar på {path.suffix}; filerna i den läses ändå")
                stack.append((path, (*ancestors, key)))
            elif stat.S_ISREG(info.st_mode):
                yield _classify_file(path)
            else:
                kind = next((name for test, name in _SPECIAL_KINDS if test(info.st_mode)), "ingen vanlig fil")
                yield _skipped(path, f"är {kind}, inte en vanlig fil – läses inte")


def scan_folder(root: Path) -> Iterator[Path | FileReport]:
    """Yield supported files, and a skipped `FileReport` for everything else, sorted by path."""
    if root.is_file():
        yield _classify_file(root)
        return
    yield from sorted(_walk(root), key=lambda item: str(item.path if isinstance(item, FileReport) else item))
