"""The pure generator: marginals calibrated to MISSION.md, plausible candidates, determinism. No database."""

import re

import numpy as np
import pytest

from bawaba.campaigns.models import Application
from bawaba.demo import calibration, generator, vocabulary
from bawaba.demo.generator import apportion, generate_candidates, generate_needs, scaled_total

SCALE = 0.01
SEED = 11


@pytest.fixture(scope="module")
def candidates(package_territory):
    return generate_candidates(territory=package_territory, scale=SCALE, seed=SEED)


def ages(candidates) -> np.ndarray:
    return (np.datetime64(generator.REGISTRATION_OPENS_ON, "D") - candidates.birth_date).astype(
        int
    ) / 365.2425


def test_tables_sum_to_mission_totals():
    assert sum(calibration.CANDIDACIES_BY_REGION.values()) == calibration.TOTAL_CANDIDATES
    assert sum(calibration.CANDIDATES_BY_CATEGORY.values()) == calibration.TOTAL_CANDIDATES
    assert sum(calibration.TRAINING_NEEDS_BY_REGION.values()) == calibration.TOTAL_TRAINING_NEEDS
    assert sum(calibration.FIELD_NEEDS_BY_REGION.values()) == calibration.TOTAL_FIELD_NEEDS
    assert sum(calibration.INVITED_TO_TRAINING_BY_REGION.values()) == calibration.TOTAL_INVITED_TO_TRAINING
    assert calibration.REGION_CODES == tuple(f"{i:02d}" for i in range(1, 13))


def test_codes_mirror_the_application_model():
    assert set(generator.CATEGORIES) == set(Application.Category.values)
    assert generator.EDUCATION_LEVELS == tuple(Application.EducationLevel.values)
    assert set(generator.LANGUAGES) == set(Application.Language.values)


def test_counts_per_region_and_category_are_the_tables_apportioned(candidates):
    total = scaled_total(calibration.TOTAL_CANDIDATES, SCALE)
    assert len(candidates) == total
    regions = calibration.in_region_order(calibration.CANDIDACIES_BY_REGION)
    assert np.bincount(candidates.region, minlength=12).tolist() == apportion(total, regions).tolist()
    categories = list(calibration.CANDIDATES_BY_CATEGORY.values())
    assert np.bincount(candidates.category, minlength=5).tolist() == apportion(total, categories).tolist()


def test_residence_is_in_the_candidates_region(candidates, package_territory):
    assert np.array_equal(package_territory.region[candidates.residence], candidates.region)


def test_needs_are_the_tables_at_scale_one_split_by_households(package_territory):
    for table in (calibration.TRAINING_NEEDS_BY_REGION, calibration.FIELD_NEEDS_BY_REGION):
        by_region = calibration.in_region_order(table)
        needs = generate_needs(territory=package_territory, by_region=by_region, scale=1)
        assert (needs.quantity > 0).all()
        per_region = np.bincount(
            package_territory.region[needs.commune], weights=needs.quantity, minlength=12
        )
        assert per_region.astype(int).tolist() == by_region
        # Within a region, a commune with more households never needs fewer people.
        for r in range(12):
            in_region = package_territory.region == r
            quantity = np.zeros(len(package_territory), dtype=int)
            quantity[needs.commune] = needs.quantity
            order = np.argsort(package_territory.households[in_region], kind="stable")
            assert (np.diff(quantity[in_region][order]) >= -1).all()


def test_needs_at_a_small_scale_are_exact_after_rounding(package_territory):
    by_region = calibration.in_region_order(calibration.TRAINING_NEEDS_BY_REGION)
    needs = generate_needs(territory=package_territory, by_region=by_region, scale=SCALE)
    expected = apportion(scaled_total(calibration.TOTAL_TRAINING_NEEDS, SCALE), by_region)
    per_region = np.bincount(package_territory.region[needs.commune], weights=needs.quantity, minlength=12)
    assert per_region.astype(int).tolist() == expected.tolist()
    assert (needs.quantity > 0).all()


def test_same_seed_gives_byte_identical_arrays(candidates, package_territory):
    again = generate_candidates(territory=package_territory, scale=SCALE, seed=SEED)
    for name, values in candidates.arrays().items():
        assert values.dtype == again.arrays()[name].dtype
        assert values.tobytes() == again.arrays()[name].tobytes(), name


def test_another_seed_gives_other_candidates(candidates, package_territory):
    other = generate_candidates(territory=package_territory, scale=SCALE, seed=SEED + 1)
    assert other.residence.tobytes() != candidates.residence.tobytes()
    # The marginals, being apportioned rather than drawn, do not move.
    assert np.array_equal(np.bincount(other.region), np.bincount(candidates.region))
    assert np.array_equal(np.bincount(other.category), np.bincount(candidates.category))


