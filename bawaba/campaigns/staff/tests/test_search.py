"""The staff search: a CIN, an e-mail address or names (Arabic-aware), and a commune, each finding the right rows."""

import pytest
from hypothesis import given

from bawaba.accounts.tests.factories import UserFactory
from bawaba.campaigns.models import ApplicationChoice
from bawaba.campaigns.search import search_name_for
from bawaba.campaigns.staff.selectors import (
    BIG_COMMUNE_POPULATION,
    QueryKind,
    applications_for_staff,
    classify_query,
)
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.core.cin import normalise_cin
from bawaba.core.tests.test_cin import typed_cins
from bawaba.territory.models import Commune


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("AB123456", QueryKind.CIN, "AB123456"),
        ("  ab 123 456 ", QueryKind.CIN, "AB123456"),
        ("k-98765", QueryKind.CIN, "K98765"),
        ("Amina.Alaoui@Example.MA", QueryKind.EMAIL, "amina.alaoui@example.ma"),
        ("", QueryKind.NONE, ""),
        ("   ", QueryKind.NONE, ""),
    ],
)
def test_a_query_is_read_as_a_cin_an_email_or_nothing(text, kind, value):
    parsed = classify_query(text)
    assert parsed.kind == kind
    assert value in (parsed.cin, parsed.email, "")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Éloïse  EL IDRISSI", ("eloise", "el", "idrissi")),
        ("أَحْمَد بناني", ("احمد", "بناني")),
        ("ABC", ("abc",)),  # letters only, no digits: a name, not a CIN
        ("amina amina", ("amina",)),
    ],
)
def test_anything_else_is_names_folded_like_the_index(text, words):
    parsed = classify_query(text)
    assert parsed.kind == QueryKind.NAME
    assert parsed.words == words


@given(typed_cins())
def test_the_staff_search_reads_a_cin_exactly_as_the_form_stores_it(case):
    canonical, typed = case
    parsed = classify_query(typed)
    assert parsed.kind == QueryKind.CIN
    assert parsed.cin == normalise_cin(typed) == canonical


@pytest.mark.parametrize("typed", ["AB12345678", "ab١٢٣٤٥٦٧٨"])
def test_a_number_the_form_refuses_is_not_searched_as_a_cin(typed):
    assert classify_query(typed).kind != QueryKind.CIN


def test_search_name_joins_the_four_names_folded():
    assert search_name_for("أَحْمَد", "العلويّ", "Ahmed", "ÉL Alaoui") == "احمد العلوي ahmed el alaoui"
    assert search_name_for("", "", "", "") == ""
    assert len(search_name_for("ﷺ" * 80, "ﷺ" * 80, "x" * 80, "y" * 80)) <= 400


def _found(**filters) -> list[int]:
    return [application.pk for application in applications_for_staff(**filters)]


def test_finds_a_cin_however_it_is_typed(make_application):
    wanted = make_application(cin="AB123456")
    make_application(cin="AB1234567")
    make_application(cin="B123456")
    for typed in ("AB123456", "ab123456", " ab 123 456 ", "Ab-123-456"):
        assert _found(query=typed) == [wanted.pk], typed


def test_finds_an_email_address_in_any_case(make_application):
    wanted = make_application(user=UserFactory(email="fatima.zahra@example.ma"))
    make_application(user=UserFactory(email="zahra@example.ma"))
    assert _found(query="Fatima.Zahra@EXAMPLE.ma") == [wanted.pk]
    assert _found(query="zahra@example") == []  # an address is matched whole, never in part


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("أحمد", "احمد"),
        ("احمد", "أحمد"),
        ("فاطمة", "فاطمه"),
        ("فاطمه", "فَاطِمَة"),
        ("إبراهيم", "ابراهيم"),
        ("مصطفى", "مصطفي"),
        ("محمد", "محـــمد"),
    ],
)
def test_finds_an_arabic_name_whatever_its_spelling(make_application, stored, typed):
    wanted = make_application(first_name_ar=stored, last_name_ar="بناني")
    make_application(first_name_ar="سعيد", last_name_ar="بناني")
    assert _found(query=typed) == [wanted.pk]
    assert _found(query=f"{typed} بناني") == [wanted.pk]


def test_finds_a_latin_name_without_its_accents_or_case(make_application):
    eloise = make_application(first_name_latin="Éloïse", last_name_latin="El Idrissi")
    amina = make_application(first_name_latin="Amina", last_name_latin="Alaoui")
    assert _found(query="eloise") == [eloise.pk]
    assert _found(query="ÉLOÏSE idrissi") == [eloise.pk]
    assert _found(query="ALAOUI amina") == [amina.pk]
    assert _found(query="amina idrissi") == []  # every word must match the same application
    assert _found(query="idris") == [eloise.pk]  # a word may be part of a name


def test_a_name_search_matches_both_scripts_of_one_application(make_application):
    both = make_application(
        first_name_ar="يوسف", last_name_ar="العمراني", first_name_latin="Youssef", last_name_latin="El Amrani"
    )
    assert _found(query="يوسف amrani") == [both.pk]


@pytest.mark.parametrize("text", ["؟ !", "\u064b\u0640"])  # punctuation; a lone tanween and a tatweel
def test_a_query_of_nothing_searchable_finds_nothing(make_application, text):
    make_application()
    assert _found(query=text) == []


def test_filters_by_campaign(make_application):
    other = CampaignFactory()
    mine = make_application()
    make_application(campaign=other)
    assert _found(campaign=mine.campaign) == [mine.pk]


@pytest.mark.parametrize("population", [5_000, BIG_COMMUNE_POPULATION], ids=["small commune", "big city"])
def test_a_commune_matches_residence_or_any_choice_once(territory, make_application, population):
    home, other, third = (Commune.objects.order_by("code")[i] for i in (0, 1, 2))
    Commune.objects.filter(pk__in=[home.pk, third.pk]).update(population_2024=population)
    home.refresh_from_db()
    third.refresh_from_db()
    lives_there = make_application(residence_commune=home)
    chose_it = make_application(residence_commune=other)
    both = make_application(residence_commune=home)
    neither = make_application(residence_commune=other)
    ApplicationChoice.objects.create(application=chose_it, rank=2, commune=home)
    ApplicationChoice.objects.create(application=chose_it, rank=1, commune=third)
    ApplicationChoice.objects.create(application=both, rank=1, commune=home)
    ApplicationChoice.objects.create(application=neither, rank=1, commune=third)

    assert _found(commune=home) == [both.pk, chose_it.pk, lives_there.pk]  # newest first, each once
    assert _found(commune=third) == [neither.pk, chose_it.pk]
    found = {a.pk: a.choice_count for a in applications_for_staff(commune=home)}
    assert found == {both.pk: 1, chose_it.pk: 2, lives_there.pk: 0}


@pytest.mark.parametrize("population", [5_000, BIG_COMMUNE_POPULATION], ids=["small commune", "big city"])
def test_filters_combine(territory, make_application, population):
    commune = Commune.objects.order_by("code").first()
    commune.population_2024 = population
    wanted = make_application(first_name_latin="Nadia", residence_commune=commune)
    make_application(first_name_latin="Nadia")
    make_application(first_name_latin="Samira", residence_commune=commune)
    assert _found(query="nadia", commune=commune, campaign=wanted.campaign) == [wanted.pk]
