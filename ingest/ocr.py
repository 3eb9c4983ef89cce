"""Scanned PDFs (no text layer): read by OCR when KA_OCR is on, otherwise recorded as unreadable.

The PDF loader refuses a scan with NO_TEXT_LAYER; the pipeline then hands the file to
`read_scan`. With OCR on, tesseract reads each page's images and the text is indexed page by
page, every chunk marked `text_source="ocr"` (its citations say "OCR-läst text"). With OCR off,
or when tesseract or a language's data is missing, one placeholder chunk marked
`text_source="no_text_layer"` is indexed, so that a question about the scan is answered "it
needs OCR" (assistant/unreadable.py) rather than from other documents; the file is still
reported as failed, with its reason, as before.

This runs in the ingest process, not in the worker, because a worker's job carries no OCR
settings. The heavy part, tesseract, is a process of its own, which pytesseract kills when the
file's time budget runs out.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytesseract
from llama_index.core.schema import Document
from PIL import Image
from pypdf import PageObject

from assistant.schema import DocumentMeta
from assistant.settings import Settings
from ingest.loaders.base import LoadedFile, LoadError
from ingest.loaders.limits import Limits, check_text_length
from ingest.loaders.pdf import NO_TEXT_LAYER, open_pdf, pages_to_loaded
from ingest.metadata import build_document_meta
from ingest.prepare import Prepared
from ingest.splitter import StructuredSplitter

OCR = "ocr"
NO_TEXT = "no_text_layer"
# Logos, stamps and rules are not worth a tesseract run; a page scan is hundreds of pixels wide.
_MIN_IMAGE_SIDE = 64

# Indexed for a scan that could not be read. It says what the file is in both languages (the
# questions name it as "den inskannade skrivelsen" or "the scanned letter") and is never quoted.
_PLACEHOLDER = (
    "Inskannat dokument utan textlager: {name}. Filen är en skannad bild (till exempel ett "
    "inskannat brev eller en inskannad skrivelse) utan sökbar text och behöver OCR "
    "(optisk teckenläsning) innan innehållet kan sökas i.\n\n"
    "Scanned document (an image-only PDF, for example a scanned letter) without a text layer: "
    "it needs OCR before its content can be searched.\n"
)


class OcrUnavailable(Exception):
    """tesseract or a language's data is missing; `reason` says which, in Swedish."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def debian_package(language: str) -> str:
    """tesseract's language code -> the Debian package with its data: chi_sim -> tesseract-ocr-chi-sim."""
    return f"tesseract-ocr-{language.replace('_', '-')}"


def check_tesseract(languages: str) -> None:
    """Raise OcrUnavailable naming what is missing: the program, or the data of some language."""
    try:
        installed = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError:
        raise OcrUnavailable("tesseract är inte installerat (Debian-paketet tesseract-ocr)") from None
    except (OSError, pytesseract.TesseractError) as exc:
        raise OcrUnavailable(f"tesseract kan inte köras ({exc})") from None
    missing = [code for code in languages.split("+") if code not in installed]
    if missing:
        packages = ", ".join(debian_package(code) for code in missing)
        raise OcrUnavailable(
            f"tesseract saknar språkdata för {', '.join(missing)} (Debian-paketet {packages}; KA_OCR_LANGUAGES)"
        )


def _page_images(page: PageObject) -> list[Image.Image]:
    images = []
    for embedded in page.images:
        image = embedded.image
        if image is not None and min(image.size) >= _MIN_IMAGE_SIDE:
            images.append(image)
    return images


