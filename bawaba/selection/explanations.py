"""What a candidate is told about her preselection: the published decision, and why, commune by commune.

Everything comes from what publishing wrote: her SelectionDecision (score, breakdown, her list of communes with
her priority and waiting-list place at each) and the public SelectionCommuneResult lines of those communes
(places, admitted, cutoff). Nothing is recomputed, and no other candidate appears except as a cutoff: the
priority and lottery number of a commune's last admitted candidate, which the public report shows too.
"""

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application
from bawaba.core.names import localised
from bawaba.selection import waiting_lists
from bawaba.selection.models import (
    PlaceRelease,
    Promotion,
    SelectionCommuneResult,
    SelectionDecision,
    SelectionRun,
)

logger = logging.getLogger(__name__)

# The criteria of bawaba.selection.scoring.SCORE_PARTS, in that order (a test checks they agree), with the words
# of the application form that asked for them.
SCORE_PART_LABELS: tuple[tuple[str, Promise], ...] = (
    ("category", _("Your situation")),
    ("education_level", _("Highest education level")),
    ("survey_experience", _("Field surveys taken part in")),
    ("ict_skill", _("Computer skills")),
    ("languages", _("Languages spoken")),
)

# Where she stands at one commune of her list.
ADMITTED_HERE = "admitted_here"
ADMITTED_TO_PREFERRED = "admitted_to_preferred"  # admitted higher on her list: not on this waiting list
WAITLISTED = "waitlisted"
NOT_ADMITTED = "not_admitted"

# Why a commune she preferred did not take her.
NO_PLACES = "no_places"
LOWER_PRIORITY = "lower_priority"
LOTTERY = "lottery"  # the same priority as the last admitted, and a larger lottery number

# Her bonus at a commune: the scoring gives the residence-commune bonus at her commune of residence and the
# residence-province bonus elsewhere in her province, so a bonus away from home is the province's.
BONUS_COMMUNE = "commune"
BONUS_PROVINCE = "province"


@dataclass(frozen=True)
class RunFacts:
    number: int
    published_at: dt.datetime | None  # never None: only published runs are explained
    seed: str
    campaign_slug: str
    stage: str

    @property
    def report_url(self) -> str | None:
        """The public report of the run, in the language of the page showing it (None until it is wired)."""
        try:
            return reverse("selection:report", kwargs={"slug": self.campaign_slug, "stage": self.stage})
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class CommuneLine:
    """One commune of her list: her priority and where she stands there, and the commune's public figures."""

    rank: int  # 1-based, in her whole list (declared choices, then the province fallback)
    commune_id: int
    name_ar: str
    name_fr: str
    is_fallback: bool
    priority: int
    bonus: int
    bonus_kind: str  # BONUS_COMMUNE, BONUS_PROVINCE, or "" when there is no bonus
    standing: str  # ADMITTED_HERE, ADMITTED_TO_PREFERRED, WAITLISTED or NOT_ADMITTED
    waitlist_place: int | None
    waitlist_length: int
    places: int
    admitted: int
    is_full: bool
    cutoff_priority: int | None
    cutoff_lottery: str
    lottery: str  # hers

    @property
    def name(self) -> str:
        return localised(self)

    @property
    def score(self) -> int:
        return self.priority - self.bonus

    @property
    def has_cutoff(self) -> bool:
        """A cutoff means something only where the commune is full and admitted someone."""
        return self.is_full and self.cutoff_priority is not None

    @property
    def refusal_reason(self) -> str:
        """Why this commune did not take her (NO_PLACES, LOWER_PRIORITY, LOTTERY), or "" if it did."""
        if self.standing not in (WAITLISTED, NOT_ADMITTED):
            return ""
        cutoff = self.cutoff_priority
        if not self.has_cutoff or cutoff is None:
            return NO_PLACES if self.places == 0 else ""
        if self.priority < cutoff:
            return LOWER_PRIORITY
        if self.priority == cutoff and _lottery_value(self.lottery) > _lottery_value(self.cutoff_lottery):
            return LOTTERY
        return ""


@dataclass(frozen=True)
class PromotionFacts:
    """Her latest promotion from a waiting list: the round, its date, the commune she was promoted to."""

    round_number: int
    promoted_at: dt.datetime
    name_ar: str
    name_fr: str

    @property
    def name(self) -> str:
        return localised(self)


