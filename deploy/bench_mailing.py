"""The newsletter part of `make bench`: a new-article mailing to many subscribers, measured and rolled back.
On its own (any database): DJANGO_SETTINGS_MODULE=practice.settings.test python -m deploy.bench_mailing --help"""

import resource
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SUBSCRIBERS = 10_000


def mailing_measure(*, subscribers: int = SUBSCRIBERS, chunk_size: int | None = None) -> dict:
    """Create `subscribers` active subscribers and a mailing to them, send it as the task does (through Django's
    locmem backend); the figures. Needs Django set up. Nothing it writes is kept."""
    from practice.outbox import CHUNK_SIZE

    with override_settings(MAILERS=LOCMEM), transaction.atomic():
        figures = _measure(subscribers, chunk_size or CHUNK_SIZE)
        transaction.set_rollback(True)
    return figures


def _measure(count: int, chunk_size: int) -> dict:
    # Imported here: bench.py imports this module outside any Django set-up.
    from django.core import mail
    from django.db.models import Q
    from wagtail.models import Page

    from newsletter import services
    from newsletter.forms import CONSENT_VERSION
    from newsletter.messages import DELIVERY_OUTBOX
    from newsletter.models import Subscriber, SubscriberStatus
    from practice.outbox import outbox_claim, outbox_send, outbox_send_claimed

    mail.outbox = []
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"bench{n}@bench.invalid", status=SubscriberStatus.ACTIVE, consent_version=CONSENT_VERSION
            )
            for n in range(count)
        ),
        batch_size=1000,
    )
    started = time.perf_counter()
    mailing = services.mailing_create_for_page(
        page=Page.get_first_root_node(),
        subject="Benchmark article",
        summary="A summary.",
        url="https://example.org/a/",
        image_url=None,
    )
    created = time.perf_counter() - started

    queries = {}
    for size in sorted({5, chunk_size}):
        with CaptureQueriesContext(connection) as context:
            outbox_send_claimed(outbox=DELIVERY_OUTBOX, rows=outbox_claim(outbox=DELIVERY_OUTBOX, chunk_size=size))
        queries[size] = len(context.captured_queries)

    started = time.perf_counter()
    outbox_send(outbox=DELIVERY_OUTBOX, where=Q(mailing_id=mailing.pk), chunk_size=chunk_size)
    sent_seconds = time.perf_counter() - started
    sent = len(mail.outbox)
    mail.outbox = []
    return {
        "database": connection.vendor,
        "subscribers": count,
        "chunk_size": chunk_size,
        "create_seconds": created,
        "sent": sent,
        "send_seconds": sent_seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # JSON keys are strings: bench.py reads these back from a `manage.py shell`.
        "queries_per_chunk": {str(size): number for size, number in queries.items()},
    }


def figures_lines(figures: dict) -> list[str]:
    count, sent, seconds = figures["subscribers"], figures["sent"], figures["send_seconds"]
    chunks = ", ".join(f"{number} for a chunk of {size}" for size, number in figures["queries_per_chunk"].items())
    return [
        f"Database: {figures['database']}; subscribers: {count}; chunk size: {figures['chunk_size']}",
        f"Mailing + {count} deliveries created in {figures['create_seconds']:.2f} s",
        f"Sent {sent} emails in {seconds:.2f} s: {sent / seconds:.0f} emails/s",
        f"Peak memory (max RSS of the process): {figures['peak_mib']:.0f} MiB",
        f"SQL queries per chunk: {chunks}",
        "Rolled back: the database is as it was.",
    ]


if __name__ == "__main__":
    from deploy.localsite import measure_main

    # No --chunk-size: the outbox's (practice.outbox).
    measure_main(mailing_measure, figures_lines, __doc__, subscribers=SUBSCRIBERS, chunk_size=None)
