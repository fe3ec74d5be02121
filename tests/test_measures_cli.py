"""`advisor measures`: a help desk browsing the regional catalogue (spec/contract.md §5), run as a user runs it."""
from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from advisor.regional.catalogue import Catalogue
from advisor.service import RULES_DIR

REPO = Path(__file__).resolve().parents[1]
EXE = REPO / ".venv" / "bin" / "advisor"
COMMAND = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "advisor.cli"]
CATALOGUE = Catalogue.load(RULES_DIR / "regional")
BY_ID = {m.id: m for m in CATALOGUE.measures}
DAY = "2026-11-27"


@functools.cache
def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*COMMAND, "measures", *args], check=False, capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=REPO, timeout=120)


def rows(*args: str) -> list[dict[str, Any]]:
    proc = run(*args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, list)
    return data


def by_id(*args: str) -> dict[str, dict[str, Any]]:
    data = rows(*args)
    out = {r["id"]: r for r in data}
    assert len(out) == len(data), "a measure is listed twice"
    return out


def line_of(text: str, mid: str) -> str:
    lines = [ln for ln in text.splitlines() if f"[{mid}]" in ln]
    assert len(lines) == 1, f"[{mid}] appears {len(lines)} times"
    return lines[0]


NANSHA = ("nansha-subsidies", "gba-sc-hk-2023", "gba-sc-mo-2024", "gd-digital-bay-2023", "gz-trade-measures-nansha",
          "nat-sh-replication-2025", "nat-service-pilot-2025")


# ------------------------------------------------------------------------------- a Nansha clerk, text

def test_nansha_clerk_sees_what_applies_there_today() -> None:
    proc = run("--region", "440115", "--ids")
    assert proc.returncode == 0, proc.stderr
    for mid in ("nansha-subsidies", "gba-sc-hk-2023", "gd-digital-bay-2023"):
        assert f"[{mid}]" in proc.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_names_measures_by_title_not_id(lang) -> None:
    """Ids are for scripts (JSON, or --ids): a clerk reads titles only."""
    out = run("--region", "440115", "--as-of", DAY, "--lang", lang).stdout
    for mid in NANSHA:
        assert mid not in out
        assert getattr(BY_ID[mid].title, lang) in out


def test_nansha_text_in_chinese_by_default_with_status_and_sources() -> None:
    proc = run("--region", "440115", "--as-of", DAY, "--ids")
    assert proc.returncode == 0 and proc.stderr == ""
    out = proc.stdout
    assert out.startswith("可利用的地方便利措施")
    for mid in NANSHA:
        assert f"[{mid}]" in out
        assert BY_ID[mid].title.zh in line_of(out, mid)
        for src in BY_ID[mid].sources:
            assert f"《{src.title}》" in out
    assert "状态：有效" in line_of(out, "nansha-subsidies")
    assert "状态：有效" in line_of(out, "gba-sc-hk-2023")
    assert "状态：已失效" in line_of(out, "gd-digital-bay-2023")
    assert "来源：" in out
    assert "Sources" not in out and "status:" not in out


def test_nansha_text_in_english_with_lang_en() -> None:
    proc = run("--region", "440115", "--as-of", DAY, "--lang", "en", "--ids")
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith("Regional support you can use")
    for mid in NANSHA:
        assert BY_ID[mid].title.en in line_of(out, mid)
    assert "status: active" in line_of(out, "nansha-subsidies")
    assert "status: expired" in line_of(out, "gd-digital-bay-2023")
    assert "Sources:" in out and "来源" not in out and "状态" not in out


def test_text_lists_usable_measures_before_ended_ones() -> None:
    out = run("--region", "440115", "--as-of", DAY, "--ids").stdout
    history = out.index("已失效或被取代的措施")
    assert out.index("[gd-digital-bay-2023]") > history
    for mid in ("nansha-subsidies", "gba-sc-hk-2023", "gba-sc-mo-2024", "gz-trade-measures-nansha"):
        assert out.index(f"[{mid}]") < history


