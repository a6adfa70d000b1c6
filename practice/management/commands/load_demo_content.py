"""Build the demo site; running it twice changes nothing."""

from django.core.management.base import BaseCommand

from practice.demo import loader
from practice.models import HomePage


class Command(BaseCommand):
    help = "Create the demo site (home, practice pages and details, articles, scheduling page) from practice/demo/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has a home page.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and HomePage.objects.exists():
            self.stdout.write("The site has content already; demo content not loaded.")
            return
        if created := loader.demo_content_load():
            self.stdout.write(self.style.SUCCESS("Demo content loaded: " + ", ".join(created) + "."))
        else:
            self.stdout.write("Demo content is already in place; nothing changed.")
