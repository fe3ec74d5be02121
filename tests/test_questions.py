"""Open questions whose answer has several alternatives: every alternative is tried, not only the first.

On the shipped catalogue no place has two usable lists for one sector, so the pack is amended in a copy:
Lingang's general data list is widened to retail, where the Shanghai FTZ negative list also applies. A
general data list does not lift the PI thresholds, so only the second candidate, the negative list,
can change the route."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.resources import shipped_rules_dir
from advisor.service import Advisor

pytestmark = pytest.mark.law

LINGANG_SECTORS = "sectors: [automotive, securities_funds, biomedicine, medical_devices]"


def _advisor(tmp_path: Path, name: str, edits: list[tuple[str, str, str]]) -> Advisor:
    rules = tmp_path / name
    shutil.copytree(shipped_rules_dir(), rules)
    for file, old, new in edits:
        path = rules / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} not once in {file}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return Advisor.load(rules, engine="reference", memo=False)


def _profile() -> dict:
    return {"as_of": "2025-03-01",
            "company": {"name": "临港示例", "region": "310115", "zones": ["lingang"], "sector": "retail", "ciio": False},
            "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                           "personal_info_subjects": 200000, "sensitive_info_subjects": 0, "important_data": False,
                           "local_list": None}]}


def _question(result: dict) -> dict:
    return next(q for q in result["questions"] if q["field"] == "transfers.t1.local_list")


@pytest.fixture(scope="module")
def widened(tmp_path_factory) -> Advisor:
    return _advisor(tmp_path_factory.mktemp("q"), "rules", [
        ("regional/shanghai.yaml", LINGANG_SECTORS, LINGANG_SECTORS.replace("]", ", retail]"))])


def test_only_the_second_candidate_list_changes_the_outcome_and_it_is_found(widened):
    result = widened.assess(_profile())
    q = _question(result)
    assert [c["id"] for c in q["candidates"]] == ["sh-lingang-gdl-2024", "sh-ftz-nl-2025"]
    assert (q["changes_outcome"], q["rule"], q["transfer"]) == (True, "cn.q.local_list", "t1")
    assert result["transfers"][0]["pathway"] == "standard_contract_or_certification"


def test_the_first_candidate_alone_does_not_change_it(widened):
    on_list = _profile()
    on_list["transfers"][0]["local_list"] = {"id": "sh-lingang-gdl-2024", "data_on_list": True}
    assert widened.assess(on_list)["transfers"][0]["pathway"] == "standard_contract_or_certification"
    off_list = _profile()
    off_list["transfers"][0]["local_list"] = {"id": "sh-ftz-nl-2025", "data_on_list": False}
    t1 = widened.assess(off_list)["transfers"][0]
    assert (t1["pathway"], t1.get("exemption")) == ("exempt", "local_list")
