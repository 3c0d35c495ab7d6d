from django_tasks import task

from bawaba.notifications.files import build_file
from bawaba.notifications.services import deliver


@task()
def send_notification(notification_id: int) -> str:
    """Send one outbox e-mail (safe to run twice: the outbox row is claimed before sending)."""
    return deliver(notification_id)


@task()
def prepare_file(file_id: int) -> int:
    """Make a prepared file (a second delivery finds it made); its number of lines."""
    prepared = build_file(file_id)
    return prepared.lines if prepared is not None else 0
