"""Places and people for the staff accounts tests: a small territory of their own (fast), an administration."""

import pytest

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import staff_member
from bawaba.administrations.models import Administration
from bawaba.territory.models import Province, Region

BASE_URL = "http://testserver/"


@pytest.fixture
def places(db):
    north = Region.objects.create(code="91", name_fr="Nord", name_ar="الشمال")
    south = Region.objects.create(code="92", name_fr="Sud", name_ar="الجنوب")
    provinces = [
        Province.objects.create(
            code=code, name_fr=f"P{code}", name_ar="إقليم", region=region, kind="province"
        )
        for code, region in (("91.001", north), ("91.002", north), ("92.001", south))
    ]
    administration = Administration.objects.create(code="hcp", name_ar="المندوبية", name_fr="HCP")
    return {"north": north, "south": south, "provinces": provinces, "administration": administration}


@pytest.fixture
def coordinator(db, places):
    return staff_member(
        Assignment.Role.REGIONAL_COORDINATOR, region=places["north"], email="coord@example.ma"
    )


@pytest.fixture
def province_supervisor(db, places):
    return staff_member(
        Assignment.Role.PROVINCIAL_SUPERVISOR, provinces=[places["provinces"][0]], email="sup@example.ma"
    )
