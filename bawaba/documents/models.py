"""A stored supporting document: the file's facts and its scan state. Which candidate, requirement and review it
belongs to is for the models that will point to it (issue 13's requirements and review queue)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bawaba.documents.validation import EXTENSIONS


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
