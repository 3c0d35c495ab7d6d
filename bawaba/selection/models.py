"""Selection runs: frozen inputs, the per-commune report, and each candidate's decision once published.

A run is computed first (a *dry run*: the report exists, nothing a candidate sees changes), then may be
published once per campaign stage: its decisions are written in one transaction.
"""

import json

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application, Campaign, CampaignRules
from bawaba.territory.models import Commune


class SelectionRun(models.Model):
    class Stage(models.TextChoices):
        PRESELECTION = "preselection", _("Preselection")
        # The final selection of the field staff: field needs per commune, the interview score (then the training
        # grade) as priority; its inputs' stage scores come from the interviews (bawaba.selection.stage_scores).
        FIELD = "field", _("Final selection (field staff)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        COMPUTED = "computed", _("Computed (dry run)")
        REFUSED = "refused", _("Refused: a guarantee failed")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="selection_runs")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage, default=Stage.PRESELECTION)
    rules_version = models.ForeignKey(
        CampaignRules, verbose_name=_("rules version"), on_delete=models.PROTECT, related_name="runs"
    )
    seed = models.CharField(_("public seed"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.QUEUED)
    # Progress of the computation, for the staff page that follows it.
    progress_step = models.CharField(_("step"), max_length=40, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    # The lease of the worker computing or publishing the run: refreshed at each step, outside any transaction.
    # A worker killed hard (SIGKILL, out of memory) refreshes it no more; once it is older than
    # settings.SELECTION_JOB_LEASE the job counts as failed (`is_stale`) and can be retried
    # (services.runs.retry_run).
    heartbeat_at = models.DateTimeField(_("last sign of life of its worker"), null=True, blank=True)
    # Which computation of the run is under way: a retry starts the next, and a worker whose attempt is no
    # longer the run's (it was presumed dead, then woke up) writes nothing.
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    # The run's whole input (candidates' declared data, territory, needs, rules, seed) as bawaba.selection.frozen
    # bytes: `verify_selection` recomputes the run from these alone.
    frozen_inputs = models.BinaryField(_("frozen inputs"), null=True, editable=False)
    input_digest = models.CharField(_("input digest"), max_length=64, blank=True)
    output_digest = models.CharField(_("output digest"), max_length=64, blank=True)
    # Seconds per phase (read, prepare, allocate, check, write, publish).
    timings = models.JSONField(_("timings"), default=dict, blank=True)
    # Totals and per-category counts of the public report.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    problems = models.JSONField(_("guarantees that failed"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A publication asked from the staff page is carried out by a worker (services.request_publication): the
    # request is set while it is under way, kept once the run is published, and cleared if the publication
    # fails, so that it can be asked again. The run stays computed meanwhile: publishing is still one
    # transaction, and `status` says only what candidates can see.
    publish_requested_at = models.DateTimeField(_("publication requested at"), null=True, blank=True)
    publish_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the last requested publication failed, in the source language: each administrator reads it
    # translated into hers when the page shows it.
    publish_error = models.TextField(_("publication error"), blank=True)
    # How many waiting-list promotion rounds followed its publication (PromotionRound): the pages that show them
    # ask for them only when there are some.
    promotion_round_count = models.PositiveIntegerField(_("promotion rounds"), default=0)

    class Meta:
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Publishing happens once per stage: the database refuses a second published run.
            models.UniqueConstraint(
                fields=["campaign", "stage"],
                condition=Q(status="published"),
                name="selection_one_published_run_per_stage",
            ),
            # One publication under way per stage: two administrators asking for two runs at the same moment
            # cannot both be accepted.
            models.UniqueConstraint(
                fields=["campaign", "stage"],
                condition=Q(status="computed", publish_requested_at__isnull=False),
                name="selection_one_publication_under_way_per_stage",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="selection_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} {self.stage} #{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_publishing(self) -> bool:
        """Its publication is requested and not finished yet (candidates still see nothing of it)."""
        return self.status == self.Status.COMPUTED and self.publish_requested_at is not None

    @property
    def is_publication_running(self) -> bool:
        """A worker has taken up its requested publication (services.publication.PUBLICATION_RUNNING)."""
        return self.is_publishing and self.progress_step == "publication_running"

    @property
    def is_stale(self) -> bool:
        """A worker took up its computation or its publication and gave no sign of life for a whole lease:
        it was killed (the publication's transaction died with it, so nothing of it was written)."""
        working = self.status == self.Status.RUNNING or self.is_publication_running
        return working and (
            self.heartbeat_at is None or self.heartbeat_at < timezone.now() - settings.SELECTION_JOB_LEASE
        )

    @property
    def is_in_progress(self) -> bool:
        """A worker has yet to compute or publish it, or is doing so: the staff page follows it."""
        return (
            self.status in {self.Status.QUEUED, self.Status.RUNNING} or self.is_publishing
        ) and not self.is_stale


# The figures of a report line (SelectionCommuneResult) that a run computes: read by the public report, compared
# by the verification.
REPORT_FIELDS = (
    "needs",
    "places",
    "candidates",
    "first_choice",
    "admitted",
    "is_full",
    "cutoff_priority",
    "cutoff_lottery",
    "waitlist_length",
)


class SelectionCommuneResult(models.Model):
    """One commune's line of a run's report: public, no personal data."""

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="commune_results")
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    needs = models.PositiveIntegerField(_("needs"))
    places = models.PositiveIntegerField(_("places (needs × over-selection factor)"))
    candidates = models.PositiveIntegerField(_("eligible candidates who chose it"))
    first_choice = models.PositiveIntegerField(_("eligible candidates who chose it first"))
    admitted = models.PositiveIntegerField(_("admitted"))
    is_full = models.BooleanField(_("full"))
    # Priority and lottery number of the last admitted: the cutoff, meaningful where the commune is full.
    cutoff_priority = models.BigIntegerField(_("cutoff priority"), null=True)
    cutoff_lottery = models.CharField(_("cutoff lottery number"), max_length=16, blank=True)
    waitlist_length = models.PositiveIntegerField(_("waiting list length"))

    class Meta:
        verbose_name = _("commune result")
        verbose_name_plural = _("commune results")
        constraints = [
            models.UniqueConstraint(fields=["run", "commune"], name="selection_commune_result_unique")
        ]

    def __str__(self) -> str:
        return f"run {self.run_id} commune {self.commune_id}: {self.admitted}/{self.places}"

    @property
    def shortfall(self) -> int:
        return max(self.needs - self.admitted, 0)


class SelectionDecision(models.Model):
    """A candidate's decision in a run, written when the run is published: her status at that stage.

    Half a million rows are written at once, so the row is narrow: her list of communes with her priority and
    waiting-list place at each is one binary column (see `choice_table`), and the foreign keys are checked by
    one set-based query when publishing (services._check_decision_references) instead of one trigger per row
    and key (9 s at national scale on PostgreSQL).
    """

    # The layout of choice_table: 16 bytes a commune, little-endian, packed.
    CHOICE_DTYPE = np.dtype([("commune", "<i4"), ("priority", "<i8"), ("place", "<i4")])

    class Outcome(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        WAITLISTED = "waitlisted", _("On a waiting list")
        INELIGIBLE = "ineligible", _("Not eligible")
        # She declined her place, withdrew, or had not started the training by the deadline (PlaceRelease):
        # she holds no place and stands on no waiting list any more.
        RELEASED = "released", _("No longer in the selection")

    class Ineligibility(models.IntegerChoices):
        # The codes of bawaba.selection.scoring.Ineligibility.
        ELIGIBLE = 0, _("Eligible")
        AGE = 1, _("Age outside the campaign's limits")
        CATEGORY = 2, _("Category not admitted by the campaign")
        EDUCATION = 3, _("Education level below the campaign's minimum")
        NO_CHOICE = 4, _("Not enough communes chosen")
        # The final selection's own reasons (bawaba.selection.scoring.NOT_INTERVIEWED, ABSENT_FROM_INTERVIEW).
        NOT_INTERVIEWED = 5, _("Not interviewed")
        ABSENT = 6, _("Absent from the interview")

    run = models.ForeignKey(
        SelectionRun, on_delete=models.CASCADE, related_name="decisions", db_constraint=False, db_index=False
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="selection_decisions",
        db_constraint=False,
        db_index=False,
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome)
    ineligibility = models.PositiveSmallIntegerField(_("reason"), choices=Ineligibility, default=0)
    score = models.BigIntegerField(_("score"))
    # Points per criterion, in bawaba.selection.scoring.SCORE_PARTS order, as a JSON array in a text column
    # (read through `score_points`): nothing queries inside it, and parsing half a million jsonb values cost
    # PostgreSQL 0.6 s of a publication's COPY.
    score_parts = models.TextField(_("score breakdown"))
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # 1-based rank of that commune in her list (declared choices first, then the province fallback).
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    lottery = models.CharField(_("lottery number"), max_length=16, blank=True)
    # Her list of communes (declared then fallback), one CHOICE_DTYPE record per commune: commune id, her
    # priority there and her 1-based place on its waiting list as the run published it (0: not on it, or no
    # longer: a promotion round that promotes or releases her zeroes the lists she left). Her place now is that
    # less those ahead of her who left the list in a round (PromotionCommuneResult.departures). For an
    # ineligible candidate, her declared communes with priority and place 0.
    choice_table = models.BinaryField(_("communes, priorities and waiting-list places"))
    declared_count = models.PositiveSmallIntegerField(_("declared choices"), default=0)

    class Meta:
        verbose_name = _("selection decision")
        verbose_name_plural = _("selection decisions")
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="selection_decision_unique"),
        ]
        # No other index: a candidate's decision is read by (published run, application), which the unique key
        # serves, and every index slows the half-million-row write of a publication.

    def __str__(self) -> str:
        return f"run {self.run_id} application {self.application_id}: {self.outcome}"

    @cached_property
    def _triples(self) -> list[tuple[int, int, int]]:
        return np.frombuffer(bytes(self.choice_table), dtype=self.CHOICE_DTYPE).tolist()

    @property
    def score_points(self) -> list[int]:
        return [int(points) for points in json.loads(self.score_parts)]

    @property
    def is_eligible(self) -> bool:
        return self.outcome != self.Outcome.INELIGIBLE

    @property
    def communes(self) -> list[int]:
        return [commune for commune, _priority, _place in self._triples]

    @property
    def priorities(self) -> list[int]:
        """Her priority at each commune of her list; empty for an ineligible candidate."""
        return [priority for _commune, priority, _place in self._triples] if self.is_eligible else []

    @property
    def waitlist_places(self) -> list[int | None]:
        """Her place on each commune's waiting list as the run published it (None where she is not on it); empty if
        ineligible. After a promotion round, the places now are `waiting_lists.waiting_list_places`'s."""
        return [place or None for _commune, _priority, place in self._triples] if self.is_eligible else []


# --------------------------------------------------------------------------------- waiting-list promotion


class PublishedInstance(models.Model):
    """The engine's instance of a published run (bawaba.selection.promotion.freeze_instance), written when it is
    published, for its promotion rounds: a round starts from it, checked against the run's input digest, instead
    of recomputing the run from its frozen inputs (about a second nationally, a third of it the lottery's hashes).
    A table of its own, so that reading a run never loads its megabytes.
    """

    run = models.OneToOneField(
        SelectionRun, on_delete=models.CASCADE, primary_key=True, related_name="published_instance"
    )
    data = models.BinaryField(_("engine instance"))

    class Meta:
        verbose_name = _("published engine instance")
        verbose_name_plural = _("published engine instances")

    def __str__(self) -> str:
        return f"run {self.run_id} engine instance"


class PlaceRelease(models.Model):
    """A candidate of a published run who leaves it: her place (or her waiting-list places) go to others.

    Written when she declines (services.promotion.decline_place), and by the next promotion round for a withdrawal
    (recorded by campaigns on the application) or a training not started by the deadline (an input of the round).
    Her decision says so at once; the round that gives her place away is `promotion_round`.
    """

    class Reason(models.TextChoices):
        DECLINED = "declined", _("Place declined")
        WITHDRAWN = "withdrawn", _("Application withdrawn")
        NOT_STARTED = "not_started", _("Training not started by the deadline")
        # No answer to the offer by the reply deadline, where the campaign counts that as declining.
        NO_REPLY = "no_reply", _("No answer by the reply deadline")

    run = models.ForeignKey(SelectionRun, on_delete=models.PROTECT, related_name="releases")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="place_releases")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    created_at = models.DateTimeField(_("released at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promotion_round = models.ForeignKey(
        "PromotionRound", null=True, blank=True, on_delete=models.PROTECT, related_name="releases"
    )

    class Meta:
        verbose_name = _("place released")
        verbose_name_plural = _("places released")
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="selection_one_release_per_run"),
        ]
        indexes = [models.Index(fields=["run", "promotion_round"], name="selection_release_pending")]

    def __str__(self) -> str:
        return f"run {self.run_id} application {self.application_id}: {self.reason}"


