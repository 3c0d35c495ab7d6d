"""Verifying a run: everything a candidate or the public can read is recomputed and compared, and each altered
field of each decision, commune line or total is named. Both database engines (the suite runs on both)."""

import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from bawaba.accounts.tests.helpers import translated
from bawaba.campaigns.models import Application
from bawaba.selection.models import SelectionCommuneResult, SelectionDecision, SelectionRun
from bawaba.selection.services import verify_run
from bawaba.selection.services.verification import DECISION_FIELD_LABELS, REPORT_FIELD_LABELS
from bawaba.selection.tests.conftest import RUN_SEED
from bawaba.territory.models import Commune


def lines_of(verification) -> list[str]:
    return [str(line) for line in verification.lines]


def text_of(verification) -> str:
    """Every line and example line, as the command prints them."""
    return "\n".join(
        "\n".join([str(line), *(f"  {detail}" for detail in line.details)]) for line in verification.lines
    )


def verified(run: SelectionRun):
    run.refresh_from_db()
    with translation.override("en"):
        return verify_run(run=run)


def assert_named(run: SelectionRun, subject: str, field: str, key, *, recorded=None, recomputed=None) -> None:
    """The run no longer verifies, and exactly this field of this decision (or line, or total) is named."""
    verification = verified(run)
    assert not verification.ok
    assert [(d.subject, d.field) for d in verification.differences] == [(subject, field)], text_of(
        verification
    )
    (difference,) = verification.differences
    assert difference.count == 1
    ((named, was, should_be),) = difference.examples
    assert named == key
    if recorded is not None:
        assert (was, should_be) == (str(recorded), str(recomputed))
    text = text_of(verification)
    assert str(key) in text
    labels = {"decision": DECISION_FIELD_LABELS, "report line": REPORT_FIELD_LABELS}.get(subject, {})
    if field in labels:
        with translation.override("en"):
            assert f"{labels[field]}: 1 " in text


# ---------------------------------------------------------------------------------------- unaltered runs


def test_verify_recomputes_a_published_run_identically(published_run):
    digest = published_run.output_digest
    verification = verified(published_run)
    assert verification.ok, text_of(verification)
    assert verification.differences == []
    count = SelectionDecision.objects.filter(run=published_run).count()
    assert lines_of(verification)[1:] == [
        f"Output digest: recorded {digest}, recomputed {digest}: identical.",
        "Guarantees: capacities, stability, cutoffs and waiting lists all hold.",
        "Public report: every commune line and every total matches the recomputation.",
        f"Published decisions: all {count} decisions match the recomputation in every field.",
    ]


def test_a_dry_run_s_report_is_verified_too(computed_run):
    verification = verified(computed_run)
    assert verification.ok
    SelectionCommuneResult.objects.filter(run=computed_run, admitted__gt=0).update(admitted=0)
    assert {d.field for d in verified(computed_run).differences} == {"admitted"}


# --------------------------------------------------------------------------------------- each decision field


def _decision(run, **filters) -> SelectionDecision:
    return SelectionDecision.objects.filter(run=run, **filters).order_by("application_id").first()


def _with_table(decision: SelectionDecision, column: str, change) -> bytes:
    table = np.frombuffer(bytes(decision.choice_table), dtype=SelectionDecision.CHOICE_DTYPE).copy()
    change(table[column])
    return table.tobytes()


def _restore(decision: SelectionDecision) -> None:
    decision.save()  # every field back as it was read


