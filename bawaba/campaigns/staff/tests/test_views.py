"""The staff pages: who may see them, the list with its keyset pages, one application, registrations by day."""

import csv
import datetime as dt
import html
import io
import re
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from bawaba.accounts.tests.factories import UserFactory
from bawaba.campaigns.models import Application, ApplicationChoice
from bawaba.campaigns.staff.selectors import recent_registrations_by_day, registrations_by_day
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.territory.models import Commune

CASABLANCA = ZoneInfo("Africa/Casablanca")
Status = Application.Status


def _url(name: str, *args) -> str:
    # English pages: their text is the source text, whatever the catalogues translate.
    with translation.override("en"):
        return reverse(f"staff:{name}", args=args)


STAFF_PAGES = [
    ("applications", ()),
    ("application_detail", (1,)),
    ("registrations", ()),
    ("registrations_csv", ()),
]


class TestWhoMaySee:
    @pytest.fixture(autouse=True)
    def _an_application(self, make_application):
        make_application(pk=1)

    @pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
    def test_a_central_administrator_may(self, admin_client, name, args):
        assert admin_client.get(_url(name, *args)).status_code == 200

    @pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
    def test_a_candidate_gets_not_found(self, client, candidate, name, args):
        client.force_login(candidate)
        assert client.get(_url(name, *args)).status_code == 404

    @pytest.mark.parametrize(("name", "args"), [page for page in STAFF_PAGES if page[0] != "applications"])
    def test_a_supervisor_without_provinces_gets_not_found(self, client, supervisor, name, args):
        client.force_login(supervisor)
        assert client.get(_url(name, *args)).status_code == 404

    def test_a_supervisor_without_provinces_gets_an_empty_list(self, client, supervisor):
        client.force_login(supervisor)
        response = client.get(_url("applications"))
        assert response.status_code == 200 and response.context["page"].rows == []

    @pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, name, args):
        response = client.get(_url(name, *args))
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/?next=")


def _links(page_html: str) -> dict[str, dict[str, str]]:
    """The pagination links of a page, by rel, as query parameters."""
    return {
        rel: dict(parse_qsl(html.unescape(query)))
        for query, rel in re.findall(r'href="\?([^"]*)" rel="(next|prev)"', page_html)
    }


def _walk(client, params: dict, rel: str, cursor: str) -> list[list[int]]:
    pages = []
    while True:
        response = client.get(_url("applications"), params)
        assert response.status_code == 200
        pages.append([application.pk for application in response.context["page"].rows])
        links = _links(response.content.decode())
        if rel not in links:
            return pages
        assert links[rel].keys() == {*params.keys() - {"after", "before"}, cursor}
        params = links[rel]


