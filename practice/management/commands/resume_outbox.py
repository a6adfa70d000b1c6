"""Run every minute from cron: the outbox's safety net for every app's emails (practice.outbox.outbox_resume)."""

from django.core.management.base import BaseCommand

from practice.outbox import outbox_resume


class Command(BaseCommand):
    help = (
        "Mark emails stuck in 'sending' for 15 minutes as unknown (never resent), then send every email whose "
        "first try or retry is due, with exponential backoff on failure."
    )

    def handle(self, *args, **options):
        for label, outcomes in outbox_resume().items():
            summary = ", ".join(f"{count} {state}" for state, count in sorted(outcomes.items())) or "nothing due"
            self.stdout.write(f"{label}: {summary}.")
