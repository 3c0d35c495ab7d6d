"""The generate_demo command against the database: MISSION.md's marginals, valid rows, determinism, reruns."""

import datetime as dt
import io
import math
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.db.models import Count, F, Max, Min, Sum
from django.utils import timezone

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.scopes import Scope, roles_of, scope_of
from bawaba.campaigns.models import Application, ApplicationChoice, Campaign, CampaignStage, CommuneNeed
from bawaba.core.audit import record_event
from bawaba.core.models import AuditEvent
from bawaba.demo import calibration, services
from bawaba.demo.competition import COMPETITION_SLUG, demo_competition
from bawaba.demo.generator import apportion, scaled_total
from bawaba.demo.selectors import demo_campaign, demo_data_digest
from bawaba.territory.models import Commune, Province, Region

SCALE = 0.005
SEED = 7


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_demo", stdout=out, **{"scale": SCALE, "seed": SEED, **options})
    return out.getvalue()


@pytest.fixture
def demo(territory) -> Campaign:
    generate()
    return demo_campaign()


def per_region(rows) -> list[int]:
    counts = dict(rows)
    return [counts.get(code, 0) for code in calibration.REGION_CODES]


def test_candidates_per_region_and_category_are_mission_tables_scaled(demo):
    total = scaled_total(calibration.TOTAL_CANDIDATES, SCALE)
    applications = Application.objects.filter(campaign=demo)
    regions = applications.values_list("residence_commune__region__code").annotate(n=Count("id"))
    table = calibration.in_region_order(calibration.CANDIDACIES_BY_REGION)
    assert per_region(regions) == apportion(total, table).tolist()

    categories = dict(applications.values_list("category").annotate(n=Count("id")))
    expected = apportion(total, list(calibration.CANDIDATES_BY_CATEGORY.values()))
    assert [categories[code] for code in calibration.CATEGORY_CODES] == expected.tolist()
    assert applications.filter(status=Application.Status.SUBMITTED).count() == total


def test_needs_per_region_are_exact_after_rounding_and_all_positive(demo):
    for stage, table, total in [
        (CommuneNeed.Stage.TRAINING, calibration.TRAINING_NEEDS_BY_REGION, calibration.TOTAL_TRAINING_NEEDS),
        (CommuneNeed.Stage.FIELD, calibration.FIELD_NEEDS_BY_REGION, calibration.TOTAL_FIELD_NEEDS),
    ]:
        needs = CommuneNeed.objects.filter(campaign=demo, stage=stage)
        assert not needs.filter(quantity__lte=0).exists()
        regions = needs.values_list("commune__region__code").annotate(n=Sum("quantity"))
        expected = apportion(scaled_total(total, SCALE), calibration.in_region_order(table))
        assert per_region(regions) == expected.tolist()


def test_choices_are_ranked_from_one_without_gaps_and_mostly_near_home(demo):
    choices = ApplicationChoice.objects.filter(application__campaign=demo)
    ranks = Application.objects.filter(campaign=demo).annotate(
        n=Count("choices"), first=Min("choices__rank"), last=Max("choices__rank")
    )
    # With (application, rank) unique, n choices ranked from 1 to n leave no gap.
    assert not ranks.exclude(first=1).exists()
    assert not ranks.exclude(last=F("n")).exists()
    assert ranks.aggregate(most=Max("n"))["most"] <= demo.max_commune_choices
    assert not choices.exclude(commune__in=Commune.objects.all()).exists()
    total = choices.count()
    home = F("application__residence_commune__province")
    in_province = choices.filter(commune__province=home).count()
    in_region = choices.filter(commune__region=F("application__residence_commune__region")).count()
    assert in_province / total > 0.6
    assert in_region / total > 0.85


def test_candidates_are_plausible(demo):
    applications = Application.objects.filter(campaign=demo)
    cins = list(applications.values_list("cin", flat=True))
    assert len(set(cins)) == len(cins) and all(cins)

    # Ages as the generator drew them, on the opening day (dated from today, as the whole demo).
    opened_on = timezone.localdate(demo.registration_opens_at)

    def age(birth_date: date) -> float:
        return (opened_on - birth_date).days / 365.2425

    students = applications.filter(category=Application.Category.STUDENT).values_list("birth_date", flat=True)
    retirees = applications.filter(category=Application.Category.PUBLIC_RETIREE)
    assert max(age(born) for born in students) < 40
    assert min(age(born) for born in retirees.values_list("birth_date", flat=True)) >= 55
    assert not applications.filter(
        category=Application.Category.GRADUATE,
        education_level__in=[Application.EducationLevel.SECONDARY, Application.EducationLevel.BACCALAUREATE],
    ).exists()
    assert not applications.filter(survey_experience_count__gt=0, survey_experience_detail="").exists()
    assert not applications.filter(survey_experience_count=0).exclude(survey_experience_detail="").exists()
    assert all(languages for languages in applications.values_list("languages", flat=True))
    assert not applications.filter(submitted_at__lt=demo.registration_opens_at).exists()
    assert not applications.filter(submitted_at__gt=demo.registration_closes_at).exists()
    assert not applications.filter(created_at__gt=F("submitted_at")).exists()
    assert not applications.filter(search_name="").exists()


