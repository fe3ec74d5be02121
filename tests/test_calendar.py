"""China's working-day calendar and Civil Code periods (contract §3 item 10)."""
from __future__ import annotations

import datetime as dt

import pytest

from advisor.calendar.holidays_rule import CALENDAR_YAML
from advisor.calendar import (WorkCalendar, add_months, add_years, default_calendar, load_calendar_rules,
                              minus_months)
from advisor.calendar.holidays_rule import CALENDAR_YAML
from advisor.errors import PackError

pytestmark = pytest.mark.law  # legal content and date arithmetic: `pytest -m law`

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return default_calendar()


def test_a_make_up_saturday_before_the_2026_spring_festival_is_a_working_day(cal):
    assert D(2026, 2, 14).weekday() == 5
    assert cal.is_working_day(D(2026, 2, 14)).working
    assert not cal.is_working_day(D(2026, 2, 16)).working      # Spring Festival eve, 2026
    assert not cal.is_working_day(D(2026, 2, 14)).provisional


def test_ten_working_days_across_the_2026_spring_festival_count_both_make_up_saturdays(cal):
    # Holidays 15–23 Feb 2026; make-up working days Sat 14 Feb and Sat 28 Feb.
    # From Fri 6 Feb: 9, 10, 11, 12, 13, 14(Sat), 24, 25, 26, 27 -> the 10th is 27 Feb.
    got = cal.add_working_days(D(2026, 2, 6), 10)
    assert got.date == D(2026, 2, 27) and not got.provisional
    # one more working day lands on the make-up Saturday 28 Feb
    assert cal.add_working_days(D(2026, 2, 6), 11).date == D(2026, 2, 28)


def test_working_days_across_national_day_2026_count_the_make_up_days(cal):
    # National Day holiday 1–7 Oct 2026 (with Mid-Autumn 25–27 Sep); make-up days Sun 20 Sep, Sat 10 Oct.
    assert cal.is_working_day(D(2026, 9, 20)).working and cal.is_working_day(D(2026, 10, 10)).working
    # From Tue 29 Sep: 30 Sep, 8 Oct, 9 Oct, 10 Oct (Sat, make-up), 12 Oct -> 5th working day is 12 Oct.
    assert cal.add_working_days(D(2026, 9, 29), 5).date == D(2026, 10, 12)
    # Backwards from 12 Oct the 4th working day before is 30 Sep (10, 9, 8 Oct, then 30 Sep).
    assert cal.working_days_before(D(2026, 10, 12), 4).date == D(2026, 9, 30)


def test_the_first_day_of_a_period_is_not_counted(cal):
    # Mon 23 Nov 2026 is a working day; 1 working day after it is Tue 24, not Mon 23.
    assert cal.add_working_days(D(2026, 11, 23), 1).date == D(2026, 11, 24)
    assert cal.working_days_before(D(2026, 11, 24), 1).date == D(2026, 11, 23)


def test_a_period_past_the_known_calendar_is_provisional_with_statutory_holidays(cal):
    assert cal.is_provisional_year(2027) and not cal.is_provisional_year(2026)
    check = cal.is_working_day(D(2027, 2, 5))                   # Spring Festival eve 2027 (a Friday)
    assert not check.working and check.provisional
    assert cal.is_working_day(D(2027, 10, 4)).working             # only 1–3 October are statutory
    got = cal.add_working_days(D(2026, 12, 25), 10)              # crosses into 2027, New Year's Day off
    assert got.date == D(2027, 1, 11) and got.provisional


def test_a_period_wholly_inside_a_known_year_is_not_provisional(cal):
    assert not cal.add_working_days(D(2026, 3, 2), 20).provisional


def test_a_rest_day_moves_to_the_next_working_day_but_a_working_day_stays(cal):
    assert cal.next_working_day(D(2026, 10, 1)).date == D(2026, 10, 8)
    assert cal.next_working_day(D(2026, 10, 9)).date == D(2026, 10, 9)
    assert cal.next_working_day(D(2026, 10, 9), inclusive=False).date == D(2026, 10, 10)


