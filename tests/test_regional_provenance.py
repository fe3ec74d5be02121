"""Provenance a ministry can stand behind (issue 12 §3), over the whole regional catalogue and its output:
sources are official documents or allowlisted publishers, never file names; contacts belong to the
company's own place; drafts are drafts; every measure says when it was last checked; list scenarios."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from advisor.errors import PackError
from advisor.regional.catalogue import Catalogue, status_at
from advisor.regional.models import Measure, Scenario, VolumeTier
from advisor.regional.publishers import Allowlist
from advisor.profile_io import place_codes
from advisor.regions import default_gazetteer
from advisor.service import RULES_DIR

CATALOGUE = Catalogue.load(RULES_DIR / "regional")
ALLOW = Allowlist.load(RULES_DIR / "publishers.yaml")
REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
TODAY = dt.date(2026, 11, 27)
DAY = dt.timedelta(days=1)
BRIEFING_TITLE = "各地数据安全跨境的创新做法（《领导参阅》2024年第1期，总第116期）"
FILE_NAME = re.compile(r"seed/|\.txt\b|\.md\b|[0-9a-f]{12,}")
LISTS = [m for m in CATALOGUE.measures if m.list_rules is not None]


def shown_links(obj: Any) -> list[str]:
    """Every `url` in an output structure (assessment or catalogue rows)."""
    if isinstance(obj, dict):
        return ([obj["url"]] if isinstance(obj.get("url"), str) else []) + [u for v in obj.values()
                                                                             for u in shown_links(v)]
    if isinstance(obj, list):
        return [u for v in obj for u in shown_links(v)]
    return []


# ----------------------------------------------------------------------------- 1. sources and publishers

def test_every_link_shown_by_the_catalogue_is_on_the_allowlist(advisor) -> None:
    rows = advisor.measures(as_of=TODAY)
    links = shown_links(rows)
    assert links, "the catalogue shows some links"
    assert [u for u in links if ALLOW.publisher_of(u) is None] == []
    assert len(rows) == len(CATALOGUE.measures)


def test_every_link_shown_in_assessments_anywhere_is_on_the_allowlist(advisor) -> None:
    gz = default_gazetteer()
    seen = 0
    for place in gz.places():
        if not place.code.endswith("00"):
            continue
        for m in advisor.measures(region=place.code, as_of=TODAY):
            for src in m["sources"]:
                assert isinstance(src, dict) and src["title"], (place.code, m["id"])
                if src.get("url"):
                    seen += 1
                    assert ALLOW.publisher_of(src["url"]) is not None, (place.code, m["id"], src["url"])
                    assert src["publisher"]["zh"] and src["publisher"]["en"]
    assert seen > 30


@pytest.mark.parametrize("url", [
    "http://shoelacebooks.com/news/66923.html", "https://gov.cn.evil.example/x", "https://evilgov.cn/x",
    "https://www.secrss.com/articles/77843", "https://mondaq.com/china/x", "http://www.u1s5d6.cn/newsview1523183.html",
])
def test_the_allowlist_refuses_unvetted_and_look_alike_hosts(url: str) -> None:
    assert ALLOW.publisher_of(url) is None


@pytest.mark.parametrize(("url", "publisher"), [
    ("https://www.cac.gov.cn/2024-03/22/c_1712776611775634.htm", "gov-cn"),
    ("http://swt.gxzf.gov.cn/zfxxgk/x.shtml", "gov-cn"), ("https://english.shanghai.gov.cn/x", "gov-cn"),
    ("https://www.dsedt.gov.mo/x", "gov-mo"), ("http://hi.people.com.cn/x", "people"),
    ("https://HANKUNLAW.com/portal/x", "hankun"), ("https://flk.npc.gov.cn/x", "npc"),
])
def test_the_allowlist_accepts_official_and_named_publishers(url: str, publisher: str) -> None:
    found = ALLOW.publisher_of(url)
    assert found is not None and found.id == publisher


def _copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_the_loader_refuses_a_shown_link_outside_the_allowlist(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    path = root / "regional" / "guangxi.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("http://swt.gxzf.gov.cn/", "http://swt.gxzf-gov.cn.example.com/", 1), encoding="utf-8")
    with pytest.raises(PackError) as exc:
        Catalogue.load(root / "regional")
    assert exc.value.rule == "gx-ftz-nl-2025" and "allowlist" in exc.value.message
    assert exc.value.field_path is not None and exc.value.field_path.endswith(".url")


def test_the_loader_refuses_a_source_cited_by_a_file_name(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    path = root / "regional" / "hainan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"title: {BRIEFING_TITLE}", "title: seed/000_92e4781c6708a8b8.txt", 1),
                    encoding="utf-8")
    with pytest.raises(PackError) as exc:
        Catalogue.load(root / "regional")
    assert "file name" in exc.value.message


def test_research_trails_are_never_shown(advisor) -> None:
    rows = {r["id"]: r for r in advisor.measures(as_of=TODAY)}
    trails = [(m.id, t) for m in CATALOGUE.measures for t in m.trail]
    assert trails, "the catalogue keeps its research trails"
    for mid, t in trails:
        assert t not in str(rows[mid]), (mid, t)
        assert "trail" not in rows[mid]


def test_no_shown_source_is_a_file_name_and_the_briefing_is_cited_by_title_and_date() -> None:
    briefing_users = 0
    for m in CATALOGUE.measures:
        for s in m.sources:
            assert not FILE_NAME.search(s.title), (m.id, s.title)
            if s.kind == "briefing":
                briefing_users += 1
                assert (s.title, s.issuer, s.date.text if s.date else None, s.url) == (
                    BRIEFING_TITLE, "苏州太湖书院、苏州太湖智库", "2024-01-08", None), m.id
    assert briefing_users >= 21  # every briefing item (knowledge/regional-measures.md §L)


def test_every_verified_measure_cites_its_own_document_with_issuer_and_date() -> None:
    for m in CATALOGUE.measures:
        docs = [s for s in m.sources if s.kind == "document"]
        if m.confidence == "unverified":
            assert docs == [] and [s.kind for s in m.sources] == ["briefing"], m.id
            continue
        assert docs, m.id
        assert docs[0].date is not None, m.id
        if m.issuer is not None:
            assert docs[0].issuer, m.id


@pytest.mark.parametrize(("mid", "number"), [("bj-18-measures-2024", "京网办发〔2024〕17号"),
                                              ("gx-ftz-nl-2025", "桂商自贸发〔2025〕2号"),
                                              ("sh-sc-plan-2023", "国发〔2023〕23号")])
def test_document_numbers_are_structured(advisor, mid: str, number: str) -> None:
    row = next(r for r in advisor.measures(as_of=TODAY) if r["id"] == mid)
    doc = row["sources"][0]
    assert doc["number"] == number and number not in doc["title"]
    assert set(doc) >= {"title", "issuer", "number", "date", "url"}


def test_sources_are_objects_in_an_assessment(advisor) -> None:
    result = advisor.assess({"as_of": "2026-11-27", "company": {"name": "x", "region": "440115", "sector": "other",
                                                                 "ciio": False},
                             "transfers": [{"id": "t1", "purpose": "marketing",
                                            "recipient": {"kind": "third_party", "country": "HK"},
                                            "personal_info_subjects": 150_000, "sensitive_info_subjects": 0,
                                            "important_data": False, "collected_abroad": False}]})
    assert result["measures"]
    for m in result["measures"]:
        assert m["sources"] and all(isinstance(s, dict) and s["title"] for s in m["sources"])
    assert [u for u in shown_links(result) if ALLOW.publisher_of(u) is None] == []


# ------------------------------------------------------------------------------------------- 2. contacts

def _fits(c_where: Any, ancestors: tuple[str, ...], zones: set[str]) -> bool:
    return bool(set(c_where.regions) & set(ancestors)) or bool(set(c_where.zones) & zones)


def _check_contacts(rows: list[dict[str, Any]], ancestors: tuple[str, ...], zones: set[str], where: str) -> int:
    shown = 0
    for r in rows:
        if "contact" not in r:
            continue
        m = CATALOGUE.by_id[r["id"]]
        text = r["contact"]["zh"]
        owners = [c for c in m.contacts if c.text.zh in text]
        assert owners, (where, m.id, text)
        for c in owners:  # every contact shown serves the company's own place
            assert _fits(c.where, ancestors, zones), (where, m.id, c.text.zh)
            shown += 1
    return shown


def test_no_company_anywhere_is_shown_another_regions_contact(advisor) -> None:
    gz = default_gazetteer()
    shown = 0
    for place in gz.places():
        zones = gz.implied_zones(place)
        shown += _check_contacts(advisor.measures(region=place.code, as_of=TODAY), place_codes(place), zones,
                                 place.code)
    for slug in sorted({z for m in CATALOGUE.measures for z in m.where.zones}):
        zone = gz.zone(slug)
        place = gz.get(zone.province)
        assert place is not None
        shown += _check_contacts(advisor.measures(region=place.code, zone=slug, as_of=TODAY), place_codes(place),
                                 gz.implied_zones(place) | {slug}, slug)
    assert shown > 0


@pytest.mark.parametrize(("region", "zones"), [("440305", ["qianhai"]), ("460100", []), ("440115", []),
                                               ("110105", ["beijing-ftz"])])
def test_the_tianjin_contact_is_not_shown_outside_tianjin(advisor, region: str, zones: list[str]) -> None:
    result = advisor.assess({"as_of": "2026-11-27",
                             "company": {"name": "x", "region": region, "zones": zones, "sector": "other",
                                         "ciio": False},
                             "transfers": [{"id": "t1", "purpose": "marketing",
                                            "recipient": {"kind": "third_party", "country": "US"},
                                            "personal_info_subjects": 150_000, "sensitive_info_subjects": 0,
                                            "important_data": False, "collected_abroad": False}]})
    row = next(m for m in result["measures"] if m["id"] == "nat-sh-replication-2025")
    assert "contact" not in row
    assert "022-63085535" not in str(result)


def test_the_tianjin_contact_is_shown_in_the_tianjin_ftz(advisor) -> None:
    rows = advisor.measures(region="120116", zone="tianjin-ftz", as_of=TODAY)
    row = next(r for r in rows if r["id"] == "nat-sh-replication-2025")
    assert "022-63085535" in row["contact"]["zh"]


def test_browsing_the_catalogue_shows_no_contact_that_serves_only_part_of_a_measures_place(advisor) -> None:
    rows = {r["id"]: r for r in advisor.measures(as_of=TODAY)}
    assert "contact" not in rows["nat-sh-replication-2025"]
    assert "87196446" in rows["gba-sc-hk-2023"]["contact"]["en"]
    for r in rows.values():
        m = CATALOGUE.by_id[r["id"]]
        if m.where.national:
            assert "contact" not in r, m.id


def test_a_contact_outside_its_measures_place_is_refused() -> None:
    raw = CATALOGUE.by_id["gba-sc-hk-2023"].model_dump(by_alias=True, mode="json")
    raw["contacts"] = [{"where": {"regions": ["120000"]}, "text": {"zh": "天津", "en": "Tianjin"}}]
    with pytest.raises(ValueError, match="outside the measure's own place"):
        Measure.model_validate(raw)


# ------------------------------------------------------------------------------- 3. status and checking

DRAFT = CATALOGUE.by_id["nat-auto-guide-draft-2025"]


@pytest.mark.parametrize(("day", "status"), [("2025-06-12", "not_yet_effective"), ("2025-06-13", "draft"),
                                             ("2026-02-02", "draft"), ("2026-02-03", "superseded")])
def test_the_automotive_draft_is_a_draft_until_the_final_guideline(day: str, status: str) -> None:
    assert status_at(DRAFT, dt.date.fromisoformat(day)) == status
    final = CATALOGUE.by_id["nat-auto-guide-2026"]
    assert status_at(final, dt.date.fromisoformat(day)) == ("active" if day >= "2026-02-03" else "not_yet_effective")
    assert "征求意见稿" not in final.title.zh and "draft" not in final.title.en


def test_no_measure_is_active_while_it_is_a_draft() -> None:
    for m in CATALOGUE.measures:
        titled_draft = "征求意见稿" in m.title.zh or "draft" in m.title.en.lower()
        assert titled_draft == m.draft, m.id
        for day in (TODAY, dt.date(2025, 7, 1), dt.date(2026, 1, 15)):
            if m.draft:
                assert status_at(m, day) != "active", (m.id, day)


def test_a_draft_list_never_changes_a_pathway(tmp_path: Path) -> None:
    from advisor.service import Advisor
    root = _copy_rules(tmp_path)
    path = root / "regional" / "tianjin.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: tj-ftz-nl-2024\n", "  - id: tj-ftz-nl-2024\n    draft: true\n", 1),
                    encoding="utf-8")
    adv = Advisor.load(root, engine="reference", memo=False)
    t = {"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
         "personal_info_subjects": 300_000, "sensitive_info_subjects": 0, "important_data": False,
         "collected_abroad": False, "local_list": {"id": "tj-ftz-nl-2024", "data_on_list": False}}
    result = adv.assess({"as_of": "2026-11-27", "company": {"name": "x", "region": "120116", "zones": ["tianjin-ftz"],
                                                            "sector": "other", "ciio": False}, "transfers": [t]})
    assert result["transfers"][0]["pathway"] == "standard_contract_or_certification"
    assert "list_obstacle.status_draft" in [w.get("rule") for w in result["warnings"]]
    assert next(m for m in result["measures"] if m["id"] == "tj-ftz-nl-2024")["status"] == "draft"


def test_unverified_measures_stay_unverified_and_cite_only_the_briefing() -> None:
    for m in CATALOGUE.measures:
        if m.confidence == "unverified":
            assert status_at(m, TODAY) in ("unverified", "expired", "superseded"), m.id
            assert all(s.kind == "briefing" for s in m.sources), m.id


def test_every_measure_has_last_verified_and_the_readme_states_the_latest() -> None:
    days = [m.last_verified for m in CATALOGUE.measures]
    assert all(dt.date(2024, 1, 8) <= d <= TODAY for d in days)
    text = README.read_text(encoding="utf-8")
    found = re.search(r"catalogue was last checked[^0-9]*(\d{4}-\d{2}-\d{2})", text)
    assert found, "README states the date the regional catalogue was last checked"
    assert found.group(1) == max(days).isoformat()


# ------------------------------------------------------------------------------- 4. lists and scenarios

@pytest.mark.parametrize("m", LISTS, ids=[m.id for m in LISTS])
def test_list_scenarios_are_well_formed(m: Measure) -> None:
    lr = m.list_rules
    assert lr is not None
    for s in lr.scenarios:
        assert lr.scenario(s.slug) is s
        assert re.fullmatch(r"[a-z0-9_]+", s.slug)
        assert s.title.zh and s.title.en
        if s.sector is not None and m.sectors:
            assert s.sector in m.sectors, (m.id, s.slug)
    assert lr.scenario("no_such_scenario") is None
    if lr.scenarios_complete:
        assert lr.scenarios, m.id


@pytest.mark.parametrize("m", LISTS, ids=[m.id for m in LISTS])
def test_lists_without_captured_scenarios_say_so(m: Measure) -> None:
    lr = m.list_rules
    assert lr is not None
    if not lr.scenarios_complete:
        assert m.note is not None and re.search(r"scenario", m.note.en), m.id


def test_scenarios_are_exposed_in_the_output(advisor) -> None:
    rows = {r["id"]: r for r in advisor.measures(as_of=dt.date(2025, 6, 1))}
    sh = rows["sh-ftz-nl-2025"]
    assert [s["slug"] for s in sh["scenarios"]] == ["life_reinsurance", "property_reinsurance", "waterway_transport",
                                                    "port_operations", "crew_management", "membership_management"]
    assert all(s["title"]["zh"] and s["title"]["en"] for s in sh["scenarios"])
    assert "scenarios" not in rows["tj-ftz-nl-2024"]


def test_duplicate_scenario_slugs_are_refused() -> None:
    raw = CATALOGUE.by_id["zj-ftz-nl-2025"].model_dump(by_alias=True, mode="json")
    raw["list_rules"]["scenarios"].append(dict(raw["list_rules"]["scenarios"][0]))
    with pytest.raises(ValueError, match="duplicate scenario slug"):
        Measure.model_validate(raw)


TIERS = Scenario(slug="x", title={"zh": "场景", "en": "scenario"}, confidence="medium", volume_tiers=[
    VolumeTier(pathway="standard_contract_or_certification", personal_info_at_least=100_000,
               sensitive_info_at_least=1),
    VolumeTier(pathway="security_assessment", personal_info_at_least=1_000_000, sensitive_info_at_least=10_000),
])


@pytest.mark.parametrize(("pi", "spi", "pathway"), [
    (99_999, 0, None), (100_000, 0, "standard_contract_or_certification"), (999_999, 0, "standard_contract_or_certification"),
    (1_000_000, 0, "security_assessment"), (0, 1, "standard_contract_or_certification"), (0, 9_999, "standard_contract_or_certification"),
    (0, 10_000, "security_assessment"), (50_000, 10_000, "security_assessment"), (0, 0, None),
])
def test_a_scenario_volume_tier_is_the_strictest_reached(pi: int, spi: int, pathway: str | None) -> None:
    tier = TIERS.tier_for(pi, spi)
    assert (tier.pathway if tier else None) == pathway


def test_uncaptured_tiers_reach_nothing_and_a_tier_needs_a_count() -> None:
    sc = CATALOGUE.by_id["sh-ftz-nl-2025"].list_rules.scenario("waterway_transport")  # type: ignore[union-attr]
    assert sc is not None and sc.volume_tiers is None and sc.tier_for(10**8, 10**7) is None
    with pytest.raises(ValueError, match="needs personal_info_at_least"):
        VolumeTier(pathway="security_assessment")


LIST_DATES = [pytest.param(m, id=m.id) for m in LISTS if m.from_ is not None and m.from_.precision == "day"]


@pytest.mark.parametrize("m", LIST_DATES)
def test_each_list_on_both_sides_of_its_dates(m: Measure) -> None:
    start = m.from_.start  # type: ignore[union-attr]
    usable = "unverified" if m.confidence == "unverified" else ("draft" if m.draft else "active")
    assert status_at(m, start - DAY) == "not_yet_effective"
    assert status_at(m, start) == usable
    if m.replaced_on is not None:
        assert status_at(m, m.replaced_on - DAY) == usable
        assert status_at(m, m.replaced_on) == "superseded"
        succ = CATALOGUE.by_id[m.replaced_by]  # type: ignore[index]
        assert status_at(succ, m.replaced_on) in ("active", "unverified")
    if m.until is not None:
        assert status_at(m, m.until.end) == usable
        assert status_at(m, m.until.end + DAY) == "expired"


# ------------------------------------------------------------------------------ 5. instruments and docs

def test_instrument_sources_are_official_or_allowlisted_links_never_file_names(advisor) -> None:
    for inst in advisor.pack.instruments.values():
        for url in inst.sources:
            assert url.startswith(("http://", "https://")), (inst.id, url)
            assert ALLOW.publisher_of(url) is not None, (inst.id, url)
        assert inst.confidence in ("high", "medium", "low")
        if inst.number:
            assert inst.number not in inst.title.zh, inst.id


DOC = REPO / "docs" / "sources.md"


def test_docs_list_every_instrument_and_measure_with_date_and_confidence(advisor) -> None:
    rows = {line.split("|")[1].strip(): line for line in DOC.read_text(encoding="utf-8").splitlines()
            if line.startswith("| `")}
    for inst in advisor.pack.instruments.values():
        line = rows.get(f"`{inst.id}`")
        assert line is not None, f"{inst.id} missing from docs/sources.md: run scripts/sources_doc.py"
        day = inst.promulgated or inst.effective
        assert (day.isoformat() if day else "not confirmed") in line and f"| {inst.confidence} |" in line, inst.id
    for m in CATALOGUE.measures:
        line = rows.get(f"`{m.id}`")
        assert line is not None, m.id
        assert f"| {m.from_.text if m.from_ else '—'} |" in line and f"| {m.confidence} |" in line, m.id
        assert f"| {status_at(m, TODAY)} |" in line, m.id
