"""Fill Application.search_name for rows written without it (bulk imports, the demo, rows from before the field)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.search import search_name_for

NAME_FIELDS = ("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")


class Command(BaseCommand):
    help = (
        "Recompute the folded names the staff search matches (Application.search_name), in batches by id, "
        "writing only the rows whose value changed. Safe to run again; each batch commits on its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="only this campaign's applications (its short name)")
        parser.add_argument("--batch-size", type=int, default=10_000, help="rows read and written at a time")

    def handle(self, *args, campaign: str | None, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        applications = Application.objects.all()
        if campaign:
            try:
                applications = applications.filter(campaign=Campaign.objects.get(slug=campaign))
            except Campaign.DoesNotExist:
                raise CommandError(f"No campaign has the short name “{campaign}”.") from None
        total = applications.count()
        started = time.perf_counter()
        seen = changed = 0
        last_id = 0
        # Names repeat a great deal (a few thousand first and last names for a whole country): fold each once.
        folded: dict[tuple[str, str, str, str], str] = {}
        while True:
            rows = list(
                applications.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", *NAME_FIELDS, "search_name")[:batch_size]
            )
            if not rows:
                break
            updates = []
            for pk, *names, current in rows:
                key = tuple(names)
                value = folded.get(key)
                if value is None:
                    value = folded[key] = search_name_for(*names)
                if value != current:
                    updates.append((pk, value))
            if len(folded) > 1_000_000:  # bounded memory on data with few repeats
                folded.clear()
            write_search_names(updates)
            seen += len(rows)
            changed += len(updates)
            last_id = rows[-1][0]
            self.stdout.write(
                f"  {seen:,} / {total:,} applications read ({100 * seen / max(total, 1):.0f}%), "
                f"{changed:,} updated, {time.perf_counter() - started:.1f} s"
            )
            self.stdout.flush()
        if connection.vendor == "postgresql" and changed:
            # Fresh statistics on search_name: the planner's choice of the trigram index depends on them.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Application._meta.db_table)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{changed:,} of {seen:,} applications updated in {time.perf_counter() - started:.1f} s."
            )
        )


@transaction.atomic
def write_search_names(updates: list[tuple[int, str]]) -> None:
    """Set search_name for (id, value) pairs: one UPDATE from arrays on PostgreSQL, one executemany on SQLite."""
    if not updates:
        return
    quote = connection.ops.quote_name
    table = quote(Application._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, values = zip(*updates, strict=True)
            cursor.execute(
                f"UPDATE {table} AS a SET search_name = v.name "  # noqa: S608 - identifiers from model metadata
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, name) WHERE a.id = v.id",
                [list(ids), list(values)],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET search_name = %s WHERE id = %s",  # noqa: S608 - identifiers from model metadata
                [(value, pk) for pk, value in updates],
            )
