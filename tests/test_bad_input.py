"""Bad input never gives a server error (issue 9, item 7).

First the regressions of the faults a probe found, then the whole site: every URL pattern, every query parameter
a page reads and every field of every form it renders, sent malformed values (huge and negative integers, NUL and
other control characters, malformed dates, very long strings), as an anonymous visitor, a candidate and a central
administrator. The answer may be a form error, a 400, a 404 or a redirect, never a 5xx, on SQLite and PostgreSQL.

The data is built once for the module (one outer transaction, rolled back at the end); each test runs in its own
savepoint, so that what one test's requests change is undone before the next.
"""

import datetime as dt
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import (
    NoReverseMatch,
    URLPattern,
)
from django.utils import timezone, translation

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.staff.tokens import invitation_tokens
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.accounts.tokens import encode_uid, make_confirmation_token, reset_tokens
from bawaba.campaigns import services as campaign_services
from bawaba.campaigns import steps
from bawaba.campaigns.contributions import APPLICATION_RECEIVED
from bawaba.campaigns.models import Application, Campaign, CampaignStage
from bawaba.campaigns.needs.services import check_needs_file
from bawaba.campaigns.tests.conftest import identity_post as typed_identity
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.notifications.mailings import Recipients, create_mailing
from bawaba.territory.models import Commune, Province
from tests.site_walk import (
    LANGUAGE,
    Form,
    PageParser,
    all_patterns,
    pattern_key,
    recording_reads,
    resolve_url,
    reverse_url,
)

# Every test reads the module's data, so every test needs the database (and the test database is set up).
pytestmark = pytest.mark.django_db

HUGE = str(2**63)  # one beyond the largest 64-bit integer a database column holds
HUGE_NEGATIVE = str(-(2**63) - 1)
ENORMOUS = str(10**30)


# --- The site: an open campaign with a candidate's filled draft, the demo campaign with a published run ---------


def _open_campaign() -> Campaign:
    now = timezone.now()
    campaign = CampaignFactory(
        slug="open-now",
        kind=Campaign.Kind.CENSUS,
        registration_opens_at=now - dt.timedelta(days=5),
        registration_closes_at=now + dt.timedelta(days=10),
        max_commune_choices=3,
    )
    today = timezone.localdate(now)
    Kind = CampaignStage.Kind
    for kind, starts_on, ends_on in [
        (Kind.REGISTRATION, today - dt.timedelta(days=5), today + dt.timedelta(days=10)),
        (Kind.PRESELECTION, today + dt.timedelta(days=13), None),
    ]:
        CampaignStage.objects.create(campaign=campaign, kind=kind, starts_on=starts_on, ends_on=ends_on)
    return campaign


def _filled_draft(campaign: Campaign, user: User, communes: list[Commune]) -> Application:
    """Every step answered, so that each step's form renders with valid values to post back."""
    application = campaign_services.start_application(campaign=campaign, user=user)
    answers = {
        steps.IDENTITY: {
            "cin": "ZZ987654",
            "first_name_ar": "أمينة",
            "last_name_ar": "العلوي",
            "first_name_latin": "Amina",
            "last_name_latin": "Alaoui",
            "birth_date": dt.date(1995, 3, 15),
            "sex": Application.Sex.FEMALE,
            "phone": "+212612345678",
            "residence_commune": communes[0],
        },
        steps.SITUATION: {
            "category": Application.Category.GRADUATE,
            "education_level": Application.EducationLevel.BAC_3,
            "education_field": "Géographie",
        },
        steps.EXPERIENCE: {"survey_experience_count": 1, "survey_experience_detail": "RGPH 2014, enumerator"},
        steps.SKILLS: {"ict_skill": Application.IctSkill.GOOD, "languages": ["ar", "fr"]},
    }
    for step, data in answers.items():
        campaign_services.save_step(application=application, step=step, data=data)
    campaign_services.set_choices(application=application, commune_ids=[c.pk for c in communes[:2]])
    return application


