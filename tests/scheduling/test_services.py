from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from practice import outbox
from practice.outbox import OutboxState
from scheduling import services
from scheduling.forms import AppointmentRequestForm
from scheduling.models.appointments import AppointmentRequest, NotificationDelivery, NotificationKind, Status
from tests.scheduling.factories import AppointmentRequestFactory


def resume(*, now=None):
    """The resume job's outcomes for the scheduling app's outbox."""
    return outbox.outbox_resume(now=now)["scheduling.NotificationDelivery"]


pytestmark = pytest.mark.django_db


def cleaned(valid_post, **changes):
    form = AppointmentRequestForm({**valid_post, **changes})
    assert form.is_valid(), form.errors
    return form.cleaned_data


def submit(valid_post, capture, **changes):
    with capture(execute=True):
        return services.appointment_request_submit(data=cleaned(valid_post, **changes))


def personal_details(appointment_request):
    return [
        appointment_request.name,
        appointment_request.name.split()[-1],
        appointment_request.email,
        appointment_request.phone,
        "555-0147",
        appointment_request.message,
        appointment_request.availability_note,
        appointment_request.heard_about,
    ]


def email_text(message):
    parts = [message.subject, message.body, *(content for content, _ in message.alternatives)]
    parts += [str(value) for value in message.extra_headers.values()]
    return "\n".join(parts)


def test_submit_stores_the_request_with_consent_and_attestation_times(
    valid_post, practice_details, django_capture_on_commit_callbacks
):
    appointment_request = submit(valid_post, django_capture_on_commit_callbacks)
    stored = AppointmentRequest.objects.get()
    assert stored == appointment_request
    assert stored.status == Status.NEW
    assert stored.phone == "+13035550147"
    assert stored.preferred_times == ["tuesday-evening", "friday-morning"]
    assert stored.colorado_attested_at is not None
    assert stored.consented_at is not None


def test_in_person_request_records_no_attestation(valid_post, practice_details, django_capture_on_commit_callbacks):
    appointment_request = submit(
        valid_post, django_capture_on_commit_callbacks, session_format="in_person", in_colorado=""
    )
    assert appointment_request.colorado_attested_at is None


