"""Regional facilitation in assessments: which measures are shown, how they stand at a date, when a local
data list or the GBA contract changes a transfer's route (spec/contract.md §2 `measures`, §3 items 5-7;
knowledge/regional-measures.md, "Notes for matching").

Every catalogue entry is exercised: the parametrised tests below are generated from rules/regional/*.yaml,
so a measure added there is covered without editing this file. Expected behaviour is stated from the
contract and the catalogue; where the advisor does not do it yet the test is marked xfail(strict=True).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from advisor.regional.catalogue import Catalogue
from advisor.regional.models import Measure
from advisor.regions import default_gazetteer
from advisor.service import RULES_DIR

pytestmark = pytest.mark.law  # legal content and date arithmetic: `pytest -m law`

CATALOGUE = Catalogue.load(RULES_DIR / "regional")
MEASURES = {m.id: m for m in CATALOGUE.measures}
LISTS = [m for m in CATALOGUE.measures if m.list_rules is not None]
TODAY = dt.date(2026, 11, 27)
DAY = dt.timedelta(days=1)
OLD_REGIME_FROM = dt.date(2022, 9, 1)  # profiles before this date are refused (contract §1 as_of)

# A region inside each zone, chosen so that the region does not imply the zone by itself unless the zone
# covers the whole division (liangjiang, hainan-ftp, nansha).
ZONE_HOME = {
    "beijing-ftz": "110105", "daxing-airport-zone": "110115", "tianjin-ftz": "120116", "shanghai-ftz": "310115",
    "lingang": "310115", "hongqiao-cbd": "310112", "zhejiang-ftz": "330900", "jiangsu-ftz-suzhou": "320500",
    "fujian-ftz-pingtan": "350128", "guangxi-ftz": "450100", "chongqing-ftz": "500107", "liangjiang": "500157",
    "hainan-ftp": "460100", "nansha": "440115", "qianhai": "440305", "hengqin": "440402", "hetao": "440304",
    "jiangbei-new-area": "320111",
}
# Zhengzhou (Henan): no regional measure names Henan, so only national measures fit here.
ELSEWHERE = "410102"
GBA_CITIES = ["440100", "440300", "440400", "440600", "441300", "441900", "442000", "440700", "441200"]


# --------------------------------------------------------------------------------------------- helpers

def transfer(**kw: Any) -> dict[str, Any]:
    t: dict[str, Any] = {"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                         "personal_info_subjects": 50_000, "sensitive_info_subjects": 0, "important_data": False,
                         "collected_abroad": False}
    recipient = kw.pop("recipient", None)
    t.update(kw)
    if recipient:
        t["recipient"] = {**t["recipient"], **recipient}
    return t


def profile(region: str, zones: list[str] | tuple[str, ...] = (), sector: str = "other",
            as_of: dt.date | str = TODAY, ciio: bool | None = False, transfers: list[dict[str, Any]] | None = None,
            **company: Any) -> dict[str, Any]:
    return {"as_of": str(as_of),
            "company": {"name": "示例公司", "region": region, "zones": list(zones), "sector": sector, "ciio": ciio,
                        **company},
            "transfers": transfers if transfers is not None else [transfer()]}


def ids(result: dict[str, Any]) -> list[str]:
    return [m["id"] for m in result["measures"]]


def row(result: dict[str, Any], mid: str) -> dict[str, Any]:
    rows = [m for m in result["measures"] if m["id"] == mid]
    assert len(rows) == 1, f"{mid} listed {len(rows)} times: {ids(result)}"
    return rows[0]


def warning_rules(result: dict[str, Any]) -> list[str]:
    return [w.get("rule", "") for w in result["warnings"]]


def question(result: dict[str, Any], field: str) -> dict[str, Any] | None:
    return next((q for q in result["questions"] if q["field"] == field), None)


def t1(result: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in result["transfers"] if t["id"] == "t1")


def inside(m: Measure) -> dt.date:
    """A day inside the measure's period (usable: active, or unverified for briefing-only measures)."""
    day = TODAY
    if m.until is not None:
        day = min(day, m.until.end)
    if m.replaced_on is not None:
        day = min(day, m.replaced_on - DAY)
    assert m.from_ is None or day >= m.from_.start, m.id
    return day


def usable_status(m: Measure) -> str:
    if m.draft:
        return "draft"
    return "unverified" if m.confidence == "unverified" else "active"


def places(m: Measure) -> list[tuple[str, list[str]]]:
    """Every way of being registered where the measure applies: (region, zones)."""
    if m.where.national:
        return [(ELSEWHERE, []), ("440305", [])]
    return [(code, []) for code in m.where.regions] + [(ZONE_HOME[z], [z]) for z in m.where.zones]


def covered_sector(m: Measure) -> str:
    return m.sectors[0] if m.sectors else "other"


def uncovered_sector(m: Measure) -> str:
    return next(s for s in ("other", "gaming", "energy") if s not in m.sectors)


def need_transfer(m: Measure, met: bool = True) -> dict[str, Any]:
    """A transfer meeting (or, with met=False, just missing) the measure's `need`."""
    if m.need == "mechanism":
        return transfer(personal_info_subjects=150_000 if met else 50_000)
    if m.need == "assessment":
        return transfer(personal_info_subjects=1_200_000 if met else 150_000)
    if m.need == "affiliate_recipient":
        return transfer(recipient={"kind": "affiliate" if met else "third_party"})
    if m.need == "hk_mo_recipient":
        return transfer(recipient={"country": m.need_country if met else "US"})
    return transfer()  # any, sector: one outbound PI transfer