ALTERATIONS = {
    # field: (which decision, the change, recorded value shown, recomputed value shown)
    "outcome (admitted → waiting list)": (
        "outcome",
        {"outcome": "admitted"},
        lambda d: {"outcome": "waitlisted"},
    ),
    "outcome (admitted → not eligible)": (
        "outcome",
        {"outcome": "admitted"},
        lambda d: {"outcome": "ineligible"},
    ),
    "outcome (waiting list → admitted)": (
        "outcome",
        {"outcome": "waitlisted"},
        lambda d: {"outcome": "admitted"},
    ),
    "reason": (
        "ineligibility",
        {"outcome": "ineligible"},
        lambda d: {"ineligibility": d.ineligibility % 4 + 1},
    ),
    "score": ("score", {"outcome": "admitted"}, lambda d: {"score": d.score + 1}),
    "score parts": (
        "score_parts",
        {"outcome": "waitlisted"},
        lambda d: {"score_parts": json.dumps([p + 1 for p in d.score_points], separators=(",", ":"))},
    ),
    "commune": (
        "commune",
        {"outcome": "admitted"},
        lambda d: {"commune_id": d.communes[-1] if d.rank != len(d.communes) else d.communes[0]},
    ),
    "rank": ("rank", {"outcome": "admitted"}, lambda d: {"rank": d.rank + 1}),
    "lottery number": ("lottery", {"outcome": "waitlisted"}, lambda d: {"lottery": "0" * 16}),
    "declared choices": (
        "declared_count",
        {"outcome": "admitted"},
        lambda d: {"declared_count": d.declared_count + 1},
    ),
    "a commune of her list": (
        "choice_communes",
        {"outcome": "waitlisted"},
        lambda d: {"choice_table": _with_table(d, "commune", lambda c: c.__setitem__(0, c[-1] + 1000))},
    ),
    "her priority at a commune": (
        "choice_priorities",
        {"outcome": "admitted"},
        lambda d: {"choice_table": _with_table(d, "priority", lambda p: p.__setitem__(0, p[0] + 1))},
    ),
    "her place on a waiting list": (
        "choice_places",
        {"outcome": "waitlisted"},
        lambda d: {"choice_table": _with_table(d, "place", lambda p: p.__setitem__(0, p[0] + 1))},
    ),
    "a commune fewer in her list": (
        "choice_communes",
        {"outcome": "waitlisted"},
        lambda d: {"choice_table": bytes(d.choice_table)[: -SelectionDecision.CHOICE_DTYPE.itemsize]},
    ),
}


def test_each_altered_field_of_a_decision_is_named(published_run):
    for label, (field, which, change) in ALTERATIONS.items():
        decision = _decision(published_run, **which)
        assert decision is not None, label
        changes = change(decision)
        SelectionDecision.objects.filter(pk=decision.pk).update(**changes)
        try:
            assert_named(published_run, "decision", field, decision.application_id)
        except AssertionError as error:
            raise AssertionError(f"{label}: {error}") from error
        _restore(decision)
    assert verified(published_run).ok


def test_a_decision_names_what_was_recorded_and_what_is_recomputed(published_run):
    decision = _decision(published_run, outcome="admitted")
    SelectionDecision.objects.filter(pk=decision.pk).update(score=decision.score + 5)
    assert_named(
        published_run,
        "decision",
        "score",
        decision.application_id,
        recorded=decision.score + 5,
        recomputed=decision.score,
    )
    SelectionDecision.objects.filter(pk=decision.pk).update(score=decision.score, outcome="waitlisted")
    assert_named(
        published_run,
        "decision",
        "outcome",
        decision.application_id,
        recorded="waitlisted",
        recomputed="admitted",
    )
    lines = lines_of(verified(published_run))
    assert "Published decisions: 1 differs from the recomputation." in lines
    assert "Outcome: 1 decision differs from the recomputation." in lines


def test_a_missing_or_an_extra_decision_is_named(published_run):
    decision = _decision(published_run, outcome="waitlisted")
    SelectionDecision.objects.filter(pk=decision.pk).delete()
    assert_named(published_run, "decision", "missing", decision.application_id)
    decision.save(force_insert=True)
    assert verified(published_run).ok

    # A decision for an application the run never read (the table's keys are checked when publishing only).
    stranger = Application.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    decision.pk, decision.application_id = None, stranger
    decision.save(force_insert=True)
    assert_named(published_run, "decision", "extra", stranger)


