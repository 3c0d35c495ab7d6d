"""Reads of the interview stage: the calling rules in force, and who is called, per province, with the reason for
anyone left out (issue 14, item 1)."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from bawaba.accounts.scopes import Scope
from bawaba.campaigns.models import Application, Campaign
from bawaba.documents.models import Dossier
from bawaba.interviews.calling import DEFAULT_CALL_RULES, CallRules, CandidateFacts, LeftOut, left_out_reason
from bawaba.interviews.calling import read_call_rules as parse_call_rules
from bawaba.interviews.defaults import DEFAULT_GRID
from bawaba.interviews.models import CallRules as CallRulesVersion
from bawaba.interviews.models import InterviewGrid
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.selection.selectors import published_run
from bawaba.territory.models import Province
from bawaba.training.models import TrainingReply

Outcome = SelectionDecision.Outcome


def campaigns_with_interviews() -> QuerySet[Campaign]:
    """Campaigns whose preselection is published: the interviews call from those it preselected."""
    published = SelectionRun.objects.filter(
        campaign=OuterRef("pk"), stage=SelectionRun.Stage.PRESELECTION, status=SelectionRun.Status.PUBLISHED
    )
    return Campaign.objects.filter(Exists(published)).order_by("-registration_opens_at", "-pk")


def campaign_with_interviews(slug: str) -> Campaign:
    campaign = campaigns_with_interviews().filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign


def current_call_rules_version(campaign: Campaign) -> CallRulesVersion | None:
    return CallRulesVersion.objects.filter(campaign=campaign).order_by("-version").first()


def call_rules(campaign: Campaign) -> CallRules:
    """The rules in force: the newest version, or the defaults until the administrator saves some."""
    version = current_call_rules_version(campaign)
    return parse_call_rules(version.rules) if version is not None else DEFAULT_CALL_RULES


def call_rules_versions(campaign: Campaign) -> QuerySet[CallRulesVersion]:
    return (
        CallRulesVersion.objects.filter(campaign=campaign).select_related("created_by").order_by("-version")
    )


@dataclass(frozen=True)
class CallLine:
    """One candidate preselected once, where her place is (or was), and why she is not called, if she is not."""

    application_id: int
    province_id: int
    commune_id: int
    name: str
    completion_percent: int
    grade: Decimal | None
    reason: LeftOut | None

    @property
    def is_called(self) -> bool:
        return self.reason is None


@dataclass
class ProvinceCalls:
    province: Province
    called: int = 0
    left_out: Counter = field(default_factory=Counter)

    @property
    def candidates(self) -> int:
        return self.called + sum(self.left_out.values())

    def count(self, reason: LeftOut) -> int:
        return self.left_out[reason]

    @property
    def reason_counts(self) -> list[tuple[LeftOut, int]]:
        """Every reason, in the rule's order, with its count (the columns of the page)."""
        return [(reason, self.left_out[reason]) for reason in LeftOut]


FACT_FIELDS = (
    "application_id",
    "commune__province_id",
    "commune_id",
    "outcome",
    "application__status",
    "has_declined",
    "application__training_account__progress__first_access",
    "application__training_account__progress__completion_percent",
    "application__training_account__progress__grade",
    "documents_accepted",
    "application__last_name_latin",
    "application__first_name_latin",
)


def _with_facts(decisions: QuerySet[SelectionDecision]):
    """The decisions given a place (admitted then, or since released), with her facts, in one query: her
    decision's commune, her reply, her training progress and whether her documents were accepted."""
    declined = TrainingReply.objects.filter(
        application_id=OuterRef("application_id"),
        answer__in=[TrainingReply.Answer.DECLINED, TrainingReply.Answer.NO_REPLY],
    )
    accepted = Dossier.objects.filter(
        application_id=OuterRef("application_id"), status=Dossier.Status.ACCEPTED
    )
    return decisions.filter(outcome__in=[Outcome.ADMITTED, Outcome.RELEASED]).annotate(
        has_declined=Exists(declined), documents_accepted=Exists(accepted)
    )


def _call_rows(campaign: Campaign, *, province_ids: list[int] | None, extra: tuple[str, ...] = ()):
    """The preselection's candidates who were given a place, with their facts (FACT_FIELDS, then `extra`)."""
    run = published_run(campaign, SelectionRun.Stage.PRESELECTION)
    if run is None:
        return SelectionDecision.objects.none().values_list(*FACT_FIELDS, *extra)
    decisions = SelectionDecision.objects.filter(run=run)
    if province_ids is not None:
        decisions = decisions.filter(commune__province_id__in=province_ids)
    return _with_facts(decisions).values_list(*FACT_FIELDS, *extra)


def call_lines(campaign: Campaign, rules: CallRules, *, province_ids: list[int] | None) -> Iterator[CallLine]:
    """Every candidate of the list (of these provinces; all when None), with her reason, streamed."""
    rows = _call_rows(campaign, province_ids=province_ids).order_by("application_id")
    return _lines(rows.iterator(chunk_size=5000), rules)