class TestApplicationsList:
    def test_shows_each_application_with_its_facts(self, admin_client, territory, make_application):
        commune = Commune.objects.order_by("code").first()
        application = make_application(
            cin="AB123456",
            first_name_ar="فاطمة",
            last_name_ar="بناني",
            first_name_latin="Fatima",
            last_name_latin="Bennani",
            user=UserFactory(email="fatima@example.ma"),
            residence_commune=commune,
            status=Status.SUBMITTED,
            submitted_at=dt.datetime(2024, 2, 8, 10, 0, tzinfo=dt.UTC),
        )
        ApplicationChoice.objects.create(application=application, rank=1, commune=commune)
        page = admin_client.get(_url("applications")).content.decode()
        detail = _url("application_detail", application.pk)
        # Latin values isolated left to right (<bdi>), so that they keep their order on an Arabic page.
        assert f'<th scope="row"><bdi dir="ltr"><a href="{detail}">AB123456</a></bdi></th>' in page
        assert '<bdi lang="ar" dir="rtl">فاطمة بناني</bdi>' in page
        assert '<bdi dir="ltr">Fatima Bennani</bdi>' in page
        assert '<bdi dir="ltr">fatima@example.ma</bdi>' in page
        assert commune.name_fr in page
        assert '<td class="num" data-label="Communes chosen">1</td>' in page
        assert "<caption>" in page

    def test_a_search_says_how_many_it_found(self, admin_client, make_application):
        for _ in range(3):
            make_application(first_name_latin="Nadia")
        make_application(first_name_latin="Samira")
        response = admin_client.get(_url("applications"), {"q": "NADIA"})
        assert response.context["found"] == 3
        assert "3 applications match." in response.content.decode()
        assert admin_client.get(_url("applications")).context["found"] is None  # no count of the whole table

    def test_an_unknown_commune_code_is_an_error_not_every_application(self, admin_client, make_application):
        make_application(cin="AB1")
        response = admin_client.get(_url("applications"), {"commune": "999.999.99.99"})
        page = response.content.decode()
        assert '<span class="error-text" id="id_commune_error">' in page
        assert "No commune has the HCP code 999.999.99.99." in page
        assert 'aria-describedby="id_commune_helptext id_commune_error"' in page
        assert "AB1<" not in page

    def test_the_number_of_queries_does_not_grow_with_the_rows(
        self, admin_client, territory, make_application, django_assert_max_num_queries
    ):
        commune = Commune.objects.order_by("code").first()

        def add(count: int) -> None:
            for _ in range(count):
                application = make_application(first_name_latin="Nadia", residence_commune=commune)
                ApplicationChoice.objects.create(application=application, rank=1, commune=commune)

        add(2)
        params = {"q": "nadia", "commune": commune.code, "campaign": Application.objects.first().campaign_id}
        with django_assert_max_num_queries(10) as few:
            admin_client.get(_url("applications"), params)
        add(40)
        with django_assert_max_num_queries(10) as many:
            response = admin_client.get(_url("applications"), params)
        assert len(response.context["page"].rows) == 42
        assert len(many.captured_queries) == len(few.captured_queries)

    @pytest.mark.parametrize("query", ["", "amina"])
    def test_keyset_pages_are_disjoint_complete_and_walk_back(
        self, admin_client, settings, make_application, query
    ):
        settings.BAWABA_STAFF_PAGE_SIZE = 25
        for n in range(120):
            make_application(first_name_latin="Amina" if n % 2 else "Samira")
        expected = sorted(
            Application.objects.filter(first_name_latin__icontains=query).values_list("pk", flat=True),
            reverse=True,
        )
        params = {"q": query} if query else {}

        forward = _walk(admin_client, params, "next", "after")
        assert [len(page) for page in forward] == [25, 25, 25, 25, 20] if not query else [25, 25, 10]
        assert [pk for page in forward for pk in page] == expected  # in order, no repeats, none missing

        last = forward[-1]
        backward = _walk(admin_client, {**params, "after": last[0] + 1}, "prev", "before")
        assert backward[0] == last
        assert backward[::-1] == forward

    def test_a_cursor_past_the_end_shows_an_empty_page_with_a_way_back(self, admin_client, make_application):
        newest = make_application()
        response = admin_client.get(_url("applications"), {"after": newest.pk})
        assert response.context["page"].rows == []
        assert "Newest" in response.content.decode()


class TestApplicationDetail:
    def test_shows_the_declared_data_and_the_ranked_choices(self, admin_client, territory, make_application):
        first, second, third = Commune.objects.order_by("code")[:3]
        application = make_application(
            cin="K98765", phone="+212612345678", residence_commune=first, languages=["ar", "fr"]
        )
        for rank, commune in ((2, second), (1, third), (3, first)):
            ApplicationChoice.objects.create(application=application, rank=rank, commune=commune)
        page = admin_client.get(_url("application_detail", application.pk)).content.decode()
        assert "K98765" in page and "+212612345678" in page
        assert "Arabic and French" in page  # languages by name, not code
        ranks = [page.index(f'<th scope="row">{commune.name_fr}</th>') for commune in (third, second, first)]
        assert ranks == sorted(ranks)

    def test_a_missing_application_is_not_found(self, admin_client):
        assert admin_client.get(_url("application_detail", 999_999)).status_code == 404


