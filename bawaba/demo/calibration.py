"""MISSION.md's figures for the 2024 census registration, as constants the demo generator is calibrated to.

Regions are keyed by their HCP code (01..12), the key the territory tables use; the names are MISSION.md's.
Each table here sums to MISSION.md's printed total (checked by the tests), so scale 1 reproduces the document.
"""

from types import MappingProxyType

REGION_NAMES = MappingProxyType(
    {
        "01": "Tanger-Tétouan-Al Hoceïma",
        "02": "Oriental",
        "03": "Fès-Meknès",
        "04": "Rabat-Salé-Kénitra",
        "05": "Béni Mellal-Khénifra",
        "06": "Casablanca-Settat",
        "07": "Marrakech-Safi",
        "08": "Drâa-Tafilalet",
        "09": "Souss-Massa",
        "10": "Guelmim-Oued Noun",
        "11": "Laâyoune-Sakia El Hamra",
        "12": "Dakhla-Oued Ed-Dahab",
    }
)
REGION_CODES: tuple[str, ...] = tuple(sorted(REGION_NAMES))

TOTAL_CANDIDATES = 488_321
TOTAL_TRAINING_NEEDS = 199_416
TOTAL_FIELD_NEEDS = 49_854
TOTAL_INVITED_TO_TRAINING = 201_322

# "Candidacies against training needs, by region".
CANDIDACIES_BY_REGION = MappingProxyType(
    {
        "06": 72_401,
        "03": 64_102,
        "07": 63_197,
        "04": 59_368,
        "01": 54_355,
        "09": 49_183,
        "08": 37_701,
        "05": 36_654,
        "02": 27_424,
        "10": 12_035,
        "11": 9_523,
        "12": 2_378,
    }
)
TRAINING_NEEDS_BY_REGION = MappingProxyType(
    {
        "06": 42_204,
        "03": 24_048,
        "07": 26_040,
        "04": 26_892,
        "01": 23_368,
        "09": 17_044,
        "08": 7_776,
        "05": 13_332,
        "02": 12_848,
        "10": 2_536,
        "11": 2_324,
        "12": 1_004,
    }
)
# The same table's ratio column, as the source prints it (candidacies / needs in whole percent), and its total row.
CANDIDACY_RATIO_PERCENT_BY_REGION = MappingProxyType(
    {"06": 172, "03": 267, "07": 243, "04": 221, "01": 233, "09": 289, "08": 485, "05": 275, "02": 213, "10": 475,
     "11": 410, "12": 237}
)  # fmt: skip
CANDIDACY_RATIO_PERCENT_TOTAL = 245

# "Invited to the remote training, by region (with the field staff the region needs)".
INVITED_TO_TRAINING_BY_REGION = MappingProxyType(
    {
        "06": 39_614,
        "03": 24_790,
        "07": 26_702,
        "04": 27_944,
        "01": 24_251,
        "09": 17_505,
        "08": 7_877,
        "05": 13_967,
        "02": 12_424,
        "10": 2_640,
        "11": 2_542,
        "12": 1_066,
    }
)
FIELD_NEEDS_BY_REGION = MappingProxyType(
    {
        "06": 10_551,
        "03": 6_012,
        "07": 6_510,
        "04": 6_723,
        "01": 5_842,
        "09": 4_261,
        "08": 1_944,
        "05": 3_333,
        "02": 3_212,
        "10": 634,
        "11": 581,
        "12": 251,
    }
)

# "Registrations: 488,321 candidates nationally, by category", keyed by Application.Category values.
CANDIDATES_BY_CATEGORY = MappingProxyType(
    {
        "graduate": 204_936,
        "student": 139_718,
        "civil_servant": 94_026,
        "private_employee": 41_684,
        "public_retiree": 7_957,
    }
)
CATEGORY_CODES: tuple[str, ...] = tuple(CANDIDATES_BY_CATEGORY)


def in_region_order(table: MappingProxyType) -> list[int]:
    """A per-region table as a list in REGION_CODES order (01..12), the order of the generator's arrays."""
    return [table[code] for code in REGION_CODES]
