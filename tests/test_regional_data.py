"""The regional catalogue in rules/regional/*.yaml matches knowledge/regional-measures.md (Index and §L).

The expected rows below are copied by hand from the catalogue's Index table; they are the specification
the YAML must meet, so a wrong or missing entry fails here.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from advisor.packs.yamlio import read_yaml
from advisor.regional.models import Measure

pytestmark = pytest.mark.law  # legal content and date arithmetic: `pytest -m law`

RULES = Path(__file__).resolve().parents[1] / "rules" / "regional"
# The briefing that started the catalogue, cited by its title and date (never by its file name).
BRIEFING = ("各地数据安全跨境的创新做法（《领导参阅》2024年第1期，总第116期）", "2024-01-08")
FILES = {"beijing": "110000", "tianjin": "120000", "shanghai": "310000", "zhejiang": "330000",
         "jiangsu": "320000", "fujian": "350000", "guangdong": "440000", "guangxi": "450000",
         "hainan": "460000", "chongqing": "500000", "national": "national"}
# id prefix -> file it belongs in
PREFIX_FILE = {"bj": "beijing", "tj": "tianjin", "sh": "shanghai", "zj": "zhejiang", "js": "jiangsu",
               "nj": "jiangsu", "fj": "fujian", "gd": "guangdong", "gba": "guangdong", "szhk": "guangdong",
               "sz": "guangdong", "gz": "guangdong", "nansha": "guangdong", "gx": "guangxi", "hn": "hainan",
               "cq": "chongqing", "nat": "national"}

# The Index: id -> (types, sectors, need, from, until). Sectors mapped to contract §4 slugs.
INDEX: dict[str, tuple[set[str], set[str], str, str, str | None]] = {
    "bj-svc-demo-plan-2023": ({"intra_group_channel", "green_channel"}, set(), "affiliate_recipient", "2023-11", None),
    "bj-data-pilot-zone-2023": ({"green_channel"}, set(), "mechanism", "2023-11", None),
    "bj-daxing-compliance-platform-2023": ({"compliance_platform"}, set(), "any", "2023-07", None),
    "bj-18-measures-2024": ({"green_channel", "consulting"}, set(), "mechanism", "2024-08-30", None),
    "bj-service-centres": ({"service_centre"}, set(), "mechanism", "2024-08", None),
    "bj-ftz-nl-2024": ({"negative_list"}, {"automotive", "biomedicine", "retail", "civil_aviation", "ai"},
                       "sector", "2024-08-30", None),
    "bj-twozones-nl-2026": ({"negative_list"}, {"automotive", "biomedicine", "medical_devices", "retail",
                            "civil_aviation", "ai", "logistics_shipping", "banking"}, "sector", "2026-05-11", None),
    "tj-ftz-nl-2024": ({"negative_list"}, set(), "any", "2024-05-09", None),
    "sh-sc-plan-2023": ({"sector_pilot"}, {"banking", "insurance", "securities_funds", "payments_clearing"},
                        "sector", "2023-11", None),
    "sh-data-element-plan-2023": ({"industry_plan"}, set(), "any", "2023-07-22", "2025"),  # index: 2023-08; checked 2026-11-27 (law)
    "sh-lingang-data-plan-2023": ({"industry_plan"}, set(), "any", "2023-01", "2025"),
    "sh-intl-data-port-2023": ({"platform"}, set(), "any", "2023-10", None),
    "sh-lingang-classification-2024": ({"classification_rules"}, set(), "mechanism", "2024-02", None),
    "sh-lingang-service-centre-2024": ({"service_centre"}, set(), "mechanism", "2024-04", None),
    "sh-lingang-gdl-2024": ({"general_data_list"}, {"automotive", "securities_funds", "biomedicine",
                            "medical_devices"}, "sector", "2024-05-17", "2025-05-16"),
    "sh-ftz-nl-2025": ({"negative_list"}, {"insurance", "logistics_shipping", "retail", "hospitality"},
                       "sector", "2025-02-08", None),
    "sh-hongqiao-2024": ({"service_centre"}, set(), "mechanism", "2024-09", None),
    "sh-citywide-nl-2026": ({"negative_list"}, {"insurance", "banking", "logistics_shipping", "retail",
                            "ecommerce", "hospitality", "meteorology"}, "sector", "2026-04-24", None),
    "sh-district-centres-2026": ({"service_centre"}, set(), "mechanism", "2026-04", None),
    "gd-digital-bay-2023": ({"special_zone", "whitelist"}, set(), "any", "2023-11-21", "2025"),
    "gba-sc-hk-2023": ({"gba_standard_contract"}, set(), "hk_mo_recipient", "2023-12-13", None),
    "gba-sc-mo-2024": ({"gba_standard_contract"}, set(), "hk_mo_recipient", "2024-09-10", None),
    "szhk-verification-platform": ({"verification_platform"}, {"banking", "payments_clearing"},
                                   "hk_mo_recipient", "2023-11", None),
    "gba-research-data-platform-2023": ({"platform"}, {"education_research"}, "any", "2023-07", None),
    "nansha-subsidies": ({"subsidy"}, set(), "mechanism", "2023-09", "2027-12-31"),
    "sz-data-exchange-consulting-2023": ({"consulting"}, set(), "mechanism", "2023-07", None),
    "sz-trade-plan-negative-list": ({"negative_list_pilot", "green_channel"}, {"education_research"}, "any",
                                    "2025", None),
    "gz-trade-measures-nansha": ({"negative_list_pilot", "service_centre"}, set(), "any", "2025", None),
    "hn-data-element-plan-2023": ({"industry_plan"}, set(), "any", "2023-12-06", "2026"),
    "hn-lingshui-undersea-dc-2023": ({"infrastructure"}, set(), "any", "2023-03", None),
    "hn-industrial-outbound-cases-2023": ({"reference_cases"}, {"biomedicine", "manufacturing"}, "sector",
                                          "2023-01", None),
    "hn-idc-regulation-2024": ({"special_zone"}, set(), "any", "2024-12-01", None),
    "hn-topdesign-2025": ({"special_zone"}, set(), "any", "2025-02", "2030"),
    "hn-ftp-nl-2025": ({"negative_list"}, {"deep_sea", "aerospace", "seed_industry", "tourism", "duty_free"},
                       "sector", "2025-02-19", None),
    "cq-intl-financial-data-port-2023": ({"special_zone"}, {"ecommerce", "payments_clearing", "ai",
                                         "internet_services"}, "any", "2023-12", None),
    "cq-data-market-reform-2023": ({"data_trading"}, set(), "any", "2023-12", None),
    "cq-liangjiang-measures-2023": ({"assessment_support", "regulatory_sandbox"}, set(), "mechanism",
                                    "2023-08", None),
    "cq-ftz-nl-2025": ({"negative_list"}, {"automotive"}, "sector", "2025-09-01", None),
    "cq-cci-data-channel": ({"infrastructure"}, set(), "any", "2019-09", None),
    "js-intl-data-port-2023": ({"platform"}, set(), "any", "2023-12", None),
    "nj-icv-data-lab-2023": ({"sector_pilot"}, {"automotive"}, "sector", "2023-11", None),
    "nj-service-opening-pilot-2023": ({"special_zone"}, set(), "any", "2023-01", None),
    "js-suzhou-data-port": ({"service_centre"}, set(), "mechanism", "2025-07", None),
    "zj-commodity-hub-2024": ({"sector_pilot"}, {"manufacturing", "logistics_shipping"}, "sector", "2024-11", None),
    "zj-ftz-nl-2025": ({"negative_list"}, {"ecommerce", "payments_clearing", "logistics_shipping"}, "sector",
                       "2025-04-10", None),
    "gx-ftz-nl-2025": ({"negative_list"}, set(), "any", "2025-08-08", None),
    "fj-pingtan-gdl": ({"general_data_list"}, set(), "any", "2024", None),
    "fj-xiamen-dataport-2024": ({"special_zone"}, set(), "any", "2024", "2027"),
    "nat-fin-ftz-whitelist-2025": ({"whitelist", "sector_pilot"}, {"banking", "insurance", "securities_funds",
                                   "payments_clearing"}, "sector", "2025-01-22", None),
    "nat-fin-guide-2025": ({"sector_guide"}, {"banking", "insurance", "securities_funds", "payments_clearing"},
                           "sector", "2025-04-17", None),  # the index says 2025-04; day confirmed 2026-11-27 (law)
    "nat-auto-guide-draft-2025": ({"sector_guide"}, {"automotive"}, "sector", "2025-06-13", None),
    "nat-auto-guide-2026": ({"sector_guide"}, {"automotive"}, "sector", "2026-02-03", None),
    "bj-data-xborder-2.0": ({"green_channel"}, set(), "mechanism", "2025", None),
    "tj-classification-2024": ({"classification_rules"}, set(), "any", "2024-02", None),
    "nat-sh-replication-2025": ({"special_zone"}, set(), "any", "2025-07", None),
    "nat-service-pilot-2025": ({"special_zone"}, set(), "any", "2025-04-11", None),
}
# §L: the briefing's own measures, one row each.
BRIEFING_IDS = [
    "bj-svc-demo-plan-2023", "bj-data-pilot-zone-2023", "bj-daxing-compliance-platform-2023", "sh-sc-plan-2023",
    "sh-data-element-plan-2023", "sh-lingang-data-plan-2023", "sh-intl-data-port-2023", "gd-digital-bay-2023",
    "szhk-verification-platform", "gba-research-data-platform-2023", "nansha-subsidies",
    "sz-data-exchange-consulting-2023", "hn-data-element-plan-2023", "hn-lingshui-undersea-dc-2023",
    "hn-industrial-outbound-cases-2023", "cq-intl-financial-data-port-2023", "cq-data-market-reform-2023",
    "cq-liangjiang-measures-2023", "js-intl-data-port-2023", "nj-icv-data-lab-2023", "nj-service-opening-pilot-2023",
]
# Index rows marked "unverified (briefing)".
BRIEFING_ONLY = {
    "bj-data-pilot-zone-2023", "bj-daxing-compliance-platform-2023", "sh-intl-data-port-2023",
    "gba-research-data-platform-2023", "sz-data-exchange-consulting-2023", "hn-lingshui-undersea-dc-2023",
    "hn-industrial-outbound-cases-2023", "cq-intl-financial-data-port-2023", "cq-data-market-reform-2023",
    "cq-liangjiang-measures-2023", "js-intl-data-port-2023", "nj-icv-data-lab-2023", "nj-service-opening-pilot-2023",
}
REPLACED = {"bj-ftz-nl-2024": ("bj-twozones-nl-2026", dt.date(2026, 5, 11)),
            "sh-ftz-nl-2025": ("sh-citywide-nl-2026", dt.date(2026, 4, 24)),
            "nat-auto-guide-draft-2025": ("nat-auto-guide-2026", dt.date(2026, 2, 3))}
GBA_CITIES = {"440100", "440300", "440400", "440600", "441300", "441900", "442000", "440700", "441200"}
UNKNOWN_SECTOR_LISTS = {"gx-ftz-nl-2025", "fj-pingtan-gdl"}
UNCONFIRMED_DATES = {"bj-twozones-nl-2026", "sz-trade-plan-negative-list", "gz-trade-measures-nansha",
                     "fj-pingtan-gdl", "bj-data-xborder-2.0"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def load_catalogue(folder: Path) -> tuple[list[tuple[str, Measure]], list[str]]:
    """Every measure as (file stem, Measure), plus one readable error per bad file or entry."""
    rows: list[tuple[str, Measure]] = []
    errors: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        doc = read_yaml(path)
        if not isinstance(doc, dict) or set(doc) != {"region", "measures"}:
            errors.append(f"{path.name}: top level must be exactly `region:` and `measures:`")
            continue
        for i, raw in enumerate(doc["measures"]):
            try:
                rows.append((path.stem, Measure.model_validate(raw)))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                errors.append(f"{path.name}: measures[{i}] ({raw.get('id')}): {where}: {first['msg']}")
    return rows, errors


@pytest.fixture(scope="module")
def catalogue() -> list[tuple[str, Measure]]:
    rows, errors = load_catalogue(RULES)
    assert not errors, "\n".join(errors)
    return rows


@pytest.fixture(scope="module")
def by_id(catalogue: list[tuple[str, Measure]]) -> dict[str, Measure]:
    return {m.id: m for _, m in catalogue}


def test_every_file_is_a_known_region_with_its_code() -> None:
    found = {p.stem: read_yaml(p)["region"] for p in RULES.glob("*.yaml")}
    assert found == FILES


def test_every_catalogue_id_is_present_exactly_once(catalogue: list[tuple[str, Measure]]) -> None:
    ids = [m.id for _, m in catalogue]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"ids defined more than once: {duplicates}"
    assert sorted(ids) == sorted(INDEX), (f"missing: {sorted(set(INDEX) - set(ids))}; "
                                          f"not in the catalogue: {sorted(set(ids) - set(INDEX))}")


def test_each_measure_lives_in_its_regions_file(catalogue: list[tuple[str, Measure]]) -> None:
    wrong = [(stem, m.id) for stem, m in catalogue if PREFIX_FILE[m.id.split("-")[0]] != stem]
    assert not wrong


def test_every_briefing_item_has_a_row(by_id: dict[str, Measure]) -> None:
    assert len(BRIEFING_IDS) == len(set(BRIEFING_IDS)) == 21
    assert [i for i in BRIEFING_IDS if i not in by_id] == []


def test_briefing_only_rows_are_unverified_and_cite_the_briefing(by_id: dict[str, Measure]) -> None:
    unverified = {i for i, m in by_id.items() if m.confidence == "unverified"}
    assert unverified == BRIEFING_ONLY
    assert BRIEFING_ONLY <= set(BRIEFING_IDS)
    assert [i for i in unverified
            if BRIEFING not in {(s.title, s.date.text if s.date else None) for s in by_id[i].sources}] == []


def test_types_sectors_need_and_dates_follow_the_index(by_id: dict[str, Measure]) -> None:
    for mid, (types, sectors, need, start, until) in INDEX.items():
        m = by_id[mid]
        assert set(m.types) == types, mid
        assert set(m.sectors) == sectors, mid
        assert m.need == need, mid
        assert m.from_ is not None and m.from_.text == start, mid
        assert (m.until.text if m.until else None) == until, mid


def test_region_codes_are_six_digits_inside_the_files_province(catalogue: list[tuple[str, Measure]]) -> None:
    for stem, m in catalogue:
        for code in m.where.regions:
            assert re.fullmatch(r"\d{6}", code), (m.id, code)
            if stem != "national":
                assert code[:2] == FILES[stem][:2], (m.id, code)


def test_replacements_point_to_existing_later_measures(by_id: dict[str, Measure]) -> None:
    replaced = {i: (m.replaced_by, m.replaced_on) for i, m in by_id.items() if m.replaced_by}
    assert replaced == REPLACED
    for old, (new, on) in replaced.items():
        assert new in by_id, (old, new)
        assert by_id[new].from_ is not None and by_id[new].from_.start == on


def test_negative_and_general_data_lists_carry_list_rules(by_id: dict[str, Measure]) -> None:
    for mid, m in by_id.items():
        kinds = {"negative_list", "general_data_list"} & set(m.types)
        assert (m.list_rules is not None) == bool(kinds), mid
        if m.list_rules:
            assert m.list_rules.kind in kinds and m.list_rules.excludes_ciio, mid
            assert m.list_rules.sectors_known == (mid not in UNKNOWN_SECTOR_LISTS), mid


def test_general_data_lists_and_shanghai_lists_state_their_filing_step(by_id: dict[str, Measure]) -> None:
    needs_step = {i for i, m in by_id.items() if "general_data_list" in m.types} | {"sh-ftz-nl-2025",
                                                                                    "sh-citywide-nl-2026"}
    assert [i for i in sorted(needs_step) if by_id[i].list_rules.filing_step is None] == []  # type: ignore[union-attr]


def test_gba_contracts_fit_the_nine_cities_and_name_their_recipient_place(by_id: dict[str, Measure]) -> None:
    assert set(by_id["gba-sc-hk-2023"].where.regions) == GBA_CITIES
    assert set(by_id["gba-sc-mo-2024"].where.regions) == GBA_CITIES
    assert by_id["gba-sc-hk-2023"].need_country == "HK"
    assert by_id["gba-sc-mo-2024"].need_country == "MO"
    assert by_id["szhk-verification-platform"].need_country == "HK"
    assert "87196446" in by_id["gba-sc-hk-2023"].contacts[0].text.en


def test_uncertain_dates_and_trials_are_explained_in_a_note(by_id: dict[str, Measure]) -> None:
    for mid in UNCONFIRMED_DATES:
        note = by_id[mid].note
        assert note is not None and re.search(r"not confirmed|uncertain", note.en), mid
    gdl = by_id["sh-lingang-gdl-2024"].note
    assert gdl is not None and "renewal" in gdl.en and "service centre" in gdl.en.lower()


def test_chinese_text_is_chinese_and_nationwide_guides_are_national(by_id: dict[str, Measure]) -> None:
    for mid, m in by_id.items():
        assert _CJK.search(m.title.zh), mid
        assert all(_CJK.search(point) for point in m.offers.zh), mid
        assert m.offers.zh, mid
    assert {i for i, m in by_id.items() if m.where.national} == {"nat-fin-guide-2025", "nat-auto-guide-2026",
                                                                          "nat-auto-guide-draft-2025"}


def test_a_broken_entry_is_reported_with_file_id_and_field(tmp_path: Path) -> None:
    good = (RULES / "tianjin.yaml").read_text(encoding="utf-8")
    (tmp_path / "tianjin.yaml").write_text(good.replace('{zones: [tianjin-ftz]}', '{regions: ["12000"]}', 1),
                                           encoding="utf-8")
    _, errors = load_catalogue(tmp_path)
    assert len(errors) == 1
    assert errors[0].startswith("tianjin.yaml: measures[0] (tj-ftz-nl-2024): where.regions.0")



def _lists() -> list[Measure]:
    out = []
    for path in sorted(RULES.glob("*.yaml")):
        for raw in read_yaml(path).get("measures") or []:
            if raw.get("list_rules"):
                out.append(Measure.model_validate(raw))
    return out


def test_a_list_is_marked_complete_exactly_when_every_scenario_of_it_is_listed():
    """`scenarios_complete` (shown in docs/sources.md) against the note: a note that gives the list's number of
    scenarios must match the count listed when complete, and exceed it when not; a list marked incomplete says
    so in its note."""
    lists = _lists()
    assert {m.id for m in lists if m.list_rules.scenarios_complete} == {"sh-ftz-nl-2025", "zj-ftz-nl-2025"}
    for m in lists:
        lr, note = m.list_rules, (m.note.en if m.note else "")
        stated = re.search(r"list has (\d+) (?:business )?scenarios", note)
        if lr.scenarios_complete:
            assert lr.scenarios and (stated is None or int(stated.group(1)) == len(lr.scenarios)), m.id
        else:
            assert "scenario" in note and (stated is None or int(stated.group(1)) > len(lr.scenarios)), m.id
