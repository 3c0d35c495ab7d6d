"""The central administrator's selection pages: rules versions, runs (launch, follow, publish, verify).

Every write is a POST answered by a redirect, except publishing and verifying when they fail or report: the run's
page is then shown again with the message (and a verification, which writes nothing, shows its lines). Computing
and publishing a run are a worker's tasks; the run's page follows them.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from bawaba.accounts import ratelimit
from bawaba.accounts.permissions import central_admin_required
from bawaba.campaigns import schedule
from bawaba.campaigns.models import Campaign, CampaignRules
from bawaba.campaigns.rules.parser import RulesError
from bawaba.campaigns.rules.problems import describe_all
from bawaba.campaigns.rules.readable import ReadableRules, readable_rules
from bawaba.campaigns.rules.rounding import campaign_rounding_warning
from bawaba.campaigns.rules.versions import campaign_rules, current_rules, save_rules_version
from bawaba.core.http import HtmxHttpRequest
from bawaba.core.pagination import numbered_page
from bawaba.selection import services
from bawaba.selection.models import PlaceRelease, SelectionRun
from bawaba.selection.staff.forms import LaunchRunForm, PublishRunForm, RulesForm, initial_from_rules
from bawaba.selection.staff.selectors import (
    campaign_for_selection,
    campaigns_for_selection,
    promotion_rounds_of,
    published_run_of,
    regions_for_rules,
    releases_since_last_round,
    rules_history,
    rules_version_of,
    run_for_staff,
    run_for_verification,
    runs_of,
)
from bawaba.territory.models import Region

RUNS_PER_PAGE = 20

# The steps services.compute_run reports, as the page names them.
STEP_LABELS = {
    "read": gettext_lazy("Reading the applications"),
    "allocate": gettext_lazy("Allocating the places"),
    "write": gettext_lazy("Writing the report"),
    "done": gettext_lazy("Done"),
}
TIMING_LABELS = {
    "read": gettext_lazy("Reading the applications"),
    "freeze": gettext_lazy("Freezing the inputs"),
    "prepare": gettext_lazy("Eligibility, scores and priorities"),
    "allocate": gettext_lazy("Allocation (deferred acceptance)"),
    "check": gettext_lazy("Checking the guarantees"),
    "write_report": gettext_lazy("Writing the report"),
    "publish_recompute": gettext_lazy("Recomputing before publishing"),
    "publish_write": gettext_lazy("Writing the decisions"),
}
TOTAL_LABELS = {
    "candidates": gettext_lazy("Candidates"),
    "eligible": gettext_lazy("Eligible"),
    "admitted": gettext_lazy("Admitted"),
    "waitlisted": gettext_lazy("On a waiting list"),
    "needs": gettext_lazy("Needs (trainees)"),
    "places": gettext_lazy("Places (needs × over-selection factor)"),
    "communes_with_needs": gettext_lazy("Communes with needs"),
    "communes_short": gettext_lazy("Communes with fewer admitted than needs"),
    "shortfall": gettext_lazy("Shortfall (needs not met)"),
    "fallback_admitted": gettext_lazy("Admitted in a commune of her province she did not choose"),
    "rounds": gettext_lazy("Rounds of the allocation"),
}


def _campaign(slug: str) -> Campaign:
    try:
        return campaign_for_selection(slug)
    except Campaign.DoesNotExist:
        raise Http404 from None


def _regions() -> list[Region]:
    return regions_for_rules()


# --- Campaigns ------------------------------------------------------------------------------------------------


@central_admin_required
@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "selection/staff/campaigns.html", {"campaigns": campaigns_for_selection()})


# --- Rules ----------------------------------------------------------------------------------------------------


@central_admin_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    current = current_rules(campaign)
    regions = _regions()
    # age_on is not on the form: a new version keeps the current one's (None = the day registration closes).
    age_on = (current.rules.get("eligibility") or {}).get("age_on") if current else None
    form = RulesForm(
        request.POST or None,
        campaign=campaign,
        regions=regions,
        age_on=age_on,
        initial=initial_from_rules(current.rules if current else None),
    )
    engine_problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_rules_version(
                campaign=campaign, rules=form.rules(), note=form.cleaned_data["note"], actor=request.user
            )
        except RulesError as error:
            engine_problems = describe_all(error.problems)
        else:
            messages.success(
                request, _("Version %(version)s of the rules is saved.") % {"version": saved.version}
            )
            return redirect("selection_staff:rules", slug=campaign.slug)
    return render(
        request,
        "selection/staff/rules.html",
        {
            "campaign": campaign,
            "current": current,
            "shown": _readable(current, campaign) if current else None,
            # What rounding up the places does with the current rules (the defaults before any version).
            "rounding": campaign_rounding_warning(campaign, campaign_rules(campaign)),
            "history": rules_history(campaign),
            "form": form,
            "age_on": age_on,
            "engine_problems": engine_problems,
        },
    )


@central_admin_required
@require_GET
def rules_version(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    campaign = _campaign(slug)
    try:
        shown = rules_version_of(campaign, version)
    except CampaignRules.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "selection/staff/rules_version.html",
        {"campaign": campaign, "version": shown, "shown": _readable(shown, campaign)},
    )


def _readable(version: CampaignRules, campaign: Campaign) -> ReadableRules:
    return readable_rules(version.rules, registration_closes_on=schedule.age_reference_date(campaign))


# --- Runs -----------------------------------------------------------------------------------------------------


@central_admin_required
@require_http_methods(["GET", "POST"])
def runs(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    obstacles = services.launch_obstacles(campaign)
    # The final selection's own obstacles, shown beside the preselection's.
    field_obstacles = services.launch_obstacles(campaign, stage=SelectionRun.Stage.FIELD)
    launchable: list[str] = [
        stage
        for stage, its_obstacles in (
            (SelectionRun.Stage.PRESELECTION, obstacles),
            (SelectionRun.Stage.FIELD, field_obstacles),
        )
        if not its_obstacles
    ]
    form = LaunchRunForm(request.POST or None, stages=launchable or None)
    # Posted anyway (an old tab), the launch is refused by create_run with the same reason the page shows.
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(
                campaign=campaign,
                seed=form.cleaned_data["seed"],
                actor=request.user,
                stage=form.cleaned_data["stage"],
            )
        except services.SelectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Run %(number)s is queued.") % {"number": run.pk})
            return redirect("selection_staff:run", pk=run.pk)
    page = numbered_page(runs_of(campaign), request.GET.get("page"), size=RUNS_PER_PAGE)
    return render(
        request,
        "selection/staff/runs.html",
        {
            "campaign": campaign,
            "page": page,
            "form": form,
            "current": current_rules(campaign),
            # Why a run cannot be launched now: the page shows these instead of the form.
            "obstacles": obstacles,
            "field_obstacles": field_obstacles,
            "rehearsal": schedule.registration_state(campaign, now=timezone.now()) != schedule.CLOSED,
        },
    )


def _run_or_404(pk: int) -> SelectionRun:
    try:
        return run_for_staff(pk)
    except SelectionRun.DoesNotExist:
        raise Http404 from None


def _render_run(
    request: HttpRequest,
    run: SelectionRun,
    *,
    publish_form: PublishRunForm | None = None,
    verification: services.Verification | None = None,
) -> HttpResponse:
    totals = (run.summary or {}).get("totals", {})
    return render(
        request,
        "selection/staff/run_detail.html",
        {
            "run": run,
            "campaign": run.campaign,
            "step_label": STEP_LABELS.get(run.progress_step, run.progress_step),
            "timings": [
                (TIMING_LABELS.get(key, key), seconds) for key, seconds in (run.timings or {}).items()
            ],
            "totals": [(label, totals[key]) for key, label in TOTAL_LABELS.items() if key in totals],
            "publish_form": publish_form or PublishRunForm(user=request.user),
            # Stored in the source language by the worker (services.publish_requested_run), read in the reader's.
            "publish_error": _(run.publish_error) if run.publish_error else "",
            "verification": verification,
        },
    )


@central_admin_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_run(request, _run_or_404(pk))


@central_admin_required
@require_GET
def run_progress(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the run's page polls; once no worker has anything left to do, htmx reloads the page."""
    run = _run_or_404(pk)
    if request.htmx and not run.is_in_progress:
        return HttpResponseClientRefresh()
    return render(
        request,
        "selection/staff/_run_progress.html",
        {"run": run, "step_label": STEP_LABELS.get(run.progress_step, run.progress_step)},
    )


