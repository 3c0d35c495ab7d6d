from collections import Counter

import pytest
from django.core.management import call_command

from bawaba.core.models import AuditEvent
from bawaba.territory.models import Arrondissement, Commune, Province, Region
from bawaba.territory.services import load_territory


def _snapshot() -> list[tuple]:
    return [
        tuple(model.objects.order_by("code").values_list())
        for model in (Region, Province, Commune, Arrondissement)
    ]


def test_loads_the_national_territory(territory):
    assert Region.objects.count() == 12
    assert Province.objects.count() == 75
    assert Commune.objects.count() == 1503
    assert Arrondissement.objects.count() == 41
    assert Counter(Province.objects.values_list("kind", flat=True)) == {"province": 62, "prefecture": 13}
    assert Counter(Commune.objects.values_list("kind", flat=True)) == {"rural": 1261, "urban": 242}


def test_every_commune_agrees_with_its_province_region_and_code(territory):
    for code, province_code, region_code, province_region in Commune.objects.values_list(
        "code", "province__code", "region__code", "province__region__code"
    ):
        assert code.startswith(province_code + ".")
        assert region_code == province_region == code[:2]


def test_casablanca_has_its_sixteen_arrondissements_and_names_in_both_scripts(territory):
    casablanca = Commune.objects.get(code="06.141.01.0")
    assert casablanca.arrondissements.count() == 16
    assert casablanca.name_fr == "Casablanca"
    assert casablanca.name_ar == "الدار البيضاء"
    assert casablanca.households_2024 > 0


def test_loading_twice_changes_nothing(territory):
    before = _snapshot()
    events = AuditEvent.objects.count()

    report = load_territory(centroids_csv=None)

    assert not report.changed
    assert report.created == {"region": 0, "province": 0, "commune": 0, "arrondissement": 0}
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events  # an unchanged load leaves no audit row


def test_a_drifted_row_is_restored_and_keeps_its_id(territory):
    commune = Commune.objects.get(code="01.511.01.01")
    Commune.objects.filter(pk=commune.pk).update(name_fr="Wrong", population_2024=1)

    report = load_territory(centroids_csv=None)

    assert report.updated["commune"] == 1
    restored = Commune.objects.get(code="01.511.01.01")
    assert (restored.pk, restored.name_fr, restored.population_2024) == (commune.pk, "Assilah", 36039)


def test_centroids_come_from_the_csv_when_given(db, tmp_path):
    csv_file = tmp_path / "communes.csv"
    csv_file.write_text(
        "code,kind,lat,lon\n"
        "01.511.01.01,urbaine,35.47643,-6.00869\n"
        "04.281.05.11,rurale,,\n"  # no centroid upstream: stays empty
        "06.141.01.03,arrondissement,33.1,-7.5\n",
        encoding="utf-8",
    )

    report = load_territory(centroids_csv=csv_file)

    assert report.centroids == 1
    assilah = Commune.objects.get(code="01.511.01.01")
    assert (assilah.latitude, assilah.longitude) == (35.47643, -6.00869)
    assert Commune.objects.get(code="04.281.05.11").latitude is None


def test_command_reports_nothing_to_change_on_the_second_run(db, capsys):
    call_command("load_territory", "--no-centroids")
    capsys.readouterr()

    call_command("load_territory", "--no-centroids")

    assert "Nothing to change." in capsys.readouterr().out


def test_command_refuses_a_missing_centroid_file(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No such file"):
        call_command("load_territory", "--centroids", str(tmp_path / "missing.csv"))


def test_the_shipped_centroids_cover_every_commune_but_one_and_stay_in_morocco():
    from django.conf import settings

    from bawaba.territory.services import read_centroids

    path = settings.BAWABA_TERRITORY_CENTROIDS
    assert path.is_relative_to(settings.BASE_DIR)  # in the repository: a fresh clone has them
    assert (path.parent / "SOURCES.md").is_file() and "OpenStreetMap" in (path.parent / "LICENSE").read_text()
    centroids = read_centroids(path)
    assert len(centroids) == 1502
    assert "04.281.05.11" not in centroids  # Sidi Mohamed Benmansour: none upstream (SOURCES.md)
    for lat, lon in centroids.values():
        assert 20.5 < lat < 36.1 and -17.2 < lon < -0.9


def test_the_command_loads_the_shipped_centroids_by_default(db, capsys):
    call_command("load_territory")

    assert "centroids: 1502" in capsys.readouterr().out
    missing = Commune.objects.filter(latitude__isnull=True)
    assert list(missing.values_list("code", flat=True)) == ["04.281.05.11"]
    assilah = Commune.objects.get(code="01.511.01.01")
    assert (assilah.latitude, assilah.longitude) == (35.47643, -6.00869)
