"""The report of a selection run: public once published, for central administrators at any time, never personal."""

import csv
import io
import json
import re
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from bawaba.accounts.tests.helpers import translated
from bawaba.campaigns.models import Application, Campaign
from bawaba.core import numbers
from bawaba.core.charts import Series, bar_chart
from bawaba.selection import selectors
from bawaba.selection.models import SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.selection.services import create_run
from bawaba.selection.templatetags.lottery import lottery
from bawaba.territory.models import Commune, Province, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language():
    """Pages fetched with the test client leave their language active in the thread; start each test clean."""
    translation.deactivate()
    yield
    translation.deactivate()


def public_url(run: SelectionRun, lang: str = "fr", end: str = "") -> str:
    return f"/{lang}/campaigns/{run.campaign.slug}/selection/{run.stage}/{end}"


def staff_url(run: SelectionRun, lang: str = "fr", end: str = "report/") -> str:
    return f"/{lang}/campaigns/selection/runs/{run.pk}/{end}"


def get_json(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content.decode("utf-8"))


def get_csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # The byte-order mark first, so that Excel reads the Arabic names as UTF-8; utf-8-sig takes it off.
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def row_cells(html: str, row_id: str) -> list[str]:
    """The texts of the numeric cells of the table row with this id."""
    row = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', html, re.S)
    assert row, f"no row {row_id}"
    return [cell.strip() for cell in re.findall(r'<td class="num">(.*?)</td>', row.group(1), re.S)]


def formatted(values, lang: str) -> list[str]:
    return [numbers.number(value, lang) for value in values]


# ------------------------------------------------------------------------------------ the public report


def test_the_published_report_gives_the_figures_of_the_database(client, published_run):
    decisions = SelectionDecision.objects.filter(run=published_run)
    admitted = decisions.filter(outcome=SelectionDecision.Outcome.ADMITTED).count()
    lines = SelectionCommuneResult.objects.filter(run=published_run)

    report = get_json(client, public_url(published_run, end="report.json"))

    assert report["published"] is True
    assert report["seed"] == published_run.seed
    assert (report["input_digest"], report["output_digest"]) == (
        published_run.input_digest,
        published_run.output_digest,
    )
    assert report["totals"] == published_run.summary["totals"]
    assert admitted > 0
    assert report["totals"]["admitted"] == admitted
    assert sum(commune["admitted"] for commune in report["communes"]) == admitted
    assert sum(region["admitted"] for region in report["regions"]) == admitted
    assert sum(province["admitted"] for province in report["provinces"]) == admitted
    assert sum(category["admitted"] for category in report["by_category"].values()) == admitted
    assert len(report["communes"]) == lines.count()

    database = {line.commune.code: line for line in lines.select_related("commune")}
    for commune in report["communes"]:
        line = database[commune["commune_code"]]
        assert (commune["needs"], commune["places"], commune["admitted"]) == (
            line.needs,
            line.places,
            line.admitted,
        )
        assert commune["shortfall"] == max(line.needs - line.admitted, 0)
        assert commune["waitlist_length"] == line.waitlist_length
        if commune["is_full"] and commune["admitted"]:
            assert (commune["cutoff_priority"], commune["cutoff_lottery"]) == (
                line.cutoff_priority,
                line.cutoff_lottery,
            )
        else:
            # A commune with places left admitted everyone who asked: no cutoff, though the engine keeps one.
            assert commune["cutoff_priority"] is None and commune["cutoff_lottery"] is None
    assert any(not commune["is_full"] and commune["admitted"] for commune in report["communes"])
    assert any(commune["cutoff_priority"] is not None for commune in report["communes"])
    assert sum(commune["shortfall"] for commune in report["communes"]) == report["totals"]["shortfall"]
    # Every shortfall counted commune by commune: the region's is the sum of its communes' shortfalls.
    by_region = defaultdict(int)
    for commune in report["communes"]:
        by_region[commune["region_code"]] += commune["shortfall"]
    assert {region["code"]: region["shortfall"] for region in report["regions"]} == by_region


