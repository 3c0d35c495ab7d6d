"""The final lists of the field staff (issue 14, item 5): for a campaign's published field run, per province and
commune, the agents selected there (admitted) and the reserve (waitlisted), each with her place now on the
commune's waiting list (bawaba.selection.waiting_lists).

A candidate waits on the lists of several communes: she is a line of the reserve of each. A commune's waiting list
also holds agents selected in a commune they ranked lower (they would move up); they are on its selected list
elsewhere, not in its reserve, so the places of a reserve can skip numbers.

Reads stay at the scale of a province: a province's lines are first read as keys (commune, outcome, place, ids;
a few thousand at most), ordered, then only the page shown (or one chunk of an export) reads the people's names,
CIN and interview score. The candidates who can wait in a province's communes are those who chose one of them or
live in the province (the selection adds the communes of her residence province after her own choices).
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from bawaba.accounts.scopes import Scope
from bawaba.campaigns.models import Application, ApplicationChoice, Campaign
from bawaba.core.params import clean_text
from bawaba.interviews.models import Convocation, InterviewScore
from bawaba.interviews.selectors import provinces_in_scope
from bawaba.selection.models import SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.selection.selectors import published_run
from bawaba.selection.waiting_lists import waiting_list_places
from bawaba.territory.models import Commune, Province

Outcome = SelectionDecision.Outcome
SELECTED = Outcome.ADMITTED
RESERVE = Outcome.WAITLISTED
# People's details are read this many lines at a time by the exports.
CHUNK = 1000


def field_run(campaign: Campaign) -> SelectionRun | None:
    """The campaign's published final selection (stage `field`), or None while there is none."""
    return published_run(campaign, SelectionRun.Stage.FIELD)


def final_provinces(scope: Scope) -> QuerySet[Province]:
    return provinces_in_scope(scope).select_related("region").order_by("code")


def final_province(scope: Scope, code: str) -> Province:
    """The province of `code` if the scope covers it; 404 otherwise (malformed, unknown or another's)."""
    code_text = clean_text(code, max_length=16)
    province = Province.objects.filter(code=code_text).select_related("region").first() if code_text else None
    if (
        province is None
        or scope.is_empty
        or not scope.covers(province_id=province.pk, region_id=province.region_id)
    ):
        raise Http404
    return province


@dataclass(frozen=True)
class FinalKey:
    """One line of a province's list before its person is read: her commune, selected or reserve, her place."""

    commune_id: int
    outcome: str
    position: int | None  # her place now on the commune's waiting list (reserve); None if selected
    decision_id: int
    application_id: int


@dataclass(frozen=True)
class FinalLine:
    """One line as pages and exports show it."""

    province: Province
    commune: Commune
    outcome: str
    position: int | None
    application_id: int
    cin: str
    last_name_ar: str
    first_name_ar: str
    last_name_latin: str
    first_name_latin: str
    interview_score: Decimal | None  # out of 100

    @property
    def is_selected(self) -> bool:
        return self.outcome == SELECTED

    @property
    def outcome_label(self) -> str:
        return _("Main list") if self.is_selected else _("Reserve list")


@dataclass
class Figures:
    """Field needs, agents selected and lines of the reserve of a province or a commune (in a commune, one line a
    candidate; in a province, `reserve_people` counts once a candidate waiting for several of its communes)."""

    place: Province | Commune
    needs: int = 0
    selected: int = 0
    reserve: int = 0
    reserve_people: int = 0


def _decisions(run: SelectionRun) -> QuerySet[SelectionDecision]:
    return SelectionDecision.objects.filter(run=run)


def _may_wait_in(commune_ids: Sequence[int]) -> Q:
    """Decisions of candidates who can stand on the waiting list of one of these communes."""
    chose = ApplicationChoice.objects.filter(commune_id__in=commune_ids).order_by().values("application_id")
    return Q(application__residence_commune_id__in=commune_ids) | Q(application_id__in=chose)


def _waitlisted(run: SelectionRun, commune_ids: Sequence[int] | None) -> QuerySet[SelectionDecision]:
    decisions = _decisions(run).filter(outcome=RESERVE)
    if commune_ids is not None:
        decisions = decisions.filter(_may_wait_in(commune_ids))
    return decisions.only("pk", "run_id", "application_id", "outcome", "choice_table").order_by()