def _build_site() -> SimpleNamespace:
    from bawaba.demo.selectors import demo_campaign
    from bawaba.fieldwork.services.groups import GroupPlan, create_group
    from bawaba.indicators.refresh import refresh_summary
    from bawaba.selection.services import compute_run, create_run, publish_run
    from bawaba.territory.services import load_territory

    load_territory(centroids_csv=None)
    # The selection tests' small national demo (about 980 candidates): cheap, and a real published run.
    call_command("generate_demo", "--scale", "0.002", "--seed", "2024", stdout=io.StringIO())
    census = demo_campaign()
    admin = staff_member(Assignment.Role.CENTRAL_ADMIN, email="admin@example.ma")
    run = compute_run(run_id=create_run(campaign=census, seed="bad input", actor=admin).pk)
    # A dry run, computed and never published (nothing can be, once a run is): its page offers the publication.
    dry_run = compute_run(run_id=create_run(campaign=census, seed="another draw", actor=admin).pk)
    run = publish_run(run=run, actor=admin)
    # The summary figures of the indicators, so that the staff dashboard shows its tables, drill-down and files,
    # and the open data (pages, files, API) is published with its drill-down.
    refresh_summary(census)
    # A candidate of the published run, who also has a draft in a campaign open now.
    decided = Application.objects.filter(campaign=census, status=Application.Status.SUBMITTED).first()
    candidate = decided.user
    communes = list(Commune.objects.filter(province=decided.residence_commune.province).order_by("code")[:3])
    campaign = _open_campaign()
    draft = _filled_draft(campaign, candidate, communes)
    # A needs file checked for the census and waiting on its preview page, which offers to apply it.
    needs_import = check_needs_file(
        campaign=census,
        data=f"commune_code,stage,need\n{communes[0].code},field,3\n".encode(),
        filename="needs.csv",
        actor=admin,
    )
    # Whom the e-mailed links name: an account awaiting confirmation, one asking for a new password.
    unconfirmed = UserFactory(email="unconfirmed@example.ma", is_active=False)
    forgetful = UserFactory(email="forgetful@example.ma")
    # A staff member invited and not yet arrived: her page, her assignment and her invitation link are fuzzed too.
    invitee = staff_member(
        Assignment.Role.PROVINCIAL_SUPERVISOR,
        provinces=[decided.residence_commune.province],
        email="invitee@example.ma",
        is_active=False,
        password=None,
    )
    # A mailing, so that its staff page and its pause / resume / cancel are fuzzed too.
    mailing = create_mailing(
        kind=APPLICATION_RECEIVED.key,
        label="Bad input",
        recipients=Recipients(keys=["A-1"], emails=["amina@example.ma"], languages=["fr"]),
        created_by=admin,
    )
    # A group of the in-person training (bawaba.fieldwork), in the province whose code the pages are fuzzed with.
    next_month = timezone.localdate() + dt.timedelta(days=30)
    training_group = create_group(
        campaign=census,
        province=Province.objects.order_by("code").first(),
        plan=GroupPlan(
            place_name="Centre de formation",
            address="1, avenue Mohammed V",
            latitude=None,
            longitude=None,
            starts_on=next_month,
            ends_on=next_month + dt.timedelta(days=2),
            daily_starts_at=dt.time(9),
            daily_ends_at=dt.time(16),
            trainer_name="Mme Bennani",
            capacity=20,
        ),
        actor=admin,
    )
    return SimpleNamespace(
        mailing=mailing,
        training_group=training_group,
        census=census,
        run=run,
        dry_run=dry_run,
        admin=admin,
        candidate=candidate,
        decided=decided,
        campaign=campaign,
        draft=draft,
        needs_import=needs_import,
        commune=communes[0],
        confirmation_token=make_confirmation_token(unconfirmed),
        reset_uidb64=encode_uid(forgetful),
        reset_token=reset_tokens.make_token(forgetful),
        invitee=invitee,
        invitation_uidb64=encode_uid(invitee),
        invitation_token=invitation_tokens.make_token(invitee),
        mail_key=MAIL_KEY,
    )


