"""Background work of the newsletter: sending due deliveries, chunk by chunk."""

from django.tasks import task

from newsletter import services


@task
def send_deliveries(kind: str | None = None, mailing_id: int | None = None) -> int:
    return services.deliveries_send(kind=kind, mailing_id=mailing_id)
