"""Reads of the candidate's side: her dossier, its slots (one per required document, with the file she gave), her
own files, and her dossier on the dashboard. Someone else's application or file is 404, as a missing one is."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest

from bawaba.campaigns import access
from bawaba.campaigns.models import Application
from bawaba.core.params import bounded_int
from bawaba.documents.models import Dossier, DossierDocument, RejectionReason, Requirement
from bawaba.documents.requirements import (
    campaign_requirements,
    required_for,
    requirement_help,
    requirement_name,
)


@dataclass(frozen=True)
class Slot:
    """One required document of her dossier and the file she gave for it (None until she gives one)."""

    requirement: Requirement
    document: DossierDocument | None

    @property
    def name(self) -> str:
        return requirement_name(self.requirement)

    @property
    def help(self) -> str:
        return requirement_help(self.requirement)


def own_dossier(user: Any, application_pk: Any) -> tuple[Application, Dossier]:
    """Her application `application_pk` and its dossier; 404 when either is not hers or there is no dossier (she
    was not invited)."""
    pk = bounded_int(application_pk, min_value=1)
    if pk is None:
        raise Http404
    application = access.application_for(user, pk)
    dossier = Dossier.objects.filter(application=application).first()
    if dossier is None:
        raise Http404
    return application, dossier


def dossier_slots(dossier: Dossier) -> list[Slot]:
    required = required_for(campaign_requirements(dossier.campaign_id), dossier.category)
    given = {
        document.requirement_id: document
        for document in DossierDocument.objects.filter(dossier=dossier).select_related("stored")
    }
    return [Slot(requirement=requirement, document=given.get(requirement.pk)) for requirement in required]


def own_document(user: Any, application_pk: Any, document_pk: Any) -> DossierDocument:
    """The file `document_pk` of her own dossier of application `application_pk`; 404 for anyone else's."""
    application = bounded_int(application_pk, min_value=1)
    document = bounded_int(document_pk, min_value=1)
    if application is None or document is None or not getattr(user, "is_authenticated", False):
        raise Http404
    found = (
        DossierDocument.objects.filter(
            pk=document, dossier__application_id=application, dossier__application__user_id=user.pk
        )
        .select_related("stored", "requirement")
        .first()
    )
    if found is None:
        raise Http404
    return found


def reason_labels(dossier: Dossier) -> list[str]:
    return [
        str(RejectionReason(code).label)
        for code in dossier.rejection_reasons
        if code in RejectionReason.values
    ]


def dossier_sections(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """Her dossier on the dashboard, by application id: one query for all her applications, none when none is
    submitted (only a submitted application is invited)."""
    submitted = [a.pk for a in applications if a.status == Application.Status.SUBMITTED]
    if not submitted:
        return {}
    return {
        dossier.application_id: {"dossier": dossier, "reasons": reason_labels(dossier)}
        for dossier in Dossier.objects.filter(application_id__in=submitted).only(
            "application_id", "status", "rejection_reasons", "rejection_comment", "submitted_at", "decided_at"
        )
    }
