"""Reads for the central administrator's pages: the applications list and search, one application, daily counts."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower, TruncDate

from bawaba.accounts.models import User
from bawaba.campaigns.models import Application, ApplicationChoice, Campaign
from bawaba.campaigns.rules.versions import campaign_rules
from bawaba.campaigns.search import search_words
from bawaba.core.cin import normalise_cin
from bawaba.territory.models import Commune

CASABLANCA = ZoneInfo("Africa/Casablanca")
REGISTRATIONS_CACHE_SECONDS = 300
# Communes at least this populous (about 50 of 1,503) are searched the other way round: see _in_commune.
BIG_COMMUNE_POPULATION = 100_000


class QueryKind(StrEnum):
    NONE = "none"
    CIN = "cin"
    EMAIL = "email"
    NAME = "name"


@dataclass(frozen=True)
class ApplicationQuery:
    """What a staff search box's text was taken to mean, and the normalised value(s) it is matched with."""

    kind: QueryKind
    cin: str = ""
    email: str = ""
    words: tuple[str, ...] = ()


def classify_query(text: str) -> ApplicationQuery:
    """A CIN if it looks like one, an e-mail address if it has an @, otherwise names (Arabic or Latin script)."""
    text = (text or "").strip()
    if not text:
        return ApplicationQuery(QueryKind.NONE)
    try:
        # The form's own normaliser: a number typed any way it could have been typed there is found.
        return ApplicationQuery(QueryKind.CIN, cin=normalise_cin(text))
    except ValueError:
        pass
    if "@" in text and not any(ch.isspace() for ch in text):
        return ApplicationQuery(QueryKind.EMAIL, email=text.lower())
    # Only diacritics or tatweel fold to no word at all: a name search for nothing, which finds nothing.
    return ApplicationQuery(QueryKind.NAME, words=tuple(search_words(text)))


def applications_for_staff(
    *, campaign: Campaign | None = None, query: str = "", commune: Commune | None = None
) -> QuerySet[Application]:
    """Applications newest first (by id), filtered, with what the staff list shows already joined.

    The query is a CIN (exact, normalised), an e-mail address (exact, without case) or names: every folded word
    must appear in the folded names (Arabic-aware, see core.text). A commune matches the residence or any chosen
    commune, each application once however many times it matches.
    """
    applications = Application.objects.all()
    if campaign is not None:
        applications = applications.filter(campaign=campaign)
    parsed = classify_query(query)
    if parsed.kind is QueryKind.CIN:
        applications = applications.filter(cin=parsed.cin)
    elif parsed.kind is QueryKind.EMAIL:
        # LOWER(email) is what the unique constraint on accounts indexes: the lookup reads that index.
        owners = User.objects.alias(email_lower=Lower("email")).filter(email_lower=parsed.email)
        applications = applications.filter(user__in=owners.values("pk"))
    elif parsed.kind is QueryKind.NAME:
        if not parsed.words:
            applications = applications.none()
        for word in parsed.words:
            applications = applications.filter(search_name__contains=word)
    if commune is not None:
        applications = applications.filter(_in_commune(commune))
    return (
        applications.select_related("campaign", "user", "residence_commune")
        .only(
            "campaign__slug",
            "user__email",
            "residence_commune__code",
            "residence_commune__name_ar",
            "residence_commune__name_fr",
            "status",
            "cin",
            "first_name_ar",
            "last_name_ar",
            "first_name_latin",
            "last_name_latin",
            "submitted_at",
        )
        .annotate(choice_count=_choice_count())
        .order_by("-pk")
    )


def _in_commune(commune: Commune) -> Q:
    """Lives in the commune or chose it: a semi-join either way, so never a duplicate row.

    The two forms return the same rows; which is fast depends on the commune's size, which PostgreSQL's planner
    cannot estimate for an OR or a UNION (docs/benchmarks.md, 500,000 applications):
    * a small commune is a short list of ids: start from them (a UNION of the two indexed lookups). The OR form
      would test every row of the table, 0.2-0.5 s;
    * a big city holds tens of thousands of them: test the rows the other filters leave (a search, a page),
      residence OR EXISTS a choice. Building the city's id list first costs 0.2-0.6 s.
    The 2024 population, already on the row, tells them apart.
    """
    if commune.population_2024 >= BIG_COMMUNE_POPULATION:
        chose_it = ApplicationChoice.objects.filter(application=OuterRef("pk"), commune=commune)
        return Q(residence_commune=commune) | Q(Exists(chose_it))
    lives_there = Application.objects.filter(residence_commune=commune).order_by().values("pk")
    chose_there = ApplicationChoice.objects.filter(commune=commune).order_by().values("application_id")
    return Q(pk__in=lives_there.union(chose_there, all=True))