class PromotionRound(models.Model):
    """One waiting-list promotion round of a published run, recorded like the run: inputs, result, digests.

    Its inputs are the run's output digest and everyone released up to it (`released` holds those it took in,
    by reason); its output is the engine's result without them (bawaba.selection.promotion). It is written whole
    in one transaction with the decisions it changes, so a round that exists is complete: it has no status.
    """

    run = models.ForeignKey(SelectionRun, on_delete=models.PROTECT, related_name="promotion_rounds")
    number = models.PositiveIntegerField(_("round"))
    # The application ids released since the previous round, by PlaceRelease.Reason: {"declined": [...], ...}.
    released = models.JSONField(_("places released"), default=dict)
    input_digest = models.CharField(_("input digest"), max_length=64)
    output_digest = models.CharField(_("output digest"), max_length=64)
    # places_released, promotions, from_waiting, moved_up (the chains), released (candidates).
    summary = models.JSONField(_("summary"), default=dict)
    timings = models.JSONField(_("timings"), default=dict, blank=True)
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("promotion round")
        verbose_name_plural = _("promotion rounds")
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="selection_promotion_round_unique"),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id} promotion round {self.number}"

    def released_ids(self) -> list[int]:
        return sorted(int(i) for ids in self.released.values() for i in ids)


