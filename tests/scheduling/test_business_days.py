from datetime import date

import pytest

from scheduling.business_days import business_days_after, business_days_between, federal_holidays, is_business_day
from scheduling.good_faith_estimate import DeadlineRule, good_faith_estimate_deadline

# Federal holidays as the U.S. Office of Personnel Management lists them for 2026.
HOLIDAYS_2026 = {
    date(2026, 1, 1): "New Year’s Day",
    date(2026, 1, 19): "Birthday of Martin Luther King, Jr.",
    date(2026, 2, 16): "Washington’s Birthday",
    date(2026, 5, 25): "Memorial Day",
    date(2026, 6, 19): "Juneteenth National Independence Day",
    date(2026, 7, 3): "Independence Day",  # July 4 is a Saturday: observed on the Friday.
    date(2026, 9, 7): "Labor Day",
    date(2026, 10, 12): "Columbus Day",
    date(2026, 11, 11): "Veterans Day",
    date(2026, 11, 26): "Thanksgiving Day",
    date(2026, 12, 25): "Christmas Day",
}


def test_the_eleven_federal_holidays_of_2026_on_their_observed_days():
    assert federal_holidays(2026) == HOLIDAYS_2026


@pytest.mark.parametrize(
    ("holiday", "observed"),
    [
        (date(2022, 12, 25), date(2022, 12, 26)),  # Sunday → Monday
        (date(2027, 6, 19), date(2027, 6, 18)),  # Saturday → Friday
        (date(2021, 6, 19), date(2021, 6, 18)),  # Juneteenth's first year
        (date(2023, 11, 11), date(2023, 11, 10)),  # Veterans Day on a Saturday
    ],
)
def test_a_weekend_holiday_is_observed_on_the_nearest_weekday(holiday, observed):
    assert observed in federal_holidays(holiday.year)
    assert holiday not in federal_holidays(holiday.year)


def test_new_year_on_a_saturday_is_observed_on_the_last_day_of_the_year_before():
    assert federal_holidays(2021)[date(2021, 12, 31)] == "New Year’s Day"
    assert date(2022, 1, 1) not in federal_holidays(2022)
    assert not is_business_day(date(2021, 12, 31))


def test_juneteenth_is_not_a_holiday_before_2021():
    assert date(2020, 6, 19) not in federal_holidays(2020)
    assert is_business_day(date(2020, 6, 19))


def test_colorado_cabrini_day_is_a_business_day_columbus_day_is_not():
    assert is_business_day(date(2026, 10, 5))  # First Monday of October: a Colorado holiday, not a federal one.
    assert not is_business_day(date(2026, 10, 12))


def test_business_days_skip_weekends_and_holidays():
    assert business_days_after(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday → Monday
    assert business_days_after(date(2026, 12, 5), 1) == date(2026, 12, 7)  # from a Saturday
    assert business_days_after(date(2026, 11, 25), 1) == date(2026, 11, 27)  # over Thanksgiving
    assert business_days_after(date(2026, 12, 23), 3) == date(2026, 12, 29)  # over Christmas and a weekend
    assert business_days_between(date(2026, 12, 4), date(2026, 12, 11)) == 5
    assert business_days_between(date(2026, 12, 11), date(2026, 12, 4)) == 0
    with pytest.raises(ValueError, match="at least 1"):
        business_days_after(date(2026, 12, 4), 0)


def test_a_request_is_due_three_business_days_after_it_arrives():
    deadline = good_faith_estimate_deadline(requested_on=date(2026, 12, 4))  # a Friday
    assert deadline.due_on == date(2026, 12, 9)
    assert deadline.rule is DeadlineRule.REQUESTED


def test_scheduled_three_business_days_ahead_is_due_the_next_business_day():
    # Monday for Thursday: exactly 3 business days ahead.
    deadline = good_faith_estimate_deadline(
        requested_on=date(2026, 12, 7), scheduled_on=date(2026, 12, 7), appointment_on=date(2026, 12, 10)
    )
    assert deadline == type(deadline)(date(2026, 12, 8), DeadlineRule.SCHEDULED)


def test_scheduled_ten_business_days_ahead_is_due_three_business_days_after_scheduling():
    # Friday Dec 4 → Friday Dec 18 is 10 business days; the request (same day) gives the same date.
    deadline = good_faith_estimate_deadline(
        requested_on=date(2026, 12, 4), scheduled_on=date(2026, 12, 4), appointment_on=date(2026, 12, 18)
    )
    assert deadline.due_on == date(2026, 12, 9)
    assert deadline.rule is DeadlineRule.REQUESTED


def test_ten_calendar_days_are_not_ten_business_days():
    # Twelve calendar days over Christmas and New Year are only 7 business days: the 1-day rule applies.
    deadline = good_faith_estimate_deadline(
        requested_on=date(2026, 12, 21), scheduled_on=date(2026, 12, 22), appointment_on=date(2027, 1, 4)
    )
    assert business_days_between(date(2026, 12, 22), date(2027, 1, 4)) == 7
    assert deadline == type(deadline)(date(2026, 12, 23), DeadlineRule.SCHEDULED)


def test_scheduled_long_after_the_request_keeps_the_request_deadline():
    deadline = good_faith_estimate_deadline(
        requested_on=date(2026, 12, 1), scheduled_on=date(2026, 12, 14), appointment_on=date(2027, 1, 15)
    )
    assert deadline.due_on == date(2026, 12, 4)
    assert deadline.rule is DeadlineRule.REQUESTED


def test_scheduled_with_short_notice_is_due_by_the_appointment():
    # Tuesday for Thursday: 2 business days ahead, so the rule has no deadline; the session itself is the limit.
    deadline = good_faith_estimate_deadline(
        requested_on=date(2026, 12, 8), scheduled_on=date(2026, 12, 8), appointment_on=date(2026, 12, 10)
    )
    assert deadline == type(deadline)(date(2026, 12, 10), DeadlineRule.SHORT_NOTICE)
