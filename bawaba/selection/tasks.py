from django_tasks import task

from bawaba.selection.services import compute_run, publish_requested_run


@task()
def compute_selection_run(run_id: int) -> str:
    """Compute a queued selection run (a second delivery of the task finds it claimed and does nothing)."""
    return compute_run(run_id=run_id).status


@task()
def publish_selection_run(run_id: int, actor_id: int | None) -> str:
    """Publish a run whose publication was requested (a second delivery finds it published and does nothing)."""
    return publish_requested_run(run_id=run_id, actor_id=actor_id).status
