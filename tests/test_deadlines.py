"""Deadlines from approvals, and the security-assessment procedure estimate (contract §3 items 9–10, §4)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from advisor.calendar import default_calendar
from advisor.deadlines import compute_deadlines, load_deadline_rules
from advisor.deadlines.rules import DEADLINES_YAML
from advisor.errors import PackError
from advisor.models.profile import Profile

pytestmark = pytest.mark.law  # legal content and date arithmetic: `pytest -m law`

CASES = Path(__file__).resolve().parent / "samples"  # the project's copy of the v1 golden cases
D = dt.date


def profile(approvals, country="US", as_of="2026-11-27"):
    return Profile.model_validate({
        "as_of": as_of,
        "company": {"name": "示例", "region": "310115", "sector": "retail", "ciio": False},
        "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": country},
                       "personal_info_subjects": 150000}],
        "approvals": approvals,
    })


def by_id(deadlines):
    return {d["id"]: d for d in deadlines}


def test_golden_case_v19_standard_contract_filing_date():
    case = json.loads((CASES / "v19-filing-deadline.json").read_text(encoding="utf-8"))
    p = Profile.model_validate(case["profile"])
    deadlines, warnings = compute_deadlines(p, p.as_of, {"t1": "standard_contract_or_certification"})
    got = {d["id"]: d["date"] for d in deadlines}
    for key, want in case["expect"]["deadlines"].items():
        assert got[key] == want
    filing = by_id(deadlines)["standard_contract_filing"]
    assert {"instrument": "sc-measures-2023", "article": "7"} in filing["basis"]
    assert filing["provisional"] is False and filing["transfer"] == "t1" and not warnings


def test_a_contract_filing_over_the_2026_spring_festival_counts_the_make_up_saturdays():
    p = profile([{"mechanism": "standard_contract", "transfer": "t1", "effective_on": "2026-02-06"}],
                as_of="2026-02-06")
    deadlines, _ = compute_deadlines(p, p.as_of, {})
    assert by_id(deadlines)["standard_contract_filing"]["date"] == "2026-02-27"


def test_a_contract_filing_over_national_day_2026():
    p = profile([{"mechanism": "standard_contract", "transfer": "t1", "effective_on": "2026-09-25"}],
                as_of="2026-09-25")
    deadlines, _ = compute_deadlines(p, p.as_of, {})
    # 28, 29, 30 Sep, 8, 9, 10 (Sat, make-up), 12, 13, 14, 15 Oct
    assert by_id(deadlines)["standard_contract_filing"]["date"] == "2026-10-15"


def test_a_filing_period_running_into_2027_is_provisional_with_a_warning():
    p = profile([{"mechanism": "standard_contract", "transfer": "t1", "effective_on": "2026-12-25"}])
    deadlines, warnings = compute_deadlines(p, p.as_of, {})
    filing = by_id(deadlines)["standard_contract_filing"]
    assert filing["date"] == "2027-01-11" and filing["provisional"] is True
    assert any("2027" in w["en"] and "provisional" in w["en"] for w in warnings)


def test_a_gba_contract_to_macau_cites_the_macau_guideline():
    p = profile([{"mechanism": "gba_standard_contract", "transfer": "t1", "effective_on": "2026-11-20"}],
                country="MO")
    filing = by_id(compute_deadlines(p, p.as_of, {})[0])["gba_standard_contract_filing"]
    assert filing["date"] == "2026-12-04"
    assert [b["instrument"] for b in filing["basis"]][0] == "gba-sc-mo-2024"


def test_a_result_issued_2023_05_10_keeps_two_years_with_a_warning():
    p = profile([{"mechanism": "security_assessment", "transfer": "t1", "issued_on": "2023-05-10"}])
    deadlines, warnings = compute_deadlines(p, p.as_of, {"t1": "security_assessment"})
    expiry = by_id(deadlines)["assessment_expiry"]
    assert expiry["date"] == "2025-05-10" and expiry["status"] == "passed"
    assert {"instrument": "sa-measures-2022", "article": "14"} in expiry["basis"]
    assert any("2024-03-22" in w["en"] and "3 years" in w["en"] for w in warnings)
    assert any("2024-03-22" in w["zh"] for w in warnings)


def test_a_result_issued_2024_06_15_expires_2027_06_15_and_the_window_opens_60_working_days_before():
    p = profile([{"mechanism": "security_assessment", "transfer": "t1", "issued_on": "2024-06-15"}])
    deadlines, warnings = compute_deadlines(p, p.as_of, {"t1": "security_assessment"})
    got = by_id(deadlines)
    assert got["assessment_expiry"]["date"] == "2027-06-15"
    assert {"instrument": "provisions-2024", "article": "9"} in got["assessment_expiry"]["basis"]
    assert got["assessment_expiry"]["provisional"] is False          # an expiry does not depend on working days
    window = got["assessment_extension_window_opens"]
    cal = default_calendar()
    opens = D.fromisoformat(window["date"])
    assert cal.is_working_day(opens).working
    # exactly 60 working days lie after `opens` up to and including the day before expiry
    assert cal.add_working_days(opens, 59).date < D(2027, 6, 15) <= cal.add_working_days(opens, 60).date
    assert window["provisional"] is True and window["conditions"]["en"]
    assert any("20 %" in c for c in window["conditions"]["en"])
    assert not any("2024-03-22" in w["en"] for w in warnings)


def test_certification_re_application_is_due_six_months_before_expiry():
    p = profile([{"mechanism": "certification", "transfer": "t1", "issued_on": "2026-08-31"}])
    got = by_id(compute_deadlines(p, p.as_of, {})[0])
    assert got["certification_expiry"]["date"] == "2029-08-31"
    assert got["certification_reapply_by"]["date"] == "2029-02-28"   # a Wednesday: no move needed
    assert {"instrument": "cert-measures-2025", "article": "8"} in got["certification_reapply_by"]["basis"]


def test_a_re_application_day_on_a_rest_day_moves_to_the_next_working_day():
    # issued 2023-04-04 -> expiry 2026-04-04; 6 months before is Sat 2025-10-04, inside the 2025 National Day
    # holiday (1–8 Oct) -> moves to Thu 2025-10-09. The expiry itself (a Saturday) does not move.
    p = profile([{"mechanism": "certification", "transfer": "t1", "issued_on": "2023-04-04"}], as_of="2025-06-01")
    deadlines, warnings = compute_deadlines(p, p.as_of, {})
    got = by_id(deadlines)
    assert got["certification_expiry"]["date"] == "2026-04-04"
    assert got["certification_reapply_by"]["date"] == "2025-10-09"
    assert got["certification_reapply_by"]["provisional"] is False
    assert any("2026-01-01" in w["en"] for w in warnings)       # validity under the earlier rules unconfirmed


def test_a_planned_security_assessment_gets_an_estimated_timeline_from_as_of():
    p = profile([])
    deadlines, warnings = compute_deadlines(p, D(2026, 11, 27), {"t1": "security_assessment"})
    got = by_id(deadlines)
    assert got["assessment_provincial_check_by"]["date"] == "2026-12-04"   # 5 working days
    assert got["assessment_acceptance_by"]["date"] == "2026-12-15"         # + 7
    assert all(d.get("estimate") is True for d in deadlines)
    order = ["assessment_provincial_check_by", "assessment_acceptance_by", "assessment_result_expected_by",
             "reassessment_request_by"]
    assert [d["id"] for d in deadlines] == order
    triggers = got["assessment_provincial_check_by"]["refiling_triggers"]
    assert {"instrument": "sa-measures-2022", "article": "14"} in triggers["basis"] and triggers["points"]["zh"]
    assert {"instrument": "sa-measures-2022", "article": "12"} in got["assessment_result_expected_by"]["basis"]
    assert any("extend" in w["en"] for w in warnings)


def test_no_estimate_once_an_assessment_covers_the_transfer_or_on_another_pathway():
    p = profile([{"mechanism": "security_assessment", "transfer": "t1", "issued_on": "2026-01-10"}])
    assert not any(d.get("estimate") for d in compute_deadlines(p, p.as_of, {"t1": "security_assessment"})[0])
    assert compute_deadlines(profile([]), D(2026, 11, 27), {"t1": "exempt"}) == ([], [])


def test_a_filed_contract_is_marked_done_and_deadlines_are_sorted_by_date():
    p = profile([{"mechanism": "certification", "transfer": "t1", "issued_on": "2026-08-31"},
                 {"mechanism": "standard_contract", "transfer": "t1", "effective_on": "2026-11-20",
                  "filed_on": "2026-11-25"}])
    deadlines, _ = compute_deadlines(p, p.as_of, {})
    assert [d["date"] for d in deadlines] == sorted(d["date"] for d in deadlines)
    assert by_id(deadlines)["standard_contract_filing"]["status"] == "done"


def test_a_deadline_pack_with_an_unknown_field_is_refused_naming_the_entry(tmp_path):
    text = DEADLINES_YAML.read_text(encoding="utf-8").replace(
        "  - id: certification_expiry\n", "  - id: certification_expiry\n    grace_days: 5\n")
    bad = tmp_path / "deadlines.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_deadline_rules(bad)
    assert err.value.rule == "certification_expiry" and "grace_days" in str(err.value)


def test_a_deadline_counting_from_an_undefined_deadline_is_refused(tmp_path):
    text = DEADLINES_YAML.read_text(encoding="utf-8").replace(
        "from: {deadline: certification_expiry}", "from: {deadline: certificate_expiry}")
    bad = tmp_path / "deadlines.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(PackError, match="certificate_expiry"):
        load_deadline_rules(bad)


@pytest.mark.parametrize("issued", ["9999-06-01", "2199-03-01"])
def test_a_date_beyond_the_reckonable_calendar_gives_a_warning_not_a_traceback(issued):
    p = profile([{"mechanism": "certification", "transfer": "t1", "issued_on": issued}])
    deadlines, warnings = compute_deadlines(p, p.as_of, {})
    assert not any(d["id"] == "certification_reapply_by" for d in deadlines)
    assert any("outside the calendar" in w["en"] and "t1" in w["en"] for w in warnings)


def test_every_citation_in_the_deadline_calendar_and_filing_pack_yaml_names_a_known_instrument():
    from advisor.calendar import load_calendar_rules
    from advisor.deadlines.filing_packs import load_filing_packs
    from advisor.packs.yamlio import read_yaml

    rules_dir = DEADLINES_YAML.parents[1]
    known = {i["id"] for i in read_yaml(rules_dir / "instruments.yaml")["instruments"]}
    for path in (rules_dir / "regional").glob("*.yaml"):
        known |= {m["id"] for m in read_yaml(path).get("measures", [])}

    def walk(node):
        if isinstance(node, dict):
            if "instrument" in node:
                yield node["instrument"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    packs = (load_deadline_rules(), load_calendar_rules(), load_filing_packs())
    cited = {slug for pack in packs for slug in walk(pack.model_dump(by_alias=True))}
    assert cited and cited <= known, sorted(cited - known)


def test_each_filing_route_names_its_mechanism_deadline_and_documents():
    """What a company files, per mechanism (filing_packs.yaml), looked up as the renderers look it up."""
    from advisor.deadlines.filing_packs import load_filing_packs

    packs = load_filing_packs()
    got = {m: (packs.route(m).id, packs.route(m).deadline, [packs.document(d).id for d in packs.route(m).documents])
           for m in ("standard_contract", "gba_standard_contract", "security_assessment", "certification")}
    assert got == {
        "standard_contract": ("standard_contract", "standard_contract_filing", ["sc_online_form", "sc_annex", "piia_report"]),
        "gba_standard_contract": ("gba_standard_contract", "gba_standard_contract_filing", ["transfer_facts", "piia_report"]),
        "security_assessment": ("security_assessment", None, ["sa_declaration", "self_assessment_report", "sa_legal_documents"]),
        "certification": ("certification", None, ["piia_report"]),
    }
    assert packs.route("no_such_mechanism") is None


@pytest.mark.parametrize(("applied", "verdict"), [
    ("2027-03-18", "before the extension window opens on 2027-03-19"),
    ("2027-03-19", "If approved, validity is extended by 3 years to 2030-06-15"),
    ("2027-06-15", "If approved, validity is extended by 3 years to 2030-06-15"),
    ("2027-06-16", "expired on 2027-06-15, before the extension was applied for on 2027-06-16"),
])
def test_an_extension_applied_for_on_each_side_of_the_window(applied, verdict):
    """Provisions Art 9: a result valid 3 years (2024-06-15 → 2027-06-15) may be extended by 3 years if the
    extension is applied for within the 60 working days before expiry (from 2027-03-19 here)."""
    p = profile([{"mechanism": "security_assessment", "transfer": "t1", "issued_on": "2024-06-15",
                  "extension_applied_on": applied}])
    _, warnings = compute_deadlines(p, p.as_of, {"t1": "security_assessment"})
    said = [w["en"] for w in warnings if "xtension" in w["en"]]
    assert len(said) == 1 and verdict in said[0], said


def test_an_extension_whose_window_cannot_be_reckoned_gets_the_calendar_warning_only():
    """Expiry 2202-03-01 is reckoned in years; its window (working days) is beyond the calendar: the advisor
    says so and does not judge the extension request."""
    p = profile([{"mechanism": "security_assessment", "transfer": "t1", "issued_on": "2199-03-01",
                  "extension_applied_on": "2201-12-01"}])
    deadlines, warnings = compute_deadlines(p, p.as_of, {"t1": "security_assessment"})
    assert [(d["id"], d["date"]) for d in deadlines] == [("assessment_expiry", "2202-03-01")]
    assert len(warnings) == 1 and "outside the calendar" in warnings[0]["en"] and "t1" in warnings[0]["en"]


@pytest.mark.parametrize(("issued", "expiry", "article"), [("2024-03-21", "2026-03-21", "14"),
                                                           ("2024-03-22", "2027-03-22", "9")])
def test_a_result_issued_the_day_before_the_2024_provisions_keeps_two_years_and_on_their_first_day_three(
        issued, expiry, article):
    """Security Assessment Measures Art 14 (2 years) until 2024-03-21; Provisions Art 9 (3 years) from 2024-03-22."""
    p = profile([{"mechanism": "security_assessment", "transfer": "t1", "issued_on": issued}], as_of="2024-06-01")
    got = by_id(compute_deadlines(p, p.as_of, {"t1": "security_assessment"})[0])
    assert got["assessment_expiry"]["date"] == expiry
    assert got["assessment_expiry"]["basis"][0]["article"] == article


def test_what_each_filing_document_asks_for():
    """Per document: one per transfer, only with PI, the parties' details, the declaration (filing_packs.yaml)."""
    from advisor.deadlines.filing_packs import load_filing_packs

    got = {d.id: (d.per_transfer, d.needs_pi, d.parties, d.declaration) for d in load_filing_packs().documents}
    assert got == {"sc_online_form": (False, False, False, True),
                   "sc_annex": (True, False, True, False), "transfer_facts": (True, False, True, False),
                   "piia_report": (False, True, False, False), "sa_declaration": (False, False, False, True),
                   "self_assessment_report": (False, False, False, False),
                   "sa_legal_documents": (True, False, True, False)}


