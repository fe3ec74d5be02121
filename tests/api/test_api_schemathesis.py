"""Property tests from the app's own OpenAPI schema (schemathesis): no 5xx, responses conform."""
from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from advisor_api.config import Settings
from advisor_api.main import create_app

# The real advisor and rule pack: generated profiles exercise the real validation and assessment.
APP = create_app(Settings(data_dir=Path(tempfile.mkdtemp(prefix="advisor-st-"))))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_5xx_and_conforms_to_its_schema(case):
    case.call_and_validate(checks=CHECKS)
