"""Create a local admin with a random password, once, for `make run`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from practice import services


class Command(BaseCommand):
    help = "On a development machine with no users yet, create an admin and print its password once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username="admin", **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a local admin outside development (DEBUG is off).")
        admin = services.local_admin_create(username=username)
        if admin is None:
            self.stdout.write("Users exist already; no admin created.")
            return
        self.stdout.write(
            self.style.SUCCESS("Created a local admin user. Note the password: it is shown only this once.")
        )
        self.stdout.write(f"  Log in at:  {settings.SITE_URL}/admin/")
        self.stdout.write(f"  Username:   {admin.username}")
        self.stdout.write(f"  Password:   {admin.password}")
