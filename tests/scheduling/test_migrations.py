"""The scheduling app's data migrations: requests stored before the calendar UID each get their own, deliveries
move into the shared outbox's states, and both can be undone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.migrating import migrate, migrate_latest

BEFORE = [("scheduling", "0001_initial")]
NULLABLE = [("scheduling", "0003_appointmentrequest_calendar_fields")]
UNIQUE = [("scheduling", "0005_calendar_uid_unique")]
OUTBOX = [("scheduling", "0007_outbox_states")]


REQUEST_FIELDS = {
    "name": "A",
    "email": "a@client.example",
    "fingerprint": "a",
    "phone": "+13035550123",
    "contact_method": "email",
    "sessions_for": "individual",
    "client_type": "new",
    "session_format": "in_person",
    "payment": "self_pay",
}


@pytest.fixture(autouse=True)
def _latest_migrations_afterwards(transactional_db):
    # A test that stops at a past migration would leave later tests without the newest tables and columns.
    yield
    migrate_latest()


# The data other tests rely on (what migrate leaves: the Wagtail tree, the staff groups) comes back afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_stored_before_the_calendar_uid_each_get_a_distinct_one_and_it_migrates_back():
    apps = migrate(NULLABLE)
    AppointmentRequest = apps.get_model("scheduling", "AppointmentRequest")
    now = timezone.now()
    fields = {
        "phone": "+13035550123",
        "contact_method": "email",
        "sessions_for": "individual",
        "client_type": "new",
        "session_format": "in_person",
        "payment": "self_pay",
        "consented_at": now,
    }
    confirmed = AppointmentRequest.objects.create(
        name="A",
        email="a@client.example",
        fingerprint="a",
        status="scheduled",
        scheduled_for=now,
        confirmation_sent_at=now,
        **fields,
    )
    AppointmentRequest.objects.create(name="B", email="b@client.example", fingerprint="b", **fields)
    AppointmentRequest.objects.create(name="C", email="c@client.example", fingerprint="c", **fields)

    apps = migrate(UNIQUE)
    rows = apps.get_model("scheduling", "AppointmentRequest").objects.order_by("pk")
    uids = list(rows.values_list("calendar_uid", flat=True))
    assert None not in uids
    assert len(set(uids)) == 3
    confirmed_for = dict(rows.values_list("pk", "confirmed_for"))
    assert confirmed_for.pop(confirmed.pk) == now  # The confirmation sent gave the time on the request.
    assert set(confirmed_for.values()) == {None}
    assert set(rows.values_list("calendar_sequence", flat=True)) == {0}

    apps = migrate(BEFORE)
    assert apps.get_model("scheduling", "AppointmentRequest").objects.count() == 3
    migrate(UNIQUE)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notification_deliveries_move_into_the_outbox_states_and_back():
    apps = migrate(UNIQUE)
    now = timezone.now()
    request = apps.get_model("scheduling", "AppointmentRequest").objects.create(**REQUEST_FIELDS, consented_at=now)
    NotificationDelivery = apps.get_model("scheduling", "NotificationDelivery")
    later = now + timedelta(hours=1)
    for state, attempts in [("pending", 1), ("sent", 1), ("failed", 12), ("cancelled", 0)]:
        NotificationDelivery.objects.create(
            appointment_request=request, kind="front_desk_alert", state=state, attempts=attempts, next_try_at=later
        )

    apps = migrate(OUTBOX)
    NotificationDelivery = apps.get_model("scheduling", "NotificationDelivery")
    rows = dict(NotificationDelivery.objects.values_list("state", "next_try_at"))
    # Every state keeps its name; only a delivery given up on loses its next try.
    assert rows == {"pending": later, "sent": later, "failed": None, "cancelled": later}
    for state in ("sending", "unknown"):
        NotificationDelivery.objects.create(
            appointment_request_id=request.pk, kind="client_acknowledgement", state=state
        )

    apps = migrate(UNIQUE)
    rows = apps.get_model("scheduling", "NotificationDelivery").objects.order_by("pk")
    assert list(rows.values_list("state", flat=True)) == [
        "pending",
        "sent",
        "failed",
        "cancelled",
        "pending",
        "failed",
    ]
    assert None not in rows.values_list("next_try_at", flat=True)  # Required again before the outbox.
    migrate(OUTBOX)