MAIL_KEY = "01733000000000000000-0123abcd"
MAIL = b"""From: Bawaba <no-reply@bawaba.ma>
To: amina@example.ma
Subject: Test
Date: Sat, 05 Dec 2026 10:00:00 +0000
Content-Type: text/plain; charset=utf-8

Hello.
"""


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SimpleNamespace]:
    # The demo mailbox is on, with one message, so that its pages are fuzzed too.
    sink = tmp_path_factory.mktemp("mailbox")
    (sink / f"{MAIL_KEY}.eml").write_bytes(MAIL)
    with (
        override_settings(BAWABA_DEMO_MAILBOX=True, BAWABA_MAIL_SINK_DIR=sink),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield _build_site()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _language() -> Iterator[None]:
    """The URLs are reversed in French (a page fetched leaves its language active in the thread)."""
    translation.activate(LANGUAGE)
    yield
    translation.deactivate()


@pytest.fixture
def candidate_client(db, site) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(site.candidate)
    return client


def identity_post(site: SimpleNamespace, **overrides: str) -> dict:
    """The identity step as a browser posts it (the campaigns tests' own), for the site's commune."""
    commune = site.commune
    places = SimpleNamespace(
        region=SimpleNamespace(pk=commune.region_id),
        province=SimpleNamespace(pk=commune.province_id),
        communes=[commune],
    )
    return typed_identity(places, **{"cin": "ZZ987654", **overrides})


# --- Regressions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["birth_date_day", "birth_date_month"])
@pytest.mark.parametrize("value", [HUGE, HUGE_NEGATIVE, ENORMOUS])
@pytest.mark.parametrize("campaign", ["campaign", "census"])  # open now; closed (the form is checked first)
def test_a_birth_day_or_month_beyond_a_machine_integer_is_a_form_error(
    candidate_client, site, campaign, part, value
):
    url = f"/fr/campaigns/{getattr(site, campaign).slug}/apply/{steps.IDENTITY}/"
    response = candidate_client.post(url, identity_post(site, **{part: value}))
    assert response.status_code == 200
    assert "Saisissez une date valide, par exemple 15 3 1995." in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, HUGE_NEGATIVE, ENORMOUS])
@pytest.mark.parametrize(("path", "name"), [("provinces", "region"), ("communes", "province")])
def test_the_public_cascade_offers_nothing_for_an_id_beyond_64_bits(client, site, path, name, value):
    response = client.get(f"/fr/campaigns/places/{path}/", {name: value})
    assert response.status_code == 200
    assert "<option" not in response.content.decode().replace('<option value="">', "")


@pytest.mark.parametrize("value", [HUGE, HUGE_NEGATIVE, ENORMOUS])
@pytest.mark.parametrize("name", ["region", "province"])
@pytest.mark.parametrize("action", ["save", "show_places"])
def test_an_identity_place_beyond_64_bits_is_no_choice(candidate_client, site, name, value, action):
    url = f"/fr/campaigns/{site.campaign.slug}/apply/{steps.IDENTITY}/"
    response = candidate_client.post(url, identity_post(site, **{name: value, "action": action}))
    assert response.status_code == 200
    if action == "save":  # the step is shown again with the message, nothing saved
        assert "Choisissez dans la liste." in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, HUGE_NEGATIVE, ENORMOUS])
@pytest.mark.parametrize("name", ["region", "province", "commune"])
def test_a_commune_to_add_beyond_64_bits_is_no_choice(candidate_client, site, name, value):
    commune = site.commune
    picked = {"region": str(commune.region_id), "province": str(commune.province_id), "commune": ""}
    url = f"/fr/campaigns/{site.campaign.slug}/apply/communes/"
    response = candidate_client.post(url, {**picked, name: value, "action": "add"})
    assert response.status_code == 200
    assert site.draft.choices.count() == 2


@pytest.fixture
def admin_client(db, site) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(site.admin)
    return client


@pytest.mark.parametrize("value", ["\x00", "01\x00", "\x1b[2J", "0" * 100_000])
@pytest.mark.parametrize("name", ["region", "province"])
@pytest.mark.parametrize("report", ["public", "staff"])
def test_a_malformed_region_or_province_code_in_a_report_is_not_found(
    client, admin_client, site, report, name, value
):
    if report == "public":
        response = client.get(f"/fr/campaigns/{site.census.slug}/selection/{site.run.stage}/", {name: value})
    else:
        response = admin_client.get(f"/fr/campaigns/selection/runs/{site.run.pk}/report/", {name: value})
    assert response.status_code == 404


