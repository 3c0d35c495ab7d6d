"""The administrations that run campaigns and, later, answer complaints: a base concept every stage app shares.

It sits below `accounts` so that a staff member's assignment can be scoped to an administration (an agent of a
ministry) without `accounts` reaching up into the campaigns.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bawaba.core.names import localised


class Administration(models.Model):
    """A ministry, local authority or public establishment that runs campaigns (the census office is one)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")
        ordering = ["code"]
        # The table keeps the name it had when the model lived in `campaigns`: moving a model is then a change of
        # Django's state only, with no copy of the rows and no foreign key rebuilt.
        db_table = "campaigns_administration"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name")