def test_campaign_has_its_stages_rules_and_the_hcp(demo):
    assert demo.administration.code == "hcp"
    assert demo.kind == Campaign.Kind.CENSUS and demo.is_published
    assert demo.max_commune_choices == 5
    assert set(demo.stages.values_list("kind", flat=True)) == set(CampaignStage.Kind.values)
    assert demo.rules_versions.get().version == 1
    assert "2024" not in demo.title_fr + demo.title_ar  # its dates are this year's, not 2024's


def test_the_census_closed_two_weeks_ago_and_its_stages_read_as_on_that_day(demo):
    from bawaba.campaigns import schedule

    today = timezone.localdate()
    assert timezone.localdate(demo.registration_closes_at) == today - dt.timedelta(days=14)
    statuses = {
        entry.kind: entry.status for entry in schedule.timeline(demo, demo.stages.all(), now=timezone.now())
    }
    assert statuses == {
        "registration": schedule.DONE,
        "preselection": schedule.CURRENT,  # published today by `make demo`
        "remote_training": schedule.UPCOMING,
        "interview": schedule.UPCOMING,
        "field_training": schedule.UPCOMING,
    }
    # Every application was submitted within the window, and the candidates are as old as in 2024's.
    assert not Application.objects.filter(
        campaign=demo, submitted_at__gte=demo.registration_closes_at
    ).exists()


def test_demo_accounts_have_known_passwords_and_the_candidate_owns_the_first_application(demo):
    admin = User.objects.get(email=services.ADMIN.email)
    assert admin.is_superuser and admin.is_staff and admin.kind == User.Kind.STAFF
    assert roles_of(admin) == {Assignment.Role.CENTRAL_ADMIN}
    assert admin.check_password(services.ADMIN.password)
    supervisor = User.objects.get(email=services.SUPERVISOR.email)
    assert supervisor.kind == User.Kind.STAFF and not supervisor.is_staff  # no Django admin for her
    assert scope_of(supervisor) == Scope(
        province_ids=frozenset({Province.objects.get(code=services.SUPERVISED_PROVINCE_CODE).pk})
    )
    assert supervisor.check_password(services.SUPERVISOR.password)
    coordinator = User.objects.get(email=services.COORDINATOR.email)
    assert scope_of(coordinator) == Scope(
        region_ids=frozenset({Region.objects.get(code=services.COORDINATED_REGION_CODE).pk})
    )
    assert coordinator.check_password(services.COORDINATOR.password)
    candidate = User.objects.get(email=services.CANDIDATE.email)
    assert candidate.check_password(services.CANDIDATE.password)
    first = Application.objects.filter(campaign=demo).order_by("submitted_at", "id").first()
    assert first.user == candidate
    others = User.objects.filter(applications__campaign=demo).exclude(pk=candidate.pk)
    assert not any(user.has_usable_password() for user in others[:50])
    assert not others.filter(is_active=False).exists()


def test_command_prints_the_accounts_and_says_they_are_demo_only(territory):
    output = generate()
    for account in services.DEMO_ACCOUNTS:
        assert account.email in output and account.password in output
    assert "only in this demo" in output
    for phase in ("generate", "write users", "write applications", "write choices"):
        assert phase in output


def test_same_seed_and_day_give_the_same_data_and_another_seed_or_day_other_data(territory):
    generate(today="2026-12-05")
    demo = demo_campaign()
    first = demo_data_digest(campaign=demo)
    generate(replace=True, today="2026-12-05")
    again = demo_campaign()
    assert again.pk != demo.pk
    assert demo_data_digest(campaign=again) == first
    generate(replace=True, seed=SEED + 1, today="2026-12-05")
    assert demo_data_digest(campaign=demo_campaign()) != first
    generate(replace=True, today="2026-12-06")  # the same candidates, one day later
    later = demo_campaign()
    assert demo_data_digest(campaign=later) != first
    assert later.registration_opens_at - again.registration_opens_at == dt.timedelta(days=1)


def test_rejects_a_malformed_day(territory):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        generate(today="5 December")
    assert demo_campaign() is None


