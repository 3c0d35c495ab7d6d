"""Recruitment campaigns and the candidate side: the census staff campaign and public-employment competitions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bawaba.administrations.models import Administration
from bawaba.core.names import localised
from bawaba.territory.models import Commune


class Campaign(models.Model):
    class Kind(models.TextChoices):
        CENSUS = "census", _("Census staff recruitment")
        COMPETITION = "competition", _("Public-employment competition")

    administration = models.ForeignKey(
        Administration, verbose_name=_("administration"), on_delete=models.PROTECT, related_name="campaigns"
    )
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.COMPETITION)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_ar = models.TextField(_("summary (Arabic)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens at"))
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    max_commune_choices = models.PositiveSmallIntegerField(_("maximum number of commune choices"), default=5)
    # Who may apply (ages, categories, education) is not here: the campaign's selection rules say it, for the
    # application form and the selection alike (bawaba.campaigns.rules).
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-registration_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="campaign_registration_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_commune_choices__gte=1) & Q(max_commune_choices__lte=20),
                name="campaign_max_choices_1_to_20",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localised(self, "title")

    @property
    def summary(self) -> str:
        return localised(self, "summary")


class CampaignStage(models.Model):
    """One step of a campaign's calendar (the census has the five of MISSION.md)."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        PRESELECTION = "preselection", _("Automatic preselection")
        REMOTE_TRAINING = "remote_training", _("Remote training")
        INTERVIEW = "interview", _("Interview at province level")
        FIELD_TRAINING = "field_training", _("In-person training")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=20, choices=Kind)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign stage")
        verbose_name_plural = _("campaign stages")
        ordering = ["campaign", "starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="stage_unique_per_campaign"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="stage_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class CampaignRules(models.Model):
    """The selection rules of a campaign as data. A new version is a new row: a run names the version it used."""

    # Notes the platform itself writes (the demo, a data migration), stored in English as written and shown in the
    # reader's language; a note a staff member writes is shown as she wrote it.
    DEFAULT_CENSUS_NOTE = "Default census rules"
    DEMO_COMPETITION_NOTE = "Competition rules (demo)"
    AGE_LIMITS_MOVED_NOTE = "Age limits moved from the campaign's settings"
    SYSTEM_NOTES = {
        DEFAULT_CENSUS_NOTE: _("Default census rules"),
        DEMO_COMPETITION_NOTE: _("Competition rules (demo)"),
        AGE_LIMITS_MOVED_NOTE: _("Age limits moved from the campaign's settings"),
    }

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rules_versions")
    version = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign rules version")
        verbose_name_plural = _("campaign rules versions")
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="rules_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="rules_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} v{self.version}"

    @property
    def shown_note(self) -> str:
        """The note for a reader: translated when the platform wrote it, as written when a person did."""
        if self.created_by_id is None and self.note in self.SYSTEM_NOTES:
            return str(self.SYSTEM_NOTES[self.note])
        return self.note


class CommuneNeed(models.Model):
    """How many people a campaign needs in a commune at a stage: trainees for preselection, field staff at the end."""

    class Stage(models.TextChoices):
        TRAINING = "training", _("Training")
        FIELD = "field", _("Field work")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="needs")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="needs")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("commune need")
        verbose_name_plural = _("commune needs")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "stage", "commune"], name="need_unique_per_commune_stage"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="need_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.stage} {self.quantity}"


