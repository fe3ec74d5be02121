"""Contract version 2 (§7) behaviour that the case format cannot express: deadline warnings for an
extension applied for, the shape of contested options, the two readings a warning must state, list
scenarios, and refusals naming the field."""
from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest

from advisor.errors import ProfileError
from advisor.list_scenarios import purpose_listed, scenario_obstacles, scenario_slugs

ASSESSED = {
    "as_of": "2027-05-01",
    "company": {"name": "x", "region": "310115", "sector": "retail", "ciio": False},
    "approvals": [{"mechanism": "security_assessment", "transfer": "t1", "issued_on": "2024-06-15"}],
    "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                   "personal_info_subjects": 1200000, "important_data": False}],
}


def _with(profile, **approval):
    p = copy.deepcopy(profile)
    p["approvals"][0].update(approval)
    return p


def _en(result):
    return [w["en"] for w in result["warnings"]]


# The result issued 2024-06-15 expires 2027-06-15; the window opens 60 working days before, on 2027-03-19.
@pytest.mark.parametrize("applied, expect", [
    ("2027-03-18", "before the extension window opens on 2027-03-19"),
    ("2027-03-19", "extended by 3 years to 2030-06-15"),
    ("2027-06-15", "extended by 3 years to 2030-06-15"),
    ("2027-06-16", "expired on 2027-06-15, before the extension was applied for"),
])
def test_extension_applied_on_each_side_of_the_window(advisor, applied, expect):
    result = advisor.assess(_with(ASSESSED, extension_applied_on=applied))
    found = [w for w in _en(result) if "extension" in w]
    assert len(found) == 1 and expect in found[0], found
    if "extended by" in expect:
        assert "low confidence" in found[0] and "20 %" in found[0]


def test_no_extension_warning_without_extension_applied_on(advisor):
    assert not [w for w in _en(advisor.assess(ASSESSED)) if "xtension" in w and "applied for" in w]


@pytest.mark.parametrize("approval, field", [
    ({"mechanism": "standard_contract", "effective_on": "2026-01-05", "issued_on": None,
      "extension_applied_on": "2026-06-01"}, "approvals.0"),
    ({"extension_applied_on": "2024-06-14"}, "approvals.0"),
    ({"extension_applied_on": "not a date"}, "approvals.0.extension_applied_on"),
])
def test_bad_extension_applied_on_is_refused_naming_the_approval(advisor, approval, field):
    with pytest.raises(ProfileError) as err:
        advisor.assess(_with(ASSESSED, **approval))
    assert field in str(err.value)


GBA = {
    "as_of": "2026-11-27",
    "company": {"name": "x", "region": "440305", "sector": "retail", "ciio": False},
    "transfers": [{"id": "t1", "purpose": "intra_group_sharing", "recipient": {"kind": "affiliate", "country": "HK"},
                   "personal_info_subjects": 1500000, "important_data": False}],
}


def test_contested_option_has_option_basis_text_and_both_readings_are_warned(advisor):
    result = advisor.assess(GBA)
    assert result["schema_version"] == 2
    (c,) = result["transfers"][0]["contested_options"]
    assert c["option"] == "gba_standard_contract"
    assert {"instrument": "gba-sc-hk-2023"} in c["basis"] and c["text"]["zh"] and c["text"]["en"]
    (w,) = [w for w in result["warnings"] if w.get("rule") == "cn.warn.gba_above_band"]
    assert "HKSAR" in w["en"] and "Provisions Art 7" in w["en"]
    assert "香港特区政府" in w["zh"] and "第七条" in w["zh"]


def test_every_transfer_has_contested_options_even_when_empty(advisor):
    result = advisor.assess({**GBA, "transfers": [{**GBA["transfers"][0], "personal_info_subjects": 200000}]})
    assert result["transfers"][0]["contested_options"] == []


def test_certification_basis_names_art_5_from_2026(advisor):
    p = {**GBA, "transfers": [{**GBA["transfers"][0], "recipient": {"kind": "affiliate", "country": "US"},
                               "personal_info_subjects": 200000}]}
    basis = advisor.assess(p)["transfers"][0]["basis"]
    assert {"instrument": "cert-measures-2025", "article": "5"} in basis
    assert {"instrument": "provisions-2024", "article": "8"} in basis
    old = advisor.assess({**p, "as_of": "2025-12-31"})["transfers"][0]["basis"]
    assert {"instrument": "cert-measures-2025", "article": "5"} not in old


TIANJIN_CIIO = {
    "as_of": "2026-11-27",
    "company": {"name": "x", "region": "120116", "zones": ["tianjin-ftz"], "sector": "manufacturing", "ciio": True},
    "transfers": [{"id": "t1", "purpose": "transnational_manufacturing",
                   "recipient": {"kind": "affiliate", "country": "DE"}, "personal_info_subjects": 300000,
                   "important_data": False, "local_list": {"id": "tj-ftz-nl-2024", "data_on_list": False}}],
}


