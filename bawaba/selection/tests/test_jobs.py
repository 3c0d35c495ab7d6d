"""A worker killed hard (SIGKILL) while computing or publishing a run: its lease runs out, the run is shown as
failed, on the staff pages and on the command line, and its job can be retried."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from bawaba.core.models import AuditEvent
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.selection.services import (
    COMPUTATION,
    PUBLICATION,
    PUBLICATION_RUNNING,
    SelectionError,
    compute_run,
    create_run,
    request_publication,
    retry_run,
    stale_runs,
)
from bawaba.selection.tests.conftest import RUN_SEED

Status = SelectionRun.Status


def _url(name: str, pk: int) -> str:
    with translation.override("en"):
        return reverse(f"selection_staff:{name}", args=[pk])


def long_ago() -> dt.datetime:
    """A last sign of life older than the lease: the worker that gave it is presumed dead."""
    return timezone.now() - settings.SELECTION_JOB_LEASE - dt.timedelta(seconds=1)


@pytest.fixture
def killed_computation(census):
    """A run whose worker claimed the computation and was killed in the middle of it."""
    run = create_run(campaign=census, seed=RUN_SEED)
    SelectionRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, progress_step="allocate", progress_percent=40, heartbeat_at=long_ago()
    )
    run.refresh_from_db()
    return run


@pytest.fixture
def killed_publication(computed_run, central_admin, django_capture_on_commit_callbacks):
    """A computed run whose requested publication a worker took up and was killed in the middle of."""
    with django_capture_on_commit_callbacks():  # the worker's task is not run here: it "dies"
        request_publication(run=computed_run, actor=central_admin)
    SelectionRun.objects.filter(pk=computed_run.pk).update(
        progress_step=PUBLICATION_RUNNING, heartbeat_at=long_ago()
    )
    computed_run.refresh_from_db()
    return computed_run


def test_a_job_with_a_fresh_lease_is_not_stale(
    census, computed_run, central_admin, django_capture_on_commit_callbacks
):
    running = create_run(campaign=census, seed="another draw")
    SelectionRun.objects.filter(pk=running.pk).update(status=Status.RUNNING, heartbeat_at=timezone.now())
    running.refresh_from_db()
    assert not running.is_stale and running.is_in_progress
    with django_capture_on_commit_callbacks():
        request_publication(run=computed_run, actor=central_admin)
    SelectionRun.objects.filter(pk=computed_run.pk).update(progress_step=PUBLICATION_RUNNING)
    computed_run.refresh_from_db()
    assert not computed_run.is_stale and computed_run.is_in_progress
    assert list(stale_runs()) == []
    with pytest.raises(SelectionError):
        retry_run(run=running)  # a live worker's job is not taken from it


def test_a_computation_whose_worker_died_is_shown_as_failed_and_can_be_retried(
    admin_client, killed_computation, central_admin, django_capture_on_commit_callbacks
):
    run = killed_computation
    assert run.is_stale and not run.is_in_progress
    assert list(stale_runs()) == [run]
    page = admin_client.get(_url("run", run.pk)).content.decode()
    assert "The run failed: its worker stopped" in page
    assert "Failed: its worker stopped" in page
    assert 'hx-trigger="every 2s"' not in page  # nothing to follow any more
    assert f'action="{_url("run_retry", run.pk)}"' in page
    runs_page = admin_client.get(reverse("selection_staff:runs", args=[run.campaign.slug])).content.decode()
    assert "Failed: its worker stopped" in runs_page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_url("run_retry", run.pk))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == Status.COMPUTED and run.attempt == 1
    assert not run.is_stale
    event = AuditEvent.objects.get(action="selection.run_retried", target_id=str(run.pk))
    assert event.actor == central_admin and event.data["job"] == COMPUTATION


def test_a_publication_whose_worker_died_is_shown_as_failed_and_can_be_retried(
    admin_client, killed_publication, django_capture_on_commit_callbacks
):
    run = killed_publication
    assert run.is_stale and run.is_publishing and not run.is_in_progress
    assert not SelectionDecision.objects.exists()  # its transaction died with it
    page = admin_client.get(_url("run", run.pk)).content.decode()
    assert "The publication failed: its worker stopped" in page
    assert "Retry the publication" in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_url("run_retry", run.pk))
    run.refresh_from_db()
    assert run.is_published
    assert SelectionDecision.objects.filter(run=run).count() == run.summary["totals"]["candidates"]
    assert AuditEvent.objects.get(action="selection.run_retried").data["job"] == PUBLICATION


def test_a_worker_presumed_dead_that_wakes_up_writes_nothing(census):
    run = create_run(campaign=census, seed=RUN_SEED)

    def taken_over(step: str, percent: int) -> None:
        if step == "allocate":
            # While this worker computes, its lease runs out and a retry starts the next attempt.
            SelectionRun.objects.filter(pk=run.pk).update(heartbeat_at=long_ago())
            retry_run(run=run, enqueue=False)

    result = compute_run(run_id=run.pk, progress=taken_over)
    assert result.status == Status.QUEUED and result.attempt == 1
    assert not result.frozen_inputs and not result.output_digest
    assert compute_run(run_id=run.pk).status == Status.COMPUTED  # the new attempt


def test_a_failed_computation_can_be_retried_and_others_cannot(admin_client, census, computed_run):
    failed = create_run(campaign=census, seed="another draw")
    SelectionRun.objects.filter(pk=failed.pk).update(status=Status.FAILED, error="MemoryError: ")
    page = admin_client.get(_url("run", failed.pk)).content.decode()
    assert "Retry the computation" in page
    assert retry_run(run=failed, enqueue=False) == COMPUTATION

    response = admin_client.post(_url("run_retry", computed_run.pk), follow=True)
    assert "Only a failed run, or one whose worker stopped, can be retried." in response.content.decode()
    assert admin_client.get(_url("run_retry", computed_run.pk)).status_code == 405


def test_the_command_line_lists_the_stopped_jobs_and_retries_them(killed_computation, killed_publication):
    out = io.StringIO()
    call_command("selection_jobs", stdout=out)
    listing = out.getvalue()
    assert f"Run {killed_computation.pk} " in listing and "computation FAILED: its worker stopped" in listing
    assert f"Run {killed_publication.pk} " in listing and "publication FAILED: its worker stopped" in listing

    out = io.StringIO()
    call_command("selection_jobs", "--retry", str(killed_publication.pk), stdout=out)
    assert SelectionRun.objects.get(pk=killed_publication.pk).is_published
    # The other run is of the same stage, now published: its computation can be retried, not published.
    call_command("selection_jobs", "--retry", str(killed_computation.pk), stdout=io.StringIO())
    assert SelectionRun.objects.get(pk=killed_computation.pk).status == Status.COMPUTED
    with pytest.raises(CommandError, match="Only a failed run, or one whose worker stopped, can be retried."):
        call_command("selection_jobs", "--retry", str(killed_computation.pk), stdout=io.StringIO())
    out = io.StringIO()
    call_command("selection_jobs", stdout=out)
    assert "No selection job is under way, stopped or failed." in out.getvalue()


@pytest.mark.parametrize("persona", ["supervisor", "candidate"])
def test_only_a_central_administrator_may_retry_a_stopped_job(
    client, request, persona, killed_computation, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(persona))
    with django_capture_on_commit_callbacks(execute=True) as worker:
        response = client.post(_url("run_retry", killed_computation.pk))
    assert response.status_code == 404
    assert worker == []
    killed_computation.refresh_from_db()
    assert killed_computation.is_stale and killed_computation.attempt == 0
    assert not AuditEvent.objects.filter(action="selection.run_retried").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_instead_of_retrying(client, killed_computation):
    response = client.post(_url("run_retry", killed_computation.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    killed_computation.refresh_from_db()
    assert killed_computation.is_stale
