from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from scheduling.models.appointments import AppointmentRequest, NotificationDelivery, NotificationKind, Status
from scheduling.models.availability import HeldBlock, HoldState
from tests.scheduling.factories import AppointmentRequestFactory, SlotHoldFactory

pytestmark = pytest.mark.django_db


def aged(days, **kwargs):
    appointment_request = AppointmentRequestFactory(**kwargs)
    AppointmentRequest.objects.filter(pk=appointment_request.pk).update(
        updated_at=timezone.now() - timedelta(days=days)
    )
    return appointment_request


def run(command):
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_purge_deletes_requests_past_retention_in_every_status_and_spam_sooner():
    expired = [aged(366, status=status) for status in (Status.NEW, Status.SCHEDULED, Status.CLOSED)]
    kept = aged(300, status=Status.CLOSED)
    old_spam = aged(31, status=Status.SPAM)
    fresh_spam = aged(10, status=Status.SPAM)

    output = run("purge_appointment_requests")

    assert "Deleted 4 appointment request(s)" in output
    remaining = set(AppointmentRequest.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, fresh_spam.pk}
    assert not {r.pk for r in expired} & remaining and old_spam.pk not in remaining


def test_purge_counts_from_the_last_change(settings):
    settings.APPOINTMENT_RETENTION_DAYS = 30
    aged(29)
    aged(31)
    run("purge_appointment_requests")
    assert AppointmentRequest.objects.count() == 1


def test_purge_deletes_history_entries_and_deliveries_too(superuser):
    expired = aged(400)
    log(expired, "scheduling.view", user=superuser)
    NotificationDelivery.objects.create(
        appointment_request=expired, kind=NotificationKind.FRONT_DESK_ALERT, next_try_at=timezone.now()
    )
    survivor = aged(1)
    log(survivor, "scheduling.view", user=superuser)

    run("purge_appointment_requests")

    assert not ModelLogEntry.objects.filter(
        object_id=str(expired.pk), content_type__model="appointmentrequest"
    ).exists()
    assert ModelLogEntry.objects.filter(object_id=str(survivor.pk)).exists()
    assert not NotificationDelivery.objects.exists()


def test_purge_is_idempotent():
    aged(400)
    assert "Deleted 1 " in run("purge_appointment_requests")
    assert "Deleted 0 " in run("purge_appointment_requests")


def test_expire_slot_holds_ends_lapsed_holds_once_and_frees_their_time():
    lapsed = SlotHoldFactory(expires_at=timezone.now() - timedelta(minutes=1))
    held = SlotHoldFactory(starts_at=lapsed.starts_at + timedelta(hours=2))
    confirmed = SlotHoldFactory(starts_at=lapsed.starts_at + timedelta(hours=4), state=HoldState.CONFIRMED)

    assert run("expire_slot_holds") == "Expired 1 held time(s).\n"
    assert run("expire_slot_holds") == "Expired 0 held time(s).\n"  # idempotent

    lapsed.refresh_from_db()
    assert lapsed.state == HoldState.EXPIRED and lapsed.ended_at is not None
    assert not HeldBlock.objects.filter(hold=lapsed).exists()
    assert ModelLogEntry.objects.filter(
        object_id=str(lapsed.appointment_request_id), action="scheduling.time_expired"
    ).exists()
    for standing in (held, confirmed):
        state = standing.state
        standing.refresh_from_db()
        assert standing.state == state and HeldBlock.objects.filter(hold=standing).exists()
