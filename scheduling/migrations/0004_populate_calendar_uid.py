"""Give every existing request its own calendar UID (and the time its confirmation gave), before the UID is unique."""

import uuid

from django.db import migrations


def populate_calendar_fields(apps, schema_editor):
    AppointmentRequest = apps.get_model("scheduling", "AppointmentRequest")
    pending = AppointmentRequest.objects.filter(calendar_uid__isnull=True)
    for appointment_request in pending.only("pk", "scheduled_for", "confirmation_sent_at"):
        appointment_request.calendar_uid = uuid.uuid4()
        # A confirmation already sent gave the client the time still on the request, as far as anyone can tell now.
        if appointment_request.confirmation_sent_at is not None:
            appointment_request.confirmed_for = appointment_request.scheduled_for
        appointment_request.save(update_fields=["calendar_uid", "confirmed_for"])


class Migration(migrations.Migration):

    dependencies = [
        ('scheduling', '0003_appointmentrequest_calendar_fields'),
    ]

    operations = [
        # Going back, 0003's reversal drops the columns: nothing to undo here.
        migrations.RunPython(populate_calendar_fields, migrations.RunPython.noop, elidable=True),
    ]
