"""The progress import (whole or refused whole, idempotent), its command, its staff pages (scoped), and her progress
on her dashboard. Both database engines (the suite runs on both)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.tests.factories import UserFactory
from bawaba.core.models import AuditEvent
from bawaba.training.models import ProgressImport, TrainingProgress
from bawaba.training.progress_section import progress_sections
from bawaba.training.services.progress import import_progress
from bawaba.training.tests import progress_helpers
from bawaba.training.tests.progress_helpers import accounts_of, admitted_decisions, report_for

# The selection tests' fixtures (the small census and its published preselection).
census, computed_run, published_run = (
    progress_helpers.census,
    progress_helpers.computed_run,
    progress_helpers.published_run,
)

HEADER = b"username,first_access,completion_percent,grade,last_access\n"


def progress_rows() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in TrainingProgress.objects.values_list(
            "account_id", "first_access", "completion_percent", "grade", "last_access", "progress_import_id"
        )
    }


@pytest.fixture
def accounts(published_run):
    return accounts_of(published_run)


class TestImport:
    def test_a_report_is_imported_and_the_same_file_twice_changes_nothing(self, accounts, central_admin):
        data = report_for(accounts)
        first = import_progress(
            campaign=accounts[0].campaign, data=data, filename="report.csv", actor=central_admin
        )
        assert first.status == ProgressImport.Status.APPLIED
        assert first.line_count == len(accounts) and first.changed_count == len(accounts)
        rows = progress_rows()
        assert len(rows) == len(accounts)
        started = TrainingProgress.objects.get(account=accounts[1])
        assert started.first_access == dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
        assert started.completion_percent == 7 and started.grade == Decimal("1.25")

        second = import_progress(
            campaign=accounts[0].campaign, data=data, filename="report.csv", actor=central_admin
        )
        assert second.status == ProgressImport.Status.APPLIED and second.changed_count == 0
        # No row was written: each still names the import that set it.
        assert progress_rows() == rows
        assert [e.action for e in AuditEvent.objects.filter(action__startswith="training.progress")] == [
            "training.progress_imported", "training.progress_imported",
        ]  # fmt: skip

    def test_a_changed_report_changes_only_the_lines_that_differ(self, accounts, central_admin):
        campaign = accounts[0].campaign
        import_progress(campaign=campaign, data=report_for(accounts), filename="a.csv", actor=central_admin)
        newer = report_for(accounts, percent=lambda i: 100 if i == 4 else (i * 7) % 101)
        result = import_progress(campaign=campaign, data=newer, filename="b.csv", actor=central_admin)
        assert result.changed_count == 1
        assert TrainingProgress.objects.get(account=accounts[4]).progress_import == result

    def test_a_file_with_one_bad_line_imports_nothing_and_lists_it(self, accounts, central_admin):
        good = report_for(accounts).splitlines(keepends=True)
        good[3] = f"{accounts[2].username},2026-02-30,101,,\n".encode()
        result = import_progress(
            campaign=accounts[0].campaign, data=b"".join(good), filename="bad.csv", actor=central_admin
        )
        assert result.status == ProgressImport.Status.REFUSED and result.changed_count == 0
        assert result.errors == [
            {
                "line": 4,
                "errors": [
                    {"code": "bad_date", "params": {"column": "first_access", "value": "2026-02-30"}},
                    {"code": "percent_out_of_range", "params": {"value": "101"}},
                ],
            }
        ]
        assert not TrainingProgress.objects.exists()
        event = AuditEvent.objects.get(action="training.progress_refused")
        assert event.data["faulty_lines"] == 1

    def test_an_unknown_username_is_a_faulty_line(self, accounts, central_admin):
        data = report_for(accounts[:3]) + b"stranger@example.ma,2026-05-04,10,,\n"
        result = import_progress(
            campaign=accounts[0].campaign, data=data, filename="r.csv", actor=central_admin
        )
        assert result.status == ProgressImport.Status.REFUSED
        assert result.errors == [
            {"line": 5, "errors": [{"code": "unknown_username", "params": {"value": "stranger@example.ma"}}]}
        ]
        assert not TrainingProgress.objects.exists()

    def test_a_file_too_large_is_refused_with_its_reason(self, accounts, central_admin, settings):
        settings.BAWABA_PROGRESS_MAX_BYTES = 100
        result = import_progress(
            campaign=accounts[0].campaign, data=report_for(accounts), filename="big.csv", actor=central_admin
        )
        assert result.errors == [{"line": None, "errors": [{"code": "too_big", "params": {"maximum": 1}}]}]


class TestCommand:
    def test_the_command_imports_and_prints_the_faulty_lines_of_a_refused_file(self, accounts, tmp_path):
        campaign = accounts[0].campaign
        good = tmp_path / "good.csv"
        good.write_bytes(report_for(accounts))
        out = io.StringIO()
        call_command("import_progress", "--campaign", campaign.slug, str(good), stdout=out)
        assert f"{len(accounts)} lines, {len(accounts)} candidates' progress changed" in out.getvalue()

        bad = tmp_path / "bad.csv"
        bad.write_bytes(HEADER + b"nobody@example.ma,2026-05-04,10,,\n")
        err = io.StringIO()
        with pytest.raises(CommandError, match="refused"):
            call_command("import_progress", "--campaign", campaign.slug, str(bad), stderr=err)
        assert (
            "Line 2: no training account of this campaign has the username “nobody@example.ma”."
            in err.getvalue()
        )
        with pytest.raises(CommandError, match="No campaign"):
            call_command("import_progress", "--campaign", "nope", str(bad))


class TestDashboard:
    @pytest.mark.parametrize(
        ("language", "started", "waiting"),
        [
            ("en", "You have completed 7 % of the training.", "You have not started the training yet."),
            ("fr", "Vous avez terminé 7 % de la formation.", "Vous n’avez pas encore commencé la formation."),
            ("ar", "أنجزت 7 % من التكوين.", "لم يبدأ تكوينك بعد."),
        ],
    )
    def test_her_dashboard_shows_her_progress_or_that_she_has_not_started(
        self, client, accounts, central_admin, language, started, waiting
    ):
        import_progress(
            campaign=accounts[0].campaign, data=report_for(accounts), filename="r.csv", actor=central_admin
        )
        for account, expected in ((accounts[1], started), (accounts[0], waiting)):
            client.force_login(account.application.user)
            page = client.get(f"/{language}/me/")
            assert page.status_code == 200
            text = page.content.decode()
            assert expected in text
            if account == accounts[1]:
                assert 'class="meter" max="100" value="7"' in text

    def test_the_section_reads_one_query_for_any_number_of_applications(
        self, accounts, central_admin, django_assert_num_queries
    ):
        import_progress(
            campaign=accounts[0].campaign, data=report_for(accounts), filename="r.csv", actor=central_admin
        )
        applications = [account.application for account in accounts[:5]]
        request = RequestFactory().get("/me/")
        with django_assert_num_queries(1):
            sections = progress_sections(request, applications)
        assert sections[applications[0].pk] == {"progress": None}  # not started
        assert sections[applications[1].pk]["progress"].completion_percent == 7


def staff(email: str, role: str, *, region=None, provinces=()) -> User:
    user = UserFactory(email=email, kind=User.Kind.STAFF)
    assignment = Assignment.objects.create(user=user, role=role, region=region)
    assignment.provinces.set(provinces)
    return user


class TestStaffPages:
    def test_each_reader_sees_the_figures_of_her_own_area_only(self, client, published_run, central_admin):
        accounts = accounts_of(published_run)
        campaign = published_run.campaign
        import_progress(campaign=campaign, data=report_for(accounts), filename="r.csv", actor=central_admin)
        province_of = {d.application_id: d.commune.province for d in admitted_decisions(published_run)}
        provinces = sorted({p for p in province_of.values()}, key=lambda p: p.code)
        mine, other = provinces[0], next(p for p in provinces if p.region_id != provinces[0].region_id)
        url = reverse("training_staff:progress", args=[campaign.slug])

        client.force_login(central_admin)
        page = client.get(url)
        assert page.status_code == 200
        assert sum(line.accounts for line in page.context["lines"]) == len(accounts)

        supervisor = staff("sup@example.ma", Assignment.Role.PROVINCIAL_SUPERVISOR, provinces=[mine])
        client.force_login(supervisor)
        lines = client.get(url).context["lines"]
        assert [line.province for line in lines] == [mine]
        expected = [a for a in accounts if province_of[a.application_id] == mine]
        assert lines[0].accounts == len(expected)
        assert lines[0].started == sum(1 for i, a in enumerate(accounts) if a in expected and i % 3 != 0)
        own = client.get(reverse("training_staff:progress_province", args=[campaign.slug, mine.code]))
        assert own.status_code == 200
        assert {a.pk for a in own.context["page"].object_list} == {a.pk for a in expected[:50]}
        assert (
            client.get(
                reverse("training_staff:progress_province", args=[campaign.slug, other.code])
            ).status_code
            == 404
        )
        for bad_code in ("x" * 300, "04.281\x00", "%00"):
            bad = reverse("training_staff:progress_province", args=[campaign.slug, bad_code])
            assert client.get(bad).status_code == 404
        # Reading figures is not importing them.
        assert client.get(reverse("training_staff:progress_imports", args=[campaign.slug])).status_code == 404

        coordinator = staff("coord@example.ma", Assignment.Role.REGIONAL_COORDINATOR, region=other.region)
        client.force_login(coordinator)
        lines = client.get(url).context["lines"]
        assert lines and {line.province.region_id for line in lines} == {other.region_id}

        client.force_login(accounts[0].application.user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("training_staff:progress", args=["no-such-campaign"])).status_code == 404

    def test_an_upload_shows_every_faulty_line_or_the_counts_and_bad_input_is_a_message(
        self, client, published_run, central_admin
    ):
        accounts = accounts_of(published_run)
        campaign = published_run.campaign
        client.force_login(central_admin)
        url = reverse("training_staff:progress_imports", args=[campaign.slug])
        bad = HEADER + b"".join(f"ghost{i}@example.ma,2026-05-04,10,,\n".encode() for i in range(130))
        response = client.post(url, {"file": SimpleUploadedFile("bad\x00.csv", bad)}, follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        assert "ghost0@example.ma" in text and "ghost99@example.ma" in text and "ghost100@" not in text
        second_page = client.get(response.redirect_chain[-1][0] + "?page=2").content.decode()
        assert "ghost129@example.ma" in second_page
        assert ProgressImport.objects.get().filename == "bad.csv"

        response = client.post(url, {"file": SimpleUploadedFile("r.csv", report_for(accounts))}, follow=True)
        assert response.status_code == 200
        assert response.context["progress_import"].changed_count == len(accounts)

        assert client.post(url, {"file": SimpleUploadedFile("empty.csv", b"")}).status_code == 400
        assert client.post(url, {}).status_code == 400
        nul = client.post(url, {"file": SimpleUploadedFile("nul.csv", HEADER + b"\x00\x00\n")}, follow=True)
        assert nul.status_code == 200
        assert nul.context["progress_import"].errors[0]["errors"][0]["code"] == "control_character"
        page = client.get(url)
        assert page.status_code == 200 and len(page.context["page"].object_list) == 3
        other_import = reverse("training_staff:progress_import", args=[campaign.slug, 10**15])
        assert client.get(other_import).status_code == 404


class TestDemo:
    def test_the_demos_report_imports_and_imports_again_without_change(self, accounts, tmp_path):
        campaign = accounts[0].campaign
        output = tmp_path / "report.csv"
        call_command(
            "demo_progress_report", "--campaign", campaign.slug, "--output", str(output), stdout=io.StringIO()
        )
        call_command("import_progress", "--campaign", campaign.slug, str(output), stdout=io.StringIO())
        first = ProgressImport.objects.get()
        assert first.changed_count == len(accounts)
        progress = TrainingProgress.objects.all()
        started = progress.filter(first_access__isnull=False).count()
        assert 0.6 * len(accounts) < started < len(accounts)  # most started, some not
        # Written again (the same accounts, the same report), imported again: nothing changes.
        call_command(
            "demo_progress_report", "--campaign", campaign.slug, "--output", str(output), stdout=io.StringIO()
        )
        out = io.StringIO()
        call_command("import_progress", "--campaign", campaign.slug, str(output), stdout=out)
        assert "0 candidates' progress changed" in out.getvalue()

    def test_without_any_account_handed_over_the_demo_writes_no_report(self, published_run, tmp_path):
        output = tmp_path / "report.csv"
        output.write_bytes(b"stale")
        out = io.StringIO()
        call_command(
            "demo_progress_report",
            "--campaign",
            published_run.campaign.slug,
            "--output",
            str(output),
            stdout=out,
        )
        assert not output.exists() and "No account" in out.getvalue()


def test_the_progress_pages_in_arabic_hold_no_english(client, published_run, central_admin):
    from tests.test_arabic_pages import english_words

    accounts = accounts_of(published_run)
    campaign = published_run.campaign
    refused = import_progress(
        campaign=campaign, data=HEADER + b"ghost@example.ma,x,101,,\n", filename="r.csv", actor=central_admin
    )
    applied = import_progress(
        campaign=campaign, data=report_for(accounts), filename="r.csv", actor=central_admin
    )
    province = admitted_decisions(published_run)[0].commune.province
    client.force_login(central_admin)
    pages = {
        "progress": reverse("training_staff:progress", args=[campaign.slug]),
        "province": reverse("training_staff:progress_province", args=[campaign.slug, province.code]),
        "imports": reverse("training_staff:progress_imports", args=[campaign.slug]),
        "refused": reverse("training_staff:progress_import", args=[campaign.slug, refused.pk]),
        "applied": reverse("training_staff:progress_import", args=[campaign.slug, applied.pk]),
        "reminders": reverse("training_staff:reminders", args=[campaign.slug]),
    }
    leaks = {}
    for name, path in pages.items():
        response = client.get("/ar" + path.removeprefix("/ar").removeprefix("/fr").removeprefix("/en"))
        assert response.status_code == 200, name
        words = english_words(response.content.decode())
        if words:
            leaks[name] = words
    assert not leaks, repr(leaks)