def test_a_control_character_in_a_name_is_a_translated_form_error(candidate_client, site):
    url = f"/fr/campaigns/{site.campaign.slug}/apply/{steps.IDENTITY}/"
    response = candidate_client.post(url, identity_post(site, first_name_latin="Am\x1bina"))
    assert response.status_code == 200
    assert "Retirez de ce texte les caractères de contrôle invisibles." in response.content.decode()


@pytest.mark.parametrize("value", ["/fr/me/\x00", "/fr/\x1b", "/" + "x" * 100_000])
def test_a_malformed_next_address_is_dropped_from_the_sign_in_page(client, site, value):
    response = client.get("/fr/accounts/login/", {"next": value})
    assert response.status_code == 200
    assert response.context["next"] == ""


@pytest.mark.parametrize("cursor", ["after", "before"])
@pytest.mark.parametrize("value", [HUGE, ENORMOUS])
def test_a_staff_page_cursor_beyond_64_bits_is_a_form_error(admin_client, site, cursor, value):
    response = admin_client.get("/fr/staff/applications/", {cursor: value})
    assert response.status_code == 200
    assert response.context["form"].errors[cursor]


def _published_field_run(site: SimpleNamespace) -> None:
    """A published final selection (stage `field`) of the demo campaign, without decisions: its lists are empty."""
    from bawaba.selection.models import SelectionRun

    SelectionRun.objects.create(
        campaign=site.census,
        stage=SelectionRun.Stage.FIELD,
        rules_version=site.run.rules_version,
        seed="final lists",
        status=SelectionRun.Status.PUBLISHED,
        published_at=timezone.now(),
    )


@pytest.mark.parametrize("value", ["\x00", "01\x00", "\x1b[2J", "0" * 100_000, HUGE, ENORMOUS, "-1", "abc"])
@pytest.mark.parametrize("name", ["commune", "page", "part"])
@pytest.mark.parametrize("rest", ["", "list.pdf"])
def test_a_malformed_commune_or_page_of_the_final_lists_is_not_found_or_ignored(
    admin_client, site, rest, name, value
):
    _published_field_run(site)
    code = Province.objects.order_by("code").values_list("code", flat=True).first()
    response = admin_client.get(f"/fr/staff/interviews/{site.census.slug}/final/{code}/{rest}", {name: value})
    # A commune must be one of the province's and a printed part one of the list's (404 otherwise); a page number
    # that is none shows the first page (the PDF has no pages to choose: it ignores one).
    assert response.status_code == (404 if name == "commune" or (name, rest) == ("part", "list.pdf") else 200)


@pytest.mark.parametrize("code", ["\x00", "01\x00", "\x1b[2J", "0" * 5000, HUGE, "a.b"])
@pytest.mark.parametrize("rest", ["", "list.csv", "list.xlsx", "list.pdf"])
def test_a_malformed_province_code_of_the_final_lists_is_not_found(admin_client, site, rest, code):
    _published_field_run(site)
    assert admin_client.get(f"/fr/staff/interviews/{site.census.slug}/final/{code}/{rest}").status_code == 404


@pytest.mark.parametrize(
    "value", ["\x00", "04\x00", "\x1b[2J", "0" * 5000, HUGE, ENORMOUS, "-1", "99", "99.999", "a.b"]
)
@pytest.mark.parametrize("name", ["region", "province"])
@pytest.mark.parametrize("rest", ["", "export/?format=csv&", "export/?format=xlsx&"])
def test_a_malformed_unknown_or_foreign_area_of_the_indicators_dashboard_is_not_found(
    admin_client, site, rest, name, value
):
    address = f"/fr/staff/indicators/{site.census.slug}/{rest or '?'}"
    assert admin_client.get(f"{address}{name}={quote(value)}").status_code == 404
    refresh = f"/fr/staff/indicators/{site.census.slug}/refresh/?{name}={quote(value)}"
    assert admin_client.post(refresh).status_code == 404


@pytest.mark.parametrize("value", ["\x00", "csv\x00", "pdf", "", HUGE, "x" * 100_000])
def test_an_unknown_format_of_the_indicators_files_is_not_found(admin_client, site, value):
    response = admin_client.get(f"/fr/staff/indicators/{site.census.slug}/export/", {"format": value})
    assert response.status_code == 404


