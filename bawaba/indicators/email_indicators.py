"""The e-mail indicators (issue 15): the e-mails to a campaign's candidates, sent, waiting or failed, by kind and by
where the candidate lives; registered by this app (IndicatorsConfig.ready(), bawaba.indicators.contributions).

An e-mail is either a single message of the outbox (bawaba.notifications Notification) or one recipient's message
of a mass mailing (MailingMessage). Neither names a campaign: one is the campaign's when its recipient's account
has an application in it that she submitted (withdrawn since or not: an e-mail sent stays sent). That counts
every e-mail she received on the platform, her account's confirmation included; a candidate of two campaigns counts
in both. A message without an account (a contact form's sender) counts in none.

Statuses (the two tables name them alike):
* sent: handed to the mail server;
* waiting: not sent yet and not given up: PENDING (queued, held in a draft mailing until the e-learning platform
  knows the accounts, in a paused mailing, or to be tried again after a temporary failure) or SENDING (claimed by
  a sender right now);
* failed: given up for good (refused by the server, or its last retry failed).
A mailing message cancelled by staff is in none of the three.

Kind: the registered e-mail kind (the Notification's, or the mailing's), e.g. "training_reminder".
Where: her application's residence commune in that campaign ("" without one).

Cost: one GROUP BY query a table for the three figures (their statuses told apart by a CASE), shared by the three
while the summary refresh computes them (bawaba.core.indicator_queries.read_once): each table is scanned once, not
three times. Each query joins that table's rows of the three figures' statuses to the campaign's applications on
the user column, then to the territory: the applications' unique (campaign, user) key makes it at most one
application a row, so no e-mail counts twice. Written in SQL because the ORM joins them through the users' table
(e-mail -> user -> application), a third hash join of half a million rows that PostgreSQL cannot leave out: a third
slower at national scale (bench/bench_indicators.py). One query over both tables (UNION ALL) was slower still: the
planner, blind to the union's groups, sorts half a million rows on disk instead of hashing a few thousand groups.
No query per row.
"""

from collections.abc import Mapping, Sequence

from django.db import connection

from bawaba.campaigns.models import Application, Campaign
from bawaba.core.indicator_queries import read_once
from bawaba.notifications.models import Mailing, MailingMessage, Notification
from bawaba.territory.models import Commune, Province, Region

# The statuses each figure counts, in each table: {figure: (the Notification's, the MailingMessage's)}.
SENT, WAITING, FAILED = "sent", "waiting", "failed"
STATUSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    SENT: ((Notification.Status.SENT,), (MailingMessage.Status.SENT,)),
    WAITING: (
        (Notification.Status.PENDING, Notification.Status.SENDING),
        (MailingMessage.Status.PENDING, MailingMessage.Status.SENDING),
    ),
    FAILED: ((Notification.Status.FAILED,), (MailingMessage.Status.FAILED,)),
}
DIMENSIONS = ("region", "province", "commune", "kind")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Each dimension's column: "e" the e-mails ("g" a message's mailing, which has its kind), "a" her application, "c"
# her residence commune, "p" and "r" its province and region (joined by `_joins` when asked for).
_COLUMNS = {"commune": "c.code", "province": "p.code", "region": "r.code"}


def _joins(by: tuple[str, ...]) -> str:
    joins = []
    if set(by) & {"commune", "province", "region"}:
        joins.append(f"LEFT JOIN {_table(Commune)} c ON c.id = a.residence_commune_id")
    if "province" in by:
        joins.append(f"LEFT JOIN {_table(Province)} p ON p.id = c.province_id")
    if "region" in by:
        joins.append(f"LEFT JOIN {_table(Region)} r ON r.id = c.region_id")
    return " ".join(joins)


def _marks(values: Sequence[str]) -> str:
    return ", ".join(["%s"] * len(values))


def _grouped(
    source: str, kind: str, table: int, campaign: Campaign, by: tuple[str, ...]
) -> dict[tuple[str, ...], int]:
    """One table's e-mails to the campaign's candidates by figure (sent, waiting, failed), then by `by`: {(figure,
    *values): count}. `source`: the FROM clause naming the e-mails "e"; `kind`: the column of their kind; `table`:
    0 for the single e-mails' statuses in STATUSES, 1 for the mailing messages'."""
    cases, case_values, counted = [], [], []
    for figure, statuses in STATUSES.items():
        names = [str(status) for status in statuses[table]]
        cases.append(f"WHEN e.status IN ({_marks(names)}) THEN '{figure}'")
        case_values += names
        counted += names
    columns = [kind if dimension == "kind" else _COLUMNS[dimension] for dimension in by]
    select = ", ".join([f"CASE {' '.join(cases)} END", *columns, "COUNT(*)"])
    group = ", ".join(str(position) for position in range(1, len(columns) + 2))
    sql = (
        f"SELECT {select} FROM {source} "  # noqa: S608 - only our tables' names and columns; values are parameters
        f"JOIN {_table(Application)} a ON a.user_id = e.user_id AND a.campaign_id = %s "
        f"AND a.submitted_at IS NOT NULL {_joins(by)} WHERE e.status IN ({_marks(counted)}) GROUP BY {group}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*case_values, campaign.pk, *counted])
        rows = cursor.fetchall()
    return {tuple("" if value is None else str(value) for value in row[:-1]): int(row[-1]) for row in rows}


def _all_figures(campaign: Campaign, by: tuple[str, ...]) -> dict[str, dict[tuple[str, ...], int]]:
    """{figure: {values of `by`: count}} for the three figures, each table read once."""
    figures: dict[str, dict[tuple[str, ...], int]] = {figure: {} for figure in STATUSES}
    messages = f"{_table(MailingMessage)} e JOIN {_table(Mailing)} g ON g.id = e.mailing_id"
    for table, (source, kind) in enumerate(((f"{_table(Notification)} e", "e.kind"), (messages, "g.kind"))):
        for (figure, *values), count in _grouped(source, kind, table, campaign, by).items():
            counts = figures[figure]
            counts[tuple(values)] = counts.get(tuple(values), 0) + count
    return figures


def _figures(campaign: Campaign, figure: str, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"The e-mail indicators have no dimension {sorted(unknown)}.")
    figures = read_once(("emails", campaign.pk, by), lambda: _all_figures(campaign, by))[figure]
    if not by:
        return {(): figures.get((), 0)}  # a total of nothing counted is still one figure, zero
    return figures


def sent(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, SENT, by)


def waiting(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, WAITING, by)


def failed(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, FAILED, by)
