"""Business days for the Good Faith Estimate deadlines: Monday to Friday, except US federal holidays.

The eleven holidays of 5 U.S.C. 6103(a) (not Inauguration Day), Saturday ones observed the Friday before and
Sunday ones the Monday after. The deadlines are federal, so Colorado's holidays (Cabrini Day in place of
Columbus Day) are not used: see docs/guide-front-desk.md.
"""

import calendar
from datetime import date, timedelta
from functools import cache

MONDAY, THURSDAY, SATURDAY, SUNDAY = 0, 3, 5, 6
# Juneteenth became a federal holiday on 2021-06-17 (Pub. L. 117-17) and was first observed on 2021-06-18.
JUNETEENTH_FIRST_YEAR = 2021


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n=1 the first), or the last one for n=-1."""
    if n == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _observed(day: date) -> date:
    if day.weekday() == SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == SUNDAY:
        return day + timedelta(days=1)
    return day


@cache
def federal_holidays(year: int) -> dict[date, str]:
    """The US federal holidays observed in a calendar year, {observed date: name}.

    New Year's Day of the next year can be observed on December 31 of this one (when January 1 is a
    Saturday), so it is included here when it is; this year's January 1 then has no day off in this year.
    """
    fixed = {
        "New Year’s Day": date(year, 1, 1),
        "Independence Day": date(year, 7, 4),
        "Veterans Day": date(year, 11, 11),
        "Christmas Day": date(year, 12, 25),
    }
    if year >= JUNETEENTH_FIRST_YEAR:
        fixed["Juneteenth National Independence Day"] = date(year, 6, 19)
    observed = ((_observed(day), name) for name, day in fixed.items())
    holidays = {day: name for day, name in observed if day.year == year}
    next_new_year = _observed(date(year + 1, 1, 1))
    if next_new_year.year == year:
        holidays[next_new_year] = "New Year’s Day"
    holidays.update(
        {
            _nth_weekday(year, 1, MONDAY, 3): "Birthday of Martin Luther King, Jr.",
            _nth_weekday(year, 2, MONDAY, 3): "Washington’s Birthday",
            _nth_weekday(year, 5, MONDAY, -1): "Memorial Day",
            _nth_weekday(year, 9, MONDAY, 1): "Labor Day",
            _nth_weekday(year, 10, MONDAY, 2): "Columbus Day",
            _nth_weekday(year, 11, THURSDAY, 4): "Thanksgiving Day",
        }
    )
    return dict(sorted(holidays.items()))


def is_business_day(day: date) -> bool:
    return day.weekday() < SATURDAY and day not in federal_holidays(day.year)


def business_days_after(day: date, count: int) -> date:
    """The date `count` business days after `day` (which itself need not be one): 1 is the next business day."""
    if count < 1:
        raise ValueError("count must be at least 1")
    while count:
        day += timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """How many business days follow `start` up to and including `end` (0 when `end` is not after `start`)."""
    return sum(is_business_day(start + timedelta(days=offset)) for offset in range(1, (end - start).days + 1))
