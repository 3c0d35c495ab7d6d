"""The final lists (issue 14, item 5): the selected agents and the reserve of a published field run, per province
and commune, on a scoped page and in files (CSV, XLSX, PDF for posting), read back with independent readers."""

import csv
import io
from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from bawaba.accounts.models import Assignment
from bawaba.accounts.scopes import Scope
from bawaba.campaigns.models import Application
from bawaba.core.models import AuditEvent
from bawaba.interviews.final_lists import (
    commune_figures,
    field_run,
    masked_cin,
    province_figures,
    province_keys,
)
from bawaba.notifications.models import PreparedFile
from bawaba.selection.models import (
    PromotionCommuneResult,
    PromotionRound,
    SelectionCommuneResult,
    SelectionDecision,
    SelectionRun,
)
from bawaba.territory.models import Commune, Province

Outcome = SelectionDecision.Outcome


def _table(entries: list[tuple[int, int]]) -> bytes:
    """A choice_table: (commune, place) records, place 0 where she is not on the list."""
    table = np.zeros(len(entries), dtype=SelectionDecision.CHOICE_DTYPE)
    for index, (commune_id, place) in enumerate(entries):
        table[index] = (commune_id, 1000 - index, place)
    return table.tobytes()


def _decide(run, application, outcome, *, commune=None, entries=()):
    return SelectionDecision.objects.create(
        run=run,
        application=application,
        outcome=outcome,
        score=100,
        score_parts="[0,0,0,0,0]",
        commune=commune,
        rank=1 if commune is not None else None,
        lottery="0000000001",
        choice_table=_table(list(entries)),
        declared_count=len(entries),
    )


def _residents(campaign, province, count):
    applications = list(
        Application.objects.filter(
            campaign=campaign, residence_commune__province=province, status=Application.Status.SUBMITTED
        ).order_by("pk")[:count]
    )
    assert len(applications) == count
    return applications


