"""Retry notification emails that are due (after an outage or a worker crash). Run every few minutes."""

from django.core.management.base import BaseCommand

from scheduling.services import deliveries_resume


class Command(BaseCommand):
    help = "Send pending appointment-request emails whose next try is due, with exponential backoff on failure."

    def handle(self, *args, **options):
        outcomes = deliveries_resume()
        summary = ", ".join(f"{count} {state}" for state, count in sorted(outcomes.items())) or "nothing due"
        self.stdout.write(f"Notification deliveries: {summary}.")