def test_several_altered_decisions_are_counted_with_a_few_examples(published_run):
    decisions = SelectionDecision.objects.filter(run=published_run, outcome="admitted")
    altered = list(decisions.order_by("application_id").values_list("pk", flat=True)[:8])
    SelectionDecision.objects.filter(pk__in=altered).update(lottery="f" * 16)
    verification = verified(published_run)
    (difference,) = verification.differences
    assert (difference.field, difference.count, len(difference.examples)) == ("lottery", 8, 5)
    assert "…and 3 more cases." in text_of(verification)


# ------------------------------------------------------------------------------------ the public report


def test_each_altered_field_of_a_report_line_is_named(published_run):
    line = (
        SelectionCommuneResult.objects.filter(
            run=published_run, is_full=True, admitted__gt=0, waitlist_length__gt=0
        )
        .order_by("commune_id")
        .first()
    )
    alterations = {
        "needs": line.needs + 1,
        "places": line.places + 1,
        "candidates": line.candidates + 1,
        "first_choice": line.first_choice + 1,
        "admitted": line.admitted - 1,
        "is_full": False,
        "cutoff_priority": line.cutoff_priority + 1,
        "cutoff_lottery": "f" * 16,
        "waitlist_length": line.waitlist_length + 1,
    }
    for field, value in alterations.items():
        SelectionCommuneResult.objects.filter(pk=line.pk).update(**{field: value})
        try:
            assert_named(
                published_run,
                "report line",
                field,
                line.commune_id,
                recorded=value,
                recomputed=getattr(line, field),
            )
        except AssertionError as error:
            raise AssertionError(f"{field}: {error}") from error
        line.save()
    assert verified(published_run).ok


def test_a_missing_or_an_extra_report_line_is_named(published_run):
    line = SelectionCommuneResult.objects.filter(run=published_run).order_by("commune_id").first()
    SelectionCommuneResult.objects.filter(pk=line.pk).delete()
    assert_named(published_run, "report line", "missing", line.commune_id)
    line.save(force_insert=True)

    reported = SelectionCommuneResult.objects.filter(run=published_run).values_list("commune_id", flat=True)
    elsewhere = Commune.objects.exclude(pk__in=list(reported)).order_by("pk").first()
    line.pk, line.commune = None, elsewhere
    line.save(force_insert=True)
    assert_named(published_run, "report line", "extra", elsewhere.pk)


def test_an_altered_total_or_seed_is_named(published_run):
    summary = published_run.summary
    summary["totals"]["admitted"] += 1
    SelectionRun.objects.filter(pk=published_run.pk).update(summary=summary)
    admitted = summary["totals"]["admitted"]
    assert_named(
        published_run, "report", "summary", "totals.admitted", recorded=admitted, recomputed=admitted - 1
    )

    summary["totals"]["admitted"] -= 1
    SelectionRun.objects.filter(pk=published_run.pk).update(summary=summary, seed="another seed")
    assert_named(
        published_run, "report", "summary", "seed (run)", recorded="another seed", recomputed=RUN_SEED
    )


# ------------------------------------------------------------------------------------ digests and languages


def test_verify_detects_a_changed_digest(published_run):
    recomputed = published_run.input_digest
    SelectionRun.objects.filter(pk=published_run.pk).update(input_digest="f" * 64)
    verification = verified(published_run)
    assert not verification.ok
    assert (
        lines_of(verification)[0] == f"Input digest: recorded {'f' * 64}, recomputed {recomputed}: DIFFERENT."
    )


def test_the_verification_speaks_the_reader_s_language(published_run):
    decision = _decision(published_run, outcome="admitted")
    SelectionDecision.objects.filter(pk=decision.pk).update(rank=decision.rank + 1)
    with translation.override("fr"):
        verification = verify_run(run=published_run)
    field_line = verification.lines[-1]
    # The helper fills no placeholder named like its own `count`: filled here.
    assert str(field_line) == translated(
        "%(field)s: %(count)s decision differs from the recomputation.",
        "fr",
        plural="%(field)s: %(count)s decisions differ from the recomputation.",
        count=1,
    ) % {"field": translated("Rank of that commune in her list", "fr"), "count": 1}
    assert str(field_line.details[0]) == translated(
        "Application %(application)s: recorded %(recorded)s, recomputed %(recomputed)s.",
        "fr",
        application=decision.application_id,
        recorded=decision.rank + 1,
        recomputed=decision.rank,
    )


