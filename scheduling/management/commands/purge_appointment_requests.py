"""Delete appointment requests past their retention period. Run daily (cron or a systemd timer)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from scheduling.services import appointment_requests_purge


class Command(BaseCommand):
    help = (
        "Delete appointment requests not changed for APPOINTMENT_RETENTION_DAYS days "
        "(spam: APPOINTMENT_SPAM_RETENTION_DAYS), with their history. Safe to run any number of times."
    )

    def handle(self, *args, **options):
        deleted = appointment_requests_purge()
        self.stdout.write(
            f"Deleted {deleted} appointment request(s) past their retention period "
            f"({settings.APPOINTMENT_RETENTION_DAYS} days; spam {settings.APPOINTMENT_SPAM_RETENTION_DAYS} days)."
        )