def test_text_shows_what_replaced_a_measure() -> None:
    out = run("--region", "110105", "--zone", "beijing-ftz", "--as-of", DAY, "--lang", "en", "--ids").stdout
    assert "status: superseded" in line_of(out, "bj-ftz-nl-2024")
    after = out[out.index("[bj-ftz-nl-2024]"):]
    assert f"→ {BY_ID['bj-twozones-nl-2026'].title.en} (2026-05-11)" in after


@pytest.mark.parametrize("name", ["广州市南沙区", "广东省广州市南沙区", "广东广州南沙"])
def test_region_by_chinese_name_gives_the_same_measures_as_its_code(name: str) -> None:
    assert [r["id"] for r in rows("--region", name, "--as-of", DAY)] == \
        [r["id"] for r in rows("--region", "440115", "--as-of", DAY)]


# ------------------------------------------------------------------------------------------ JSON

def test_json_for_nansha_parses_with_status_sources_and_reasons() -> None:
    got = by_id("--region", "440115", "--as-of", DAY)
    assert set(NANSHA) <= set(got)
    for mid in ("szhk-verification-platform", "sz-data-exchange-consulting-2023", "hn-data-element-plan-2023",
                "bj-18-measures-2024", "sh-citywide-nl-2026", "tj-ftz-nl-2024"):
        assert mid not in got  # Shenzhen, Hainan, Beijing, Shanghai, Tianjin
    assert got["nansha-subsidies"]["status"] == "active"
    assert got["gd-digital-bay-2023"]["status"] == "expired"
    assert got["gba-research-data-platform-2023"]["status"] == "unverified"
    for mid, r in got.items():
        assert [x["title"] for x in r["sources"]] == [x.title for x in BY_ID[mid].sources]
        assert r["title"] == BY_ID[mid].title.as_dict()
        assert r["why"]["zh"] and r["why"]["en"]
    statuses = [r["status"] for r in rows("--region", "440115", "--as-of", DAY)]
    ended = [i for i, s in enumerate(statuses) if s in ("expired", "superseded")]
    assert ended and min(ended) > max(i for i, s in enumerate(statuses) if s not in ("expired", "superseded"))


@pytest.mark.parametrize(("sector", "present", "absent"), [
    ("banking",
     ["szhk-verification-platform", "nat-fin-guide-2025", "gba-sc-hk-2023", "sz-data-exchange-consulting-2023"],
     ["nat-auto-guide-2026", "gba-research-data-platform-2023", "sz-trade-plan-negative-list"]),
    ("automotive", ["nat-auto-guide-2026", "gba-sc-hk-2023"],
     ["szhk-verification-platform", "nat-fin-guide-2025", "gba-research-data-platform-2023"]),
    ("education_research", ["gba-research-data-platform-2023", "sz-trade-plan-negative-list"],
     ["szhk-verification-platform", "nat-fin-guide-2025", "nat-auto-guide-2026"]),
])
def test_json_filters_by_sector(sector: str, present: list[str], absent: list[str]) -> None:
    got = by_id("--region", "440305", "--zone", "qianhai", "--sector", sector, "--as-of", DAY)
    assert set(present) <= set(got)
    assert not set(absent) & set(got)


def test_json_filters_by_zone() -> None:
    pudong = by_id("--region", "310115", "--as-of", DAY)
    lingang = by_id("--region", "310115", "--zone", "lingang", "--as-of", DAY)
    for mid in ("sh-lingang-gdl-2024", "sh-lingang-service-centre-2024", "sh-ftz-nl-2025", "sh-intl-data-port-2023"):
        assert mid in lingang and mid not in pudong
    assert "sh-citywide-nl-2026" in lingang and "sh-citywide-nl-2026" in pudong
    assert "sh-hongqiao-2024" not in lingang
    assert "sh-hongqiao-2024" in by_id("--region", "310112", "--zone", "hongqiao-cbd", "--as-of", DAY)


