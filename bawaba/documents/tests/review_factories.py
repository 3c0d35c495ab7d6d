"""Dossiers for the review's tests, made directly (the invitation service is another part's): a campaign, places in
two provinces of different regions, staff of each scope, and dossiers with their files."""

import datetime as dt
from types import SimpleNamespace

from django.db.models import Count
from django.utils import timezone

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.tests.factories import UserFactory
from bawaba.campaigns.models import Application
from bawaba.campaigns.tests.factories import ApplicationFactory, CampaignFactory
from bawaba.documents.models import (
    Dossier,
    DossierDocument,
    Requirement,
    ScanState,
    StoredDocument,
)
from bawaba.documents.services.files import keep_upload
from bawaba.documents.tests import samples
from bawaba.territory.models import Commune, Province

Role = Assignment.Role
Status = Dossier.Status
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def two_provinces() -> SimpleNamespace:
    """Two provinces of different regions, each with at least two communes."""
    provinces = list(
        Province.objects.annotate(n=Count("communes"))
        .filter(n__gte=2)
        .select_related("region")
        .order_by("code")
    )
    first = provinces[0]
    second = next(p for p in provinces if p.region_id != first.region_id)
    return SimpleNamespace(
        mine=first,
        theirs=second,
        my_communes=list(Commune.objects.filter(province=first).order_by("code")[:2]),
        their_communes=list(Commune.objects.filter(province=second).order_by("code")[:2]),
    )


def staff(email: str, role: str, *, provinces=(), region=None) -> User:
    user = UserFactory(email=email, kind=User.Kind.STAFF, preferred_language="fr")
    assignment = Assignment.objects.create(user=user, role=role, region=region)
    if provinces:
        assignment.provinces.set(provinces)
    return user


def supervisor_of(province: Province, email: str = "") -> User:
    return staff(
        email or f"supervisor-{province.pk}@example.ma", Role.PROVINCIAL_SUPERVISOR, provinces=[province]
    )


def campaign_with_requirements(slug: str = "rgph-docs"):
    campaign = CampaignFactory(slug=slug, title_fr="Recensement", title_ar="الإحصاء")
    Requirement.objects.create(
        campaign=campaign, key="cin", name_ar="البطاقة الوطنية", name_fr="Carte nationale", order=1
    )
    Requirement.objects.create(
        campaign=campaign,
        key="diploma",
        name_ar="الشهادة",
        name_fr="Diplôme",
        order=2,
        categories=[Application.Category.GRADUATE],
    )
    return campaign


def dossier(
    campaign,
    commune: Commune,
    *,
    status: str = Status.SUBMITTED,
    submitted_at: dt.datetime | None = None,
    category: str = Application.Category.GRADUATE,
    language: str = "fr",
    with_files: bool = False,
    **application_fields,
) -> Dossier:
    """A dossier of a new candidate in `commune`; `with_files` stores a real PDF and PNG for its requirements."""
    user = UserFactory(preferred_language=language)
    application = ApplicationFactory(
        campaign=campaign,
        user=user,
        status=Application.Status.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(days=30),
        category=category,
        residence_commune=commune,
        **application_fields,
    )
    now = timezone.now()
    created = Dossier.objects.create(
        application=application,
        campaign=campaign,
        commune=commune,
        province_id=commune.province_id,
        region_id=commune.region_id,
        category=category,
        status=status,
        invited_at=now - dt.timedelta(days=3),
        submitted_at=submitted_at or (now - dt.timedelta(hours=1) if status != Status.AWAITED else None),
    )
    if with_files:
        uploads = [samples.pdf(pages=1), samples.image()]
        requirements = [r for r in campaign.document_requirements.all() if r.applies_to(category)]
        for requirement, upload in zip(requirements, uploads, strict=False):
            attach(created, requirement, keep_upload(upload=upload, actor=user))
    return created


def attach(dossier: Dossier, requirement: Requirement, stored: StoredDocument) -> DossierDocument:
    return DossierDocument.objects.create(
        dossier=dossier, requirement=requirement, stored=stored, uploaded_at=timezone.now()
    )


def fake_stored(scan_state: str = ScanState.PENDING) -> StoredDocument:
    """A stored document's row alone (no file): for the states that are never opened."""
    import secrets

    return StoredDocument.objects.create(
        storage_name=f"xx/{secrets.token_urlsafe(12)}.pdf",
        media_type="application/pdf",
        size=1000,
        sha256="0" * 64,
        scan_state=scan_state,
    )
