from django_tasks import task

from bawaba.selection.services import compute_run


@task()
def compute_selection_run(run_id: int) -> str:
    """Compute a queued selection run (a second delivery of the task finds it claimed and does nothing)."""
    return compute_run(run_id).status
