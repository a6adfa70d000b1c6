"""End the held times whose hold has lapsed, so they count as free. Run every few minutes (cron or a timer)."""

from django.core.management.base import BaseCommand

from scheduling.services import slot_holds_expire


class Command(BaseCommand):
    help = (
        "Mark every held time whose hold has lapsed as expired, freeing it for others and listing it among the "
        "front desk's freed times. Safe to run any number of times."
    )

    def handle(self, *args, **options):
        expired = slot_holds_expire()
        self.stdout.write(f"Expired {expired} held time(s).")
