"""The appointment's calendar files: one opaque UID per request, a SEQUENCE that moves on, a CANCEL when it is off."""

from datetime import datetime, timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from icalendar import Calendar

from practice import outbox
from practice.outbox import OutboxState
from scheduling import services
from scheduling.models.appointments import NotificationDelivery, NotificationKind, Status
from tests.scheduling.factories import AppointmentRequestFactory


def resume(*, now=None):
    """The resume job's outcomes for the scheduling app's outbox."""
    return outbox.outbox_resume(now=now)["scheduling.NotificationDelivery"]


pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
FIRST_TIME = datetime(2030, 7, 1, 16, 0, tzinfo=DENVER)
NEW_TIME = datetime(2030, 7, 3, 10, 30, tzinfo=DENVER)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def scheduled(practice_details):
    return AppointmentRequestFactory(name="Casey Lane", status=Status.SCHEDULED, scheduled_for=FIRST_TIME)


def send_confirmation(appointment_request, user, capture):
    with capture():
        services.appointment_confirmation_send(appointment_request=appointment_request, user=user)
    appointment_request.refresh_from_db()
    return mail.outbox[-1]


def triage(appointment_request, user, capture, **changes):
    fields = {
        "status": appointment_request.status,
        "scheduled_for": appointment_request.scheduled_for,
        "internal_notes": appointment_request.internal_notes,
    }
    with capture():
        services.appointment_request_triage(appointment_request=appointment_request, user=user, **(fields | changes))
    appointment_request.refresh_from_db()


def calendar_file(message):
    """The message's one .ics attachment, parsed: (calendar, its event, the attachment's MIME type)."""
    ((filename, content, mimetype),) = message.attachments
    assert filename == "appointment.ics"
    parsed = Calendar.from_ical(content)
    return parsed, parsed.walk("VEVENT")[0], mimetype


def test_uid_is_a_random_uuid_at_the_sites_host_not_the_request_number(scheduled, front_desk_user, capture, settings):
    settings.SITE_URL = "https://betterlives.example:8443"
    other = AppointmentRequestFactory(status=Status.SCHEDULED, scheduled_for=FIRST_TIME)
    _, event, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    _, other_event, _ = calendar_file(send_confirmation(other, front_desk_user, capture))

    assert str(event["uid"]) == f"{scheduled.calendar_uid}@betterlives.example"
    assert scheduled.calendar_uid.version == 4
    assert other_event["uid"] != event["uid"]


def test_first_confirmation_is_a_publish_with_sequence_zero_and_the_practice_as_organizer(
    scheduled, front_desk_user, capture
):
    parsed, event, mimetype = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    assert str(parsed["method"]) == "PUBLISH"
    assert mimetype == "text/calendar; method=PUBLISH; charset=utf-8"
    assert event["sequence"] == 0
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["organizer"]) == "mailto:hello@practice.example"
    assert str(event["organizer"].params["CN"]) == "Better Lives, Building Tribes"
    assert "attendee" not in event  # PUBLISH must not name attendees (RFC 5546 §3.2.1).
    assert event.decoded("dtstart") == FIRST_TIME


def test_organizer_is_the_sender_address_when_the_practice_has_no_public_email(
    scheduled, practice_details, front_desk_user, capture, settings
):
    settings.DEFAULT_FROM_EMAIL = "Website <appointments@practice.example>"
    practice_details.email = ""
    practice_details.save()
    _, event, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    assert str(event["organizer"]) == "mailto:appointments@practice.example"


def test_resending_an_unchanged_confirmation_keeps_uid_and_sequence(scheduled, front_desk_user, capture):
    _, first, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    _, again, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    assert again["uid"] == first["uid"]
    assert again["sequence"] == first["sequence"] == 0


def test_a_new_time_after_a_confirmation_resends_with_the_same_uid_and_a_higher_sequence(
    scheduled, front_desk_user, capture
):
    _, first, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    triage(scheduled, front_desk_user, capture, scheduled_for=NEW_TIME)
    assert len(mail.outbox) == 1  # Changing the time alone emails nobody: the front desk sends it again.
    _, updated, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    assert updated["uid"] == first["uid"]
    assert updated["sequence"] > first["sequence"]
    assert updated.decoded("dtstart") == NEW_TIME