class Application(models.Model):
    """A candidate's file for one campaign: her declared profile and, in ApplicationChoice, her ranked communes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    class Category(models.TextChoices):
        # The five categories of the 2024 census registration (MISSION.md).
        GRADUATE = "graduate", _("Holder of a post-baccalaureate diploma")
        STUDENT = "student", _("Student")
        CIVIL_SERVANT = "civil_servant", _("Civil servant")
        PRIVATE_EMPLOYEE = "private_employee", _("Private-sector employee")
        PUBLIC_RETIREE = "public_retiree", _("Public-sector retiree")

    class EducationLevel(models.TextChoices):
        SECONDARY = "secondary", _("Secondary school")
        BACCALAUREATE = "baccalaureate", _("Baccalaureate")
        BAC_2 = "bac_2", _("Baccalaureate + 2 years (DEUG, DUT, BTS)")
        BAC_3 = "bac_3", _("Baccalaureate + 3 years (licence)")
        BAC_5 = "bac_5", _("Baccalaureate + 5 years (master, engineer)")
        DOCTORATE = "doctorate", _("Doctorate")

    class IctSkill(models.IntegerChoices):
        NONE = 0, _("None")
        BASIC = 1, _("Basic (phone, messaging)")
        GOOD = 2, _("Good (office software, forms on a tablet)")
        ADVANCED = 3, _("Advanced (data entry, troubleshooting)")

    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        TACHELHIT = "shi", _("Tachelhit")
        TAMAZIGHT = "tzm", _("Tamazight")
        TARIFIT = "rif", _("Tarifit")
        HASSANIYA = "mey", _("Hassaniya")
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    # National ID card number: one or two letters then digits, stored upper case. NULL (not "") until the identity
    # step, so that many drafts without one do not collide on the unique (campaign, cin) constraint.
    cin = models.CharField(_("national ID card number (CIN)"), max_length=12, null=True, blank=True)  # noqa: DJ001
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=80, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=80, blank=True)
    first_name_latin = models.CharField(_("first name (Latin script)"), max_length=80, blank=True)
    last_name_latin = models.CharField(_("last name (Latin script)"), max_length=80, blank=True)
    # The four names folded by core.text.normalize_for_search (campaigns.search.search_name_for), for the staff
    # search; set by the services that change names. db_default lets set-based inserts leave it out.
    search_name = models.CharField(
        _("names for search"), max_length=400, blank=True, db_default="", default="", editable=False
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    residence_commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category, blank=True)
    education_level = models.CharField(
        _("education level"), max_length=16, choices=EducationLevel, blank=True
    )
    education_field = models.CharField(_("field of study"), max_length=120, blank=True)
    survey_experience_count = models.PositiveSmallIntegerField(_("field surveys taken part in"), default=0)
    survey_experience_detail = models.TextField(_("which surveys"), blank=True)
    ict_skill = models.PositiveSmallIntegerField(_("ICT skills"), choices=IctSkill, default=IctSkill.NONE)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    # "Any commune of my province as a last resort": the selection adds the other communes of her residence
    # province after her own choices (bawaba.selection.scoring). db_default lets set-based inserts leave it out.
    accepts_any_commune_in_province = models.BooleanField(
        _("I accept any commune of my province as a last resort"), default=False, db_default=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "cin"], name="application_cin_unique_per_campaign"),
            models.UniqueConstraint(
                fields=["campaign", "user"], name="application_one_per_user_per_campaign"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="application_campaign_status"),
            models.Index(fields=["campaign", "submitted_at"], name="application_campaign_submitted"),
            # The staff search by CIN across campaigns; (campaign, cin) serves only searches within one.
            # search_name has a trigram index on PostgreSQL, created in migration 0002 (not expressible here).
            models.Index(fields=["cin"], name="application_cin"),
        ]

    def __str__(self) -> str:
        return f"{self.cin or '-'} {self.first_name_latin} {self.last_name_latin}".strip()


class ApplicationChoice(models.Model):
    """A commune the candidate wants to work in, with its rank (1 = first preference)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(_("rank"))
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("commune choice")
        verbose_name_plural = _("commune choices")
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="choice_rank_unique"),
            models.UniqueConstraint(fields=["application", "commune"], name="choice_commune_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="choice_rank_positive"),
        ]
        # Covering: "who chose this commune" reads application ids from the index alone (staff search, selection).
        indexes = [models.Index(fields=["commune", "application"], name="choice_commune_application")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.commune}"


class NeedsImport(models.Model):
    """A needs file checked whole and waiting on its preview page; applying it replaces the campaign's needs.

    The checked lines are kept here, so that applying uses exactly what the preview showed and never data the
    browser sends back. `base_digest` fingerprints the needs the preview compared the file with: if they changed
    since (another file applied), applying refuses rather than act on figures nobody saw.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be applied")
        APPLIED = "applied", _("Applied")
        SUPERSEDED = "superseded", _("Replaced by a newer file")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="needs_imports")
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    file_digest = models.CharField(_("SHA-256 of the file"), max_length=64)
    # [[commune id, stage, need], ...], in the file's order; emptied once the import is superseded.
    rows = models.JSONField(_("checked lines"), default=list)
    stages = models.JSONField(_("stages in the file"), default=list)
    base_digest = models.CharField(_("fingerprint of the needs compared with"), max_length=64)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("needs import")
        verbose_name_plural = _("needs imports")
        ordering = ["campaign", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="applied") | Q(applied_at__isnull=True),
                name="needs_import_applied_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.filename} {self.status}"
