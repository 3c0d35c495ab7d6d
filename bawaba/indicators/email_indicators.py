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

Kind: the registered e-mail kind (the Notification's, or the mailing's), e.g. "training_notice".
Where: her application's residence commune in that campaign ("" without one).

Cost: two GROUP BY queries a figure, one a table, each joining that table's rows of the figure's statuses to the
campaign's applications on the user column, then to the territory: the applications' unique (campaign, user) key
makes it at most one application a row, so no e-mail counts twice. Written in SQL because the ORM joins them through
the users' table (e-mail -> user -> application), a third hash join of half a million rows that PostgreSQL cannot
leave out: a third slower at national scale (bench/bench_indicators.py). One query over both tables (UNION
ALL) was slower still: the planner, blind to the union's groups, sorts half a million rows on disk instead of
hashing a few thousand groups. No query per row.
"""

from collections.abc import Mapping, Sequence

from django.db import connection

from bawaba.campaigns.models import Application, Campaign
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
    source: str, kind: str, statuses: Sequence[str], campaign: Campaign, by: tuple[str, ...]
) -> dict[tuple[str, ...], int]:
    """One table's e-mails of `statuses` to the campaign's candidates, by `by`. `source`: the FROM clause naming the
    e-mails "e"; `kind`: the column of their kind."""
    columns = [kind if dimension == "kind" else _COLUMNS[dimension] for dimension in by]
    select = ", ".join([*columns, "COUNT(*)"])
    group = f" GROUP BY {', '.join(columns)}" if columns else ""
    sql = (
        f"SELECT {select} FROM {source} "  # noqa: S608 - only our tables' names and columns; values are parameters
        f"JOIN {_table(Application)} a ON a.user_id = e.user_id AND a.campaign_id = %s "
        f"AND a.submitted_at IS NOT NULL {_joins(by)} WHERE e.status IN ({_marks(statuses)}){group}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign.pk, *statuses])
        rows = cursor.fetchall()
    return {tuple("" if value is None else str(value) for value in row[:-1]): int(row[-1]) for row in rows}


def _figures(campaign: Campaign, figure: str, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"The e-mail indicators have no dimension {sorted(unknown)}.")
    single, mass = STATUSES[figure]
    figures = _grouped(f"{_table(Notification)} e", "e.kind", single, campaign, by)
    messages = f"{_table(MailingMessage)} e JOIN {_table(Mailing)} g ON g.id = e.mailing_id"
    for values, count in _grouped(messages, "g.kind", mass, campaign, by).items():
        figures[values] = figures.get(values, 0) + count
    return figures


def sent(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, SENT, by)


def waiting(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, WAITING, by)


def failed(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, FAILED, by)
