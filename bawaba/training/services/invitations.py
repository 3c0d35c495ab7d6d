"""The decision notices and invitations of the training stage, written in the transaction of the selection's event.

A published preselection (`notify_publication`) writes, for each of its decisions:
- admitted: her account on the e-learning platform with a temporary password, and her invitation (PRESELECTED) in
  a mailing HELD as a draft, one mailing per region (the hand-over resumes it once the platform knows the accounts);
- on a waiting list: a queued WAITLISTED notice with her place on each list;
- anyone else (not eligible, or on no list): a queued NOT_SELECTED notice linking to her explanation.
A promotion round (`invite_promoted`) issues the accounts of the candidates it took from a waiting list and their
held PROMOTED invitations.

Set-based: a national publication has 488,321 decisions and some 200,000 admitted. Everything is read in a few
queries (decisions, applications with their users, communes, report lines), each recipient's values are made in
her language from per-language constants, passwords are drawn for all at once, and accounts and messages go in by
COPY (bawaba.core.bulk). Measured in docs/benchmarks.md ("Decision notices of a national publication").
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Campaign
from bawaba.campaigns.people import Person, read_people
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.notifications.mailings import Recipients
from bawaba.selection.models import (
    Promotion,
    PromotionRound,
    SelectionCommuneResult,
    SelectionDecision,
    SelectionRun,
)
from bawaba.territory.models import Commune, Region
from bawaba.training import passwords
from bawaba.training.models import NoticeKind, TrainingAccount
from bawaba.training.notices import create_notice_mailing_of_columns
from bawaba.training.places import reply_deadline
from bawaba.training.selectors import training_settings

Outcome = SelectionDecision.Outcome
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def site_url() -> str:
    """The site's root as candidates reach it (BAWABA_SITE_URL), without its final slash."""
    return (settings.BAWABA_SITE_URL or "").rstrip("/")


@dataclass(frozen=True)
class Shared:
    """The values every recipient in one language shares, made once per language."""

    campaign: dict[str, str]
    platform_url: str
    reply_deadline: dict[str, str]
    dashboard_url: dict[str, str]
    waitlist_line: dict[str, str]  # "%(commune)s — place %(place)s of %(length)s" in each language

    @classmethod
    def of(cls, campaign: Campaign, *, promoted_at: dt.datetime | None = None) -> "Shared":
        """`promoted_at`: the time of the round whose invitations these are; their deadline is then a week
        after it if later than everyone's (places.reply_deadline), the date her dashboard shows."""
        training = training_settings(campaign)
        deadline = reply_deadline(campaign_deadline=training.reply_deadline, promoted_at=promoted_at)
        base = site_url()
        values: dict[str, dict[str, str]] = defaultdict(dict)
        for language in LANGUAGES:
            with translation.override(language):
                values["campaign"][language] = campaign.title
                values["reply_deadline"][language] = (
                    formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")
                    if deadline
                    else _("the date shown on your dashboard (it is not set yet)")
                )
                values["dashboard_url"][language] = base + reverse("portal:dashboard")
                values["waitlist_line"][language] = _("%(commune)s — place %(place)s of %(length)s")
        return cls(
            campaign=values["campaign"],
            platform_url=training.platform_url,
            reply_deadline=values["reply_deadline"],
            dashboard_url=values["dashboard_url"],
            waitlist_line=values["waitlist_line"],
        )

    def values(self, person: Person) -> dict[str, str]:
        """The values of the placeholders every notice has: her names, the campaign, her dashboard."""
        first_name, last_name = person.names()
        return {
            "first_name": first_name,
            "last_name": last_name,
            "campaign": self.campaign[person.language],
            "dashboard_url": self.dashboard_url[person.language],
        }

    def explanation_url(self, person: Person) -> str:
        # Her explanation is on her dashboard, under the heading that selection/includes/explanation.html ids.
        return f"{self.dashboard_url[person.language]}#explanation-{person.application_id}-title"


@dataclass(frozen=True)
class Places:
    """Commune names in both scripts, and each commune's region."""

    name_ar: dict[int, str]
    name_fr: dict[int, str]
    region: dict[int, int]

    @classmethod
    def read(cls) -> "Places":
        name_ar, name_fr, region = {}, {}, {}
        for pk, arabic, french, region_id in Commune.objects.order_by().values_list(
            "pk", "name_ar", "name_fr", "region_id"
        ):
            name_ar[pk], name_fr[pk], region[pk] = arabic, french, region_id
        return cls(name_ar=name_ar, name_fr=name_fr, region=region)

    def name(self, commune_id: int, language: str) -> str:
        if language == "ar":
            return self.name_ar[commune_id] or self.name_fr[commune_id]
        return self.name_fr[commune_id] or self.name_ar[commune_id]


