"""A small national demo campaign (registration closed in 2024), and runs of it: computed, published.

Django is imported inside the fixtures: the pure tests of this folder (engine, scoring, frozen) also run
without Django (`-p no:django`, see docs/selection.md).
"""

import io

import pytest

DEMO_SCALE = 0.002  # about 980 candidates over the 1,503 communes
DEMO_SEED = 2024
RUN_SEED = "tirage public du 1er mars 2024"


@pytest.fixture
def census(territory):
    from django.core.management import call_command

    from bawaba.demo.selectors import demo_campaign

    call_command("generate_demo", "--scale", str(DEMO_SCALE), "--seed", str(DEMO_SEED), stdout=io.StringIO())
    return demo_campaign()


@pytest.fixture
def central_admin(db):
    from bawaba.accounts.models import User
    from bawaba.accounts.tests.factories import UserFactory

    return UserFactory(role=User.Role.CENTRAL_ADMIN)


@pytest.fixture
def supervisor(db):
    from bawaba.accounts.models import User
    from bawaba.accounts.tests.factories import UserFactory

    return UserFactory(role=User.Role.SUPERVISOR, is_staff=True)


@pytest.fixture
def candidate(db):
    from bawaba.accounts.models import User
    from bawaba.accounts.tests.factories import UserFactory

    return UserFactory(role=User.Role.CANDIDATE)


@pytest.fixture
def admin_client(client, central_admin):
    client.force_login(central_admin)
    return client


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
