"""Reads for the staff accounts pages: the list, one member, her second factor, and the plan of an import."""

import hashlib
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.staff.csvfile import (
    ADMINISTRATION,
    PROVINCES,
    REGION,
    ROLES,
    StaffFileError,
    StaffFileProblem,
    StaffLine,
    read_staff_file,
)
from bawaba.accounts.staff.tokens import decode_uid, invitation_tokens
from bawaba.administrations.models import Administration
from bawaba.territory.models import Province, Region

Role = Assignment.Role

# The three states of a staff account the list filters on and the member page shows.
ACTIVE, INVITED, DEACTIVATED = "active", "invited", "deactivated"


def account_state(user: User) -> str:
    if user.is_active:
        return ACTIVE
    return INVITED if user.is_invited else DEACTIVATED


def _assignments_prefetch() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("region", "administration").prefetch_related("provinces"),
    )


def staff_members(
    *, query: str = "", role: str = "", province: Province | None = None, state: str = ""
) -> QuerySet[User]:
    """Staff accounts matching the list's filters, by name then address, with their assignments (three queries).

    Invited members who have not given their name yet come after the named ones (an empty name would otherwise
    sort first and push the people a reader looks for to the next page), by address among themselves.
    """
    members = User.objects.filter(kind=User.Kind.STAFF)
    if query := query.strip():
        members = members.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if role:
        members = members.filter(assignments__role=role)
    if province is not None:
        members = members.filter(
            Q(assignments__provinces=province) | Q(assignments__region=province.region_id)
        )
    if state == ACTIVE:
        members = members.filter(is_active=True)
    elif state == INVITED:
        members = members.filter(is_active=False, last_login__isnull=True, deactivated_at__isnull=True)
    elif state == DEACTIVATED:
        members = members.filter(is_active=False).exclude(
            last_login__isnull=True, deactivated_at__isnull=True
        )
    nameless = Case(When(full_name="", then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        members.distinct()
        .annotate(nameless=nameless)
        .order_by("nameless", "full_name", "email")
        .prefetch_related(_assignments_prefetch())
    )


def staff_member(pk: int) -> User | None:
    """A staff account with its assignments; None for a candidate's account or no account (the page's 404)."""
    return User.objects.filter(pk=pk, kind=User.Kind.STAFF).prefetch_related(_assignments_prefetch()).first()


def second_factor_enrolled(user_ids: Iterable[int]) -> set[int] | None:
    """The ids among `user_ids` with a confirmed second-factor device; None while two-factor sign-in is not
    installed (the pages then show nothing rather than "not enrolled")."""
    if not apps.is_installed("django_otp"):
        return None
    # Imported by name: django-otp is installed with two-factor sign-in, which this app does not depend on.
    device_classes = importlib.import_module("django_otp").device_classes
    ids = list(user_ids)
    enrolled: set[int] = set()
    for device_class in device_classes():
        enrolled.update(
            device_class.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True)
        )
    return enrolled


def user_for_invitation(*, uidb64: str, token: str) -> User | None:
    """The invited account a link names, or None if the link is forged, expired, used or withdrawn."""
    uid = decode_uid(uidb64)
    user = User.objects.filter(pk=uid).first() if uid is not None else None
    if user is None or not user.is_invited or not invitation_tokens.check_token(user, token):
        return None
    return user


# --- The plan of an import: what a valid file would change -------------------------------------------------------


@dataclass(frozen=True)
class PlannedAssignment:
    line: int
    role: str
    region: Region | None = None
    provinces: tuple[Province, ...] = ()
    administration: Administration | None = None
    is_new: bool = True

    @property
    def identity(self) -> tuple:
        return assignment_identity(
            self.role,
            self.region.pk if self.region else None,
            [province.pk for province in self.provinces],
            self.administration.pk if self.administration else None,
        )

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def places(self) -> list[str]:
        places = [self.region.name] if self.region else []
        places.extend(province.name for province in self.provinces)
        if self.administration:
            places.append(self.administration.name)
        return places


@dataclass
class PlannedPerson:
    email: str
    full_name: str
    language: str
    user: User | None  # None: a new account
    assignments: list[PlannedAssignment] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.user is None

    @property
    def new_assignments(self) -> list[PlannedAssignment]:
        return [assignment for assignment in self.assignments if assignment.is_new]

    @property
    def unchanged_assignments(self) -> list[PlannedAssignment]:
        return [assignment for assignment in self.assignments if not assignment.is_new]