def test_changes_before_any_confirmation_leave_the_first_file_at_sequence_zero(scheduled, front_desk_user, capture):
    triage(scheduled, front_desk_user, capture, scheduled_for=NEW_TIME)
    triage(scheduled, front_desk_user, capture, status=Status.CONTACTED)
    triage(scheduled, front_desk_user, capture, status=Status.SCHEDULED)
    _, event, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    assert event["sequence"] == 0


def test_other_triage_after_a_confirmation_leaves_the_sequence_alone(scheduled, front_desk_user, capture):
    send_confirmation(scheduled, front_desk_user, capture)
    triage(scheduled, front_desk_user, capture, internal_notes="Prefers the afternoon", assigned_to=front_desk_user)
    assert scheduled.calendar_sequence == 0


@pytest.mark.parametrize("status", [Status.CLOSED, Status.DECLINED, Status.CONTACTED])
def test_closing_a_confirmed_appointment_emails_a_cancel_file_with_the_same_uid_and_a_higher_sequence(
    scheduled, front_desk_user, capture, status
):
    _, confirmed, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    triage(scheduled, front_desk_user, capture, status=status)

    assert len(mail.outbox) == 2
    message = mail.outbox[-1]
    assert message.to == [scheduled.email]
    assert message.subject == "Your appointment is cancelled — Better Lives, Building Tribes"
    parsed, cancelled, mimetype = calendar_file(message)
    assert str(parsed["method"]) == "CANCEL"
    assert mimetype == "text/calendar; method=CANCEL; charset=utf-8"
    assert cancelled["uid"] == confirmed["uid"]
    assert cancelled["sequence"] > confirmed["sequence"]
    assert str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["organizer"]) == "mailto:hello@practice.example"
    assert str(cancelled["organizer"].params["CN"]) == "Better Lives, Building Tribes"
    assert cancelled.decoded("dtstart") == FIRST_TIME
    assert cancelled.decoded("dtend") - cancelled.decoded("dtstart") == timedelta(minutes=50)
    delivery = NotificationDelivery.objects.get(kind=NotificationKind.APPOINTMENT_CANCELLATION)
    assert delivery.state == OutboxState.SENT


def test_the_cancellation_email_names_the_time_given_and_nothing_from_the_request(scheduled, front_desk_user, capture):
    send_confirmation(scheduled, front_desk_user, capture)
    triage(scheduled, front_desk_user, capture, status=Status.CLOSED)
    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "Hello Casey," in body
        assert "Monday, July 1, 2030 at 4:00 PM (Mountain Time) is cancelled" in body
        assert "(303) 578-9317" in body
        for private in (scheduled.name, scheduled.message, scheduled.phone):
            assert private not in body
    content = message.attachments[0][1]
    assert "Casey" not in content and scheduled.message not in content


def test_clearing_the_time_of_a_confirmed_appointment_cancels_it_at_the_time_given(
    scheduled, front_desk_user, capture
):
    _, confirmed, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    triage(scheduled, front_desk_user, capture, scheduled_for=None)
    parsed, cancelled, _ = calendar_file(mail.outbox[-1])
    assert str(parsed["method"]) == "CANCEL"
    assert cancelled["uid"] == confirmed["uid"]
    assert cancelled["sequence"] > confirmed["sequence"]
    assert cancelled.decoded("dtstart") == FIRST_TIME
    assert "Monday, July 1, 2030 at 4:00 PM" in mail.outbox[-1].body


def test_a_changed_time_never_confirmed_is_cancelled_at_the_time_the_client_holds(scheduled, front_desk_user, capture):
    send_confirmation(scheduled, front_desk_user, capture)
    triage(scheduled, front_desk_user, capture, scheduled_for=NEW_TIME)
    triage(scheduled, front_desk_user, capture, status=Status.CLOSED)
    _, cancelled, _ = calendar_file(mail.outbox[-1])
    assert cancelled.decoded("dtstart") == FIRST_TIME
    assert cancelled["sequence"] == 2


