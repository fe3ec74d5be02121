"""The statutory holidays assumed for a year without an official schedule (rules/national/calendar.yaml).

The list is legal content and lives in the YAML; this module validates it and turns it into dates,
taking lunar and solar-term dates (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) from the
maintained ``holidays`` package.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from advisor.resources import rules_dir, shipped_rules_dir
from advisor.packs.validate import validate_pack
from advisor.models.text import Bilingual
from advisor.packs.yamlio import read_yaml

CALENDAR_FILE = Path("national") / "calendar.yaml"  # within a rules folder
CALENDAR_YAML = shipped_rules_dir() / CALENDAR_FILE  # the shipped one

Anchor = Literal["lunar_new_year", "qingming", "dragon_boat", "mid_autumn"]
# How the `holidays` package names each anchor in its en_US holiday list (technical mapping, not law).
_ANCHOR_NAMES: dict[str, str] = {
    "lunar_new_year": "Spring Festival",
    "qingming": "Tomb-Sweeping",
    "dragon_boat": "Dragon Boat",
    "mid_autumn": "Mid-Autumn",
}


class CalendarRangeError(ValueError):
    """A date the calendar cannot reckon (no lunar data for that year)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class MonthDay(_Strict):
    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=31)]


class Citation(_Strict):
    instrument: StrictStr
    article: StrictStr | None = None


class HolidayRule(_Strict):
    id: StrictStr
    name: Bilingual
    fixed: MonthDay | None = None
    anchor: Anchor | None = None
    offset: int = 0
    days: Annotated[int, Field(ge=1, le=10)]

    @model_validator(mode="after")
    def _one_kind(self) -> HolidayRule:
        if (self.fixed is None) == (self.anchor is None):
            raise ValueError("give exactly one of fixed (month/day) or anchor (lunar or solar-term day)")
        return self


class CalendarRules(_Strict):
    id: StrictStr
    source: StrictStr
    basis: list[Citation]
    last_reviewed: dt.date
    holidays: list[HolidayRule]
    provisional_warning: Bilingual

    @model_validator(mode="after")
    def _apart(self) -> CalendarRules:
        """Two holidays counted from one anchor or one fixed day must not share a day: each statutory
        holiday day is listed once (a shared day would count once and hide a wrong length)."""
        spans: dict[object, list[tuple[int, int, str]]] = {}
        for h in self.holidays:
            base = h.anchor if h.anchor is not None else (h.fixed.month, 0)
            start = h.offset if h.anchor is not None else h.fixed.day
            spans.setdefault(base, []).append((start, start + h.days, h.id))
        for group in spans.values():
            group.sort()
            for (_, end, a), (start, _, b) in zip(group, group[1:]):
                if start < end:
                    raise ValueError(f"holidays {a!r} and {b!r} share a day")
        return self

    def statutory_rest_days(self, year: int) -> frozenset[dt.date]:
        """The statutory holidays of ``year`` (no make-up days): used only where no official schedule exists."""
        anchors: dict[str, dt.date] | None = None
        days: set[dt.date] = set()
        for rule in self.holidays:
            if rule.fixed is not None:
                first = dt.date(year, rule.fixed.month, rule.fixed.day)
            else:
                anchors = anchors if anchors is not None else _anchor_dates(year)
                first = anchors[rule.anchor] + dt.timedelta(days=rule.offset)  # type: ignore[index]
            days.update(first + dt.timedelta(days=i) for i in range(rule.days))
        return frozenset(days)


def _anchor_dates(year: int) -> dict[str, dt.date]:
    from holidays.countries.china import China  # imported only when a year has no official schedule

    table = China(years=year, observed=False, language="en_US")
    found: dict[str, dt.date] = {}
    for anchor, name in _ANCHOR_NAMES.items():
        dates = table.get_named(name, lookup="icontains")
        if not dates:
            raise CalendarRangeError(f"no {anchor} date known for year {year}: cannot reckon working days")
        found[anchor] = min(dates)
    return found


def load_calendar_rules(path: Path | None = None) -> CalendarRules:
    path = path or rules_dir() / CALENDAR_FILE
    return validate_pack(CalendarRules, read_yaml(path), path)
