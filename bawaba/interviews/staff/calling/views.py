"""Who is called to the interviews: the campaigns, the figures per province (scoped), a province's candidates with
the reason for anyone left out, and the calling rules (central administrators)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bawaba.accounts.permissions import (
    APPLICATION_READERS,
    central_admin_required,
    is_central_admin,
    staff_page,
)
from bawaba.campaigns.access import staff_scope
from bawaba.core.pagination import numbered_page
from bawaba.core.params import clean_text
from bawaba.interviews.calling import LeftOut
from bawaba.interviews.selectors import (
    call_rules,
    call_rules_versions,
    calls_in_province,
    calls_per_province,
    campaign_with_interviews,
    campaigns_with_interviews,
)
from bawaba.interviews.services.rules import save_call_rules
from bawaba.interviews.staff.calling.forms import CallRulesForm, ReasonFilterForm
from bawaba.territory.models import Province

CANDIDATES_PER_PAGE = 50


@staff_page(*APPLICATION_READERS)
@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "interviews/staff/calling/campaigns.html",
        {"campaigns": campaigns_with_interviews()[:50], "may_edit": is_central_admin(request.user)},
    )


@staff_page(*APPLICATION_READERS)
@require_GET
def called(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    rules = call_rules(campaign)
    lines = calls_per_province(campaign, rules, staff_scope(request.user))
    totals = {
        "candidates": sum(line.candidates for line in lines),
        "called": sum(line.called for line in lines),
        "left_out": [(reason, sum(line.count(reason) for line in lines)) for reason in LeftOut],
    }
    return render(
        request,
        "interviews/staff/calling/provinces.html",
        {
            "campaign": campaign,
            "rules": rules,
            "lines": lines,
            "reasons": list(LeftOut),
            "totals": totals,
            "may_edit_rules": is_central_admin(request.user),
        },
    )


@staff_page(*APPLICATION_READERS)
@require_GET
def called_province(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    code_text = clean_text(code, max_length=16)
    province = Province.objects.filter(code=code_text).select_related("region").first() if code_text else None
    if province is None or not staff_scope(request.user).covers(
        province_id=province.pk, region_id=province.region_id
    ):
        raise Http404
    form = ReasonFilterForm(request.GET)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    rules = call_rules(campaign)
    page = numbered_page(
        calls_in_province(campaign, rules, province, reason=reason),
        request.GET.get("page"),
        size=CANDIDATES_PER_PAGE,
    )
    return render(
        request,
        "interviews/staff/calling/province.html",
        {"campaign": campaign, "province": province, "page": page, "form": form, "reason": reason},
    )


@central_admin_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_with_interviews(slug)
    if request.method == "POST":
        form = CallRulesForm(request.POST)
        if form.is_valid():
            version = save_call_rules(
                campaign=campaign, rules=form.rules(), note=form.cleaned_data["note"], actor=request.user
            )
            messages.success(
                request,
                _("The calling rules in force are version %(version)d.") % {"version": version.version},
            )
            return redirect("interviews_staff:rules", slug=campaign.slug)
    else:
        form = CallRulesForm.of(call_rules(campaign))
    return render(
        request,
        "interviews/staff/calling/rules.html",
        {"campaign": campaign, "form": form, "versions": call_rules_versions(campaign)[:20]},
    )
