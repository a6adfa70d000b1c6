"""Everything the newsletter changes: subscribing, confirming, leaving, mailings and their delivery."""

import logging
import unicodedata
import uuid
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page

from newsletter.messages import DELIVERY_OUTBOX, mailing_message, practice_details
from newsletter.models import Delivery, DeliveryKind, Mailing, Subscriber, SubscriberStatus
from newsletter.tokens import LinkInvalid
from practice.outbox import OutboxState, outbox_enqueue

logger = logging.getLogger(__name__)

CONFIRMATION_RESEND_AFTER = timedelta(minutes=10)
PENDING_PRUNE_AFTER = timedelta(days=30)


# Addresses


def email_normalise(email: str) -> str:
    """One spelling per address: trimmed, NFC, lower-cased (so uniqueness is case-insensitive)."""
    return unicodedata.normalize("NFC", email.strip()).lower()


# Subscribers


def _confirmation_request(*, subscriber: Subscriber, now) -> None:
    Delivery.objects.create(kind=DeliveryKind.CONFIRMATION, subscriber=subscriber)
    subscriber.confirmation_sent_at = now
    outbox_enqueue(DELIVERY_OUTBOX, kind=DeliveryKind.CONFIRMATION)


def subscriber_subscribe(
    *,
    email: str,
    first_name: str = "",
    consent_version: str,
    source_page: Page | None = None,
) -> None:
    """Ask for a subscription. Returns nothing: the visitor learns nothing about the address's state."""
    email = email_normalise(email)
    now = timezone.now()
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
            if subscriber is None:
                subscriber = Subscriber.objects.create(
                    email=email,
                    first_name=first_name,
                    consent_version=consent_version,
                    source_page=source_page,
                    created_at=now,
                )
                _confirmation_request(subscriber=subscriber, now=now)
                subscriber.save(update_fields=["confirmation_sent_at"])
            elif subscriber.status == SubscriberStatus.UNSUBSCRIBED:
                subscriber.status = SubscriberStatus.PENDING
                subscriber.first_name = first_name
                subscriber.consent_version = consent_version
                subscriber.source_page = source_page
                subscriber.unsubscribed_at = None
                _confirmation_request(subscriber=subscriber, now=now)
                subscriber.save()
            elif subscriber.status == SubscriberStatus.PENDING:
                sent = subscriber.confirmation_sent_at
                if sent is None or now - sent >= CONFIRMATION_RESEND_AFTER:
                    _confirmation_request(subscriber=subscriber, now=now)
                    subscriber.save(update_fields=["confirmation_sent_at"])
            # Active: nothing to send, nothing to say.
    except IntegrityError:
        # The same address arrived twice at once (a double submit): the other request created it.
        logger.info("newsletter: concurrent subscription for the same address ignored")


def _pending_deliveries_cancel(**filters) -> None:
    Delivery.objects.filter(state=OutboxState.PENDING, **filters).update(state=OutboxState.CANCELLED, next_try_at=None)


def subscriber_confirm(*, subscriber: Subscriber) -> bool:
    """Activate a pending subscriber. True if this call confirmed them, False if they were already active."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == SubscriberStatus.ACTIVE:
            return False
        if subscriber.status != SubscriberStatus.PENDING:
            # Unsubscribed since the link was sent: only a new subscription may bring them back.
            raise LinkInvalid
        subscriber.status = SubscriberStatus.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
        _pending_deliveries_cancel(subscriber=subscriber, kind=DeliveryKind.CONFIRMATION)
    return True


def subscriber_unsubscribe(*, subscriber: Subscriber) -> bool:
    """Stop all email to this subscriber. Idempotent: True only for the call that unsubscribed."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        _pending_deliveries_cancel(subscriber=subscriber)
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
            return False
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return True


def subscriber_delete(*, subscriber: Subscriber) -> None:
    """Erase a subscriber (a privacy request): the row, its deliveries and the admin's log entries about it."""
    content_type = ContentType.objects.get_for_model(Subscriber)
    with transaction.atomic():
        ModelLogEntry.objects.filter(content_type=content_type, object_id=str(subscriber.pk)).delete()
        subscriber.delete()  # Deliveries go with it (CASCADE).


def subscribers_prune(*, now=None) -> int:
    """Delete subscriptions never confirmed within 30 days. Returns how many went."""
    now = now or timezone.now()
    stale = Subscriber.objects.pending_created_before(now - PENDING_PRUNE_AFTER)
    content_type = ContentType.objects.get_for_model(Subscriber)
    with transaction.atomic():
        ids = [str(pk) for pk in stale.values_list("pk", flat=True)]
        ModelLogEntry.objects.filter(content_type=content_type, object_id__in=ids).delete()
        deleted, by_model = stale.delete()
    return by_model.get(Subscriber._meta.label, 0)


# Mailings


def mailing_create_for_page(
    *,
    page: Page,
    subject: str,
    summary: str,
    url: str,
    image_url: str | None,
) -> Mailing | None:
    """Make the one mailing about a page going live: a delivery per active subscriber, sent after commit.

    Idempotent: returns None when the page has a mailing already (the unique page decides races too).
    """
    if Mailing.objects.filter(page=page).exists():
        return None
    details = practice_details(site=page.get_site())
    try:
        with transaction.atomic():
            mailing = Mailing.objects.create(
                page=page,
                # One line: it becomes the Subject header.
                subject=" ".join(subject.split())[:255],
                summary=summary,
                url=url,
                image_url=image_url or "",
                sender_name=details.practice_name,
                postal_address=details.postal_address,
            )
            subscriber_ids = Subscriber.objects.active().values_list("pk", flat=True)
            Delivery.objects.bulk_create(
                (
                    Delivery(kind=DeliveryKind.MAILING, mailing=mailing, subscriber_id=pk)
                    for pk in subscriber_ids.iterator(chunk_size=2000)
                ),
                batch_size=1000,
            )
            outbox_enqueue(DELIVERY_OUTBOX, kind=DeliveryKind.MAILING, mailing_id=mailing.pk)
    except IntegrityError:
        return None
    return mailing


def mailing_send_test(*, mailing: Mailing, email: str) -> None:
    """Send the mailing to one staff address, as a subscriber would get it (no delivery is recorded)."""
    stand_in = Subscriber(email=email, first_name="", token=uuid.uuid4())
    message = mailing_message(mailing=mailing, subscriber=stand_in)
    message.subject = f"[Test] {message.subject}"
    with mailers.default as connection:
        connection.send_messages([message])