def test_zero_or_negative_working_days_are_refused_naming_the_value(cal):
    with pytest.raises(ValueError, match="-3"):
        cal.add_working_days(D(2026, 1, 5), -3)


def test_year_and_month_periods_end_on_the_corresponding_day_or_month_end():
    assert add_years(D(2024, 6, 15), 3) == D(2027, 6, 15)
    assert minus_months(D(2029, 8, 31), 6) == D(2029, 2, 28)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_repeated_calls_reuse_the_per_year_data(cal):
    cal.add_working_days(D(2026, 1, 5), 3)
    before = cal._years[2026]
    cal.add_working_days(D(2026, 6, 1), 3)
    assert cal._years[2026] is before


def test_a_calendar_pack_with_an_unknown_field_names_file_entry_and_field(tmp_path):
    src = CALENDAR_YAML.read_text(encoding="utf-8")
    bad = tmp_path / "calendar.yaml"
    bad.write_text(src.replace("    anchor: qingming\n", "    anchor: qingming\n    lunar: true\n"), encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_calendar_rules(bad)
    assert err.value.rule == "qingming" and "lunar" in str(err.value) and "calendar.yaml" in str(err.value)


def test_a_broken_calendar_yaml_is_a_pack_error(tmp_path):
    bad = tmp_path / "calendar.yaml"
    bad.write_text("holidays: [\n", encoding="utf-8")
    with pytest.raises(PackError, match="broken YAML"):
        load_calendar_rules(bad)


@pytest.mark.parametrize(("old", "new"), [
    ("fixed: {month: 1, day: 1}", "fixed: {month: 1, day: 0}"),
    ("fixed: {month: 1, day: 1}", "fixed: {month: 1, day: 32}"),
    ("fixed: {month: 1, day: 1}", "fixed: {month: 0, day: 1}"),
    ("fixed: {month: 1, day: 1}", "fixed: {month: 13, day: 1}"),
    ("    fixed: {month: 1, day: 1}\n    days: 1\n", "    fixed: {month: 1, day: 1}\n    days: 0\n"),
    ("    fixed: {month: 1, day: 1}\n    days: 1\n", "    fixed: {month: 1, day: 1}\n    days: 11\n"),
])
def test_a_holiday_outside_the_calendar_is_refused(tmp_path, old, new):
    src = CALENDAR_YAML.read_text(encoding="utf-8")
    assert old in src
    bad = tmp_path / "calendar.yaml"
    bad.write_text(src.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_calendar_rules(bad)
    assert err.value.rule == "new_year"


@pytest.mark.parametrize(("old", "new"), [("fixed: {month: 1, day: 1}", "fixed: {month: 1, day: 31}"),
                                          ("    days: 1\n", "    days: 10\n")])
def test_the_extremes_of_a_holiday_are_accepted(tmp_path, old, new):
    bad = tmp_path / "calendar.yaml"
    bad.write_text(CALENDAR_YAML.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    assert load_calendar_rules(bad)


def test_month_periods_reach_the_ends_of_the_date_range_and_no_further():
    assert add_months(D(9999, 11, 30), 1) == D(9999, 12, 30)
    assert add_months(D(1, 2, 28), -1) == D(1, 1, 28)
    for day, months in ((D(9999, 12, 1), 1), (D(1, 1, 31), -1)):
        with pytest.raises(ValueError, match="out of range"):
            add_months(day, months)


def test_month_periods_clamp_to_the_month_end_and_keep_the_day_otherwise():
    assert [add_months(D(2029, 8, 31), m) for m in (-6, -1, 1, 6, 12)] == \
        [D(2029, 2, 28), D(2029, 7, 31), D(2029, 9, 30), D(2030, 2, 28), D(2030, 8, 31)]
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28) and add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_the_loaded_holiday_rules_cannot_be_changed_in_place():
    """One calendar per process is shared by every request: its rules are frozen."""
    from pydantic import ValidationError

    rule = load_calendar_rules().holidays[0]
    with pytest.raises(ValidationError):
        rule.days = 2
