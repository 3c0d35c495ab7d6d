"""A campaign's open data: built when the figures are refreshed and when the threshold changes, served as built by
its page, its CSV and JSON files; nothing of a person in it; no suppressed count recoverable from everything it
publishes together (the network auditor on the census, against the true figures)."""

import csv
import io
import json
import re

import pytest

from bawaba.campaigns.models import Application
from bawaba.core.audit import AuditEvent
from bawaba.core.contributions import Indicator, registry
from bawaba.indicators.models import IndicatorFigure, OpenDataPolicy, OpenDataRelease, SummaryRefresh
from bawaba.indicators.nested_suppression import NestedResult, pinned_cells
from bawaba.indicators.opendata.build import EXEMPT, build_open_data
from bawaba.indicators.refresh import refresh_summary
from bawaba.indicators.services import set_open_data_threshold
from bawaba.territory.models import Commune, Province, Region

CANDIDATES = "campaigns.candidates"


@pytest.fixture
def released(census):
    refresh_summary(census)
    return census


def release_data(campaign) -> dict:
    return json.loads(OpenDataRelease.objects.get(campaign=campaign).payload)


def true_figures(campaign) -> dict:
    """{(key, level or breakdown, code): figure} from the summary tables, the truth the release hides from."""
    truth = {}
    rows = IndicatorFigure.objects.filter(campaign=campaign).values_list(
        "indicator", "level", "area", "breakdown", "value", "figure"
    )
    for key, level, area, breakdown, value, figure in rows:
        if breakdown:
            if level == "nation":
                truth[(key, breakdown, value)] = figure
        else:
            truth[(key, level, area)] = figure
    return truth


def nested_results(data: dict, truth: dict) -> dict[str, NestedResult]:
    """Each indicator's published lists, read back from the release's tables alone, with the true counts."""
    results = {}
    for key in data["keys"]:
        lists = []
        values = {("nation", ""): truth.get((key, "nation", ""), 0)}
        hidden = {("nation", "")} if data["totals"][key] is None else set()
        for table in data["tables"]:
            if key not in table["keys"]:
                continue
            parent = (table["parent"]["dimension"], table["parent"]["code"])
            children = []
            for row in table["rows"]:
                cell = (table["dimension"], row["code"])
                children.append(cell)
                values[cell] = truth.get((key, *cell), 0)
                if row["values"][key] is None:
                    hidden.add(cell)
            lists.append((parent, tuple(children)))
        results[key] = NestedResult(
            values=values,
            lists=tuple(lists),
            primary=frozenset(hidden),
            complementary=frozenset(),
            threshold=data["threshold"],
        )
    return results


def test_a_refresh_builds_the_release_of_every_level_with_its_totals(released):
    release = OpenDataRelease.objects.get(campaign=released)
    data = release_data(released)
    assert release.threshold == data["threshold"] == 5
    assert data["refreshed_at"] == SummaryRefresh.objects.get(campaign=released).refreshed_at.isoformat()
    assert data["keys"][:3] == [CANDIDATES, "campaigns.training_needs", "campaigns.field_needs"]
    dimensions = {table["dimension"] for table in data["tables"]}
    assert {"region", "province", "commune", "category", "day"} <= dimensions
    regions = next(table for table in data["tables"] if table["dimension"] == "region")
    assert [row["code"] for row in regions["rows"]] == sorted(Region.objects.values_list("code", flat=True))
    # Every published figure is the true one; every table's rows add up to its total where all are published.
    truth = true_figures(released)
    for table in data["tables"]:
        for key in table["keys"]:
            shown = [row["values"][key] for row in table["rows"]]
            for row, value in zip(table["rows"], shown, strict=True):
                if value is not None:
                    assert value == truth.get((key, table["dimension"], row["code"]), 0)
            if None not in shown and table["total"][key] is not None:
                assert sum(shown) == table["total"][key]