@central_admin_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    form = PublishRunForm(request.POST, user=request.user, client_ip=ratelimit.client_ip(request))
    if form.is_valid():
        try:
            services.request_publication(run=run, actor=request.user)
        except services.SelectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Publication requested: a worker recomputes run %(number)s and writes every candidate's "
                    "decision. This page shows when it is done."
                )
                % {"number": run.pk},
            )
            return redirect("selection_staff:run", pk=run.pk)
    return _render_run(request, run, publish_form=form)


@central_admin_required
@require_POST
def run_verify(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    try:
        # The recomputation needs the frozen inputs this page otherwise never loads.
        verification = services.verify_run(run=run_for_verification(run.pk))
    except ValueError as error:  # a broken archive or rules a run can no longer read
        verification = services.Verification([services.VerificationLine(str(error))], ok=False)
    return _render_run(request, run, verification=verification)


@central_admin_required
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Start again a job whose worker stopped (or a failed computation): a worker takes it up."""
    run = _run_or_404(pk)
    try:
        job = services.retry_run(run=run, actor=request.user)
    except services.SelectionError as error:
        messages.error(request, str(error))
    else:
        if job == services.PUBLICATION:
            messages.success(
                request,
                _("The publication of run %(number)s is handed to a worker again.") % {"number": run.pk},
            )
        else:
            messages.success(request, _("Run %(number)s is queued again.") % {"number": run.pk})
    return redirect("selection_staff:run", pk=run.pk)


# --- Waiting-list promotion -----------------------------------------------------------------------------------


@central_admin_required
@require_http_methods(["GET", "POST"])
def promotion(request: HttpRequest, slug: str) -> HttpResponse:
    """The places released since the last round, a round on demand (POST), and the rounds with their figures, for
    the stage of `?stage=` (the preselection's training places by default, or the final selection's reserve)."""
    campaign = _campaign(slug)
    stage = request.GET.get("stage", SelectionRun.Stage.PRESELECTION)
    if stage not in SelectionRun.Stage.values:
        raise Http404
    run = published_run_of(campaign, stage)
    if request.method == "POST":
        try:
            promotion_round = services.run_promotion_round(campaign=campaign, actor=request.user, stage=stage)
        except services.SelectionError as error:
            messages.error(request, str(error))
        else:
            if promotion_round is None:
                messages.info(request, _("Nothing was released since the last round: no new round."))
            else:
                messages.success(
                    request,
                    _("Round %(number)s is done: %(promotions)s candidates promoted.")
                    % {"number": promotion_round.number, "promotions": promotion_round.summary["promotions"]},
                )
        url = reverse("selection_staff:promotion", args=[campaign.slug])
        return redirect(url if stage == SelectionRun.Stage.PRESELECTION else f"{url}?stage={stage}")
    released = releases_since_last_round(run) if run else {}
    return render(
        request,
        "selection/staff/promotion.html",
        {
            "campaign": campaign,
            "run": run,
            "stage": stage,
            "stages": SelectionRun.Stage.choices,
            "released": [(reason.label, released.get(reason.value, 0)) for reason in PlaceRelease.Reason],
            "released_total": sum(released.values()),
            "rounds": promotion_rounds_of(run) if run else [],
        },
    )
