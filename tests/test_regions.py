"""The region gazetteer: codes and names resolve, ancestry, zones, search, and broken data is refused."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from advisor.errors import PackError
from advisor.regions import Gazetteer, default_gazetteer
from advisor.vocab import ZONES

GAZ_DIR = Path(__file__).resolve().parent.parent / "rules" / "gazetteer"
CATALOGUE = Path(__file__).resolve().parents[2] / "shared" / "knowledge" / "regional-measures.md"

# Every division code the regional catalogue names, with its Chinese name and the start of its English name.
# 469034 is the catalogue's code for Lingshui; today's GB/T 2260 code is 469028 (see former_codes.yaml).
CATALOGUE_PLACES = {
    "110000": ("北京市", "Beijing"), "110115": ("大兴区", "Daxing"), "120000": ("天津市", "Tianjin"),
    "120116": ("滨海新区", "Binhai New Area"), "310000": ("上海市", "Shanghai"), "310101": ("黄浦区", "Huangpu"),
    "310104": ("徐汇区", "Xuhui"), "310105": ("长宁区", "Changning"), "310107": ("普陀区", "Putuo"),
    "310109": ("虹口区", "Hongkou"), "310110": ("杨浦区", "Yangpu"), "310112": ("闵行区", "Minhang"),
    "310113": ("宝山区", "Baoshan"), "310114": ("嘉定区", "Jiading"), "310115": ("浦东新区", "Pudong New Area"),
    "310117": ("松江区", "Songjiang"), "310120": ("奉贤区", "Fengxian"), "320100": ("南京市", "Nanjing"),
    "320102": ("玄武区", "Xuanwu"), "320500": ("苏州市", "Suzhou"), "350200": ("厦门市", "Xiamen"),
    "440000": ("广东省", "Guangdong"), "440100": ("广州市", "Guangzhou"), "440115": ("南沙区", "Nansha"),
    "440300": ("深圳市", "Shenzhen"), "440305": ("南山区", "Nanshan"), "440400": ("珠海市", "Zhuhai"),
    "440600": ("佛山市", "Foshan"), "440700": ("江门市", "Jiangmen"), "441200": ("肇庆市", "Zhaoqing"),
    "441300": ("惠州市", "Huizhou"), "441900": ("东莞市", "Dongguan"), "442000": ("中山市", "Zhongshan"),
    "460000": ("海南省", "Hainan"), "469034": ("陵水黎族自治县", "Lingshui"), "500000": ("重庆市", "Chongqing"),
}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize("code", sorted(CATALOGUE_PLACES))
def test_every_catalogue_place_resolves_by_code_and_by_chinese_name(gaz: Gazetteer, code: str) -> None:
    zh, en = CATALOGUE_PLACES[code]
    place = gaz.resolve(code)
    assert (place.zh, place.en.startswith(en)) == (zh, True)
    assert gaz.resolve(place.full_zh) == place
    assert place.within(code)


def test_the_catalogue_names_no_code_missing_from_this_test() -> None:
    if not CATALOGUE.exists():
        pytest.skip("shared/knowledge is not beside the repository")
    index = CATALOGUE.read_text(encoding="utf-8").split("## A.")[0]
    named = {c for row in index.splitlines() if row.startswith("| ") for c in re.findall(r"\b\d{6}\b", row)}
    assert named and named <= set(CATALOGUE_PLACES)


SPELLINGS = ["深圳市南山区", "广东省深圳市南山区", "广东深圳南山", "深圳南山区", "广东南山区",
             " 中国广东省深圳市南山区 ", "440305", "440305000000"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spellings_of_nanshan_shenzhen_all_resolve_to_440305(gaz: Gazetteer, spelling: str) -> None:
    assert gaz.resolve(spelling).code == "440305"


def test_full_names_and_ancestors_run_from_the_place_up(gaz: Gazetteer) -> None:
    nansha, daxing, dongguan = gaz.resolve("440115"), gaz.resolve("110115"), gaz.resolve("东莞市")
    assert nansha.ancestors == ("440115", "440100", "440000")
    assert nansha.within("440100") and nansha.within("440000") and not nansha.within("440300")
    assert daxing.ancestors == ("110115", "110000") and daxing.within("110000")
    assert dongguan.level == "city" and dongguan.ancestors == ("441900", "440000")
    assert gaz.resolve("440305").full_zh == "广东省深圳市南山区"
    assert gaz.resolve("440305").full_en == "Nanshan District, Shenzhen, Guangdong"


def test_a_province_name_wins_over_a_loosely_named_district(gaz: Gazetteer) -> None:
    assert gaz.resolve("海南").code == "460000"  # not 150303 海南区 in Wuhai
    assert gaz.resolve("广东").level == "province"


@pytest.mark.parametrize("name, codes", [("南山区", {"440305", "230404"}), ("朝阳区", {"110105", "220104"})])
def test_an_ambiguous_short_name_is_refused_with_every_candidate(gaz: Gazetteer, name: str,
                                                                  codes: set[str]) -> None:
    with pytest.raises(LookupError) as err:
        gaz.resolve(name)
    message = str(err.value)
    assert "ambiguous" in message and name in message
    assert codes <= set(re.findall(r"\b\d{6}\b", message))


@pytest.mark.parametrize("value", ["火星市", "999999", "Atlantis City", ""])  # English names resolve (issue 11)
def test_an_unknown_region_is_refused_naming_the_value(gaz: Gazetteer, value: str) -> None:
    with pytest.raises(LookupError, match=re.escape(repr(value))):
        gaz.resolve(value)


def test_a_former_code_resolves_to_todays_place_and_still_matches(gaz: Gazetteer) -> None:
    lingshui = gaz.resolve("469034")
    assert lingshui.code == "469028" and lingshui.within("469034") and gaz.get("469034") == lingshui
    assert gaz.resolve("110103").code == "110101"  # 崇文区 became part of 东城区 in 2010


@pytest.mark.parametrize("region, zones", [("460100", {"hainan-ftp"}), ("469028", {"hainan-ftp"}),
                                           ("440115", {"nansha"}), ("440305", set()), ("310115", set())])
def test_zones_implied_by_the_region(gaz: Gazetteer, region: str, zones: set[str]) -> None:
    assert gaz.implied_zones(gaz.resolve(region)) == zones


def test_a_zone_outside_the_regions_province_is_reported(gaz: Gazetteer) -> None:
    pudong = gaz.resolve("310115")
    errors = gaz.check_zones(pudong, ["lingang", "qianhai", "no-such-zone"])
    assert len(errors) == 2
    assert "qianhai" in errors[0] and "Guangdong" in errors[0] and "310115" in errors[0]
    assert "no-such-zone" in errors[1]
    assert gaz.check_zones(gaz.resolve("440305"), ["qianhai", "hetao"]) == []


def test_zones_yaml_has_exactly_the_contract_zones_each_inside_its_province(gaz: Gazetteer) -> None:
    assert {slug for slug in ZONES if gaz.zone(slug)} == set(ZONES)
    for slug in ZONES:
        zone = gaz.zone(slug)
        assert gaz.resolve(zone.province).level == "province" and zone.zh and zone.en
        for code in zone.regions + zone.implied_by:
            assert gaz.resolve(code).within(zone.province), (slug, code)
    with pytest.raises(LookupError, match="nowhere"):
        gaz.zone("nowhere")


def test_search_by_pinyin_chinese_and_code_prefix(gaz: Gazetteer) -> None:
    assert gaz.search("shenzhen")[0].code == "440300"
    assert "440305" in {p.code for p in gaz.search("NanShan")}
    assert {"440305", "230404"} <= {p.code for p in gaz.search("南山")}
    assert all(p.code.startswith("4403") for p in gaz.search("4403")) and gaz.search("4403")
    assert gaz.search("", limit=5) == [] and len(gaz.search("h", limit=5)) == 5


def test_search_ranks_provinces_and_cities_before_counties(gaz: Gazetteer) -> None:
    levels = [p.level for p in gaz.search("海", limit=200)]
    assert levels[0] == "province" and "county" in levels
    assert levels == sorted(levels, key=["province", "city", "county"].index)


def test_the_gazetteer_covers_all_of_china(gaz: Gazetteer) -> None:
    places = gaz.places()
    mainland = [p for p in places if p.level == "province" and p.mainland]
    assert len(mainland) == 31
    assert {p.code for p in places if not p.mainland} == {"710000", "810000", "820000"}
    assert sum(p.level == "city" for p in places) >= 330
    assert sum(p.level == "county" for p in places) >= 2800
    assert all(p.zh and p.en for p in places)
    assert default_gazetteer() is gaz


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(GAZ_DIR, tmp_path / "gazetteer"))


@pytest.mark.parametrize("file, old, new, expect", [
    ("divisions/44.yaml", 'cities:', 'cities: [', "broken YAML"),
    ("divisions/44.yaml", '"440305": "南山区 | Nanshan District | 南山"', '"440305": "南山区 |  | 南山"', "440305"),
    ("divisions/44.yaml", '"440305":', '"44030X":', "44030X"),
    ("divisions/44.yaml", '"440305":', '"110115":', "duplicate code 110115"),
    ("zones.yaml", 'province: "440000"', 'province: "449999"', "449999"),
    ("former_codes.yaml", '"469034": "469028"', '"469034": "469999"', "469999"),
])
def test_broken_gazetteer_data_is_refused_naming_the_file(tmp_path: Path, file: str, old: str, new: str,
                                                          expect: str) -> None:
    folder = _copy(tmp_path)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PackError) as err:
        Gazetteer.load(folder)
    assert expect in str(err.value) and file.split("/")[-1] in str(err.value)