@dataclass(frozen=True)
class Explanation:
    application_id: int
    run: RunFacts
    outcome: str
    ineligibility: int
    score: int
    breakdown: tuple[tuple[Promise, int], ...]  # (criterion, points) in SCORE_PARTS order
    lottery: str
    rank: int | None  # of the commune she is admitted to, in her whole list
    lines: tuple[CommuneLine, ...]  # empty when she was not eligible
    promotion: PromotionFacts | None = None
    release_reason: str = ""  # PlaceRelease.Reason, when she left the selection

    @property
    def is_released(self) -> bool:
        return self.outcome == SelectionDecision.Outcome.RELEASED

    @property
    def release_label(self) -> str | Promise:
        return PlaceRelease.Reason(self.release_reason).label if self.release_reason else ""

    @property
    def dom_id(self) -> str:
        """The prefix of the page ids of this explanation: a dashboard may show several applications."""
        return f"explanation-{self.application_id}"

    @property
    def outcome_label(self) -> str | Promise:
        return SelectionDecision.Outcome(self.outcome).label

    @property
    def ineligibility_label(self) -> str | Promise:
        return SelectionDecision.Ineligibility(self.ineligibility).label if self.is_ineligible else ""

    @property
    def is_admitted(self) -> bool:
        return self.outcome == SelectionDecision.Outcome.ADMITTED

    @property
    def is_waitlisted(self) -> bool:
        return self.outcome == SelectionDecision.Outcome.WAITLISTED

    @property
    def is_ineligible(self) -> bool:
        return self.outcome == SelectionDecision.Outcome.INELIGIBLE

    @property
    def admitted_line(self) -> CommuneLine | None:
        return next((line for line in self.lines if line.standing == ADMITTED_HERE), None)

    @property
    def waitlisted_lines(self) -> tuple[CommuneLine, ...]:
        """The communes whose waiting list she is on, in her order: where a freed place may still come from.

        None once she left the selection: her places wait only for the next promotion round to be given away."""
        if self.is_released:
            return ()
        return tuple(line for line in self.lines if line.standing == WAITLISTED)

    @property
    def declared_lines(self) -> tuple[CommuneLine, ...]:
        return tuple(line for line in self.lines if not line.is_fallback)

    @property
    def fallback_lines(self) -> tuple[CommuneLine, ...]:
        return tuple(line for line in self.lines if line.is_fallback)


def explanation_for(application: Application) -> Explanation | None:
    """Her decision in the published run of her campaign, explained; None if no run is published or it has none.

    Two queries, both by key: her decision with its run (the decision's (run, application) key), then the report
    lines of her communes with their names (the (run, commune) key). One only, for the ineligible. Where promotion
    rounds followed the run, one more for her communes' figures after them and who left their lists.
    """
    return explanations_for([application]).get(application.pk)


def explanations_for(applications: Iterable[Application]) -> dict[int, Explanation]:
    """explanation_for of each application, by application id, in two queries whatever their number.

    For a page listing several applications (the dashboard); an application without a published decision is left out.
    """
    by_id = {application.pk: application for application in applications}
    if not by_id:
        return {}
    decisions: dict[int, SelectionDecision] = {}
    for decision in (
        SelectionDecision.objects.filter(
            application_id__in=by_id,
            run__campaign_id__in={application.campaign_id for application in by_id.values()},
            # The preselection's: its score is the sum of the declared data's points this explanation shows. The
            # final selection's decision (the interview decides) is explained by the interviews' own section.
            run__stage=SelectionRun.Stage.PRESELECTION,
            run__status=SelectionRun.Status.PUBLISHED,
        )
        .select_related("run__campaign")
        # The frozen inputs are megabytes, and the summary is the public report's.
        .defer("run__frozen_inputs", "run__summary", "run__timings", "run__problems")
        .order_by("-run__published_at", "-run_id")
    ):
        # The published preselection of her own campaign (one per stage).
        if decision.run.campaign_id == by_id[decision.application_id].campaign_id:
            decisions.setdefault(decision.application_id, decision)
    eligible = [d for d in decisions.values() if d.outcome != SelectionDecision.Outcome.INELIGIBLE]
    results = _results({(d.run_id, commune_id) for d in eligible for commune_id in d.communes})
    # After promotion rounds: each commune's latest figures, and her places on the lists now.
    after_rounds = waiting_lists.communes_after_rounds(waiting_lists.keys_after_rounds(eligible))
    for key, line in after_rounds.items():
        if key in results:
            results[key] = {**results[key], **line.figures()}
    promotions, releases = _promotions_and_releases(eligible)
    return {
        application_id: dataclasses.replace(
            _explanation(decision, by_id[application_id], results, after_rounds),
            promotion=promotions.get(application_id),
            release_reason=releases.get(application_id, ""),
        )
        for application_id, decision in decisions.items()
    }


