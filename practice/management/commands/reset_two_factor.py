"""Turn off a staff member's two-factor sign-in (a lost phone): they set it up again at their next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp import devices_for_user


class Command(BaseCommand):
    help = "Remove a user's authenticator app and backup codes; they set up a new app at their next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        with transaction.atomic():
            devices = list(devices_for_user(user, confirmed=None))
            for device in devices:
                device.delete()
        if not devices:
            self.stdout.write(f"{username} had no two-factor sign-in set up; nothing to reset.")
            return
        self.stdout.write(
            f"Two-factor sign-in reset for {username}: on their next visit to the admin they set up a new "
            "authenticator app (when two-factor sign-in is required)."
        )
