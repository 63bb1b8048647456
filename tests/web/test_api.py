"""R8: schemathesis over /openapi.json, stateless and stateful, at least 1,000 requests.

Every answer is checked against the document (status codes, content types, headers, the
body's schema) and none may be a server error. The requests carry a buyer's token, so
they reach the use cases, not only the log-in check.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from forms import bearer
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SENT: Counter[str] = Counter()
FUZZ = settings(
    max_examples=110,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture(scope="module")
def token(app):
    return bearer(app.test_client(), "tariq@example.com")


def test_every_operation_answers_as_its_document_says(api_schema, token):
    headers = {"Authorization": f"Bearer {token}"}
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)
            SENT[case.operation.label] += 1

        fuzz()
    assert len(api_schema.raw_schema["paths"]) <= len({label.split()[1] for label in SENT})


def test_the_stateful_links_chain_calls_without_breaking_the_document(api_schema, token):
    class Machine(api_schema.as_state_machine()):
        def get_call_kwargs(self, _case):
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response, case, *_extra, **_transport):
            SENT["stateful"] += 1
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=settings(FUZZ, max_examples=40, stateful_step_count=8, deadline=None))


def test_at_least_a_thousand_requests_were_sent():
    assert sum(SENT.values()) >= 1000, SENT
