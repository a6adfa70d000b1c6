"""Background tasks of the scheduling app (Django's tasks framework)."""

from django.tasks import task

from scheduling import services


@task()
def notification_deliver(delivery_id: int) -> str:
    """First attempt at a notification; retries come from `manage.py resume_outbox`."""
    return services.notification_delivery_attempt(delivery_id=delivery_id)
