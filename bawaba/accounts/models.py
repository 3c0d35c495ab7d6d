from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bawaba.administrations.models import Administration
from bawaba.territory.models import Province, Region


class UserQuerySet(models.QuerySet):
    def with_email(self, email: str) -> "UserQuerySet":
        """Users whose address equals `email` whatever the case, through the unique index on LOWER(email).

        `email__iexact` reads as UPPER(email) = UPPER(...) on PostgreSQL, which no index serves: a scan of every
        account (about 190 ms at 488,000 accounts) on each sign-in and registration.
        """
        return self.alias(email_lower=Lower("email")).filter(email_lower=(email or "").strip().lower())


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        """`createsuperuser`: a central administrator (a national assignment) who may also open the Django admin."""
        fields.update(is_staff=True, is_superuser=True, is_active=True, kind=User.Kind.STAFF)
        user = self._create_user(email, password, **fields)
        Assignment.objects.create(user=user, role=Assignment.Role.CENTRAL_ADMIN)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # E-mail addresses are compared without case: "Amina@X.ma" and "amina@x.ma" are one account.
        return self.with_email(username or "").get()


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: candidates and staff alike. The e-mail address is the login."""

    class Kind(models.TextChoices):
        """Who the account is for. What a staff member may do, and where, is in her assignments."""

        CANDIDATE = "candidate", _("Candidate")
        STAFF = "staff", _("Staff member")

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    kind = models.CharField(_("kind of account"), max_length=20, choices=Kind, default=Kind.CANDIDATE)
    preferred_language = models.CharField(_("preferred language"), max_length=8, default="ar")
    is_active = models.BooleanField(
        _("active"), default=False, help_text=_("Inactive until the e-mailed confirmation link is opened.")
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    # When a central administrator deactivated this staff account: tells a deactivated invitee (who never signed
    # in) from one whose invitation is still pending, so that a withdrawn invitation cannot be accepted.
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_awaiting_confirmation(self) -> bool:
        """A candidate who registered but never confirmed: inactive and never signed in.

        Only these accounts are sent confirmation links (which activate). An account that staff deactivated has
        signed in at least once, and staff accounts are activated by an administrator, never by a link.
        """
        return self.kind == self.Kind.CANDIDATE and not self.is_active and self.last_login is None

    @property
    def is_invited(self) -> bool:
        """A staff account whose invitation is pending: never activated, never signed in, not deactivated.

        Only these accounts may accept an invitation (bawaba.accounts.staff); a candidate's confirmation link never
        applies to them (`is_awaiting_confirmation` is for candidates only).
        """
        return (
            self.kind == self.Kind.STAFF
            and not self.is_active
            and self.last_login is None
            and self.deactivated_at is None
        )


class Assignment(models.Model):
    """One role a staff member holds, and where: the one model of who may do what, read by every app's access.py.

    The scope follows from the role: a central administrator is national; a regional coordinator has a region;
    a provincial supervisor and an interviewer have one or more provinces; an administration agent has an
    administration. A staff member may hold several assignments (a supervisor of two provinces who also
    interviews in a third). `bawaba.accounts.scopes` turns them into what a user may see.
    """

    class Role(models.TextChoices):
        CENTRAL_ADMIN = "central_admin", _("Central administrator")
        REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
        PROVINCIAL_SUPERVISOR = "provincial_supervisor", _("Provincial supervisor")
        INTERVIEWER = "interviewer", _("Interviewer")
        ADMINISTRATION_AGENT = "administration_agent", _("Administration agent")

    user = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provinces = models.ManyToManyField(
        Province, verbose_name=_("provinces and prefectures"), blank=True, related_name="+"
    )
    administration = models.ForeignKey(
        Administration,
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["user", "role", "pk"]
        constraints = [
            # A region for the coordinator and only for her; an administration for the agent and only for him.
            # Provinces (a many-to-many) are checked by the service that writes assignments.
            models.CheckConstraint(
                condition=models.Q(role="regional_coordinator", region__isnull=False)
                | (~models.Q(role="regional_coordinator") & models.Q(region__isnull=True)),
                name="assignment_region_for_coordinator_only",
            ),
            models.CheckConstraint(
                condition=models.Q(role="administration_agent", administration__isnull=False)
                | (~models.Q(role="administration_agent") & models.Q(administration__isnull=True)),
                name="assignment_administration_for_agent_only",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role="central_admin"),
                name="assignment_one_central_admin_role_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    # Roles whose scope is a list of provinces.
    PROVINCIAL_ROLES = frozenset({Role.PROVINCIAL_SUPERVISOR, Role.INTERVIEWER})
