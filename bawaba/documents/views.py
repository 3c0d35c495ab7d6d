"""The candidate's pages of the documents stage: her upload page (one slot per required document), the upload of
one file, sending a rejected dossier again, her own files, and the guide.

Only her own application's dossier: anyone else's, or none, is 404 (staff included: they review through their own
pages). The upload works without JavaScript, from a phone's camera or files: a plain multipart form per slot.
"""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from bawaba.accounts import ratelimit
from bawaba.core.params import bounded_int
from bawaba.documents.forms import ACCEPT, UploadForm
from bawaba.documents.models import Dossier, ScanState
from bawaba.documents.requirements import (
    campaign_requirements,
    required_for,
    requirement_name,
)
from bawaba.documents.responses import DocumentNotOpenable, document_response
from bawaba.documents.selectors import dossier_slots, own_document, own_dossier, reason_labels
from bawaba.documents.services import uploads
from bawaba.documents.validation import DocumentRefused, Reason

# The multipart envelope around the file (boundaries, headers, the CSRF token): a body longer than the limit plus
# this cannot hold an acceptable file, and is refused before it is read.
ENVELOPE_BYTES = 64 * 1024


def _too_large_message() -> str:
    limit = settings.BAWABA_DOCUMENT_MAX_BYTES
    return str(DocumentRefused(Reason.TOO_LARGE, limit=f"{limit / (1024 * 1024):g}").messages[0])


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops keeping a file once it passes the limit (a body sent without a length, or a length that lied): the
    rest is read and dropped, never written to memory or disk; the view then says the file is too large."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.max_bytes:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _page(
    request: HttpRequest, application, dossier: Dossier, *, errors: dict | None = None, status: int = 200
) -> HttpResponse:
    slots = dossier_slots(dossier)
    rejected = dossier.status == Dossier.Status.REJECTED
    return render(
        request,
        "documents/candidate/upload.html",
        {
            "application": application,
            "campaign": application.campaign,
            "dossier": dossier,
            "rows": [{"slot": slot, "errors": (errors or {}).get(slot.requirement.pk, [])} for slot in slots],
            "errors": bool(errors),
            "reasons": reason_labels(dossier) if rejected else [],
            "may_upload": dossier.status != Dossier.Status.ACCEPTED,
            "missing": [slot for slot in slots if slot.document is None],
            "accept": ACCEPT,
            "max_megabytes": f"{settings.BAWABA_DOCUMENT_MAX_BYTES / (1024 * 1024):g}",
            "form": UploadForm(),
            "openable": (ScanState.NOT_SCANNED, ScanState.CLEAN),
        },
        status=status,
    )


@require_GET
def upload_page(request: HttpRequest, pk: int) -> HttpResponse:
    application, dossier = own_dossier(request.user, pk)
    return _page(request, application, dossier)


@csrf_exempt  # checked by _upload below, once the upload handlers are in place (Django's documented way)
@require_POST
def upload(request: HttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    """A file for one slot. Its size is checked before its body is read when the browser says it (nearly always),
    and while it is read otherwise; then _upload checks the CSRF token and does the rest."""
    max_bytes = settings.BAWABA_DOCUMENT_MAX_BYTES
    declared = bounded_int(request.META.get("CONTENT_LENGTH"), min_value=0)
    if declared is not None and declared > max_bytes + ENVELOPE_BYTES:
        # The body is left unread: nothing of it is kept. Refused as the validation refuses it.
        application, dossier = own_dossier(request.user, pk)
        return _refused(request, application, dossier, requirement_pk, _too_large_message())
    handler = SizeLimitedUploadHandler(request, max_bytes)
    # Before anything reads the body (the view is csrf_exempt for that): a list still, not yet immutable.
    request.upload_handlers = [handler, *request.upload_handlers]
    return _upload(request, pk, requirement_pk, handler)


def _refused(request, application, dossier, requirement_pk, message, status=400) -> HttpResponse:
    key = bounded_int(requirement_pk, min_value=1)
    return _page(request, application, dossier, errors={key: [message]}, status=status)


@csrf_protect
def _upload(
    request: HttpRequest, pk: int, requirement_pk: int, handler: SizeLimitedUploadHandler
) -> HttpResponse:
    application, dossier = own_dossier(request.user, pk)
    here = reverse("documents:upload_page", args=[application.pk])
    key = bounded_int(requirement_pk, min_value=1)
    requirement = next(
        (
            r
            for r in required_for(campaign_requirements(dossier.campaign_id), dossier.category)
            if r.pk == key
        ),
        None,
    )
    if requirement is None:  # not asked of her (another category, inactive, another campaign's): as missing
        raise Http404
    if dossier.status == Dossier.Status.ACCEPTED:
        return _refused(request, application, dossier, key, str(uploads.ACCEPTED_MESSAGE), status=409)
    form = UploadForm(request.POST, request.FILES)
    if handler.too_large:
        return _refused(request, application, dossier, key, _too_large_message())
    if not form.is_valid():
        return _refused(
            request, application, dossier, key, _("Choose a file, or take a photo, then send it.")
        )
    wait = ratelimit.hit("document_upload:user", str(request.user.pk))
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        message = ngettext(
            "Too many files sent in a short time. Please wait %(minutes)d minute, then try again.",
            "Too many files sent in a short time. Please wait %(minutes)d minutes, then try again.",
            minutes,
        ) % {"minutes": minutes}
        return _refused(request, application, dossier, key, message, status=429)
    try:
        outcome = uploads.upload_document(
            dossier=dossier, requirement=requirement, upload=form.cleaned_data["file"], actor=request.user
        )
    except DocumentRefused as refused:
        return _refused(request, application, dossier, key, refused.messages[0])
    except uploads.UploadNotAllowed as refused:
        return _refused(request, application, dossier, key, str(refused.message), status=409)
    name = requirement_name(requirement)
    if outcome.replaced:
        messages.success(request, _("“%(document)s” is replaced.") % {"document": name})
    else:
        messages.success(request, _("“%(document)s” is received.") % {"document": name})
    if outcome.became_submitted:
        messages.info(
            request, _("Every document asked of you is here: your documents are now under examination.")
        )
    return redirect(f"{here}#slot-{requirement.pk}")


@require_POST
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application, dossier = own_dossier(request.user, pk)
    try:
        uploads.resubmit(dossier=dossier, actor=request.user)
    except uploads.UploadNotAllowed as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Your documents are sent for examination again."))
    return redirect("documents:upload_page", application.pk)


@require_GET
def document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse | FileResponse:
    """Her own file, shown inline (PDF and images), with the headers of bawaba.documents.responses."""
    given = own_document(request.user, pk, document_pk)
    try:
        return document_response(given.stored, label=requirement_name(given.requirement))
    except DocumentNotOpenable:
        return render(
            request,
            "documents/candidate/not_openable.html",
            {"document": given, "name": requirement_name(given.requirement), "application_pk": pk},
            status=409,
        )


@login_not_required
@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/candidate/guide.html",
        {"max_megabytes": f"{settings.BAWABA_DOCUMENT_MAX_BYTES / (1024 * 1024):g}"},
    )
