"""The candidates to write to: an application's candidate as a notice, an invitation or a convocation needs her
(her address, her language, her names in both scripts), read for hundreds of thousands at once as tuples."""

from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings

from bawaba.campaigns.models import Application, Campaign
from bawaba.core.languages import supported_language

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


class Person(NamedTuple):
    """What a notice needs of an application and its candidate (a tuple: a publication makes 488,321 of them)."""

    application_id: int
    user_id: int
    email: str
    language: str  # a language the platform speaks (her preferred one, else Arabic)
    first_name_ar: str
    last_name_ar: str
    first_name_latin: str
    last_name_latin: str

    def names(self) -> tuple[str, str]:
        """Her first and last names in the script of her language: Arabic for Arabic, Latin otherwise, each
        falling back to the other script when she gave only that one."""
        arabic = (self.first_name_ar, self.last_name_ar)
        latin = (self.first_name_latin, self.last_name_latin)
        first, second = (arabic, latin) if self.language == "ar" else (latin, arabic)
        return first if any(first) else second

    def full_name(self) -> str:
        """Her names in her language's script, one string; her address when she gave no name at all."""
        return " ".join(part for part in self.names() if part) or self.email


# Her fields as read_people reads them, after the application's id, for a query of another table to add.
PERSON_FIELDS = (
    "application__user_id",
    "application__user__email",
    "application__user__preferred_language",
    "application__first_name_ar",
    "application__last_name_ar",
    "application__first_name_latin",
    "application__last_name_latin",
)


def person_of(application_id: int, fields: tuple) -> Person:
    """Her Person from the values of PERSON_FIELDS."""
    user_id, email, language, *names = fields
    return Person(application_id, user_id, email, supported_language(language), *names)


def read_people(campaign: Campaign, application_ids: Iterable[int] | None = None) -> dict[int, Person]:
    """The applications of the campaign (or those of `application_ids`) with their users, by application id;
    withdrawn applications left out: no notice goes to a candidate who withdrew."""
    applications = Application.objects.filter(campaign=campaign).exclude(status=Application.Status.WITHDRAWN)
    if application_ids is not None:
        applications = applications.filter(pk__in=list(application_ids))
    languages = {code: supported_language(code) for code in LANGUAGES}
    people = {}
    for row in applications.order_by().values_list(
        "pk",
        "user_id",
        "user__email",
        "user__preferred_language",
        "first_name_ar",
        "last_name_ar",
        "first_name_latin",
        "last_name_latin",
    ):
        people[row[0]] = Person(
            row[0], row[1], row[2], languages.get(row[3]) or supported_language(row[3]), *row[4:]
        )
    return people
