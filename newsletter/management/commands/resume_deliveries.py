"""Run every minute from cron: give up on chunks a dead worker left half-sent, and re-enqueue due emails."""

from django.core.management.base import BaseCommand

from newsletter.services import deliveries_resume


class Command(BaseCommand):
    help = "Mark deliveries stuck in 'sending' for 15 minutes as unknown (never resent) and enqueue due ones."

    def handle(self, *args, **options):
        result = deliveries_resume()
        self.stdout.write(f"Marked {result.marked_unknown} stuck deliveries unknown; {result.due} due, enqueued.")