@pytest.mark.parametrize(("country", "guides"), [("HK", ["gba-sc-hk-2023"]), ("MO", ["gba-sc-mo-2024"]),
                                                 ("US", ["gba-sc-hk-2023", "gba-sc-mo-2024"])])
def test_a_gba_contract_is_filed_within_ten_working_days_across_new_year(country, guides):
    """Effective 2025-12-31: the 10 working days are 4 Jan 2026 (a make-up Sunday), 5–9 and 12–15 Jan."""
    p = profile([{"mechanism": "gba_standard_contract", "transfer": "t1", "effective_on": "2025-12-31"}],
                country=country, as_of="2026-01-05")
    filing = by_id(compute_deadlines(p, p.as_of, {})[0])["gba_standard_contract_filing"]
    assert filing["date"] == "2026-01-15"
    assert [b["instrument"] for b in filing["basis"]] == [*guides, "civil-code"]


# Reviewed: which deadlines tell the user that they move off a rest day (the Assessment's
# `moves_off_rest_days`). A last day for the company to act moves to the next working day (Civil Code
# Art 203); an expiry, the day a window opens, and the CAC's own time limits (estimates) do not.
MOVES_OFF_REST_DAYS = {
    "standard_contract_filing": True, "gba_standard_contract_filing": True, "certification_reapply_by": True,
    "reassessment_request_by": True,
    "assessment_expiry": False, "assessment_extension_window_opens": False, "certification_expiry": False,
    "assessment_provincial_check_by": False, "assessment_acceptance_by": False, "assessment_result_expected_by": False,
}


