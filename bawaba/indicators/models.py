"""The summary tables of the indicator layer: each registered indicator's figures for a campaign, as its last
refresh computed them, so that a national dashboard and the open data read a few hundred rows instead of counting
hundreds of thousands (issue 15).

The grain is the commune, added up into provinces, regions and the nation when refreshed (bawaba.indicators.refresh):
every level's total and, except at the commune level, its breakdown by each other dimension (category, day, kind).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    NATION = "nation", _("Nation")
    REGION = "region", _("Region")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class IndicatorFigure(models.Model):
    """One figure: `indicator` for the area (`level`, `area` code; "" for the nation or an unknown area), in all
    (`breakdown` "") or for one value of a breakdown (`breakdown` "category", `value` its code)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(_("indicator"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=Level)
    area = models.CharField(_("area"), max_length=16, blank=True)
    breakdown = models.CharField(_("breakdown"), max_length=12, blank=True)
    value = models.CharField(_("value"), max_length=40, blank=True)
    figure = models.BigIntegerField(_("figure"))

    class Meta:
        verbose_name = _("indicator figure")
        verbose_name_plural = _("indicator figures")
        indexes = [models.Index(fields=["campaign", "level", "area"], name="indicators_figure_area")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.level}:{self.area} {self.breakdown}={self.value}: {self.figure}"


class SummaryRefresh(models.Model):
    """When a campaign's figures were last refreshed, how long it took and how many rows it wrote; the pages show
    the time beside every figure. `requested_at` is set when a refresh is queued and cleared when it is done, so a
    page can say one is on its way and a button cannot queue a second."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="indicator_refresh"
    )
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    figures = models.PositiveIntegerField(_("figures"), default=0)
    # One more at each refresh: what the dashboard's cached sections are keyed by (two refreshes can share a time).
    generation = models.PositiveBigIntegerField(_("refreshes so far"), default=0)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("indicator refresh")
        verbose_name_plural = _("indicator refreshes")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.refreshed_at}"


class OpenDataPolicy(models.Model):
    """How a campaign's aggregates are published: cells below `threshold` are suppressed (and enough others that
    none can be recovered from the totals; decision 0029)."""

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="open_data")
    threshold = models.PositiveSmallIntegerField(
        _("smallest count published"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_(
            "Counts from 1 to this value minus one are suppressed in the open data. Zeros are published."
        ),
    )
    published = models.BooleanField(_("published as open data"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("open data policy")
        verbose_name_plural = _("open data policies")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.threshold}"


class OpenDataRelease(models.Model):
    """A campaign's open data as the public reads it: every indicator's figures by area and by its other
    dimensions, small counts suppressed (bawaba.indicators.opendata.build). Suppression takes a while at national
    scale, so it runs when the figures are refreshed or the threshold changes, and the pages serve `payload`, the
    JSON text, as it is."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="open_data_release"
    )
    built_at = models.DateTimeField(_("built at"))
    refreshed_at = models.DateTimeField(_("figures of"))
    threshold = models.PositiveSmallIntegerField(_("smallest count published"))
    suppressed = models.PositiveIntegerField(_("suppressed counts"), default=0)
    payload = models.TextField(_("published figures (JSON)"))

    class Meta:
        verbose_name = _("open data release")
        verbose_name_plural = _("open data releases")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.built_at}"
