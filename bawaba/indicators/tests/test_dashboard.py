"""The staff campaign dashboard (issue 15, item 2), on the small demo census after a refresh of its summary.

Every figure the page shows is counted again here directly from the rows (applications, needs), never through the
indicators; a supervisor's page holds her provinces only, a coordinator's her region; a drill-down outside the
scope is 404 like an unknown area; the CSV and XLSX files read back equal the page; the refresh button belongs to
the central administrator. The stage sections are tested with stand-in indicators (fakes.py), whoever registers
the real ones; the page also works with the campaigns' indicators alone.
"""

import csv
import datetime as dt
import io
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.campaigns.models import Application, CommuneNeed
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.core.audit import AuditEvent
from bawaba.core.dates import MOROCCO
from bawaba.indicators.models import IndicatorFigure, Level, SummaryRefresh
from bawaba.indicators.refresh import refresh_summary
from bawaba.indicators.tests import fakes
from bawaba.indicators.tests.pages import figures, number, page_tables
from bawaba.territory.models import Province, Region

Role = Assignment.Role


def url(campaign, query: str = "", *, language: str = "fr") -> str:
    return f"/{language}/staff/indicators/{campaign.slug}/" + (f"?{query}" if query else "")


def export_url(campaign, file_format: str, query: str = "") -> str:
    return f"/fr/staff/indicators/{campaign.slug}/export/?format={file_format}" + (
        f"&{query}" if query else ""
    )


def percent(part: int, whole: int) -> int | None:
    """part / whole in whole percent, half up: counted here with decimals, apart from the page's own rule."""
    if not whole:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Counting directly -------------------------------------------------------------------------------------------


class People:
    """The campaign's submitted applications, each with the facts the figures count by, read once."""

    def __init__(self, campaign, *, provinces=None):
        rows = Application.objects.filter(campaign=campaign, status=Application.Status.SUBMITTED)
        if provinces is not None:
            rows = rows.filter(residence_commune__province__in=provinces)
        self.rows = [
            {
                "region": application.residence_commune.region.code if application.residence_commune else "",
                "province": application.residence_commune.province.code
                if application.residence_commune
                else "",
                "commune": application.residence_commune.code if application.residence_commune else "",
                "category": application.category,
                "female": application.sex == Application.Sex.FEMALE,
                "day": application.submitted_at.astimezone(MOROCCO).date().isoformat(),
            }
            for application in rows.select_related("residence_commune__region", "residence_commune__province")
        ]

    def count(self, by: str, condition=lambda person: True) -> Counter:
        return Counter(person[by] for person in self.rows if condition(person))

    def total(self, condition=lambda person: True) -> int:
        return sum(1 for person in self.rows if condition(person))


def preselected(person) -> bool:
    return person["category"] in (fakes.GRADUATE, fakes.STUDENT)


def uploaded(person) -> bool:
    return person["female"]


def examined(person) -> bool:
    return person["female"] and person["category"] == fakes.GRADUATE


def needs(campaign, stage: str, by: str, *, provinces=None) -> Counter:
    rows = CommuneNeed.objects.filter(campaign=campaign, stage=stage).select_related(
        "commune__region", "commune__province"
    )
    if provinces is not None:
        rows = rows.filter(commune__province__in=provinces)
    counted: Counter = Counter()
    for need in rows:
        counted[getattr(need.commune, by).code if by != "commune" else need.commune.code] += need.quantity
    return counted


def expected_area_sections(campaign, people: People, by: str, *, provinces=None) -> dict:
    """What the area sections must show, line by line and in total (codes with some figure only)."""
    training = needs(campaign, CommuneNeed.Stage.TRAINING, by, provinces=provinces)
    field = needs(campaign, CommuneNeed.Stage.FIELD, by, provinces=provinces)
    candidates = people.count(by)
    chosen = people.count(by, preselected)
    sent_up, looked_at = people.count(by, uploaded), people.count(by, examined)
    codes = set(candidates) | set(training)
    expected = {
        "candidacies": {
            code: [candidates[code], training[code], percent(candidates[code], training[code])]
            for code in codes
        },
        "preselection": {code: [chosen[code], field[code]] for code in set(chosen) | set(field)},
        "documents": {
            code: [sent_up[code], looked_at[code], percent(looked_at[code], sent_up[code])]
            for code in set(sent_up)
        },
    }
    total_training, total_field = sum(training.values()), sum(field.values())
    expected["candidacies"]["total"] = [
        people.total(),
        total_training,
        percent(people.total(), total_training),
    ]
    expected["preselection"]["total"] = [people.total(preselected), total_field]
    up, ex = people.total(uploaded), people.total(examined)
    expected["documents"]["total"] = [up, ex, percent(ex, up)]
    return expected