class PromotionCommuneResult(models.Model):
    """A commune's figures after a round, for the communes the round changed: the run's report stays as published."""

    promotion_round = models.ForeignKey(
        PromotionRound, on_delete=models.CASCADE, related_name="commune_results"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    admitted = models.PositiveIntegerField(_("admitted"))
    is_full = models.BooleanField(_("full"))
    cutoff_priority = models.BigIntegerField(_("cutoff priority"), null=True)
    cutoff_lottery = models.CharField(_("cutoff lottery number"), max_length=16, blank=True)
    waitlist_length = models.PositiveIntegerField(_("waiting list length"))
    # Who left its waiting list in this round (promoted to it or above it, or released): their places on the
    # run's list, sorted, as DEPARTURES_DTYPE. A decision keeps the run's places; her place now is that less the
    # departures ahead of her in every round (waiting_lists.waiting_list_places), so a round rewrites only the
    # decisions of the candidates it promotes or releases, not of everyone behind them.
    departures = models.BinaryField(_("places on the run's list of those who left it"), default=b"")

    DEPARTURES_DTYPE = np.dtype("<i4")

    class Meta:
        verbose_name = _("commune result after a promotion round")
        verbose_name_plural = _("commune results after promotion rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["promotion_round", "commune"], name="selection_promotion_commune_unique"
            )
        ]

    def __str__(self) -> str:
        return f"round {self.promotion_round_id} commune {self.commune_id}: {self.admitted}"


class Promotion(models.Model):
    """A candidate promoted in a round: to a commune she ranked higher, or from waiting to a place."""

    promotion_round = models.ForeignKey(PromotionRound, on_delete=models.CASCADE, related_name="promotions")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="promotions")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    previous_commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            models.UniqueConstraint(
                fields=["promotion_round", "application"], name="selection_promotion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"round {self.promotion_round_id} application {self.application_id} -> {self.commune_id}"
