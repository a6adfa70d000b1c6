"""The shared outbox (practice.outbox): one retry policy, one safe claim, one safety net, for every app's emails."""

from datetime import timedelta

import pytest
from django.utils import timezone

from practice import outbox
from practice.outbox import OutboxState
from scheduling.models.appointments import NotificationDelivery, NotificationKind
from scheduling.services import NOTIFICATION_OUTBOX
from tests.scheduling.factories import AppointmentRequestFactory

pytestmark = pytest.mark.django_db


def delivery(**fields):
    return NotificationDelivery.objects.create(
        appointment_request=AppointmentRequestFactory(), kind=NotificationKind.FRONT_DESK_ALERT, **fields
    )


def test_the_retry_policy_waits_two_minutes_then_doubles_up_to_six_hours():
    waits = [outbox.backoff(attempts=attempts) for attempts in range(1, outbox.MAX_ATTEMPTS)]
    assert waits[:4] == [timedelta(minutes=minutes) for minutes in (2, 4, 8, 16)]
    assert max(waits) == outbox.MAX_BACKOFF == timedelta(hours=6)
    assert waits == sorted(waits)
    # Eleven waits between twelve attempts: the last try comes about 26 hours after the first.
    assert timedelta(days=1) < sum(waits, timedelta()) < timedelta(days=2)


def test_every_app_registers_its_outbox():
    assert sorted(outbox.outboxes()) == ["newsletter.Delivery", "scheduling.NotificationDelivery"]


def test_a_claimed_row_is_never_claimed_again(practice_details):
    row = delivery()

    first = outbox.outbox_claim(outbox=NOTIFICATION_OUTBOX)
    assert [claimed.pk for claimed in first] == [row.pk]
    assert outbox.outbox_claim(outbox=NOTIFICATION_OUTBOX) == []  # A second worker finds nothing.
    assert outbox.outbox_claim(outbox=NOTIFICATION_OUTBOX, due_only=False) == []
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.SENDING, 1)


def test_rows_not_yet_due_wait_and_ones_with_no_next_try_wait_for_nothing():
    now = timezone.now()
    later, due, straight_away = delivery(next_try_at=now + timedelta(minutes=5)), delivery(next_try_at=now), delivery()

    assert set(NotificationDelivery.objects.due(at=now)) == {due, straight_away}
    assert set(NotificationDelivery.objects.due(at=now + timedelta(minutes=5))) == {later, due, straight_away}


def test_a_row_left_sending_by_a_dead_worker_becomes_unknown_and_is_never_resent(practice_details, mailoutbox):
    row = delivery()
    outbox.outbox_claim(outbox=NOTIFICATION_OUTBOX)  # The worker that claimed it dies before sending.

    assert outbox.outbox_resume(now=timezone.now() + timedelta(minutes=14))["scheduling.NotificationDelivery"] == {}
    later = timezone.now() + outbox.STALE_SENDING_AFTER + timedelta(seconds=1)
    assert outbox.outbox_resume(now=later)["scheduling.NotificationDelivery"] == {"unknown": 1}
    assert outbox.outbox_resume(now=later + timedelta(days=1))["scheduling.NotificationDelivery"] == {}
    row.refresh_from_db()
    assert (row.state, row.next_try_at) == (OutboxState.UNKNOWN, None)
    assert mailoutbox == []


def test_one_resume_run_tries_each_row_once_even_with_a_clock_far_ahead(practice_details, settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": "tests.newsletter.mailers.FailingBackend"}}
    row = delivery()

    assert outbox.outbox_resume(now=timezone.now() + timedelta(days=30))["scheduling.NotificationDelivery"] == {
        "pending": 1
    }
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboxState.PENDING, 1, "SMTPServerDisconnected")


def test_the_first_try_comes_from_the_task_queue_after_commit(
    practice_details, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = delivery()
        outbox.outbox_enqueue(NOTIFICATION_OUTBOX, due_only=False, pk=row.pk)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.state == OutboxState.SENT and len(mailoutbox) == 1


def test_a_queue_that_refuses_the_task_loses_nothing(
    practice_details, monkeypatch, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    class RefusingQueue:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue down")

    monkeypatch.setattr(outbox, "outbox_deliver", RefusingQueue())
    with django_capture_on_commit_callbacks(execute=True):
        row = delivery(next_try_at=timezone.now())
        outbox.outbox_enqueue(NOTIFICATION_OUTBOX, due_only=False, pk=row.pk)
    row.refresh_from_db()
    assert row.state == OutboxState.PENDING and mailoutbox == []
    assert "Could not enqueue the first try of scheduling.NotificationDelivery rows" in caplog.text
    outbox.outbox_resume()
    row.refresh_from_db()
    assert row.state == OutboxState.SENT and len(mailoutbox) == 1
