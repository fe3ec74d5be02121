"""Working days on China's official calendar (public holidays and make-up working days).

Known years come from the maintained ``chinesecalendar`` package. A year it does not cover is
*provisional*: weekends plus the statutory holidays in rules/national/calendar.yaml, no make-up days.
Every answer says whether it relied on a provisional year. Per-year data is built once and cached.
"""
from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import chinese_calendar

from advisor.calendar.holidays_rule import CALENDAR_FILE, CALENDAR_YAML, CalendarRules, load_calendar_rules
from advisor.packs import diskcache
from advisor.resources import rules_dir



@dataclass(frozen=True)
class Reckoned:
    """A computed date, and whether any year it relied on has no official schedule yet."""

    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class DayCheck:
    working: bool
    provisional: bool

    def __bool__(self) -> bool:
        return self.working


@dataclass(frozen=True)
class _Year:
    workdays: tuple[int, ...]      # ordinals of the year's working days, ascending
    provisional: bool


def _years_digest(path: Path) -> str:
    """The built years of a calendar file depend on that file, the two calendar packages and this module."""
    import hashlib
    import importlib.util

    h = hashlib.sha256(path.read_bytes() + Path(__file__).read_bytes())
    h.update(chinese_calendar.__version__.encode())
    spec = importlib.util.find_spec("holidays")  # its version file, without importing the package
    if spec is not None and spec.origin:
        version = Path(spec.origin).with_name("version.py")
        h.update(version.read_bytes() if version.exists() else spec.origin.encode())
    return h.hexdigest()


class WorkCalendar:
    """Working-day arithmetic. The first day of a period is never counted (Civil Code Art 201).

    A calendar read from a file (``path``, the shipped calendar.yaml when neither ``rules`` nor ``path`` is
    given) keeps its built years in the disk cache (advisor/packs/diskcache.py): a later process neither
    reads the file nor imports ``holidays`` unless it needs a year not built before."""

    def __init__(self, rules: CalendarRules | None = None, path: Path | None = None) -> None:
        self._rules = rules
        self._path = path or CALENDAR_YAML
        self._digest = _years_digest(self._path) if rules is None else None
        self._years: dict[int, _Year] = {}
        if self._digest is not None:
            saved = diskcache.load("calendar", self._digest)
            if isinstance(saved, dict):
                self._years.update(saved)
        self._lock = threading.Lock()

    @property
    def rules(self) -> CalendarRules:
        if self._rules is None:  # parsed once, then kept in the disk cache (a provisional year's warning needs it)
            path = self._path
            self._rules = diskcache.cached_files("calendar_rules", [path], lambda: load_calendar_rules(path))
        return self._rules

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            with self._lock:
                found = self._years.get(year) or self._build(year)
                self._years[year] = found
                if self._digest is not None:
                    diskcache.store("calendar", self._digest, dict(self._years))
        return found

    def _build(self, year: int) -> _Year:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        try:
            work = [d for d in days if chinese_calendar.is_workday(d)]
            return _Year(tuple(d.toordinal() for d in work), provisional=False)
        except NotImplementedError:
            rest = self.rules.statutory_rest_days(year)
            work = [d for d in days if d.weekday() < 5 and d not in rest]
            return _Year(tuple(d.toordinal() for d in work), provisional=True)

    def is_provisional_year(self, year: int) -> bool:
        return self._year(year).provisional

    def _span_provisional(self, a: dt.date, b: dt.date) -> bool:
        lo, hi = min(a.year, b.year), max(a.year, b.year)
        return any(self._year(y).provisional for y in range(lo, hi + 1))

    def is_working_day(self, day: dt.date) -> DayCheck:
        info = self._year(day.year)
        i = bisect_left(info.workdays, day.toordinal())
        working = i < len(info.workdays) and info.workdays[i] == day.toordinal()
        return DayCheck(working, info.provisional)

    def add_working_days(self, start: dt.date, n: int) -> Reckoned:
        """The n-th working day after ``start`` (``start`` itself not counted); n >= 1."""
        if n < 1:
            raise ValueError(f"n must be 1 or more (got {n!r})")
        year, after, left = start.year, start.toordinal(), n
        while True:
            work = self._year(year).workdays
            i = bisect_right(work, after)
            if i + left - 1 < len(work):
                day = dt.date.fromordinal(work[i + left - 1])
                return Reckoned(day, self._span_provisional(start, day))
            left -= len(work) - i
            year += 1

    def working_days_before(self, day: dt.date, n: int) -> Reckoned:
        """The n-th working day before ``day`` (``day`` itself not counted); n >= 1."""
        if n < 1:
            raise ValueError(f"n must be 1 or more (got {n!r})")
        year, before, left = day.year, day.toordinal(), n
        while True:
            work = self._year(year).workdays
            i = bisect_left(work, before)          # work[:i] are strictly before `day`
            if i - left >= 0:
                found = dt.date.fromordinal(work[i - left])
                return Reckoned(found, self._span_provisional(found, day))
            left -= i
            year -= 1
            before = dt.date(year, 12, 31).toordinal() + 1

    def next_working_day(self, day: dt.date, *, inclusive: bool = True) -> Reckoned:
        """The first working day on or after ``day`` (strictly after it when ``inclusive`` is False).

        With ``inclusive=True`` this is Civil Code Art 203: a last day that is a rest day moves on.
        """
        if inclusive:
            check = self.is_working_day(day)
            if check.working:
                return Reckoned(day, check.provisional)
        return self.add_working_days(day, 1)


def default_calendar() -> WorkCalendar:
    """One calendar per rules folder (the YAML is read once; year data fills in as it is needed)."""
    return calendar_at(rules_dir())


@lru_cache(maxsize=4)
def calendar_at(root: Path) -> WorkCalendar:
    return WorkCalendar(path=root / CALENDAR_FILE)