def test_a_region_shortfall_adds_up_communes_not_needs_minus_admitted(published_run):
    """One commune admitting beyond its needs does not hide another's lack in the same region."""
    lines = SelectionCommuneResult.objects.filter(run=published_run, needs__gt=0).select_related("commune")
    region = lines.first().commune.region_id
    over, short = lines.filter(commune__region_id=region).order_by("id")[:2]
    SelectionCommuneResult.objects.filter(pk=over.pk).update(admitted=F("needs") + 5, places=F("needs") + 5)
    SelectionCommuneResult.objects.filter(pk=short.pk).update(admitted=0)

    expected = sum(
        max(needs - admitted, 0)
        for needs, admitted in SelectionCommuneResult.objects.filter(
            run=published_run, commune__region_id=region
        ).values_list("needs", "admitted")
    )
    figures = {area.code: area for area in selectors.region_figures(published_run)}
    area = figures[over.commune.region.code]
    assert area.shortfall == expected >= short.needs
    assert area.shortfall != max(area.needs - area.admitted, 0)


def test_the_page_shows_the_rules_seed_digests_and_totals(client, published_run):
    response = client.get(public_url(published_run, "en"))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        published_run.seed,
        published_run.input_digest,
        published_run.output_digest,
        f"verify_selection {published_run.pk}",
        "Aged 18 to 65",
        "points per survey",
        "20 points if she lives in that commune",
        "over-selection factor, 1.01",
        "nearest first, at most 5",
    ):
        assert text in html, text
    totals = published_run.summary["totals"]
    assert f'<dd id="total-admitted">{numbers.number(totals["admitted"], "en")}</dd>' in html
    assert f'<dd id="total-shortfall">{numbers.number(totals["shortfall"], "en")}</dd>' in html
    assert html.count("<svg") == 2
    assert "<caption>" in html
    # The region table, not the 1,114 communes: those come one province at a time.
    assert 'id="region-01"' in html
    assert 'id="commune-' not in html


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_csv_json_and_html_give_the_same_numbers(client, published_run, lang):
    report = get_json(client, public_url(published_run, lang, "report.json"))
    rows = get_csv(client, public_url(published_run, lang, "report.csv"))
    html = client.get(public_url(published_run, lang)).content.decode()

    assert [row["commune_code"] for row in rows] == [
        commune["commune_code"] for commune in report["communes"]
    ]
    numbers = ("needs", "places", "admitted", "shortfall")
    by_region = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for name in numbers:
            by_region[row["region_code"]][name] += int(row[name])
    for region in report["regions"]:
        assert {name: region[name] for name in numbers} == by_region[region["code"]]
        # Communes, needs, places, admitted, shortfall, communes short, full communes.
        assert row_cells(html, f"region-{region['code']}") == formatted(
            [
                region["communes"],
                region["needs"],
                region["places"],
                region["admitted"],
                region["shortfall"],
                region["communes_short"],
                region["full_communes"],
            ],
            lang,
        )
    for category, figures in report["by_category"].items():
        assert row_cells(html, f"category-{category}") == formatted(
            [figures["candidates"], figures["eligible"], figures["admitted"]], lang
        )


