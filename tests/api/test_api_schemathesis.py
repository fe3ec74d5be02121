"""Property tests from the app's own OpenAPI schema (schemathesis), keyed mode, with a key: no 5xx, every
status, header and body documented, schema-valid input accepted and schema-violating input refused, auth not
ignored — every check of `st run --checks all`.

A bounded run (the full run is by hand, from the project folder so that schemathesis.toml loads the hooks:
`st run http://127.0.0.1:8000/openapi.json --checks all -H "Authorization: Bearer $KEY"`). The hooks
(tests/schemathesis_hooks.py) keep generated profiles within the four rules JSON Schema cannot state; every
other rule is in the schema. The examples are derandomized, so a CI run is repeatable.
"""
from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from advisor_api.config import Settings
from advisor_api.main import create_app
from advisor_api.storage import KeyStore, make_engine, upgrade

HOOKS = Path(__file__).resolve().parents[1] / "schemathesis_hooks.py"
_spec = importlib.util.spec_from_file_location("schemathesis_hooks", HOOKS)
assert _spec is not None and _spec.loader is not None
_spec.loader.exec_module(importlib.util.module_from_spec(_spec))  # registers the map_case hook

# The real advisor and rule pack: generated profiles exercise the real validation and assessment.
SETTINGS = Settings(data_dir=Path(tempfile.mkdtemp(prefix="advisor-st-")))
upgrade(SETTINGS.url)
TOKEN = KeyStore(make_engine(SETTINGS.url)).create("schemathesis")
APP = create_app(SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
CHECKS = [checks.not_a_server_error, checks.positive_data_acceptance, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance, checks.negative_data_rejection,
          checks.ignored_auth, checks.unsupported_method, checks.missing_required_header, checks.use_after_free,
          checks.ensure_resource_availability]


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_never_answers_5xx_and_conforms_to_its_schema(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
