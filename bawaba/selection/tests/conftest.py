"""A small national demo campaign (registration closed two weeks before the day it is generated), and runs of it:
computed, published.

Django is imported inside the fixtures: the pure tests of this folder (engine, scoring, frozen) also run
without Django (`-p no:django`, see docs/selection.md).
"""

import io

import pytest

# A campaign through every stage, for the indicators of this app and the later ones (restored per test).
from bawaba.indicators.tests.every_stage import every_stage  # noqa: F401 - fixture

DEMO_SCALE = 0.002  # about 980 candidates over the 1,503 communes
DEMO_SEED = 2024
RUN_SEED = "tirage public du 1er mars 2024"


def _generate_demo() -> None:
    from django.core.management import call_command

    call_command("generate_demo", "--scale", str(DEMO_SCALE), "--seed", str(DEMO_SEED), stdout=io.StringIO())


@pytest.fixture
def census(territory, db_snapshots):
    """The small demo census, generated once per session and restored for each test (tests/db_snapshots.py)."""
    from bawaba.demo.selectors import demo_campaign

    db_snapshots.load("demo-census", _generate_demo)
    return demo_campaign()


def computed(campaign, *, seed: str = RUN_SEED, actor=None):
    from bawaba.selection.services import compute_run, create_run

    run = create_run(campaign=campaign, seed=seed, actor=actor)
    return compute_run(run_id=run.pk)


@pytest.fixture
def computed_run(census, central_admin):
    return computed(census, actor=central_admin)


@pytest.fixture
def published_run(computed_run, central_admin):
    from bawaba.selection.services import publish_run

    return publish_run(run=computed_run, actor=central_admin)


@pytest.fixture
def power_cut(db):
    """A fault injected by the database itself: writing a run's published status fails once its decisions are
    written, as a power cut between the two would. Nothing of our code is replaced; removed at the end of the test
    (and by its rollback). Call the fixture's value to remove it earlier."""
    from django.db import connection

    if connection.vendor == "postgresql":
        create = [
            """CREATE FUNCTION selection_power_cut() RETURNS trigger AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM selection_selectiondecision WHERE run_id = NEW.id) THEN
                    RAISE EXCEPTION 'power cut';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""",
            """CREATE TRIGGER selection_power_cut BEFORE UPDATE OF status ON selection_selectionrun
            FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION selection_power_cut()""",
        ]
        drop = [
            "DROP TRIGGER IF EXISTS selection_power_cut ON selection_selectionrun",
            "DROP FUNCTION IF EXISTS selection_power_cut()",
        ]
    else:
        create = [
            """CREATE TRIGGER selection_power_cut BEFORE UPDATE OF status ON selection_selectionrun
            WHEN NEW.status = 'published'
                AND EXISTS (SELECT 1 FROM selection_selectiondecision WHERE run_id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'power cut'); END""",
        ]
        drop = ["DROP TRIGGER IF EXISTS selection_power_cut"]

    def restore() -> None:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)

    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    yield restore
    restore()
