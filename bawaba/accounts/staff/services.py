"""Staff account writes: create and invite, change, deactivate, accept an invitation, import a file.

Each service runs in one transaction, writes audit rows, and sends e-mail through the outbox port, so an
invitation leaves only if its transaction commits.

Policies:

* A staff account is created **inactive, without a usable password**, and stays so until its invitation is
  accepted. It can never be activated by the candidates' confirmation link (`User.is_awaiting_confirmation` is for
  candidates only) nor reached by a password reset (the reset service ignores inactive staff accounts).
* An address that already has a **candidate's** account is refused, on the page and in a file: a candidate account
  is never turned into a staff account (her applications, her history as a candidate, would then sit behind staff
  rights). The person is given another address.
* An assignment is "the same" as one she holds when it has the same role and the same places: adding it again is
  refused on the page and "unchanged" in a file, which is what makes importing a file twice change nothing.
* A central administrator cannot deactivate herself nor remove her own central administrator role: the site must
  never lose its last administrator by a slip of the mouse.
* Deactivating ends her sessions: the authentication backend refuses an inactive user on every request, so the
  session she holds no longer signs her in (a test holds it). Deactivating an invitee withdraws her invitation.
"""

import hashlib
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.contributions import STAFF_INVITATION
from bawaba.accounts.models import Assignment, User
from bawaba.accounts.scopes import forget_assignments
from bawaba.accounts.staff import selectors
from bawaba.accounts.staff.tokens import encode_uid, invitation_tokens
from bawaba.administrations.models import Administration
from bawaba.core.audit import record_event
from bawaba.core.contributions import registry
from bawaba.core.languages import supported_language
from bawaba.territory.models import Province, Region

Role = Assignment.Role