def line_of(row: tuple, rules: CallRules) -> CallLine:
    """Her line from a row of FACT_FIELDS (and anything after them, left alone)."""
    (
        application_id,
        province_id,
        commune_id,
        outcome,
        status,
        declined,
        first_access,
        completion,
        grade,
        documents_accepted,
        last_name,
        first_name,
    ) = row[: len(FACT_FIELDS)]
    facts = CandidateFacts(
        holds_place=outcome == Outcome.ADMITTED and status == Application.Status.SUBMITTED and not declined,
        training_started=first_access is not None or bool(completion),
        completion_percent=completion or 0,
        grade=grade,
        documents_accepted=documents_accepted,
    )
    return CallLine(
        application_id=application_id,
        province_id=province_id,
        commune_id=commune_id,
        name=f"{last_name} {first_name}".strip(),
        completion_percent=completion or 0,
        grade=grade,
        reason=left_out_reason(rules, facts),
    )


def _lines(rows, rules: CallRules) -> Iterator[CallLine]:
    return (line_of(row, rules) for row in rows)


def call_rows_with(campaign: Campaign, extra: tuple[str, ...]):
    """Every candidate given a place, nationally, with her facts and `extra` fields, in one pass (streamed)."""
    return (
        _call_rows(campaign, province_ids=None, extra=extra)
        .order_by("application_id")
        .iterator(chunk_size=5000)
    )


def provinces_in_scope(scope: Scope) -> QuerySet[Province]:
    return Province.objects.filter(scope.territory_q(province_fields=["pk"], region_fields=["region_id"]))


def calls_per_province(campaign: Campaign, rules: CallRules, scope: Scope) -> list[ProvinceCalls]:
    """One line per province of the scope that has candidates, in the order of the provinces' codes."""
    if scope.is_empty:
        return []
    provinces = {province.pk: province for province in provinces_in_scope(scope).select_related("region")}
    lines: dict[int, ProvinceCalls] = {}
    for line in call_lines(campaign, rules, province_ids=None if scope.national else list(provinces)):
        entry = lines.get(line.province_id)
        if entry is None:
            entry = lines[line.province_id] = ProvinceCalls(province=provinces[line.province_id])
        if line.reason is None:
            entry.called += 1
        else:
            entry.left_out[line.reason] += 1
    return sorted(lines.values(), key=lambda entry: entry.province.code)


def calls_in_province(
    campaign: Campaign, rules: CallRules, province: Province, *, reason: str = ""
) -> list[CallLine]:
    """The candidates of one province, by name; `reason`: "called", a LeftOut value, or "" for everyone."""
    lines = list(call_lines(campaign, rules, province_ids=[province.pk]))
    if reason == "called":
        lines = [line for line in lines if line.reason is None]
    elif reason:
        lines = [line for line in lines if line.reason == reason]
    return sorted(lines, key=lambda line: (line.name.casefold(), line.application_id))


def call_lines_of(applications) -> dict[int, tuple[CallRules, CallLine]]:
    """{application id: (her campaign's rules, her line)} for these applications, in two queries whatever their
    number (the dashboard's): the rules of their campaigns, and their decisions in the published preselections."""
    campaign_ids = {application.campaign_id for application in applications}
    rules: dict[int, CallRules] = {}
    for campaign_id, document in (
        CallRulesVersion.objects.filter(campaign_id__in=campaign_ids)
        .order_by("campaign_id", "version")
        .values_list("campaign_id", "rules")
    ):
        rules[campaign_id] = parse_call_rules(document)  # the newest version of each campaign comes last
    campaign_of = {application.pk: application.campaign_id for application in applications}
    decisions = SelectionDecision.objects.filter(
        run__stage=SelectionRun.Stage.PRESELECTION,
        run__status=SelectionRun.Status.PUBLISHED,
        application_id__in=list(campaign_of),
    )
    lines = {}
    for row in _with_facts(decisions).values_list(*FACT_FIELDS, "run__campaign_id"):
        *facts, campaign_id = row
        if campaign_of.get(facts[0]) != campaign_id:
            continue
        campaign_rules = rules.get(campaign_id, DEFAULT_CALL_RULES)
        line = next(_lines([tuple(facts)], campaign_rules))
        lines[line.application_id] = (campaign_rules, line)
    return lines


def current_grid(campaign: Campaign) -> InterviewGrid:
    """The grid in force: the newest version, or the default grid (unsaved) until the administrator saves one."""
    return InterviewGrid.objects.filter(campaign=campaign).order_by("-version").first() or InterviewGrid(
        campaign=campaign, version=0, grid=DEFAULT_GRID
    )


def grid_versions(campaign: Campaign) -> QuerySet[InterviewGrid]:
    return InterviewGrid.objects.filter(campaign=campaign).select_related("created_by").order_by("-version")
