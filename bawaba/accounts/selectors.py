"""Reads for the account pages."""

from dataclasses import dataclass

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.scopes import assignments_of, has_role
from bawaba.accounts.tokens import decode_uid, reset_tokens


def user_with_email(email: str) -> User | None:
    """The account for an address, whatever its case (addresses are stored lower-cased), or None."""
    return User.objects.with_email(email).first()


def user_for_reset_link(*, uidb64: str, token: str) -> User | None:
    """The active account a reset link opens, or None if the link is forged, expired or used."""
    uid = decode_uid(uidb64)
    user = User.objects.filter(pk=uid, is_active=True).first() if uid is not None else None
    return user if user is not None and reset_tokens.check_token(user, token) else None


@dataclass(frozen=True)
class AssignmentSummary:
    role: str  # the role's label, in the active language
    places: list[str]  # the region, provinces or administration, by name


def assignment_summaries(user) -> list[AssignmentSummary]:
    """Her roles and where, as the staff home shows them ("Provincial supervisor: Kénitra")."""
    summaries = []
    for assignment in assignments_of(user):
        places: list[str] = []
        if assignment.region is not None:
            places.append(assignment.region.name)
        places.extend(province.name for province in assignment.provinces.all())
        if assignment.administration is not None:
            places.append(assignment.administration.name)
        summaries.append(AssignmentSummary(role=str(assignment.get_role_display()), places=places))
    return summaries


def places_of(user, *roles: str) -> list[str]:
    """The names of the places her assignments of these roles cover, without repeats; empty for a national role.

    What a scoped page says it shows ("the applications of Kénitra").
    """
    if has_role(user, Assignment.Role.CENTRAL_ADMIN) and Assignment.Role.CENTRAL_ADMIN in roles:
        return []
    places = [
        place
        for summary, assignment in zip(assignment_summaries(user), assignments_of(user), strict=True)
        if assignment.role in roles
        for place in summary.places
    ]
    return list(dict.fromkeys(places))