def test_rerun_without_replace_changes_nothing(demo):
    digest = demo_data_digest(campaign=demo)
    users = User.objects.count()
    output = generate(seed=SEED + 1)
    assert "already exists" in output
    assert demo_data_digest(campaign=demo_campaign()) == digest
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(action="demo.generated").count() == 1


def test_generation_is_audited(demo):
    event = AuditEvent.objects.get(action="demo.generated")
    assert event.target_id == str(demo.pk)
    assert event.data["scale"] == SCALE and event.data["seed"] == SEED
    assert event.data["today"] == timezone.localdate().isoformat()
    assert event.data["counts"]["candidates"] == scaled_total(calibration.TOTAL_CANDIDATES, SCALE)


def test_replace_removes_the_old_data_and_detaches_what_points_at_it(demo):
    admin = User.objects.get(email=services.ADMIN.email)
    record_event(actor=admin, action="demo.test", target=demo)
    outsider = User.objects.create_user("someone@example.ma", "x" * 12)
    generate(replace=True)
    assert Campaign.objects.filter(slug=demo.slug).count() == 1
    assert not Application.objects.filter(campaign_id=demo.pk).exists()
    assert AuditEvent.objects.get(action="demo.test").actor is None
    assert User.objects.filter(pk=outsider.pk).exists()
    assert User.objects.filter(email__endswith="@demo.bawaba.ma").count() == (
        scaled_total(calibration.TOTAL_CANDIDATES, SCALE) + len(services.DEMO_STAFF_ACCOUNTS)
    )


def test_replace_removes_the_competition_and_the_applications_made_to_it(demo):
    competition = demo_competition()
    newcomer = User.objects.create_user("newcomer@example.ma", "x" * 12)
    Application.objects.create(campaign=competition, user=newcomer)
    generate(replace=True)
    assert not Campaign.objects.filter(pk=competition.pk).exists()
    assert Campaign.objects.filter(slug=COMPETITION_SLUG).count() == 1
    assert not Application.objects.filter(user=newcomer).exists()
    assert User.objects.filter(pk=newcomer.pk).exists()  # her account is hers


def test_a_competition_left_without_its_census_campaign_asks_for_replace(demo):
    demo.applications.all().delete()
    demo.delete()
    User.objects.filter(email__endswith="@demo.bawaba.ma").delete()
    with pytest.raises(CommandError, match="competition exists without the census campaign"):
        generate()
    generate(replace=True)
    assert demo_campaign() is not None and demo_competition() is not None


def test_a_rerun_adds_the_competition_to_a_demo_made_without_it(demo):
    demo_competition().delete()
    output = generate()
    assert "already exists" in output and "Added the open competition" in output
    assert demo_competition() is not None
    assert Campaign.objects.filter(slug=demo.slug).get().pk == demo.pk
    assert AuditEvent.objects.filter(action="demo.competition_created").count() == 2  # generated, then added


def test_replace_leaves_nothing_dangling_and_changes_nothing_when_it_would(demo):
    # A demo account with an application in another campaign: deleting the account would orphan it.
    other = Campaign.objects.create(
        administration=demo.administration,
        slug="other",
        title_ar="مباراة",
        title_fr="Concours",
        registration_opens_at=demo.registration_opens_at,
        registration_closes_at=demo.registration_closes_at,
    )
    Application.objects.create(campaign=other, user=User.objects.get(email=services.CANDIDATE.email))
    digest = demo_data_digest(campaign=demo)
    with pytest.raises(IntegrityError):
        generate(replace=True)
    assert demo_data_digest(campaign=demo_campaign()) == digest


def test_ids_continue_after_the_bulk_load(demo):
    # The sequences were moved past the pre-assigned ids: ordinary inserts do not collide with them.
    user = User.objects.create_user("after@example.ma", "x" * 12)
    application = Application.objects.create(campaign=demo, user=user)
    choice = ApplicationChoice.objects.create(
        application=application, rank=1, commune=Commune.objects.first()
    )
    assert user.pk > User.objects.exclude(pk=user.pk).aggregate(m=Max("pk"))["m"]
    assert application.pk > Application.objects.exclude(pk=application.pk).aggregate(m=Max("pk"))["m"]
    assert choice.pk > ApplicationChoice.objects.exclude(pk=choice.pk).aggregate(m=Max("pk"))["m"]


@pytest.mark.parametrize("scale", [0, -0.5, 1.5, math.nan])
def test_rejects_a_scale_outside_zero_to_one(territory, scale):
    with pytest.raises(CommandError, match="scale"):
        generate(scale=scale)
    assert demo_campaign() is None


def test_rejects_a_negative_seed(territory):
    with pytest.raises(CommandError, match="seed"):
        generate(seed=-1)


def test_asks_for_the_territory_first(db):
    with pytest.raises(CommandError, match="load_territory"):
        generate()
