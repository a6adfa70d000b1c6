"""Open times from weekly hours and exceptions, in Denver time across daylight-saving changes (no database)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.models.appointments import SessionFormat, SessionsFor
from scheduling.models.availability import AvailabilityException, ExceptionKind, WeeklyHours
from scheduling.slots import Slot, local_moment, slot_value_parse, slots_compute

DENVER = ZoneInfo("America/Denver")
ONLINE, IN_PERSON = SessionFormat.ONLINE, SessionFormat.IN_PERSON


def hours(weekday, starts, ends, session_format=ONLINE, service="", session=50, buffer=10):
    return WeeklyHours(
        weekday=weekday,
        starts=starts,
        ends=ends,
        session_format=session_format,
        service=service,
        session_minutes=session,
        buffer_minutes=buffer,
    )


def compute(weekly, first_day, last_day=None, exceptions=(), taken=(), earliest=None):
    return slots_compute(
        weekly=weekly,
        exceptions=exceptions,
        taken=taken,
        first_day=first_day,
        last_day=last_day or first_day,
        earliest=earliest or datetime(2000, 1, 1, tzinfo=UTC),
        zone=DENVER,
    )


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_weekly_hours_are_cut_into_sessions_with_their_buffer():
    tuesday = date(2026, 12, 8)
    slots = compute([hours(1, time(9), time(12))], tuesday - timedelta(days=1), tuesday + timedelta(days=5))
    assert [slot.local_start.strftime("%a %H:%M") for slot in slots] == ["Tue 09:00", "Tue 10:00", "Tue 11:00"]
    first = slots[0]
    assert first.starts_at == utc(2026, 12, 8, 16, 0)  # 9:00 MST is UTC-7
    assert first.ends_at - first.starts_at == timedelta(minutes=50)
    assert first.blocked_until - first.starts_at == timedelta(minutes=60)


def test_a_session_must_end_within_the_hours():
    # 9:00–11:30 with 50 + 10: 9:00 and 10:00 fit; 11:00 would end at 11:50, after the hours end.
    slots = compute([hours(1, time(9), time(11, 30))], date(2026, 12, 8))
    assert [slot.local_start.strftime("%H:%M") for slot in slots] == ["09:00", "10:00"]


def test_the_same_wall_clock_time_on_both_sides_of_spring_forward():
    # 2027-03-14 clocks go from 2:00 MST to 3:00 MDT.
    tuesdays = compute([hours(1, time(9), time(10))], date(2027, 3, 8), date(2027, 3, 21))
    assert [slot.starts_at for slot in tuesdays] == [utc(2027, 3, 9, 16), utc(2027, 3, 16, 15)]
    assert {slot.local_start.strftime("%H:%M") for slot in tuesdays} == {"09:00"}


def test_times_in_the_spring_forward_gap_are_skipped():
    # Sunday 1:00–4:00 on the change day: 1:00 MST, no 2:00 (it doesn't exist), 3:00 MDT.
    slots = compute([hours(6, time(1), time(4))], date(2027, 3, 14))
    assert [slot.starts_at for slot in slots] == [utc(2027, 3, 14, 8), utc(2027, 3, 14, 9)]
    assert [slot.local_start.strftime("%H:%M %Z") for slot in slots] == ["01:00 MST", "03:00 MDT"]
    assert local_moment(date(2027, 3, 14), time(2, 30), DENVER) is None


def test_fall_back_takes_the_first_of_a_repeated_hour_and_keeps_real_lengths():
    # 2026-11-01 clocks go from 2:00 MDT back to 1:00 MST: the hours 1:00–3:00 last three real hours.
    slots = compute([hours(6, time(1), time(3))], date(2026, 11, 1))
    assert [slot.starts_at for slot in slots] == [utc(2026, 11, 1, 7), utc(2026, 11, 1, 9)]
    for slot in slots:
        assert slot.ends_at - slot.starts_at == timedelta(minutes=50)


def test_a_closed_day_removes_its_times_and_a_partly_closed_day_only_the_overlapping_ones():
    weekly = [hours(1, time(9), time(12)), hours(2, time(9), time(12))]
    closed_tuesday = AvailabilityException(
        kind=ExceptionKind.CLOSED, starts_on=date(2026, 12, 8), ends_on=date(2026, 12, 8)
    )
    closed_wednesday_morning = AvailabilityException(
        kind=ExceptionKind.CLOSED,
        starts_on=date(2026, 12, 9),
        ends_on=date(2026, 12, 9),
        starts=time(9, 30),
        ends=time(10, 30),
    )
    slots = compute(
        weekly, date(2026, 12, 8), date(2026, 12, 9), exceptions=[closed_tuesday, closed_wednesday_morning]
    )
    # 9:00 ends its buffer at 10:00 (after 9:30) and 10:00 starts before 10:30: only 11:00 is left.
    assert [slot.local_start.strftime("%a %H:%M") for slot in slots] == ["Wed 11:00"]


def test_a_closure_of_one_format_leaves_the_other():
    weekly = [hours(1, time(9), time(10), ONLINE), hours(1, time(13), time(14), IN_PERSON)]
    closed = AvailabilityException(
        kind=ExceptionKind.CLOSED, starts_on=date(2026, 12, 8), ends_on=date(2026, 12, 8), session_format=IN_PERSON
    )
    slots = compute(weekly, date(2026, 12, 8), exceptions=[closed])
    assert [(slot.session_format, slot.local_start.hour) for slot in slots] == [(ONLINE, 9)]


def test_extra_hours_add_times_even_on_a_closed_day():
    vacation = AvailabilityException(
        kind=ExceptionKind.CLOSED, starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 11)
    )
    extra = AvailabilityException(
        kind=ExceptionKind.EXTRA,
        starts_on=date(2026, 12, 10),
        ends_on=date(2026, 12, 10),
        starts=time(18),
        ends=time(20),
        session_format=IN_PERSON,
        session_minutes=80,
        buffer_minutes=10,
    )
    slots = compute([hours(1, time(9), time(12))], date(2026, 12, 7), date(2026, 12, 13), exceptions=[vacation, extra])
    assert [(slot.local_start.strftime("%a %H:%M"), slot.ends_at - slot.starts_at) for slot in slots] == [
        ("Thu 18:00", timedelta(minutes=80))
    ]


def test_held_and_confirmed_spans_hide_every_time_they_overlap_including_the_buffer():
    weekly = [hours(1, time(9), time(12))]
    # 9:30–10:30 (another format's session plus buffer) overlaps both 9:00 (blocked to 10:00) and 10:00.
    slots = compute(weekly, date(2026, 12, 8), taken=[(utc(2026, 12, 8, 16, 30), utc(2026, 12, 8, 17, 30))])
    assert [slot.local_start.strftime("%H:%M") for slot in slots] == ["11:00"]
    # A span ending exactly when a time starts doesn't touch it.
    slots = compute(weekly, date(2026, 12, 8), taken=[(utc(2026, 12, 8, 15), utc(2026, 12, 8, 16))])
    assert len(slots) == 3


def test_times_before_the_minimum_notice_are_not_offered():
    slots = compute([hours(1, time(9), time(12))], date(2026, 12, 8), earliest=utc(2026, 12, 8, 16, 1))
    assert [slot.local_start.strftime("%H:%M") for slot in slots] == ["10:00", "11:00"]


def test_hours_kept_for_one_service_are_marked_and_only_suit_it():
    (slot,) = compute([hours(3, time(18), time(19, 30), service=SessionsFor.COUPLE, session=80)], date(2026, 12, 10))
    assert slot.service_label == "couples sessions"
    assert slot.suits(SessionsFor.COUPLE)
    assert not slot.suits(SessionsFor.INDIVIDUAL)
    assert slot.label == "Thursday, December 10, 6:00 PM (couples sessions only)"


@pytest.mark.parametrize(
    ("hour", "part"),
    [(8, "thursday-morning"), (12, "thursday-afternoon"), (16, "thursday-afternoon"), (17, "thursday-evening")],
)
def test_a_time_knows_the_part_of_the_day_the_request_form_names(hour, part):
    (slot,) = compute([hours(3, time(hour), time(hour + 1))], date(2026, 12, 10))
    assert slot.day_part == part


def test_slot_values_round_trip_and_anything_else_is_refused():
    (slot,) = compute([hours(1, time(9), time(10))], date(2026, 12, 8))
    assert slot.value == "online@2026-12-08T16:00:00Z"
    assert slot_value_parse(slot.value) == (ONLINE, slot.starts_at)
    for bad in (
        "",
        None,
        "none",
        "online",
        "online@",
        "video@2026-12-08T16:00:00Z",
        "online@2026-12-08T16:00:00",  # naive: no zone
        "online@2026-12-08T09:00:00-07:00",
        "online@2027-03-14T02:30:00",  # a Denver wall-clock time in the spring-forward gap
        "online@2026-13-08T16:00:00Z",
        "online@2026-12-08T16:00:00Z\x00",
        "online@" + "9" * 5000,
        "<script>alert(1)</script>",
    ):
        assert slot_value_parse(bad) is None, bad


def test_the_same_time_from_two_spans_of_hours_is_offered_once():
    weekly = [hours(1, time(9), time(11)), hours(1, time(9), time(10))]
    assert len(compute(weekly, date(2026, 12, 8))) == 2
    assert isinstance(compute(weekly, date(2026, 12, 8))[0], Slot)
