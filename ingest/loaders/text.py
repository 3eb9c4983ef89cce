"""Plain text files, plus the byte-decoding and line rules the other loaders share."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.loaders.base import LoadedFile, LoadError
from ingest.loaders.limits import Limits, check_text_length

# Lines the splitter must see at the start of a block to recognise statute paragraphs
# ('8 §', '9 a §'), chapters ('2 kap.') and agenda items ('§ 121', 'KFN § 121', 'Punkt 3').
# Kept in step with ingest/blocks.py by hand: importing it here would be circular.
STRUCTURE_START = re.compile(
    r"^(?:\d{1,3}(?:\s?[a-z])?\s?§|\d{1,2}\s?kap\.?(?:\s|$)|(?:[A-ZÅÄÖ]{2,8}\s+)?§\s?\d|(?:Punkt|Ärende|Paragraf)\s+\d)",
    re.I,
)
# '-', '•', '*', '–' and the Symbol-font bullet some PDF producers emit; numbers as '1.' or '1)'.
_BULLET = re.compile(r"^\s*[-•*–▪●·\uf0b7]\s+(?P<rest>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<num>\d{1,2})[.)]\s+(?P<rest>\S.*)$")
NOT_UTF8 = "filen är inte giltig UTF-8-text"


def decode_bytes(path: Path, data: bytes) -> str:
    """Decode text bytes as UTF-8, raising LoadError with a reason the user can act on."""
    if not data.strip():
        raise LoadError(path, "filen är tom")
    # Notepad's "Unicode" is UTF-16 with a BOM; its NUL bytes would otherwise look binary.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(path, "filen är inte giltig UTF-16-text") from exc
    elif b"\x00" in data:
        raise LoadError(path, "binär fil, inte text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoadError(path, NOT_UTF8) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError(path, "filen är tom")
    return text


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise LoadError(path, "filen finns inte") from exc
    except PermissionError as exc:
        raise LoadError(path, "filen saknar läsbehörighet") from exc
    except IsADirectoryError as exc:
        raise LoadError(path, "sökvägen är en mapp, inte en fil") from exc
    except OSError as exc:
        raise LoadError(path, "filen kunde inte läsas från disken") from exc


def read_text(path: Path, limits: Limits | None = None) -> str:
    text = decode_bytes(path, read_bytes(path))
    # Checked before the text is structured: a 50 MB text must cost one decode, not a split.
    check_text_length(path, text, limits or Limits())
    return text


def as_list_item(line: str) -> str | None:
    """The line as a normalised Markdown list item, or None if it is not one."""
    if STRUCTURE_START.match(line.strip()):
        return None  # '1 §' is a statute paragraph, not a list
    if match := _BULLET.match(line):
        return f"- {match.group('rest').strip()}"
    if match := _NUMBERED.match(line):
        return f"{match.group('num')}. {match.group('rest').strip()}"
    return None


def _is_heading_candidate(lines: list[str]) -> bool:
    if len(lines) != 1:
        return False
    line = lines[0].strip()
    return (
        len(line) < 80
        and not line.endswith((".", ",", ";", ":"))
        and (line[:1].isupper() or line[:1].isdigit())
        and len(re.findall(r"[^\W\d_]", line)) >= 2  # a lone date or amount is no heading
        and not STRUCTURE_START.match(line)
        and as_list_item(line) is None
    )


def load_text(path: Path, limits: Limits | None = None) -> LoadedFile:
    raw = read_text(path, limits)
    paragraphs = [
        [line.rstrip() for line in chunk.split("\n") if line.strip()]
        for chunk in re.split(r"\n\s*\n", raw)
    ]
    paragraphs = [lines for lines in paragraphs if lines]
    blocks: list[str] = []
    for index, lines in enumerate(paragraphs):
        # A lone short line introducing more text reads as a heading in plain-text documents.
        if index + 1 < len(paragraphs) and _is_heading_candidate(lines):
            blocks.append(f"## {lines[0].strip()}")
            continue
        current: list[str] = []
        for line in lines:
            item = as_list_item(line)
            if item is not None:
                current.append(item)
            elif line[:1].isspace() and current and as_list_item(current[-1]) is not None:
                current[-1] += f" {line.strip()}"  # an indented line wraps the item above
            elif STRUCTURE_START.match(line.strip()):
                # The splitter recognises '8 §' and '§ 121' only at the start of a block.
                if current:
                    blocks.append("\n".join(current))
                current = [line.strip()]
            else:
                current.append(line.strip())
        if current:
            blocks.append("\n".join(current))
    return LoadedFile(text="\n\n".join(blocks) + "\n")