def test_which_deadlines_move_off_a_rest_day_is_the_reviewed_list():
    """As the assessment shows them: every deadline of every approval, and the planned assessment's estimates."""
    shown = {}
    for approval, pathways in (
            ({"mechanism": "standard_contract", "transfer": "t1", "effective_on": "2026-09-25"}, {}),
            ({"mechanism": "gba_standard_contract", "transfer": "t1", "effective_on": "2026-11-20"}, {}),
            ({"mechanism": "security_assessment", "transfer": "t1", "issued_on": "2024-06-15"}, {}),
            ({"mechanism": "certification", "transfer": "t1", "issued_on": "2026-08-31"}, {}),
            (None, {"t1": "security_assessment"})):
        p = profile([approval] if approval else [], country="HK" if approval and "gba" in approval["mechanism"] else "US")
        shown.update({d["id"]: d["moves_off_rest_days"] for d in compute_deadlines(p, D(2026, 11, 27), pathways)[0]})
    assert shown == MOVES_OFF_REST_DAYS


def test_only_the_filing_deadlines_are_done_once_the_approval_was_filed():
    """`filed_on` on an approval marks its filing deadline done; no other deadline of it (an expiry, a
    window, a re-application) is done by a filing."""
    done = {}
    for mechanism, dates in (("standard_contract", {"effective_on": "2026-09-25"}),
                             ("gba_standard_contract", {"effective_on": "2026-09-25"}),
                             ("security_assessment", {"issued_on": "2024-06-15"}),
                             ("certification", {"issued_on": "2026-08-31"})):
        p = profile([{"mechanism": mechanism, "transfer": "t1", **dates, "filed_on": "2026-10-09"}],
                    country="HK" if "gba" in mechanism else "US")
        done.update({d["id"]: d["status"] == "done" for d in compute_deadlines(p, D(2026, 11, 27), {})[0]})
    assert done == {"standard_contract_filing": True, "gba_standard_contract_filing": True,
                    "assessment_expiry": False, "assessment_extension_window_opens": False,
                    "certification_expiry": False, "certification_reapply_by": False}