def notify_publication(*, run: SelectionRun, actor: Any) -> None:
    """The decision notices of a published preselection, written in its publication's transaction."""
    if run.stage != SelectionRun.Stage.PRESELECTION:
        return
    campaign = run.campaign
    shared = Shared.of(campaign)
    places = Places.read()
    people = read_people(campaign)
    admitted: list[tuple[int, int]] = []  # (application, commune)
    others: list[int] = []
    for application_id, outcome, commune_id in (
        SelectionDecision.objects.filter(run=run)
        .order_by()
        .values_list("application_id", "outcome", "commune_id")
    ):
        if application_id not in people:
            continue
        if outcome == Outcome.ADMITTED:
            admitted.append((application_id, commune_id))
        elif outcome != Outcome.WAITLISTED:
            others.append(application_id)
    lengths = dict(
        SelectionCommuneResult.objects.filter(run=run).values_list("commune_id", "waitlist_length")
    )
    waiting, on_no_list = _waiting_lists(run, people, places, shared, lengths)
    others.extend(on_no_list)

    invited = _invite(
        campaign=campaign,
        kind=NoticeKind.PRESELECTED,
        admitted=admitted,
        people=people,
        places=places,
        shared=shared,
        actor=actor,
    )
    waitlisted = sorted(waiting)
    if waitlisted:
        columns = Columns()
        for pk in waitlisted:
            person = people[pk]
            values = shared.values(person)
            values["waiting_lists"] = waiting[pk]
            values["explanation_url"] = shared.explanation_url(person)
            columns.add(person, values)
        create_notice_mailing_of_columns(
            campaign=campaign,
            kind=NoticeKind.WAITLISTED,
            label=_("Waiting-list notices: %(campaign)s") % {"campaign": campaign.title},
            recipients=columns.recipients(),
            actor=actor,
        )
    others.sort()
    if others:
        columns = Columns()
        for pk in others:
            person = people[pk]
            values = shared.values(person)
            values["explanation_url"] = shared.explanation_url(person)
            columns.add(person, values)
        create_notice_mailing_of_columns(
            campaign=campaign,
            kind=NoticeKind.NOT_SELECTED,
            label=_("Preselection results: %(campaign)s") % {"campaign": campaign.title},
            recipients=columns.recipients(),
            actor=actor,
        )
    record_event(
        actor=actor,
        action="training.decision_notices",
        target=run,
        data={"invited": invited, "waitlisted": len(waitlisted), "not_selected": len(others)},
    )


def invite_promoted(*, promotion_round: PromotionRound, actor: Any) -> None:
    """The invitations of the candidates a promotion round promoted, written in the round's transaction.

    Those it took from a waiting list get an account and a held PROMOTED invitation; one it moved to a commune she
    ranked higher already has her account (and her invitation, or her credentials if handed over).
    """
    run = promotion_round.run
    if run.stage != SelectionRun.Stage.PRESELECTION:
        return
    campaign = run.campaign
    promoted = list(
        Promotion.objects.filter(promotion_round=promotion_round, previous_commune__isnull=True)
        .order_by("application_id")
        .values_list("application_id", "commune_id")
    )
    if not promoted:
        return
    people = read_people(campaign, (pk for pk, _commune in promoted))
    invited = _invite(
        campaign=campaign,
        kind=NoticeKind.PROMOTED,
        admitted=[(pk, commune) for pk, commune in promoted if pk in people],
        people=people,
        places=Places.read(),
        shared=Shared.of(campaign, promoted_at=promotion_round.created_at),
        actor=actor,
        round_number=promotion_round.number,
    )
    record_event(
        actor=actor,
        action="training.promotion_invitations",
        target=promotion_round,
        data={"invited": invited},
    )


