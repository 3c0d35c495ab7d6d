"""Is an uploaded file a harmless PDF, JPEG or PNG? Decided from its bytes alone, never from its name or the type
the browser declared (both are chosen by the sender).

Pure: no database, no storage. `validate_upload(data_or_file, max_bytes=...)` returns a `ValidatedFile` (the
clean payload to store, its type, SHA-256, size, pages or pixels) or raises `DocumentRefused`, whose message says
why in the reader's language and whose `reason` is a stable code for tests, logs and audit rows.
A web process calls it through `bawaba.documents.isolation.check_upload`, which runs it in a child process with a
memory and CPU ceiling (services.keep_upload does).

What is stored is never the uploaded bytes as such:

* an image is decoded in full and re-encoded by Pillow, which drops its metadata (EXIF with a phone's GPS
  position, comments, ICC profiles) and anything appended after its end (a ZIP or a script glued to a PNG); the
  EXIF orientation is applied first, so a photo taken sideways still shows upright;
* a PDF is parsed by qpdf (pikepdf), refused if it is encrypted or carries active content (below), then rewritten
  from its object graph, which drops bytes appended after its end and objects nothing refers to.

Active content in a PDF, refused: JavaScript anywhere (`/JS`, `/JavaScript`), an `/OpenAction` that is an action
other than "go to a page of this document" (a plain destination, the "open at page 1, fit width" that many tools
write, is kept), additional actions (`/AA`: actions on opening a page, focusing a field...), the actions Launch,
SubmitForm, ImportData, GoToR, GoToE, Rendition, Movie, Sound, RichMedia, embedded files (`/EmbeddedFiles`,
`/EF`, file attachment annotations), XFA forms and rich media. Tolerated: links to a page of the same document
(GoTo) and web links (URI) on link annotations: they do nothing until the reader clicks, certificates printed
from a website carry them, and the document is shown in a sandbox (bawaba.documents.responses). See
docs/decisions/0022-document-validation-libraries.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO, Any

import pikepdf
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Readers such as Acrobat look for the PDF header in the first 1,024 bytes; the standard wants it at the very
# start. Bytes before it are how a file is made to be two things at once (an HTML page or a script that is also a
# PDF): refused, with their own message.
PDF_HEADER_SEARCH = 1024

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A 50-megapixel phone photo is the largest a candidate plausibly sends; more is a decompression bomb (a few
# kilobytes of PNG that would decode to gigabytes).
DEFAULT_MAX_PIXELS = 50_000_000
# Direct objects nest (a dictionary in an array in a dictionary...): past this depth the PDF is refused rather
# than walked, so that a crafted file cannot exhaust the stack.
MAX_PDF_NESTING = 64
JPEG_QUALITY = 90

# Action types (the /S of an action dictionary) refused wherever they appear.
REFUSED_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/GoTo3DView",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/RichMediaExecute",
    }
)
# The actions an /OpenAction may be and stay harmless.
HARMLESS_OPEN_ACTIONS = frozenset({"/GoTo"})
# A web link may go to a web page or an e-mail address; `javascript:`, `file:` and the like are refused.
HARMLESS_URI_PREFIXES = (b"http://", b"https://", b"mailto:")


class Reason:
    """Stable codes of the refusals (tests, logs, audit rows); the messages are in REFUSAL_MESSAGES."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    PDF_GARBAGE_BEFORE_HEADER = "pdf_garbage_before_header"
    PDF_UNREADABLE = "pdf_unreadable"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_NO_PAGES = "pdf_no_pages"
    PDF_JAVASCRIPT = "pdf_javascript"
    PDF_ACTIONS = "pdf_actions"
    PDF_EMBEDDED_FILES = "pdf_embedded_files"
    PDF_FORMS = "pdf_forms"
    IMAGE_UNREADABLE = "image_unreadable"
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
    INFECTED = "infected"  # said by the antivirus (bawaba.documents.services.files), not by this module
    TOO_COMPLEX = "too_complex"  # the check ran out of memory or time (bawaba.documents.isolation)


REFUSAL_MESSAGES = {
    Reason.EMPTY: _("The file is empty."),
    Reason.TOO_LARGE: _("The file is larger than %(limit)s MB. Send a smaller scan or photo."),
    Reason.UNSUPPORTED_TYPE: _(
        "This file is not a PDF, JPEG or PNG file. Its content was checked, not its name: "
        "send a scan in PDF or a photo in JPEG or PNG."
    ),
    Reason.PDF_GARBAGE_BEFORE_HEADER: _(
        "This PDF file does not start like a PDF file: something was placed before its beginning."
    ),
    Reason.PDF_UNREADABLE: _("This PDF file is damaged and cannot be read."),
    Reason.PDF_ENCRYPTED: _(
        "This PDF file is protected by a password or encrypted. Send it without protection."
    ),
    Reason.PDF_NO_PAGES: _("This PDF file has no page."),
    Reason.PDF_JAVASCRIPT: _("This PDF file contains scripts (JavaScript), which are not accepted."),
    Reason.PDF_ACTIONS: _(
        "This PDF file contains actions (run on opening, launching a program, or unsafe links), "
        "which are not accepted."
    ),
    Reason.PDF_EMBEDDED_FILES: _(
        "This PDF file contains other files attached to it, which are not accepted."
    ),
    Reason.PDF_FORMS: _("This PDF file contains a dynamic form (XFA) or rich media, which are not accepted."),
    Reason.IMAGE_UNREADABLE: _("This image is damaged or incomplete and cannot be read."),
    Reason.IMAGE_TOO_MANY_PIXELS: _(
        "This image has too many pixels (more than %(limit)s million). Send a smaller photo."
    ),
    Reason.INFECTED: _("The antivirus found a threat in this file. It was not kept."),
    Reason.TOO_COMPLEX: _("This file is too complex to be checked. Send a simpler scan or photo."),
}


