"""The demo's second campaign: a ministry's public-employment competition, open for registration now.

Forty administrators for the ministry's regional directorates in three regions (Rabat-Salé-Kénitra, Fès-Meknès,
Marrakech-Safi), posted in the three regional capitals. It has no candidates of its own: it is there so that
anyone trying the demo can register, confirm her address in the demo mailbox, apply and submit.
"""

import copy
import datetime as dt

from django.db import transaction

from bawaba.administrations.models import Administration
from bawaba.campaigns.models import (
    Application,
    Campaign,
    CampaignRules,
    CampaignStage,
    CommuneNeed,
)
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.core.audit import record_event
from bawaba.demo.calendar import competition_calendar
from bawaba.territory.models import Commune

COMPETITION_SLUG = "concours-administrateurs-mtnra"
# The posts, by commune (HCP code): the regional capitals, whose communes the candidate chooses in order.
POSTS: tuple[tuple[str, int], ...] = (
    ("04.421.01.0", 16),  # Rabat
    ("03.231.01.0", 12),  # Fès
    ("07.351.01.0", 12),  # Marrakech
)
MIN_AGE, MAX_AGE = 21, 45

Category = Application.Category
Level = Application.EducationLevel


def competition_rules() -> dict:
    """The census rules' shape, with a competition's eligibility and scoring.

    A licence at least, 21 to 45 years old on the closing day, students and retirees not eligible; survey
    experience and local residence earn nothing (the posts are national), the diploma and computer skills do.
    """
    rules = copy.deepcopy(default_census_rules())
    rules["eligibility"].update(
        min_age=MIN_AGE,
        max_age=MAX_AGE,
        categories=[Category.GRADUATE.value, Category.CIVIL_SERVANT.value, Category.PRIVATE_EMPLOYEE.value],
        min_education=Level.BAC_3.value,
    )
    rules["score"]["category"] = {
        Category.GRADUATE: 20,
        Category.CIVIL_SERVANT: 20,
        Category.PRIVATE_EMPLOYEE: 20,
    }
    rules["score"]["education_level"].update({Level.BAC_3: 10, Level.BAC_5: 20, Level.DOCTORATE: 25})
    rules["score"]["survey_experience"] = {"per_survey": 0, "max_surveys": 0}
    rules["bonus"] = {"residence_commune": 0, "residence_province": 0}
    rules["over_selection"] = {
        "factor": "3",
        "regions": {},
    }  # three candidates called per post to the interview
    rules["province_fallback"] = {"enabled": False, "max_communes": 1}
    return rules


def demo_competition() -> Campaign | None:
    return Campaign.objects.filter(slug=COMPETITION_SLUG).first()


@transaction.atomic
def create_competition(*, today: dt.date) -> Campaign:
    """The competition with its administration, calendar, rules and posts; registration open on `today`."""
    administration, _ = Administration.objects.get_or_create(
        code="mtnra",
        defaults={
            "name_ar": "وزارة الانتقال الرقمي وإصلاح الإدارة",
            "name_fr": "Ministère de la Transition numérique et de la Réforme de l'Administration",
            "name_en": "Ministry of Digital Transition and Administrative Reform",
        },
    )
    calendar = competition_calendar(today)
    campaign = Campaign.objects.create(
        administration=administration,
        slug=COMPETITION_SLUG,
        kind=Campaign.Kind.COMPETITION,
        title_ar="مباراة لتوظيف 40 متصرفا من الدرجة الثانية بالمديريات الجهوية",
        title_fr="Concours de recrutement de 40 administrateurs du deuxième grade pour les directions régionales",
        title_en="Competition to recruit 40 second-grade administrators for the regional directorates",
        summary_ar=(
            "40 منصبا: 16 بالرباط و12 بفاس و12 بمراكش. مفتوحة لحاملي الإجازة على الأقل، البالغين من العمر 21 "
            "إلى 45 سنة. رتبوا المدن الثلاث حسب تفضيلكم. انتقاء أولي على أساس الملف، ثم مقابلة. مباراة تجريبية: "
            "المعطيات مصطنعة."
        ),
        summary_fr=(
            "40 postes : 16 à Rabat, 12 à Fès et 12 à Marrakech. Ouvert aux titulaires d'une licence au moins, "
            "âgés de 21 à 45 ans. Classez les trois villes par ordre de préférence. Présélection sur dossier, puis "
            "entretien. Concours de démonstration : données fictives."
        ),
        summary_en=(
            "40 posts: 16 in Rabat, 12 in Fès and 12 in Marrakech. Open to holders of at least a licence, aged 21 to "
            "45. Rank the three cities in order of preference. Preselection on file, then an interview. A "
            "demonstration competition: fictitious data."
        ),
        registration_opens_at=calendar.registration_opens_at,
        registration_closes_at=calendar.registration_closes_at,
        max_commune_choices=len(POSTS),
        is_published=True,
    )
    CampaignStage.objects.bulk_create(
        CampaignStage(campaign=campaign, kind=stage.kind, starts_on=stage.starts_on, ends_on=stage.ends_on)
        for stage in calendar.stages
    )
    CampaignRules.objects.create(
        campaign=campaign, version=1, rules=competition_rules(), note=CampaignRules.DEMO_COMPETITION_NOTE
    )
    communes = dict(Commune.objects.filter(code__in=[code for code, _ in POSTS]).values_list("code", "id"))
    CommuneNeed.objects.bulk_create(
        CommuneNeed(
            campaign=campaign, commune_id=communes[code], stage=CommuneNeed.Stage.TRAINING, quantity=posts
        )
        for code, posts in POSTS
    )
    record_event(action="demo.competition_created", target=campaign, data={"today": today.isoformat()})
    return campaign