def test_a_ciio_relying_on_a_negative_list_keeps_the_national_route_with_both_readings(advisor):
    result = advisor.assess(TIANJIN_CIIO)
    assert result["transfers"][0]["pathway"] == "security_assessment"
    (w,) = [w for w in result["warnings"] if w.get("rule") == "list_obstacle.ciio"]
    assert "Provisions Art 6" in w["en"] and "PIPL Art 40" in w["en"]
    assert "第六条" in w["zh"] and "第四十条" in w["zh"]


LINGANG = {
    "as_of": "2024-12-01",
    "company": {"name": "x", "region": "310115", "zones": ["lingang"], "sector": "biomedicine", "ciio": False},
    "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                   "personal_info_subjects": 200000, "important_data": None,
                   "local_list": {"id": "sh-lingang-gdl-2024", "data_on_list": True}}],
}


SCENARIO = {"slug": "trial_data", "title": {"zh": "临床试验数据", "en": "Clinical-trial data"},
            "purposes": ["clinical_trial"], "confidence": "low",
            "volume_tiers": [{"pathway": "security_assessment", "personal_info_at_least": 500001}]}


def _with_scenario(measure, scenario=SCENARIO):
    """The measure with one more scenario, built through the real regional models (test data, not law)."""
    from advisor.regional.models import ListRules
    lr = measure.list_rules.model_dump()
    lr["scenarios"] = [*lr["scenarios"], scenario]
    return measure.model_copy(update={"list_rules": ListRules.model_validate(lr)})


@pytest.fixture
def lingang_scenario(advisor, monkeypatch):
    mid = LINGANG["transfers"][0]["local_list"]["id"]
    by_id = advisor.pack.catalogue.by_id
    monkeypatch.setitem(by_id, mid, _with_scenario(by_id[mid]))
    return by_id[mid]


def test_a_named_list_scenario_replaces_the_unknown_scenario_warning(advisor, lingang_scenario):
    rules = lambda r: {w.get("rule") for w in r["warnings"]}  # noqa: E731
    assert "list_obstacle.scenario" in rules(advisor.assess(LINGANG))
    named = copy.deepcopy(LINGANG)
    named["transfers"][0]["local_list"]["scenario"] = "trial_data"
    named["transfers"][0]["purpose"] = "clinical_trial"
    assert "list_obstacle.scenario" not in rules(advisor.assess(named))


def test_an_unknown_list_scenario_is_refused_naming_the_field(advisor, lingang_scenario):
    bad = copy.deepcopy(LINGANG)
    bad["transfers"][0]["local_list"]["scenario"] = "no_such_scenario"
    with pytest.raises(ProfileError) as err:
        advisor.assess(bad)
    assert "transfers.0.local_list.scenario" in str(err.value) and "trial_data" in str(err.value)


def test_scenario_purposes_and_volume_tiers(lingang_scenario):
    """The engine side of scenario-level tiers, over the regional models' Scenario and VolumeTier."""
    m = lingang_scenario
    assert "trial_data" in scenario_slugs(m)
    t = SimpleNamespace(purpose="clinical_trial", personal_info_subjects=500000, sensitive_info_subjects=0)
    assert scenario_obstacles(m, "trial_data", t) == []
    assert scenario_obstacles(m, "trial_data", SimpleNamespace(**{**vars(t), "personal_info_subjects": 500001})) \
        == ["scenario_volume"]
    assert scenario_obstacles(m, "trial_data", SimpleNamespace(**{**vars(t), "purpose": "marketing"})) \
        == ["scenario_purpose"]
    assert purpose_listed(m, "clinical_trial")
    assert not purpose_listed(m, "marketing")


def test_unique_subjects_error_names_the_file_in_the_cli(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path
    p = {**GBA, "company": {**GBA["company"], "unique_subjects": {"personal_info_subjects": 2000000}}}
    f = tmp_path / "client.json"
    f.write_text(json.dumps(p), encoding="utf-8")
    exe = Path(sys.executable).parent / "advisor"
    proc = subprocess.run([str(exe), "assess", "--format", "json", str(f)], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "client.json" in proc.stderr and "company.unique_subjects.personal_info_subjects" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_an_overseas_processor_without_a_region_renders_without_none(tmp_path, fmt):
    import json
    import subprocess
    import sys
    from pathlib import Path
    p = {"as_of": "2026-06-01", "company": {"name": "Example", "established": "abroad", "sector": "other", "ciio": False},
         "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "affiliate", "country": "SG"},
                        "personal_info_subjects": 200000, "important_data": False}]}
    f = tmp_path / "abroad.json"
    f.write_text(json.dumps(p), encoding="utf-8")
    exe = Path(sys.executable).parent / "advisor"
    proc = subprocess.run([str(exe), "assess", "--format", fmt, str(f)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "None" not in proc.stdout and "Example" in proc.stdout