def test_the_csv_is_named_for_the_campaign_and_keeps_the_arabic_names(client, published_run):
    response = client.get(public_url(published_run, "ar", "report.csv"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="selection-{published_run.campaign.slug}-{published_run.stage}.csv"'
    )
    rows = get_csv(client, public_url(published_run, "ar", "report.csv"))
    names = {
        code: (name_ar, name_fr)
        for code, name_ar, name_fr in Commune.objects.filter(
            code__in=[row["commune_code"] for row in rows]
        ).values_list("code", "name_ar", "name_fr")
    }
    assert len(names) == len(rows)
    assert {row["commune_code"]: (row["commune_name_ar"], row["commune_name_fr"]) for row in rows} == names
    assert all(re.search("[\u0600-\u06ff]", row["commune_name_ar"]) for row in rows)


def test_drilling_down_to_a_region_then_a_province(client, published_run):
    rows = get_csv(client, public_url(published_run, end="report.csv"))
    row = next(row for row in rows if row["cutoff_priority"])
    region, province = row["region_code"], row["province_code"]

    html = client.get(public_url(published_run) + f"?region={region}").content.decode()
    provinces_of_region = {row["province_code"] for row in rows if row["region_code"] == region}
    assert set(re.findall(r'<tr id="province-([^"]+)">', html)) == provinces_of_region
    assert row["region_name_fr"] in html
    assert 'id="commune-' not in html

    html = client.get(public_url(published_run) + f"?province={province}").content.decode()
    communes = [row for row in rows if row["province_code"] == province]
    assert re.findall(r'<tr id="commune-([^"]+)">', html) == [row["commune_code"] for row in communes]
    for commune in communes:
        cells = row_cells(html, f"commune-{commune['commune_code']}")
        counts = ("needs", "places", "candidates", "first_choice", "admitted")
        assert cells[:5] == formatted([int(commune[name]) for name in counts], "fr")
        assert cells[-2:] == formatted([int(commune["shortfall"]), int(commune["waitlist_length"])], "fr")
        if commune["cutoff_priority"]:
            assert cells[5] == formatted([int(commune["cutoff_priority"])], "fr")[0]
            assert lottery(commune["cutoff_lottery"]) in html
        else:
            assert translated("No cutoff", "fr") in cells[5]
    # The region's provinces stay open above the communes.
    assert f'<tr id="province-{province}">' in html


def test_an_unknown_region_or_province_is_not_found(client, published_run):
    assert client.get(public_url(published_run) + "?region=99").status_code == 404
    assert client.get(public_url(published_run) + "?province=99.999").status_code == 404


def test_the_report_costs_a_fixed_number_of_queries_and_never_reads_the_frozen_inputs(client, published_run):
    province = SelectionCommuneResult.objects.filter(run=published_run).values_list(
        "commune__province__code", flat=True
    )[0]
    for end in (f"?province={province}", "report.csv", "report.json"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(public_url(published_run) + end).status_code == 200
        # Campaign, its stages, the run, then one query per table: regions, provinces, communes; and the number
        # of territorial communes the report's counts are out of.
        assert len(queries.captured_queries) <= 7, end
        assert not any("frozen_inputs" in query["sql"] for query in queries.captured_queries), end


@pytest.mark.parametrize(
    ("lang", "direction", "name_field"),
    [("ar", "rtl", "name_ar"), ("fr", "ltr", "name_fr")],
)
def test_the_report_speaks_arabic_and_french(client, published_run, lang, direction, name_field):
    html = client.get(public_url(published_run, lang)).content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    region = selectors.region_figures(published_run)[0]
    assert getattr(region, name_field) in html
    # The chart is drawn from the start edge of the page's direction.
    anchor = "end" if direction == "rtl" else "start"
    assert f'text-anchor="{anchor}" fill="#1b1f23" font-weight="600"' in html


def test_the_chart_mirrors_for_right_to_left_and_scales_to_the_largest_value():
    series = [Series("admitted", "#000")]
    ltr = bar_chart([("a", [10]), ("b", [5])], series=series, rtl=False)
    rtl = bar_chart([("a", [10]), ("b", [5])], series=series, rtl=True)
    long, short = ltr.rows[0].bars[0], ltr.rows[1].bars[0]
    assert short.width * 2 == long.width > 0
    assert long.x == short.x  # left to right, bars start on the left edge
    long, short = rtl.rows[0].bars[0], rtl.rows[1].bars[0]
    assert long.x + long.width == short.x + short.width  # right to left, on the right edge
    assert short.x > long.x
    assert bar_chart([("a", [0])], series=series, rtl=False).rows[0].bars[0].width == 0


# ------------------------------------------------------------------------------------------ not public


def test_no_published_run_no_public_report(client, computed_run):
    for end in ("", "report.csv", "report.json"):
        assert client.get(public_url(computed_run, end=end)).status_code == 404


def test_a_published_run_of_an_unpublished_campaign_is_not_public(client, published_run):
    Campaign.objects.filter(pk=published_run.campaign_id).update(is_published=False)
    for end in ("", "report.csv", "report.json"):
        assert client.get(public_url(published_run, end=end)).status_code == 404


def test_an_unknown_stage_is_not_found(client, published_run):
    assert client.get(f"/fr/campaigns/{published_run.campaign.slug}/selection/final/").status_code == 404


# ------------------------------------------------------------------------------------ the staff report


def test_a_central_admin_sees_a_dry_run_marked_as_not_published(client, computed_run, central_admin):
    client.force_login(central_admin)
    response = client.get(staff_url(computed_run, "en"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dry run — not published" in html
    assert 'role="alert"' in html
    assert computed_run.output_digest in html
    report = get_json(client, staff_url(computed_run, end="report.json"))
    assert report["published"] is False and report["status"] == "computed"
    assert report["totals"] == computed_run.summary["totals"]
    rows = get_csv(client, staff_url(computed_run, end="report.csv"))
    assert sum(int(row["admitted"]) for row in rows) == computed_run.summary["totals"]["admitted"]


def test_a_central_admin_sees_a_published_run_with_a_link_to_the_public_report(
    client, published_run, central_admin
):
    client.force_login(central_admin)
    html = client.get(staff_url(published_run, "en")).content.decode()
    assert "Dry run" not in html
    assert f'href="{public_url(published_run, "en")}"' in html


def test_a_queued_run_has_no_report_to_show(client, census, central_admin):
    run = create_run(campaign=census, seed="not computed yet")
    client.force_login(central_admin)
    response = client.get(staff_url(run, "en"))
    assert response.status_code == 200
    assert "This run has no report." in response.content.decode()
    assert client.get(staff_url(run, end="report.csv")).status_code == 404


@pytest.mark.parametrize("persona", ["supervisor", "candidate"])
def test_only_central_admins_see_the_staff_report(client, computed_run, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for end in ("report/", "report.csv", "report.json"):
        assert client.get(staff_url(computed_run, end=end)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_staff_report(client, computed_run):
    for end in ("report/", "report.csv", "report.json"):
        response = client.get(staff_url(computed_run, end=end))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------------------- no personal data


def test_the_report_holds_no_personal_data(client, published_run):
    province = SelectionCommuneResult.objects.filter(run=published_run, is_full=True, admitted__gt=0)
    province = province.values_list("commune__province__code", flat=True)[0]
    outputs = {
        "html_fr": client.get(public_url(published_run) + f"?province={province}").content.decode(),
        "html_ar": client.get(public_url(published_run, "ar") + f"?province={province}").content.decode(),
        "csv": client.get(public_url(published_run, end="report.csv")).content.decode(),
        "json": client.get(public_url(published_run, end="report.json")).content.decode(),
    }
    applications = Application.objects.filter(campaign=published_run.campaign).select_related("user")
    personal = set()
    for application in applications:
        personal |= {
            application.cin,
            application.user.email,
            application.phone,
            f"{application.first_name_latin} {application.last_name_latin}",
            f"{application.first_name_ar} {application.last_name_ar}",
        }
    personal.discard("")
    personal.discard(" ")
    # A generated name may also be part of a place's name (Ahmed Gharbi in "Bni Ahmed Gharbia"): those prove nothing.
    places = "\n".join(
        name
        for model in (Region, Province, Commune)
        for pair in model.objects.values_list("name_fr", "name_ar")
        for name in pair
    )
    ambiguous = {value for value in personal if value in places}
    personal -= ambiguous
    assert len(ambiguous) < 20 and len(personal) > 3 * 100
    for name, text in outputs.items():
        found = sorted(value for value in personal if value and value in text)
        assert not found, f"{name} holds {found[:5]}"

    # No field about a person: the JSON's keys are territory, category and run figures only.
    def keys(value) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {key for item in value.values() for key in keys(item)}
        if isinstance(value, list):
            return {key for item in value for key in keys(item)}
        return set()

    report = json.loads(outputs["json"])
    del report["rules"]  # the campaign's rules name the score's criteria, not anyone's score
    assert not keys(report) & {
        "application",
        "application_id",
        "score",
        "score_parts",
        "cin",
        "email",
        "user",
    }
    assert not {"published_by", "created_by"} & set(report)

    # The only lottery numbers shown are the cutoffs of full communes: nobody else's draw.
    lotteries = set(
        SelectionDecision.objects.filter(run=published_run)
        .exclude(lottery="")
        .values_list("lottery", flat=True)
    )
    cutoffs = set(
        SelectionCommuneResult.objects.filter(run=published_run, is_full=True, admitted__gt=0).values_list(
            "cutoff_lottery", flat=True
        )
    )
    for name, text in outputs.items():
        shown = {value for value in lotteries if value in text}
        assert shown <= cutoffs, name
    assert {value for value in lotteries if value in outputs["json"]} == cutoffs & lotteries


# ------------------------------------------------------------------------------------- the campaign page


def test_the_campaign_page_links_to_the_published_report(client, published_run):
    html = client.get(f"/fr/campaigns/{published_run.campaign.slug}/").content.decode()
    assert f'href="{public_url(published_run)}"' in html


def test_the_campaign_page_does_not_link_to_a_dry_run(client, computed_run):
    html = client.get(f"/fr/campaigns/{computed_run.campaign.slug}/").content.decode()
    assert "/selection/" not in html


def test_the_link_costs_the_campaign_page_one_query(client, computed_run):
    url = f"/fr/campaigns/{computed_run.campaign.slug}/"
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert sum("selection_selectionrun" in query["sql"] for query in queries.captured_queries) == 1
    assert not any("frozen_inputs" in query["sql"] for query in queries.captured_queries)


# --- Find my commune -----------------------------------------------------------------------------------------


def _search(client, run, query: str, lang: str = "fr") -> str:
    response = client.get(public_url(run, lang), {"commune": query})
    assert response.status_code == 200
    return response.content.decode()


def _result_links(html: str) -> list[str]:
    results = html.split('class="commune-search__results"', 1)
    return re.findall(r'<a href="([^"]+)">', results[1].split("</ul>", 1)[0]) if len(results) > 1 else []


@pytest.fixture
def a_line(published_run) -> Commune:
    """A commune of the report whose French and Arabic names are unlike any other's."""
    for line in SelectionCommuneResult.objects.filter(run=published_run).select_related("commune__province"):
        commune = line.commune
        if (
            Commune.objects.filter(name_fr__icontains=commune.name_fr).count() == 1
            and len(commune.name_fr) > 6
        ):
            return commune
    raise AssertionError("no commune with a name of its own")


def _link(commune: Commune) -> str:
    return f"?province={commune.province.code}#commune-{commune.code}"


def test_a_commune_is_found_by_its_french_or_arabic_name_or_its_code(client, published_run, a_line):
    french = a_line.name_fr.upper()  # whatever the case
    arabic_without_hamza = a_line.name_ar.replace("أ", "ا").replace("إ", "ا")
    for query, lang in ((french, "fr"), (arabic_without_hamza, "ar"), (a_line.code, "fr")):
        assert _link(a_line) in _result_links(_search(client, published_run, query, lang)), query


def test_the_found_commune_s_link_opens_its_line(client, published_run, a_line):
    page = client.get(public_url(published_run) + _link(a_line).split("#")[0]).content.decode()
    assert f'<tr id="commune-{a_line.code}">' in page


def test_a_search_that_finds_nothing_says_so(client, published_run):
    page = _search(client, published_run, "Zzyzx")
    assert _result_links(page) == []
    message = "No commune of this report matches “%(query)s”. Check the spelling, or type a shorter part of the name."
    assert translated(message, "fr", query="Zzyzx").split("“")[0] in page


@pytest.mark.parametrize("query", ["a", "x" * 101, "Fès\x1b"])
def test_a_query_the_form_refuses_is_a_message_and_finds_nothing(client, published_run, query):
    page = _search(client, published_run, query.replace("\\x1b", "\x1b"))
    assert 'class="error-summary"' in page
    assert _result_links(page) == []


def test_without_a_query_the_report_shows_the_empty_search(client, published_run):
    page = client.get(public_url(published_run)).content.decode()
    assert 'name="commune"' in page
    assert 'class="error-summary"' not in page
    assert (
        page.index('class="key-figures"') < page.index('id="search-title"') < page.index('id="totals-title"')
    )


def test_the_report_says_what_its_commune_counts_are_out_of(client, published_run):
    page = " ".join(client.get(public_url(published_run)).content.decode().split())
    sentence = translated(
        "Morocco has %(total)s territorial communes (the arrondissements of the large cities are not counted apart). "
        "This report has a line for each commune with needs or candidates at this stage; the others took no part "
        "in it.",
        "fr",
        total=formatted([Commune.objects.count()], "fr")[0],
    )
    assert " ".join(escape(sentence).split()) in page  # spaces (the number's too) compared as the page's
    assert translated("Communes with needs or candidates", "fr") in page  # the regions' column