def ocr_pages(path: Path, languages: str, deadline: float) -> tuple[list[str], bool]:
    """Each page's OCR text (the page's images in their order), and whether some page failed.

    Raises LoadError when the time budget runs out: what was indexed for the file stays.
    """
    reader = open_pdf(path)
    texts: list[str] = []
    partial = False
    for page in reader.pages:
        parts: list[str] = []
        try:
            images = _page_images(page)
        except Exception:  # an image filter pypdf or Pillow cannot decode costs that page only
            images, partial = [], True
        for image in images:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LoadError(path, "OCR-läsningen tog längre tid än filens tidsgräns – avbruten (KA_FILE_TIMEOUT_S)")
            try:
                parts.append(pytesseract.image_to_string(image, lang=languages, timeout=remaining).strip())
            except RuntimeError as exc:  # pytesseract's timeout; TesseractError is a RuntimeError too
                if isinstance(exc, pytesseract.TesseractError):
                    partial = True
                    continue
                raise LoadError(path, "OCR-läsningen tog längre tid än filens tidsgräns – avbruten (KA_FILE_TIMEOUT_S)") from exc
        texts.append("\n\n".join(p for p in parts if p))
    return texts, partial


def _prepare(
    path: Path, root: Path, digest: str, loaded: LoadedFile, max_chars: int, source: str, folder_groups: list[str],
) -> Prepared:
    """As ingest.prepare does for any file, with the chunks marked by where their text comes from."""
    meta: DocumentMeta = build_document_meta(path, root, loaded, digest, folder_groups).model_copy(update={"text_source": source})
    document = Document(id_=meta.doc_id, text=loaded.text, metadata=meta.model_dump(mode="json"))
    return Prepared(meta, StructuredSplitter(max_chars=max_chars).split_document(document))


def placeholder(path: Path, root: Path, digest: str, max_chars: int, folder_groups: list[str] | None = None) -> Prepared:
    """One chunk that says the file is a scan without a text layer; its title is the file's name."""
    loaded = LoadedFile(text=_PLACEHOLDER.format(name=path.name))
    return _prepare(path, root, digest, loaded, max_chars, NO_TEXT, folder_groups or [])


def read_scan(
    path: Path, root: Path, digest: str, settings: Settings, deadline: float, folder_groups: list[str] | None = None,
) -> tuple[Prepared | str, str | None]:
    """A scan -> (what to index or the reason nothing is, the reason to report although it is indexed).

    OCR off: the placeholder, reported with today's reason. OCR on and working: the OCR text.
    OCR on but tesseract or a language missing: the placeholder, reported with what is missing.
    """
    if not settings.ocr:
        return placeholder(path, root, digest, settings.chunk_max_chars, folder_groups), NO_TEXT_LAYER
    try:
        check_tesseract(settings.ocr_languages)
    except OcrUnavailable as exc:
        reason = f"{NO_TEXT_LAYER}, men OCR (KA_OCR) går inte att köra: {exc.reason}"
        return placeholder(path, root, digest, settings.chunk_max_chars, folder_groups), reason
    try:
        pages, partial = ocr_pages(path, settings.ocr_languages, deadline)
        if not any(text.strip() for text in pages):
            return placeholder(path, root, digest, settings.chunk_max_chars, folder_groups), f"{NO_TEXT_LAYER}; OCR fann ingen text i bilderna"
        loaded = pages_to_loaded(open_pdf(path), pages, partial=partial)
        check_text_length(path, loaded.text, Limits.from_settings(settings))
    except LoadError as exc:
        return exc.reason, None
    except Exception as exc:  # one odd scan must not stop the run
        return f"oväntat fel vid OCR-läsning: {type(exc).__name__}: {exc}", None
    return _prepare(path, root, digest, loaded, settings.chunk_max_chars, OCR, folder_groups or []), None


def fingerprint(base: str, meta: DocumentMeta, settings: Settings) -> str:
    """The manifest fingerprint: OCR text depends on the languages; a placeholder is read again every run."""
    if meta.text_source == OCR:
        return f"{base};ocr={settings.ocr_languages}"
    if meta.text_source == NO_TEXT:
        return f"{base};{NO_TEXT}"  # never current: the scan is re-read, and reported, each time
    return base


def current_fingerprints(base: str, settings: Settings) -> set[str]:
    """Fingerprints of documents that need no re-reading: OCR text only while OCR stays on."""
    return {base, f"{base};ocr={settings.ocr_languages}"} if settings.ocr else {base}
