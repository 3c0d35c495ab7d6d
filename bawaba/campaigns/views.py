"""The candidate's pages: campaigns (public), the application in steps. Her dashboard is the portal's.

Views validate a form, fetch through access.py, call a service and render or redirect. Every write answers with a
redirect (post/redirect/get), so that reloading a page never repeats it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bawaba.campaigns import access, schedule, selectors, services, steps
from bawaba.campaigns.forms import (
    ACTION,
    SHOW_PLACES,
    STEP_FORMS,
    AddCommuneForm,
    ProvinceFallbackForm,
    initial_for,
)
from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.rules.readable import readable_rules
from bawaba.campaigns.rules.reasons import application_problems
from bawaba.campaigns.rules.versions import campaign_rules, offers_province_fallback, rules_document
from bawaba.core import dates
from bawaba.core.bidi import isolate
from bawaba.core.contributions import APPLICATION_STATUS, CAMPAIGN_PAGE, WITHDRAWAL, render_sections
from bawaba.core.pagination import numbered_page
from bawaba.core.params import id_param, text_param

CAMPAIGNS_PER_PAGE = 20


# --- Public pages -------------------------------------------------------------------------------------------


@login_not_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    page = numbered_page(
        selectors.campaigns_open_or_upcoming(), request.GET.get("page"), size=CAMPAIGNS_PER_PAGE
    )
    return render(request, "campaigns/campaign_list.html", {"page": page})


@login_not_required
@require_GET
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.published_campaign(slug)
    now = timezone.now()
    application = access.own_application_in(campaign, request.user)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "application": application,
            "registration": schedule.registration_state(campaign, now=now),
            "timeline": schedule.timeline(campaign, campaign.stages.all(), now=now),
            # Who can apply: the campaign's current rules, the one source of eligibility.
            "eligibility": readable_rules(
                rules_document(campaign), registration_closes_on=schedule.age_reference_date(campaign)
            ),
            # What later stages show here (the selection's published reports), registered by their apps.
            "sections": render_sections(request, CAMPAIGN_PAGE, [campaign])[campaign.pk],
        },
    )


@login_not_required
@require_GET
def province_options(request: HttpRequest) -> HttpResponse:
    """HTMX: the <option>s of the provinces of `region`, and the commune select emptied (out of band)."""
    region_id = id_param(request.GET, "region")
    return render(
        request,
        "campaigns/partials/province_options.html",
        {
            "provinces": selectors.provinces_for_picker(region_id),
            "commune_select_id": _element_id(text_param(request.GET, "reset", max_length=60)),
        },
    )


@login_not_required
@require_GET
def commune_options(request: HttpRequest) -> HttpResponse:
    """HTMX: the <option>s of the communes of `province`."""
    province_id = id_param(request.GET, "province")
    return render(
        request,
        "campaigns/partials/commune_options.html",
        {"communes": selectors.communes_for_picker(province_id)},
    )


# --- The application ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Start (POST) or resume (GET) the application: straight to the first step still to fill in."""
    campaign = access.published_campaign(slug)
    application = access.own_application_in(campaign, request.user)
    now = timezone.now()
    if request.method == "POST":
        try:
            application = services.start_application(campaign=campaign, user=request.user)
        except services.ApplicationError as error:
            messages.error(request, error.message)
            return redirect("campaigns:detail", slug=slug)
        return _resume(application)
    if application is None or application.status == Application.Status.WITHDRAWN:
        return render(
            request,
            "campaigns/apply_start.html",
            {
                "campaign": campaign,
                "application": application,
                "registration": schedule.registration_state(campaign, now=now),
            },
        )
    if not _editable(application, now):
        return redirect("campaigns:application", pk=application.pk)
    return _resume(application)