def _choice_count() -> Coalesce:
    """How many communes an application chose: a correlated count, computed for the rows of one page only."""
    counts = (
        ApplicationChoice.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def application_for_staff(pk: int) -> Application:
    """One application with its campaign, account, residence and ranked choices (raises DoesNotExist)."""
    choices = ApplicationChoice.objects.select_related("commune__province").order_by("rank")
    return (
        Application.objects.select_related("campaign", "user", "residence_commune__province__region")
        .prefetch_related(Prefetch("choices", queryset=choices))
        .get(pk=pk)
    )


def registrations_by_day(*, campaign: Campaign) -> list[tuple[dt.date, int]]:
    """(day, count) of the campaign's submitted applications by their submission day in Morocco, days in order.

    Withdrawn applications count on the day they were submitted; drafts do not count. Days without any are left
    out (the chart fills them in).
    """
    rows = (
        Application.objects.filter(campaign=campaign, submitted_at__isnull=False)
        .exclude(status=Application.Status.DRAFT)
        .annotate(day=TruncDate("submitted_at", tzinfo=CASABLANCA))
        .order_by("day")
        .values("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    return list(rows)


def recent_registrations_by_day(*, campaign: Campaign) -> list[tuple[dt.date, int]]:
    """registrations_by_day, computed at most every REGISTRATIONS_CACHE_SECONDS per campaign.

    Counting a national campaign reads every one of its applications (0.4-1 s at 500,000 on PostgreSQL, seconds on
    SQLite: docs/benchmarks.md); a chart a few minutes old is as useful, and a reload must not pay that again.
    """
    key = f"staff:registrations-by-day:{campaign.pk}"
    days = cache.get_or_set(key, lambda: registrations_by_day(campaign=campaign), REGISTRATIONS_CACHE_SECONDS)
    return days or []


def campaigns_for_staff() -> QuerySet[Campaign]:
    """Every campaign, newest registration first: the staff filters' choices."""
    return Campaign.objects.order_by("-registration_opens_at", "-pk").only(
        "slug", "title_ar", "title_fr", "title_en", "registration_opens_at"
    )


EXPORT_HEADER = (
    "application",
    "campaign",
    "status",
    "cin",
    "last_name_ar",
    "first_name_ar",
    "last_name_latin",
    "first_name_latin",
    "email",
    "residence_commune",
    "submitted_at",
)


def export_rows(applications: QuerySet[Application]) -> Iterator[tuple]:
    """One CSV row per application, newest first, read in chunks (a server-side cursor on PostgreSQL)."""
    rows = applications.order_by("-pk").values_list(
        "pk",
        "campaign__slug",
        "status",
        "cin",
        "last_name_ar",
        "first_name_ar",
        "last_name_latin",
        "first_name_latin",
        "user__email",
        "residence_commune__code",
        "submitted_at",
    )
    for row in rows.iterator(chunk_size=2000):
        submitted_at = row[-1]
        yield (*row[:-1], submitted_at.isoformat() if submitted_at else "")


def campaigns_for_setup() -> QuerySet[Campaign]:
    """Every campaign, newest registration first, with its administration: the set-up list."""
    return Campaign.objects.select_related("administration").order_by("-registration_opens_at", "-pk")


def campaign_for_setup(slug: str) -> Campaign:
    """One campaign, published or not, with its administration and stages (Campaign.DoesNotExist if none)."""
    return Campaign.objects.select_related("administration").prefetch_related("stages").get(slug=slug)


def admitted_categories(campaign: Campaign) -> list[str]:
    """The categories the campaign's current rules admit (the census defaults before any version), as labels."""
    labels = dict(Application.Category.choices)
    return [str(labels.get(code, code)) for code in campaign_rules(campaign).categories]