def _with_window(opens: str, expires: str, as_of: str) -> dict:
    return {"as_of": as_of, "deadlines": [
        {"id": "assessment_extension_window_opens", "transfer": "t1", "date": opens},
        {"id": "assessment_expiry", "transfer": "t1", "date": expires}]}


def test_an_extension_is_due_from_the_lead_time_before_its_window_until_expiry_and_not_after():
    from advisor.deadlines.filing_packs import extensions_due, load_filing_packs

    packs = load_filing_packs()
    lead = dt.timedelta(days=180)     # filing_packs.yaml's courtesy lead time (not a legal period), as reviewed
    opens, expires = D(2027, 3, 15), D(2027, 6, 14)
    def due(as_of: dt.date) -> bool:
        return bool(extensions_due(_with_window(opens.isoformat(), expires.isoformat(), as_of.isoformat()), packs))
    assert due(opens - lead) and due(opens) and due(expires)                  # from the lead time to the last day
    assert not due(opens - lead - dt.timedelta(days=1))                     # too early
    assert not due(expires + dt.timedelta(days=1))                          # expired: too late to extend


def test_an_approval_with_an_expiry_but_no_extension_window_is_not_an_extension_due():
    from advisor.deadlines.filing_packs import extensions_due, load_filing_packs

    doc = _with_window("2027-03-15", "2027-06-14", "2027-03-01")
    doc["deadlines"] = [d for d in doc["deadlines"] if d["id"] == "assessment_expiry"]
    assert extensions_due(doc, load_filing_packs()) == []


