"""The Assessment model is the oracle of the output's shape: every golden case (../shared/cases, when
present) and every project case (tests/cases) must produce an assessment it accepts, and it must refuse
a wrong one."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from advisor.errors import ProfileError
from advisor.models.assessment import Assessment, StoredAssessment, assessment_schema, validate_assessment
from tests.casefile import load_golden_cases, load_own_cases, load_samples

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "profile.json"


def _profiles() -> list[tuple[str, dict]]:
    return [(c["_file"], c["profile"]) for c in load_own_cases() + load_samples() + load_golden_cases()]


def test_every_case_output_validates(advisor):
    checked = 0
    for name, profile in _profiles():
        try:
            result = advisor.assess(profile)
        except ProfileError:
            continue  # invalid-input cases have no assessment
        try:
            validate_assessment(result)
        except ValidationError as exc:
            pytest.fail(f"{name}: {exc}")
        checked += 1
    assert checked >= 100


@pytest.fixture(scope="module")
def sample(advisor) -> dict:
    return advisor.assess(json.loads(EXAMPLE.read_text(encoding="utf-8")))


@pytest.mark.parametrize("spoil", [
    lambda d: d.pop("rulepack"),
    lambda d: d.update(overall="maybe"),
    lambda d: d["transfers"][0].update(surprise=1),
    lambda d: d["transfers"][0].update(pathway="exempted"),
    lambda d: d["totals"].update(personal_info_subjects="12"),
    lambda d: d["totals"].update(personal_info_subjects=-1),
    lambda d: d.update(as_of="27/11/2026"),
    lambda d: d["rulepack"].update(digest="md5:00"),
    lambda d: d["transfers"][1]["options"].append("handshake"),
    lambda d: d["warnings"].append({"zh": "只有中文"}),
    lambda d: d["profile"]["company"].update(colour="red"),
], ids=["missing", "bad-pathway", "unknown-key", "transfer-pathway", "count-as-text", "negative",
        "date", "digest", "option", "one-language", "profile-unknown"])
def test_the_model_refuses_a_wrong_assessment(sample, spoil):
    validate_assessment(sample)
    bad = copy.deepcopy(sample)
    spoil(bad)
    with pytest.raises(ValidationError):
        validate_assessment(bad)


def test_stored_assessment_needs_its_id(sample):
    with pytest.raises(ValidationError):
        validate_assessment(sample, StoredAssessment)
    validate_assessment({**sample, "id": "a1", "lang": "en"}, StoredAssessment)


def test_schema_requires_every_contract_field():
    schema = assessment_schema()
    for field in ("schema_version", "as_of", "rulepack", "overall", "totals", "transfers", "measures",
                  "deadlines", "questions", "warnings"):
        assert field in schema["required"], field
    assert schema["additionalProperties"] is False
    assert "Profile" in schema["$defs"]
    assert Assessment.model_fields["overall"].annotation is not None