def fitting(m: Measure, region: str | None = None, zones: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    """A company for which the measure fits by place, sector and need, at a day inside its period."""
    if region is None:
        region, zones = places(m)[0]
    kw.setdefault("sector", covered_sector(m))
    kw.setdefault("as_of", inside(m))
    kw.setdefault("transfers", [need_transfer(m)])
    return profile(region, zones or [], **kw)


# ------------------------------------------------------------------ 1. shown where it fits, absent elsewhere

FIT_CASES = [pytest.param(m.id, region, zones, id=f"{m.id}@{zones[0] if zones else region}")
             for m in CATALOGUE.measures for region, zones in places(m)]


@pytest.mark.parametrize(("mid", "region", "zones"), FIT_CASES)
def test_measure_is_listed_where_it_fits(advisor, mid: str, region: str, zones: list[str]) -> None:
    m = MEASURES[mid]
    result = advisor.assess(fitting(m, region, zones))
    r = row(result, mid)
    assert r["status"] == usable_status(m)
    assert [x["title"] for x in r["sources"]] == [x.title for x in m.sources] and r["sources"]
    assert r["title"]["zh"] and r["title"]["en"] and r["why"]["zh"] and r["why"]["en"]
    if m.where.national:
        assert "nationwide" in r["why"]["en"]
    else:  # the reason names the zone (given or implied by the region) or the division that made it fit, in words
        gaz = default_gazetteer()
        in_zones = set(zones) | gaz.implied_zones(gaz.resolve(region))
        names = {z for z in in_zones} | {gaz.zone(z).en for z in in_zones}
        places = {gaz.get(c).en for c in m.where.regions if gaz.get(c) is not None}
        assert any(n in r["why"]["en"] for n in names | places)
        assert not any(c in r["why"]["en"] or c in r["why"]["zh"] for c in m.where.regions)  # no division code


def _outside_places(m: Measure) -> list[Any]:
    if m.where.national:
        return []
    out = [pytest.param(m.id, ELSEWHERE, [], id=f"{m.id}@henan")]
    gaz = default_gazetteer()
    for z in m.where.zones:  # same district, but not registered in the zone
        place = gaz.resolve(ZONE_HOME[z])
        if gaz.implied_zones(place) & set(m.where.zones) or any(place.within(c) for c in m.where.regions):
            continue
        out.append(pytest.param(m.id, ZONE_HOME[z], [], id=f"{m.id}@{ZONE_HOME[z]}-without-{z}"))
    return out


@pytest.mark.parametrize(("mid", "region", "zones"),
                         [p for m in CATALOGUE.measures for p in _outside_places(m)])
def test_measure_is_absent_outside_its_place(advisor, mid: str, region: str, zones: list[str]) -> None:
    result = advisor.assess(fitting(MEASURES[mid], region, zones))
    assert mid not in ids(result)


@pytest.mark.parametrize("mid", [m.id for m in CATALOGUE.measures if m.sectors])
def test_measure_is_absent_for_a_sector_it_does_not_cover(advisor, mid: str) -> None:
    m = MEASURES[mid]
    result = advisor.assess(fitting(m, sector=uncovered_sector(m)))
    assert mid not in ids(result)
    assert mid in ids(advisor.assess(fitting(m)))  # the same company in a covered sector: listed


@pytest.mark.parametrize("mid", [m.id for m in CATALOGUE.measures if m.need not in ("any", "sector")])
def test_measure_is_absent_when_its_need_is_not_met(advisor, mid: str) -> None:
    m = MEASURES[mid]
    result = advisor.assess(fitting(m, transfers=[need_transfer(m, met=False)]))
    assert mid not in ids(result)


@pytest.mark.parametrize("mid", [m.id for m in CATALOGUE.measures if m.need == "hk_mo_recipient"])
def test_hk_measure_is_absent_for_macau_and_the_reverse(advisor, mid: str) -> None:
    m = MEASURES[mid]
    other = {"HK": "MO", "MO": "HK"}[m.need_country]
    result = advisor.assess(fitting(m, transfers=[transfer(recipient={"country": other})]))
    assert mid not in ids(result)


@pytest.mark.parametrize("mid", [m.id for m in CATALOGUE.measures])
def test_measure_is_absent_when_nothing_goes_abroad(advisor, mid: str) -> None:
    m = MEASURES[mid]
    domestic = transfer(recipient={"country": "CN"}, personal_info_subjects=1_200_000)
    result = advisor.assess(fitting(m, transfers=[domestic]))
    assert t1(result)["pathway"] == "not_outbound"
    assert mid not in ids(result)


def test_need_is_judged_over_all_transfers(advisor) -> None:
    """One transfer below threshold, one in the contract band: `mechanism` measures are shown."""
    ts = [transfer(), transfer(id="t2", personal_info_subjects=150_000)]
    result = advisor.assess(profile("440115", ["nansha"], transfers=ts))
    assert "nansha-subsidies" in ids(result)
    only_small = advisor.assess(profile("440115", ["nansha"], transfers=[transfer(personal_info_subjects=60_000)]))
    assert "nansha-subsidies" not in ids(only_small)


def test_lingshui_measure_fits_a_company_registered_under_todays_code(advisor) -> None:
    """The catalogue gives Lingshui as 469034; today's GB/T 2260 code is 469028, spelt also by name."""
    for region in ("469028", "海南省陵水黎族自治县", "469034"):
        result = advisor.assess(profile(region))
        assert row(result, "hn-lingshui-undersea-dc-2023")["status"] == "unverified"
    assert "hn-lingshui-undersea-dc-2023" not in ids(advisor.assess(profile("460100")))


# ------------------------------------------------------------------------ 2. status at every transition

def _transitions() -> list[Any]:
    out = []
    for m in CATALOGUE.measures:
        if m.from_ is not None:
            out.append(pytest.param(m.id, m.from_.start - DAY, "not_yet_effective", id=f"{m.id}-before-from"))
            out.append(pytest.param(m.id, m.from_.start, usable_status(m), id=f"{m.id}-on-from"))
        if m.until is not None:
            out.append(pytest.param(m.id, m.until.end, usable_status(m), id=f"{m.id}-last-day"))
            out.append(pytest.param(m.id, m.until.end + DAY, "expired", id=f"{m.id}-after-until"))
        if m.replaced_on is not None:
            out.append(pytest.param(m.id, m.replaced_on - DAY, usable_status(m), id=f"{m.id}-eve-of-replacement"))
            out.append(pytest.param(m.id, m.replaced_on, "superseded", id=f"{m.id}-replaced"))
    return out


@pytest.mark.parametrize(("mid", "day", "status"), _transitions())
def test_status_at_each_date(advisor, mid: str, day: dt.date, status: str) -> None:
    m = MEASURES[mid]
    if day < OLD_REGIME_FROM:  # no assessment exists for that day; the catalogue can still be browsed
        region, zones = places(m)[0]
        rows = advisor.measures(region=region, zone=zones[0] if zones else None, sector=covered_sector(m), as_of=day)
        r = next(r for r in rows if r["id"] == mid)
    else:
        r = row(advisor.assess(fitting(m, as_of=day)), mid)
    assert r["status"] == status
    if status == "superseded":
        assert r["replaced_by"]["id"] == m.replaced_by
        assert r["replaced_by"]["on"] == m.replaced_on.isoformat()
        assert r["replaced_by"]["title"] == MEASURES[m.replaced_by].title.as_dict()


def test_plans_ending_in_2025_are_expired_from_2026() -> None:
    """Catalogue note: plans "2023-2025" are expired from 2026-01-01 (an end year ends on 31 December)."""
    for mid in ("sh-data-element-plan-2023", "sh-lingang-data-plan-2023", "gd-digital-bay-2023"):
        assert MEASURES[mid].until.end == dt.date(2025, 12, 31)


HISTORY_CASES = {
    "beijing-ftz-retail": profile("110105", ["beijing-ftz"], "retail"),
    "lingang-biomedicine": profile("310115", ["lingang"], "biomedicine",
                                   transfers=[transfer(personal_info_subjects=150_000)]),
    "lingang-insurance": profile("310115", ["lingang"], "insurance",
                                 transfers=[transfer(personal_info_subjects=150_000)]),
    "nansha-hk": profile("440115", ["nansha"], transfers=[transfer(recipient={"country": "HK"})]),
}


@pytest.mark.parametrize("name", sorted(HISTORY_CASES))
def test_expired_and_superseded_rows_come_after_the_usable_ones(advisor, name: str) -> None:
    statuses = [m["status"] for m in advisor.assess(HISTORY_CASES[name])["measures"]]
    ended = [i for i, s in enumerate(statuses) if s in ("expired", "superseded")]
    current = [i for i, s in enumerate(statuses) if s not in ("expired", "superseded")]
    assert ended, f"this case is meant to show history: {statuses}"
    assert max(current) < min(ended), statuses


def test_beijing_history_shows_the_2024_list_replaced_by_the_2026_list(advisor) -> None:
    result = advisor.assess(HISTORY_CASES["beijing-ftz-retail"])
    old, new = row(result, "bj-ftz-nl-2024"), row(result, "bj-twozones-nl-2026")
    assert (old["status"], new["status"]) == ("superseded", "active")
    assert old["replaced_by"]["id"] == "bj-twozones-nl-2026" and old["replaced_by"]["on"] == "2026-05-11"
    assert ids(result).index("bj-twozones-nl-2026") < ids(result).index("bj-ftz-nl-2024")


# ------------------------------------------------------------------ 3. local lists (contract §3 items 5, 6)

def tianjin(local_list: dict[str, Any] | None = None, *, as_of: dt.date | str = TODAY, region: str = "120116",
            zones: tuple[str, ...] = ("tianjin-ftz",), ciio: bool | None = False, sector: str = "manufacturing",
            **kw: Any) -> dict[str, Any]:
    kw.setdefault("personal_info_subjects", 300_000)
    return profile(region, zones, sector, as_of=as_of, ciio=ciio,
                   transfers=[transfer(local_list=local_list, **kw)])


TJ_OFF = {"id": "tj-ftz-nl-2024", "data_on_list": False}
TJ_ON = {"id": "tj-ftz-nl-2024", "data_on_list": True}


def test_tianjin_data_off_the_negative_list_is_exempt(advisor) -> None:
    t = t1(advisor.assess(tianjin(TJ_OFF)))
    assert (t["pathway"], t["exemption"]) == ("exempt", "local_list")
    assert {"instrument": "provisions-2024", "article": "6"} in [
        {"instrument": b["instrument"], "article": b["article"]} for b in t["basis"]]
    assert t["options"] == []


def test_tianjin_list_works_from_the_day_it_was_published_and_for_any_sector(advisor) -> None:
    assert t1(advisor.assess(tianjin(TJ_OFF, as_of="2024-05-09")))["exemption"] == "local_list"
    assert t1(advisor.assess(tianjin(TJ_OFF, sector="gaming")))["exemption"] == "local_list"


def test_tianjin_data_on_the_negative_list_takes_the_national_route(advisor) -> None:
    result = advisor.assess(tianjin(TJ_ON))
    assert t1(result)["pathway"] == "standard_contract_or_certification"
    assert "exemption" not in t1(result)
    small = t1(advisor.assess(tianjin(TJ_ON, personal_info_subjects=50_000)))
    assert (small["pathway"], small["exemption"]) == ("exempt", "below_threshold")


def test_tianjin_list_does_not_help_a_ciio(advisor) -> None:
    result = advisor.assess(tianjin(TJ_OFF, ciio=True))
    assert t1(result)["pathway"] == "security_assessment"
    assert "list_obstacle.ciio" in warning_rules(result)


@pytest.mark.parametrize(("region", "zones"), [("120116", ()), ("120101", ()), (ELSEWHERE, ())],
                         ids=["binhai-not-in-zone", "heping", "henan"])
def test_tianjin_list_does_not_help_a_company_outside_the_zone(advisor, region: str, zones: tuple[str, ...]) -> None:
    result = advisor.assess(tianjin(TJ_OFF, region=region, zones=zones))
    assert t1(result)["pathway"] == "standard_contract_or_certification"
    assert "list_obstacle.place" in warning_rules(result)
    warned = next(w for w in result["warnings"] if w.get("rule") == "list_obstacle.place")
    assert "another region's list needs the local authority's confirmation" in warned["en"]
    assert "tj-ftz-nl-2024" not in ids(result)


def test_tianjin_list_is_not_in_force_before_2024_05_09(advisor) -> None:
    result = advisor.assess(tianjin(TJ_OFF, as_of="2024-05-08"))
    assert t1(result)["pathway"] == "standard_contract_or_certification"
    assert "list_obstacle.status_not_yet_effective" in warning_rules(result)
    assert row(result, "tj-ftz-nl-2024")["status"] == "not_yet_effective"


def test_important_data_off_the_negative_list_still_needs_a_security_assessment(advisor) -> None:
    result = advisor.assess(tianjin(TJ_OFF, important_data=True))
    t = t1(result)
    assert t["pathway"] == "security_assessment" and "exemption" not in t
    assert "cn.warn.important_data_list" in warning_rules(result)
    # also with no PI at all: the list cannot cover important data
    no_pi = advisor.assess(tianjin(TJ_OFF, important_data=True, personal_info_subjects=0))
    assert t1(no_pi)["pathway"] == "security_assessment"
    assert "cn.warn.important_data_list" in warning_rules(no_pi)


def test_unknown_list_answer_with_important_data_cannot_change_the_outcome(advisor) -> None:
    result = advisor.assess(tianjin(None, important_data=True))
    assert t1(result)["pathway"] == "security_assessment"
    q = question(result, "transfers.t1.local_list")
    assert (q["changes_outcome"], [c["id"] for c in q["candidates"]]) == (False, ["tj-ftz-nl-2024"])


LG_ON = {"id": "sh-lingang-gdl-2024", "data_on_list": True}


def lingang(local_list: dict[str, Any] | None = LG_ON, *, as_of: dt.date | str = "2024-12-01",
            sector: str = "biomedicine", zones: tuple[str, ...] = ("lingang",), region: str = "310115",
            **kw: Any) -> dict[str, Any]:
    kw.setdefault("personal_info_subjects", 200_000)
    kw.setdefault("important_data", None)
    kw.setdefault("purpose", "clinical_trial")
    return profile(region, zones, sector, as_of=as_of, transfers=[transfer(local_list=local_list, **kw)])


def test_lingang_general_data_list_settles_important_data_but_not_pi_thresholds(advisor) -> None:
    result = advisor.assess(lingang())
    t = t1(result)
    assert t["pathway"] == "standard_contract_or_certification"
    assert question(result, "transfers.t1.important_data") is None
    assert "general-data-list-filing" in [o["id"] for o in t["obligations"]]
    assert row(result, "sh-lingang-gdl-2024")["status"] == "active"
    assert not [w for w in warning_rules(result) if w.startswith("list_obstacle.")]


def test_lingang_list_below_threshold_is_exempt_only_by_the_national_threshold(advisor) -> None:
    t = t1(advisor.assess(lingang(personal_info_subjects=50_000)))
    assert (t["pathway"], t["exemption"]) == ("exempt", "below_threshold")


def test_lingang_list_with_sensitive_pi_still_follows_the_thresholds(advisor) -> None:
    t = t1(advisor.assess(lingang(personal_info_subjects=0, sensitive_info_subjects=10_000)))
    assert t["pathway"] == "security_assessment"


def test_lingang_list_on_its_last_day_then_expired(advisor) -> None:
    last = advisor.assess(lingang(as_of="2025-05-16"))
    assert question(last, "transfers.t1.important_data") is None
    after = advisor.assess(lingang(as_of="2025-05-17"))
    assert row(after, "sh-lingang-gdl-2024")["status"] == "expired"
    assert question(after, "transfers.t1.important_data")["changes_outcome"] is True  # important data: assessment
    assert "list_obstacle.status_expired" in warning_rules(after)
    assert "general-data-list-filing" not in [o["id"] for o in t1(after)["obligations"]]
    assert t1(after)["pathway"] == "standard_contract_or_certification"


@pytest.mark.parametrize("sector", ["retail", "banking", "insurance"])
def test_lingang_list_does_not_cover_other_sectors(advisor, sector: str) -> None:
    result = advisor.assess(lingang(sector=sector))
    assert "list_obstacle.sector" in warning_rules(result)
    assert question(result, "transfers.t1.important_data")["changes_outcome"] is True


@pytest.mark.parametrize("sector", ["automotive", "securities_funds", "biomedicine", "medical_devices"])
def test_lingang_list_covers_its_four_sectors(advisor, sector: str) -> None:
    result = advisor.assess(lingang(sector=sector, purpose="research_development"))
    assert question(result, "transfers.t1.important_data") is None
    assert not [w for w in warning_rules(result) if w.startswith("list_obstacle.")]


def test_lingang_list_does_not_help_outside_lingang_or_a_ciio(advisor) -> None:
    pudong_only = advisor.assess(lingang(zones=()))
    assert "list_obstacle.place" in warning_rules(pudong_only)
    assert question(pudong_only, "transfers.t1.important_data")["changes_outcome"] is True
    ciio = advisor.assess(profile("310115", ["lingang"], "biomedicine", as_of="2024-12-01", ciio=True,
                                  transfers=[transfer(local_list=LG_ON, personal_info_subjects=200_000,
                                                      important_data=None, purpose="clinical_trial")]))
    assert "list_obstacle.ciio" in warning_rules(ciio)
    assert t1(ciio)["pathway"] == "security_assessment"


def test_general_data_list_cannot_cover_important_data(advisor) -> None:
    result = advisor.assess(lingang(important_data=True))
    assert t1(result)["pathway"] == "security_assessment"
    assert "cn.warn.important_data_list" in warning_rules(result)


@pytest.mark.parametrize("mid", [m.id for m in LISTS if m.list_rules.scenario_purposes])
def test_a_purpose_outside_the_lists_scenarios_is_warned(advisor, mid: str) -> None:
    m = MEASURES[mid]
    on = m.list_rules.kind == "general_data_list"
    off_scenario = next(p for p in ("marketing", "other", "it_services") if p not in m.list_rules.scenario_purposes)
    result = advisor.assess(fitting(m, transfers=[transfer(purpose=off_scenario, personal_info_subjects=300_000,
                                                           local_list={"id": mid, "data_on_list": on})]))
    assert "list_obstacle.scenario" in warning_rules(result)


@pytest.mark.parametrize("mid", [m.id for m in LISTS if m.list_rules.scenario_purposes])
def test_a_purpose_inside_the_lists_scenarios_is_not_warned(advisor, mid: str) -> None:
    m = MEASURES[mid]
    on = m.list_rules.kind == "general_data_list"
    result = advisor.assess(fitting(m, transfers=[transfer(purpose=sorted(m.list_rules.scenario_purposes)[0],
                                                           personal_info_subjects=300_000,
                                                           local_list={"id": mid, "data_on_list": on})]))
    assert not [w for w in warning_rules(result) if w.startswith("list_obstacle.")]


# Every list in the catalogue, judged by its own data: usable where, when and for whom it applies.

def list_profile(m: Measure, *, on: bool | None = None, **kw: Any) -> dict[str, Any]:
    on = (m.list_rules.kind == "general_data_list") if on is None else on
    purpose = sorted(m.list_rules.scenario_purposes)[0] if m.list_rules.scenario_purposes else "marketing"
    t = transfer(purpose=purpose, personal_info_subjects=300_000, important_data=None,
                 local_list={"id": m.id, "data_on_list": on})
    return fitting(m, transfers=[t], **kw)


USABLE_LISTS = [m.id for m in LISTS if m.list_rules.sectors_known and m.confidence != "unverified"]


@pytest.mark.parametrize("mid", USABLE_LISTS)
def test_each_list_helps_where_when_and_for_whom_it_applies(advisor, mid: str) -> None:
    m = MEASURES[mid]
    result = advisor.assess(list_profile(m))
    t = t1(result)
    assert not [w for w in warning_rules(result) if w.startswith("list_obstacle.")]
    if m.list_rules.kind == "negative_list":
        assert (t["pathway"], t.get("exemption")) == ("exempt", "local_list")
    else:
        assert t["pathway"] == "standard_contract_or_certification"
        assert question(result, "transfers.t1.important_data") is None


@pytest.mark.parametrize("mid", [m for m in USABLE_LISTS if MEASURES[m].list_rules.filing_step is not None])
def test_relying_on_a_list_shows_its_own_filing_step(advisor, mid: str) -> None:
    m = MEASURES[mid]
    result = advisor.assess(list_profile(m))
    text = json.dumps(result, ensure_ascii=False)
    assert m.list_rules.filing_step.zh in text and m.list_rules.filing_step.en in text


@pytest.mark.parametrize("mid", [m.id for m in LISTS if m.list_rules.kind == "negative_list"])
def test_each_negative_list_data_on_it_keeps_the_national_route(advisor, mid: str) -> None:
    t = t1(advisor.assess(list_profile(MEASURES[mid], on=True)))
    assert t["pathway"] == "standard_contract_or_certification"


def _list_obstacles() -> list[Any]:
    out = []
    for m in LISTS:
        out.append(pytest.param(m.id, {"region": ELSEWHERE, "zones": []}, {}, "place", id=f"{m.id}-elsewhere"))
        out.append(pytest.param(m.id, {}, {"ciio": True}, "ciio", id=f"{m.id}-ciio"))
        if m.sectors:
            out.append(pytest.param(m.id, {}, {"sector": uncovered_sector(m)}, "sector", id=f"{m.id}-sector"))
        if not m.list_rules.sectors_known:
            out.append(pytest.param(m.id, {}, {}, "sectors_unknown", id=f"{m.id}-sectors-unknown"))
        if m.from_ is not None and m.from_.start - DAY >= dt.date(2024, 3, 22):
            out.append(pytest.param(m.id, {}, {"as_of": m.from_.start - DAY}, "status_not_yet_effective",
                                    id=f"{m.id}-before"))
        if m.until is not None:
            out.append(pytest.param(m.id, {}, {"as_of": m.until.end + DAY}, "status_expired", id=f"{m.id}-after"))
        if m.replaced_on is not None:
            out.append(pytest.param(m.id, {}, {"as_of": m.replaced_on}, "status_superseded", id=f"{m.id}-replaced"))
    return out


@pytest.mark.parametrize(("mid", "place", "kw", "reason"), _list_obstacles())
def test_each_list_that_cannot_help_is_explained_and_changes_nothing(advisor, mid: str, place: dict[str, Any],
                                                                     kw: dict[str, Any], reason: str) -> None:
    m = MEASURES[mid]
    result = advisor.assess(list_profile(m, region=place.get("region"), zones=place.get("zones"), **kw))
    t = t1(result)
    assert f"list_obstacle.{reason}" in warning_rules(result)
    assert t.get("exemption") != "local_list"
    assert t["pathway"] == ("security_assessment" if kw.get("ciio") else "standard_contract_or_certification")
    assert "general-data-list-filing" not in [o["id"] for o in t["obligations"]]
    if m.list_rules.kind == "general_data_list":  # the important-data question stays open; a CIIO's route
        # is a security assessment anyway, so only a non-CIIO's answer would change it
        assert question(result, "transfers.t1.important_data")["changes_outcome"] is not kw.get("ciio", False)
    warned = next(w for w in result["warnings"] if w.get("rule") == f"list_obstacle.{reason}")
    assert m.title.zh in warned["zh"] and m.title.en in warned["en"]
    from advisor.render.labels import transfer_name  # the transfer in words, never its id

    named = result["profile"]["transfers"][0]
    assert transfer_name(named, "zh") in warned["zh"] and transfer_name(named, "en") in warned["en"]


@pytest.mark.parametrize("mid", ["gx-ftz-nl-2025", "fj-pingtan-gdl"])
def test_lists_with_unknown_sectors_never_change_a_pathway(advisor, mid: str) -> None:
    m = MEASURES[mid]
    assert m.list_rules.sectors_known is False
    for on in (False, True):
        for sector in ("manufacturing", "retail", "biomedicine"):
            result = advisor.assess(list_profile(m, on=on, sector=sector))
            assert t1(result)["pathway"] == "standard_contract_or_certification"
            assert "list_obstacle.sectors_unknown" in warning_rules(result)
            assert question(result, "transfers.t1.important_data")["changes_outcome"] is True
    # and no question invites the company to rely on them
    unknown = advisor.assess(fitting(m, transfers=[transfer(personal_info_subjects=300_000)]))
    assert question(unknown, "transfers.t1.local_list") is None


def beijing(local_list: dict[str, Any] | None, as_of: str, region: str = "110105",
            zones: tuple[str, ...] = ("beijing-ftz",), sector: str = "retail") -> dict[str, Any]:
    return profile(region, zones, sector, as_of=as_of,
                   transfers=[transfer(personal_info_subjects=300_000, local_list=local_list)])


BJ24 = {"id": "bj-ftz-nl-2024", "data_on_list": False}
BJ26 = {"id": "bj-twozones-nl-2026", "data_on_list": False}


def test_beijing_2024_list_until_2026_05_10_then_replaced_by_the_2026_list(advisor) -> None:
    assert t1(advisor.assess(beijing(BJ24, "2026-05-10")))["exemption"] == "local_list"
    replaced = advisor.assess(beijing(BJ24, "2026-05-11"))
    assert t1(replaced)["pathway"] == "standard_contract_or_certification"
    assert "list_obstacle.status_superseded" in warning_rules(replaced)
    assert row(replaced, "bj-ftz-nl-2024")["replaced_by"]["id"] == "bj-twozones-nl-2026"
    early = advisor.assess(beijing(BJ26, "2026-05-10"))
    assert "list_obstacle.status_not_yet_effective" in warning_rules(early)
    assert t1(early)["pathway"] == "standard_contract_or_certification"
    assert t1(advisor.assess(beijing(BJ26, "2026-05-11")))["exemption"] == "local_list"


def test_beijing_2026_list_applies_city_wide_the_2024_list_only_in_the_ftz(advisor) -> None:
    haidian = t1(advisor.assess(beijing(BJ26, "2026-11-27", region="110108", zones=())))
    assert haidian["exemption"] == "local_list"
    result = advisor.assess(beijing(BJ24, "2025-06-01", region="110108", zones=()))
    assert "list_obstacle.place" in warning_rules(result)
    assert t1(result)["pathway"] == "standard_contract_or_certification"


def test_beijing_2026_list_covers_its_new_sectors_not_manufacturing(advisor) -> None:
    for sector in ("medical_devices", "logistics_shipping", "banking"):
        assert t1(advisor.assess(beijing(BJ26, "2026-11-27", sector=sector)))["exemption"] == "local_list"
        assert t1(advisor.assess(beijing(BJ24, "2025-06-01", sector=sector))).get("exemption") != "local_list"
    result = advisor.assess(beijing(BJ26, "2026-11-27", sector="manufacturing"))
    assert "list_obstacle.sector" in warning_rules(result)


def test_shanghai_ftz_list_replaced_by_the_citywide_list_on_2026_04_24(advisor) -> None:
    def sh(mid: str, day: str, region: str = "310115", zones: tuple[str, ...] = ("shanghai-ftz",)) -> dict[str, Any]:
        return profile(region, zones, "logistics_shipping", as_of=day, transfers=[transfer(
            purpose="cross_border_transport", personal_info_subjects=300_000,
            local_list={"id": mid, "data_on_list": False})])
    assert t1(advisor.assess(sh("sh-ftz-nl-2025", "2026-04-23")))["exemption"] == "local_list"
    assert "list_obstacle.status_superseded" in warning_rules(advisor.assess(sh("sh-ftz-nl-2025", "2026-04-24")))
    assert t1(advisor.assess(sh("sh-citywide-nl-2026", "2026-04-24", "310104", ())))["exemption"] == "local_list"


@pytest.mark.parametrize(("name", "prof"), [
    ("tianjin-manufacturing", tianjin(None)),
    ("beijing-ftz-retail-2026", beijing(None, "2026-11-27")),
    ("beijing-haidian-banking-2026", beijing(None, "2026-11-27", region="110108", zones=(), sector="banking")),
    ("hainan-tourism", profile("460100", (), "tourism", transfers=[transfer(personal_info_subjects=300_000)])),
    ("zhejiang-ftz-ecommerce", profile("330900", ["zhejiang-ftz"], "ecommerce",
                                       transfers=[transfer(personal_info_subjects=300_000)])),
    ("chongqing-ftz-automotive", profile("500107", ["chongqing-ftz"], "automotive",
                                         transfers=[transfer(personal_info_subjects=300_000)])),
])
def test_unknown_local_list_where_a_negative_list_is_in_force_is_asked_and_matters(advisor, name: str,
                                                                                  prof: dict[str, Any]) -> None:
    result = advisor.assess(prof)
    q = question(result, "transfers.t1.local_list")
    assert q is not None and q["changes_outcome"] is True
    assert q["text"]["zh"] and q["text"]["en"]
    assert t1(result)["pathway"] == "standard_contract_or_certification"  # presumed: no list relied on


def test_unknown_local_list_for_a_general_data_list_is_asked_without_changing_the_route(advisor) -> None:
    result = advisor.assess(lingang(None))
    q = question(result, "transfers.t1.local_list")
    assert q is not None and q["changes_outcome"] is False  # PI thresholds still apply on the list


@pytest.mark.parametrize(("name", "prof"), [
    ("henan", profile(ELSEWHERE, (), "retail", transfers=[transfer(personal_info_subjects=300_000)])),
    ("tianjin-ciio", tianjin(None, ciio=True)),
    ("tianjin-before-the-list", tianjin(None, as_of="2024-05-08")),
    ("tianjin-outside-the-zone", tianjin(None, zones=())),
    ("beijing-ftz-manufacturing", beijing(None, "2026-11-27", sector="manufacturing")),
    ("lingang-after-the-trial", lingang(None, as_of="2025-06-01")),
    ("guangxi-ftz-sectors-unknown", profile("450100", ["guangxi-ftz"], "retail",
                                            transfers=[transfer(personal_info_subjects=300_000)])),
])
def test_no_local_list_question_when_no_list_could_help(advisor, name: str, prof: dict[str, Any]) -> None:
    assert question(advisor.assess(prof), "transfers.t1.local_list") is None


def test_a_named_list_that_is_not_a_list_is_refused(advisor) -> None:
    from advisor.errors import ProfileError
    with pytest.raises(ProfileError) as exc:
        advisor.assess(tianjin({"id": "tj-classification-2024", "data_on_list": False}))
    assert "transfers.0.local_list.id" in str(exc.value) and "tj-classification-2024" in str(exc.value)
    with pytest.raises(ProfileError):
        advisor.assess(tianjin({"id": "no-such-list", "data_on_list": False}))


# --------------------------------------------------------------------- 4. the GBA contract (§3 item 7)

def gba(region: str, country: str, as_of: dt.date | str = TODAY, company: dict[str, Any] | None = None,
        **kw: Any) -> dict[str, Any]:
    kw.setdefault("personal_info_subjects", 150_000)
    return profile(region, (), "retail", as_of=as_of,
                   transfers=[transfer(recipient={"country": country}, **kw)], **(company or {}))


GBA_MEASURE = {"HK": "gba-sc-hk-2023", "MO": "gba-sc-mo-2024"}


@pytest.mark.parametrize("country", ["HK", "MO"])
@pytest.mark.parametrize("city", GBA_CITIES)
def test_gba_contract_is_offered_in_each_of_the_nine_cities(advisor, city: str, country: str) -> None:
    result = advisor.assess(gba(city, country))
    t = t1(result)
    assert t["pathway"] == "standard_contract_or_certification"
    assert "gba_standard_contract" in t["options"] and "standard_contract" in t["options"]
    assert "cn.warn.gba_onward" in warning_rules(result)
    assert row(result, GBA_MEASURE[country])["status"] == "active"
    other = GBA_MEASURE["MO" if country == "HK" else "HK"]
    assert other not in ids(result)


@pytest.mark.parametrize("region", ["440305", "440115", "440402", "深圳市南山区"])
def test_gba_contract_is_offered_for_a_district_of_a_gba_city(advisor, region: str) -> None:
    assert "gba_standard_contract" in t1(advisor.assess(gba(region, "HK")))["options"]


@pytest.mark.parametrize("country", ["HK", "MO"])
@pytest.mark.parametrize("region", ["440500", "440511", "440800", "440000", "110105", "460100"],
                         ids=["shantou", "shantou-jinping", "zhanjiang", "guangdong-province", "beijing", "haikou"])
def test_gba_contract_is_not_offered_outside_the_nine_cities(advisor, region: str, country: str) -> None:
    result = advisor.assess(gba(region, country))
    t = t1(result)
    assert t["pathway"] == "standard_contract_or_certification"
    assert "gba_standard_contract" not in t["options"]
    assert "cn.warn.gba_onward" not in warning_rules(result)
    assert GBA_MEASURE[country] not in ids(result)


@pytest.mark.parametrize("country", ["US", "TW", "SG"])
def test_gba_contract_is_not_offered_for_other_recipients(advisor, country: str) -> None:
    result = advisor.assess(gba("440305", country))
    assert "gba_standard_contract" not in t1(result)["options"]
    assert "cn.warn.gba_onward" not in warning_rules(result)


@pytest.mark.parametrize(("country", "day", "offered"), [
    ("HK", "2023-12-12", False), ("HK", "2023-12-13", True),
    ("MO", "2024-09-09", False), ("MO", "2024-09-10", True),
])
def test_gba_contract_dates(advisor, country: str, day: str, offered: bool) -> None:
    # Before 2024-03-22 the contract band is 1..99,999 persons (2022 Measures), so the 2023 check uses 50,000.
    old_regime = day < "2024-03-22"
    result = advisor.assess(gba("440305", country, day, personal_info_subjects=50_000 if old_regime else 150_000,
                                company={"personal_info_processed": 50_000}))
    t = t1(result)
    assert t["pathway"] == "standard_contract_or_certification"
    assert ("gba_standard_contract" in t["options"]) is offered
    assert ("cn.warn.gba_onward" in warning_rules(result)) is offered
    assert row(result, GBA_MEASURE[country])["status"] == ("active" if offered else "not_yet_effective")


@pytest.mark.parametrize("country", ["HK", "MO"])
def test_gba_contract_is_not_offered_with_important_data(advisor, country: str) -> None:
    result = advisor.assess(gba("440305", country, important_data=True))
    t = t1(result)
    assert t["pathway"] == "security_assessment"
    assert "gba_standard_contract" not in t["options"]
    assert "cn.warn.gba_onward" not in warning_rules(result)
    assert "cn.warn.gba_above_band" not in warning_rules(result)  # not a volume matter


@pytest.mark.parametrize("country", ["HK", "MO"])
def test_gba_contract_is_not_offered_below_the_band(advisor, country: str) -> None:
    result = advisor.assess(gba("440305", country, personal_info_subjects=99_999))
    t = t1(result)
    assert (t["pathway"], t["exemption"]) == ("exempt", "below_threshold")
    assert t["options"] == []
    assert "cn.warn.gba_onward" not in warning_rules(result)
    assert GBA_MEASURE[country] in ids(result)  # still shown: the company sends to HK/MO


@pytest.mark.parametrize(("persons", "sensitive"), [(1_000_000, 0), (1_200_000, 0), (0, 10_000)])
@pytest.mark.parametrize("country", ["HK", "MO"])
def test_above_the_band_the_security_assessment_stays_with_a_warning(advisor, country: str, persons: int,
                                                                     sensitive: int) -> None:
    result = advisor.assess(gba("440305", country, personal_info_subjects=persons, sensitive_info_subjects=sensitive))
    t = t1(result)
    assert t["pathway"] == "security_assessment"
    assert "gba_standard_contract" not in t["options"]
    assert "cn.warn.gba_above_band" in warning_rules(result)
    assert "cn.warn.gba_onward" not in warning_rules(result)


def test_gba_contract_is_not_offered_to_a_ciio_and_no_volume_warning_is_given(advisor) -> None:
    result = advisor.assess(gba("440305", "HK", company={"ciio": True}))
    t = t1(result)
    assert t["pathway"] == "security_assessment" and "gba_standard_contract" not in t["options"]
    assert "cn.warn.gba_above_band" not in warning_rules(result)
    assert "cn.warn.gba_onward" not in warning_rules(result)


@pytest.mark.parametrize(("persons", "sensitive"), [(100_000, 0), (999_999, 0), (0, 1), (0, 9_999)])
def test_gba_contract_is_offered_across_the_whole_band(advisor, persons: int, sensitive: int) -> None:
    result = advisor.assess(gba("440300", "HK", personal_info_subjects=persons, sensitive_info_subjects=sensitive))
    assert "gba_standard_contract" in t1(result)["options"]
    assert "cn.warn.gba_onward" in warning_rules(result)


def test_gba_contract_only_for_the_transfer_that_goes_to_hk(advisor) -> None:
    ts = [transfer(recipient={"country": "HK"}, personal_info_subjects=60_000),
          transfer(id="t2", recipient={"country": "US"}, personal_info_subjects=60_000)]
    result = advisor.assess(profile("440305", (), "retail", transfers=ts))
    by_id = {t["id"]: t for t in result["transfers"]}
    assert by_id["t1"]["pathway"] == by_id["t2"]["pathway"] == "standard_contract_or_certification"  # 120,000 summed
    assert "gba_standard_contract" in by_id["t1"]["options"]
    assert "gba_standard_contract" not in by_id["t2"]["options"]


# --------------------------------------------------------- 5. every place the catalogue names resolves

CATALOGUE_CODES = sorted({c for m in CATALOGUE.measures for c in m.where.regions})
CATALOGUE_ZONES = sorted({z for m in CATALOGUE.measures for z in m.where.zones})


@pytest.mark.parametrize("code", CATALOGUE_CODES)
def test_each_catalogue_code_resolves_by_code_and_by_chinese_name(code: str) -> None:
    gaz = default_gazetteer()
    place = gaz.resolve(code)
    assert place.within(code)
    assert gaz.resolve(place.full_zh) == place
    assert place.mainland


@pytest.mark.parametrize("code", CATALOGUE_CODES)
def test_a_company_registered_by_chinese_name_gets_the_measures_of_that_code(advisor, code: str) -> None:
    m = next(m for m in CATALOGUE.measures if code in m.where.regions)
    name = default_gazetteer().resolve(code).full_zh
    result = advisor.assess(fitting(m, name, []))
    assert m.id in ids(result)


@pytest.mark.parametrize("code", CATALOGUE_CODES)
def test_each_catalogue_code_is_a_current_gb_t_2260_code(code: str) -> None:
    assert default_gazetteer().resolve(code).code == code


@pytest.mark.parametrize("slug", CATALOGUE_ZONES)
def test_each_catalogue_zone_is_known_with_a_province(slug: str) -> None:
    gaz = default_gazetteer()
    zone = gaz.zone(slug)
    assert gaz.resolve(zone.province).level == "province"
    assert gaz.check_zones(gaz.resolve(ZONE_HOME[slug]), [slug]) == []


# ------------------------------------------------ the same answers from durable_rules and the reference engine

PARITY = {
    "tianjin-off-list": tianjin(TJ_OFF),
    "tianjin-ciio": tianjin(TJ_OFF, ciio=True),
    "tianjin-important-data": tianjin(TJ_OFF, important_data=True),
    "tianjin-unknown-list": tianjin(None, important_data=None),
    "lingang-on-list": lingang(),
    "lingang-expired": lingang(as_of="2025-05-17"),
    "guangxi-sectors-unknown": list_profile(MEASURES["gx-ftz-nl-2025"]),
    "gba-hk": gba("440305", "HK"),
    "gba-mo-above-band": gba("440300", "MO", personal_info_subjects=1_200_000),
    "beijing-replaced": beijing(BJ24, "2026-05-11"),
}


@pytest.mark.parametrize("name", sorted(PARITY))
def test_durable_rules_and_reference_engine_agree_on_regional_cases(advisor, reference, name: str) -> None:
    def essence(r: dict[str, Any]) -> Any:
        return ([(t["id"], t["pathway"], t.get("exemption"), sorted(t["options"]), sorted(t["rules"]))
                 for t in r["transfers"]],
                [(m["id"], m["status"]) for m in r["measures"]],
                sorted((q["field"], q["changes_outcome"]) for q in r["questions"]),
                sorted(w.get("rule") or w["en"] for w in r["warnings"]))
    assert essence(advisor.assess(PARITY[name])) == essence(reference.assess(PARITY[name]))


def test_a_named_scenario_the_transfer_does_not_fit_makes_the_list_unusable(advisor) -> None:
    """Shanghai FTZ negative list, scenario waterway_transport (cross-border transport only): a marketing
    transfer naming it is outside the scenario, so the list cannot exempt it; with its own purpose it can."""
    m = MEASURES["sh-ftz-nl-2025"]
    inside_it = list_profile(m)
    inside_it["transfers"][0].update(purpose="cross_border_transport",
                                     local_list={"id": m.id, "data_on_list": False, "scenario": "waterway_transport"})
    outside = list_profile(m)
    outside["transfers"][0].update(purpose="marketing",
                                   local_list={"id": m.id, "data_on_list": False, "scenario": "waterway_transport"})
    fits, does_not = advisor.assess(inside_it), advisor.assess(outside)
    assert (t1(fits)["pathway"], t1(fits).get("exemption")) == ("exempt", "local_list")
    assert t1(does_not)["pathway"] != "exempt"
    assert "list_obstacle.scenario_purpose" in warning_rules(does_not)
    assert not [w for w in warning_rules(fits) if w.startswith("list_obstacle.")]


def test_a_transfer_of_important_data_without_pi_is_asked_about_the_list_too(advisor) -> None:
    """The local-list question asks about a transfer with PI or with important data: important data alone
    (no PI) is enough."""
    m = MEASURES["sh-ftz-nl-2025"]
    p = fitting(m, transfers=[transfer(purpose="cross_border_transport", personal_info_subjects=0, important_data=True)])
    q = question(advisor.assess(p), "transfers.t1.local_list")
    assert q is not None and q["rule"] == "cn.q.local_list" and q["transfer"] == "t1"


def test_a_named_scenario_the_transfer_fits_does_not_lift_the_lists_own_obstacles(advisor) -> None:
    """A scenario the transfer fits cannot make a list usable that is not in force on the day."""
    m = MEASURES["sh-ftz-nl-2025"]
    early = list_profile(m, as_of="2024-06-01")
    early["transfers"][0].update(purpose="cross_border_transport",
                                 local_list={"id": m.id, "data_on_list": False, "scenario": "waterway_transport"})
    result = advisor.assess(early)
    assert t1(result).get("exemption") != "local_list"
    assert [w for w in warning_rules(result) if w.startswith("list_obstacle.")]