class StaffChangeRefused(Exception):
    """The change is not allowed; `message` says why, in the reader's language."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class InvitationLinkError(Exception):
    """The invitation link is not valid: forged, expired, already used or withdrawn."""


@dataclass(frozen=True)
class AssignmentSpec:
    """A role and its scope, as a form or a file gives it (checked by `check_assignment`)."""

    role: str
    region: Region | None = None
    provinces: tuple[Province, ...] = ()
    administration: Administration | None = None


def check_assignment(spec: AssignmentSpec) -> None:
    """Refuse a role with the wrong kind of scope: each role takes exactly one kind of place, or none."""
    wants_region = spec.role == Role.REGIONAL_COORDINATOR
    wants_provinces = spec.role in Assignment.PROVINCIAL_ROLES
    wants_administration = spec.role == Role.ADMINISTRATION_AGENT
    if spec.role not in Role.values:
        raise StaffChangeRefused(_("Choose a role."))
    if wants_region and spec.region is None:
        raise StaffChangeRefused(_("A regional coordinator needs a region."))
    if wants_provinces and not spec.provinces:
        raise StaffChangeRefused(_("A provincial supervisor or an interviewer needs one or more provinces."))
    if wants_administration and spec.administration is None:
        raise StaffChangeRefused(_("An administration agent needs an administration."))
    if (
        (spec.region is not None and not wants_region)
        or (spec.provinces and not wants_provinces)
        or (spec.administration is not None and not wants_administration)
    ):
        raise StaffChangeRefused(
            _(
                "This role takes no such place: a central administrator is national, a coordinator has a region, "
                "a supervisor or an interviewer provinces, an agent an administration. Leave the other fields empty."
            )
        )


def normalize_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def create_staff_account(
    *, actor: User, email: str, full_name: str, language: str, assignment: AssignmentSpec, base_url: str
) -> User:
    """An inactive staff account with its first assignment, and its invitation through the outbox."""
    check_assignment(assignment)
    email = normalize_email(email)
    existing = User.objects.with_email(email).first()
    if existing is not None:
        raise _address_taken(existing)
    try:
        with transaction.atomic():  # a savepoint: a concurrent creation (or registration) may win the insert
            user = User.objects.create_user(
                email,
                None,  # an unusable password until she accepts the invitation
                is_active=False,
                kind=User.Kind.STAFF,
                full_name=full_name.strip(),
                preferred_language=supported_language(language),
            )
    except IntegrityError:
        raise _address_taken(User.objects.with_email(email).get()) from None
    _create_assignment(user, assignment)
    record_event(
        actor=actor,
        action="staff.created",
        target=user,
        data={"language": user.preferred_language, "assignment": _described(assignment)},
    )
    _queue_invitation(user, base_url=base_url)
    return user


def _address_taken(user: User) -> StaffChangeRefused:
    if user.kind == User.Kind.STAFF:
        return StaffChangeRefused(
            _("This address already has a staff account: open it from the list of staff.")
        )
    return StaffChangeRefused(
        _(
            "This address belongs to a candidate's account, which cannot be made a staff account. "
            "Use another address for this person."
        )
    )


@transaction.atomic
def update_staff_details(*, actor: User, user: User, full_name: str, language: str) -> None:
    before = {"full_name": user.full_name, "language": user.preferred_language}
    user.full_name = full_name.strip()
    user.preferred_language = supported_language(language)
    user.save(update_fields=["full_name", "preferred_language"])
    record_event(
        actor=actor,
        action="staff.details_changed",
        target=user,
        data={"before": before, "after": {"full_name": user.full_name, "language": user.preferred_language}},
    )


@transaction.atomic
def add_assignment(*, actor: User, user: User, assignment: AssignmentSpec) -> Assignment:
    check_assignment(assignment)
    user = User.objects.select_for_update().get(pk=user.pk)
    identity = selectors.assignment_identity(
        assignment.role,
        assignment.region.pk if assignment.region else None,
        [province.pk for province in assignment.provinces],
        assignment.administration.pk if assignment.administration else None,
    )
    if identity in selectors.existing_identities(user):
        raise StaffChangeRefused(_("She already holds this role over these places."))
    created = _create_assignment(user, assignment)
    record_event(
        actor=actor, action="staff.assignment_added", target=user, data={"assignment": _described(assignment)}
    )
    forget_assignments(actor)
    return created


@transaction.atomic
def remove_assignment(*, actor: User, assignment: Assignment) -> None:
    if assignment.user_id == actor.pk and assignment.role == Role.CENTRAL_ADMIN:
        raise StaffChangeRefused(
            _("You cannot remove your own central administrator role: ask another central administrator.")
        )
    described = _described(
        AssignmentSpec(
            role=assignment.role,
            region=assignment.region,
            provinces=tuple(assignment.provinces.all()),
            administration=assignment.administration,
        )
    )
    user = assignment.user
    assignment.delete()
    record_event(actor=actor, action="staff.assignment_removed", target=user, data={"assignment": described})
    forget_assignments(actor)


@transaction.atomic
def deactivate_staff(*, actor: User, user: User) -> None:
    """She can no longer sign in, and the session she holds stops working (see the module)."""
    if user.pk == actor.pk:
        raise StaffChangeRefused(
            _("You cannot deactivate your own account: ask another central administrator.")
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deactivated_at is not None and not user.is_active:
        return
    was_invited = user.is_invited
    user.is_active = False
    user.deactivated_at = timezone.now()
    fields = ["is_active", "deactivated_at"]
    if user.last_login is None:
        user.set_unusable_password()  # a new unusable password: the invitation links already sent die
        fields.append("password")
    user.save(update_fields=fields)
    record_event(actor=actor, action="staff.deactivated", target=user, data={"was_invited": was_invited})


@transaction.atomic
def reactivate_staff(*, actor: User, user: User, base_url: str) -> None:
    """She may sign in again; someone who never accepted her invitation is sent a new one instead."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active or user.is_invited:
        return
    user.deactivated_at = None
    if user.last_login is None:
        user.save(update_fields=["deactivated_at"])
        record_event(actor=actor, action="staff.reactivated", target=user, data={"invited_again": True})
        _queue_invitation(user, base_url=base_url, kill_earlier=True)
        return
    user.is_active = True
    user.save(update_fields=["deactivated_at", "is_active"])
    record_event(actor=actor, action="staff.reactivated", target=user, data={"invited_again": False})