def test_a_route_covers_the_transfers_that_need_it_and_only_those():
    from advisor.deadlines.filing_packs import load_filing_packs, plan

    packs = load_filing_packs()
    doc = {"transfers": [
        {"id": "t1", "pathway": "standard_contract_or_certification", "options": ["standard_contract", "certification"]},
        {"id": "t2", "pathway": "exempt", "options": ["standard_contract"]},      # exempt: nothing to file
        {"id": "t3", "pathway": "security_assessment", "options": ["security_assessment"]}]}
    got = {route.mechanism: [t["id"] for t in covered] for route, covered in plan(doc, packs)}
    assert got.get("standard_contract") == ["t1"] and got.get("certification") == ["t1"]
    assert got.get("security_assessment") == ["t3"]
    assert all("t2" not in ids for ids in got.values())


@pytest.mark.parametrize(("mechanism", "given", "deadline", "want"), [
    # a certificate without its issue date counts from effective_on: 3 years on
    ("certification", {"effective_on": "2026-08-31"}, "certification_expiry", "2029-08-31"),
    # a contract without its effective date counts from issued_on: 10 working days on (2026-09-25 → 15 Oct)
    ("standard_contract", {"issued_on": "2026-09-25"}, "standard_contract_filing", "2026-10-15"),
])
def test_an_approval_without_the_date_a_deadline_counts_from_uses_its_other_date_and_says_so(
        mechanism, given, deadline, want):
    p = profile([{"mechanism": mechanism, "transfer": "t1", **given}], as_of="2026-09-25")
    deadlines, warnings = compute_deadlines(p, p.as_of, {})
    got = by_id(deadlines)[deadline]
    used = next(iter(given))
    assert got["date"] == want and got["counts_from"]["field"] == f"approvals.0.{used}"
    assert any(f"gives no {'issued_on' if used == 'effective_on' else 'effective_on'}" in w["en"]
               and f"from {used}" in w["en"] for w in warnings)


