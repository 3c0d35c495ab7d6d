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

from bawaba.campaigns.people import read_people
from bawaba.interviews.services.convocations import Texts
from bawaba.notifications.mailings import Recipients, create_mailing
from bawaba.selection.models import Promotion, PromotionRound, SelectionDecision, SelectionRun
from bawaba.training.services.invitations import Places

FINAL_DECISION_KIND = "final_decision"
Outcome = SelectionDecision.Outcome
SELECTED, RESERVE, NOT_SELECTED = "selected", "reserve", "not_selected"
# The reserve places a message names, best first: a candidate may wait on many communes' lists.
RESERVE_PLACES_SHOWN = 3


def _reserve_places(choice_table: bytes) -> list[tuple[int, int]]:
    """(place, commune id) of the lists she waits on, best place first, from her decision's choice table."""
    records = np.frombuffer(bytes(choice_table), dtype=SelectionDecision.CHOICE_DTYPE)
    waiting = records[records["place"] > 0]
    order = np.lexsort((waiting["commune"], waiting["place"]))
    return [(int(waiting["place"][i]), int(waiting["commune"][i])) for i in order[:RESERVE_PLACES_SHOWN]]


def notify_final_publication(*, run: SelectionRun, actor: Any) -> int:
    """Write the final decisions' mailing; return how many messages it holds (0: none written)."""
    if run.stage != SelectionRun.Stage.FIELD:
        return 0
    campaign = run.campaign
    rows = list(
        SelectionDecision.objects.filter(run=run)
        .exclude(outcome=Outcome.INELIGIBLE, ineligibility__lt=SelectionDecision.Ineligibility.ABSENT)
        .order_by("application_id")
        .values_list("application_id", "outcome", "commune_id", "choice_table")
    )
    people = read_people(campaign, [row[0] for row in rows])
    places = Places.read()
    texts = Texts(campaign)
    keys, emails, languages, user_ids, contexts = [], [], [], [], []
    for application_id, outcome, commune_id, choice_table in rows:
        person = people.get(application_id)
        if person is None:  # withdrawn since
            continue
        language = person.language
        context: dict[str, Any] = {
            "campaign_title": texts.title(language),
            "name": person.full_name(),
            "dashboard_url": texts.dashboard(language),
        }
        if outcome == Outcome.ADMITTED:
            context |= {"outcome": SELECTED, "commune": places.name(commune_id, language)}
        else:
            reserve = _reserve_places(choice_table) if outcome == Outcome.WAITLISTED else []
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