def _promotions_and_releases(
    decisions: list[SelectionDecision],
) -> tuple[dict[int, PromotionFacts], dict[int, str]]:
    """Her latest promotion in a round of her decision's run, and why she left it; by application id. Two
    queries by key, none when no round followed the run and no decision says released."""
    # Only where a round followed the run's publication: otherwise nobody was promoted, and no query is made.
    admitted = [
        d
        for d in decisions
        if d.outcome == SelectionDecision.Outcome.ADMITTED and d.run.promotion_round_count
    ]
    released = [d for d in decisions if d.outcome == SelectionDecision.Outcome.RELEASED]
    promotions: dict[int, PromotionFacts] = {}
    if admitted:
        for promotion in (
            Promotion.objects.filter(
                application_id__in=[d.application_id for d in admitted],
                promotion_round__run_id__in={d.run_id for d in admitted},
            )
            .select_related("promotion_round", "commune")
            .order_by("promotion_round__number")
        ):
            promotions[promotion.application_id] = PromotionFacts(
                round_number=promotion.promotion_round.number,
                promoted_at=promotion.promotion_round.created_at,
                name_ar=promotion.commune.name_ar,
                name_fr=promotion.commune.name_fr,
            )
    reasons: dict[int, str] = {}
    if released:
        reasons = dict(
            PlaceRelease.objects.filter(
                application_id__in=[d.application_id for d in released],
                run_id__in={d.run_id for d in released},
            ).values_list("application_id", "reason")
        )
    return promotions, reasons


def _results(keys: set[tuple[int, int]]) -> dict[tuple[int, int], Mapping[str, Any]]:
    """The report lines of these (run, commune) pairs, with the communes' names; one query (none if no pair)."""
    if not keys:
        return {}
    rows = SelectionCommuneResult.objects.filter(
        run_id__in={run_id for run_id, _commune in keys},
        commune_id__in={commune_id for _run, commune_id in keys},
    ).values(
        "run_id",
        "commune_id",
        "places",
        "admitted",
        "is_full",
        "cutoff_priority",
        "cutoff_lottery",
        "waitlist_length",
        "commune__name_ar",
        "commune__name_fr",
    )
    return {(row["run_id"], row["commune_id"]): row for row in rows}


def _explanation(
    decision: SelectionDecision,
    application: Application,
    results: dict[tuple[int, int], Mapping[str, Any]],
    after_rounds: dict[tuple[int, int], waiting_lists.CommuneAfterRounds],
) -> Explanation:
    run = decision.run
    eligible = decision.outcome != SelectionDecision.Outcome.INELIGIBLE
    return Explanation(
        application_id=application.pk,
        run=RunFacts(
            number=run.pk,
            published_at=run.published_at,
            seed=run.seed,
            campaign_slug=run.campaign.slug,
            stage=run.stage,
        ),
        outcome=decision.outcome,
        ineligibility=decision.ineligibility,
        score=decision.score,
        breakdown=tuple(
            (label, int(points))
            for (_part, label), points in zip(SCORE_PART_LABELS, decision.score_points, strict=True)
        ),
        lottery=decision.lottery,
        rank=decision.rank,
        lines=_lines(decision, application, results, after_rounds) if eligible else (),
    )


def _lines(
    decision: SelectionDecision,
    application: Application,
    results: dict[tuple[int, int], Mapping[str, Any]],
    after_rounds: dict[tuple[int, int], waiting_lists.CommuneAfterRounds],
) -> tuple[CommuneLine, ...]:
    lines = []
    for index, (commune_id, priority, place) in enumerate(
        zip(
            decision.communes,
            decision.priorities,
            waiting_lists.places_of(decision, after_rounds),
            strict=True,
        )
    ):
        result = results.get((decision.run_id, commune_id))
        if result is None:
            # Publishing writes a report line for every commune an eligible candidate listed: never expected.
            logger.error("Run %s has no report line for commune %s", decision.run_id, commune_id)
            continue
        rank = index + 1
        bonus = priority - decision.score
        lines.append(
            CommuneLine(
                rank=rank,
                commune_id=commune_id,
                name_ar=result["commune__name_ar"],
                name_fr=result["commune__name_fr"],
                is_fallback=index >= decision.declared_count,
                priority=priority,
                bonus=bonus,
                bonus_kind=_bonus_kind(bonus, commune_id, application.residence_commune_id),
                standing=_standing(rank, decision.rank, place),
                waitlist_place=place,
                waitlist_length=result["waitlist_length"],
                places=result["places"],
                admitted=result["admitted"],
                is_full=result["is_full"],
                cutoff_priority=result["cutoff_priority"],
                cutoff_lottery=result["cutoff_lottery"],
                lottery=decision.lottery,
            )
        )
    return tuple(lines)


def _standing(rank: int, admitted_rank: int | None, waitlist_place: int | None) -> str:
    if admitted_rank is not None and rank == admitted_rank:
        return ADMITTED_HERE
    if admitted_rank is not None and rank > admitted_rank:
        return ADMITTED_TO_PREFERRED
    return WAITLISTED if waitlist_place is not None else NOT_ADMITTED


def _bonus_kind(bonus: int, commune_id: int, residence_id: int | None) -> str:
    if bonus <= 0:
        return ""
    return BONUS_COMMUNE if commune_id == residence_id else BONUS_PROVINCE


def _lottery_value(number: str) -> int:
    """A lottery number as written (16 hexadecimal digits) to the whole number it is; -1 when there is none."""
    try:
        return int(number, 16)
    except ValueError:
        return -1