@pytest.fixture
def refreshed(census, registered_indicators):
    """The census with the stand-in stage figures registered in place of the stage apps' own (tested against
    direct counts in each app), refreshed."""
    registered_indicators(*fakes.FAKES, keep=lambda key: key.startswith("campaigns."))
    refresh_summary(census)
    return census


def busiest_provinces(campaign, count: int) -> list[Province]:
    codes = Counter(
        Application.objects.filter(campaign=campaign, status=Application.Status.SUBMITTED).values_list(
            "residence_commune__province__code", flat=True
        )
    )
    return [Province.objects.get(code=code) for code, _ in codes.most_common(count)]


# --- The whole country -----------------------------------------------------------------------------------------


def test_every_figure_of_the_national_page_is_a_direct_count(refreshed, admin_client):
    response = admin_client.get(url(refreshed))
    assert response.status_code == 200
    shown = figures(response.content.decode())
    people = People(refreshed)
    total = people.total()

    # Registrations per day: every day of the window (zero days too), then the total.
    by_day = people.count("day")
    opens = refreshed.registration_opens_at.astimezone(MOROCCO).date()
    closes = (refreshed.registration_closes_at - dt.timedelta(microseconds=1)).astimezone(MOROCCO).date()
    first, last = (
        min([opens, *map(dt.date.fromisoformat, by_day)]),
        max([closes, *map(dt.date.fromisoformat, by_day)]),
    )
    days = [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    assert shown["registrations"] == {**{day: [by_day[day]] for day in days}, "total": [total]}
    assert list(shown["registrations"])[:-1] == days  # in order

    # By category with the shares.
    categories = people.count("category")
    assert shown["categories"] == {
        **{code: [n, percent(n, total)] for code, n in categories.items()},
        "total": [total, 100],
    }

    expected = expected_area_sections(refreshed, people, "region")
    for section in ("candidacies", "preselection", "documents"):
        assert shown[section] == expected[section], section

    # E-mails by kind: sent has a territory, failed has none (both at the national level).
    students = people.count("category", lambda person: person["category"] == fakes.STUDENT)
    assert shown["emails"] == {
        **{kind: [n, students[kind]] for kind, n in categories.items()},
        "total": [total, sum(students.values())],
    }
    # Sections whose indicators nobody registered are left out.
    assert "training" not in shown and "interviews" not in shown


def test_the_regions_come_largest_first_and_open_their_provinces(refreshed, admin_client):
    tables, _ = page_tables(admin_client.get(url(refreshed)).content.decode())
    lines = [code for code in tables["candidacies-table"] if code != "total"]
    candidates = [number(tables["candidacies-table"][code][1]) for code in lines]
    assert candidates == sorted(candidates, reverse=True)
    html = admin_client.get(url(refreshed)).content.decode()
    assert f'href="?region={lines[0]}#candidacies"' in html

    region = Region.objects.get(code=lines[0])
    response = admin_client.get(url(refreshed, f"region={region.code}"))
    assert response.status_code == 200
    provinces = list(region.provinces.all())
    people = People(refreshed, provinces=provinces)
    expected = expected_area_sections(refreshed, people, "province", provinces=provinces)
    shown = figures(response.content.decode())
    for section in ("candidacies", "preselection", "documents"):
        assert shown[section] == expected[section], section
    assert shown["categories"]["total"] == [people.total(), 100]

    # Then a province of it: its communes.
    province = provinces[0]
    response = admin_client.get(url(refreshed, f"province={province.code}"))
    people = People(refreshed, provinces=[province])
    expected = expected_area_sections(refreshed, people, "commune", provinces=[province])
    shown = figures(response.content.decode())
    assert shown["candidacies"] == expected["candidacies"]
    # The way back: the whole country, the region, the province.
    assert f'href="?region={region.code}"' in response.content.decode()


def test_a_province_outside_the_region_named_with_it_is_not_found(refreshed, admin_client):
    province = Province.objects.exclude(region__code="04").first()
    assert admin_client.get(url(refreshed, f"region=04&province={province.code}")).status_code == 404
    inside = Province.objects.filter(region__code="04").first()
    assert admin_client.get(url(refreshed, f"region=04&province={inside.code}")).status_code == 200


# --- Scopes --------------------------------------------------------------------------------------------------


def test_a_supervisor_sees_her_provinces_only(refreshed, client):
    hers = busiest_provinces(refreshed, 2)
    supervisor = staff_member(Role.PROVINCIAL_SUPERVISOR, provinces=hers, email="sup@example.ma")
    client.force_login(supervisor)
    response = client.get(url(refreshed))
    assert response.status_code == 200
    html = response.content.decode()
    shown = figures(html)
    people = People(refreshed, provinces=hers)
    expected = expected_area_sections(refreshed, people, "commune", provinces=hers)
    for section in ("candidacies", "preselection", "documents"):
        assert shown[section] == expected[section], section
    assert shown["categories"]["total"] == [people.total(), 100]
    assert shown["registrations"]["total"] == [people.total()]
    # No figure of anywhere else: every line is a commune of her provinces, every total hers.
    her_communes = {commune.code for province in hers for commune in province.communes.all()}
    for section in ("candidacies", "preselection", "documents"):
        assert set(shown[section]) - {"total"} <= her_communes
    # E-mails without a territory have no figure for her provinces: only those that have one.
    assert shown["emails"]["total"] == [people.total()]
    # Her provinces, each a link to its own page.
    for province in hers:
        assert f'href="?province={province.code}"' in html
        assert client.get(url(refreshed, f"province={province.code}")).status_code == 200

    other = Province.objects.exclude(pk__in=[p.pk for p in hers]).first()
    assert client.get(url(refreshed, f"province={other.code}")).status_code == 404
    assert client.get(url(refreshed, f"region={hers[0].region.code}")).status_code == 404  # not her level
    assert client.get(url(refreshed, "province=99.999")).status_code == 404
    assert client.get(export_url(refreshed, "csv", f"province={other.code}")).status_code == 404


def test_a_coordinator_sees_her_region(refreshed, client):
    region = busiest_provinces(refreshed, 1)[0].region
    client.force_login(staff_member(Role.REGIONAL_COORDINATOR, region=region, email="coord@example.ma"))
    response = client.get(url(refreshed))
    assert response.status_code == 200
    provinces = list(region.provinces.all())
    people = People(refreshed, provinces=provinces)
    shown = figures(response.content.decode())
    assert (
        shown["candidacies"]
        == expected_area_sections(refreshed, people, "province", provinces=provinces)["candidacies"]
    )
    assert client.get(url(refreshed, f"province={provinces[0].code}")).status_code == 200
    assert client.get(url(refreshed, f"region={region.code}")).status_code == 200
    other = Region.objects.exclude(pk=region.pk).first()
    assert client.get(url(refreshed, f"region={other.code}")).status_code == 404
    assert client.get(url(refreshed, f"province={other.provinces.first().code}")).status_code == 404


@pytest.mark.parametrize("who", ["candidate", "interviewer", "supervisor_without_province"])
def test_whoever_reads_no_area_gets_not_found(census, client, who):
    if who == "candidate":
        user = UserFactory(email="someone@example.ma")
    elif who == "interviewer":
        user = staff_member(Role.INTERVIEWER, provinces=[Province.objects.first()], email="int@example.ma")
    else:
        user = staff_member(Role.PROVINCIAL_SUPERVISOR, email="nobody@example.ma")
    client.force_login(user)
    for address in (url(census), export_url(census, "csv"), "/fr/staff/indicators/"):
        assert client.get(address).status_code == 404


def test_an_unknown_campaign_is_not_found(census, admin_client):
    assert admin_client.get("/fr/staff/indicators/no-such-campaign/").status_code == 404


# --- The page reads the summary, never the live data ----------------------------------------------------------


def test_the_page_shows_the_last_refresh_not_the_live_data(census, admin_client, registered_indicators):
    registered_indicators(keep=lambda key: key.startswith("campaigns."))
    refresh_summary(census)
    before = figures(admin_client.get(url(census)).content.decode())["candidacies"]["total"][0]
    application = Application.objects.filter(campaign=census, status=Application.Status.SUBMITTED).first()
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    assert figures(admin_client.get(url(census)).content.decode())["candidacies"]["total"][0] == before
    refresh_summary(census)
    assert figures(admin_client.get(url(census)).content.decode())["candidacies"]["total"][0] == before - 1


def summary_reads(queries) -> int:
    return sum("indicators_indicatorfigure" in query["sql"] for query in queries)


def test_the_next_readers_of_a_place_get_its_sections_from_the_cache_until_the_next_refresh(
    refreshed, admin_client, client
):
    first = admin_client.get(url(refreshed)).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = admin_client.get(url(refreshed)).content.decode()
    assert summary_reads(queries) == 0
    assert figures(again) == figures(first) and "Inscriptions par jour" in again
    # Her language is hers: the Arabic page is rendered for itself, not the French one's copy.
    arabic = admin_client.get(url(refreshed, language="ar")).content.decode()
    assert "التسجيلات حسب اليوم" in arabic and "Inscriptions par jour" not in arabic
    # Another place is another page: the supervisor's own communes, not the nation's regions.
    hers = busiest_provinces(refreshed, 1)
    supervisor = Client()
    supervisor.force_login(staff_member(Role.PROVINCIAL_SUPERVISOR, provinces=hers, email="sup@example.ma"))
    her_lines = set(figures(supervisor.get(url(refreshed)).content.decode())["candidacies"]) - {"total"}
    assert her_lines and her_lines <= {commune.code for commune in hers[0].communes.all()}
    # A refresh makes every place's sections anew, even one recorded at the same instant as the one before.
    counted_at = SummaryRefresh.objects.get(campaign=refreshed).refreshed_at
    application = Application.objects.filter(campaign=refreshed, status=Application.Status.SUBMITTED).first()
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    refresh_summary(refreshed)
    SummaryRefresh.objects.filter(campaign=refreshed).update(refreshed_at=counted_at)
    after = figures(admin_client.get(url(refreshed)).content.decode())
    assert after["candidacies"]["total"][0] == figures(first)["candidacies"]["total"][0] - 1


@pytest.mark.parametrize("drill_down", ["", "region", "province"])
def test_every_page_reads_the_summary_in_three_queries_whatever_its_sections(
    every_stage, admin_client, drill_down
):
    # Which indicators were counted, the place's own figures, its areas' figures: never one read per section.
    refresh_summary(every_stage)
    province = busiest_provinces(every_stage, 1)[0]
    query = {"": "", "region": f"region={province.region.code}", "province": f"province={province.code}"}
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url(every_stage, query[drill_down]))
    assert response.status_code == 200
    assert len(figures(response.content.decode())) == 8  # every section is there
    assert summary_reads(queries) == 3
    assert len(queries) <= 16


