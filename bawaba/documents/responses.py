"""The response that hands a stored document to a browser, once a view has checked the right to see it.

The headers, and why:

* `Content-Type` is the type the validation found in the content (stored with the document), never a guess;
* `X-Content-Type-Options: nosniff`, so that no browser second-guesses it into HTML;
* `Content-Disposition` with a name we build (the label the view gives, e.g. "National identity card", plus the
  extension of the stored type), as plain ASCII and as RFC 5987 UTF-8 for Arabic labels: the uploaded name is
  never sent back;
* `Content-Security-Policy`: nothing may load from the document (`default-src 'none'`), nor frame it but our own
  pages (`frame-ancestors 'self'`, for the review screen that shows it inline), and it runs `sandbox`ed (no script,
  no form, an opaque origin). Debian's Chromium 156 still shows a PDF so served, as a page and in a frame (checked
  by hand on 5 December 2026); other browsers' viewers are for the review screen's browser test to confirm;
* `Cache-Control: no-store, private`: no shared cache or browser keeps a copy (the site's SecurityHeadersMiddleware
  adds the same for signed-in users; it keeps the CSP set here, `setdefault`);
* `Cross-Origin-Resource-Policy: same-origin`: another site cannot embed it with the reader's cookies.
"""

import re
import unicodedata
from urllib.parse import quote

from django.core.files.storage import Storage
from django.http import FileResponse

from bawaba.documents.models import StoredDocument
from bawaba.documents.storage import open_stored

DOCUMENT_CSP = "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox"
FALLBACK_NAME = "document"
MAX_NAME_LENGTH = 80


class DocumentNotOpenable(Exception):
    """The document's scan state forbids opening it (pending, infected, failed): the view answers 404 or says so."""


def document_response(
    document: StoredDocument,
    *,
    label: str,
    as_attachment: bool = False,
    storage: Storage | None = None,
) -> FileResponse:
    """Stream the stored file with the headers above. `label` names the download (without extension)."""
    if not document.can_be_opened:
        raise DocumentNotOpenable(document.scan_state)
    response = FileResponse(
        open_stored(document.storage_name, storage=storage), content_type=document.media_type
    )
    response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = content_disposition(
        label, document.extension, as_attachment=as_attachment
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOCUMENT_CSP
    response["Cache-Control"] = "no-store, private"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    return response


def content_disposition(label: str, extension: str, *, as_attachment: bool) -> str:
    """`inline; filename="ascii.pdf"; filename*=UTF-8''…`: both forms, so that every browser has a name."""
    unicode_name = _clean(label) or FALLBACK_NAME
    ascii_name = _ascii(unicode_name) or FALLBACK_NAME
    disposition = "attachment" if as_attachment else "inline"
    return (
        f'{disposition}; filename="{ascii_name}{extension}"; '
        f"filename*=UTF-8''{quote(unicode_name + extension, safe='')}"
    )


def _clean(label: str) -> str:
    """Letters, digits, spaces and a little punctuation; no control, quote, slash or backslash characters."""
    kept = "".join(
        character
        for character in unicodedata.normalize("NFC", label)
        if unicodedata.category(character)[0] in "LNZ" or character in "-_.()"
    )
    kept = re.sub(r"\s+", " ", kept).strip(" .")
    return kept[:MAX_NAME_LENGTH]


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9 ._()-]+", "-", decomposed).strip(" -.")[:MAX_NAME_LENGTH]