def test_a_supervisors_drill_down_into_another_province_of_the_indicators_is_not_found(site):
    provinces = list(Province.objects.filter(communes__isnull=False).distinct().order_by("code")[:2])
    client = Client(raise_request_exception=False)
    client.force_login(
        staff_member(
            Assignment.Role.PROVINCIAL_SUPERVISOR, provinces=provinces[:1], email="sup-ind@example.ma"
        )
    )
    address = f"/fr/staff/indicators/{site.census.slug}/"
    assert client.get(address, {"province": provinces[0].code}).status_code == 200
    assert client.get(address, {"province": provinces[1].code}).status_code == 404
    assert client.get(address, {"region": provinces[0].region.code}).status_code == 404


# --- The whole site -------------------------------------------------------------------------------------------
#
# Every URL pattern of the resolver is filled with real objects of the site (_path_values), then fetched by each
# persona; what a page reads from the query string (recorded as the view reads it), the query keys of its own
# links and the fields of its GET forms are its query parameters; the POST forms it renders are posted back to
# their action, one field at a time and all fields at once, with each bad value.

PERSONAS = ["anonymous", "candidate", "admin"]

BAD_VALUES = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    HUGE,
    HUGE_NEGATIVE,
    ENORMOUS,
    "1e400",
    "NaN",
    "\x00",
    "1\x00",
    "\x01\x08\x1b\x7f",
    "2024-02-30",
    "31/13/2024",
    "x" * 100_000,
]
# One field at a time (the others valid, so that the view acts on it), the values most likely to pass a field's
# own checks and fail further on: an empty value, a number no column holds, a NUL (every value of BAD_VALUES is
# also sent to all the fields at once). Each value here costs a request per field of every form of the site.
ONE_FIELD_VALUES = ["", HUGE, "\x00"]
# Path segments must still match their converter (an int converter takes digits only) to reach the view.
BAD_PATH_VALUES = {
    "int": [HUGE, ENORMOUS, "0", "9" * 5000],
    "slug": ["-", "x" * 5000],
    "str": ["\x00", "\x1b", "x" * 5000, "a.b", HUGE],
    "path": ["\x00", "x" * 5000, HUGE],
}

# URL patterns not fuzzed here, each with its reason (a prefix ends with "*"). A new pattern that can be neither
# filled from _path_values() nor found here fails test_every_url_pattern_is_fuzzed_or_skipped_with_a_reason.
SKIPPED = {
    "admin/*": "Django's admin (superusers only): test_the_admin_never_fails_on_bad_input sends bad searches, "
    "pages, orderings, filters and object ids to every registered model",
}

NOT_FUZZED_FIELDS = {"csrfmiddlewaretoken"}


def _path_values(site: SimpleNamespace) -> dict[str, list[str]]:
    """The real objects a path parameter can name, by the parameter's name."""
    return {
        "slug": [site.campaign.slug, site.census.slug],
        "step": [steps.IDENTITY, steps.SITUATION, steps.EXPERIENCE, steps.SKILLS],
        "stage": [site.run.stage],
        # A training notice's text and its language (bawaba.training.staff.notices).
        "kind": ["preselected"],
        "language": ["fr"],
        # Ids of different tables: each view keeps what it knows (her application, a run) and 404s the rest.
        "pk": sorted(
            {
                str(obj.pk)
                for obj in (
                    site.draft,
                    site.decided,
                    site.run,
                    site.dry_run,
                    site.needs_import,
                    site.invitee,
                    site.mailing,
                    site.training_group,
                )
            }
        ),
        "assignment_pk": [str(site.invitee.assignments.get().pk)],
        # A file of a dossier under review (bawaba.documents.staff.review): none here, so its views answer 404.
        "document_pk": ["1"],
        "version": ["1"],
        "token": [site.confirmation_token, site.reset_token, site.invitation_token],
        "uidb64": [site.reset_uidb64, site.invitation_uidb64],
        "key": [site.mail_key],
        # Her own: a reset of it is refused, so the module's administrator stays verified for the next tests.
        "user_id": [str(site.admin.pk)],
        # A province (the training's progress per province).
        "code": list(Province.objects.order_by("code").values_list("code", flat=True)[:1]),
        # A required document (bawaba.documents): the site has none, so it reaches the views' own 404 after its
        # parameters are read, which is what the fuzzing checks.
        "requirement_pk": ["1"],
        # A convocation to an interview (bawaba.interviews' scoring pages): none here either.
        "convocation": ["1"],
    }


