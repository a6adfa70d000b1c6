"""The front desk's booking screens: weekly hours, exceptions, booking rules, a request's held time (offer,
confirm, decline), the calendar with its freed times, the waitlist, and who may use them."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import ModelLogEntry

from scheduling import services
from scheduling.models.appointments import AppointmentRequest, SessionFormat, SessionsFor, Status
from scheduling.models.availability import (
    AvailabilityException,
    BookingSettings,
    ExceptionKind,
    HeldBlock,
    HoldState,
    SlotHold,
    WeeklyHours,
)
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    AvailabilityExceptionFactory,
    SlotHoldFactory,
    UserFactory,
    WeeklyHoursFactory,
)

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")


def local(days, hour, minute=0):
    """A wall-clock time in Denver, `days` from today."""
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute), tzinfo=DENVER)


def value(moment, session_format=SessionFormat.IN_PERSON):
    return f"{session_format}@{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def day_part(moment):
    part = "morning" if moment.hour < 12 else "afternoon" if moment.hour < 17 else "evening"
    return f"{moment:%A}".lower() + f"-{part}"


def url(name, *args):
    return reverse(f"appointment_requests:{name}", args=args)


def logs(appointment_request, action):
    return ModelLogEntry.objects.filter(
        object_id=str(appointment_request.pk), content_type__model="appointmentrequest", action=action
    )


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def hold_for(appointment_request, starts_at, **kwargs):
    return SlotHoldFactory(appointment_request=appointment_request, starts_at=starts_at, **kwargs)


def waitlisted(days_ago=1, **kwargs):
    appointment_request = AppointmentRequestFactory(**{"status": Status.WAITLISTED, **kwargs})
    AppointmentRequest.objects.filter(pk=appointment_request.pk).update(
        waitlist_joined_at=timezone.now() - timedelta(days=days_ago)
    )
    appointment_request.refresh_from_db()
    return appointment_request


@pytest.fixture
def hours(site):
    """In person every day 9:00–17:00 (sessions on the hour until 16:00), online every evening 17:00–20:00."""
    for weekday in range(7):
        WeeklyHoursFactory(weekday=weekday)
        WeeklyHoursFactory(weekday=weekday, session_format=SessionFormat.ONLINE, starts=time(17), ends=time(20))


@pytest.fixture
def view_only_user(db):
    """Staff who may read the requests but change nothing."""
    group = Group.objects.create(name="Readers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_appointmentrequest")
    )
    return UserFactory(groups=[group])


# Weekly hours, exceptions, booking rules, the menu


def test_booking_menu_groups_calendar_waitlist_hours_and_exceptions_and_keeps_requests(client, front_desk_user):
    AppointmentRequestFactory.create_batch(2)
    client.force_login(front_desk_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Requests (2)" in html
    menu = html[html.index('"name": "booking"') :]
    labels = re.findall(r'"label": "([^"]+)"', menu)[:5]
    assert labels == ["Booking", "Calendar", "Waitlist", "Weekly hours", "Exceptions"]


def test_weekly_hours_list_by_day_and_filter_by_format_and_day(client, front_desk_user):
    WeeklyHoursFactory(weekday=2, starts=time(13), ends=time(16, 35))
    WeeklyHoursFactory(weekday=0, starts=time(8, 5), ends=time(12, 15))
    WeeklyHoursFactory(weekday=0, session_format=SessionFormat.ONLINE, starts=time(18, 5), ends=time(20, 55))
    client.force_login(front_desk_user)
    index = reverse("booking_weekly_hours:index")

    html = client.get(index).content.decode()
    assert html.index("08:05") < html.index("18:05") < html.index("13:00")
    assert "Online video" in html and "50 min + 10 min" in html
    html = client.get(index, {"session_format": "online"}).content.decode()
    assert "18:05" in html and "08:05" not in html
    html = client.get(index, {"weekday": "2"}).content.decode()
    assert "16:35" in html and "12:15" not in html


def test_weekly_hours_form_adds_hours_and_shows_the_models_errors_on_the_fields(client, front_desk_user):
    client.force_login(front_desk_user)
    add = reverse("booking_weekly_hours:add")
    form = {
        "weekday": "1",
        "starts": "09:00",
        "ends": "08:00",
        "session_format": "in_person",
        "service": "",
        "session_minutes": "50",
        "buffer_minutes": "10",
    }
    response = client.post(add, form)
    assert response.status_code == 200
    assert response.context["form"].errors == {"ends": ["The hours must end after they start (on the same day)."]}
    assert "The hours must end after they start" in response.content.decode()
    response = client.post(add, form | {"ends": "09:07"})
    assert "Use a time on a 5-minute mark" in str(response.context["form"].errors["ends"])
    assert not WeeklyHours.objects.exists()

    response = client.post(add, form | {"ends": "12:00"})
    assert response.status_code == 302
    assert str(WeeklyHours.objects.get()) == "Tuesday 09:00–12:00, in person, 50 min + 10 min"


def test_exceptions_list_upcoming_first_and_filter_by_kind(client, front_desk_user):
    today = timezone.localdate()
    AvailabilityExceptionFactory(starts_on=today - timedelta(days=30), note="Past trip")
    AvailabilityExceptionFactory(starts_on=today + timedelta(days=40), note="Later holiday")
    AvailabilityExceptionFactory(
        kind=ExceptionKind.EXTRA,
        starts_on=today + timedelta(days=5),
        starts=time(18),
        ends=time(20),
        session_format=SessionFormat.ONLINE,
        note="Soon extra",
    )
    client.force_login(front_desk_user)
    index = reverse("booking_exceptions:index")
    html = client.get(index).content.decode()
    assert html.index("Soon extra") < html.index("Later holiday") < html.index("Past trip")
    assert "18:00–20:00" in html and "All day" in html
    html = client.get(index, {"kind": "extra"}).content.decode()
    assert "Soon extra" in html and "Later holiday" not in html


def test_exception_form_shows_the_models_errors_on_the_fields(client, front_desk_user):
    client.force_login(front_desk_user)
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    form = {
        "kind": "extra",
        "starts_on": day,
        "ends_on": day,
        "starts": "18:00",
        "ends": "20:00",
        "session_format": "",
        "service": "",
        "session_minutes": "50",
        "buffer_minutes": "10",
        "note": "",
    }
    response = client.post(reverse("booking_exceptions:add"), form)
    assert response.status_code == 200
    assert response.context["form"].errors == {"session_format": ["Choose the format of the extra hours."]}
    response = client.post(
        reverse("booking_exceptions:add"), form | {"session_format": "online", "ends_on": "2000-01-01"}
    )
    assert list(response.context["form"].errors) == ["ends_on"]
    assert not AvailabilityException.objects.exists()


def test_booking_rules_are_under_settings_for_the_front_desk_not_editors(client, front_desk_user, editor_user, site):
    edit = reverse("wagtailsettings:edit", args=["scheduling", "bookingsettings", site.pk])
    client.force_login(front_desk_user)
    assert '"label": "Booking rules"' in client.get(reverse("wagtailadmin_home")).content.decode()
    response = client.get(edit)
    assert response.status_code == 200
    form = {
        "weeks_ahead": "6",
        "minimum_notice_hours": "12",
        "hold_business_days": "3",
        "session_minutes": "50",
        "buffer_minutes": "10",
    }
    assert client.post(edit, form).status_code == 302
    assert BookingSettings.for_site(site).weeks_ahead == 6

    client.force_login(editor_user)
    assert '"Booking rules"' not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(edit).status_code == 302
    client.post(edit, form | {"weeks_ahead": "1"})
    assert BookingSettings.for_site(site).weeks_ahead == 6


# A request's held time


def test_request_shows_the_time_asked_for_and_the_time_held_with_its_buttons(client, front_desk_user, hours):
    starts_at = local(3, 10)
    appointment_request = AppointmentRequestFactory(requested_for=starts_at)
    hold = hold_for(appointment_request, starts_at)
    client.force_login(front_desk_user)
    for view in ("edit", "inspect"):
        html = client.get(url(view, appointment_request.pk)).content.decode()
        assert "Requested time" in html
        assert f"{starts_at:%a, %b} {starts_at.day}, {starts_at.year}, 10:00 AM" in html
        assert "held for them until" in html
        assert (
            'class="w-status w-status--primary">Held' in html.replace("\n", "").replace("  ", "") or ">Held<" in html
        )
        assert f'action="{url("confirm_time", appointment_request.pk)}"' in html
        assert f'action="{url("decline_time", appointment_request.pk)}"' in html
        assert f'href="{url("offer_time", appointment_request.pk)}"' in html
        assert "Offer another time" in html
    SlotHold.objects.filter(pk=hold.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    html = client.get(url("edit", appointment_request.pk)).content.decode()
    assert "Lapsed" in html and "You can still confirm it" in html


def test_request_without_a_time_offers_one(client, front_desk_user):
    appointment_request = AppointmentRequestFactory()
    client.force_login(front_desk_user)
    html = client.get(url("edit", appointment_request.pk)).content.decode()
    assert "They did not choose an open time on the form." in html
    assert "No time is held for this request." in html
    assert "Offer a time" in html and "Confirm this time" not in html


def test_confirming_the_held_time_schedules_it_and_emails_the_calendar_file(
    client, front_desk_user, practice_details, hours, django_capture_on_commit_callbacks
):
    starts_at = local(4, 14)
    appointment_request = AppointmentRequestFactory(name="Casey Lane", requested_for=starts_at)
    hold = hold_for(appointment_request, starts_at)
    client.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("confirm_time", appointment_request.pk))
    assert response.status_code == 302 and response["Location"] == url("edit", appointment_request.pk)
    assert any("is scheduled for" in text for text in message_texts(response))
    hold.refresh_from_db()
    appointment_request.refresh_from_db()
    assert hold.state == HoldState.CONFIRMED and hold.expires_at is None
    assert appointment_request.status == Status.SCHEDULED and appointment_request.scheduled_for == starts_at
    (message,) = mail.outbox
    assert message.to == [appointment_request.email]
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype.split(";")[0]) == ("appointment.ics", "text/calendar")
    assert Calendar.from_ical(content).walk("VEVENT")[0].decoded("dtstart") == starts_at
    assert logs(appointment_request, "scheduling.time_confirmed").get().user == front_desk_user
    assert logs(appointment_request, "scheduling.confirmation").exists()

    html = client.get(url("edit", appointment_request.pk)).content.decode()
    assert "Confirm this time" not in html and ">Confirmed<" in html.replace(" ", "").replace("\n", "")


def test_confirming_without_a_held_time_says_so(client, front_desk_user, django_capture_on_commit_callbacks):
    appointment_request = AppointmentRequestFactory()
    client.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("confirm_time", appointment_request.pk), follow=True)
    assert response.status_code == 200
    assert "This request holds no time to confirm." in response.content.decode()
    assert mail.outbox == []
    assert client.post(url("decline_time", appointment_request.pk), follow=True).status_code == 200
    assert client.get(url("confirm_time", appointment_request.pk)).status_code == 405


def test_declining_the_held_time_frees_it_and_keeps_the_request(client, front_desk_user, hours):
    starts_at = local(5, 11)
    appointment_request = AppointmentRequestFactory(requested_for=starts_at)
    hold = hold_for(appointment_request, starts_at)
    client.force_login(front_desk_user)
    response = client.post(url("decline_time", appointment_request.pk), {"next": "https://evil.example/"})
    assert response["Location"] == url("edit", appointment_request.pk)  # Never off the site.
    hold.refresh_from_db()
    assert hold.state == HoldState.DECLINED and hold.ended_at is not None
    assert not HeldBlock.objects.filter(hold=hold).exists()
    assert AppointmentRequest.objects.get(pk=appointment_request.pk).status == Status.NEW
    assert logs(appointment_request, "scheduling.time_declined").exists()
    html = client.get(url("edit", appointment_request.pk)).content.decode()
    assert "was declined" in html


def test_offer_view_lists_open_times_of_the_format_by_day_and_marks_the_ones_that_suit(client, front_desk_user, hours):
    suiting = local(2, 9)
    appointment_request = AppointmentRequestFactory(preferred_times=[day_part(suiting)])
    hold_for(AppointmentRequestFactory(), local(2, 10))  # Someone else's: not offered.
    client.force_login(front_desk_user)
    response = client.get(url("offer_time", appointment_request.pk), {"week": local(2, 9).date().isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{value(suiting)}"' in html
    assert f'value="{value(local(2, 10))}"' not in html
    assert f'value="{value(local(2, 17), SessionFormat.ONLINE)}"' not in html  # Another format.
    assert "Suits their preferred times" in html
    items = [item for _, _, day in response.context["days"] for item in day]
    suits = {item["slot"].starts_at for item in items if item["suits"]}
    assert suiting in suits
    assert {item["slot"].day_part for item in items if item["suits"]} == {day_part(suiting)}
    assert "Hold this time for them" in html


def test_offer_view_pages_by_week(client, front_desk_user, hours):
    appointment_request = AppointmentRequestFactory(preferred_times=[])
    client.force_login(front_desk_user)
    response = client.get(url("offer_time", appointment_request.pk))
    assert response.context["previous_url"] == ""
    next_week = client.get(response.context["next_week_url"])
    assert next_week.status_code == 200
    assert next_week.context["days"][0][0] > response.context["days"][-1][0]
    assert client.get(url("offer_time", appointment_request.pk), {"week": "not-a-date"}).status_code == 200
    assert client.get(url("offer_time", appointment_request.pk), {"week": "2999-01-01"}).status_code == 200


def test_offering_a_time_holds_it_in_place_of_the_old_one(client, front_desk_user, hours):
    appointment_request = AppointmentRequestFactory()
    old = hold_for(appointment_request, local(3, 9))
    client.force_login(front_desk_user)
    response = client.post(url("offer_time", appointment_request.pk), {"slot": value(local(3, 15))})
    assert response.status_code == 302 and response["Location"] == url("edit", appointment_request.pk)
    assert any("is held for" in text for text in message_texts(response))
    old.refresh_from_db()
    assert old.state == HoldState.RELEASED
    new = SlotHold.objects.get(appointment_request=appointment_request, state=HoldState.HELD)
    assert new.starts_at == local(3, 15) and new.offered_by == front_desk_user
    assert logs(appointment_request, "scheduling.time_offered").get().user == front_desk_user

    history = client.get(url("history", appointment_request.pk)).content.decode()
    moment = local(3, 15)
    assert f"Held a time to offer the client: {moment:%a, %b} {moment.day}, {moment.year}, 3:00 PM" in history
    assert "Released the time" in history


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ({}, "Choose one of the open times below."),
        ({"slot": "in_person@tomorrow"}, "Choose one of the open times below."),
        ({"slot": "video@2030-01-01T16:00:00Z"}, "Choose one of the open times below."),
        ({"slot": "in_person@2020-01-01T16:00:00Z"}, "That time has passed."),
        ({"slot": "taken"}, "That time is no longer open for this request."),
        ({"slot": "online"}, "That time is no longer open for this request."),
        ({"slot": "off_grid"}, "That time is no longer open for this request."),
        ({"slot": "x" * 5000}, "Choose one of the open times below."),
    ],
)
def test_a_bad_offer_is_refused_with_a_message_and_the_times_shown_again(
    client, front_desk_user, hours, posted, expected
):
    appointment_request = AppointmentRequestFactory()
    other = hold_for(AppointmentRequestFactory(), local(3, 9))
    substitutes = {
        "taken": value(other.starts_at),
        "online": value(local(3, 17), SessionFormat.ONLINE),
        "off_grid": value(local(3, 9, 30)),
    }
    if posted.get("slot") in substitutes:
        posted = {"slot": substitutes[posted["slot"]]}
    client.force_login(front_desk_user)
    response = client.post(url("offer_time", appointment_request.pk), posted)
    assert response.status_code == 200
    assert any(text.startswith(expected) for text in message_texts(response))
    assert "Hold this time for them" in response.content.decode()
    assert not SlotHold.objects.filter(appointment_request=appointment_request).exists()


def test_an_offer_that_loses_a_race_is_refused_kindly(client, front_desk_user, hours, monkeypatch):
    appointment_request = AppointmentRequestFactory()
    starts_at = local(3, 13)
    offer = services.slot_hold_offer

    def another_request_takes_it_first(**kwargs):
        hold_for(AppointmentRequestFactory(), starts_at)
        return offer(**kwargs)

    monkeypatch.setattr(services, "slot_hold_offer", another_request_takes_it_first)
    client.force_login(front_desk_user)
    response = client.post(url("offer_time", appointment_request.pk), {"slot": value(starts_at)})
    assert response.status_code == 200
    assert "Another request took that time a moment ago. Choose another." in message_texts(response)
    assert not SlotHold.objects.filter(appointment_request=appointment_request).exists()


def test_a_closed_request_is_offered_no_time(client, front_desk_user, hours):
    appointment_request = AppointmentRequestFactory(status=Status.CLOSED)
    client.force_login(front_desk_user)
    assert client.get(url("offer_time", appointment_request.pk))["Location"] == url("edit", appointment_request.pk)
    client.post(url("offer_time", appointment_request.pk), {"slot": value(local(3, 9))})
    assert not SlotHold.objects.exists()
    assert "Offer a time" not in client.get(url("edit", appointment_request.pk)).content.decode()


def test_triage_with_a_time_that_overlaps_another_requests_shows_it_on_the_field(client, front_desk_user):
    taken = local(6, 10)
    hold_for(AppointmentRequestFactory(), taken, state=HoldState.CONFIRMED)
    appointment_request = AppointmentRequestFactory()
    client.force_login(front_desk_user)
    response = client.post(
        url("edit", appointment_request.pk),
        {
            "status": "scheduled",
            "assigned_to": "",
            "scheduled_for": f"{taken + timedelta(minutes=20):%Y-%m-%d %H:%M}",
            "internal_notes": "Called",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scheduled_for"] == [
        "That time overlaps another request’s held or confirmed time. Choose another time."
    ]
    appointment_request.refresh_from_db()
    assert appointment_request.status == Status.NEW and appointment_request.internal_notes == ""
    assert not logs(appointment_request, "scheduling.triage").exists()
    assert "Requested time" in response.content.decode()


# Calendar


def test_calendar_week_shows_held_and_confirmed_times_by_day(client, front_desk_user, hours):
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    offset = (monday - timezone.localdate()).days
    held = hold_for(AppointmentRequestFactory(name="Harper Held"), local(offset, 9))
    confirmed = hold_for(
        AppointmentRequestFactory(name="Cory Confirmed"), local(offset + 2, 14), state=HoldState.CONFIRMED
    )
    lapsed = hold_for(
        AppointmentRequestFactory(), local(offset + 1, 9), expires_at=timezone.now() - timedelta(hours=1)
    )
    declined = hold_for(AppointmentRequestFactory(), local(offset + 1, 10), state=HoldState.DECLINED)
    hold_for(AppointmentRequestFactory(), local(offset + 8, 9))  # The week after.
    client.force_login(front_desk_user)

    response = client.get(reverse("booking_calendar:index"), {"date": monday.isoformat(), "view": "week"})
    assert response.status_code == 200
    entries = [entry["hold"] for _, _, day in response.context["days"] for entry in day]
    assert entries == [held, confirmed]
    html = response.content.decode()
    assert f"Request #{held.appointment_request_id}" in html and "Harper" in html
    assert "Harper Held" not in html  # The first name only.
    assert "9:00 AM – 9:50 AM" in html and " until " in html
    assert f"Request #{lapsed.appointment_request_id}" not in html.split("Freed times")[0]
    assert f"Request #{declined.appointment_request_id}" not in html
    assert len(response.context["days"]) == 7
    lapsed.refresh_from_db()
    assert lapsed.state == HoldState.HELD  # Reading never writes.

    day = client.get(
        reverse("booking_calendar:index"), {"date": (monday + timedelta(days=2)).isoformat(), "view": "day"}
    )
    assert [entry["hold"] for _, _, entries in day.context["days"] for entry in entries] == [confirmed]
    assert f"date={(monday + timedelta(days=3)).isoformat()}&amp;view=day" in day.content.decode()
    assert f"date={(monday + timedelta(days=1)).isoformat()}&amp;view=day" in day.content.decode()


@pytest.mark.parametrize(
    "query", [{"date": "2026-02-30"}, {"date": "yesterday", "view": "month"}, {"date": "9" * 500}]
)
def test_calendar_shows_today_for_a_date_it_does_not_know(client, front_desk_user, query):
    client.force_login(front_desk_user)
    response = client.get(reverse("booking_calendar:index"), query)
    assert response.status_code == 200
    assert response.context["days"][0][0] <= timezone.localdate() <= response.context["days"][-1][0]
    assert "That is not a date the calendar knows: showing today." in message_texts(response)


def test_freed_times_list_who_waits_for_them_oldest_first(client, front_desk_user, hours):
    morning = local(3, 9)
    freed = hold_for(AppointmentRequestFactory(), morning, state=HoldState.DECLINED, ended_at=timezone.now())
    newer = waitlisted(days_ago=1, preferred_times=[day_part(morning)], name="Newer Waiting")
    older = waitlisted(days_ago=5, preferred_times=[], name="Older Waiting")
    waitlisted(days_ago=9, preferred_times=[day_part(local(3, 18))])  # Evenings only.
    waitlisted(days_ago=9, session_format=SessionFormat.ONLINE, preferred_times=[])  # Online.
    holding = waitlisted(days_ago=20, preferred_times=[])
    hold_for(holding, local(4, 9))  # Holds a time already.
    waitlisted(days_ago=30, status=Status.CLOSED, preferred_times=[])  # Over.
    client.force_login(front_desk_user)

    response = client.get(reverse("booking_calendar:index"))
    (item,) = response.context["freed"]
    assert item["slot"].starts_at == freed.starts_at
    assert item["waiting"] == [older, newer]
    html = response.content.decode()
    assert html.count("Offer this time") == 2
    assert f'action="{url("offer_time", older.pk)}"' in html

    response = client.post(
        url("offer_time", older.pk), {"slot": item["slot"].value, "next": reverse("booking_calendar:index")}
    )
    assert response["Location"] == reverse("booking_calendar:index")
    assert SlotHold.objects.get(appointment_request=older, state=HoldState.HELD).starts_at == morning
    assert client.get(reverse("booking_calendar:index")).context["freed"] == []


def test_a_lapsed_hold_is_a_freed_time_before_the_job_expires_it(client, front_desk_user, hours):
    lapsed = hold_for(AppointmentRequestFactory(), local(3, 11), expires_at=timezone.now() - timedelta(minutes=5))
    waiting = waitlisted(preferred_times=[])
    client.force_login(front_desk_user)
    (item,) = client.get(reverse("booking_calendar:index")).context["freed"]
    assert item["slot"].starts_at == lapsed.starts_at and item["waiting"] == [waiting]
    lapsed.refresh_from_db()
    assert lapsed.state == HoldState.HELD


def test_freed_times_leave_out_old_past_and_retaken_times(client, front_desk_user, hours):
    hold_for(
        AppointmentRequestFactory(),
        local(3, 9),
        state=HoldState.EXPIRED,
        ended_at=timezone.now() - timedelta(days=15),
    )
    SlotHold.objects.create(
        appointment_request=AppointmentRequestFactory(),
        session_format=SessionFormat.IN_PERSON,
        starts_at=local(-1, 9),
        ends_at=local(-1, 9, 50),
        blocked_until=local(-1, 10),
        state=HoldState.RELEASED,
        ended_at=timezone.now(),
    )
    hold_for(AppointmentRequestFactory(), local(3, 10), state=HoldState.DECLINED, ended_at=timezone.now())
    hold_for(AppointmentRequestFactory(), local(3, 10))  # Taken again since.
    client.force_login(front_desk_user)
    response = client.get(reverse("booking_calendar:index"))
    assert response.context["freed"] == []
    assert "No freed times right now." in response.content.decode()


def test_calendar_week_queries_do_not_grow_with_the_holds(
    client, front_desk_user, hours, django_assert_max_num_queries
):
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    offset = (monday - timezone.localdate()).days
    for index in range(200):
        hold_for(
            AppointmentRequestFactory(),
            local(offset + index % 7, 0) + timedelta(minutes=30 * (index // 7)),
            ends_at=local(offset + index % 7, 0) + timedelta(minutes=30 * (index // 7) + 25),
            blocked_until=local(offset + index % 7, 0) + timedelta(minutes=30 * (index // 7) + 30),
            state=HoldState.CONFIRMED if index % 2 else HoldState.HELD,
        )
    for index in range(20):
        hold_for(
            AppointmentRequestFactory(),
            local(offset + 14 + index % 7, 13),
            state=HoldState.DECLINED,
            ended_at=timezone.now(),
        )
        waitlisted(preferred_times=[])
    client.force_login(front_desk_user)
    calendar_url = reverse("booking_calendar:index") + f"?date={monday.isoformat()}"
    client.get(calendar_url)  # Warm the caches a first admin page fills (site, settings, menu).
    with django_assert_max_num_queries(20):
        response = client.get(calendar_url)
    assert response.context["held_count"] == 200


# Waitlist


def test_waitlist_lists_who_waits_oldest_first_with_the_open_times_that_suit_them(client, front_desk_user, hours):
    evening_online = waitlisted(
        days_ago=3,
        session_format=SessionFormat.ONLINE,
        preferred_times=[day_part(local(2, 18)), day_part(local(3, 18))],
    )
    anytime = waitlisted(days_ago=10, preferred_times=[])
    couple = waitlisted(days_ago=1, preferred_times=[], sessions_for=SessionsFor.COUPLE)
    hold_for(waitlisted(days_ago=20), local(3, 9))  # Holds a time: not waiting.
    AppointmentRequestFactory(status=Status.CONTACTED)  # Not on the waitlist.
    WeeklyHours.objects.filter(weekday=local(5, 9).weekday(), session_format=SessionFormat.IN_PERSON).update(
        service="individual"
    )
    client.force_login(front_desk_user)
    response = client.get(reverse("booking_waitlist:index"))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [entry["appointment_request"] for entry in entries] == [anytime, evening_online, couple]
    counts = {entry["appointment_request"]: entry["suiting"] for entry in entries}
    # Three online sessions an evening (17:00, 18:00, 19:00), on those two weekdays, in the 4 weeks ahead.
    assert counts[evening_online] == 3 * 2 * 4
    assert counts[couple] < counts[anytime]  # Hours kept for individual sessions don't suit a couple.
    html = response.content.decode()
    assert "Monday morning" not in html or "Flexible" in html
    assert f'href="{url("offer_time", anytime.pk)}"' in html


# Who may do what


@pytest.mark.parametrize("role", ["editor_user", "view_only_user"])
def test_only_staff_who_may_change_requests_confirm_decline_or_offer(client, request, role, hours):
    appointment_request = AppointmentRequestFactory()
    hold = hold_for(appointment_request, local(3, 9))
    client.force_login(request.getfixturevalue(role))
    for name, data in [("confirm_time", {}), ("decline_time", {}), ("offer_time", {"slot": value(local(3, 15))})]:
        response = client.post(url(name, appointment_request.pk), data)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    hold.refresh_from_db()
    assert hold.state == HoldState.HELD
    assert SlotHold.objects.filter(appointment_request=appointment_request).count() == 1
    assert mail.outbox == []


def test_editors_see_no_booking_screens(client, editor_user):
    appointment_request = AppointmentRequestFactory(name="Private Person")
    client.force_login(editor_user)
    for target in [
        reverse("booking_calendar:index"),
        reverse("booking_waitlist:index"),
        reverse("booking_weekly_hours:index"),
        reverse("booking_exceptions:index"),
        url("offer_time", appointment_request.pk),
    ]:
        response = client.get(target)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"), target
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"name": "booking"' not in html


def test_staff_who_only_read_requests_see_the_calendar_waitlist_and_times_but_act_on_nothing(
    client, view_only_user, hours
):
    appointment_request = AppointmentRequestFactory()
    hold_for(appointment_request, local(3, 9))
    hold_for(AppointmentRequestFactory(), local(3, 10), state=HoldState.DECLINED, ended_at=timezone.now())
    waitlisted(preferred_times=[])
    client.force_login(view_only_user)
    calendar = client.get(reverse("booking_calendar:index"))
    assert calendar.status_code == 200 and "Offer this time" not in calendar.content.decode()
    assert client.get(reverse("booking_waitlist:index")).status_code == 200
    offer = client.get(url("offer_time", appointment_request.pk)).content.decode()
    assert "Hold this time for them" not in offer and " disabled" in offer
    inspect = client.get(url("inspect", appointment_request.pk)).content.decode()
    assert "Requested time" in inspect and "Confirm this time" not in inspect
    assert client.get(reverse("booking_weekly_hours:index")).status_code == 302
