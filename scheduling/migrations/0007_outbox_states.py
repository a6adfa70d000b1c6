"""The notification deliveries' states as the shared outbox has them. Its own migration, after the schema
change: PostgreSQL refuses to alter a table in the transaction that just updated its rows (pending triggers)."""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Left, Length


def failed_to_outbox(apps, schema_editor):
    """In the shared outbox a delivery given up on has no next try."""
    NotificationDelivery = apps.get_model("scheduling", "NotificationDelivery")
    NotificationDelivery.objects.filter(state="failed").update(next_try_at=None)


def failed_from_outbox(apps, schema_editor):
    """Back to the scheduling app's own four states, a required next_try_at and 200-character errors."""
    NotificationDelivery = apps.get_model("scheduling", "NotificationDelivery")
    NotificationDelivery.objects.filter(state="sending").update(state="pending")
    # Unknown (a worker died mid-send) must never be resent: the old states call that failed for good.
    NotificationDelivery.objects.filter(state="unknown").update(state="failed")
    NotificationDelivery.objects.filter(next_try_at__isnull=True).update(next_try_at=F("created_at"))
    NotificationDelivery.objects.annotate(error_length=Length("last_error")).filter(error_length__gt=200).update(
        last_error=Left("last_error", 200)
    )


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0006_outbox")]

    operations = [migrations.RunPython(failed_to_outbox, failed_from_outbox)]
