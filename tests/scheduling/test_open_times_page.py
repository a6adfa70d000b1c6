"""The request form with published hours: open times to choose from, held for the one who asks first, and a
clear answer for every bad or stale choice."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from scheduling.models.appointments import AppointmentRequest, SessionFormat, SessionsFor
from scheduling.models.availability import HoldState, SlotHold, WeeklyHours
from scheduling.services import appointment_request_submit, booking_rules
from scheduling.slots import OpenTimes, open_times
from tests.scheduling.factories import AppointmentRequestFactory
from tests.scheduling.hours import weekday_hours_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def hours(scheduling_page):
    return weekday_hours_publish()


@pytest.fixture
def online_slots(hours):
    return open_times(rules=booking_rules(), session_format=SessionFormat.ONLINE).slots


def send(client, data, capture):
    with capture(execute=True):
        return client.post("/schedule/", data)


def test_open_times_are_shown_by_format_week_and_day_with_a_way_out(client, online_slots):
    html = client.get("/schedule/").content.decode()
    first = online_slots[0]
    assert '<h3 class="slots__heading">Online video sessions</h3>' in html
    assert '<h3 class="slots__heading">In-person sessions</h3>' in html
    assert f'value="{first.value}"' in html
    day = f"{first.local_start:%A}, {first.local_start:%B} {first.local_start.day}"
    assert f'<legend class="slots__legend">{day}</legend>' in html
    # Every time says its day to a screen reader, not just "9:00 AM".
    assert f'<span class="visually-hidden">{day}, </span>{first.time_label}' in html
    assert "None of these times work for me" in html
    assert 'data-reveal-when="session_format=online"' in html
    assert 'data-reveal-when="slot=none"' in html
    assert "Denver time" in html
    # One disclosure per calendar week (Monday first) with open times, for each format; the first of each open.
    # Counted from the times, as four weeks from today span four or five calendar weeks by the day of the week.
    weeks = {
        (slot.session_format, slot.day - timedelta(days=slot.day.weekday()))
        for slot in open_times(rules=booking_rules()).slots
    }
    assert 4 <= len(weeks) // 2 <= 5
    assert html.count("<details") == len(weeks)
    assert html.count('<details class="slots__week" open>') == 2
    # Radio ids are unique.
    ids = re.findall(r'id="(id_slot_\d+)"', html)
    assert len(ids) == len(set(ids)) == len(open_times(rules=booking_rules()).slots) + 1


def test_without_published_hours_the_form_asks_when_people_are_free_as_before(client, scheduling_page):
    html = client.get("/schedule/").content.decode()
    assert 'name="slot"' not in html
    assert 'name="waitlist"' not in html
    assert '<span class="visually-hidden">Monday </span>Morning' in html


def test_a_format_without_hours_says_so(client, scheduling_page):
    weekday_hours_publish(formats=(SessionFormat.ONLINE,))
    html = client.get("/schedule/").content.decode()
    assert "There are no regular hours for in-person sessions at the moment." in html


def test_a_fully_booked_format_points_to_the_waitlist(client, scheduling_page):
    rules = booking_rules()
    rules.weeks_ahead = 1
    rules.save()
    weekday_hours_publish(formats=(SessionFormat.ONLINE,), starts=time(9), ends=time(11))
    for slot in open_times(rules=booking_rules()).slots:
        appointment_request_submit(data={"slot": slot, "name": slot.value, "email": "a@client.example", **BASE})
    html = client.get("/schedule/").content.decode()
    assert "Every online video time in the coming weeks is taken." in html


BASE = {
    "phone": "+13035550147",
    "contact_method": "email",
    "voicemail_ok": False,
    "acknowledgement_ok": False,
    "sessions_for": "individual",
    "client_type": "new",
    "session_format": "online",
    "payment": "insurance",
    "insurance_provider": "Anthem",
}


def test_choosing_a_time_holds_it_for_the_request(
    client, valid_post, online_slots, django_capture_on_commit_callbacks
):
    slot = online_slots[2]
    response = send(client, {**valid_post, "slot": slot.value}, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    appointment_request = AppointmentRequest.objects.get()
    assert appointment_request.requested_for == slot.starts_at
    hold = appointment_request.slot_holds.get()
    assert (hold.state, hold.starts_at) == (HoldState.HELD, slot.starts_at)
    assert f'value="{slot.value}"' not in client.get("/schedule/").content.decode()

    html = client.get(response["Location"]).content.decode()
    local = slot.local_start
    assert f"<strong>{local:%A}, {local:%B} {local.day} at {slot.time_label}</strong> (Denver time)" in html


@pytest.mark.parametrize("token", ["", "garbage", "MTIz:1vA:" + "x" * 43, "x" * 10_000, "\x00"])
def test_the_thank_you_page_ignores_a_missing_or_tampered_time(client, scheduling_page, token):
    response = client.get("/schedule/thank-you/", {"time": token})
    assert response.status_code == 200
    assert "The time you asked for" not in response.content.decode()


def test_the_thank_you_page_forgets_the_time_after_an_hour(client, scheduling_page, online_slots, monkeypatch):
    from scheduling.models import page

    token = page._time_token(online_slots[0].starts_at)
    assert "The time you asked for" in client.get("/schedule/thank-you/", {"time": token}).content.decode()
    monkeypatch.setattr(page, "TIME_MAX_AGE", -1)
    assert "The time you asked for" not in client.get("/schedule/thank-you/", {"time": token}).content.decode()


def test_none_of_these_times_work_can_join_the_waitlist(
    client, valid_post, online_slots, django_capture_on_commit_callbacks
):
    response = send(client, {**valid_post, "slot": "none", "waitlist": "on"}, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    appointment_request = AppointmentRequest.objects.get()
    assert appointment_request.waitlist_joined_at is not None
    assert appointment_request.requested_for is None
    assert appointment_request.preferred_times == valid_post["preferred_times"]
    assert not SlotHold.objects.exists()
    assert list(AppointmentRequest.objects.waitlist()) == [appointment_request]


def test_a_chosen_time_never_puts_the_request_on_the_waitlist(
    client, valid_post, online_slots, django_capture_on_commit_callbacks
):
    send(client, {**valid_post, "slot": online_slots[0].value, "waitlist": "on"}, django_capture_on_commit_callbacks)
    assert AppointmentRequest.objects.get().waitlist_joined_at is None


def test_no_choice_is_explained_and_linked_from_the_summary(client, valid_post, online_slots):
    html = client.post("/schedule/", {**valid_post, "slot": ""}).content.decode()
    assert '<a href="#id_slot_0">Choose a time, or choose “None of these times work”</a>' in html
    # The first radio (the one the summary links to) is a time of the format the visitor chose.
    assert f'value="{online_slots[0].value}" id="id_slot_0"' in html
    assert not AppointmentRequest.objects.exists()


def test_a_choice_is_kept_when_the_form_comes_back_with_errors(client, valid_post, online_slots):
    slot = online_slots[9]
    html = client.post("/schedule/", {**valid_post, "slot": slot.value, "email": ""}).content.decode()
    assert re.search(rf'value="{re.escape(slot.value)}" id="id_slot_\d+" checked', html)


def _in_the_past():
    moment = (timezone.now() - timedelta(days=1)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return f"online@{moment:%Y-%m-%dT%H:%M:%SZ}"


def _outside_the_hours(online_slots):
    night = online_slots[0].starts_at.replace(hour=9)  # 2 or 3 am in Denver
    return f"online@{night:%Y-%m-%dT%H:%M:%SZ}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("online@2026-13-45T99:00:00Z", "Choose one of the times shown"),
        ("video@2027-01-05T16:00:00Z", "Choose one of the times shown"),
        ("online@2027-03-14T02:30:00", "Choose one of the times shown"),  # a DST-gap wall-clock time, no zone
        ("online@2027-01-05T16:00:00Z\x00", "Choose one of the times shown"),
        ("online@" + "9" * 10_000, "Choose one of the times shown"),
        ("<script>alert(1)</script>", "Choose one of the times shown"),
        ("past", "That time has passed"),
        ("outside", "That time is no longer open"),
        ("far", "That time is no longer open"),
    ],
)
def test_bad_or_stale_times_get_a_clear_answer_and_nothing_is_stored(client, valid_post, online_slots, value, message):
    far = online_slots[-1].starts_at + timedelta(days=60)
    value = {
        "past": _in_the_past(),
        "outside": _outside_the_hours(online_slots),
        "far": f"online@{far:%Y-%m-%dT%H:%M:%SZ}",
    }.get(value, value)
    response = client.post("/schedule/", {**valid_post, "slot": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "There is a problem" in html
    assert "<script>alert(1)" not in html
    assert not AppointmentRequest.objects.exists()


def test_a_time_someone_else_holds_is_refused_kindly_with_the_other_times(
    client, valid_post, online_slots, django_capture_on_commit_callbacks
):
    taken = online_slots[0]
    appointment_request_submit(data={"slot": taken, "name": "Sam", "email": "s@client.example", **BASE})
    response = client.post("/schedule/", {**valid_post, "slot": taken.value})
    html = response.content.decode()
    assert "That time is no longer open: someone may have just asked for it." in html
    assert f'value="{taken.value}"' not in html
    assert f'value="{online_slots[1].value}"' in html
    assert 'value="Jordan Rivers"' in html  # nothing they typed is lost
    assert AppointmentRequest.objects.count() == 1


def test_losing_the_race_after_the_form_was_checked_shows_the_times_open_now(
    client, valid_post, online_slots, monkeypatch
):
    taken = online_slots[0]
    # The page checked the form against times read a moment before another visitor's hold was committed.
    stale = OpenTimes(slots=list(online_slots), formats=frozenset(SessionFormat.values))
    appointment_request_submit(data={"slot": taken, "name": "Sam", "email": "s@client.example", **BASE})
    reads = iter([stale])
    real = open_times
    monkeypatch.setattr("scheduling.models.page.open_times", lambda **kwargs: next(reads, None) or real(**kwargs))

    response = client.post("/schedule/", {**valid_post, "slot": taken.value})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_slot_0">That time is no longer open' in html
    assert f'value="{taken.value}"' not in html
    assert 'value="Jordan Rivers"' in html
    assert AppointmentRequest.objects.count() == 1


def test_a_time_of_the_other_format_is_explained(client, valid_post, hours):
    in_person = open_times(rules=booking_rules(), session_format=SessionFormat.IN_PERSON).slots[0]
    html = client.post("/schedule/", {**valid_post, "slot": in_person.value}).content.decode()
    assert "That time is for in-person sessions. Choose a time for online video sessions" in html
    assert not AppointmentRequest.objects.exists()


def test_a_time_kept_for_couples_is_refused_for_an_individual(client, valid_post, scheduling_page):
    WeeklyHours.objects.create(
        weekday=5,
        starts=time(10),
        ends=time(12),
        session_format=SessionFormat.ONLINE,
        service=SessionsFor.COUPLE,
        session_minutes=80,
    )
    slot = open_times(rules=booking_rules()).slots[0]
    html = client.get("/schedule/").content.decode()
    assert "(couples sessions only)" in html
    html = client.post("/schedule/", {**valid_post, "slot": slot.value}).content.decode()
    assert "That time is for couples sessions only." in html


def test_the_schedule_renders_in_bounded_queries_with_eight_weeks_and_500_held_times(
    client, scheduling_page, django_assert_max_num_queries, django_assert_num_queries
):
    rules = booking_rules()
    rules.weeks_ahead = 8
    rules.save()
    weekday_hours_publish(starts=time(7), ends=time(21))
    client.get("/schedule/")
    with django_assert_max_num_queries(12) as empty:
        client.get("/schedule/")
    queries_without_holds = len(empty.captured_queries)

    slots = open_times(rules=rules).slots
    requests = AppointmentRequestFactory.create_batch(500)
    held = [slot for index, slot in enumerate(slots) if index % 2 == 0][:500]
    assert len(held) == 500
    SlotHold.objects.bulk_create(
        SlotHold(
            appointment_request=appointment_request,
            session_format=slot.session_format,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            blocked_until=slot.blocked_until,
            state=HoldState.CONFIRMED if index % 3 else HoldState.HELD,
            expires_at=None if index % 3 else timezone.now() + timedelta(days=2),
        )
        for index, (appointment_request, slot) in enumerate(zip(requests, held, strict=True))
    )
    with django_assert_num_queries(queries_without_holds):
        response = client.get("/schedule/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="slot"') < len(slots) + 1
    for slot in held[:20]:
        assert f'value="{slot.value}"' not in html


def test_hours_on_a_daylight_saving_sunday_are_offered_at_their_wall_clock_times(scheduling_page):
    rules = booking_rules()
    WeeklyHours.objects.create(weekday=6, starts=time(1), ends=time(4), session_format=SessionFormat.ONLINE)
    slots = open_times(rules=rules, now=datetime(2027, 3, 10, 12, tzinfo=UTC)).slots
    values = [slot.value for slot in slots if slot.day.isoformat() == "2027-03-14"]
    assert values == ["online@2027-03-14T08:00:00Z", "online@2027-03-14T09:00:00Z"]  # 1:00 MST, 3:00 MDT
    values = [slot.value for slot in slots if slot.day.isoformat() == "2027-03-21"]
    assert values == ["online@2027-03-21T07:00:00Z", "online@2027-03-21T08:00:00Z", "online@2027-03-21T09:00:00Z"]
