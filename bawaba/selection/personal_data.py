"""The selection's decisions on a candidate, for her personal-data download (law 09-08): written only when a run is
published, one per application and stage, with her score, its breakdown and where she stands at each commune."""

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bawaba.core.contributions import PersonalRecord
from bawaba.core.names import localised
from bawaba.selection.explanations import SCORE_PART_LABELS
from bawaba.selection.models import SelectionDecision
from bawaba.selection.waiting_lists import waiting_list_places
from bawaba.territory.models import Commune


def decisions_of(user) -> list[SelectionDecision]:
    """The published decisions on her applications (hers only), oldest first."""
    return list(
        SelectionDecision.objects.filter(application__user=user)
        .select_related("run__campaign", "commune")
        .defer("run__frozen_inputs", "run__summary", "run__timings", "run__problems")
        .order_by("run__published_at", "pk")
    )


def decision_records(user) -> Sequence[PersonalRecord]:
    decisions = decisions_of(user)
    commune_ids = {commune_id for decision in decisions for commune_id in decision.communes}
    communes = {commune.pk: localised(commune) for commune in Commune.objects.filter(pk__in=commune_ids)}
    places_now = waiting_list_places(decisions)
    records = []
    for decision in decisions:
        run = decision.run
        places = places_now[decision.pk]
        standing = []
        for index, commune_id in enumerate(decision.communes):
            name = communes.get(commune_id, str(commune_id))
            place = places[index] if index < len(places) else None
            standing.append(
                _("%(commune)s: place %(place)d on its waiting list") % {"commune": name, "place": place}
                if place
                else name
            )
        records.append(
            PersonalRecord(
                title=_("Selection decision: %(campaign)s") % {"campaign": localised(run.campaign, "title")},
                fields=(
                    ("campaign", _("campaign"), localised(run.campaign, "title")),
                    ("stage", _("stage"), str(run.get_stage_display())),
                    (
                        "published_at",
                        _("published at"),
                        timezone.localtime(run.published_at).isoformat(timespec="minutes")
                        if run.published_at
                        else None,
                    ),
                    ("outcome", _("outcome"), str(decision.get_outcome_display())),
                    ("reason", _("reason"), str(decision.get_ineligibility_display())),
                    ("score", _("score"), decision.score),
                    (
                        "score_parts",
                        _("score breakdown"),
                        [
                            f"{label}: {points}"
                            for (_key, label), points in zip(
                                SCORE_PART_LABELS, decision.score_points, strict=False
                            )
                        ],
                    ),
                    ("commune", _("commune"), localised(decision.commune) if decision.commune else None),
                    ("rank", _("rank"), decision.rank),
                    ("lottery", _("lottery number"), decision.lottery),
                    ("communes", _("your communes and your waiting-list places"), standing),
                ),
            )
        )
    return records