def _skip_reason(key: str) -> str | None:
    for skipped, reason in SKIPPED.items():
        if key == skipped or (skipped.endswith("*") and key.startswith(skipped[:-1])):
            return reason
    return None


def _fuzzed_keys() -> list[str]:
    return sorted(key for key in all_patterns() if _skip_reason(key) is None)


def _instances(site: SimpleNamespace, pattern: URLPattern, name: str) -> list[str]:
    """The URLs of a pattern filled with every combination of real objects; [] when a parameter cannot be."""
    names = list(pattern.pattern.regex.groupindex)
    values = _path_values(site)
    if not name or any(parameter not in values for parameter in names):
        return []
    urls = []
    for combination in itertools.product(*(values[parameter] for parameter in names)):
        try:
            urls.append(reverse_url(name, dict(zip(names, combination, strict=True))))
        except NoReverseMatch:
            continue
    return urls


def _bad_path_urls(pattern: URLPattern, name: str, url: str) -> list[str]:
    """The URL with each path parameter in turn replaced by bad values its converter still accepts."""
    match = resolve_url(url)
    converters = getattr(pattern.pattern, "converters", {})
    urls = []
    for parameter in match.kwargs:
        kind = type(converters.get(parameter)).__name__.removesuffix("Converter").lower() or "str"
        for value in BAD_PATH_VALUES.get(kind, BAD_PATH_VALUES["str"]):
            try:
                urls.append(reverse_url(name, {**match.kwargs, parameter: value}))
            except NoReverseMatch:
                continue
    return urls


@dataclass
class Found:
    """What the crawl found of one URL pattern, per persona."""

    urls: dict[str, list[str]] = field(default_factory=dict)  # the filled URLs worth fuzzing
    params: dict[str, set[str]] = field(default_factory=dict)
    forms: dict[str, dict[tuple, Form]] = field(default_factory=dict)


def _client(persona: str, site: SimpleNamespace) -> Client:
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(site.candidate if persona == "candidate" else site.admin)
    return client


def _crawl(site: SimpleNamespace) -> dict[str, Found]:
    translation.activate(LANGUAGE)
    found = {key: Found() for key in all_patterns()}
    for persona in PERSONAS:
        client = _client(persona, site)
        for key, (pattern, name) in all_patterns().items():
            if _skip_reason(key):
                continue
            shown = []
            for url in _instances(site, pattern, name):
                with recording_reads() as keys:
                    # With a query string too: a view reads its form's fields only when the query is not empty.
                    client.get(url, {"crawl": "1"})
                    response = client.get(url)
                found[key].params.setdefault(persona, set()).update(keys)
                shown.append((response.status_code, url))
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                page = PageParser(url)
                page.feed(response.content.decode())
                for link in page.links:
                    if urlsplit(link).query and pattern_key(link) == key:
                        found[key].params[persona].update(
                            parse_qs(urlsplit(link).query, keep_blank_values=True)
                        )
                for form in page.forms:
                    target = pattern_key(form.action)
                    if target is None:
                        continue
                    if form.method == "get":
                        found[target].params.setdefault(persona, set()).update(form.names)
                    else:
                        found[target].forms.setdefault(persona, {}).setdefault(form.signature(), form)
            # The pages she can see, else one she cannot (a 404 or a redirect can fail too).
            ok = [url for status, url in shown if status < 400]
            found[key].urls[persona] = ok or [url for _, url in shown[:1]]
    return found


@pytest.fixture(scope="module")
def crawl(site, django_db_blocker) -> dict[str, Found]:
    # In a savepoint rolled back at once: a page fetched (a confirmation link) may write.
    with django_db_blocker.unblock(), transaction.atomic():
        found = _crawl(site)
        transaction.set_rollback(True)
    return found


def _short(value: str) -> str:
    return repr(value if len(value) <= 24 else f"{value[:20]}…({len(value)})")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", _fuzzed_keys())