def test_closing_an_appointment_never_confirmed_emails_nobody(scheduled, front_desk_user, capture):
    triage(scheduled, front_desk_user, capture, status=Status.CLOSED)
    assert mail.outbox == []
    assert not NotificationDelivery.objects.exists()


def test_a_cancellation_is_sent_once(scheduled, front_desk_user, capture):
    send_confirmation(scheduled, front_desk_user, capture)
    triage(scheduled, front_desk_user, capture, status=Status.CLOSED)
    triage(scheduled, front_desk_user, capture, status=Status.DECLINED, scheduled_for=None)
    assert [m.subject.split(" — ")[0] for m in mail.outbox] == ["Your appointment", "Your appointment is cancelled"]


def test_a_cancellation_survives_an_email_outage_and_is_retried(scheduled, front_desk_user, capture):
    _, confirmed, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    with mock.patch.object(locmem.EmailBackend, "send_messages", side_effect=SMTPServerDisconnected("down")):
        triage(scheduled, front_desk_user, capture, status=Status.CLOSED)
    delivery = NotificationDelivery.objects.get(kind=NotificationKind.APPOINTMENT_CANCELLATION)
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        OutboxState.PENDING,
        1,
        "SMTPServerDisconnected",
    )
    assert len(mail.outbox) == 1

    assert resume(now=delivery.next_try_at) == {"sent": 1}
    parsed, cancelled, _ = calendar_file(mail.outbox[-1])
    assert str(parsed["method"]) == "CANCEL"
    assert cancelled["uid"] == confirmed["uid"]
    assert cancelled["sequence"] > confirmed["sequence"]


def test_a_pending_cancellation_is_dropped_when_the_appointment_is_scheduled_again(
    scheduled, front_desk_user, capture
):
    send_confirmation(scheduled, front_desk_user, capture)
    with mock.patch.object(locmem.EmailBackend, "send_messages", side_effect=SMTPServerDisconnected("down")):
        triage(scheduled, front_desk_user, capture, status=Status.CLOSED)
    triage(scheduled, front_desk_user, capture, status=Status.SCHEDULED)
    delivery = NotificationDelivery.objects.get(kind=NotificationKind.APPOINTMENT_CANCELLATION)
    assert resume(now=delivery.next_try_at) == {"cancelled": 1}
    assert len(mail.outbox) == 1


def test_a_pending_confirmation_is_dropped_once_the_appointment_is_no_longer_scheduled(
    scheduled, front_desk_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.appointment_confirmation_send(appointment_request=scheduled, user=front_desk_user)
    scheduled.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_request_triage(
            appointment_request=scheduled, user=front_desk_user, status=Status.CLOSED, scheduled_for=FIRST_TIME
        )
    assert resume(now=FIRST_TIME) == {"cancelled": 1}
    assert mail.outbox == []


def test_scheduling_again_after_a_cancellation_confirms_above_the_cancels_sequence(
    scheduled, front_desk_user, capture
):
    send_confirmation(scheduled, front_desk_user, capture)
    triage(scheduled, front_desk_user, capture, status=Status.CLOSED)
    _, cancelled, _ = calendar_file(mail.outbox[-1])
    triage(scheduled, front_desk_user, capture, status=Status.SCHEDULED, scheduled_for=NEW_TIME)
    parsed, confirmed, _ = calendar_file(send_confirmation(scheduled, front_desk_user, capture))
    assert str(parsed["method"]) == "PUBLISH"
    assert confirmed["uid"] == cancelled["uid"]
    assert confirmed["sequence"] > cancelled["sequence"]
    assert confirmed.decoded("dtstart") == NEW_TIME
    # And that appointment can be cancelled in turn.
    triage(scheduled, front_desk_user, capture, status=Status.CLOSED)
    _, cancelled_again, _ = calendar_file(mail.outbox[-1])
    assert cancelled_again["sequence"] > confirmed["sequence"]
    assert cancelled_again.decoded("dtstart") == NEW_TIME