def _reserve_entries(run: SelectionRun, commune_ids: set[int] | None) -> Iterator[tuple[int, int, int, int]]:
    """(commune, place now, decision, application) of every line of the reserve in these communes (all: None)."""
    decisions = list(_waitlisted(run, sorted(commune_ids) if commune_ids is not None else None))
    for decision in decisions:
        decision.run = run  # already loaded: waiting_list_places reads its promotion rounds
    places = waiting_list_places(decisions)
    for decision in decisions:
        for commune_id, place in zip(decision.communes, places[decision.pk], strict=False):
            if place is not None and (commune_ids is None or commune_id in commune_ids):
                yield commune_id, place, decision.pk, decision.application_id


def _needs(run: SelectionRun, commune_ids: Sequence[int] | None) -> dict[int, int]:
    results = SelectionCommuneResult.objects.filter(run=run)
    if commune_ids is not None:
        results = results.filter(commune_id__in=commune_ids)
    return dict(results.values_list("commune_id", "needs"))


# --------------------------------------------------------------------------------------------- figures


def province_figures(run: SelectionRun, scope: Scope) -> list[Figures]:
    """Per province of the scope: its field needs, agents selected and lines of the reserve.

    The reserve is counted from the published places (a round zeroes the lists a candidate left, so a place above
    zero is a place now): one read of the waitlisted decisions of the scope, no renumbering needed to count them.
    """
    provinces = list(final_provinces(scope))
    if not provinces:
        return []
    province_of = dict(
        Commune.objects.filter(province__in=provinces).values_list("pk", "province_id")
    )  # a province holds tens of communes, the kingdom 1,500
    commune_ids = None if scope.national else sorted(province_of)
    figures = {province.pk: Figures(place=province) for province in provinces}

    needs = SelectionCommuneResult.objects.filter(run=run)
    selected = _decisions(run).filter(outcome=SELECTED)
    if commune_ids is not None:
        needs = needs.filter(commune_id__in=commune_ids)
        selected = selected.filter(commune_id__in=commune_ids)
    for province_id, total in (
        needs.values("commune__province_id")
        .annotate(total=Sum("needs"))
        .values_list("commune__province_id", "total")
    ):
        if province_id in figures:
            figures[province_id].needs = total or 0
    for province_id, count in (
        selected.values("commune__province_id")
        .annotate(count=Count("pk"))
        .values_list("commune__province_id", "count")
    ):
        if province_id in figures:
            figures[province_id].selected = count

    tables = [
        bytes(table)
        for table in _waitlisted(run, commune_ids)
        .values_list("choice_table", flat=True)
        .iterator(chunk_size=5000)
    ]
    lines, people = _reserve_per_province(tables, province_of)
    for province_id, count in lines.items():
        figures[province_id].reserve = count
    for province_id, count in people.items():
        figures[province_id].reserve_people = count
    return list(figures.values())