def test_materials_are_numbered_from_one_as_the_guides_number_them():
    from advisor.deadlines.filing_packs import load_filing_packs

    packs = load_filing_packs()
    route = packs.route("standard_contract")
    assert packs.materials(route, "en")[0] == f"1. {route.materials[0].en}"
    assert packs.materials(route, "zh")[0] == f"（一）{route.materials[0].zh}"
    assert packs.materials(route, "en")[-1].startswith(f"{len(route.materials)}. ")
    sa = packs.route("security_assessment")   # thirteen items: （十一）, not （一十一）
    assert packs.materials(sa, "zh")[10].startswith("（十一）") and packs.materials(sa, "zh")[10].endswith("（上传）")


def test_a_reckoning_memoised_for_a_variant_that_no_longer_lives_is_not_reused():
    """compute.py memoises dates by the variant's id(), which Python may hand to a new object once the old
    one is gone: an entry whose variant is not the one asked about is recomputed, never trusted."""
    from advisor.deadlines import compute

    p = profile([{"mechanism": "standard_contract", "transfer": "t1", "effective_on": "2026-09-25"}],
                as_of="2026-09-25")
    first = by_id(compute_deadlines(p, p.as_of, {})[0])["standard_contract_filing"]["date"]
    poisoned = 0      # the reckoned dates, then the static parts (basis, label, period) memoised the same way
    for memo in compute._RECKONED.values():
        for key, (variant, date, provisional, years) in list(memo.items()):
            if key[0] == "standard_contract_filing":
                memo[key] = (object(), D(1999, 1, 1), provisional, years)   # the id now names another object
                poisoned += 1
    for key, (variant, part) in list(compute._STATIC.items()):
        if key[0] == "standard_contract_filing":
            compute._STATIC[key] = (object(), {**part, "basis": [], "moves_off_rest_days": False})
            poisoned += 1
    assert poisoned >= 2
    again = by_id(compute_deadlines(p, p.as_of, {})[0])["standard_contract_filing"]
    assert again["date"] == first == "2026-10-15"
    assert again["basis"] and again["moves_off_rest_days"] is True


def test_a_deadline_is_upcoming_on_its_own_day_and_passed_the_day_after():
    """On the last day of a period there is still time: 2026-10-15 is the contract filing's last day."""
    approvals = [{"mechanism": "standard_contract", "transfer": "t1", "effective_on": "2026-09-25"}]
    status = {day: by_id(compute_deadlines(profile(approvals, as_of=day), D.fromisoformat(day), {})[0])
              ["standard_contract_filing"]["status"] for day in ("2026-10-14", "2026-10-15", "2026-10-16")}
    assert status == {"2026-10-14": "upcoming", "2026-10-15": "upcoming", "2026-10-16": "passed"}


@pytest.mark.parametrize(("issued", "expires", "warned"), [
    ("2025-12-31", "2028-12-31", True),     # the last day before the Certification Measures: the earlier rules
    ("2026-01-01", "2029-01-01", False),    # their first day
])
def test_a_certificate_issued_on_each_side_of_the_certification_measures(issued, expires, warned):
    p = profile([{"mechanism": "certification", "transfer": "t1", "issued_on": issued}], as_of="2026-06-01")
    deadlines, warnings = compute_deadlines(p, p.as_of, {})
    assert by_id(deadlines)["certification_expiry"]["date"] == expires
    assert any("took effect (2026-01-01)" in w["en"] for w in warnings) is warned