@require_http_methods(["GET", "POST"])
def application_step(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    """One step of the form (identity, situation, experience, skills). "Show" buttons (the region -> province ->
    commune cascade without JavaScript) re-render the step with what was typed, without saving it."""
    if step not in STEP_FORMS:
        raise Http404
    editable = _editable_application(request, slug)
    if isinstance(editable, HttpResponse):
        return editable
    campaign, application = editable
    form_class = STEP_FORMS[step]
    if request.method == "POST" and request.POST.get(ACTION) == SHOW_PLACES:
        form = form_class.keeping_typed(request.POST, campaign=campaign)
    elif request.method == "POST":
        form = form_class(request.POST, campaign=campaign)
        if form.is_valid():
            try:
                services.save_step(application=application, step=step, data=form.cleaned_data)
            except services.ApplicationError as error:
                form.add_error(error.field, error.message)
            else:
                return redirect(_step_url(campaign, steps.next_step(step).slug))
    else:
        form = form_class(initial=initial_for(application, step), campaign=campaign)
    return _render_step(request, campaign, application, step, {"form": form})


@require_http_methods(["GET", "POST"])
def communes_step(request: HttpRequest, slug: str) -> HttpResponse:
    """The ranked communes: add one (picked region -> province -> commune), remove, move up or down."""
    editable = _editable_application(request, slug)
    if isinstance(editable, HttpResponse):
        return editable
    campaign, application = editable
    form = AddCommuneForm(campaign=campaign)
    if request.method == "POST":
        action = request.POST.get(ACTION, "")
        if action == SHOW_PLACES:
            form = AddCommuneForm.keeping_typed(request.POST, campaign=campaign)
        elif action == "add":
            form = AddCommuneForm(request.POST, campaign=campaign)
            if form.is_valid():
                try:
                    services.add_choice(application=application, commune=form.cleaned_data["commune"])
                except services.ApplicationError as error:
                    form.add_error(error.field, error.message)
                else:
                    return redirect(_step_url(campaign, steps.COMMUNES) + "#choices")
        elif action in ("remove", "up", "down"):
            commune_id = id_param(request.POST, "commune")
            try:
                if action == "remove":
                    services.remove_choice(application=application, commune_id=commune_id)
                else:
                    offset = -1 if action == "up" else 1
                    services.move_choice(application=application, commune_id=commune_id, offset=offset)
            except services.ApplicationError as error:
                messages.error(request, error.message)
            return redirect(_step_url(campaign, steps.COMMUNES) + "#choices")
        elif action == "province_fallback":
            # The step's last question, saved by the button that continues to the review (which, when the
            # campaign does not ask it, only continues).
            fallback = ProvinceFallbackForm(request.POST, offered=offers_province_fallback(campaign))
            fallback.is_valid()  # at most one optional checkbox: always valid
            if fallback.asks:
                try:
                    services.set_province_fallback(
                        application=application,
                        accepts=fallback.cleaned_data["accepts_any_commune_in_province"],
                    )
                except services.ApplicationError as error:
                    messages.error(request, error.message)
                    return redirect(_step_url(campaign, steps.COMMUNES) + "#province-fallback")
            return redirect(_step_url(campaign, steps.REVIEW))
        else:
            return redirect(_step_url(campaign, steps.COMMUNES))
    return _render_step(
        request,
        campaign,
        application,
        steps.COMMUNES,
        {
            "form": form,
            "choices": selectors.choices_of(application),
            "fallback_form": ProvinceFallbackForm.for_application(
                application, offered=offers_province_fallback(campaign)
            ),
        },
    )


@require_GET
def review(request: HttpRequest, slug: str) -> HttpResponse:
    editable = _editable_application(request, slug)
    if isinstance(editable, HttpResponse):
        return editable
    campaign, application = editable
    choices = selectors.choices_of(application)
    missing = steps.missing_steps(application, choice_count=len(choices))
    return _render_step(
        request,
        campaign,
        application,
        steps.REVIEW,
        {
            "choices": choices,
            "missing": missing,
            # What her answers fail under the current rules: the steps refused them, but the rules may have
            # changed since she answered. She is told here, before she submits.
            "ineligible": application_problems(
                application, campaign_rules(campaign), choice_count=len(choices) or None
            ),
            "reference": selectors.application_reference(application),
            "province_fallback_offered": offers_province_fallback(campaign),
        },
    )


@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.published_campaign(slug)
    application = access.own_application_in(campaign, request.user)
    # Only a signed-in candidate has one: request.user is then her account, whose e-mail the message names.
    if application is None or not request.user.is_authenticated:
        raise Http404
    if application.status == Application.Status.SUBMITTED:
        return redirect("portal:dashboard")  # a second click: already done, nothing more to say
    try:
        services.submit_application(
            application=application, base_url=request.build_absolute_uri("/"), language=get_language()
        )
    except services.ApplicationIncomplete:
        messages.error(request, _("Your application is not complete yet: fill in the steps marked below."))
        return redirect(_step_url(campaign, steps.REVIEW))
    except services.ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal:dashboard")
    messages.success(
        request,
        _("Your application was submitted. We sent a confirmation to %(email)s.")
        % {"email": isolate(request.user.email)},
    )
    return redirect("portal:dashboard")


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for confirmation (GET), then withdraw (POST)."""
    campaign = access.published_campaign(slug)
    application = access.own_application_in(campaign, request.user)
    if application is None:
        raise Http404
    if request.method == "POST":
        try:
            services.withdraw_application(application=application)
        except services.ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your application was withdrawn."))
        return redirect("portal:dashboard")
    if application.status != Application.Status.SUBMITTED:
        return redirect("portal:dashboard")
    now = timezone.now()
    return render(
        request,
        "campaigns/withdraw_confirm.html",
        {
            "campaign": campaign,
            "application": application,
            "registration": schedule.registration_state(campaign, now=now),
            # Once a selection is published, she is told what she gives up (the selection app's section).
            "sections": render_sections(request, WITHDRAWAL, [application])[application.pk],
        },
    )


# --- The candidate's own pages ------------------------------------------------------------------------------


@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The application as submitted, read-only (changes go through the steps while registration is open)."""
    application = access.application_for(request.user, pk)
    now = timezone.now()
    return render(
        request,
        "campaigns/application_detail.html",
        {
            "application": application,
            "campaign": application.campaign,
            "reference": selectors.application_reference(application),
            "choices": selectors.choices_of(application),
            "province_fallback_offered": offers_province_fallback(application.campaign),
            "editable": _editable(application, now),
            "steps": _step_links(application.campaign),
            # Once a later stage decided (the selection published), its word replaces "submitted".
            "status": next(
                iter(render_sections(request, APPLICATION_STATUS, [application])[application.pk]), ""
            ),
        },
    )


# --- Helpers ------------------------------------------------------------------------------------------------


def _editable(application: Application, now) -> bool:
    return schedule.can_change(application, now=now)


def _editable_application(request: HttpRequest, slug: str) -> tuple[Campaign, Application] | HttpResponse:
    """The campaign and the candidate's application, or the response for when she cannot change it (none yet,
    withdrawn, registration closed): the steps are only for an application that can still be changed.

    A form posted after the deadline is not turned away here: the service refuses it, and the page comes back
    with the message and everything she typed, rather than losing it on a redirect.
    """
    campaign = access.published_campaign(slug)
    application = access.own_application_in(campaign, request.user)
    if application is None or application.status == Application.Status.WITHDRAWN:
        return redirect("campaigns:apply", slug=slug)
    if request.method == "GET" and not _editable(application, timezone.now()):
        messages.warning(
            request,
            _("Registration closed on %(date)s at %(time)s: your application can no longer be changed.")
            % {
                "date": dates.day(campaign.registration_closes_at, get_language()),
                "time": dates.clock(campaign.registration_closes_at),
            },
        )
        return redirect("campaigns:application", pk=application.pk)
    return campaign, application


def _resume(application: Application) -> HttpResponse:
    step = steps.resume_step(application, choice_count=selectors.choice_count(application))
    return redirect(_step_url(application.campaign, step.slug))


def _step_url(campaign: Campaign, step: str) -> str:
    if step == steps.COMMUNES:
        return reverse("campaigns:communes", kwargs={"slug": campaign.slug})
    if step == steps.REVIEW:
        return reverse("campaigns:review", kwargs={"slug": campaign.slug})
    return reverse("campaigns:step", kwargs={"slug": campaign.slug, "step": step})


def _step_links(campaign: Campaign) -> list[tuple[steps.Step, str]]:
    return [(item, _step_url(campaign, item.slug)) for item in steps.STEPS]


def _render_step(
    request: HttpRequest, campaign: Campaign, application: Application, step: str, context: dict
) -> HttpResponse:
    now = timezone.now()
    current = steps.STEP_BY_SLUG[step]
    # The steps before the one she would resume at are answered: the step indicator says so in words.
    resume = steps.resume_step(application, choice_count=selectors.choice_count(application))
    return render(
        request,
        f"campaigns/step_{step}.html",
        {
            "campaign": campaign,
            "application": application,
            "step": current,
            "steps": _step_links(campaign),
            "answered_before": resume.number,
            "step_count": len(steps.STEPS),
            "previous_url": _step_url(campaign, prev.slug) if (prev := steps.previous_step(step)) else None,
            "closes_at": campaign.registration_closes_at,
            "registration": schedule.registration_state(campaign, now=now),
            **context,
        },
    )


def _element_id(value: str | None) -> str:
    """An element id from the query string, kept only if it is one of ours (letters, digits, _ and -)."""
    if value and len(value) <= 60 and value.replace("_", "").replace("-", "").isalnum() and value.isascii():
        return value
    return ""
