"""Numbers and genders agree in Arabic and French: counted nouns go through gettext's plural forms (Arabic has six:
zero, one, two, 3-10, 11-99, 100 and above), and a stage's status agrees with the stage's name."""

import datetime as dt
import gettext
from collections import defaultdict
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from bawaba.campaigns import schedule
from bawaba.campaigns.models import Campaign, CampaignStage

ROOT = Path(__file__).resolve().parents[3]


def _arabic_plurals() -> dict[str, list[str]]:
    """{msgid: its Arabic forms}, read from the compiled catalogue (a plural entry's keys are (msgid, index))."""
    with (ROOT / "locale/ar/LC_MESSAGES/django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    forms: dict[str, list[str]] = defaultdict(lambda: [""] * 6)
    for key, text in catalogue.items():
        if isinstance(key, tuple):
            forms[key[0]][key[1]] = text
    return dict(forms)


ARABIC_PLURALS = _arabic_plurals()


@pytest.mark.parametrize("msgid", sorted(ARABIC_PLURALS), ids=lambda msgid: msgid[:60])
def test_every_arabic_plural_entry_writes_its_six_forms(msgid):
    forms = ARABIC_PLURALS[msgid]
    assert all(forms), forms
    # One and two have their own words (نقطة واحدة, نقطتان), never the form of a hundred (100 نقطة).
    assert forms[1] != forms[5] and forms[2] != forms[5], forms


SCORE = Template(
    "{% load i18n %}{% blocktranslate count score=score %}Your score: {{ score }} point{% plural %}"
    "Your score: {{ score }} points{% endblocktranslate %}"
)


@pytest.mark.parametrize(
    ("score", "arabic", "french"),
    [
        (1, "مجموع نقطك: نقطة واحدة", "Votre score : 1 point"),
        (2, "مجموع نقطك: نقطتان", "Votre score : 2 points"),
        (3, "مجموع نقطك: 3 نقط", "Votre score : 3 points"),
        (10, "مجموع نقطك: 10 نقط", "Votre score : 10 points"),
        (11, "مجموع نقطك: 11 نقطة", "Votre score : 11 points"),
        (99, "مجموع نقطك: 99 نقطة", "Votre score : 99 points"),
        (100, "مجموع نقطك: 100 نقطة", "Votre score : 100 points"),
        (103, "مجموع نقطك: 103 نقط", "Votre score : 103 points"),
    ],
)
def test_a_score_is_counted_in_the_form_its_number_asks_for(score, arabic, french):
    for language, expected in (("ar", arabic), ("fr", french)):
        with translation.override(language):
            assert SCORE.render(Context({"score": score})) == expected


@pytest.mark.parametrize(
    ("kind", "language", "done", "current"),
    [
        (CampaignStage.Kind.REGISTRATION, "ar", "(انتهى)", "(جارٍ)"),  # التسجيل: masculine
        (CampaignStage.Kind.INTERVIEW, "ar", "(انتهت)", "(جارية)"),  # المقابلة: feminine
        (CampaignStage.Kind.REGISTRATION, "fr", "(terminée)", "(en cours)"),  # l'inscription
        (CampaignStage.Kind.INTERVIEW, "fr", "(terminé)", "(en cours)"),  # l'entretien
    ],
)
def test_a_stage_status_agrees_with_the_stage_name(kind, language, done, current):
    now = timezone.now()
    campaign = Campaign(registration_opens_at=now - dt.timedelta(days=30), registration_closes_at=now)
    stage = CampaignStage(
        campaign=campaign, kind=kind, starts_on=timezone.localdate(now) - dt.timedelta(days=9)
    )
    stage.ends_on = stage.starts_on + dt.timedelta(days=3)
    entries = {entry.kind: entry for entry in schedule.timeline(campaign, [stage], now=now)}
    with translation.override(language):
        assert str(entries[kind].status_words) == done
        later = schedule.TimelineEntry(
            kind=kind, label="", starts_on=stage.starts_on, ends_on=None, status=schedule.CURRENT
        )
        assert str(later.status_words) == current


def test_a_kind_of_stage_without_its_own_words_gets_words_that_agree_with_any_stage():
    entry = schedule.TimelineEntry(
        kind="a_later_kind", label="", starts_on=dt.date(2024, 1, 1), ends_on=None, status=schedule.DONE
    )
    with translation.override("ar"):
        assert str(entry.status_words) == "(مرحلة منتهية)"
