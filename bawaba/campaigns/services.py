"""Writes on a candidate's application: each one transaction, one audit row, e-mails through the outbox.

Rules every write checks here, whatever the caller: registration is open (to the second, in the site's time
zone), the application is the candidate's and not withdrawn, a CIN is used once per campaign, communes are ranked
without repeats and within the campaign's maximum.
"""

import datetime as dt
from collections.abc import Sequence
from typing import cast

from django.db import IntegrityError, transaction
from django.db.models import Field
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from bawaba.campaigns import schedule, steps
from bawaba.campaigns.contributions import APPLICATION_RECEIVED
from bawaba.campaigns.models import Application, ApplicationChoice, Campaign
from bawaba.campaigns.rules.reasons import application_problems
from bawaba.campaigns.rules.versions import campaign_rules, offers_province_fallback
from bawaba.campaigns.search import search_name_for
from bawaba.campaigns.selectors import application_reference
from bawaba.core.audit import record_event
from bawaba.notifications.services import queue_email
from bawaba.territory.models import Commune


class ApplicationError(Exception):
    """A rule refused the change. `message` is for the candidate; `field` names the form field it concerns."""

    def __init__(self, message: StrOrPromise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class RegistrationNotOpen(ApplicationError):
    pass


class RegistrationClosed(ApplicationError):
    pass


class CinAlreadyUsed(ApplicationError):
    pass


class ApplicationIncomplete(ApplicationError):
    def __init__(self, missing: list[steps.Step]) -> None:
        super().__init__(_("Some steps of your application are not filled in yet."))
        self.missing = missing


class ChoiceError(ApplicationError):
    pass


CIN_ALREADY_USED = _(
    "This CIN is already used in this campaign. If it is yours and you did not apply, contact the campaign's "
    "administration."
)
REGISTRATION_CLOSED = _(
    "Registration for this campaign is closed: your application can no longer be changed."
)
REGISTRATION_NOT_OPEN = _("Registration for this campaign has not opened yet.")
NAME_ORDER = ("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")
NAME_FIELDS = frozenset(NAME_ORDER)
WITHDRAWN_NOT_EDITABLE = _("You withdrew this application. Apply again to change it.")


def _now() -> dt.datetime:
    return timezone.now()


def _lock(application: Application) -> Application:
    """The application row, locked until the transaction ends (PostgreSQL; SQLite serialises writers anyway)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign", "user")
        .get(pk=application.pk)
    )


def _require_open(campaign: Campaign, now: dt.datetime) -> None:
    state = schedule.registration_state(campaign, now=now)
    if state == schedule.UPCOMING:
        raise RegistrationNotOpen(REGISTRATION_NOT_OPEN)
    if state == schedule.CLOSED:
        raise RegistrationClosed(REGISTRATION_CLOSED)


def _require_editable(application: Application, now: dt.datetime) -> None:
    if application.status == Application.Status.WITHDRAWN:
        raise ApplicationError(WITHDRAWN_NOT_EDITABLE)
    _require_open(application.campaign, now)


def _sync(target: Application, source: Application) -> None:
    """Copy the saved state back onto the caller's instance, so that it does not hold stale values."""
    for field in Application._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def start_application(*, campaign: Campaign, user) -> Application:
    """The candidate's application to `campaign`: the one she has, or a new draft while registration is open.

    A withdrawn application comes back as a draft with everything she had entered, if registration is still open.
    """
    with transaction.atomic():
        now = _now()
        existing = (
            Application.objects.select_for_update(of=("self",))
            .filter(campaign=campaign, user_id=user.pk)
            .first()
        )
        if existing is not None:
            if existing.status != Application.Status.WITHDRAWN:
                return existing
            _require_open(campaign, now)
            existing.status = Application.Status.DRAFT
            existing.submitted_at = None
            existing.save(update_fields=["status", "submitted_at", "updated_at"])
            record_event(actor=user, action="application.reopened", target=existing)
            return existing
        _require_open(campaign, now)
        try:
            with transaction.atomic():
                application = Application.objects.create(campaign=campaign, user=user)
        except IntegrityError:
            # The same candidate started twice at once (a double click): the other request's draft is hers.
            return Application.objects.get(campaign=campaign, user_id=user.pk)
        record_event(actor=user, action="application.started", target=application)
        return application


def save_step(*, application: Application, step: str, data: dict) -> Application:
    """Save one step of the form (identity, situation, experience or skills) from a form's cleaned data.

    Refused once registration has closed (to the second) or after withdrawal. A CIN that another application of
    the campaign holds raises CinAlreadyUsed, also when the two are saved at the same instant: the database's
    unique constraint decides, and the loser gets the same message.
    """
    fields = steps.STEP_FIELDS[step]
    with transaction.atomic():
        locked = _lock(application)
        _require_editable(locked, _now())
        changed = [name for name in fields if name in data and _differs(locked, name, data[name])]
        for name in changed:
            setattr(locked, name, data[name])
        update_fields = [*fields, "updated_at"]
        if NAME_FIELDS & set(changed):
            # The staff search matches this folded copy of the four names (campaigns.search).
            locked.search_name = search_name_for(*(getattr(locked, name) for name in NAME_ORDER))
            update_fields.append("search_name")
        if "cin" in changed:
            _check_cin_free(locked)
        try:
            with transaction.atomic():
                locked.save(update_fields=update_fields)
        except IntegrityError as error:
            if "cin" in changed and "cin" in str(error).lower():
                raise CinAlreadyUsed(CIN_ALREADY_USED, field="cin") from error
            raise
        record_event(
            actor=locked.user, action=f"application.{step}_saved", target=locked, data={"fields": changed}
        )
    _sync(application, locked)
    return application


def _differs(application: Application, name: str, value) -> bool:
    # The steps' fields are the application's own columns, never a reverse relation.
    field = cast(Field, Application._meta.get_field(name))
    if field.is_relation:  # compare ids: no query for the related row
        return getattr(application, field.attname) != getattr(value, "pk", value)
    return getattr(application, name) != value


def _check_cin_free(application: Application) -> None:
    # The friendly answer for the common case; the unique constraint still decides when two saves race.
    taken = (
        Application.objects.filter(campaign_id=application.campaign_id, cin=application.cin)
        .exclude(pk=application.pk)
        .exists()
    )
    if taken:
        raise CinAlreadyUsed(CIN_ALREADY_USED, field="cin")


def _ranked_commune_ids(application: Application) -> list[int]:
    return list(
        ApplicationChoice.objects.filter(application=application)
        .order_by("rank")
        .values_list("commune_id", flat=True)
    )


def _write_choices(application: Application, commune_ids: Sequence[int]) -> None:
    """Replace the ranked list: delete then insert, so ranks and communes never collide on the way."""
    maximum = application.campaign.max_commune_choices
    if len(set(commune_ids)) != len(commune_ids):
        raise ChoiceError(_("This commune is already in your list."), field="commune")
    if len(commune_ids) > maximum:
        raise ChoiceError(
            _("You can choose at most %(maximum)s communes.") % {"maximum": maximum}, field="commune"
        )
    if Commune.objects.filter(pk__in=commune_ids).count() != len(commune_ids):
        raise ChoiceError(_("Choose a commune from the list."), field="commune")
    if not commune_ids and application.status == Application.Status.SUBMITTED:
        raise ChoiceError(
            _(
                "A submitted application keeps at least one commune. Add another one first, or withdraw your "
                "application if you no longer wish to take part."
            )
        )
    ApplicationChoice.objects.filter(application=application).delete()
    ApplicationChoice.objects.bulk_create(
        ApplicationChoice(application=application, rank=rank, commune_id=commune_id)
        for rank, commune_id in enumerate(commune_ids, start=1)
    )
    Application.objects.filter(pk=application.pk).update(updated_at=_now())
    record_event(
        actor=application.user,
        action="application.choices_changed",
        target=application,
        data={"communes": list(commune_ids)},
    )


def set_choices(*, application: Application, commune_ids: Sequence[int]) -> list[int]:
    """Replace the candidate's communes with `commune_ids`, first preference first."""
    with transaction.atomic():
        locked = _lock(application)
        _require_editable(locked, _now())
        _write_choices(locked, list(commune_ids))
    return list(commune_ids)


def add_choice(*, application: Application, commune: Commune) -> list[int]:
    """Add a commune after the others (the lowest preference so far)."""
    with transaction.atomic():
        locked = _lock(application)
        _require_editable(locked, _now())
        current = _ranked_commune_ids(locked)
        if commune.pk in current:
            raise ChoiceError(_("This commune is already in your list."), field="commune")
        if len(current) >= locked.campaign.max_commune_choices:
            raise ChoiceError(
                _(
                    "You have already chosen %(maximum)s communes, the most this campaign allows. Remove one first."
                )
                % {"maximum": locked.campaign.max_commune_choices},
                field="commune",
            )
        ranked = [*current, commune.pk]
        _write_choices(locked, ranked)
    return ranked


def remove_choice(*, application: Application, commune_id: int | None) -> list[int]:
    """Take a commune out of the list; those after it move up one rank. None (the form named no commune)
    changes nothing, like a commune not in the list."""
    with transaction.atomic():
        locked = _lock(application)
        _require_editable(locked, _now())
        current = _ranked_commune_ids(locked)
        if commune_id not in current:
            return current  # already gone (a second click, another tab): nothing to do
        ranked = [pk for pk in current if pk != commune_id]
        _write_choices(locked, ranked)
    return ranked


def move_choice(*, application: Application, commune_id: int | None, offset: int) -> list[int]:
    """Move a commune up (offset -1, a higher preference) or down (+1); at either end nothing changes, nor for
    None (the form named no commune) or a commune not in the list."""
    with transaction.atomic():
        locked = _lock(application)
        _require_editable(locked, _now())
        ranked = _ranked_commune_ids(locked)
        if commune_id not in ranked:
            return ranked
        index = ranked.index(commune_id)
        target = index + offset
        if target < 0 or target >= len(ranked) or target == index:
            return ranked
        ranked[index], ranked[target] = ranked[target], ranked[index]
        _write_choices(locked, ranked)
    return ranked


def set_province_fallback(*, application: Application, accepts: bool) -> Application:
    """Tick or untick "any other commune of my province, nearest first, as a last resort".

    The selection adds those communes after her own choices (bawaba.selection.scoring). Same rules as her
    communes: registration open, not withdrawn. Saving the answer she already gave writes nothing. A yes is
    refused when the campaign's rules do not offer the fallback: it would promise what the selection will not do.
    """
    with transaction.atomic():
        locked = _lock(application)
        _require_editable(locked, _now())
        if accepts and not offers_province_fallback(locked.campaign):
            raise ApplicationError(
                _("This campaign does not place candidates in other communes of their province."),
                field="accepts_any_commune_in_province",
            )
        if locked.accepts_any_commune_in_province != accepts:
            locked.accepts_any_commune_in_province = accepts
            locked.save(update_fields=["accepts_any_commune_in_province", "updated_at"])
            record_event(
                actor=locked.user,
                action="application.province_fallback_changed",
                target=locked,
                data={"accepts": accepts},
            )
    _sync(application, locked)
    return application


def submit_application(
    *, application: Application, base_url: str, language: str | None = None
) -> Application:
    """Submit a complete draft before the deadline, and e-mail the candidate that it was received.

    Submitting what is already submitted changes nothing and sends nothing (a double click, two tabs). Edits
    after submission keep the application submitted (and its submission time, hence its place), so no second
    confirmation goes out for them. Only a new submission after a withdrawal gets a new e-mail: the outbox key
    carries the submission instant (`application-received:<id>:<submitted_at>`).
    """
    with transaction.atomic():
        locked = _lock(application)
        if locked.status == Application.Status.SUBMITTED:
            _sync(application, locked)
            return application
        now = _now()
        _require_editable(locked, now)
        missing = steps.missing_steps(locked, choice_count=len(_ranked_commune_ids(locked)))
        if missing:
            raise ApplicationIncomplete(missing)
        # The campaign's current rules decide who may apply, as they will decide who is selected; the form has
        # told her already, unless the rules changed since she answered.
        problems = application_problems(
            locked, campaign_rules(locked.campaign), choice_count=len(_ranked_commune_ids(locked))
        )
        if problems:
            raise ApplicationError(problems[0].message, field=problems[0].field)
        locked.status = Application.Status.SUBMITTED
        locked.submitted_at = now
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        record_event(actor=locked.user, action="application.submitted", target=locked)
        _queue_received_email(locked, submitted_at=now, base_url=base_url, language=language)
    _sync(application, locked)
    return application


def _queue_received_email(
    application: Application, *, submitted_at: dt.datetime, base_url: str, language: str | None
) -> None:
    user = application.user
    language = language or user.preferred_language
    with translation.override(language):
        title = application.campaign.title
        dashboard_path = reverse("portal:dashboard")
    queue_email(
        kind=APPLICATION_RECEIVED.key,
        to_email=user.email,
        language=language,
        context={
            "campaign_title": title,
            "reference": application_reference(application),
            "dashboard_url": base_url.rstrip("/") + dashboard_path,
        },
        idempotency_key=f"application-received:{application.pk}:{submitted_at.isoformat()}",
        user=user,
    )


def withdraw_application(*, application: Application) -> Application:
    """Withdraw a submitted application, before or after the deadline: the candidate leaves the selection.

    Her data stay (the selection's audit may need them); before the deadline she may apply again.
    """
    with transaction.atomic():
        locked = _lock(application)
        if locked.status != Application.Status.SUBMITTED:
            raise ApplicationError(_("Only a submitted application can be withdrawn."))
        locked.status = Application.Status.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        record_event(actor=locked.user, action="application.withdrawn", target=locked)
    _sync(application, locked)
    return application


def record_applications_export(*, actor, filters: dict) -> None:
    """Audit a download of candidates' personal data: who, when, and with which search (the rows are her scope's)."""
    record_event(actor=actor, action="campaigns.applications_exported", data=filters)
