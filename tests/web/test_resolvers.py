"""The one place and country resolver shared by the page, the CLI and the API (issue 11 §1)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.countries import CountryError, default_countries
from advisor.errors import ProfileError
from advisor.regions import AmbiguousPlace, default_gazetteer


@pytest.mark.parametrize("typed, code, zones", [
    ("苏州工业园区", "320500", ()), ("前海", "440305", ("qianhai",)), ("临港", "310115", ("lingang",)),
    ("临港新片区", "310115", ("lingang",)), ("Lingang", "310115", ("lingang",)),
    ("Pudong New Area, Shanghai", "310115", ()), ("pudong", "310115", ()), ("Nanshan, Shenzhen", "440305", ()),
    ("Shenzhen Nanshan District", "440305", ()), ("深圳市南山区", "440305", ()), ("440305", "440305", ()),
    ("海南自由贸易港", "460000", ("hainan-ftp",)), ("横琴", "440402", ("hengqin",)),
])
def test_places_as_people_type_them(typed, code, zones):
    hit = default_gazetteer().lookup(typed)
    assert (hit.place.code, hit.zones) == (code, zones)


def test_a_park_is_named_with_the_place_it_lies_in():
    hit = default_gazetteer().lookup("苏州工业园区")
    assert hit.named == "苏州工业园区" and hit.place.full_zh == "江苏省苏州市"


@pytest.mark.parametrize("typed, codes", [("南沙", {"440115", "460303"}), ("南沙区", {"440115", "460303"}),
                                          ("Nanshan", {"230404", "440305"})])
def test_ambiguity_offers_the_candidates_never_not_found(typed, codes):
    with pytest.raises(AmbiguousPlace) as exc:
        default_gazetteer().lookup(typed)
    assert {c.place.code for c in exc.value.candidates} == codes
    assert all(c in str(exc.value) for c in codes)


def test_an_unknown_place_is_named():
    with pytest.raises(LookupError, match="nowhere-town") as exc:
        default_gazetteer().lookup("nowhere-town")
    assert not isinstance(exc.value, AmbiguousPlace)


@pytest.mark.parametrize("typed, code", [("香港", "HK"), ("HK", "HK"), ("hk", "HK"), ("新加坡", "SG"),
                                         ("Singapore", "SG"), ("挪威", "NO"), ("NO", "NO"), ("Norway", "NO"),
                                         ("United States of America", "US"), ("美国", "US"), ("Côte d'Ivoire", "CI"),
                                         ("cote d ivoire", "CI"), ("台湾", "TW"), ("大韩民国", "KR")])
def test_countries_by_code_or_name(typed, code):
    assert default_countries().resolve(typed).code == code


@pytest.mark.parametrize("typed", ["ZZ", "XX", "Atlantis", ""])
def test_unknown_countries_are_refused(typed):
    with pytest.raises(CountryError):
        default_countries().resolve(typed)


def test_every_iso_country_is_there_and_norway_is_norway():
    rows = default_countries().all()
    assert len(rows) == 249 and len({c.code for c in rows}) == 249
    assert all(isinstance(c.code, str) and len(c.code) == 2 for c in rows)
    no = default_countries().get("NO")
    assert (no.zh, no.en) == ("挪威", "Norway")


def _profile(region: str, country: str) -> dict:
    return {"as_of": "2026-11-27", "company": {"region": region, "sector": "retail", "ciio": False},
            "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "affiliate", "country": country},
                           "personal_info_subjects": 1000, "sensitive_info_subjects": 0, "important_data": False,
                           "collected_abroad": False}]}


@pytest.fixture(scope="module")
def advisor(real_advisor):
    if isinstance(real_advisor, str):
        pytest.skip(real_advisor)
    return real_advisor


def test_profile_validation_resolves_names_and_echoes_codes(advisor):
    out = advisor.assess(_profile("前海", "香港"))
    assert out["company"]["region"]["code"] == "440305" and "qianhai" in out["company"]["zones"]
    assert out["profile"]["transfers"][0]["recipient"]["country"] == "HK"


def test_profile_validation_names_ambiguous_candidates_and_bad_codes(advisor):
    with pytest.raises(ProfileError) as exc:
        advisor.assess(_profile("南沙", "ZZ"))
    by_field = {e.loc: e.message for e in exc.value.errors}
    assert "440115" in by_field["company.region"] and "460303" in by_field["company.region"]
    assert "ZZ" in by_field["transfers.0.recipient.country"]


def test_the_cli_uses_the_same_resolver(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(_profile("临港新片区", "Singapore"), ensure_ascii=False), encoding="utf-8")
    cli = Path(sys.executable).parent / "advisor"
    out = subprocess.run([str(cli), "assess", "--format", "json", str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["company"]["region"]["code"] == "310115" and "lingang" in data["company"]["zones"]
    path.write_text(json.dumps(_profile("南沙", "SG"), ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([str(cli), "assess", str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "440115" in out.stderr and "460303" in out.stderr


@pytest.fixture()
def api(real_client):
    return real_client


def test_the_api_answers_422_naming_the_candidates(api):
    r = api.post("/v1/assessments", json=_profile("南沙", "SG"))
    assert r.status_code == 422
    body = json.dumps(r.json(), ensure_ascii=False)
    for words in ("440115", "460303", "广东省广州市南沙区", "海南省三沙市南沙区", "company.region"):
        assert words in body
    r = api.post("/v1/assessments", json=_profile("Pudong New Area, Shanghai", "Norway"))
    assert r.status_code == 201, r.text
    assert r.json()["company"]["region"]["code"] == "310115"
    assert r.json()["profile"]["transfers"][0]["recipient"]["country"] == "NO"
    r = api.post("/v1/assessments", json=_profile("440305", "ZZ"))
    assert r.status_code == 422 and "transfers.0.recipient.country" in r.text


def test_the_page_offers_every_country_and_norway_by_its_name(api):
    page = api.get("/").text
    options = dict(re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]+)</option>', page))
    assert len(options) == 249 and options["NO"] == "挪威" and "False" not in page
    en = api.get("/?lang=en").text
    assert '<option value="NO">Norway</option>' in en


def test_the_region_picker_finds_parks_and_english_names(api):
    assert api.get("/regions", params={"q": "前海"}).json()[0]["code"] == "440305"
    assert api.get("/regions", params={"q": "Pudong"}).json()[0]["code"] == "310115"


def test_every_place_is_found_by_its_full_chinese_and_english_name():
    """What the region picker offers (full names, not codes) always resolves to that very place."""
    gaz = default_gazetteer()
    wrong = [(name, p.code) for p in gaz.places() for name in (p.full_zh, p.full_en)
             if _code_of(gaz, name) != p.code]
    assert wrong == []


def _code_of(gaz, name: str) -> str | None:
    try:
        return gaz.lookup(name).place.code
    except LookupError:
        return None