class Columns:
    """A mailing's recipients gathered as columns, one append per recipient (no object each)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.emails: list[str] = []
        self.languages: list[str] = []
        self.user_ids: list[int | None] = []
        self.contexts: list[dict[str, str]] = []

    def add(self, person: Person, values: dict[str, str]) -> None:
        self.keys.append(f"a{person.application_id}")
        self.emails.append(person.email)
        self.languages.append(person.language)
        self.user_ids.append(person.user_id)
        self.contexts.append(values)

    def recipients(self) -> Recipients:
        return Recipients(
            keys=self.keys,
            emails=self.emails,
            languages=self.languages,
            user_ids=self.user_ids,
            contexts=self.contexts,
        )


def _waiting_lists(
    run: SelectionRun, people: dict[int, Person], places: Places, shared: Shared, lengths: dict[int, int]
) -> tuple[dict[int, str], list[int]]:
    """Her places on waiting lists, one line each in her order ("Commune — place 3 of 41"), by application id; and
    the waitlisted who are on no list (told as the others are)."""
    ids: list[int] = []
    tables: list[bytes] = []
    for application_id, table in (
        SelectionDecision.objects.filter(run=run, outcome=Outcome.WAITLISTED)
        .order_by()
        .values_list("application_id", "choice_table")
    ):
        if application_id in people:
            ids.append(application_id)
            tables.append(bytes(table))
    if not ids:
        return {}, []
    # Every table at once: the records of all of them, and whose each one is.
    dtype = SelectionDecision.CHOICE_DTYPE
    records = np.frombuffer(b"".join(tables), dtype=dtype)
    owner = np.repeat(np.arange(len(ids)), [len(table) // dtype.itemsize for table in tables])
    on_list = records["place"] > 0
    owner, communes, numbers = owner[on_list], records["commune"][on_list], records["place"][on_list]
    if not owner.shape[0]:
        return {}, ids
    # Each line is (before, her place, after), the two ends the same for everyone of one language at one commune:
    # made once per (language, commune) from the line's translated pattern, then picked for every entry by index.
    known = np.unique(communes)
    ends: list[tuple[str, str]] = []
    for language in LANGUAGES:
        for commune_id in known.tolist():
            line = shared.waitlist_line[language] % {
                "commune": places.name(commune_id, language),
                "place": "\0",
                "length": lengths.get(commune_id, 0),
            }
            before, _nul, after = line.partition("\0")
            ends.append((before, after))
    language_of = np.array([LANGUAGES.index(people[pk].language) for pk in ids], dtype=np.int64)
    which = language_of[owner] * known.shape[0] + np.searchsorted(known, communes)
    befores = np.array([before for before, _after in ends], dtype=object)[which].tolist()
    afters = np.array([after for _before, after in ends], dtype=object)[which].tolist()
    lines = list(map("".join, zip(befores, map(str, numbers.tolist()), afters, strict=True)))
    # The entries are in owner order (one table after the other): each owner's lines are one slice.
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    stops = np.r_[starts[1:], owner.shape[0]]
    waiting = {
        ids[index]: "\n".join(lines[begin:end])
        for index, begin, end in zip(owner[starts].tolist(), starts.tolist(), stops.tolist(), strict=True)
    }
    return waiting, [pk for pk in ids if pk not in waiting]


def _invite(
    *,
    campaign: Campaign,
    kind: str,
    admitted: Sequence[tuple[int, int]],
    people: dict[int, Person],
    places: Places,
    shared: Shared,
    actor: Any,
    round_number: int | None = None,
) -> int:
    """Accounts with temporary passwords for `admitted` (application, commune) who have none yet, and their
    invitations held in one mailing per region; the number invited."""
    have_accounts = set(
        TrainingAccount.objects.filter(campaign=campaign).values_list("application_id", flat=True)
    )
    todo = sorted(
        ((places.region[commune], pk, commune) for pk, commune in admitted if pk not in have_accounts),
        key=lambda item: (item[0], item[1]),
    )
    if not todo:
        return 0
    issued = passwords.generate(len(todo))
    mailing_of: list[int] = []
    regions = {region.pk: region for region in Region.objects.filter(pk__in={r for r, _pk, _c in todo})}
    start = 0
    while start < len(todo):
        region_id = todo[start][0]
        stop = start
        while stop < len(todo) and todo[stop][0] == region_id:
            stop += 1
        columns = Columns()
        for (_region, pk, commune), password in zip(todo[start:stop], issued[start:stop], strict=True):
            person = people[pk]
            values = shared.values(person)
            values["commune"] = places.name(commune, person.language)
            values["platform_url"] = shared.platform_url
            values["username"] = person.email
            values["password"] = password
            values["reply_deadline"] = shared.reply_deadline[person.language]
            columns.add(person, values)
        mailing = create_notice_mailing_of_columns(
            campaign=campaign,
            kind=kind,
            label=_invitation_label(campaign, regions[region_id], round_number),
            recipients=columns.recipients(),
            actor=actor,
            held=True,
        )
        mailing_of.extend([mailing.pk] * (stop - start))
        start = stop
    now = timezone.now().astimezone(dt.UTC).replace(tzinfo=None)
    rows = len(todo)
    BulkWriter(connection).insert(
        TrainingAccount,
        {
            "campaign": campaign.pk,
            "application": [pk for _region, pk, _commune in todo],
            "username": [people[pk].email for _region, pk, _commune in todo],
            "temporary_password": issued,
            "password_issued_at": np.full(rows, np.datetime64(now, "s")),
            "invitation_mailing": mailing_of,
            "exported_at": None,
            "export": None,
        },
        rows=rows,
    )
    return rows


def _invitation_label(campaign: Campaign, region: Region, round_number: int | None) -> str:
    if round_number is None:
        return _("Invitations to the training: %(campaign)s, %(region)s") % {
            "campaign": campaign.title,
            "region": region.name,
        }
    return _("Invitations after promotion round %(number)s: %(campaign)s, %(region)s") % {
        "number": round_number,
        "campaign": campaign.title,
        "region": region.name,
    }
