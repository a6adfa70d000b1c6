"""The calendar UID migrations: requests stored before them each get their own UID, and they can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("scheduling", "0001_initial")]
NULLABLE = [("scheduling", "0003_appointmentrequest_calendar_fields")]
UNIQUE = [("scheduling", "0005_calendar_uid_unique")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# The data other tests rely on (the staff groups from the migrations) comes back afterwards.
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
