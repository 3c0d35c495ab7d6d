import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from bawaba.demo.services import DEMO_ACCOUNTS, DemoError, generate_demo


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date written YYYY-MM-DD (got {value!r}).") from error


class Command(BaseCommand):
    help = (
        "Generate the national demo data set, dated from today: the census campaign just after its preselection, "
        "with its commune needs and candidates calibrated to MISSION.md's tables (scale 1: all 488,321), a "
        "ministry's competition open for registration, and demo staff accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=0.02,
            help="share of the national figures, in (0, 1] (default 0.02)",
        )
        parser.add_argument(
            "--seed", type=int, default=2024, help="random seed; the same seed and day give the same data"
        )
        parser.add_argument(
            "--replace", action="store_true", help="delete an existing demo data set first and generate anew"
        )
        parser.add_argument(
            "--today",
            type=str,
            default=None,
            help="the day the calendars count from, YYYY-MM-DD (default: today in Morocco)",
        )

    def handle(self, *args, scale: float, seed: int, replace: bool, today: str | None, **options):
        day = _day(today) if today else None
        try:
            result = generate_demo(
                scale=scale, seed=seed, replace=replace, today=day, progress=self._progress
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        if not result.created:
            self.stdout.write(
                f"The demo campaign “{result.campaign.slug}” already exists; nothing was changed. "
                "Run with --replace to delete it and generate it again, dated from today."
            )
            if result.competition_created:
                self.stdout.write(f"Added the open competition “{result.competition.slug}”.")
            self._print_accounts()
            return
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo campaign “{result.campaign.slug}” generated in {result.seconds:.1f} s (scale {scale}, "
                f"seed {seed}): {counts['candidates']:,} candidates, {counts['choices']:,} choices, "
                f"{counts['training_needs']:,} training and {counts['field_needs']:,} field needs "
                f"over {counts['need_rows']:,} commune rows; open competition “{result.competition.slug}”."
            )
        )
        self._print_accounts()

    def _print_accounts(self) -> None:
        # Printed on every run, so that `make demo` always ends with the way in.
        self.stdout.write("Demo accounts (they exist only in this demo data set; never use them elsewhere):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<28} password: {account.password:<22} {account.description}")
        self.stdout.write("The other candidates (c000002@… onwards) have no usable password.")

    def _progress(self, message: str) -> None:
        self.stdout.write(f"  {message}")
        self.stdout.flush()
