"""Our copy of Chainlit's built web app (and its copilot widget), with the changes a municipal,
offline tool needs.

Chainlit serves a prebuilt React app; `custom_build` in `.chainlit/config.toml` points it at
this copy instead. Two changes, each asserted to apply exactly once (a Chainlit upgrade that
moves the code fails loudly here rather than silently shipping the old behaviour):

1. **No third-party requests.** The page links Google Fonts and a KaTeX stylesheet from public
   CDNs: offline they fail, online every user's address goes to a third party. Every `<link>`
   to an outside address is removed; the app falls back to the system font, and LaTeX is off.
   The widget's bundle adds the same font stylesheet from script; that call is removed too.
2. **No source panel opens unasked.** Since Chainlit 2.11 the message container opens the side
   view over *all* side elements whenever elements change, titled with the newest one's name
   (Chainlit issue #2979, fix proposed in PR #2982). With one `[n]` element per citation that
   shows a panel with a number that is not its own. The one call that does it is removed, in
   the app and in the widget; clicking a marker still opens that marker's own element.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import chainlit

CHAINLIT_DIST = Path(chainlit.__file__).resolve().parent / "frontend" / "dist"
# The copilot widget's bundle (`/copilot/index.js`): with `custom_build` Chainlit serves it from
# the same folder as the app, so it is copied in beside the app (its own root index.js and a
# worker with its own hashed name) and patched the same way.
COPILOT_DIST = Path(chainlit.__file__).resolve().parent / "copilot" / "dist"
BUILD_DIR_NAME = "frontend"


class FrontendPatchError(RuntimeError):
    """Chainlit's bundle no longer looks the way a patch expects."""


@dataclass(frozen=True)
class Patch:
    glob: str
    pattern: re.Pattern[str]
    replacement: str
    why: str
    count: int | None = 1  # None: any number of matches, at least one


# `…x.current=V,v.current=re,u({title:D[D.length-1].name,elements:D})` in the effect that tracks
# side elements: keep the bookkeeping, drop the forced open (the app's bundle and the widget's).
_AUTO_OPEN = re.compile(r",(\w+)\(\{title:(\w+)\[\2\.length-1\]\.name,elements:\2\}\)")

PATCHES = [
    Patch("index.html", re.compile(r'\s*<link\b[^>]*\bhref="https?://[^"]*"[^>]*/?>'), "",
          "links to outside hosts (fonts, KaTeX)", count=None),
    Patch("assets/index-*.js", _AUTO_OPEN, "", "auto-opening side view"),
    Patch("index.js", _AUTO_OPEN, "", "widget's auto-opening side view"),
    Patch(
        "index.js",
        # The widget adds a Google Fonts stylesheet to its shadow root unless a custom font is set.
        re.compile(r'if\(!\w+\)\{const (\w+)=document\.createElement\("link"\);\1\.rel="stylesheet",'
                   r'\1\.href="https://fonts\.googleapis\.com/[^"]*",window\.cl_shadowRootElement\.getRootNode\(\)'
                   r'\.appendChild\(\1\)\}'),
        "",
        "widget's Google Fonts link",
    ),
]


def _apply(text: str, patch: Patch, where: Path) -> str:
    patched, n = patch.pattern.subn(patch.replacement, text)
    if n == 0 or (patch.count is not None and n != patch.count):
        raise FrontendPatchError(
            f"{where.name}: expected {patch.count or 'at least one'} match(es) for the {patch.why} patch, "
            f"found {n}. Chainlit {version('chainlit')} differs from the version this patch was written for."
        )
    return patched


def build_stamp() -> str:
    """Chainlit's version and the patches: a copy made under either other one is rebuilt."""
    patches = "|".join(f"{p.glob}:{p.pattern.pattern}:{p.replacement}" for p in PATCHES)
    return f"chainlit {version('chainlit')}; with copilot; patches {hashlib.sha256(patches.encode()).hexdigest()[:16]}"


def build_frontend(app_root: Path, dist: Path = CHAINLIT_DIST, copilot: Path = COPILOT_DIST) -> Path:
    """Write the patched app to `<app_root>/frontend` (once per Chainlit version) and return it."""
    target = app_root / BUILD_DIR_NAME
    stamp = target / ".build-stamp"
    wanted = build_stamp()
    if stamp.exists() and stamp.read_text() == wanted:
        return target
    staging = app_root / f"{BUILD_DIR_NAME}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    # Source maps are a developer aid and most of the size; the browser never needs them.
    shutil.copytree(dist, staging, ignore=shutil.ignore_patterns("*.map"))
    shutil.copytree(copilot, staging, ignore=shutil.ignore_patterns("*.map"), dirs_exist_ok=True)
    for patch in PATCHES:
        files = sorted(staging.glob(patch.glob))
        if len(files) != 1:
            raise FrontendPatchError(f"expected one file matching {patch.glob} in Chainlit's build, found {len(files)}")
        files[0].write_text(_apply(files[0].read_text(encoding="utf-8"), patch, files[0]), encoding="utf-8")
    (staging / ".build-stamp").write_text(wanted)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target