def test_bad_input_never_gives_a_server_error(db, site, crawl, key, persona):
    pattern, name = all_patterns()[key]
    found = crawl[key]
    client = _client(persona, site)
    failures: list[str] = []

    def check(response, what: str) -> None:
        if response.status_code >= 500:
            failures.append(f"{response.status_code} on {what}")

    for url in found.urls.get(persona, []):
        for bad_url in _bad_path_urls(pattern, name, url):
            check(client.get(bad_url), f"GET {bad_url[:80]}")
        for param in sorted(found.params.get(persona, set()) - NOT_FUZZED_FIELDS):
            for value in BAD_VALUES:
                check(client.get(url, {param: value}), f"GET {url}?{param}={_short(value)}")
    for form in found.forms.get(persona, {}).values():
        # The submit buttons' names too: a view reads which button was pressed.
        fuzzed = sorted((set(form.names) | {button for button, _ in form.submits}) - NOT_FUZZED_FIELDS)
        send = client.post if form.method == "post" else client.get
        submits = list(dict.fromkeys(form.submits)) or [None]
        for submit in submits:
            base = form.data(submit)
            what = f"{form.method.upper()} {form.action} ({submit})"
            for value in BAD_VALUES:
                check(
                    send(form.action, {**base, **dict.fromkeys(fuzzed, [value])}),
                    f"{what} all={_short(value)}",
                )
            # One field at a time with the form's main button (the last one, after the fields), which saves.
            if submit != submits[-1]:
                continue
            for value in ONE_FIELD_VALUES:
                for one in fuzzed:
                    check(send(form.action, {**base, one: [value]}), f"{what} {one}={_short(value)}")
    assert not failures, "\n".join(failures[:30])


def test_every_url_pattern_is_fuzzed_or_skipped_with_a_reason(site, crawl):
    patterns = all_patterns()
    for skipped in SKIPPED:
        assert any(key == skipped or key.startswith(skipped.rstrip("*")) for key in patterns), (
            f"SKIPPED names {skipped!r}, which no URL pattern matches any more"
        )
    unreached = [
        key
        for key in _fuzzed_keys()
        if not any(crawl[key].urls.values()) and not any(crawl[key].forms.values())
    ]
    assert not unreached, (
        f"these URL patterns cannot be filled from _path_values(): {unreached}; add their parameters to "
        "_path_values() or the pattern to SKIPPED with the reason"
    )


# The admin refuses what no column holds before reading it (core.admin_site); a few values show it does.
ADMIN_VALUES = ["abc", HUGE, "\x00"]


def test_the_admin_never_fails_on_bad_input(db, site):
    """Django's admin, for a superuser: every registered model's list (its search, page, ordering and the filters
    its own links carry), add form (every field at once) and object pages (bad ids)."""
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(email="root@example.ma", is_staff=True, is_superuser=True))
    failures: list[str] = []

    def check(response, what: str) -> None:
        if response.status_code >= 500:
            failures.append(f"{response.status_code} on {what}")

    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse_url(f"{prefix}_changelist", {})
        page = PageParser(changelist)
        page.feed(client.get(changelist).content.decode())
        params = {"q", "p", "o"}
        for link in page.links:
            if urlsplit(link).path == changelist:
                params.update(parse_qs(urlsplit(link).query, keep_blank_values=True))
        for param in sorted(params):
            for value in ADMIN_VALUES:
                check(client.get(changelist, {param: value}), f"GET {changelist}?{param}={_short(value)}")
        add = reverse_url(f"{prefix}_add", {})
        page = PageParser(add)
        page.feed(client.get(add).content.decode())
        for form in page.forms:
            if form.method != "post":
                continue
            fuzzed = sorted(set(form.names) - NOT_FUZZED_FIELDS)
            for value in (HUGE, "\x00"):
                data = {**form.data(None), **dict.fromkeys(fuzzed, [value])}
                check(client.post(add, data), f"POST {add} all={_short(value)}")
        for view in ("change", "history", "delete"):
            for object_id in ADMIN_VALUES:
                url = reverse_url(f"{prefix}_{view}", {"object_id": object_id})
                check(client.get(url), f"GET {url[:80]}")
    assert not failures, "\n".join(failures[:30])
