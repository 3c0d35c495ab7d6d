"""A small national demo campaign (registration closed two weeks before the day it is generated), and runs of it:
computed, published.

Django is imported inside the fixtures: the pure tests of this folder (engine, scoring, frozen) also run
without Django (`-p no:django`, see docs/selection.md).
"""

import io

import pytest

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
    return compute_run(run.pk)


@pytest.fixture
def computed_run(census, central_admin):
    return computed(census, actor=central_admin)


@pytest.fixture
def published_run(computed_run, central_admin):
    from bawaba.selection.services import publish_run

    return publish_run(computed_run, actor=central_admin)
