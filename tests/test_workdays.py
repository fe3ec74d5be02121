"""Working-day arithmetic at the edges: across New Year in both directions, landing on a year's first and
last working day, n=0, against a day-by-day count and against dates read off the official schedule."""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from advisor.calendar.workdays import WorkCalendar

pytestmark = pytest.mark.law

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


# Read off the State Council schedules: 2026's New Year holiday is 1–3 January with Sunday 4 January a
# make-up working day; 2025's is 1 January only; 2024's 1 January (a Monday) only.
@pytest.mark.parametrize(("start", "n", "want"), [
    (D(2025, 12, 30), 1, D(2025, 12, 31)),   # lands on the last working day of 2025
    (D(2025, 12, 31), 1, D(2026, 1, 4)),     # from the last working day to the first of 2026 (a make-up Sunday)
    (D(2025, 12, 31), 2, D(2026, 1, 5)),
    (D(2025, 12, 29), 3, D(2026, 1, 4)),
    (D(2026, 1, 1), 1, D(2026, 1, 4)),       # from inside the holiday
    (D(2024, 12, 31), 1, D(2025, 1, 2)),
    (D(2023, 12, 29), 1, D(2024, 1, 2)),
    (D(2026, 12, 31), 1, D(2027, 1, 4)),     # into an unpublished year: weekends and 1 January
])
def test_adding_working_days_across_new_year(cal, start, n, want):
    assert cal.add_working_days(start, n).date == want


@pytest.mark.parametrize(("day", "n", "want"), [
    (D(2026, 1, 4), 1, D(2025, 12, 31)),     # from the first working day of 2026 back to the last of 2025
    (D(2026, 1, 5), 1, D(2026, 1, 4)),       # lands on the first working day of 2026
    (D(2026, 1, 5), 2, D(2025, 12, 31)),
    (D(2026, 1, 1), 1, D(2025, 12, 31)),
    (D(2025, 1, 2), 1, D(2024, 12, 31)),
    (D(2025, 1, 2), 2, D(2024, 12, 30)),
    (D(2025, 1, 3), 1, D(2025, 1, 2)),       # the first working day of 2025
    (D(2027, 1, 4), 1, D(2026, 12, 31)),
    (D(2026, 1, 6), 3, D(2025, 12, 31)),
])
def test_counting_working_days_back_across_new_year(cal, day, n, want):
    assert cal.working_days_before(day, n).date == want


def test_the_first_and_last_working_days_of_the_known_years(cal):
    assert [(y, cal.add_working_days(D(y - 1, 12, 31), 1).date) for y in (2024, 2025, 2026)] == \
        [(2024, D(2024, 1, 2)), (2025, D(2025, 1, 2)), (2026, D(2026, 1, 4))]
    assert [cal.working_days_before(D(y + 1, 1, 1), 1).date for y in (2024, 2025, 2026)] == \
        [D(2024, 12, 31), D(2025, 12, 31), D(2026, 12, 31)]


def _step(cal, day, n, direction):
    while n:
        day += dt.timedelta(days=direction)
        n -= bool(cal.is_working_day(day))
    return day


STARTS = [D(y, m, d) for y in (2024, 2025, 2026, 2027) for m, d in
          [(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (12, 27), (12, 29), (12, 30), (12, 31), (6, 30)]]


def test_both_directions_agree_with_a_day_by_day_count(cal):
    wrong = []
    for start in STARTS:
        for n in (1, 2, 3, 5, 10, 15, 20, 60, 250, 300):
            if cal.add_working_days(start, n).date != _step(cal, start, n, 1):
                wrong.append(("after", start, n))
            if cal.working_days_before(start, n).date != _step(cal, start, n, -1):
                wrong.append(("before", start, n))
    assert wrong == []


def test_each_day_of_a_known_year_is_what_the_official_schedule_says(cal):
    day, wrong = D(2024, 1, 1), []
    while day <= D(2026, 12, 31):
        if bool(cal.is_working_day(day)) != chinese_calendar.is_workday(day):
            wrong.append(day)
        day += dt.timedelta(days=1)
    assert wrong == []


def test_a_provisional_year_rests_on_weekends_and_the_statutory_holidays(cal):
    assert not cal.is_working_day(D(2027, 1, 1)) and cal.is_working_day(D(2027, 1, 1)).provisional
    assert cal.is_working_day(D(2027, 1, 4)).working and not cal.is_working_day(D(2027, 1, 9)).working
    assert not cal.is_working_day(D(2027, 10, 1)).working          # National Day, a Friday
    assert cal.is_working_day(D(2027, 5, 3)).working               # statutory 1–2 May only; Monday 3 May works


@pytest.mark.parametrize("n", [0, -1])
def test_zero_or_negative_is_refused_both_ways(cal, n):
    with pytest.raises(ValueError, match=f"got {n}"):
        cal.add_working_days(D(2025, 12, 31), n)
    with pytest.raises(ValueError, match=f"got {n}"):
        cal.working_days_before(D(2026, 1, 4), n)


def test_provisional_only_when_a_year_used_is_unpublished(cal):
    assert cal.add_working_days(D(2025, 12, 31), 1).provisional is False
    assert cal.add_working_days(D(2026, 12, 31), 1).provisional is True
    assert cal.working_days_before(D(2027, 1, 4), 1).provisional is True
    assert cal.working_days_before(D(2026, 1, 4), 1).provisional is False


def test_next_working_day_keeps_a_working_day_and_moves_a_rest_day(cal):
    assert cal.next_working_day(D(2025, 12, 31)).date == D(2025, 12, 31)
    assert cal.next_working_day(D(2026, 1, 1)).date == D(2026, 1, 4)
    assert cal.next_working_day(D(2025, 12, 31), inclusive=False).date == D(2026, 1, 4)


def test_the_statutory_rest_days_of_an_unpublished_year_are_the_thirteen_days_the_law_fixes(cal):
    """All 13 statutory holiday days of 2027, weekend ones included (New Year 1, Spring Festival 4 with its
    eve, Qingming 1, Labour Day 2, Dragon Boat 1, Mid-Autumn 1, National Day 3): a weekend day off counts as
    much as a weekday in the calendar the advisor assumes, even where it costs no working day."""
    assert sorted(cal.rules.statutory_rest_days(2027)) == [
        D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 4, 5), D(2027, 5, 1),
        D(2027, 5, 2), D(2027, 6, 9), D(2027, 9, 15), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)]


def test_the_weekdays_off_in_an_unpublished_year_are_exactly_the_statutory_holidays(cal):
    """2027 (no State Council schedule yet): New Year 1 Jan; Spring Festival eve 5 Feb and the first three
    days 6–8 Feb (lunar new year 6 Feb); Qingming 5 Apr; 1–2 May (a weekend); Dragon Boat 9 Jun;
    Mid-Autumn 15 Sep; 1–3 Oct. Only those falling on weekdays are lost working days."""
    day, off = D(2027, 1, 1), []
    while day.year == 2027:
        if day.weekday() < 5 and not cal.is_working_day(day):
            off.append(day)
        day += dt.timedelta(days=1)
    assert off == [D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 8), D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15),
                   D(2027, 10, 1)]
