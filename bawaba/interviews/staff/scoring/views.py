"""Scoring on a tablet: the sessions of her provinces, a session's candidates with their presence, the score form
on the grid (a correction needs a reason); and the grid itself (central administrators)."""

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bawaba.accounts.permissions import central_admin_required, staff_page
from bawaba.interviews.access import (
    SCORERS,
    scoring_convocation,
    scoring_scope,
    scoring_session,
    sessions_in_scope,
)
from bawaba.interviews.defaults import DEFAULT_GRID
from bawaba.interviews.grid import read_grid
from bawaba.interviews.models import InterviewScore
from bawaba.interviews.selectors import campaign_with_interviews, current_grid, grid_versions
from bawaba.interviews.services.scoring import correct_score, mark_presence, record_score, save_grid
from bawaba.interviews.staff.scoring.forms import GridForm, ScoreForm
from bawaba.interviews.staff.sessions.selectors import session_convocations


@staff_page(*SCORERS)
@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    since = timezone.localdate() - dt.timedelta(days=30)
    rows = (
        sessions_in_scope(scoring_scope(request.user))
        .filter(day__gte=since)
        .select_related("campaign", "province")
        .order_by("day", "starts_at", "pk")[:200]
    )
    return render(request, "interviews/staff/scoring/sessions.html", {"sessions": rows})


@staff_page(*SCORERS)
@require_GET
def session(request: HttpRequest, pk: int) -> HttpResponse:
    interview_session = scoring_session(request.user, pk)
    convocations = list(session_convocations(interview_session).select_related("score"))
    return render(
        request,
        "interviews/staff/scoring/session.html",
        {"session": interview_session, "convocations": convocations},
    )


@staff_page(*SCORERS)
@require_POST
def presence(request: HttpRequest, pk: int, convocation: int) -> HttpResponse:
    interview_session = scoring_session(request.user, pk)
    entry = scoring_convocation(request.user, interview_session, convocation)
    answer = request.POST.get("present")
    if answer not in ("yes", "no"):
        messages.error(request, _("Say whether the candidate is present or absent."))
    else:
        try:
            mark_presence(convocation=entry, present=answer == "yes", actor=request.user)
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
    return redirect("interviews_staff:scoring_session", pk=interview_session.pk)


@staff_page(*SCORERS)
@require_http_methods(["GET", "POST"])
def score_page(request: HttpRequest, pk: int, convocation: int) -> HttpResponse:
    interview_session = scoring_session(request.user, pk)
    entry = scoring_convocation(request.user, interview_session, convocation)
    existing = InterviewScore.objects.filter(convocation=entry).select_related("grid").first()
    grid_version = existing.grid if existing is not None else current_grid(interview_session.campaign)
    grid = read_grid(grid_version.grid)
    initial = {f"level_{key}": value for key, value in (existing.levels if existing else {}).items()}
    form = ScoreForm(request.POST or None, initial=initial, grid=grid, correcting=existing is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if existing is None:
                record_score(convocation=entry, grid=grid_version, levels=form.levels(), actor=request.user)
            else:
                correct_score(
                    entry=existing,
                    levels=form.levels(),
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("The score is recorded."))
            return redirect("interviews_staff:scoring_session", pk=interview_session.pk)
    return render(
        request,
        "interviews/staff/scoring/score.html",
        {"session": interview_session, "convocation": entry, "form": form, "existing": existing},
    )


@central_admin_required
@require_http_methods(["GET", "POST"])
def grid_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    if request.method == "POST":
        form = GridForm(request.POST)
        if form.is_valid():
            version = save_grid(
                campaign=campaign,
                data=form.cleaned_data["grid"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
            messages.success(
                request, _("The grid in force is version %(version)d.") % {"version": version.version}
            )
            return redirect("interviews_staff:grid", slug=campaign.slug)
    else:
        form = GridForm(
            initial={"grid": json.dumps(current_grid(campaign).grid, ensure_ascii=False, indent=2)}
        )
    return render(
        request,
        "interviews/staff/scoring/grid.html",
        {
            "campaign": campaign,
            "form": form,
            "versions": grid_versions(campaign)[:20],
            "default": DEFAULT_GRID,
        },
    )
