"""Civil Code periods in years and months (Arts 201–202, as contract §3 item 10 states them).

The first day is not counted; a period in years or months ends on the corresponding day of the last
month, or on that month's last day where there is no corresponding day (2029-08-31 less 6 months is
2029-02-28). Whether the end moves off a rest day is for the caller (Art 203 applies only to a last day
for acting, not to an expiry).
"""
from __future__ import annotations

import calendar as _stdcal
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later (or earlier when negative), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"date out of range: {day.isoformat()} plus {months} months")
    last = _stdcal.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def minus_months(day: dt.date, months: int) -> dt.date:
    return add_months(day, -months)


def add_years(day: dt.date, years: int) -> dt.date:
    """The corresponding day ``years`` later; 29 February falls back to 28 February."""
    return add_months(day, 12 * years)
