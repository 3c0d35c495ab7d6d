"""The decision e-mails of a published final selection, written in its publication's transaction (the selection's
`run_published` signal, connected in InterviewsConfig.ready()): one mailing, one message for each candidate the
interviews concerned, in her language.

- selected: the commune where she will work, and that her in-person training convocation follows;
- in the reserve: her place on each commune's reserve list (the run's, as published);
- not selected: absent from her interview, or scored and on no list.

A candidate who was never interviewed (never called, never convoked) gets no message: the final selection says
nothing new to her. The mailing is written with the decisions, so a failed publication sends nothing and a
publication happens once per stage: nobody is written to twice.
"""

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Application
from bawaba.campaigns.people import PERSON_FIELDS, person_of, read_people
from bawaba.interviews.services.convocations import Texts
from bawaba.notifications.mailings import Recipients, create_mailing
from bawaba.selection.models import Promotion, PromotionRound, SelectionDecision, SelectionRun
from bawaba.training.services.invitations import Places

FINAL_DECISION_KIND = "final_decision"
Outcome = SelectionDecision.Outcome
SELECTED, RESERVE, NOT_SELECTED = "selected", "reserve", "not_selected"
# The reserve places a message names, best first: a candidate may wait on many communes' lists.
RESERVE_PLACES_SHOWN = 3


def reserve_places(choice_tables: list[bytes]) -> list[list[tuple[int, int]]]:
    """For each decision's choice table, (place, commune id) of the lists she waits on, best place first (at most
    RESERVE_PLACES_SHOWN): every table parsed at once, 140,000 of them nationally."""
    records = np.frombuffer(
        b"".join(bytes(table) for table in choice_tables), dtype=SelectionDecision.CHOICE_DTYPE
    )
    owner = np.repeat(
        np.arange(len(choice_tables)),
        [len(table) // SelectionDecision.CHOICE_DTYPE.itemsize for table in choice_tables],
    )
    waiting = records["place"] > 0
    owner, place, commune = owner[waiting], records["place"][waiting], records["commune"][waiting]
    order = np.lexsort((commune, place, owner))
    found: list[list[tuple[int, int]]] = [[] for _ in choice_tables]
    for row, its_place, its_commune in zip(
        owner[order].tolist(), place[order].tolist(), commune[order].tolist(), strict=True
    ):
        if len(found[row]) < RESERVE_PLACES_SHOWN:
            found[row].append((its_place, its_commune))
    return found


def notify_final_publication(*, run: SelectionRun, actor: Any) -> int:
    """Write the final decisions' mailing; return how many messages it holds (0: none written)."""
    if run.stage != SelectionRun.Stage.FIELD:
        return 0
    campaign = run.campaign
    # Her decision and what her message needs of her, in one query (a withdrawn application gets no message).
    rows = list(
        SelectionDecision.objects.filter(run=run)
        .exclude(outcome=Outcome.INELIGIBLE, ineligibility__lt=SelectionDecision.Ineligibility.ABSENT)
        .exclude(application__status=Application.Status.WITHDRAWN)
        .order_by("application_id")
        .values_list("application_id", "outcome", "commune_id", *PERSON_FIELDS)
    )
    waiting = [row[0] for row in rows if row[1] == Outcome.WAITLISTED]
    tables = dict(
        SelectionDecision.objects.filter(run=run, outcome=Outcome.WAITLISTED)
        .order_by("application_id")
        .values_list("application_id", "choice_table")
    )
    reserves = dict(zip(waiting, reserve_places([tables[pk] for pk in waiting]), strict=True))
    places = Places.read()
    texts = Texts(campaign)
    keys, emails, languages, user_ids, contexts = [], [], [], [], []
    for application_id, outcome, commune_id, *fields in rows:
        person = person_of(application_id, tuple(fields))
        language = person.language
        context: dict[str, Any] = {
            "campaign_title": texts.title(language),
            "name": person.full_name(),
            "dashboard_url": texts.dashboard(language),
        }
        if outcome == Outcome.ADMITTED:
            context |= {"outcome": SELECTED, "commune": places.name(commune_id, language)}
        else:
            reserve = reserves.get(application_id, [])
            context["outcome"] = RESERVE if reserve else NOT_SELECTED
            context["reserve"] = [
                {"place": place, "commune": places.name(commune, language)} for place, commune in reserve
            ]
            context["absent"] = outcome == Outcome.INELIGIBLE
        keys.append(f"final-{run.pk}-{application_id}")
        emails.append(person.email)
        languages.append(language)
        user_ids.append(person.user_id)
        contexts.append(context)
    if not keys:
        return 0
    create_mailing(
        kind=FINAL_DECISION_KIND,
        label=(_("Final selection decisions: %(campaign)s") % {"campaign": campaign.title})[:200],
        recipients=Recipients(
            keys=keys, emails=emails, languages=languages, user_ids=user_ids, contexts=contexts
        ),
        created_by=actor,
    )
    return len(keys)


def notify_final_promotions(*, promotion_round: PromotionRound, actor: Any) -> int:
    """The e-mails of a promotion round of the final selection: each promoted candidate is told where she is now
    selected (from the reserve, or moved to a commune she ranked higher). Written in the round's transaction."""
    run = promotion_round.run
    if run.stage != SelectionRun.Stage.FIELD:
        return 0
    promoted = list(
        Promotion.objects.filter(promotion_round=promotion_round)
        .order_by("application_id")
        .values_list("application_id", "commune_id")
    )
    people = read_people(run.campaign, [pk for pk, _commune in promoted])
    places = Places.read()
    texts = Texts(run.campaign)
    keys, emails, languages, user_ids, contexts = [], [], [], [], []
    for application_id, commune_id in promoted:
        person = people.get(application_id)
        if person is None:
            continue
        language = person.language
        keys.append(f"final-{run.pk}-{application_id}-round-{promotion_round.number}")
        emails.append(person.email)
        languages.append(language)
        user_ids.append(person.user_id)
        contexts.append(
            {
                "campaign_title": texts.title(language),
                "name": person.full_name(),
                "dashboard_url": texts.dashboard(language),
                "outcome": SELECTED,
                "commune": places.name(commune_id, language),
            }
        )
    if not keys:
        return 0
    create_mailing(
        kind=FINAL_DECISION_KIND,
        label=(
            _("Final selection, round %(number)s: %(campaign)s")
            % {"number": promotion_round.number, "campaign": run.campaign.title}
        )[:200],
        recipients=Recipients(
            keys=keys, emails=emails, languages=languages, user_ids=user_ids, contexts=contexts
        ),
        created_by=actor,
    )
    return len(keys)