def test_small_counts_are_suppressed_and_none_can_be_worked_out_from_all_the_tables_together(released):
    data = release_data(released)
    truth = true_figures(released)
    results = nested_results(data, truth)
    candidates = results[CANDIDATES]
    # The small demo has many communes of one or two candidates: there is something to protect.
    assert len(candidates.hidden) > 50
    for key, result in results.items():
        for cell, value in result.published().items():
            if value is not None and key not in EXEMPT:
                assert value == 0 or value >= data["threshold"], (key, cell, value)
        assert all(result.values[cell] > 0 for cell in result.hidden)
        if result.hidden:
            # Read as a network from what is published, with every suppressed count at least 1: none is pinned.
            assert pinned_cells(result) == frozenset(), key
    # The needs count posts, not people: published in full.
    assert not results["campaigns.training_needs"].hidden
    assert data["exempt"] == ["campaigns.training_needs", "campaigns.field_needs"]


def test_the_release_holds_no_personal_data(released, client):
    text = OpenDataRelease.objects.get(campaign=released).payload
    data = json.loads(text)
    allowed_keys = {
        "campaign",
        "title_ar",
        "title_fr",
        "refreshed_at",
        "built_at",
        "threshold",
        "keys",
        "exempt",
        "totals",
        "tables",
        "dimension",
        "parent",
        "code",
        "rows",
        "name_ar",
        "name_fr",
        "values",
        "total",
    }

    def keys_of(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys_of(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys_of(inner)

    assert set(keys_of(data)) - allowed_keys <= set(data["keys"])  # the values' keys are indicator keys
    # Every text is an area's code or name, a category's, a day, or the campaign's own.
    territory = set()
    for model in (Region, Province, Commune):
        for code, name_ar, name_fr in model.objects.values_list("code", "name_ar", "name_fr"):
            territory |= {code, name_ar, name_fr}
    categories = {str(code) for code in Application.Category.values}
    for table in data["tables"]:
        for row in table["rows"]:
            texts = {row["code"], row["name_ar"], row["name_fr"]} - {""}
            if table["dimension"] == "day":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["code"]) and not row["name_ar"]
            elif table["dimension"] == "category":
                assert row["code"] in categories
            elif table["dimension"] == "kind":
                assert row["code"] in registry.email_kinds
            else:
                assert texts <= territory, texts - territory
    files = [
        text,
        client.get(f"/fr/campaigns/{released.slug}/open-data/data.csv").content.decode("utf-8-sig"),
        client.get(f"/fr/campaigns/{released.slug}/open-data/data.json").content.decode(),
        client.get(f"/api/v1/campaigns/{released.slug}/open-data").content.decode(),
    ]
    people = Application.objects.filter(campaign=released).select_related("user")
    assert people.count() > 100
    for content in files:
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", content)  # no e-mail address
        assert not re.search(r"\+212|\b0[67]\d{8}\b", content)  # no phone number
        for person in people:
            assert not person.cin or person.cin not in content
            assert not person.phone or person.phone not in content


def test_a_new_threshold_rebuilds_the_release_at_once_and_is_audited(released, central_admin):
    before = release_data(released)
    hidden_before = sum(value is None for value in before["totals"].values())
    set_open_data_threshold(campaign=released, threshold=1, actor=central_admin)
    one = release_data(released)
    assert one["threshold"] == 1
    assert all(
        value is not None
        for table in one["tables"]
        for row in table["rows"]
        for value in row["values"].values()
    )
    set_open_data_threshold(campaign=released, threshold=50, actor=central_admin)
    fifty = release_data(released)
    assert OpenDataRelease.objects.get(campaign=released).threshold == 50
    hidden = lambda data: sum(  # noqa: E731
        value is None for table in data["tables"] for row in table["rows"] for value in row["values"].values()
    )
    assert hidden(fifty) > hidden(before) >= hidden_before
    event = AuditEvent.objects.filter(action="indicators.open_data_threshold_set").latest("pk")
    assert event.data == {"from": 1, "to": 50}


def test_no_release_before_the_first_refresh(census, client):
    assert build_open_data(census) is None
    assert not OpenDataRelease.objects.filter(campaign=census).exists()
    assert client.get(f"/fr/campaigns/{census.slug}/open-data/").status_code == 404
    assert "open-data" not in client.get(f"/fr/campaigns/{census.slug}/").content.decode()


@pytest.mark.parametrize("path", ["", "data.csv", "data.json"])
def test_open_data_withheld_by_its_policy_is_not_found(released, client, path):
    url = f"/fr/campaigns/{released.slug}/open-data/{path}"
    assert client.get(url).status_code == 200
    OpenDataPolicy.objects.create(campaign=released, published=False)
    assert client.get(url).status_code == 404
    assert released.slug not in client.get("/fr/open-data/").content.decode()


def test_an_unpublished_campaigns_open_data_is_not_found(released, client):
    released.is_published = False
    released.save(update_fields=["is_published"])
    assert client.get(f"/fr/campaigns/{released.slug}/open-data/").status_code == 404


def test_the_page_shows_the_tables_the_legend_the_definitions_and_the_time(released, client):
    response = client.get(f"/fr/campaigns/{released.slug}/open-data/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Candidats" in page or "Candidates" in page
    assert "Applications submitted and not withdrawn" in page or "Candidatures" in page
    assert response.context["largest_suppressed"] == 4
    assert "?region=01#drill-title" in page
    regional = client.get(f"/fr/campaigns/{released.slug}/open-data/", {"region": "01"}).content.decode()
    assert regional.count('<span aria-hidden="true">*</span>') > 0
    # From the campaign's public page and the index.
    assert (
        f"/fr/campaigns/{released.slug}/open-data/"
        in client.get(f"/fr/campaigns/{released.slug}/").content.decode()
    )
    assert f"/fr/campaigns/{released.slug}/open-data/" in client.get("/fr/open-data/").content.decode()


def test_the_drill_down_opens_a_regions_provinces_and_a_provinces_communes(released, client):
    data = release_data(released)
    province_table = next(
        t for t in data["tables"] if t["dimension"] == "province" and t["parent"]["code"] == "04"
    )
    province = province_table["rows"][0]["code"]
    url = f"/ar/campaigns/{released.slug}/open-data/"
    regional = client.get(url, {"region": "04"})
    assert regional.status_code == 200
    assert f"?province={province}#drill-title" in regional.content.decode()
    communal = client.get(url, {"province": province})
    assert communal.status_code == 200
    communes = next(
        t for t in data["tables"] if t["dimension"] == "commune" and t["parent"]["code"] == province
    )
    assert all(row["code"] in communal.content.decode() for row in communes["rows"])


@pytest.mark.parametrize(
    "query", [{"region": "99"}, {"province": "999"}, {"region": "\x00"}, {"province": "0" * 100}]
)
def test_an_unknown_or_malformed_area_is_not_found(released, client, query):
    assert client.get(f"/fr/campaigns/{released.slug}/open-data/", query).status_code == 404


def test_the_csv_file_has_a_bom_the_keys_as_columns_and_no_formula(released, client):
    Region.objects.filter(code="01").update(name_fr="=HYPERLINK(1)")
    build_open_data(released)
    response = client.get(f"/fr/campaigns/{released.slug}/open-data/data.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    data = release_data(released)
    assert rows[0] == [
        "dimension",
        "parent_dimension",
        "parent_code",
        "code",
        "name_ar",
        "name_fr",
        "is_total",
        *data["keys"],
    ]
    assert len(rows) == 1 + sum(len(table["rows"]) + 1 for table in data["tables"])
    assert "'=HYPERLINK(1)" in {row[5] for row in rows}
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert "*" in {cell for row in rows for cell in row}


def test_the_json_file_is_the_release_with_the_definitions_in_the_pages_language(released, client):
    response = client.get(f"/fr/campaigns/{released.slug}/open-data/data.json")
    data = response.json()
    assert response["Content-Disposition"].startswith("attachment")
    stored = release_data(released)
    assert {key: data[key] for key in stored} == stored
    assert [indicator["key"] for indicator in data["indicators"]] == stored["keys"]


def test_the_central_administrator_sets_the_threshold_on_her_staff_page(released, admin_client):
    page = admin_client.get("/fr/staff/open-data/")
    assert page.status_code == 200 and released.slug in page.content.decode()
    refused = admin_client.post(f"/fr/staff/open-data/{released.slug}/", {"threshold": "0"})
    assert refused.status_code == 200 and refused.context["form"].errors["threshold"]
    assert admin_client.post(f"/fr/staff/open-data/{released.slug}/", {"threshold": "9"}).status_code == 302
    assert OpenDataRelease.objects.get(campaign=released).threshold == 9


@pytest.mark.parametrize("value", ["", "abc", "-3", "2.5", "9" * 30, "7\x00", "1001"])
def test_a_threshold_that_is_no_count_is_refused_with_a_message(released, admin_client, value):
    refused = admin_client.post(f"/fr/staff/open-data/{released.slug}/", {"threshold": value})
    assert refused.status_code == 200 and refused.context["form"].errors["threshold"]
    assert OpenDataRelease.objects.get(campaign=released).threshold == 5


def test_other_staff_members_cannot_set_the_threshold(released, client, supervisor):
    client.force_login(supervisor)
    assert client.get("/fr/staff/open-data/").status_code == 404
    assert client.post(f"/fr/staff/open-data/{released.slug}/", {"threshold": "1"}).status_code == 404
    assert OpenDataRelease.objects.get(campaign=released).threshold == 5


def _documents(key: str, share: float):
    """A fake documents indicator over the census' candidates: a share of each commune's, so that accepted plus
    rejected is exactly examined, as in bawaba/documents/figures.py."""

    def compute(campaign, by):
        from bawaba.campaigns.indicators import candidates

        def part(count: int) -> int:
            accepted = int(count * 0.6)
            rejected = count - accepted
            return {"accepted": accepted, "rejected": rejected, "examined": count}[share]

        by_commune = candidates(campaign, ("commune",) if by else ())
        result: dict = {}
        places = {
            code: (p, r)
            for code, p, r in Commune.objects.values_list("code", "province__code", "region__code")
        }
        for (commune, *_rest), count in ((k if k else ("",), v) for k, v in by_commune.items()):
            province, region = places.get(commune, ("", ""))
            where = {"commune": commune, "province": province, "region": region}
            values = tuple(where[dimension] for dimension in by)
            result[values] = result.get(values, 0) + part(count)
        return result

    return Indicator(
        key=key,
        name=key,
        definition=key,
        unit="files",
        dimensions=("region", "province", "commune"),
        compute=compute,
    )


def test_indicators_that_add_up_are_suppressed_alike_wherever_one_is(census, monkeypatch):
    for key, share in (
        ("documents.accepted", "accepted"),
        ("documents.rejected", "rejected"),
        ("documents.examined", "examined"),
    ):
        monkeypatch.setitem(registry.indicators, key, _documents(key, share))
    refresh_summary(census)
    data = release_data(census)
    linked = ["documents.accepted", "documents.rejected", "documents.examined"]
    assert set(linked) <= set(data["keys"])
    for table in data["tables"]:
        if not set(linked) <= set(table["keys"]):
            continue
        hidden = [{row["code"] for row in table["rows"] if row["values"][key] is None} for key in linked]
        assert hidden[0] == hidden[1] == hidden[2], table["parent"]
    results = nested_results(data, true_figures(census))
    assert (
        results["documents.accepted"].hidden
        and not results["documents.accepted"].hidden - results["documents.examined"].hidden
    )
    for key in linked:
        assert pinned_cells(results[key]) == frozenset(), key


def test_a_policy_changed_in_the_admin_rebuilds_the_release_and_is_audited(released, central_admin, rf):
    from django.contrib import admin

    policy = OpenDataPolicy.objects.create(campaign=released, threshold=5)
    model_admin = admin.site._registry[OpenDataPolicy]
    request = rf.post("/admin/")
    request.user = central_admin
    form = model_admin.get_form(request, policy)(
        data={"campaign": released.pk, "threshold": 12, "published": "on"}, instance=policy
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    assert OpenDataRelease.objects.get(campaign=released).threshold == 12
    event = AuditEvent.objects.filter(action="indicators.open_data_policy_set").get()
    assert event.data == {"threshold": 12, "published": True, "changed": ["threshold"]}