def test_with_the_campaigns_indicators_alone_the_page_shows_their_sections(
    census, admin_client, registered_indicators
):
    registered_indicators(keep=lambda key: key.startswith("campaigns."))
    refresh_summary(census)
    response = admin_client.get(url(census, language="ar"))
    assert response.status_code == 200
    shown = figures(response.content.decode())
    assert set(shown) == {"registrations", "categories", "candidacies", "preselection"}
    assert shown["preselection"]["total"] == [sum(needs(census, CommuneNeed.Stage.FIELD, "region").values())]


def test_an_indicator_registered_after_the_refresh_waits_for_the_next_one(
    census, admin_client, registered_indicators
):
    registered_indicators(keep=lambda key: key.startswith("campaigns."))
    refresh_summary(census)
    registered_indicators(fakes.UPLOADED, keep=lambda key: key.startswith("campaigns."))
    assert "documents" not in figures(admin_client.get(url(census)).content.decode())  # never shown as zeros
    refresh_summary(census)
    assert "documents" in figures(admin_client.get(url(census)).content.decode())


def test_the_national_table_of_the_source_is_reproduced(territory, admin_client):
    """shared/MISSION.md, "Candidacies against training needs, by region", from summary figures at full scale."""
    from bawaba.indicators.tests.test_census_indicators import SOURCE_RATIOS

    campaign = CampaignFactory(slug="rgph-2024")
    rows = []
    for code, (candidacies, training, _) in SOURCE_RATIOS.items():
        rows.append(("campaigns.candidates", Level.REGION, code, candidacies))
        rows.append(("campaigns.training_needs", Level.REGION, code, training))
    rows.append(("campaigns.candidates", Level.NATION, "", 488_321))
    rows.append(("campaigns.training_needs", Level.NATION, "", 199_416))
    IndicatorFigure.objects.bulk_create(
        IndicatorFigure(campaign=campaign, indicator=key, level=level, area=area, figure=figure)
        for key, level, area, figure in rows
    )
    SummaryRefresh.objects.create(campaign=campaign, refreshed_at=timezone.now())

    tables, _ = page_tables(admin_client.get(url(campaign)).content.decode())
    table = tables["candidacies-table"]
    assert list(table) == [*SOURCE_RATIOS, "total"]  # the source's order: the most candidacies first
    for code, (candidacies, training, ratio) in SOURCE_RATIOS.items():
        assert [number(cell) for cell in table[code][1:]] == [candidacies, training, ratio]
    assert [number(cell) for cell in table["total"][1:]] == [488_321, 199_416, 245]
    assert table["06"][0] == "Casablanca-Settat"


