"""Supporting documents (MISSION.md: the candidates' uploads and their review by provincial supervisors).

* StoredDocument: one uploaded file's facts and its antivirus state (the file itself is in the private storage).
* Requirement: a document a campaign asks of the candidates of some categories, with its help text.
* Dossier: a candidate's supporting documents for one application, the unit a supervisor examines (the source's
  "files": uploaded, examined, accepted, rejected, under examination). It carries copies of where and what she is
  (province, commune, category) so that the review queue is one indexed read, whatever the scale.
* DossierDocument: the file she gave for one requirement (the latest; a replaced file is deleted).
* ReviewDecision: every accept or reject, with its reasons and comment (the dossier keeps the latest).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.documents.validation import EXTENSIONS
from bawaba.territory.models import Commune, Province, Region


class ScanState(models.TextChoices):
    """bawaba.documents.scanning says what each state means; only CLEAN and NOT_SCANNED may be opened."""

    NOT_SCANNED = "not_scanned", _("not scanned (no antivirus configured)")
    PENDING = "pending", _("antivirus scan pending")
    CLEAN = "clean", _("checked by the antivirus")
    INFECTED = "infected", _("flagged by the antivirus")
    FAILED = "failed", _("antivirus scan failed")


OPENABLE_SCAN_STATES = (ScanState.NOT_SCANNED, ScanState.CLEAN)


class StoredDocument(models.Model):
    # Random (bawaba.documents.storage.random_name), never derived from what the sender called the file.
    storage_name = models.CharField(_("stored name"), max_length=100, unique=True)
    media_type = models.CharField(
        _("type"),
        max_length=20,
        choices=[("application/pdf", "PDF"), ("image/jpeg", "JPEG"), ("image/png", "PNG")],
    )
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    width = models.PositiveIntegerField(_("width in pixels"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height in pixels"), null=True, blank=True)
    scan_state = models.CharField(_("antivirus"), max_length=12, choices=ScanState.choices)
    scan_detail = models.CharField(_("antivirus detail"), max_length=200, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scan_state__in=[state.value for state in ScanState]),
                name="documents_storeddocument_scan_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.storage_name

    @property
    def can_be_opened(self) -> bool:
        return self.scan_state in OPENABLE_SCAN_STATES

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.media_type]


class Requirement(models.Model):
    """A document that a campaign asks of the candidates of some categories (all categories when none is named)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="document_requirements")
    key = models.SlugField(_("short name"), max_length=40)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    help_ar = models.TextField(_("help (Arabic)"), max_length=2000, blank=True)
    help_fr = models.TextField(_("help (French)"), max_length=2000, blank=True)
    help_en = models.TextField(_("help (English)"), max_length=2000, blank=True)
    # Application.Category values; empty: every category.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="documents_requirement_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key

    def applies_to(self, category: str) -> bool:
        return not self.categories or category in self.categories


class RejectionReason(models.TextChoices):
    """The reasons a supervisor picks from when she rejects a dossier (plus a comment of her own)."""

    ILLEGIBLE = "illegible", _("A document cannot be read")
    WRONG_DOCUMENT = "wrong_document", _("A document is not the one asked for")
    INCOMPLETE = "incomplete", _("A document is incomplete (missing pages or sides)")
    MISMATCH = "mismatch", _("A document does not match what you declared")
    EXPIRED = "expired", _("A document is out of date")
    NOT_OWN = "not_own", _("A document is in someone else's name")
    OTHER = "other", _("Another reason (see the comment)")


class Dossier(models.Model):
    """A candidate's supporting documents for one application: what she was asked, what she gave, the review.

    AWAITED: invited, not everything uploaded yet (or uploading again after a rejection). SUBMITTED: every
    required document is there: under examination, in the queue. ACCEPTED and REJECTED: examined. A rejected
    dossier goes back to SUBMITTED when she has replaced what was asked (a new `submitted_at`).
    """

    class Status(models.TextChoices):
        AWAITED = "awaited", _("awaiting documents")
        SUBMITTED = "submitted", _("under examination")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="dossier")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="dossiers")
    # Where she is examined: the commune of her place (the preselection's) or, before any, of her first choice.
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(
        _("category"), max_length=20, choices=Application.Category.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.AWAITED)
    invited_at = models.DateTimeField(_("invited at"))
    # When it last became complete: the queue's order (oldest first).
    submitted_at = models.DateTimeField(_("complete since"), null=True, blank=True)
    decided_at = models.DateTimeField(_("examined at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    rejection_comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # The review's claim: who has it open, until when (another reviewer is told, and may take it once it lapses).
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # Optimistic lock: every write that changes the status adds one; a decision names the version it saw.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dossier of supporting documents")
        verbose_name_plural = _("dossiers of supporting documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["awaited", "submitted", "accepted", "rejected"]),
                name="documents_dossier_status_valid",
            ),
        ]
        indexes = [
            # The queue: a campaign's dossiers of a status in a province, oldest complete first (keyset on
            # submitted_at, id).
            models.Index(
                fields=["campaign", "status", "province", "submitted_at", "id"],
                name="documents_dossier_queue",
            ),
            models.Index(
                fields=["campaign", "status", "submitted_at", "id"], name="documents_dossier_national"
            ),
        ]

    def __str__(self) -> str:
        return f"dossier {self.pk} of application {self.application_id}"


class DossierDocument(models.Model):
    """The file a candidate gave for one requirement of her dossier (the latest one)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    stored = models.OneToOneField(StoredDocument, on_delete=models.PROTECT, related_name="dossier_document")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "requirement"], name="documents_one_file_per_requirement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id} of dossier {self.dossier_id}"


class ReviewDecision(models.Model):
    """One examination of a dossier: accepted, or rejected with reasons (the history; the audit log has it too)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # Copied from the dossier, so that the figures per province and per day are one indexed count.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("examined at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["province", "decided_at"], name="documents_decision_day")]

    def __str__(self) -> str:
        return f"{self.outcome} of dossier {self.dossier_id}"


class InvitationRequest(models.Model):
    """A central administrator's "invite" of one stage's candidates, carried out by a worker (at national scale the
    dossiers and 200,000 messages take tens of seconds: too long for a web request). Its result is written when
    done; one request at a time per campaign."""

    class Stage(models.TextChoices):
        PRESELECTED = "preselected", _("Preselected candidates who still hold their place")
        SUBMITTED = "submitted", _("Every submitted application")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("whom"), max_length=12, choices=Stage)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("done at"), null=True, blank=True)
    invited = models.PositiveIntegerField(_("invited"), default=0)
    already_invited = models.PositiveIntegerField(_("invited before"), default=0)
    mailing = models.ForeignKey(
        "notifications.Mailing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation request")
        verbose_name_plural = _("invitation requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.stage} of campaign {self.campaign_id}"

    @property
    def is_pending(self) -> bool:
        return self.finished_at is None
