"""Contract §7 pre-fill fields: accepted, echoed, and a wrong credit code is invalid input naming the field."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.models.credit_code import check_character, validate_credit_code

ADVISOR = [sys.executable, "-m", "advisor.cli"]
PROFILE = {
    "as_of": "2026-11-27",
    "company": {"name": "深圳示例科技有限公司", "region": "440305", "sector": "ecommerce",
                "credit_code": "91350100M000100Y43", "legal_representative": "张三",
                "contact": {"name": "李四", "phone": "0755-12345678", "email": "dpo@example.cn"}},
    "transfers": [{"id": "crm", "purpose": "customer_service", "personal_info_subjects": 120000,
                   "recipient": {"kind": "affiliate", "country": "SG", "name": "Example Pte Ltd",
                                 "address": "1 Example Rd, Singapore", "contact": {"email": "privacy@example.sg"}},
                   "data_categories": ["姓名", "手机号", "收货地址"]}],
}


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "9144030071526726XG"])
def test_real_codes_pass(code):
    assert validate_credit_code(code.lower()) == code


@pytest.mark.parametrize(("code", "why"), [
    ("91350100M000100Y44", "check character"), ("91350100M000100Y4", "18 characters"),
    ("91350100M000100YI3", "cannot occur"), ("", "18 characters")])
def test_wrong_codes_fail(code, why):
    with pytest.raises(ValueError, match=why):
        validate_credit_code(code)


def test_every_single_character_change_is_caught():
    base = "91350100M000100Y43"
    assert check_character(base[:17]) == base[17]
    for i in range(17):
        for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if c != base[i]:
                changed = base[:i] + c + base[i + 1:17]
                assert check_character(changed) != base[17], (i, c)


def _assess(tmp_path: Path, profile: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([*ADVISOR, "assess", "--format", "json", str(path)], capture_output=True, text=True)


def test_fields_accepted_and_echoed(tmp_path):
    done = _assess(tmp_path, PROFILE)
    assert done.returncode == 0, done.stderr
    echoed = json.loads(done.stdout)["profile"]
    assert echoed["company"]["credit_code"] == "91350100M000100Y43"
    assert echoed["transfers"][0]["data_categories"] == ["姓名", "手机号", "收货地址"]
    assert echoed["transfers"][0]["recipient"]["address"] == "1 Example Rd, Singapore"


@pytest.mark.parametrize(("path", "value", "field"), [
    (("company", "credit_code"), "91350100M000100Y44", "company.credit_code"),
    (("company", "contact"), {"email": "not-an-email"}, "company.contact.email"),
    (("company", "legal_representative"), 7, "company.legal_representative"),
])
def test_bad_prefill_is_invalid_input_naming_the_field(tmp_path, path, value, field):
    profile = json.loads(json.dumps(PROFILE))
    profile[path[0]][path[1]] = value
    done = _assess(tmp_path, profile)
    assert done.returncode == 2 and done.stdout == ""
    assert field in done.stderr and "Traceback" not in done.stderr
