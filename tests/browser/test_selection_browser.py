"""The preselection in a real browser: the central administrator launches a run, reads its dry-run report and
publishes it, the page following the worker that does it (French); the public report (Arabic, right-to-left);
the demo candidate reads her decision explained on her dashboard (Arabic and French). Screenshots of each page
are saved."""

import pytest
from playwright.sync_api import expect

from bawaba.accounts.tests.helpers import translated
from bawaba.accounts.twofactor.tests.helpers import next_accepted_code, pass_second_factor
from bawaba.demo.services import ADMIN, CANDIDATE
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.selection.tasks import publish_selection_run
from bawaba.selection.templatetags.lottery import lottery

pytestmark = pytest.mark.browser

SEED = "tirage public du 1er mars 2024"


def sign_in(page, account, language: str) -> None:
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(translated("E-mail address", language), exact=True).fill(account.email)
    page.get_by_label(translated("Password", language), exact=True).fill(account.password)
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()


def test_the_administrator_launches_reads_and_publishes_a_preselection(
    page, census_campaign, screenshots, settings
):
    def t(message: str, **params) -> str:
        return translated(message, "fr", **params)

    sign_in(page, ADMIN, "fr")
    pass_second_factor(
        page, ADMIN.authenticator_key, "fr"
    )  # the demo's authenticator (make demo prints its key)
    page.goto(f"/fr/staff/selection/{census_campaign.slug}/runs/")
    page.get_by_label(t("Public seed of the draw"), exact=True).fill(SEED)
    page.get_by_role("button", name=t("Launch the run"), exact=True).click()

    # Tasks run at once in tests: the run page shows the computed dry run with its digests.
    run = SelectionRun.objects.get(campaign=census_campaign)
    assert run.status == SelectionRun.Status.COMPUTED
    page.goto(f"/fr/staff/selection/runs/{run.pk}/")
    expect(page.get_by_text(run.output_digest)).to_be_visible()
    page.screenshot(path=screenshots / "selection-run-computed-fr.png", full_page=True)

    page.get_by_role("link", name=t("The run's report (per commune, cutoffs, shortfalls)")).click()
    expect(page.get_by_text(t("Dry run — not published"))).to_be_visible()
    page.screenshot(path=screenshots / "selection-dry-run-report-fr.png", full_page=True)
    page.go_back()

    # Publishing needs the confirmation: without it the page says so and nothing is written.
    page.get_by_role("button", name=t("Publish this run"), exact=True).click()
    expect(
        page.get_by_text(t("Tick the box to confirm that you have checked the dry-run report.")).first
    ).to_be_visible()
    assert not SelectionDecision.objects.exists()
    # From here the test plays the worker: the publication waits in a queue that nothing runs, as it would
    # until a real worker takes it, and the page follows it.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    page.get_by_label(t("I have checked the dry-run report"), exact=True).check()
    # A fresh code (a later one than the code that signed her in, which is spent).
    page.get_by_label(t("Code from your authenticator app"), exact=True).fill(
        next_accepted_code(ADMIN.authenticator_key)
    )
    page.get_by_role("button", name=t("Publish this run"), exact=True).click()
    expect(
        page.get_by_text(
            t(
                "Publication requested: a worker recomputes run %(number)s and writes every candidate's "
                "decision. This page shows when it is done.",
                number=run.pk,
            )
        )
    ).to_be_visible()
    progress = page.locator("#run-progress")
    expect(progress).to_contain_text(t("Publication in progress"))
    expect(progress).to_contain_text(t("Waiting for a worker to publish the run."))
    page.screenshot(path=screenshots / "selection-run-publishing-fr.png", full_page=True)
    run.refresh_from_db()
    assert run.is_publishing and not SelectionDecision.objects.exists()

    publish_selection_run.call(run.pk, run.publish_requested_by_id)
    # The page polls every 2 s and reloads itself once the publication is done.
    expect(progress).to_contain_text(t("Published"))
    expect(page.get_by_role("button", name=t("Publish this run"), exact=True)).to_have_count(0)
    run.refresh_from_db()
    assert run.is_published
    assert SelectionDecision.objects.filter(run=run).count() == run.summary["totals"]["candidates"]
    page.screenshot(path=screenshots / "selection-run-published-fr.png", full_page=True)


@pytest.fixture
def published(census_campaign):
    import io

    from django.core.management import call_command

    call_command(
        "run_selection", "--campaign", census_campaign.slug, "--seed", SEED, "--publish", stdout=io.StringIO()
    )
    return SelectionRun.objects.get(campaign=census_campaign, status=SelectionRun.Status.PUBLISHED)


def test_the_public_report_in_arabic_is_right_to_left(page, census_campaign, published, screenshots):
    page.goto(f"/ar/campaigns/{census_campaign.slug}/selection/preselection/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_text(published.output_digest)).to_be_visible()
    expect(page.get_by_text(SEED).first).to_be_visible()
    page.screenshot(path=screenshots / "selection-report-ar.png", full_page=True)
    # Drill down to a region's provinces, as a visitor would.
    page.locator("table tbody tr a").first.click()
    expect(page.locator('tr[id^="province-"]').first).to_be_visible()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_demo_candidate_reads_her_decision_explained(page, published, language, screenshots):
    decision = SelectionDecision.objects.get(run=published, application__user__email=CANDIDATE.email)
    sign_in(page, CANDIDATE, language)
    page.goto(f"/{language}/me/")
    expect(page.get_by_role("heading", name=translated("Your preselection result", language))).to_be_visible()
    expect(page.get_by_text(lottery(decision.lottery)).first).to_be_visible()  # in groups, as shown
    expect(
        page.get_by_text(
            translated(
                "Your score: %(score)s point",
                language,
                plural="Your score: %(score)s points",
                count=decision.score,
                score=decision.score,
            )
        )
    ).to_be_visible()
    page.screenshot(path=screenshots / f"selection-explanation-{language}.png", full_page=True)