class DocumentRefused(ValidationError):
    """The upload is refused; `reason` is one of `Reason`'s codes. A ValidationError, so a form field's clean()
    may let it through and the form shows its message."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(REFUSAL_MESSAGES[reason], code=reason, params=params or None)
        self.reason = reason


@dataclass(frozen=True)
class ValidatedFile:
    """An accepted file, cleaned: what to store and what to record about it."""

    content: bytes
    media_type: str
    extension: str
    sha256: str
    size: int
    page_count: int | None = None  # PDF
    width: int | None = None  # images
    height: int | None = None


def validate_upload(
    upload: bytes | IO[bytes] | File,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> ValidatedFile:
    """Check an upload and return its clean form, or raise DocumentRefused."""
    data = read_at_most(upload, max_bytes)
    if not data:
        raise DocumentRefused(Reason.EMPTY)
    if len(data) > max_bytes:
        raise DocumentRefused(Reason.TOO_LARGE, limit=_megabytes(max_bytes))
    media_type = sniff_media_type(data)
    if media_type == PDF:
        return _validate_pdf(data)
    if media_type in (JPEG, PNG):
        return _validate_image(data, media_type, max_pixels=max_pixels)
    if PDF_MAGIC in data[:PDF_HEADER_SEARCH]:
        raise DocumentRefused(Reason.PDF_GARBAGE_BEFORE_HEADER)
    raise DocumentRefused(Reason.UNSUPPORTED_TYPE)


def sniff_media_type(data: bytes) -> str | None:
    """The type the first bytes announce (PDF, JPEG, PNG), or None. Only an announcement: the parsers decide."""
    if data.startswith(PDF_MAGIC):
        return PDF
    if data.startswith(JPEG_MAGIC):
        return JPEG
    if data.startswith(PNG_MAGIC):
        return PNG
    return None


def read_at_most(upload: bytes | IO[bytes] | File, max_bytes: int) -> bytes:
    """The upload's bytes, reading one byte past the limit at most (enough to know it is too large)."""
    if isinstance(upload, bytes | bytearray | memoryview):
        return bytes(upload[: max_bytes + 1])
    with contextlib.suppress(AttributeError, OSError):  # a stream that cannot seek is read from where it is
        upload.seek(0)
    chunks = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = upload.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _accepted(content: bytes, media_type: str, **facts: int) -> ValidatedFile:
    return ValidatedFile(
        content=content,
        media_type=media_type,
        extension=EXTENSIONS[media_type],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        **facts,
    )


# --- PDF ----------------------------------------------------------------------------------------------------


def _validate_pdf(data: bytes) -> ValidatedFile:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:  # a user password: nothing can be read without it
        raise DocumentRefused(Reason.PDF_ENCRYPTED) from error
    except (pikepdf.PdfError, ValueError, RuntimeError, RecursionError) as error:
        raise DocumentRefused(Reason.PDF_UNREADABLE) from error
    with pdf:
        if pdf.get_warnings():
            # qpdf had to repair the file as it opened it (no cross-reference table where it says, a truncated
            # end...): what it rebuilt is a guess, and a reviewer must see what the candidate's file really holds.
            # The same once it is read and rewritten, below: a file qpdf warns about is refused as damaged.
            raise DocumentRefused(Reason.PDF_UNREADABLE)
        if pdf.is_encrypted:  # an owner password only: it opens, but is still encrypted
            raise DocumentRefused(Reason.PDF_ENCRYPTED)
        try:
            _refuse_active_content(pdf)
            page_count = len(pdf.pages)
            if page_count == 0:
                raise DocumentRefused(Reason.PDF_NO_PAGES)
            rewritten = io.BytesIO()
            # From the object graph: what follows the end of the file and objects nothing refers to are left out.
            pdf.save(rewritten, compress_streams=True, fix_metadata_version=False)
            if pdf.get_warnings():  # a damaged page tree, a stream that does not decode...
                raise DocumentRefused(Reason.PDF_UNREADABLE)
        except (pikepdf.PdfError, ValueError, RuntimeError, RecursionError, KeyError, TypeError) as error:
            raise DocumentRefused(Reason.PDF_UNREADABLE) from error
    return _accepted(rewritten.getvalue(), PDF, page_count=page_count)