@dataclass
class ImportPlan:
    people: list[PlannedPerson]

    @property
    def new_people(self) -> list[PlannedPerson]:
        return [person for person in self.people if person.is_new]

    @property
    def changed_people(self) -> list[PlannedPerson]:
        return [person for person in self.people if not person.is_new and person.new_assignments]

    @property
    def unchanged_people(self) -> list[PlannedPerson]:
        return [person for person in self.people if not person.is_new and not person.new_assignments]

    @property
    def new_assignment_count(self) -> int:
        return sum(len(person.new_assignments) for person in self.people)

    @property
    def is_empty(self) -> bool:
        return not self.new_people and not self.changed_people

    @property
    def digest(self) -> str:
        """What applying would do, in a few characters: the apply button carries it, and applying refuses a plan
        that differs from the one previewed (someone changed the accounts in between)."""
        parts = sorted(
            f"{person.email}|{person.is_new}|{assignment.identity}|{assignment.is_new}"
            for person in self.people
            for assignment in person.assignments
        )
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def assignment_identity(
    role: str, region_id: int | None, province_ids: Iterable[int], administration_id
) -> tuple:
    """Two assignments with the same role and the same places are the same assignment."""
    return (role, region_id, tuple(sorted(province_ids)), administration_id)


def existing_identities(user: User) -> set[tuple]:
    return {
        assignment_identity(
            assignment.role,
            assignment.region_id,
            [province.pk for province in assignment.provinces.all()],
            assignment.administration_id,
        )
        for assignment in user.assignments.all()
    }


def plan_import(data: bytes) -> ImportPlan:
    """What importing the file would change, or StaffFileError naming every faulty line (the parser's problems
    and the database's: unknown codes, an address of a candidate, an address the site refuses)."""
    lines, problems = read_staff_file(data)
    codes: dict[str, set[str]] = {REGION: set(), PROVINCES: set(), ADMINISTRATION: set()}
    for line in lines:
        kind = ROLES[line.role]
        if kind in codes:
            codes[kind].update(line.scope)
    regions = {region.code: region for region in Region.objects.filter(code__in=codes[REGION])}
    provinces = {province.code: province for province in Province.objects.filter(code__in=codes[PROVINCES])}
    administrations = {
        administration.code: administration
        for administration in Administration.objects.filter(code__in=codes[ADMINISTRATION])
    }
    users = {
        user.email.lower(): user
        for user in User.objects.alias(email_lower=Lower("email"))
        .filter(email_lower__in={line.email for line in lines})
        .prefetch_related(_assignments_prefetch())
    }
    people: dict[str, PlannedPerson] = {}
    for line in lines:
        planned = _planned_assignment(line, regions, provinces, administrations, problems)
        if not _address_fits(line, users.get(line.email), problems) or planned is None:
            continue
        user = users.get(line.email)
        person = people.setdefault(line.email, PlannedPerson(line.email, line.full_name, line.language, user))
        if user is not None and planned.identity in existing_identities(user):
            planned = PlannedAssignment(
                planned.line,
                planned.role,
                planned.region,
                planned.provinces,
                planned.administration,
                is_new=False,
            )
        person.assignments.append(planned)
    if problems:
        raise StaffFileError(sorted(problems, key=lambda problem: problem.line or 0))
    return ImportPlan(people=list(people.values()))


def _address_fits(line: StaffLine, user: User | None, problems: list[StaffFileProblem]) -> bool:
    try:
        validate_email(line.email)
    except ValidationError:
        problems.append(StaffFileProblem("bad_email", line.line, {"email": line.email[:40]}))
        return False
    if user is not None and user.kind != User.Kind.STAFF:
        problems.append(StaffFileProblem("candidate_address", line.line, {"email": line.email}))
        return False
    return True


def _planned_assignment(
    line: StaffLine,
    regions: dict[str, Region],
    provinces: dict[str, Province],
    administrations: dict[str, Administration],
    problems: list[StaffFileProblem],
) -> PlannedAssignment | None:
    kind = ROLES[line.role]
    if kind == REGION:
        region = regions.get(line.scope[0])
        if region is None:
            problems.append(StaffFileProblem("unknown_region", line.line, {"code": line.scope[0]}))
            return None
        return PlannedAssignment(line.line, line.role, region=region)
    if kind == PROVINCES:
        unknown = [code for code in line.scope if code not in provinces]
        for code in unknown:
            problems.append(StaffFileProblem("unknown_province", line.line, {"code": code}))
        if unknown:
            return None
        return PlannedAssignment(
            line.line, line.role, provinces=tuple(provinces[code] for code in line.scope)
        )
    if kind == ADMINISTRATION:
        administration = administrations.get(line.scope[0])
        if administration is None:
            problems.append(StaffFileProblem("unknown_administration", line.line, {"code": line.scope[0]}))
            return None
        return PlannedAssignment(line.line, line.role, administration=administration)
    return PlannedAssignment(line.line, line.role)
