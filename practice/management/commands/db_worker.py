"""django-tasks-db's `db_worker` (overridden: practice comes first in INSTALLED_APPS), kept running through a
database restart or failover, where the original's loop raises and the process exits."""

import logging
import time

from django.db import close_old_connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

logger = logging.getLogger(__name__)

FIRST_WAIT_SECONDS = 1.0
LONGEST_WAIT_SECONDS = 30.0


class Command(DatabaseWorkerCommand):
    help = DatabaseWorkerCommand.help + " Keeps running while the database is briefly unreachable."

    def handle(self, *args, **options):
        wait = FIRST_WAIT_SECONDS
        while True:
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                # The error's class only: its text names hosts and ports, and nothing else is useful here.
                logger.warning(
                    "Database unreachable (%s); the task worker starts again in %.0f s.", type(error).__name__, wait
                )
                close_old_connections()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT_SECONDS)
