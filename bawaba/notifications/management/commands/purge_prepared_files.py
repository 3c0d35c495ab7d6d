from django.core.management.base import BaseCommand

from bawaba.notifications.files import KEPT_FOR, purge_expired


class Command(BaseCommand):
    help = (
        f"Delete the prepared files (national lists) asked for more than {KEPT_FOR.days} days ago: they hold "
        "personal data. Run it daily from cron."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} prepared file(s) deleted")
