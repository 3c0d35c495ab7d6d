from django_tasks import task

from bawaba.notifications.services import deliver


@task()
def send_notification(notification_id: int) -> str:
    """Send one outbox e-mail (safe to run twice: the outbox row is claimed before sending)."""
    return deliver(notification_id)