def test_verify_selection_prints_the_lines_in_the_language_asked(published_run):
    out = io.StringIO()
    call_command("verify_selection", str(published_run.pk), "--language", "fr", stdout=out)
    assert (
        translated("Public report: every commune line and every total matches the recomputation.", "fr")
        in out.getvalue()
    )

    decision = _decision(published_run, outcome="waitlisted")
    SelectionDecision.objects.filter(pk=decision.pk).update(lottery="0" * 16)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_selection", str(published_run.pk), stdout=out)
    assert "Lottery number: 1 decision differs from the recomputation." in out.getvalue()
    assert (
        f"  Application {decision.application_id}: recorded {'0' * 16}, recomputed {decision.lottery}."
        in (out.getvalue())
    )


def test_a_verification_line_sets_its_values_apart(published_run):
    digest = published_run.output_digest
    line = verified(published_run).lines[1]
    assert line.parts() == [
        ("Output digest: recorded ", digest),
        (", recomputed ", digest),
        (": identical.", ""),
    ]


def test_the_commands_run_publish_and_verify(census):
    out = io.StringIO()
    call_command("run_selection", "--campaign", census.slug, "--seed", RUN_SEED, "--publish", stdout=out)
    run = SelectionRun.objects.get(campaign=census)
    assert run.is_published
    assert run.output_digest in out.getvalue()

    out = io.StringIO()
    call_command("verify_selection", str(run.pk), stdout=out)
    assert "Guarantees: capacities, stability, cutoffs and waiting lists all hold." in out.getvalue()
    assert "verifies" in out.getvalue()

    # `make demo` run twice: the second time finds the stage published and succeeds without a new run.
    out = io.StringIO()
    call_command(
        "run_selection",
        "--campaign",
        census.slug,
        "--seed",
        "x",
        "--publish",
        "--unless-published",
        stdout=out,
    )
    assert "already published" in out.getvalue()
    assert SelectionRun.objects.filter(campaign=census).count() == 1
    with pytest.raises(CommandError):
        call_command("run_selection", "--campaign", census.slug, "--seed", "x", stdout=io.StringIO())

    SelectionRun.objects.filter(pk=run.pk).update(output_digest="0" * 64)
    with pytest.raises(CommandError):
        call_command("verify_selection", str(run.pk), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("verify_selection", "999999", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("run_selection", "--campaign", "nope", "--seed", "x", stdout=io.StringIO())


def test_the_vectorised_score_text_is_the_published_text():
    from bawaba.selection.services.computation import DecisionColumns, score_parts_bytes

    rng = np.random.default_rng(3)
    parts = np.concatenate(
        [rng.integers(0, 12, size=(50, 5)), rng.integers(0, 10**6, size=(50, 5)), np.zeros((1, 5), np.int64)]
    )
    columns = DecisionColumns(*([None] * 4), parts, *([None] * 7))
    text, lengths = score_parts_bytes(parts)
    published = columns.score_parts_text()
    assert text == "".join(published).encode("ascii")
    assert lengths.tolist() == [len(row) for row in published]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_decisions_are_read_aside_and_compared_the_same(published_run):
    # On PostgreSQL a second connection reads the decisions while the run is recomputed (no transaction is open
    # here, so it sees them); on SQLite they are read in turn. Either way the comparison is the same.
    assert verified(published_run).ok
    decision = _decision(published_run, outcome="admitted")
    SelectionDecision.objects.filter(pk=decision.pk).update(choice_table=bytes(decision.choice_table)[:-1])
    assert_named(published_run, "decision", "choice_communes", decision.application_id)