# --- The files -----------------------------------------------------------------------------------------------


def _csv_figures(content: bytes) -> dict[str, dict[str, list]]:
    """{section: {code or "total": [figures in the page's column order]}} from the CSV's one figure a line."""
    assert content.startswith("\ufeff".encode())
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert reader.fieldnames == ["section", "breakdown", "code", "label", "figure", "figure_name", "value"]
    found: dict[str, dict[str, list]] = {}
    for row in reader:
        line = "total" if row["breakdown"] == "total" else row["code"]
        found.setdefault(row["section"], {}).setdefault(line, []).append(
            int(row["value"]) if row["value"] != "" else None
        )
    return found


def _xlsx_figures(content: bytes) -> tuple[list[str], dict[int, dict[str, list]], bool]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    sheets = workbook.worksheets
    found = {}
    for index, sheet in enumerate(sheets[1:]):
        rows = list(sheet.iter_rows(values_only=True))[1:]
        lines = {str(row[0] or ""): list(row[2:]) for row in rows[:-1]}
        lines["total"] = list(rows[-1][2:])
        found[index] = lines
    return [sheet.title for sheet in sheets], found, sheets[0].sheet_view.rightToLeft


@pytest.mark.parametrize("persona", ["admin", "supervisor"])
def test_the_files_read_back_equal_the_page(refreshed, client, central_admin, persona):
    if persona == "admin":
        user, query = central_admin, "region=04"
    else:
        user = staff_member(
            Role.PROVINCIAL_SUPERVISOR, provinces=busiest_provinces(refreshed, 2), email="s@example.ma"
        )
        query = ""
    client.force_login(user)
    page = figures(client.get(url(refreshed, query)).content.decode())

    response = client.get(export_url(refreshed, "csv", query))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert _csv_figures(response.content) == page

    response = client.get(export_url(refreshed, "xlsx", query))
    assert response.status_code == 200
    titles, sheets, right_to_left = _xlsx_figures(response.content)
    assert len(titles) == 1 + len(page) and not right_to_left
    for index, section in enumerate(page):
        assert sheets[index] == page[section], section

    exports = AuditEvent.objects.filter(action="indicators.dashboard_exported", actor=user)
    assert sorted(event.data["format"] for event in exports) == ["csv", "xlsx"]
    expected_place = (
        "04" if persona == "admin" else " ".join(sorted(p.code for p in busiest_provinces(refreshed, 2)))
    )
    assert {event.data["place"] for event in exports} == {expected_place}