@transaction.atomic
def resend_invitation(*, actor: User, user: User, base_url: str) -> None:
    """A new invitation link; the ones sent before stop working."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_invited:
        raise StaffChangeRefused(_("Only a pending invitation can be sent again."))
    record_event(actor=actor, action="staff.invitation_resent", target=user)
    _queue_invitation(user, base_url=base_url, kill_earlier=True)


@transaction.atomic
def accept_invitation(*, uidb64: str, token: str, new_password: str) -> User:
    """Set her password and activate her account; the link then stops working. Raises `InvitationLinkError`
    for a bad link and Django's ValidationError for a password its validators refuse."""
    user = selectors.user_for_invitation(uidb64=uidb64, token=token)
    if user is None:
        raise InvitationLinkError
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_invited:  # accepted in another tab between the check and the lock
        raise InvitationLinkError
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    record_event(actor=user, action="staff.invitation_accepted", target=user)
    return user


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    assignments_added: int


@transaction.atomic
def apply_staff_import(*, actor: User, data: bytes, expected_digest: str, base_url: str) -> ImportOutcome:
    """Create the file's new people (each invited) and add its new assignments, all or nothing.

    The file is checked again here, in the transaction: StaffFileError if it no longer passes, StaffChangeRefused
    if it would now do something else than the preview showed. A file applied twice changes nothing the second
    time and invites nobody again.
    """
    plan = selectors.plan_import(data)
    if plan.digest != expected_digest:
        raise StaffChangeRefused(
            _(
                "The staff accounts changed since the preview: check the file again to see what it would do now."
            )
        )
    created = added = 0
    invitees: list[User] = []
    for person in plan.people:
        user = person.user
        if user is None:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        person.email,
                        None,
                        is_active=False,
                        kind=User.Kind.STAFF,
                        full_name=person.full_name,
                        preferred_language=supported_language(person.language),
                    )
            except IntegrityError:
                raise StaffChangeRefused(
                    _(
                        "The staff accounts changed since the preview: check the file again to see what it would do now."
                    )
                ) from None
            created += 1
            invitees.append(user)
            record_event(actor=actor, action="staff.created", target=user, data={"via": "import"})
        for planned in person.new_assignments:
            spec = AssignmentSpec(planned.role, planned.region, planned.provinces, planned.administration)
            _create_assignment(user, spec)
            added += 1
            record_event(
                actor=actor,
                action="staff.assignment_added",
                target=user,
                data={"assignment": _described(spec), "via": "import", "line": planned.line},
            )
    if created or added:
        record_event(
            actor=actor, action="staff.imported", data={"created": created, "assignments_added": added}
        )
    for user in invitees:
        _queue_invitation(user, base_url=base_url)
    forget_assignments(actor)
    return ImportOutcome(created=created, assignments_added=added)


def _create_assignment(user: User, spec: AssignmentSpec) -> Assignment:
    assignment = Assignment.objects.create(
        user=user, role=spec.role, region=spec.region, administration=spec.administration
    )
    if spec.provinces:
        assignment.provinces.set(spec.provinces)
    return assignment


def _described(spec: AssignmentSpec) -> dict:
    """An assignment in the audit trail: codes, not names, so the record reads the same in every language."""
    return {
        "role": spec.role,
        "region": spec.region.code if spec.region else None,
        "provinces": sorted(province.code for province in spec.provinces),
        "administration": spec.administration.code if spec.administration else None,
    }


def _queue_invitation(user: User, *, base_url: str, kill_earlier: bool = False) -> None:
    if kill_earlier:
        user.set_unusable_password()  # the links already sent were signed over the old unusable password
        user.save(update_fields=["password"])
    token = invitation_tokens.make_token(user)
    with translation.override(supported_language(user.preferred_language)):
        path = reverse("accounts:accept_invitation", kwargs={"uidb64": encode_uid(user), "token": token})
    registry.queue_email(
        kind=STAFF_INVITATION.key,
        to_email=user.email,
        language=supported_language(user.preferred_language),
        context={
            "full_name": user.full_name,
            "invitation_url": base_url.rstrip("/") + path,
            "expires_days": invitation_tokens.lifetime.days,
        },
        # One message per issued link. The outbox key is visible to staff: the token itself is not put in it.
        idempotency_key=f"staff-invitation:{user.pk}:{hashlib.sha256(token.encode()).hexdigest()[:24]}",
        user=user,
    )
