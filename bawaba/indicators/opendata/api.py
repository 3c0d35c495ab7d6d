"""The public, read-only API (/api/v1/, django-ninja; docs/decisions/0034-django-ninja-public-api.md).

What it serves is already public on the site: the campaigns that publish open data and each one's release as built
(small counts suppressed), the indicators' definitions in the reader's language, and the published selection
reports (figures per commune, never a person). Every list is paginated, every parameter validated (a bad one is a
4xx JSON answer), every client limited to a number of requests per minute (429). The OpenAPI 3 document and its
documentation page are served by the platform itself, with the Swagger UI files django-ninja ships (no CDN).
"""

import datetime as dt
import json
import threading
from typing import Any, Literal

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Router, Schema
from ninja.errors import Throttled
from ninja.openapi.docs import Swagger
from ninja.pagination import PageNumberPagination, paginate
from ninja.throttling import BaseThrottle

from bawaba.accounts import ratelimit
from bawaba.campaigns.access import published_campaign
from bawaba.core.security import CONTENT_SECURITY_POLICY
from bawaba.indicators.opendata import selectors
from bawaba.selection import selectors as selection
from bawaba.selection.models import SelectionRun

SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,60}$"
Language = Literal["ar", "fr", "en"]
Stage = Literal["preselection", "field"]  # SelectionRun.Stage's values (a test checks they agree)


# --- Limits ----------------------------------------------------------------------------------------------------


class ClientRateLimit(BaseThrottle):
    """The site's own fixed-window limit per client address (accounts.ratelimit, in the cache every process
    shares, behind the same proxies setting as the sign-in's), scope "api:ip"."""

    _state = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._state.wait = ratelimit.hit("api:ip", ratelimit.client_ip(request))
        return self._state.wait == 0

    def wait(self) -> float | None:
        return getattr(self._state, "wait", 0) or None


class Pagination(PageNumberPagination):
    """Pages of 50 by default, 200 at most; a page number past 100,000 is refused (no list is that long)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int = Field(50, ge=1, le=200)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=50, max_page_size=200, **kwargs)


class Docs(Swagger):
    """Swagger UI from the files django-ninja ships, in a page of ours (its language, its title, our start-up
    script: ninja's reads its settings from an inline JSON block)."""

    template = "indicators/opendata/api_docs.html"


def _docs_policy(view):
    """The documentation page only: Swagger UI's stylesheet draws its icons from data: images."""

    def with_policy(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "img-src 'self'", "img-src 'self' data:"
        )
        return response

    return with_policy


api = NinjaAPI(
    title="Bawaba open data",
    version="1",
    description=(
        "The public, read-only figures of Bawaba's campaigns: open data with small counts suppressed, the "
        "indicators' definitions, the published selection reports. No personal data. Rate-limited per client "
        "address (429 with Retry-After); read from any origin."
    ),
    urls_namespace="api-1",
    docs=Docs(),
    docs_decorator=_docs_policy,
    throttle=[ClientRateLimit()],
)


@api.exception_handler(Throttled)
def too_many_requests(request: HttpRequest, exc: Throttled) -> HttpResponse:
    message = _("Too many requests from your address: wait a little, then try again.")
    return api.create_response(request, {"detail": message}, status=429)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


class Error(Schema):
    detail: Any


ERRORS: dict[int, Any] = {404: Error, 422: Error, 429: Error}


# --- Schemas ---------------------------------------------------------------------------------------------------


class CampaignOut(Schema):
    slug: str
    title_ar: str
    title_fr: str
    refreshed_at: dt.datetime = Field(description="The time of the figures.")
    threshold: int = Field(description="Counts from 1 to this value minus one are suppressed.")
    open_data: str = Field(description="This campaign's open data in the API.")
    selection_reports: str = Field(description="Its published selection reports in the API.")


class IndicatorOut(Schema):
    key: str = Field(description="Stable name: the open data's column.")
    name: str
    definition: str
    unit: str
    dimensions: list[str]


class ParentOut(Schema):
    dimension: str = Field(description="nation, region or province.")
    code: str


class RowOut(Schema):
    code: str = Field(description='An area\'s code, a category, a day (ISO) or a kind; "" for unknown.')
    name_ar: str
    name_fr: str
    values: dict[str, int | None] = Field(description="By indicator key; null where suppressed.")


class TableOut(Schema):
    dimension: str = Field(description="region, province, commune, category, day or kind.")
    parent: ParentOut
    keys: list[str]
    rows: list[RowOut]
    total: dict[str, int | None]


class OpenDataOut(Schema):
    indicators: list[IndicatorOut]
    campaign: str
    title_ar: str
    title_fr: str
    refreshed_at: dt.datetime
    built_at: dt.datetime
    threshold: int
    keys: list[str]
    exempt: list[str] = Field(description="Indicators published in full (needs count posts, not people).")
    totals: dict[str, int | None]
    tables: list[TableOut]


class RunOut(Schema):
    stage: str
    run: int
    published_at: dt.datetime | None
    totals: dict[str, Any]
    by_category: dict[str, Any]
    communes: str = Field(description="Its lines per commune in the API.")


class CommuneLineOut(Schema):
    region_code: str
    province_code: str
    commune_code: str
    commune_name_ar: str
    commune_name_fr: str
    needs: int
    places: int
    candidates: int
    first_choice: int
    admitted: int
    is_full: bool
    cutoff_priority: int | None
    cutoff_lottery: str | None
    shortfall: int
    waitlist_length: int


# --- Operations ------------------------------------------------------------------------------------------------

router = Router()
SlugParam = Path(..., pattern=SLUG_PATTERN, description="The campaign's short name.")
StageParam = Path(..., description="preselection or field.")
LanguageParam = Query(None, description="ar, fr or en; otherwise the request's Accept-Language.")


def _in_language(lang: str | None) -> translation.override:
    return translation.override(lang or translation.get_language())


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS}, tags=["open data"])
@paginate(Pagination)
def campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    """The campaigns that publish open data, the latest first."""
    return [
        {
            "slug": campaign.slug,
            "title_ar": campaign.title_ar,
            "title_fr": campaign.title_fr,
            "refreshed_at": campaign.open_data_release.refreshed_at,
            "threshold": campaign.open_data_release.threshold,
            "open_data": reverse("api-1:open_data", args=[campaign.slug]),
            "selection_reports": reverse("api-1:selection_reports", args=[campaign.slug]),
        }
        for campaign in selectors.open_data_campaigns()
    ]


