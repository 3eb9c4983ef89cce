"""Generators for hostile input files, made on the fly in a test's tmp folder."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx

WORDS = (
    "kultur region kommun samverkan kulturplan bidrag beslut nämnd verksamhet scenkonst bibliotek "
    "museum dialog uppföljning statsbidrag konst musik dans teater arkiv hemslöjd film"
).split()


def swedish_text(size: int, seed: int = 1) -> str:
    """Paragraphs of Swedish-looking sentences, about `size` characters."""
    rnd = random.Random(seed)
    parts, total = [], 0
    while total < size:
        paragraph = " ".join(" ".join(rnd.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(5))
        parts.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(parts) + "\n"


def write_big_text(path: Path, megabytes: int) -> Path:
    block = swedish_text(1_000_000).encode()
    with path.open("wb") as handle:
        for _ in range(megabytes):
            handle.write(block)
    return path


def _docx_with_body(path: Path, write_body) -> Path:
    """A real python-docx package whose word/document.xml is streamed by `write_body(stream)`."""
    template = io.BytesIO()
    docx.Document().save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == "word/document.xml":
                with target.open("word/document.xml", "w", force_zip64=True) as stream:
                    write_body(stream)
            else:
                target.writestr(item, source.read(item))
    return path


_BODY_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_BODY_END = b"</w:body></w:document>"


def write_many_paragraphs_docx(path: Path, paragraphs: int = 3_000_000) -> Path:
    def body(stream):
        stream.write(_BODY_START)
        run = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 10_000
        for _ in range(paragraphs // 10_000):
            stream.write(run)
        stream.write(_BODY_END)

    return _docx_with_body(path, body)


def write_zip_bomb_docx(path: Path, gib: float = 1.0) -> Path:
    def body(stream):
        stream.write(_BODY_START + b"<w:p><w:r><w:t>")
        block = b" " * (1 << 20)
        for _ in range(int(gib * 1024)):
            stream.write(block)
        stream.write(b"</w:t></w:r></w:p>" + _BODY_END)

    return _docx_with_body(path, body)


def write_deep_html(path: Path, depth: int = 50_000, marker: str = "Djupnästladkulturtext") -> Path:
    text = f"<p>{marker}: regionen ansvarar för kulturplanen och dialogen med kommunerna.</p>"
    path.write_text(
        "<html><head><title>Djup sida</title></head><body>" + "<div>" * depth + text + "</div>" * depth
        + "<p>Sidans sista stycke om samverkan.</p></body></html>",
        encoding="utf-8",
    )
    return path


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code, file=sys.stderr)\n"
)


def run_measured(command: list[str], env: dict[str, str], timeout: float) -> tuple[subprocess.CompletedProcess, int, int, float]:
    """Run `command` under a wrapper: (result, peak RSS of any one process in KiB (getrusage),
    peak of the summed RSS of all its processes in KiB (sampled every 50 ms), wall seconds)."""
    started = time.perf_counter()
    wrapper = subprocess.Popen(
        [sys.executable, "-c", _MEASURE, *command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    peak_sum = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_sum
        while not done.is_set():
            peak_sum = max(peak_sum, sum(_rss_kb(pid) for pid in _descendants(wrapper.pid)))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = wrapper.communicate(timeout=timeout)
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    max_rss_kb, returncode = (int(v) for v in stderr.strip().splitlines()[-1].split())
    result = subprocess.CompletedProcess(command, returncode, stdout, stderr)
    return result, max_rss_kb, peak_sum, wall