@pytest.fixture
def field(published_run, census):
    """A published field run: in the busiest province P, 4 selected in commune A and 2 in B, 5 in A's reserve
    (places 1, 2, 3, 5, 6: place 4 is an agent selected in B), 2 of them also in B's reserve; in another province
    Q, one selected and one in reserve; an ineligible and a released candidate, on no list."""
    busiest = Counter(
        Application.objects.filter(campaign=census, status=Application.Status.SUBMITTED).values_list(
            "residence_commune__province_id", flat=True
        )
    ).most_common(2)
    province = Province.objects.get(pk=busiest[0][0])
    other = Province.objects.get(pk=busiest[1][0])
    a, b = Commune.objects.filter(province=province).order_by("code")[:2]
    q = Commune.objects.filter(province=other).order_by("code").first()
    run = SelectionRun.objects.create(
        campaign=census,
        stage=SelectionRun.Stage.FIELD,
        rules_version=published_run.rules_version,
        seed="final",
        status=SelectionRun.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    people = _residents(census, province, 13)
    selected_a = people[:4]
    selected_b = people[4:6]
    for application in selected_a:
        _decide(run, application, Outcome.ADMITTED, commune=a, entries=[(a.pk, 0)])
    # The first agent of B waits for A, which she ranked first: place 4 on A's list, not in A's reserve.
    _decide(run, selected_b[0], Outcome.ADMITTED, commune=b, entries=[(a.pk, 4), (b.pk, 0)])
    _decide(run, selected_b[1], Outcome.ADMITTED, commune=b, entries=[(b.pk, 0)])
    reserve = people[6:11]
    a_places = [5, 1, 6, 2, 3]
    b_places = {0: 2, 3: 1}
    for index, application in enumerate(reserve):
        entries = [(a.pk, a_places[index])]
        if index in b_places:
            entries.append((b.pk, b_places[index]))
        _decide(run, application, Outcome.WAITLISTED, entries=entries)
    _decide(run, people[11], Outcome.INELIGIBLE, entries=[(a.pk, 0)])
    _decide(run, people[12], Outcome.RELEASED, entries=[(a.pk, 0)])
    q_people = _residents(census, other, 2)
    _decide(run, q_people[0], Outcome.ADMITTED, commune=q, entries=[(q.pk, 0)])
    _decide(run, q_people[1], Outcome.WAITLISTED, entries=[(q.pk, 1)])
    for commune, needs in [(a, 4), (b, 3), (q, 1)]:
        SelectionCommuneResult.objects.create(
            run=run, commune=commune, needs=needs, places=needs, candidates=10, first_choice=5, admitted=needs,
            is_full=True, cutoff_priority=1, cutoff_lottery="1", waitlist_length=5,
        )  # fmt: skip
    return SimpleNamespace(
        run=run, campaign=census, province=province, other=other, a=a, b=b, q=q,
        selected_a=selected_a, selected_b=selected_b, reserve=reserve, a_places=a_places, b_places=b_places,
    )  # fmt: skip


def url(field, rest=""):
    return f"/fr/staff/interviews/{field.campaign.slug}/final/{rest}"


@pytest.fixture
def province_supervisor(supervisor, field):
    Assignment.objects.get(user=supervisor).provinces.set([field.province])
    return supervisor


# ------------------------------------------------------------------------------------------ the selector


def test_the_lists_equal_direct_queries(field):
    keys = province_keys(field.run, field.province)
    selected = {(key.application_id, key.commune_id) for key in keys if key.outcome == Outcome.ADMITTED}
    communes = set(Commune.objects.filter(province=field.province).values_list("pk", flat=True))
    assert selected == set(
        SelectionDecision.objects.filter(
            run=field.run, outcome=Outcome.ADMITTED, commune_id__in=communes
        ).values_list("application_id", "commune_id")
    )
    expected_reserve = set()
    for decision in SelectionDecision.objects.filter(run=field.run, outcome=Outcome.WAITLISTED):
        for commune_id, _priority, place in np.frombuffer(
            bytes(decision.choice_table), dtype=SelectionDecision.CHOICE_DTYPE
        ).tolist():
            if place and commune_id in communes:
                expected_reserve.add((decision.application_id, commune_id, place))
    reserve = {
        (key.application_id, key.commune_id, key.position)
        for key in keys
        if key.outcome == Outcome.WAITLISTED
    }
    assert reserve == expected_reserve and len(reserve) == 7
    # Neither the ineligible nor the released candidate, nor the other province's.
    assert len(keys) == 6 + 7


def test_the_reserve_is_ordered_by_place_after_the_selected(field):
    keys = province_keys(field.run, field.province, commune=field.a)
    assert [key.outcome for key in keys] == [Outcome.ADMITTED] * 4 + [Outcome.WAITLISTED] * 5
    assert [key.position for key in keys[4:]] == [1, 2, 3, 5, 6]
    by_place = dict(zip(field.a_places, field.reserve, strict=True))
    assert [key.application_id for key in keys[4:]] == [by_place[place].pk for place in (1, 2, 3, 5, 6)]


def test_the_places_are_those_after_the_promotion_rounds(field):
    # A round took place 4 of A's list away (B's first agent left it; the round zeroed her place there): the
    # candidates behind her move up one.
    promotion_round = PromotionRound.objects.create(
        run=field.run, number=1, input_digest="x", output_digest="y"
    )
    PromotionCommuneResult.objects.create(
        promotion_round=promotion_round, commune=field.a, admitted=4, is_full=True, cutoff_priority=1,
        cutoff_lottery="1", waitlist_length=4,
        departures=np.array([4], dtype=PromotionCommuneResult.DEPARTURES_DTYPE).tobytes(),
    )  # fmt: skip
    SelectionDecision.objects.filter(run=field.run, application=field.selected_b[0]).update(
        choice_table=_table([(field.a.pk, 0), (field.b.pk, 0)])
    )
    SelectionRun.objects.filter(pk=field.run.pk).update(promotion_round_count=1)
    keys = province_keys(field_run(field.campaign), field.province, commune=field.a)
    assert [key.position for key in keys[4:]] == [1, 2, 3, 4, 5]


def test_the_figures_per_province_count_the_lines(field):
    figures = {line.place.pk: line for line in province_figures(field.run, Scope(national=True))}
    assert (figures[field.province.pk].needs, figures[field.province.pk].selected) == (7, 6)
    assert (figures[field.province.pk].reserve, figures[field.province.pk].reserve_people) == (7, 5)
    assert (figures[field.other.pk].selected, figures[field.other.pk].reserve) == (1, 1)
    keys = province_keys(field.run, field.province)
    per_commune = {line.place.pk: line for line in commune_figures(field.run, field.province, keys)}
    assert (per_commune[field.a.pk].selected, per_commune[field.a.pk].reserve) == (4, 5)
    assert (per_commune[field.b.pk].selected, per_commune[field.b.pk].reserve) == (2, 2)
    # A supervisor's scope counts her provinces only.
    scoped = province_figures(field.run, Scope(province_ids=frozenset({field.other.pk})))
    assert [(line.place, line.selected, line.reserve, line.reserve_people) for line in scoped] == [
        (field.other, 1, 1, 1)
    ]


@pytest.mark.parametrize(
    ("cin", "shown"), [("AB123456", "AB123•••"), ("X1", "•••"), ("", "—"), ("  K9876  ", "K9•••")]
)
def test_a_posted_cin_hides_its_last_three_characters(cin, shown):
    assert masked_cin(cin) == shown


# ---------------------------------------------------------------------------------------------- the pages


def test_the_page_shows_the_figures_and_the_province_list(client, province_supervisor, field):
    client.force_login(province_supervisor)
    response = client.get(url(field))
    assert response.status_code == 200
    html = response.content.decode()
    assert field.province.name in html and field.other.name not in html
    assert "final/national/" not in html  # the national files are a central administrator's
    response = client.get(url(field, f"{field.province.code}/"), {"commune": field.a.pk})
    assert response.status_code == 200
    html = response.content.decode()
    for application in field.selected_a + field.reserve:
        assert application.last_name_latin in html
    # The reserve by place: place 1's name comes before place 2's, and so on.
    by_place = dict(zip(field.a_places, field.reserve, strict=True))
    positions = [html.index(by_place[place].cin) for place in (1, 2, 3, 5, 6)]
    assert positions == sorted(positions)


def test_the_province_list_is_paginated(client, central_admin, field, monkeypatch):
    from bawaba.interviews.staff.final import views

    monkeypatch.setattr(views, "LINES_PER_PAGE", 5)
    client.force_login(central_admin)
    first = client.get(url(field, f"{field.province.code}/")).content.decode()
    third = client.get(url(field, f"{field.province.code}/"), {"page": "3"}).content.decode()
    last_page = client.get(url(field, f"{field.province.code}/"), {"page": "999999999999999999999"})
    assert last_page.status_code == 200
    cins = [application.cin for application in field.selected_a + field.selected_b + field.reserve]

    def shown(html):
        return {cin for cin in cins if cin in html}

    assert len(shown(first)) == 5 and len(shown(third)) == 3  # 13 lines: 5, 5, 3
    assert shown(last_page.content.decode()) == shown(third)
    assert "page=2" in first


def test_a_supervisor_gets_404_on_another_province_and_the_national_files(client, province_supervisor, field):
    client.force_login(province_supervisor)
    for rest in ["", "list.csv", "list.xlsx", "list.pdf"]:
        assert client.get(url(field, f"{field.province.code}/{rest}")).status_code == 200, rest
        assert client.get(url(field, f"{field.other.code}/{rest}")).status_code == 404, rest
    assert client.post(url(field, "national/"), {"format": "csv"}).status_code == 404
    assert not PreparedFile.objects.exists()
    # A commune of another province does not open on her province's page.
    assert client.get(url(field, f"{field.province.code}/"), {"commune": field.q.pk}).status_code == 404
    assert (
        client.get(url(field, f"{field.province.code}/list.pdf"), {"commune": field.q.pk}).status_code == 404
    )


def test_without_a_published_field_run_the_pages_say_so(client, central_admin, published_run, census):
    client.force_login(central_admin)
    message = "pas encore publiée"
    response = client.get(f"/fr/staff/interviews/{census.slug}/final/")
    assert response.status_code == 200 and message in response.content.decode()
    code = Province.objects.order_by("code").first().code
    response = client.get(f"/fr/staff/interviews/{census.slug}/final/{code}/")
    assert response.status_code == 200 and message in response.content.decode()
    for rest in [
        f"{code}/list.csv",
        f"{code}/list.xlsx",
        f"{code}/list.pdf",
    ]:
        assert client.get(f"/fr/staff/interviews/{census.slug}/final/{rest}").status_code == 404
    national = f"/fr/staff/interviews/{census.slug}/final/national/"
    assert client.post(national, {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("code", ["nope", "\x00", "1\x00", "9" * 5000, "../x"])
def test_a_malformed_province_code_is_not_found(client, central_admin, field, code):
    client.force_login(central_admin)
    for rest in ["", "list.csv", "list.xlsx", "list.pdf"]:
        assert client.get(url(field, f"{code}/{rest}")).status_code == 404


@pytest.mark.parametrize("value", ["\x00", "abc", str(2**63), "-1", "0", "1e400"])
def test_a_malformed_commune_is_not_found_and_a_malformed_page_is_the_first(
    client, central_admin, field, value
):
    client.force_login(central_admin)
    page = url(field, f"{field.province.code}/")
    assert client.get(page, {"commune": value}).status_code == 404
    assert client.get(url(field, f"{field.province.code}/list.pdf"), {"commune": value}).status_code == 404
    assert client.get(page, {"page": value}).status_code == 200
    assert client.get(url(field, f"{field.province.code}/list.pdf"), {"part": value}).status_code == 404


# ---------------------------------------------------------------------------------------------- the files


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_province_csv_reads_back_with_the_full_data(client, province_supervisor, field):
    client.force_login(province_supervisor)
    response = client.get(url(field, f"{field.province.code}/list.csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert len(rows) == 13
    assert Counter(row["Liste"] for row in rows) == {"Liste principale": 6, "Liste d’attente": 7}
    a_reserve = [
        row
        for row in rows
        if row["Code de la commune"] == field.a.code and row["Place sur la liste d’attente"]
    ]
    assert [int(row["Place sur la liste d’attente"]) for row in a_reserve] == [1, 2, 3, 5, 6]
    cins = {row["CIN"] for row in rows}
    assert {application.cin for application in field.selected_a + field.reserve} <= cins
    event = AuditEvent.objects.get(action="interviews.final_list_exported")
    assert event.actor == province_supervisor and event.data == {
        "format": "csv",
        "province": field.province.code,
    }


def national_file(client, field, file_format: str, language: str = "fr", capture=None):
    """Ask for the national list as a central administrator, let the worker make it (the task runs once the
    request's transaction commits), and download it from her files."""
    with capture(execute=True):
        response = client.post(
            f"/{language}/staff/interviews/{field.campaign.slug}/final/national/", {"format": file_format}
        )
    assert response.status_code == 302 and response["Location"] == f"/{language}/staff/files/"
    prepared = PreparedFile.objects.latest("pk")
    assert prepared.is_ready, prepared
    download = client.get(f"/{language}/staff/files/{prepared.pk}/")
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    return download


def test_the_national_csv_holds_every_province(
    client, central_admin, field, django_capture_on_commit_callbacks
):
    client.force_login(central_admin)
    rows = _csv(national_file(client, field, "csv", capture=django_capture_on_commit_callbacks))
    assert Counter(row["Code de la province"] for row in rows) == {
        field.province.code: 13,
        field.other.code: 2,
    }
    assert PreparedFile.objects.get().lines == 15
    # Asked again while the first is still being made, it is not made twice.
    PreparedFile.objects.update(finished_at=None, started_at=None)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        client.post(url(field, "national/"), {"format": "csv"})
    assert queued == [] and PreparedFile.objects.count() == 1
    assert client.post(url(field, "national/"), {"format": "pdf"}).status_code == 400


def test_the_xlsx_reads_back_equal_to_the_page_figures(client, province_supervisor, field):
    client.force_login(province_supervisor)
    response = client.get(url(field, f"{field.province.code}/list.xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = workbook.worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    column = {name: index for index, name in enumerate(header)}
    keys = province_keys(field.run, field.province)
    figures = {line.place.code: line for line in commune_figures(field.run, field.province, keys)}
    counted: Counter = Counter()
    for row in rows:
        counted[(row[column["Code de la commune"]], row[column["Liste"]])] += 1
        assert isinstance(row[column["CIN"]], str)
    for code, line in figures.items():
        assert counted[(code, "Liste principale")] == line.selected
        assert counted[(code, "Liste d’attente")] == line.reserve
    assert (
        AuditEvent.objects.filter(action="interviews.final_list_exported", data__format="xlsx").count() == 1
    )


def test_an_arabic_xlsx_is_right_to_left(client, central_admin, field, django_capture_on_commit_callbacks):
    client.force_login(central_admin)
    response = national_file(client, field, "xlsx", "ar", capture=django_capture_on_commit_callbacks)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.worksheets[0].sheet_view.rightToLeft
    assert workbook.worksheets[0].max_row == 1 + 15


def test_the_pdf_to_post_shows_names_and_a_masked_cin(client, province_supervisor, field):
    client.force_login(province_supervisor)
    response = client.get(url(field, f"{field.province.code}/list.pdf"), {"commune": field.a.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    squeezed = text.replace(" ", "").replace("\n", "")
    for application in field.selected_a + field.reserve:
        assert application.last_name_latin.replace(" ", "") in squeezed
        assert application.cin not in squeezed
        assert masked_cin(application.cin).replace("•", "") in squeezed
    event = AuditEvent.objects.get(action="interviews.final_list_exported")
    assert event.data == {"format": "pdf", "province": f"{field.province.code}/{field.a.code}", "part": 1}


def test_a_long_list_is_printed_in_parts(client, central_admin, field, monkeypatch):
    from bawaba.interviews.staff.final import views

    monkeypatch.setattr(views, "PRINT_LINES", 5)
    client.force_login(central_admin)
    page = client.get(url(field, f"{field.province.code}/")).content.decode()
    assert page.count("list.pdf?part=") == 3  # 13 lines: 5, 5 and 3
    # A commune of more lines than a part is printed in parts from its own page; a smaller one at once.
    assert f'href="?commune={field.a.pk}">' in page and f"list.pdf?commune={field.b.pk}" in page
    pdf = url(field, f"{field.province.code}/list.pdf")
    texts = []
    for part in ("1", "2", "3"):
        response = client.get(pdf, {"part": part})
        assert response.status_code == 200
        texts.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    cins = [masked_cin(a.cin).replace("•", "") for a in field.selected_a + field.selected_b + field.reserve]
    assert [sum(cin in text for cin in set(cins)) > 0 for text in texts] == [True, True, True]
    for bad in ["4", "0", "\x00", "abc", str(2**63)]:
        assert client.get(pdf, {"part": bad}).status_code == 404, bad


def test_the_arabic_pdf_is_laid_out_right_to_left(client, central_admin, field):
    client.force_login(central_admin)
    response = client.get(f"/ar/staff/interviews/{field.campaign.slug}/final/{field.province.code}/list.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1


def test_the_campaign_page_links_to_the_final_lists(client, central_admin, field):
    client.force_login(central_admin)
    html = client.get("/fr/staff/interviews/").content.decode()
    assert url(field) in html


def test_the_staff_files_carry_the_interview_score(client, central_admin, field):
    from bawaba.interviews.defaults import DEFAULT_GRID
    from bawaba.interviews.models import Convocation, InterviewGrid, InterviewScore
    from bawaba.interviews.services.sessions import create_session
    from bawaba.interviews.tests.test_convocations import plan

    session = create_session(
        campaign=field.campaign, province=field.province, plan=plan(), interviewers=[], actor=central_admin,
        today=timezone.localdate(),
    )  # fmt: skip
    grid = InterviewGrid.objects.create(campaign=field.campaign, version=1, grid=DEFAULT_GRID)
    scored = field.reserve[0]
    convocation = Convocation.objects.create(
        campaign=field.campaign,
        application=scored,
        slot=session.slots.first(),
        status=Convocation.Status.PRESENT,
    )
    InterviewScore.objects.create(convocation=convocation, grid=grid, levels={}, score=7525)
    client.force_login(central_admin)
    rows = _csv(client.get(url(field, f"{field.province.code}/list.csv")))
    scores = {row["CIN"]: row["Note d’entretien (sur 100)"] for row in rows}
    assert scores[scored.cin] == "75.25"
    assert {scores[application.cin] for application in field.selected_a} == {""}
    html = client.get(url(field, f"{field.province.code}/"), {"commune": field.a.pk}).content.decode()
    assert "75,25" in html or "75.25" in html


def test_a_text_that_looks_like_a_formula_stays_text_in_the_files():
    from decimal import Decimal

    from bawaba.interviews.final_exports import csv_rows, xlsx_file
    from bawaba.interviews.final_lists import FinalLine

    place = SimpleNamespace(pk=1, name="Anfa", code="06.141")
    line = FinalLine(
        province=place, commune=place, outcome=Outcome.WAITLISTED, position=3, application_id=1, cin="AB1",
        last_name_ar="", first_name_ar="", last_name_latin='=HYPERLINK("http://x")', first_name_latin="+1",
        interview_score=Decimal("75.25"),
    )  # fmt: skip
    written = next(csv_rows([line]))
    assert written[9] == '\'=HYPERLINK("http://x")' and written[10] == "'+1"
    sheet = load_workbook(xlsx_file([line], title="x", right_to_left=False)).worksheets[0]
    cell = sheet.cell(row=2, column=10)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert sheet.cell(row=2, column=11).value == "+1" and sheet.cell(row=2, column=12).value == 75.25
