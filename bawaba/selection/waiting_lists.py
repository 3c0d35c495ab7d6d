"""A candidate's places on the waiting lists now, and her communes' figures after the promotion rounds.

A decision holds her places on the lists as the run published them (SelectionDecision.choice_table); each round
records, for every commune it changed, the places on the run's list of those who left it
(PromotionCommuneResult.departures). Lists keep their order and only shrink, so her place now is her run place
less the departures ahead of her (bawaba.selection.promotion.places_now). One query for every decision asked
about, none where no round followed the run.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bawaba.selection.models import PromotionCommuneResult, SelectionDecision
from bawaba.selection.promotion import places_now


@dataclass(frozen=True)
class CommuneAfterRounds:
    """A commune's figures after the last round that changed them, and everyone who left its list since the run."""

    admitted: int
    is_full: bool
    cutoff_priority: int | None
    cutoff_lottery: str
    waitlist_length: int
    departures: np.ndarray  # places on the run's list, sorted

    def figures(self) -> dict:
        return {
            "admitted": self.admitted,
            "is_full": self.is_full,
            "cutoff_priority": self.cutoff_priority,
            "cutoff_lottery": self.cutoff_lottery,
            "waitlist_length": self.waitlist_length,
        }


def communes_after_rounds(keys: set[tuple[int, int]]) -> dict[tuple[int, int], CommuneAfterRounds]:
    """By (run, commune), for those of these pairs a promotion round changed: one query, none without a pair."""
    if not keys:
        return {}
    lines: dict[tuple[int, int], list] = {}
    for run_id, commune_id, *figures, departures in (
        PromotionCommuneResult.objects.filter(
            promotion_round__run_id__in={run_id for run_id, _commune in keys},
            commune_id__in={commune_id for _run, commune_id in keys},
        )
        .order_by("promotion_round__number")
        .values_list(
            "promotion_round__run_id",
            "commune_id",
            "admitted",
            "is_full",
            "cutoff_priority",
            "cutoff_lottery",
            "waitlist_length",
            "departures",
        )
    ):
        if (run_id, commune_id) not in keys:
            continue
        # The latest round's figures; the departures of every round.
        departed = lines.get((run_id, commune_id), [None, []])[1]
        departed.append(np.frombuffer(bytes(departures), dtype=PromotionCommuneResult.DEPARTURES_DTYPE))
        lines[(run_id, commune_id)] = [figures, departed]
    return {
        key: CommuneAfterRounds(
            admitted=figures[0],
            is_full=figures[1],
            cutoff_priority=figures[2],
            cutoff_lottery=figures[3],
            waitlist_length=figures[4],
            departures=np.sort(np.concatenate(departed)).astype(np.int64),
        )
        for key, (figures, departed) in lines.items()
    }


def places_of(
    decision: SelectionDecision, after_rounds: dict[tuple[int, int], CommuneAfterRounds]
) -> list[int | None]:
    """Her place now on each commune's waiting list (None where she is not on it), in her order; empty if
    ineligible. `after_rounds`: communes_after_rounds of her run's communes (empty: no round followed)."""
    places = decision.waitlist_places
    now: list[int | None] = []
    for commune_id, place in zip(decision.communes, places, strict=False):
        line = after_rounds.get((decision.run_id, commune_id))
        if place is None or line is None:
            now.append(place)
        else:
            now.append(int(places_now(np.array([place]), line.departures)[0]))
    return now


def keys_after_rounds(decisions: Iterable[SelectionDecision]) -> set[tuple[int, int]]:
    """The (run, commune) pairs of these decisions whose run had promotion rounds (the run must be loaded)."""
    return {
        (decision.run_id, commune_id)
        for decision in decisions
        if decision.is_eligible and decision.run.promotion_round_count
        for commune_id in decision.communes
    }


def waiting_list_places(decisions: Iterable[SelectionDecision]) -> dict[int, list[int | None]]:
    """Each decision's places now on her communes' waiting lists, by decision id: one query at most."""
    decisions = list(decisions)
    after_rounds = communes_after_rounds(keys_after_rounds(decisions))
    return {decision.pk: places_of(decision, after_rounds) for decision in decisions}
