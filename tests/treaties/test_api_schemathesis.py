"""schemathesis against the API: every built-in check, 100 examples per operation, valid and invalid requests.

One rule the schema cannot state: which slugs exist (the record changes; a schema listing every treaty would
change with it), nor that `date_from` comes before `date_to`, nor which days a month has (the `on` pattern admits
2021-02-30). So a schema-valid request may be refused with a 400 for those reasons, and only for those:
`positive_data_acceptance` also accepts a 400, and `refused_only_for_what_the_schema_cannot_state` fails any
other 400 given to a schema-valid request.
"""

import json

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

REASONS_THE_SCHEMA_CANNOT_STATE = (
    "has the slug",  # "No treaty has the slug “x”." (statements: "the slug, name or alias")
    "“From” must be on or before “To”.",
    "is not a date the tracker can show",
)
CONFIG = SchemathesisConfig.from_dict({
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}},
})


def refused_only_for_what_the_schema_cannot_state(ctx, response, case):
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code != 400:
        return None
    messages = [message for messages in json.loads(response.content).values() for message in messages]
    unexplained = [m for m in messages if not any(reason in m for reason in REASONS_THE_SCHEMA_CANNOT_STATE)]
    assert not unexplained, f"A schema-valid request was refused: {unexplained}"
    return None


@pytest.fixture
def api_schema(reference_data, settings):
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from tracker.wsgi import application

    settings.API_RATE_LIMIT = "100000/minute"
    cache.clear()
    # As Django's test client does: keep the test's transaction open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(max_examples=100, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_the_api_keeps_its_schema_for_valid_and_invalid_requests(case):
    case.call_and_validate(additional_checks=[refused_only_for_what_the_schema_cannot_state])
