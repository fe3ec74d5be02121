"""The bounds the deadline, calendar and filing packs are validated against: a pack amended past one is
refused with a PackError naming the file, and one at the bound is taken. An empty list of citations,
materials or fields would leave a user with a route to file but nothing to file it on."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from advisor.calendar.holidays_rule import CalendarRules
from advisor.deadlines.filing_packs import FilingPacks
from advisor.deadlines.rules import DeadlineRules
from advisor.errors import PackError
from advisor.packs.validate import validate_pack
from advisor.packs.yamlio import read_yaml
from advisor.resources import shipped_rules_dir

pytestmark = pytest.mark.law

PACKS = {"filing_packs.yaml": FilingPacks, "deadlines.yaml": DeadlineRules, "calendar.yaml": CalendarRules}


def _validated(file: str, path: tuple[Any, ...], value: Any) -> Any:
    where = shipped_rules_dir() / "national" / file
    raw = copy.deepcopy(read_yaml(where))
    node = raw
    for key in path[:-1]:
        node = node[key]
    assert path[-1] in node if isinstance(node, dict) else path[-1] < len(node), path
    node[path[-1]] = value
    return validate_pack(PACKS[file], raw, Path(where))


def _first_fixed(raw: dict) -> int:
    return next(i for i, h in enumerate(raw["holidays"]) if h.get("fixed"))


REFUSED = [
    ("filing_packs.yaml", ("extension", "fields"), []),
    ("filing_packs.yaml", ("extension", "basis"), []),
    ("filing_packs.yaml", ("routes", 0, "basis"), []),
    ("filing_packs.yaml", ("routes", 0, "materials"), []),
    ("filing_packs.yaml", ("routes",), []),
    ("filing_packs.yaml", ("extension_lead_days",), -1),
    # a list that names a source the pack does not describe would reach the preparer with no word on where it is from
    ("filing_packs.yaml", ("routes", 0, "materials_from"), "nowhere"),
    ("filing_packs.yaml", ("routes", 0, "steps_from"), "nowhere"),
    ("filing_packs.yaml", ("extension", "steps_from"), "nowhere"),
    ("filing_packs.yaml", ("routes", 0, "steps", 0, "how"), "fax"),
    ("deadlines.yaml", ("deadlines", 0, "variants"), []),
    ("deadlines.yaml", ("deadlines", 0, "variants", 0, "period", "count"), 0),
    ("deadlines.yaml", ("deadlines", 0, "variants", 0, "basis"), []),
    ("calendar.yaml", ("holidays", 0, "days"), 0),
    ("calendar.yaml", ("holidays", "FIXED", "fixed", "month"), 0),
    ("calendar.yaml", ("holidays", "FIXED", "fixed", "day"), 0),
]
TAKEN = [
    ("filing_packs.yaml", ("extension_lead_days",), 0),
    ("deadlines.yaml", ("deadlines", 0, "variants", 0, "period", "count"), 1),
    ("calendar.yaml", ("holidays", 0, "days"), 1),
    ("calendar.yaml", ("holidays", "FIXED", "fixed", "month"), 1),
    ("calendar.yaml", ("holidays", "FIXED", "fixed", "day"), 1),
]


def _path(file: str, path: tuple[Any, ...]) -> tuple[Any, ...]:
    if "FIXED" not in path:
        return path
    raw = read_yaml(shipped_rules_dir() / "national" / file)
    return tuple(_first_fixed(raw) if k == "FIXED" else k for k in path)


@pytest.mark.parametrize(("file", "path", "value"), REFUSED, ids=lambda v: str(v))
def test_a_pack_past_a_bound_is_refused(file, path, value):
    with pytest.raises(PackError) as err:
        _validated(file, _path(file, path), value)
    assert file in str(err.value)


@pytest.mark.parametrize(("file", "path", "value"), TAKEN, ids=lambda v: str(v))
def test_a_pack_at_a_bound_is_taken(file, path, value):
    assert _validated(file, _path(file, path), value) is not None


@pytest.mark.parametrize(("rule", "named", "wrong"), [
    ("cn.trigger.ciio.2024", "trigger: ciio", "trigger: important_data"),
    ("cn.trigger.volume_personal", "trigger: volume", "trigger: ciio"),
    ("cn.trigger.important_data.2025", "trigger: important_data", "trigger: volume"),
])
def test_a_trigger_naming_what_its_condition_does_not_test_is_refused(tmp_path, rule, named, wrong):
    """`decision.trigger` decides warnings and contested options (volume only), so a trigger must name what its
    condition tests: a CIIO trigger tests company.ciio is true, an important-data one transfer.important_data
    is true, a volume one a company total."""
    import shutil

    from advisor.packs.loader import load_pack

    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules)
    path = rules / "national" / "20-triggers.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {rule}\n")
    end = text.index(named, start) + len(named)
    path.write_text(text[:end - len(named)] + wrong + text[end:], encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_pack(rules)
    assert rule in str(err.value) and "trigger must test" in str(err.value)


def test_two_holidays_of_one_anchor_that_share_a_day_are_refused():
    """Spring Festival eve (offset -1) made two days long would take in the first day of the festival,
    already counted: the calendar would look the same while its data said something else."""
    raw = copy.deepcopy(read_yaml(shipped_rules_dir() / "national" / "calendar.yaml"))
    eve = next(h for h in raw["holidays"] if h["id"] == "spring_festival_eve")
    eve["days"] = 2
    with pytest.raises(PackError) as err:
        validate_pack(CalendarRules, raw, shipped_rules_dir() / "national" / "calendar.yaml")
    assert "spring_festival_eve" in str(err.value) and "share a day" in str(err.value)


@pytest.mark.parametrize(("old", "new"), [
    ("  - effective: {from: 2024-03-22}", "  - effective: {from: 2024-03-21}"),
    ("  - effective: {from: 2022-09-01, until: 2024-03-21}", "  - effective: {from: 2022-09-01, until: 2024-03-22}"),
])
def test_counting_windows_that_overlap_are_refused(tmp_path, old, new):
    """On 2024-03-21 the totals count since the previous year, from 2024-03-22 since this year's start: two
    windows on one day would let the first hide the other."""
    import shutil

    from advisor.packs.loader import load_pack

    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules)
    path = rules / "national" / "pack.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old + "\n") == 1
    path.write_text(text.replace(old + "\n", new + "\n"), encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_pack(rules)
    assert "counting windows overlap" in str(err.value)
