"""Run daily: forget addresses that never confirmed their subscription."""

from django.core.management.base import BaseCommand

from newsletter.services import subscribers_prune


class Command(BaseCommand):
    help = "Delete pending (never confirmed) subscribers older than 30 days."

    def handle(self, *args, **options):
        deleted = subscribers_prune()
        self.stdout.write(f"Deleted {deleted} unconfirmed subscribers older than 30 days.")
