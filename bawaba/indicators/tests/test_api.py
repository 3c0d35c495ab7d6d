"""The public read-only API (/api/v1/): its OpenAPI document and documentation page (local files only), pagination,
languages, validation (4xx JSON, never 5xx), the rate limit per client address (429), reading from any origin."""

import re
import typing

import pytest
from django.test import override_settings

from bawaba.indicators.models import OpenDataPolicy
from bawaba.indicators.opendata import api
from bawaba.indicators.refresh import refresh_summary
from bawaba.selection.models import SelectionRun

API = "/api/v1"


@pytest.fixture
def released(census):
    refresh_summary(census)
    return census


def test_the_openapi_document_is_served(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        f"{API}/campaigns",
        f"{API}/campaigns/{{slug}}/open-data",
        f"{API}/indicators",
        f"{API}/campaigns/{{slug}}/selection-reports",
        f"{API}/campaigns/{{slug}}/selection-reports/{{stage}}/communes",
    }


def test_the_documentation_page_loads_only_the_sites_own_files(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert addresses and all(address.startswith("/static/") for address in addresses), addresses
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    for address in addresses:
        assert client.get(address).status_code == 200, address
    # The site's policy, with Swagger UI's data: icons allowed on this page only; still no inline script.
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy and "script-src 'self'" in policy and "unsafe" not in policy
    assert "img-src 'self' data:" not in client.get("/fr/open-data/")["Content-Security-Policy"]


def test_campaigns_with_open_data_are_listed_page_by_page(released, client):
    listed = client.get(f"{API}/campaigns").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["slug"] == released.slug and item["threshold"] == 5
    assert client.get(item["open_data"]).status_code == 200
    assert client.get(f"{API}/campaigns", {"page": 2, "page_size": 1}).json() == {"items": [], "count": 1}
    OpenDataPolicy.objects.create(campaign=released, published=False)
    assert client.get(f"{API}/campaigns").json()["count"] == 0


def test_a_campaigns_open_data_is_the_stored_release(released, client):
    response = client.get(f"{API}/campaigns/{released.slug}/open-data", {"lang": "fr"})
    assert response.status_code == 200
    data = response.json()
    assert data["campaign"] == released.slug and data["threshold"] == 5
    assert any(row["values"]["campaigns.candidates"] is None for t in data["tables"] for row in t["rows"])
    assert data["indicators"][0]["key"] == "campaigns.candidates"


def test_withheld_or_unknown_open_data_is_a_json_404(released, client):
    OpenDataPolicy.objects.create(campaign=released, published=False)
    for slug in (released.slug, "no-such-campaign"):
        response = client.get(f"{API}/campaigns/{slug}/open-data")
        assert response.status_code == 404
        assert response.json()["detail"]


def test_the_definitions_come_in_the_language_asked_for(client, db):
    by_parameter = client.get(f"{API}/indicators", {"lang": "fr"}).json()
    by_header = client.get(f"{API}/indicators", HTTP_ACCEPT_LANGUAGE="fr").json()
    arabic = client.get(f"{API}/indicators", {"lang": "ar"}).json()
    assert by_parameter == by_header
    keys = [item["key"] for item in by_parameter["items"]]
    assert keys[:3] == ["campaigns.candidates", "campaigns.training_needs", "campaigns.field_needs"]
    candidates = by_parameter["items"][0]
    assert set(candidates) == {"key", "name", "definition", "unit", "dimensions"}
    assert candidates["dimensions"] == ["region", "province", "commune", "category", "day"]
    assert arabic["items"][0]["name"] != candidates["name"]  # both catalogues translate "Candidates"


def test_the_stages_the_api_accepts_are_the_selections():
    assert set(typing.get_args(api.Stage)) == set(SelectionRun.Stage.values)


def test_the_published_selection_reports_per_commune(published_run, client):
    campaign = published_run.campaign
    reports = client.get(f"{API}/campaigns/{campaign.slug}/selection-reports").json()
    assert [item["stage"] for item in reports["items"]] == ["preselection"]
    report = reports["items"][0]
    assert report["run"] == published_run.pk and report["totals"]["admitted"] > 0
    first = client.get(report["communes"], {"page_size": 10}).json()
    assert len(first["items"]) == 10 and first["count"] > 10
    line = first["items"][0]
    assert {"commune_code", "places", "admitted", "cutoff_priority", "cutoff_lottery"} <= set(line)
    assert not any("@" in str(value) for item in first["items"] for value in item.values())
    # Another stage, not published: 404.
    assert client.get(f"{API}/campaigns/{campaign.slug}/selection-reports/field/communes").status_code == 404


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/campaigns", {"page": "0"}),
        ("/campaigns", {"page": str(2**63)}),
        ("/campaigns", {"page": "10000000000000000000000000000"}),
        ("/campaigns", {"page_size": "1000"}),
        ("/campaigns", {"page": "abc"}),
        ("/indicators", {"lang": "xx"}),
        ("/indicators", {"lang": "\x00"}),
        ("/campaigns/a%00b/open-data", {}),
        ("/campaigns/" + "x" * 5000 + "/open-data", {}),
        ("/campaigns/rgph-2024/selection-reports/nothing/communes", {}),
        ("/campaigns/rgph-2024/selection-reports/preselection/communes", {"page": "-1"}),
    ],
)
def test_bad_input_is_a_4xx_json_answer(released, client, path, params):
    response = client.get(f"{API}{path}", params)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@override_settings(BAWABA_RATE_LIMITS={"api:ip": (3, 60)})
def test_a_client_past_its_limit_gets_429_with_a_clear_message(client, db):
    for _ in range(3):
        assert client.get(f"{API}/indicators").status_code == 200
    response = client.get(f"{API}/indicators", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json() and response.json()["detail"]
    # Another address has its own allowance.
    assert client.get(f"{API}/indicators", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_any_origin_may_read_the_api_and_nothing_else(client, db):
    response = client.get(f"{API}/indicators", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]
    preflight = client.options(
        f"{API}/indicators",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept-language",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Accept-Language" in preflight["Access-Control-Allow-Headers"]
    head = client.head(f"{API}/indicators", HTTP_ORIGIN="https://example.org")
    assert head.status_code == 200 and head.content == b"" and int(head["Content-Length"]) > 0
    assert head["Access-Control-Allow-Origin"] == "*"
    # A write is not a read: no CORS header, and the API has no such method.
    posted = client.post(f"{API}/indicators", HTTP_ORIGIN="https://example.org")
    assert posted.status_code == 405 and "Access-Control-Allow-Origin" not in posted
    # The rest of the site is not opened to other origins.
    assert "Access-Control-Allow-Origin" not in client.get(
        "/fr/open-data/", HTTP_ORIGIN="https://example.org"
    )
