"""Interview sessions of a campaign: per province (scoped), its sessions and their room, a new session, the
convocation of the province's called candidates, and a session's list of convoked candidates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bawaba.accounts.permissions import APPLICATION_READERS, staff_page
from bawaba.campaigns.access import staff_scope
from bawaba.core.params import clean_text
from bawaba.core.pdf import render_pdf
from bawaba.interviews.models import InterviewSession
from bawaba.interviews.selectors import campaign_with_interviews, provinces_in_scope
from bawaba.interviews.services.convocations import convoke_province
from bawaba.interviews.services.sessions import create_session, delete_session
from bawaba.interviews.staff.sessions.forms import SessionForm
from bawaba.interviews.staff.sessions.selectors import (
    session_convocations,
    sessions_of,
    sessions_per_province,
)
from bawaba.territory.models import Province


def _province_in_scope(request: HttpRequest, code: str) -> Province:
    """The province of the URL, if the staff member may see it; 404 otherwise, as a missing one."""
    code_text = clean_text(code, max_length=16)
    province = Province.objects.filter(code=code_text).select_related("region").first() if code_text else None
    if province is None or not staff_scope(request.user).covers(
        province_id=province.pk, region_id=province.region_id
    ):
        raise Http404
    return province


def _session(campaign, province: Province, pk: int) -> InterviewSession:
    session = InterviewSession.objects.filter(campaign=campaign, province=province, pk=pk).first()
    if session is None:
        raise Http404
    return session


@staff_page(*APPLICATION_READERS)
@require_GET
def provinces(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    lines = sessions_per_province(campaign, provinces_in_scope(staff_scope(request.user)))
    return render(request, "interviews/staff/sessions/provinces.html", {"campaign": campaign, "lines": lines})


@staff_page(*APPLICATION_READERS)
@require_http_methods(["GET", "POST"])
def province_sessions(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = _province_in_scope(request, code)
    form = SessionForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        try:
            create_session(
                campaign=campaign,
                province=province,
                plan=form.plan(),
                interviewers=list(form.cleaned_data["interviewers"]),
                actor=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("The session is set up."))
            return redirect("interviews_staff:province_sessions", slug=campaign.slug, code=province.code)
    return render(
        request,
        "interviews/staff/sessions/province.html",
        {
            "campaign": campaign,
            "province": province,
            "sessions": sessions_of(campaign, province),
            "form": form,
        },
    )


@staff_page(*APPLICATION_READERS)
@require_POST
def convoke(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = _province_in_scope(request, code)
    result = convoke_province(campaign=campaign, province=province, actor=request.user)
    messages.success(
        request,
        _("%(convoked)d candidates convoked; %(unplaced)d called candidates without room in any session yet.")
        % {"convoked": result.convoked, "unplaced": result.unplaced},
    )
    return redirect("interviews_staff:province_sessions", slug=campaign.slug, code=province.code)


@staff_page(*APPLICATION_READERS)
@require_GET
def session_detail(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = _province_in_scope(request, code)
    session = _session(campaign, province, pk)
    return render(
        request,
        "interviews/staff/sessions/session.html",
        {
            "campaign": campaign,
            "province": province,
            "session": session,
            "slots": session.slots.all(),
            "convocations": session_convocations(session),
        },
    )


@staff_page(*APPLICATION_READERS)
@require_POST
def session_delete(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    province = _province_in_scope(request, code)
    session = _session(campaign, province, pk)
    try:
        delete_session(session=session, actor=request.user)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, _("The session is deleted."))
    return redirect("interviews_staff:province_sessions", slug=campaign.slug, code=province.code)


@staff_page(*APPLICATION_READERS)
@require_GET
def session_print(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    """The session's list as a PDF to print: names in both scripts, a column to sign."""
    campaign = campaign_with_interviews(slug)
    province = _province_in_scope(request, code)
    session = _session(campaign, province, pk)
    pdf = render_pdf(
        "interviews/staff/sessions/session_print.html",
        {
            "campaign": campaign,
            "province": province,
            "session": session,
            "convocations": session_convocations(session),
            "printed_at": timezone.now(),
        },
        language=get_language(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="session-{session.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
