from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactMessage(models.Model):
    """A message sent through the contact page: kept here (the one full copy), forwarded to the operator's address
    and acknowledged to the sender through the outbox."""

    class Category(models.TextChoices):
        ACCOUNT = "account", _("My account (sign-in, confirmation e-mail, password)")
        APPLICATION = "application", _("My application")
        SELECTION = "selection", _("The preselection and its explanation")
        TRAINING = "training", _("Training and interviews")
        DOCUMENTS = "documents", _("Supporting documents")
        PERSONAL_DATA = "personal_data", _("My personal data (access, correction, objection)")
        ACCESSIBILITY = "accessibility", _("An accessibility problem")
        OTHER = "other", _("Something else")

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), max_length=254)
    category = models.CharField(_("subject"), max_length=20, choices=Category)
    message = models.TextField(_("message"))
    application_reference = models.CharField(_("application reference"), max_length=40, blank=True)
    # Who was signed in when it was sent (None for a visitor): what her personal-data download lists as hers.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user"], name="contact_message_user")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """What the sender quotes if she writes again, and what the operator's e-mail is titled with."""
        return f"C-{self.pk:06d}"
