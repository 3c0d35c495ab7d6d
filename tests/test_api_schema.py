"""The public API fuzzed against its own OpenAPI document (schemathesis), through Django's WSGI application: no
network, the test database. On the demo census with its figures refreshed (so an open-data release) and a
published preselection run: no answer is a server error, and every answer conforms to the document (its status
code is documented, its content type and body match the schema).

Each operation gets a bounded, derandomized set of examples, so the run is quick and the same each time. Each
generated request is also sent once more with the real campaign's short name and stage in its path, so that the
parameters reach real data and not only 404s.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from bawaba.indicators.refresh import refresh_summary
from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401 - fixtures

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def published_data(published_run):  # noqa: F811 - the fixture imported above
    """The census, its figures refreshed (the open-data release) and its preselection published."""
    refresh_summary(published_run.campaign)
    return published_run


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """A WSGI request closes the database connection when it ends (close_old_connections), which would close
    the test's transaction: as Django's own test client does, keep it open while the test runs."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@override_settings(BAWABA_RATE_LIMITS={"api:ip": (1_000_000, 60)})
def test_the_api_answers_every_request_as_its_document_says(case, published_data):
    case.call_and_validate(checks=CHECKS)
    if case.path_parameters and "slug" in case.path_parameters:
        real = {"slug": published_data.campaign.slug}
        if "stage" in case.path_parameters:
            real["stage"] = published_data.stage
        case.path_parameters = {**case.path_parameters, **real}
        case.call_and_validate(checks=CHECKS)