@router.get(
    "/campaigns/{slug}/open-data",
    response={200: OpenDataOut, **ERRORS},
    url_name="open_data",
    tags=["open data"],
)
def open_data(request: HttpRequest, slug: str = SlugParam, lang: Language | None = LanguageParam):
    """A campaign's open data as published: every table, small counts suppressed (null), and the indicators'
    definitions in the language asked for."""
    release = selectors.public_release(slug)
    if release is None:
        raise Http404
    text = selectors.payload_text(release)
    with _in_language(lang):
        keys = selectors.payload(release)["keys"]
        indicators = json.dumps([d.as_json() for d in selectors.definitions(keys)], ensure_ascii=False)
    # The stored JSON as it is (megabytes at national scale): no parsing, no validation on the way out.
    return HttpResponse('{"indicators":' + indicators + "," + text[1:], content_type="application/json")


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS}, tags=["open data"])
@paginate(Pagination)
def indicators(request: HttpRequest, lang: Language | None = LanguageParam) -> list[dict[str, Any]]:
    """Every registered indicator: its stable key, name, definition, unit and dimensions."""
    with _in_language(lang):
        return [definition.as_json() for definition in selectors.definitions()]


def _published_campaign(slug: str):
    return published_campaign(slug)  # Http404 for an unknown or unpublished campaign


@router.get(
    "/campaigns/{slug}/selection-reports",
    response={200: list[RunOut], **ERRORS},
    url_name="selection_reports",
    tags=["selection"],
)
@paginate(Pagination)
def selection_reports(request: HttpRequest, slug: str = SlugParam) -> list[dict[str, Any]]:
    """The campaign's published selection reports (a stage's run, once published): totals and categories."""
    campaign = _published_campaign(slug)
    reports = []
    for stage in SelectionRun.Stage.values:
        run = selection.published_run(campaign, stage)
        if run is None:
            continue
        summary = run.summary or {}
        reports.append(
            {
                "stage": run.stage,
                "run": run.pk,
                "published_at": run.published_at,
                "totals": summary.get("totals") or {},
                "by_category": summary.get("by_category") or {},
                "communes": reverse("api-1:selection_communes", args=[slug, run.stage]),
            }
        )
    return reports


@router.get(
    "/campaigns/{slug}/selection-reports/{stage}/communes",
    response={200: list[CommuneLineOut], **ERRORS},
    url_name="selection_communes",
    tags=["selection"],
)
@paginate(Pagination)
def selection_communes(
    request: HttpRequest,
    slug: str = SlugParam,
    stage: Stage = StageParam,
) -> list[dict[str, Any]]:
    """A published report's line per commune: needs, places, candidates, admitted, the cutoff, by commune code."""
    run = selection.published_run(_published_campaign(slug), stage)
    if run is None:
        raise Http404
    return [selection.commune_data(commune) for commune in selection.commune_figures(run)]


api.add_router("/", router)


def _open_to_everyone(patterns: list[URLPattern | URLResolver]) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open_to_everyone(pattern.url_patterns)
        else:
            login_not_required(pattern.callback)


def urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URL patterns for config/urls.py, open without signing in (LoginRequiredMiddleware)."""
    patterns, app_name, namespace = api.urls
    _open_to_everyone(patterns)
    return patterns, app_name, namespace
