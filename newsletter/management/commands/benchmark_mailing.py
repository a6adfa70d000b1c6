"""Measure a mailing to many subscribers through the locmem backend; everything is rolled back afterwards."""

import resource
import time

from django.core import mail
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Page

from newsletter import services
from newsletter.forms import CONSENT_VERSION
from newsletter.models import Subscriber, SubscriberStatus

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark a new-article mailing (default 10,000 subscribers) in a transaction that is rolled back."

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=10_000)
        parser.add_argument("--chunk-size", type=int, default=services.CHUNK_SIZE)

    def handle(self, *args, subscribers, chunk_size, **options):
        try:
            with override_settings(MAILERS=LOCMEM), transaction.atomic():
                self._run(subscribers, chunk_size)
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: the database is as it was.")

    def _run(self, count: int, chunk_size: int) -> None:
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
        page = Page.get_first_root_node()
        started = time.perf_counter()
        mailing = services.mailing_create_for_page(
            page=page, subject="Benchmark article", summary="A summary.", url="https://example.org/a/", image_url=None
        )
        created = time.perf_counter() - started

        queries = {}
        for size in sorted({5, chunk_size}):
            with CaptureQueriesContext(connection) as context:
                services.deliveries_send_claimed(deliveries=services.deliveries_claim(chunk_size=size))
            queries[size] = len(context.captured_queries)

        started = time.perf_counter()
        services.deliveries_send(mailing_id=mailing.pk, chunk_size=chunk_size)
        sent_time = time.perf_counter() - started
        total = len(mail.outbox)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        self.stdout.write(f"Database: {connection.vendor}; subscribers: {count}; chunk size: {chunk_size}")
        self.stdout.write(f"Mailing + {count} deliveries created in {created:.2f} s")
        self.stdout.write(f"Sent {total} emails in {sent_time:.2f} s: {total / sent_time:.0f} emails/s")
        self.stdout.write(f"Peak memory (max RSS of the process): {peak_mib:.0f} MiB")
        self.stdout.write(
            "SQL queries per chunk: " + ", ".join(f"{q} for a chunk of {size}" for size, q in queries.items())
        )
        mail.outbox = []
