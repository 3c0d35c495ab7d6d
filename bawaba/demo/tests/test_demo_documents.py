"""The demo's supporting documents (`make demo-data` runs demo_documents after publishing the preselection): a
dossier for every preselected candidate, files that pass the checks, review decisions of the last days, and the
demo candidate's dossier awaiting her upload."""

import hashlib
import io

from django.core.management import call_command
from django.db.models import Count

from bawaba.demo.services import CANDIDATE, SUPERVISED_PROVINCE_CODE, SUPERVISOR
from bawaba.documents.figures import REVIEW_RATE_DAYS, campaign_figures, figures_scope
from bawaba.documents.models import Dossier, DossierDocument, Requirement, ReviewDecision, StoredDocument
from bawaba.documents.storage import read_stored
from bawaba.documents.validation import validate_upload
from bawaba.selection.models import SelectionDecision

Status = Dossier.Status


def run_command() -> str:
    out = io.StringIO()
    call_command("demo_documents", "--seed", "7", stdout=out)
    return out.getvalue()


def test_nothing_is_asked_before_the_preselection_is_published(census):
    assert "not published" in run_command()
    assert not Dossier.objects.exists()


def test_the_preselected_are_asked_for_their_documents_and_the_review_is_under_way(published_run):
    campaign = published_run.campaign
    assert "dossiers" in run_command()

    admitted = set(
        SelectionDecision.objects.filter(
            run=published_run, outcome=SelectionDecision.Outcome.ADMITTED
        ).values_list("application_id", flat=True)
    )
    dossiers = Dossier.objects.filter(campaign=campaign)
    assert admitted <= set(dossiers.values_list("application_id", flat=True))
    assert Requirement.objects.filter(campaign=campaign).count() >= 3
    statuses = dict(dossiers.values_list("status").annotate(count=Count("pk")))
    assert statuses[Status.AWAITED] > statuses.get(Status.SUBMITTED, 0)

    mine = Dossier.objects.get(campaign=campaign, application__user__email=CANDIDATE.email)
    assert mine.status == Status.AWAITED and not mine.documents.exists()

    # Every dossier that was complete once has one file per requirement of her category, each a real file.
    for dossier in dossiers.exclude(status=Status.AWAITED).prefetch_related("documents")[:20]:
        required = [
            r for r in Requirement.objects.filter(campaign=campaign) if r.applies_to(dossier.category)
        ]
        assert dossier.documents.count() == len(required)
    for media_type in ("application/pdf", "image/png"):
        stored = StoredDocument.objects.filter(
            dossier_document__dossier__campaign=campaign, media_type=media_type
        ).first()
        content = read_stored(stored.storage_name)
        # As an upload leaves it: the checks' clean form, its digest and size recorded; and it passes the checks.
        assert hashlib.sha256(content).hexdigest() == stored.sha256 and len(content) == stored.size
        assert validate_upload(content).media_type == media_type
    assert DossierDocument.objects.filter(dossier__status=Status.AWAITED).count() == 0

    examined = dossiers.filter(status__in=[Status.ACCEPTED, Status.REJECTED])
    assert ReviewDecision.objects.filter(dossier__campaign=campaign).count() == examined.count()
    assert all(dossier.rejection_reasons for dossier in dossiers.filter(status=Status.REJECTED))

    # The figures of the demo supervisor show her province under way.
    from bawaba.accounts.models import User

    supervisor = User.objects.get(email=SUPERVISOR.email)
    figures = campaign_figures(campaign, figures_scope(supervisor))
    assert [row.place.code for row in figures.provinces] == [SUPERVISED_PROVINCE_CODE]
    assert (
        figures.total.figures.uploaded
        == dossiers.filter(province__code=SUPERVISED_PROVINCE_CODE).exclude(status=Status.AWAITED).count()
    )
    assert len(figures.rate.days) == REVIEW_RATE_DAYS

    # Once only.
    before = dossiers.count()
    assert "exist already" in run_command()
    assert dossiers.count() == before


def test_the_guide_prints_the_documents_pages_once_they_exist(published_run):
    def guide() -> str:
        out = io.StringIO()
        call_command("demo_guide", "--port", "8765", stdout=out)
        return out.getvalue()

    slug = published_run.campaign.slug
    assert f"/fr/staff/documents/{slug}/figures/" not in guide()
    run_command()
    text = guide()
    assert f"http://127.0.0.1:8765/fr/staff/documents/{slug}/review/" in text
    assert f"http://127.0.0.1:8765/fr/staff/documents/{slug}/figures/" in text