def _reserve_per_province(
    tables: list[bytes], province_of: dict[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Per province, the places above zero in these packed choice tables (lines of its communes' reserves), and
    the candidates holding them (each once). Vectorised: the kingdom's reserve is a few million records."""
    if not tables or not province_of:
        return {}, {}
    records = np.frombuffer(b"".join(tables), dtype=SelectionDecision.CHOICE_DTYPE)
    sizes = np.fromiter((len(table) for table in tables), dtype=np.int64, count=len(tables))
    owner = np.repeat(
        np.arange(len(tables), dtype=np.int64), sizes // SelectionDecision.CHOICE_DTYPE.itemsize
    )
    waiting = (records["place"] > 0) & (records["commune"] >= 0)
    communes = records["commune"][waiting].astype(np.int64)
    owner = owner[waiting]
    if not communes.size:
        return {}, {}
    lookup = np.full(max(max(province_of), int(communes.max())) + 1, -1, dtype=np.int64)
    lookup[list(province_of)] = list(province_of.values())
    provinces = lookup[communes]
    known = provinces >= 0
    provinces, owner = provinces[known], owner[known]
    found, counts = np.unique(provinces, return_counts=True)
    pairs = np.unique(provinces * len(tables) + owner)
    found_people, people = np.unique(pairs // len(tables), return_counts=True)
    return (
        dict(zip(found.tolist(), counts.tolist(), strict=True)),
        dict(zip(found_people.tolist(), people.tolist(), strict=True)),
    )


# --------------------------------------------------------------------------------------- a province's list


def province_communes(province: Province) -> list[Commune]:
    return list(Commune.objects.filter(province=province).order_by("code"))


def province_keys(run: SelectionRun, province: Province, *, commune: Commune | None = None) -> list[FinalKey]:
    """The province's lines (or one commune's), commune by commune in code order: the selected agents by name,
    then the reserve by place on the commune's waiting list."""
    communes = [commune] if commune is not None else province_communes(province)
    order = {item.pk: index for index, item in enumerate(communes)}
    ids = sorted(order)
    if not ids:
        return []
    sortable: list[tuple[tuple, FinalKey]] = []
    for pk, application_id, commune_id, last_name, first_name in (
        _decisions(run)
        .filter(outcome=SELECTED, commune_id__in=ids)
        .values_list(
            "pk",
            "application_id",
            "commune_id",
            "application__last_name_latin",
            "application__first_name_latin",
        )
        .order_by()
    ):
        key = FinalKey(commune_id, SELECTED, None, pk, application_id)
        sortable.append(((order[commune_id], 0, last_name.casefold(), first_name.casefold(), pk), key))
    for commune_id, place, pk, application_id in _reserve_entries(run, set(ids)):
        key = FinalKey(commune_id, RESERVE, place, pk, application_id)
        sortable.append(((order[commune_id], 1, place, "", pk), key))
    sortable.sort(key=lambda item: item[0])
    return [key for _sort, key in sortable]


def commune_figures(run: SelectionRun, province: Province, keys: Iterable[FinalKey]) -> list[Figures]:
    """Per commune of the province: field needs, and the selected and reserve lines among `keys`."""
    communes = province_communes(province)
    figures = {commune.pk: Figures(place=commune) for commune in communes}
    for commune_id, need in _needs(run, list(figures)).items():
        figures[commune_id].needs = need
    for key in keys:
        line = figures[key.commune_id]
        if key.outcome == SELECTED:
            line.selected += 1
        else:
            line.reserve += 1
    return [line for line in figures.values() if line.needs or line.selected or line.reserve]


def lines_of(keys: Sequence[FinalKey], province: Province) -> list[FinalLine]:
    """The people of these keys, in the keys' order: two queries, and one for their communes."""
    application_ids = {key.application_id for key in keys}
    people = {
        row[0]: row[1:]
        for row in Application.objects.filter(pk__in=application_ids).values_list(
            "pk", "cin", "last_name_ar", "first_name_ar", "last_name_latin", "first_name_latin"
        )
    }
    scores = dict(
        InterviewScore.objects.filter(convocation__application_id__in=application_ids)
        .exclude(convocation__status=Convocation.Status.WITHDRAWN)
        .values_list("convocation__application_id", "score")
    )
    communes = Commune.objects.in_bulk({key.commune_id for key in keys})
    lines = []
    for key in keys:
        cin, last_ar, first_ar, last_latin, first_latin = people.get(key.application_id, ("", "", "", "", ""))
        score = scores.get(key.application_id)
        lines.append(
            FinalLine(
                province=province,
                commune=communes[key.commune_id],
                outcome=key.outcome,
                position=key.position,
                application_id=key.application_id,
                cin=cin or "",
                last_name_ar=last_ar,
                first_name_ar=first_ar,
                last_name_latin=last_latin,
                first_name_latin=first_latin,
                interview_score=Decimal(score) / 100 if score is not None else None,
            )
        )
    return lines


def province_lines(run: SelectionRun, province: Province) -> Iterator[FinalLine]:
    """Every line of the province, read a chunk at a time (the exports)."""
    keys = province_keys(run, province)
    for start in range(0, len(keys), CHUNK):
        yield from lines_of(keys[start : start + CHUNK], province)


def export_lines(run: SelectionRun, provinces: Iterable[Province]) -> Iterator[FinalLine]:
    """The lines of these provinces, one province after the other (a national export holds them all)."""
    for province in provinces:
        yield from province_lines(run, province)


# ---------------------------------------------------------------------------------------------- posting


def masked_cin(cin: str) -> str:
    """The CIN as a list posted in public shows it: the last three characters hidden.

    A posted list must let a candidate find herself among namesakes without making it a register of identity
    numbers for anyone passing by. The letters and first digits (the issuing office, the series) stay, which
    with the name and the commune tells two namesakes apart; hiding the last three leaves a thousand numbers
    for each one shown, so the full CIN cannot be copied from the wall (it is the key of many procedures).
    """
    cin = (cin or "").strip()
    if not cin:
        return "—"
    shown = cin[:-3] if len(cin) > 3 else ""
    return shown + "•••"
