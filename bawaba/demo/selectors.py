"""Reads for the demo: the campaign, the territory as the generator's arrays, a digest of the generated data."""

import hashlib
import json

import numpy as np
from django.db.models import QuerySet

from bawaba.accounts.models import User
from bawaba.campaigns.models import Application, ApplicationChoice, Campaign, CommuneNeed
from bawaba.demo.generator import Territory
from bawaba.selection.models import SelectionRun
from bawaba.territory.models import Commune

DEMO_CAMPAIGN_SLUG = "rgph-2024"
DEMO_EMAIL_DOMAIN = "demo.bawaba.ma"

# Every application field the generator decides; the digest covers exactly these (not ids or creation times).
_DIGEST_APPLICATION_FIELDS = (
    "status",
    "cin",
    "first_name_ar",
    "last_name_ar",
    "first_name_latin",
    "last_name_latin",
    "search_name",
    "birth_date",
    "sex",
    "phone",
    "residence_commune__code",
    "category",
    "education_level",
    "education_field",
    "survey_experience_count",
    "survey_experience_detail",
    "ict_skill",
    "languages",
    "accepts_any_commune_in_province",
    "submitted_at",
    "created_at",
    "updated_at",
)


def demo_campaign() -> Campaign | None:
    return Campaign.objects.filter(slug=DEMO_CAMPAIGN_SLUG).first()


def demo_users() -> QuerySet[User]:
    """Every account of the demo: candidates and the demo staff (their e-mail domain is reserved to it)."""
    return User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")


def published_preselection() -> SelectionRun | None:
    """The demo census campaign's published preselection run, if `make demo` has published it."""
    return (
        SelectionRun.objects.filter(
            campaign__slug=DEMO_CAMPAIGN_SLUG,
            stage=SelectionRun.Stage.PRESELECTION,
            status=SelectionRun.Status.PUBLISHED,
        )
        .order_by("-pk")
        .first()
    )


def demo_preselection_published() -> bool:
    """Whether the demo campaign's preselection is published: `make demo` publishes it once, the first time."""
    return SelectionRun.objects.filter(
        campaign__slug=DEMO_CAMPAIGN_SLUG,
        stage=SelectionRun.Stage.PRESELECTION,
        status=SelectionRun.Status.PUBLISHED,
    ).exists()


def territory_for_demo() -> tuple[Territory, np.ndarray]:
    """The loaded communes as the generator's Territory, and their database ids in the same order."""
    rows = sorted(
        Commune.objects.values_list(
            "code", "province__code", "region__code", "population_2024", "households_2024", "id"
        )
    )
    # Sorted in Python: PostgreSQL's collation may ignore the dots in "01.511.01.0" and order codes otherwise.
    codes, provinces, regions, population, households, ids = zip(*rows, strict=True) if rows else ((),) * 6
    territory = Territory.from_communes(
        codes=list(codes),
        province_codes=list(provinces),
        region_codes=list(regions),
        population=list(population),
        households=list(households),
    )
    return territory, np.array(ids, dtype=np.int64)


def demo_data_digest(*, campaign: Campaign) -> str:
    """sha256 over the campaign's needs, candidates' accounts, applications and choices, in a canonical order.

    Keys are natural (e-mail, commune code), never ids, so two databases holding the same data agree whatever
    ids they assigned; values are rendered as JSON, so both engines' Python types give the same text.
    """
    digest = hashlib.sha256()

    def feed(label: str, rows: list) -> None:
        digest.update(label.encode())
        for line in sorted(json.dumps(row, default=str, ensure_ascii=False) for row in rows):
            digest.update(line.encode())
            digest.update(b"\n")

    feed(
        "needs",
        list(CommuneNeed.objects.filter(campaign=campaign).values_list("stage", "commune__code", "quantity")),
    )
    applications = Application.objects.filter(campaign=campaign)
    emails = dict(applications.values_list("id", "user__email"))
    feed(
        "users",
        [
            list(row)
            for row in User.objects.filter(applications__campaign=campaign).values_list(
                "email", "full_name", "kind", "preferred_language", "is_active", "is_staff", "date_joined"
            )
        ],
    )
    feed(
        "applications",
        [[emails[row[0]], *row[1:]] for row in applications.values_list("id", *_DIGEST_APPLICATION_FIELDS)],
    )
    feed(
        "choices",
        [
            [emails[application_id], rank, code]
            for application_id, rank, code in ApplicationChoice.objects.filter(
                application__campaign=campaign
            ).values_list("application_id", "rank", "commune__code")
        ],
    )
    return digest.hexdigest()