def _refuse_active_content(pdf: pikepdf.Pdf) -> None:
    root = pdf.Root
    open_action = root.get("/OpenAction")
    if (
        isinstance(open_action, pikepdf.Dictionary)
        and str(open_action.get("/S")) not in HARMLESS_OPEN_ACTIONS
    ):
        if str(open_action.get("/S")) == "/JavaScript":
            raise DocumentRefused(Reason.PDF_JAVASCRIPT)
        raise DocumentRefused(Reason.PDF_ACTIONS)
    acroform = root.get("/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
        raise DocumentRefused(Reason.PDF_FORMS)
    # Every object of the file, referenced or not (qpdf lists them from the cross-reference table), walked through
    # its direct contents; indirect objects met on the way are visited on their own turn.
    for obj in pdf.objects:
        _inspect(obj, depth=0)


def _inspect(obj: Any, *, depth: int) -> None:
    if depth > MAX_PDF_NESTING:
        raise DocumentRefused(Reason.PDF_UNREADABLE)
    if isinstance(obj, pikepdf.Stream):
        _inspect_dictionary(obj.stream_dict, depth=depth)
    elif isinstance(obj, pikepdf.Dictionary):
        _inspect_dictionary(obj, depth=depth)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            _inspect_direct(item, depth=depth + 1)


def _inspect_dictionary(dictionary: Any, *, depth: int) -> None:
    keys = set(dictionary.keys())
    if keys & {"/JS", "/JavaScript"}:
        raise DocumentRefused(Reason.PDF_JAVASCRIPT)
    if "/AA" in keys:
        raise DocumentRefused(Reason.PDF_ACTIONS)
    if keys & {"/EmbeddedFiles", "/EF", "/EmbeddedFile"}:
        raise DocumentRefused(Reason.PDF_EMBEDDED_FILES)
    if keys & {"/XFA", "/RichMediaContent", "/RichMediaSettings"}:
        raise DocumentRefused(Reason.PDF_FORMS)
    subtype = str(dictionary.get("/Subtype")) if "/Subtype" in keys else ""
    if subtype == "/FileAttachment":
        raise DocumentRefused(Reason.PDF_EMBEDDED_FILES)
    if subtype in ("/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"):
        raise DocumentRefused(Reason.PDF_FORMS)
    if "/S" in keys:
        action = str(dictionary.get("/S"))
        if action == "/JavaScript":
            raise DocumentRefused(Reason.PDF_JAVASCRIPT)
        if action in REFUSED_ACTIONS:
            raise DocumentRefused(Reason.PDF_ACTIONS)
        if action == "/URI" and not _harmless_uri(dictionary.get("/URI")):
            raise DocumentRefused(Reason.PDF_ACTIONS)
    for key in keys:
        _inspect_direct(dictionary.get(key), depth=depth + 1)


def _inspect_direct(value: Any, *, depth: int) -> None:
    """A dictionary or array held inside another object; an indirect one is visited on its own turn."""
    if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
        _inspect(value, depth=depth)


def _harmless_uri(uri: Any) -> bool:
    if not isinstance(uri, pikepdf.String):
        return False
    return bytes(uri).strip().lower().startswith(HARMLESS_URI_PREFIXES)


# --- Images -------------------------------------------------------------------------------------------------

# Pillow's JPEG opener also opens the multi-picture JPEG (MPO) of many phones; its first picture is kept.
PILLOW_FORMATS = {JPEG: ["JPEG"], PNG: ["PNG"]}


def _validate_image(data: bytes, media_type: str, *, max_pixels: int) -> ValidatedFile:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS[media_type]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise DocumentRefused(Reason.IMAGE_TOO_MANY_PIXELS, limit=max_pixels // 1_000_000)
                # Decodes every pixel: a truncated or corrupt image fails here, whatever Pillow's process-wide
                # LOAD_TRUNCATED_IMAGES says (a library loaded in the same process may have turned it on:
                # WeasyPrint does on import).
                truncated_allowed = ImageFile.LOAD_TRUNCATED_IMAGES
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                try:
                    image.load()
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed
                content = _reencode(image, media_type)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise DocumentRefused(Reason.IMAGE_TOO_MANY_PIXELS, limit=max_pixels // 1_000_000) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise DocumentRefused(Reason.IMAGE_UNREADABLE) from error
    return _accepted(content, media_type, width=width, height=height)


def _reencode(image: Image.Image, media_type: str) -> bytes:
    """The pixels only: no EXIF, comments, ICC profile or text chunks, nothing after the image's end."""
    upright = ImageOps.exif_transpose(image) or image
    out = io.BytesIO()
    if media_type == JPEG:
        if upright.mode not in ("L", "RGB"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=JPEG_QUALITY)
    else:
        params = {}
        if "transparency" in image.info and upright.mode in ("P", "L", "RGB"):
            params["transparency"] = image.info[
                "transparency"
            ]  # a palette's transparent colour is pixels, kept
        upright.save(out, format="PNG", optimize=False, **params)
    return out.getvalue()