@pytest.mark.parametrize(("day", "status"), [("2024-05-16", "not_yet_effective"), ("2024-05-17", "active"),
                                             ("2025-05-16", "active"), ("2025-05-17", "expired")])
def test_json_filters_by_date(day: str, status: str) -> None:
    got = by_id("--region", "310115", "--zone", "lingang", "--sector", "biomedicine", "--as-of", day)
    assert got["sh-lingang-gdl-2024"]["status"] == status
    assert "sh-lingang-gdl-2024" not in by_id("--region", "310115", "--zone", "lingang", "--sector", "retail",
                                              "--as-of", day)


def test_json_shows_a_replacement_on_its_day() -> None:
    before = by_id("--region", "110105", "--zone", "beijing-ftz", "--as-of", "2026-05-10")
    on = by_id("--region", "110105", "--zone", "beijing-ftz", "--as-of", "2026-05-11")
    assert (before["bj-ftz-nl-2024"]["status"], before["bj-twozones-nl-2026"]["status"]) == \
        ("active", "not_yet_effective")
    assert (on["bj-ftz-nl-2024"]["status"], on["bj-twozones-nl-2026"]["status"]) == ("superseded", "active")
    assert on["bj-ftz-nl-2024"]["replaced_by"]["id"] == "bj-twozones-nl-2026"


@pytest.mark.parametrize(("zone", "expected"), [
    ("hainan-ftp", ["hn-data-element-plan-2023", "hn-idc-regulation-2024", "hn-ftp-nl-2025"]),
    ("lingang", ["sh-citywide-nl-2026", "sh-lingang-gdl-2024"]),
    ("nansha", ["gba-sc-hk-2023", "nansha-subsidies"]),
])
def test_browsing_a_zone_shows_the_measures_of_the_place_it_lies_in(zone: str, expected: list[str]) -> None:
    assert set(expected) <= set(by_id("--zone", zone, "--as-of", DAY))


# ----------------------------------------------------------------------------------- the whole catalogue

def test_no_filter_lists_the_whole_catalogue() -> None:
    got = rows("--as-of", DAY)
    assert sorted(r["id"] for r in got) == sorted(BY_ID)
    text = run("--as-of", DAY, "--ids").stdout
    for mid in BY_ID:
        assert f"[{mid}]" in text


def test_no_filter_today_lists_the_whole_catalogue() -> None:
    assert sorted(r["id"] for r in rows()) == sorted(BY_ID)


def test_sector_alone_lists_the_catalogue_for_that_sector() -> None:
    got = {r["id"] for r in rows("--sector", "banking", "--as-of", DAY)}
    assert got == {m.id for m in CATALOGUE.measures if not m.sectors or "banking" in m.sectors}


# ----------------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(("option", "value"), [
    ("--region", "999999"), ("--region", "火星市"), ("--region", "44011"), ("--zone", "atlantis"),
    ("--zone", "Lingang"), ("--sector", "mining"), ("--sector", "Banking"), ("--as-of", "2026-13-01"),
])
def test_bad_filter_exits_2_naming_the_value(option: str, value: str) -> None:
    proc = run(option, value)
    assert proc.returncode == 2
    assert value in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_bad_filters_are_all_named_at_once() -> None:
    proc = run("--region", "999999", "--sector", "mining")
    assert proc.returncode == 2 and "999999" in proc.stderr and "mining" in proc.stderr


def test_ambiguous_region_name_exits_2_listing_the_candidates() -> None:
    proc = run("--region", "南沙区")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "440115" in proc.stderr and "460303" in proc.stderr and "Traceback" not in proc.stderr


def test_a_place_with_no_regional_measures_gets_only_national_ones() -> None:
    got = rows("--region", "410102", "--as-of", DAY)
    assert got and all(BY_ID[r["id"]].where.national for r in got)
    empty = run("--region", "410102", "--sector", "retail", "--as-of", DAY)
    assert empty.returncode == 0 and re.search(r"没有找到|No measures", empty.stdout)
