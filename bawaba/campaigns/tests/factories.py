import datetime as dt

import factory
from django.utils import timezone

from bawaba.accounts.tests.factories import UserFactory
from bawaba.administrations.models import Administration
from bawaba.campaigns.models import Application, Campaign, CommuneNeed


class AdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Administration
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"admin-{n}")
    name_ar = "إدارة"
    name_fr = factory.Sequence(lambda n: f"Administration {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    administration = factory.SubFactory(AdministrationFactory)
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title_ar = "حملة توظيف"
    title_fr = factory.Sequence(lambda n: f"Campagne {n}")
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    registration_closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    is_published = True


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    campaign = factory.SubFactory(CampaignFactory)
    user = factory.SubFactory(UserFactory)
    cin = factory.Sequence(lambda n: f"AB{100000 + n}")
    first_name_latin = "Amina"
    last_name_latin = "Alaoui"
    first_name_ar = "أمينة"
    last_name_ar = "العلوي"


class CommuneNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneNeed

    campaign = factory.SubFactory(CampaignFactory)
    stage = CommuneNeed.Stage.TRAINING
    quantity = 10
