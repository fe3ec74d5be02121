"""China's working-day calendar and Civil Code period arithmetic.

    cal = default_calendar()
    cal.add_working_days(start, n) -> Reckoned(date, provisional)    # start not counted
    cal.working_days_before(day, n) -> Reckoned
    cal.next_working_day(day, inclusive=True) -> Reckoned
    cal.is_working_day(day) -> DayCheck(working, provisional)       # truthy when working
    add_years(day, n), add_months(day, n), minus_months(day, n)     # month-end clamping
"""
from advisor.calendar.holidays_rule import (
    CalendarRangeError,
    CalendarRules,
    load_calendar_rules,
)
from advisor.calendar.periods import add_months, add_years, minus_months
from advisor.calendar.workdays import DayCheck, Reckoned, WorkCalendar, default_calendar

__all__ = [
    "CalendarRangeError", "CalendarRules", "DayCheck", "Reckoned", "WorkCalendar", "add_months", "add_years",
    "default_calendar", "load_calendar_rules", "minus_months",
]