def test_notifications_are_enqueued_only_after_commit(
    valid_post, practice_details, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.appointment_request_submit(data=cleaned(valid_post))
    assert len(callbacks) == 2
    assert mail.outbox == []
    assert set(NotificationDelivery.objects.values_list("state", flat=True)) == {OutboxState.PENDING}
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    assert set(NotificationDelivery.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_front_desk_alert_has_no_personal_details(valid_post, practice_details, django_capture_on_commit_callbacks):
    AppointmentRequestFactory()
    appointment_request = submit(valid_post, django_capture_on_commit_callbacks)
    alert = next(m for m in mail.outbox if m.to == ["frontdesk@practice.example"])
    text = email_text(alert)
    for detail in personal_details(appointment_request) + ["Jo", "they/them"]:
        assert detail not in text
    assert "Requests waiting: 2" in alert.body
    assert "http://testserver/admin/appointment-requests/" in alert.body
    assert alert.alternatives[0][1] == "text/html"


def test_client_acknowledgement_uses_first_name_only_and_never_echoes_the_request(
    valid_post, practice_details, django_capture_on_commit_callbacks
):
    appointment_request = submit(valid_post, django_capture_on_commit_callbacks, preferred_name="")
    acknowledgement = next(m for m in mail.outbox if m.to == ["jordan@client.example"])
    text = email_text(acknowledgement)
    assert "Hello Jordan," in acknowledgement.body
    for detail in personal_details(appointment_request)[1:] + ["Rivers"]:
        if detail != appointment_request.email:
            assert detail not in text
    assert practice_details.crisis_notice in acknowledgement.body
    assert "within one business day" in acknowledgement.body
    assert acknowledgement.alternatives[0][1] == "text/html"


def test_acknowledgement_is_sent_only_when_the_client_said_yes(
    valid_post, practice_details, django_capture_on_commit_callbacks
):
    submit(valid_post, django_capture_on_commit_callbacks, acknowledgement_ok="no")
    assert [m.to for m in mail.outbox] == [["frontdesk@practice.example"]]


def test_spam_is_stored_as_spam_and_sends_nothing(valid_post, practice_details, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_request = services.appointment_request_submit(data=cleaned(valid_post), spam=True)
    assert appointment_request.status == Status.SPAM
    assert mail.outbox == []
    assert not NotificationDelivery.objects.exists()


def test_a_double_submit_returns_the_stored_request(valid_post, practice_details, django_capture_on_commit_callbacks):
    first = submit(valid_post, django_capture_on_commit_callbacks)
    second = submit(valid_post, django_capture_on_commit_callbacks)
    assert first == second
    assert AppointmentRequest.objects.count() == 1
    assert len(mail.outbox) == 2


def test_the_same_answers_after_the_window_make_a_new_request(
    valid_post, practice_details, django_capture_on_commit_callbacks
):
    first = submit(valid_post, django_capture_on_commit_callbacks)
    AppointmentRequest.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert submit(valid_post, django_capture_on_commit_callbacks) != first


def test_email_outage_keeps_the_request_and_schedules_a_retry(
    valid_post, practice_details, django_capture_on_commit_callbacks
):
    with mock.patch.object(locmem.EmailBackend, "send_messages", side_effect=SMTPServerDisconnected("down")):
        appointment_request = submit(valid_post, django_capture_on_commit_callbacks)
    assert AppointmentRequest.objects.filter(pk=appointment_request.pk).exists()
    deliveries = NotificationDelivery.objects.all()
    assert {d.state for d in deliveries} == {OutboxState.PENDING}
    assert {d.attempts for d in deliveries} == {1}
    assert {d.last_error for d in deliveries} == {"SMTPServerDisconnected"}
    assert all(d.next_try_at > timezone.now() for d in deliveries)

    outcomes = resume(now=timezone.now() + timedelta(minutes=5))
    assert outcomes == {"sent": 2}
    assert len(mail.outbox) == 2


def first_try(delivery: NotificationDelivery) -> str:
    """The task queue's first try of one notification, as `outbox_enqueue` asks for it; the state it ended in."""
    outcomes = outbox.outbox_deliver.call(NotificationDelivery._meta.label, {"pk": delivery.pk}, due_only=False)
    (state,) = outcomes
    return state


def test_failed_attempts_back_off_exponentially_and_give_up_eventually(practice_details):
    appointment_request = AppointmentRequestFactory()
    delivery = NotificationDelivery.objects.create(
        appointment_request=appointment_request, kind=NotificationKind.FRONT_DESK_ALERT, next_try_at=timezone.now()
    )
    gaps = []
    with mock.patch.object(locmem.EmailBackend, "send_messages", side_effect=OSError("network unreachable")):
        for _ in range(outbox.MAX_ATTEMPTS - 1):
            before = timezone.now()
            assert first_try(delivery) == OutboxState.PENDING
            delivery.refresh_from_db()
            gaps.append(delivery.next_try_at - before)
        assert first_try(delivery) == OutboxState.FAILED
    assert gaps[1] > gaps[0] and gaps[2] > gaps[1]
    assert max(gaps) <= outbox.MAX_BACKOFF + timedelta(seconds=1)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_try_at) == (OutboxState.FAILED, outbox.MAX_ATTEMPTS, None)
    assert resume(now=timezone.now() + timedelta(days=365)) == {}  # Given up: never tried again.
    assert AppointmentRequest.objects.filter(pk=appointment_request.pk).exists()


def test_a_dead_worker_is_covered_by_the_resume_job(valid_post, practice_details, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.appointment_request_submit(data=cleaned(valid_post))
    assert resume() == {}  # The queue still has its grace period.
    assert resume(now=timezone.now() + services.QUEUE_GRACE) == {"sent": 2}
    assert resume(now=timezone.now() + services.QUEUE_GRACE) == {}
    assert len(mail.outbox) == 2


def test_alert_without_a_front_desk_address_waits_for_one(practice_details):
    practice_details.front_desk_email = ""
    practice_details.save()
    delivery = NotificationDelivery.objects.create(
        appointment_request=AppointmentRequestFactory(),
        kind=NotificationKind.FRONT_DESK_ALERT,
        next_try_at=timezone.now(),
    )
    assert first_try(delivery) == OutboxState.PENDING
    delivery.refresh_from_db()
    assert delivery.last_error == "ValueError"


def test_acknowledgement_is_cancelled_if_the_request_is_marked_spam_first(practice_details):
    appointment_request = AppointmentRequestFactory(status=Status.SPAM)
    delivery = NotificationDelivery.objects.create(
        appointment_request=appointment_request,
        kind=NotificationKind.CLIENT_ACKNOWLEDGEMENT,
        next_try_at=timezone.now(),
    )
    assert first_try(delivery) == OutboxState.CANCELLED
    assert mail.outbox == []