def test_the_xlsx_file_reads_right_to_left_in_arabic(refreshed, admin_client):
    response = admin_client.get(f"/ar/staff/indicators/{refreshed.slug}/export/?format=xlsx")
    titles, _, right_to_left = _xlsx_figures(response.content)
    assert right_to_left and len(set(titles)) == len(titles)


def test_a_text_that_would_run_as_a_formula_stays_text_in_the_files(
    census, admin_client, registered_indicators
):
    formula = '=HYPERLINK("http://example.com")'
    registered_indicators(fakes.constant("emails.sent", {(formula,): 3, ("+1",): 2}, ("kind",)))
    refresh_summary(census)
    content = admin_client.get(export_url(census, "csv")).content.decode("utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(content)) if row["section"] == "emails"]
    assert {row["code"] for row in rows} == {"'" + formula, "'+1", ""}
    assert all(not row["label"].startswith(("=", "+")) for row in rows)

    from openpyxl import load_workbook

    response = admin_client.get(export_url(census, "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[-1]
    cells = [row[0] for row in sheet.iter_rows()]
    assert any(cell.value == formula and cell.data_type == "s" for cell in cells)


@pytest.mark.parametrize("value", ["pdf", "", "CSV", "csv\x00", "1" * 30])
def test_an_unknown_format_is_not_found(refreshed, admin_client, value):
    assert (
        admin_client.get(f"/fr/staff/indicators/{refreshed.slug}/export/", {"format": value}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "query",
    [{"region": "\x00"}, {"province": "06.281\x00"}, {"province": "0" * 10_000}, {"region": "9" * 40}],
)
def test_a_malformed_drill_down_is_not_found_on_the_page_and_its_files(refreshed, admin_client, query):
    assert admin_client.get(url(refreshed), query).status_code == 404
    assert admin_client.get(export_url(refreshed, "csv"), query).status_code == 404


# --- The refresh ---------------------------------------------------------------------------------------------


def test_never_refreshed_says_so_and_offers_the_button(census, admin_client):
    response = admin_client.get(url(census))
    html = response.content.decode()
    assert not response.context["board"].has_figures and "panel--warning" in html
    assert f'action="/fr/staff/indicators/{census.slug}/refresh/"' in html
    assert figures(html) == {}
    assert admin_client.get(export_url(census, "csv")).status_code == 404


def test_the_central_administrator_refreshes_now(
    census, admin_client, central_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/fr/staff/indicators/{census.slug}/refresh/?region=04")
    assert response.status_code == 302 and response["Location"].endswith(f"/{census.slug}/?region=04")
    refresh = SummaryRefresh.objects.get(campaign=census)
    assert refresh.refreshed_at is not None and refresh.requested_at is None  # tasks run at once in tests
    assert AuditEvent.objects.filter(action="indicators.refresh_requested", actor=central_admin).count() == 1
    page = admin_client.get(url(census)).content.decode()
    assert f'action="/fr/staff/indicators/{census.slug}/refresh/"' in page
    assert figures(page)["candidacies"]["total"][0] == People(census).total()


def test_a_second_request_while_one_is_on_its_way_says_so(census, admin_client):
    SummaryRefresh.objects.create(campaign=census, requested_at=timezone.now())
    response = admin_client.post(f"/fr/staff/indicators/{census.slug}/refresh/", follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1 and response.context["board"].refresh_pending_since is not None
    assert SummaryRefresh.objects.get(campaign=census).refreshed_at is None


def test_a_supervisor_cannot_refresh(refreshed, client):
    supervisor = staff_member(
        Role.PROVINCIAL_SUPERVISOR, provinces=busiest_provinces(refreshed, 1), email="s@example.ma"
    )
    client.force_login(supervisor)
    assert "/refresh/" not in client.get(url(refreshed)).content.decode()
    before = SummaryRefresh.objects.get(campaign=refreshed).refreshed_at
    assert client.post(f"/fr/staff/indicators/{refreshed.slug}/refresh/").status_code == 404
    refresh = SummaryRefresh.objects.get(campaign=refreshed)
    assert refresh.refreshed_at == before and refresh.requested_at is None


def test_the_refresh_answers_post_only(census, admin_client):
    assert admin_client.get(f"/fr/staff/indicators/{census.slug}/refresh/").status_code == 405


# --- Finding it -----------------------------------------------------------------------------------------------


def test_the_staff_find_it_in_their_menu_and_on_the_campaign_pages(refreshed, admin_client):
    home = admin_client.get("/fr/staff/").content.decode()
    assert 'href="/fr/staff/indicators/"' in home
    listing = admin_client.get("/fr/staff/indicators/").content.decode()
    assert f'href="/fr/staff/indicators/{refreshed.slug}/"' in listing
    setup = admin_client.get(f"/fr/staff/campaigns/{refreshed.slug}/").content.decode()
    assert f'href="/fr/staff/indicators/{refreshed.slug}/"' in setup


def test_with_the_stage_apps_own_indicators_every_section_shows_their_figures(every_stage, admin_client):
    """The stage apps' real indicators (each tested against direct counts in its app) fill every section; the page
    shows each one's national figure as the summary holds it."""
    from bawaba.core.contributions import registry
    from bawaba.indicators import selectors

    refresh_summary(every_stage)
    html = admin_client.get(url(every_stage)).content.decode()
    shown = figures(html)
    assert set(shown) >= {
        "registrations", "categories", "candidacies", "preselection", "training", "documents", "interviews",
        "emails",
    }  # fmt: skip
    keys = [key for key in registry.indicators if not key.startswith("emails.")]
    totals = selectors.place_totals(every_stage, selectors.NATION, keys)
    assert totals["documents.uploaded"] and totals["interviews.convoked"] and totals["training.invited"]
    for key in ("documents.uploaded", "documents.examined", "selection.preselected", "interviews.convoked"):
        section = next(
            name for name, lines in shown.items() if "total" in lines and totals[key] in lines["total"]
        )
        assert section, key