def test_choices_are_ranked_distinct_communes(candidates):
    count, choices = candidates.choice_count, candidates.choices
    assert ((count >= 1) & (count <= generator.MAX_CHOICES)).all()
    filled = choices >= 0
    # Ranks fill from the first: exactly `count` filled places, all on the left.
    assert np.array_equal(filled.sum(axis=1), count)
    assert np.array_equal(filled, np.arange(generator.MAX_CHOICES)[None, :] < count[:, None])
    ordered = np.sort(np.where(filled, choices, -1 - np.arange(generator.MAX_CHOICES)), axis=1)
    assert (np.diff(ordered, axis=1) != 0).all()
    assert np.mean(count == generator.MAX_CHOICES) > 0.7


def test_choices_stay_mostly_near_home(candidates, package_territory):
    filled = candidates.choices >= 0
    chosen = np.where(filled, candidates.choices, 0)
    home_province = package_territory.province[candidates.residence][:, None]
    home_region = package_territory.region[candidates.residence][:, None]
    in_province = (package_territory.province[chosen] == home_province) & filled
    in_region = (package_territory.region[chosen] == home_region) & filled
    assert in_province.sum() / filled.sum() > 0.6
    assert in_region.sum() / filled.sum() > 0.85
    assert np.mean(candidates.choices[:, 0] == candidates.residence) > 0.8


def test_attributes_fit_the_category(candidates):
    age = ages(candidates)
    category = np.array(generator.CATEGORIES)[candidates.category]
    level = candidates.education_level
    assert age.min() >= 18 and age.max() < 66
    assert age[category == "student"].max() < 40
    assert age[category == "public_retiree"].min() >= 55
    assert (level[category == "graduate"] >= generator.EDUCATION_LEVELS.index("bac_2")).all()
    assert (level[category == "student"] >= generator.EDUCATION_LEVELS.index("baccalaureate")).all()
    assert (level[category == "student"] <= generator.EDUCATION_LEVELS.index("bac_5")).all()
    assert age[level == generator.EDUCATION_LEVELS.index("doctorate")].min() >= 27
    # A baccalaureate stream up to the baccalaureate, a university field after it.
    school = candidates.education_field < len(vocabulary.SCHOOL_FIELDS)
    assert np.array_equal(school, level <= 1)
    assert set(np.unique(candidates.ict_skill).tolist()) <= {0, 1, 2, 3}


def test_survey_experience_is_possible_at_the_candidates_age(candidates):
    bits = np.array(
        [[mask >> i & 1 for i in range(len(vocabulary.SURVEYS))] for mask in candidates.survey_mask]
    )
    assert np.array_equal(bits.sum(axis=1), candidates.survey_count)
    assert np.mean(candidates.survey_count == 0) > 0.6
    birth_year = generator.REGISTRATION_OPENS_ON.year - ages(candidates)
    for i, (_, year) in enumerate(vocabulary.SURVEYS):
        assert (year - birth_year[bits[:, i] == 1] >= 18).all()


def test_languages_follow_the_regions(candidates):
    def share(code, region_codes):
        wanted = np.isin(candidates.region, [calibration.REGION_CODES.index(r) for r in region_codes])
        return np.mean((candidates.language_mask[wanted] >> generator.LANGUAGES.index(code)) & 1)

    assert (candidates.language_mask > 0).all()
    assert share("ar", calibration.REGION_CODES) > 0.9
    assert share("mey", ["11", "12"]) > 0.4
    assert share("mey", ["01", "03", "04", "06"]) == 0
    assert share("shi", ["09"]) > 0.4
    assert share("rif", ["01", "02"]) > 0.1
    assert share("rif", ["09", "10", "11", "12"]) == 0
    assert share("tzm", ["08"]) > 0.3


def test_names_cin_and_phones_look_moroccan(candidates):
    female = candidates.female
    women = len(vocabulary.FEMALE_FIRST_NAMES)
    assert (candidates.first_name[female] < women).all()
    assert (candidates.first_name[~female] >= women).all()
    cins = candidates.cin_strings()
    assert len(set(cins)) == len(cins)
    assert all(re.fullmatch(r"[A-Z]{1,2}\d{4,6}", cin) for cin in cins)
    assert all(re.fullmatch(r"\+212[67]\d{8}", phone) for phone in candidates.phone_strings())


def test_registrations_fill_the_window_busiest_at_both_ends(candidates):
    submitted, registered = candidates.submitted_after, candidates.registered_after
    assert submitted.min() >= 0 and submitted.max() < generator.REGISTRATION_SECONDS
    assert (registered <= submitted).all() and registered.min() >= 0
    assert (np.diff(submitted) >= 0).all()  # ids follow submission order
    per_day = np.bincount(submitted // 86_400, minlength=generator.REGISTRATION_DAYS)
    middle = np.median(per_day)
    assert per_day[0] > 2 * middle and per_day[-1] > 2 * middle
