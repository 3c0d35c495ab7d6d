import time

from django.core.management.base import BaseCommand

from bawaba.notifications.services import requeue_due_notifications


class Command(BaseCommand):
    help = "Enqueue outbox e-mails that are due (retries, lost enqueues, senders that died). Run it every minute."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds instead of once")

    def handle(self, *args, every: int, **options):
        while True:
            count = requeue_due_notifications()
            if count or not every:
                self.stdout.write(f"{count} e-mail(s) enqueued")
            if not every:
                return
            time.sleep(every)