def _submitted(make_application, when: dt.datetime, status: str = Status.SUBMITTED, **fields) -> Application:
    return make_application(status=status, submitted_at=when, **fields)


class TestRegistrationsByDay:
    @pytest.fixture
    def submissions(self, make_application):
        utc = dt.UTC
        _submitted(
            make_application, dt.datetime(2024, 2, 7, 22, 30, tzinfo=utc)
        )  # 23:30 on the 7th in Morocco
        _submitted(
            make_application, dt.datetime(2024, 2, 7, 23, 30, tzinfo=utc)
        )  # 00:30 on the 8th in Morocco
        _submitted(make_application, dt.datetime(2024, 2, 10, 12, 0, tzinfo=utc))
        _submitted(make_application, dt.datetime(2024, 2, 10, 13, 0, tzinfo=utc), status=Status.WITHDRAWN)
        make_application(status=Status.DRAFT)
        _submitted(make_application, dt.datetime(2024, 2, 9, 9, 0, tzinfo=utc), campaign=CampaignFactory())

    def test_morocco_is_one_hour_ahead_of_utc_in_february_2024(self):
        moment = dt.datetime(2024, 2, 7, 23, 30, tzinfo=dt.UTC)
        assert moment.astimezone(CASABLANCA).utcoffset() == dt.timedelta(hours=1)
        assert moment.astimezone(CASABLANCA).date() == dt.date(2024, 2, 8)

    def test_counts_submissions_by_day_in_morocco_time(self, campaign, submissions):
        assert registrations_by_day(campaign=campaign) == [
            (dt.date(2024, 2, 7), 1),
            (dt.date(2024, 2, 8), 1),
            (dt.date(2024, 2, 10), 2),
        ]

    def test_the_figures_are_counted_once_for_a_few_minutes(
        self, campaign, submissions, make_application, django_assert_num_queries
    ):
        first = recent_registrations_by_day(campaign=campaign)
        _submitted(make_application, dt.datetime(2024, 2, 8, 12, 0, tzinfo=dt.UTC))
        with django_assert_num_queries(0):
            assert recent_registrations_by_day(campaign=campaign) == first
        assert registrations_by_day(campaign=campaign) != first

    def test_the_page_draws_every_day_and_tabulates_it(self, admin_client, campaign, submissions):
        response = admin_client.get(_url("registrations"), {"campaign": campaign.pk})
        page = response.content.decode()
        assert [count for _, count in response.context["chart"].days] == [1, 1, 0, 2]
        assert page.count("<rect ") == 4
        assert '<title id="chart-title">' in page and '<desc id="chart-desc">' in page
        assert 'aria-labelledby="chart-title chart-desc"' in page
        assert "<caption>" in page and "<tfoot>" in page
        # SVG coordinates keep a decimal point in a language that writes a decimal comma.
        with translation.override("fr"):
            french = admin_client.get(
                reverse("staff:registrations"), {"campaign": campaign.pk}
            ).content.decode()
        assert re.search(r'<rect x="\d+\.\d+"', french)
        assert not re.search(r'(?:x|y|width|height)="\d+,\d+"', french)

    def test_the_newest_campaign_is_shown_by_default(self, admin_client, campaign, submissions):
        assert admin_client.get(_url("registrations")).context["campaign"] is not None

    def test_the_csv_has_one_line_per_day(self, admin_client, campaign, submissions):
        response = admin_client.get(_url("registrations_csv"), {"campaign": campaign.pk})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="registrations-rgph-2024.csv"'
        # The byte-order mark first, so that Excel reads the file as UTF-8; utf-8-sig takes it off.
        assert response.content.startswith(b"\xef\xbb\xbf")
        assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
            ["date", "registrations"],
            ["2024-02-07", "1"],
            ["2024-02-08", "1"],
            ["2024-02-09", "0"],
            ["2024-02-10", "2"],
        ]

    def test_an_unknown_campaign_has_no_csv(self, admin_client, campaign):
        assert admin_client.get(_url("registrations_csv"), {"campaign": 999_999}).status_code == 404
