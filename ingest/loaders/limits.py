"""Resource limits per file: size on disk, unpacked size of an archive, extracted text.

Checked as early as each can be (size before reading, an archive's directory before anything
is inflated, decoded text before it is structured), so a hostile file is refused cheaply and
with a reason the user can act on, instead of exhausting memory first.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders.base import LoadError

MB = 1_000_000
# Members this small cannot hurt at any compression ratio (XML of empty styles compresses 200x).
_RATIO_FLOOR_BYTES = 1 * MB


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * MB
    max_text_chars: int = 20_000_000
    max_unpacked_bytes: int = 200 * MB
    max_unpack_ratio: float = 100.0

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        return cls(
            max_file_bytes=int(settings.max_file_mb * MB),
            max_text_chars=settings.max_text_chars,
            max_unpacked_bytes=int(settings.max_unpacked_mb * MB),
            max_unpack_ratio=settings.max_unpack_ratio,
        )


def format_bytes(size: float) -> str:
    """Swedish style: '1,1 GB', '430 kB'."""
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{int(size)} byte"


def format_count(n: float) -> str:
    return f"{n / 1e6:.1f} miljoner".replace(".", ",") if n >= 1e6 else f"{int(n):,}".replace(",", " ")


def check_file_size(path: Path, size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise LoadError(
            path,
            f"filen är för stor: {format_bytes(size)}, högst {format_bytes(limits.max_file_bytes)} "
            "tillåts (KA_MAX_FILE_MB) – inte läst",
        )


def check_text_length(path: Path, text: str, limits: Limits) -> None:
    if len(text) > limits.max_text_chars:
        raise LoadError(
            path,
            f"filen innehåller för mycket text: {format_count(len(text))} tecken, högst "
            f"{format_count(limits.max_text_chars)} tillåts (KA_MAX_TEXT_CHARS) – avbruten",
        )


def check_archive(path: Path, archive: zipfile.ZipFile, label: str, limits: Limits) -> None:
    """Refuse a zip (a DOCX) whose directory says it inflates too far, before inflating it.

    Python's zipfile never inflates a member beyond the size its directory declares (it stops
    there and fails the CRC check), so checking the declared sizes is enough.
    """
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise LoadError(
            path,
            f"{label} packar upp till mer än {format_bytes(limits.max_unpacked_bytes)} "
            f"({format_bytes(total)} ur {format_bytes(sum(m.compress_size for m in members))}, "
            "KA_MAX_UNPACKED_MB) – avbruten",
        )
    for member in members:
        if member.file_size > _RATIO_FLOOR_BYTES and member.file_size > limits.max_unpack_ratio * max(member.compress_size, 1):
            raise LoadError(
                path,
                f"{label} packar upp till mer än {limits.max_unpack_ratio:g} gånger sin packade storlek "
                f"({member.filename}: {format_bytes(member.compress_size)} blir {format_bytes(member.file_size)}, "
                "KA_MAX_UNPACK_RATIO) – avbruten, det liknar en zip-bomb",
            )
