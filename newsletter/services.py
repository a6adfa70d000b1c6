"""Everything the newsletter changes: subscribing, confirming, leaving, mailings and their delivery."""

import logging
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page, Site

from newsletter.models import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    Mailing,
    Subscriber,
    SubscriberStatus,
)
from practice.email import automatic_message, site_hostname
from practice.models import PracticeDetails

logger = logging.getLogger(__name__)

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)
CONFIRMATION_RESEND_AFTER = timedelta(minutes=10)
PENDING_PRUNE_AFTER = timedelta(days=30)
STALE_SENDING_AFTER = timedelta(minutes=15)
CHUNK_SIZE = 50
MAX_ATTEMPTS = 5


class LinkInvalid(Exception):
    """A tampered, foreign or no longer applicable link."""


class LinkExpired(LinkInvalid):
    """A confirmation link older than seven days."""


# Addresses and links


def email_normalise(email: str) -> str:
    """One spelling per address: trimmed, NFC, lower-cased (so uniqueness is case-insensitive)."""
    return unicodedata.normalize("NFC", email.strip()).lower()


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def confirm_token_make(*, subscriber: Subscriber) -> str:
    # Built on the opaque token, never the address: signed values are only base64, readable by anyone.
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.token))


def unsubscribe_token_make(*, subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.token))


def confirm_url(*, subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:confirm", args=[confirm_token_make(subscriber=subscriber)]))


def unsubscribe_url(*, subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:unsubscribe", args=[unsubscribe_token_make(subscriber=subscriber)]))


def _subscriber_by_token(value: str) -> Subscriber:
    try:
        token = uuid.UUID(value)
    except ValueError as error:
        raise LinkInvalid from error
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        raise LinkInvalid
    return subscriber


def subscriber_from_confirm_token(*, token: str) -> Subscriber:
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    return _subscriber_by_token(value)


def subscriber_from_unsubscribe_token(*, token: str) -> Subscriber:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature as error:
        raise LinkInvalid from error
    return _subscriber_by_token(value)


# Subscribers


def _deliveries_enqueue(*, kind: str | None = None, mailing_id: int | None = None) -> None:
    from newsletter.tasks import send_deliveries

    transaction.on_commit(lambda: send_deliveries.enqueue(kind=kind, mailing_id=mailing_id))


def _confirmation_request(*, subscriber: Subscriber, now) -> None:
    Delivery.objects.create(kind=DeliveryKind.CONFIRMATION, subscriber=subscriber)
    subscriber.confirmation_sent_at = now
    _deliveries_enqueue(kind=DeliveryKind.CONFIRMATION)


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
            subscriber = Subscriber.objects.select_for_update().with_email(email).first()
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
        Delivery.objects.filter(
            subscriber=subscriber,
            kind=DeliveryKind.CONFIRMATION,
            state__in=[DeliveryState.PENDING, DeliveryState.FAILED],
        ).update(state=DeliveryState.SKIPPED, next_try_at=None)
    return True


def subscriber_unsubscribe(*, subscriber: Subscriber) -> bool:
    """Stop all email to this subscriber. Idempotent: True only for the call that unsubscribed."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        Delivery.objects.filter(
            subscriber=subscriber,
            state__in=[DeliveryState.PENDING, DeliveryState.FAILED],
        ).update(state=DeliveryState.SKIPPED, next_try_at=None)
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


def _practice_details(*, site: Site | None = None) -> PracticeDetails:
    site = site or Site.objects.filter(is_default_site=True).first()
    return PracticeDetails.for_site(site)


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
    details = _practice_details(site=page.get_site())
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
            _deliveries_enqueue(kind=DeliveryKind.MAILING, mailing_id=mailing.pk)
    except IntegrityError:
        return None
    return mailing


def _mailing_context(*, subject: str, summary: str, url: str, image_url: str, sender_name: str, postal_address: str):
    # Mailings made before the address had fields kept the name as its first line; the footer prints it once.
    lines = postal_address.splitlines()
    if lines and lines[0].strip().casefold() == sender_name.strip().casefold():
        postal_address = "\n".join(lines[1:])
    return {
        "subject": subject,
        "summary": summary,
        "url": url,
        "image_url": image_url,
        "sender_name": sender_name,
        "postal_address": postal_address,
        "site_url": settings.SITE_URL,
    }


def _render(template: str, context: dict) -> tuple[str, str]:
    return (
        render_to_string(f"newsletter/email/{template}.txt", context),
        render_to_string(f"newsletter/email/{template}.html", context),
    )


def mailing_render_preview(
    *,
    subject: str,
    summary: str,
    url: str,
    image_url: str | None,
    site: Site | None = None,
) -> tuple[str, str]:
    """The new-article email as a subscriber would get it (text, HTML), without sending anything."""
    details = _practice_details(site=site)
    context = _mailing_context(
        subject=subject,
        summary=summary,
        url=url,
        image_url=image_url or "",
        sender_name=details.practice_name,
        postal_address=details.postal_address,
    )
    context |= {"first_name": "", "unsubscribe_url": absolute_url(reverse("newsletter:index")), "preview": True}
    return _render("new_article", context)


def _list_id(sender_name: str) -> str:
    """RFC 2919 List-Id: the list's name, then an id under the site's own domain that never changes."""
    name = sender_name.replace('"', "").replace("\\", "")
    return f'"{name} articles" <articles.{site_hostname()}>'


def _mailing_message(*, mailing: Mailing, subscriber: Subscriber) -> EmailMultiAlternatives:
    link = unsubscribe_url(subscriber=subscriber)
    context = _mailing_context(
        subject=mailing.subject,
        summary=mailing.summary,
        url=mailing.url,
        image_url=mailing.image_url,
        sender_name=mailing.sender_name,
        postal_address=mailing.postal_address,
    )
    context |= {"first_name": subscriber.first_name, "unsubscribe_url": link}
    text, html = _render("new_article", context)
    return automatic_message(
        subject=mailing.subject,
        text=text,
        html=html,
        to=subscriber.email,
        sender_name=mailing.sender_name,
        headers={
            "List-Id": _list_id(mailing.sender_name),
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _confirmation_message(*, subscriber: Subscriber, details: PracticeDetails) -> EmailMultiAlternatives:
    context = {
        "first_name": subscriber.first_name,
        "confirm_url": confirm_url(subscriber=subscriber),
        "subscribe_url": absolute_url(reverse("newsletter:index")),
        "sender_name": details.practice_name,
        "postal_address": details.postal_address,
        "site_url": settings.SITE_URL,
    }
    text, html = _render("confirm", context)
    return automatic_message(
        subject=f"Please confirm your subscription to {details.practice_name}",
        text=text,
        html=html,
        to=subscriber.email,
        sender_name=details.practice_name,
    )


def mailing_send_test(*, mailing: Mailing, email: str) -> None:
    """Send the mailing to one staff address, as a subscriber would get it (no delivery is recorded)."""
    stand_in = Subscriber(email=email, first_name="", token=uuid.uuid4())
    message = _mailing_message(mailing=mailing, subscriber=stand_in)
    message.subject = f"[Test] {message.subject}"
    with mailers.default as connection:
        connection.send_messages([message])


# Delivery


def deliveries_claim(
    *,
    kind: str | None = None,
    mailing_id: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    now=None,
) -> list[Delivery]:
    """Take up to chunk_size due deliveries for this worker: one UPDATE marks them all `sending`.

    The UPDATE repeats the `due` condition, so a row another worker claimed first is not claimed again.
    """
    now = now or timezone.now()
    due = Delivery.objects.due(now)
    if kind:
        due = due.filter(kind=kind)
    if mailing_id:
        due = due.filter(mailing_id=mailing_id)
    claim = uuid.uuid4()
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:chunk_size])
        if not ids:
            return []
        Delivery.objects.due(now).filter(pk__in=ids).update(
            state=DeliveryState.SENDING,
            claim=claim,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return list(Delivery.objects.filter(claim=claim).select_related("subscriber", "mailing").order_by("pk"))


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def _error_label(error: Exception) -> str:
    # The class and SMTP code only: exception text can quote the recipient's address.
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:300]


def _delivery_failed(*, delivery: Delivery, error: Exception, now) -> Delivery:
    """Record a failed attempt; it is retried after a backoff until MAX_ATTEMPTS."""
    delivery.state = DeliveryState.FAILED
    delivery.last_error = _error_label(error)
    delivery.next_try_at = now + _backoff(delivery.attempts) if delivery.attempts < MAX_ATTEMPTS else None
    return delivery


def deliveries_send_claimed(*, deliveries: list[Delivery]) -> dict[str, int]:
    """Send claimed deliveries over one connection and record the outcome (a few UPDATEs per chunk)."""
    now = timezone.now()
    sent_ids, skipped_ids, failed = [], [], []
    details = None
    to_send = []
    for delivery in deliveries:
        subscriber = delivery.subscriber
        wanted = SubscriberStatus.PENDING if delivery.kind == DeliveryKind.CONFIRMATION else SubscriberStatus.ACTIVE
        if subscriber.status != wanted:
            skipped_ids.append(delivery.pk)
        else:
            to_send.append(delivery)
    if to_send:
        connection = mailers.default
        try:
            connection.open()
        except Exception as error:  # noqa: BLE001 - the mail server is unreachable: retry the whole chunk later
            logger.warning(
                "newsletter: mail server unavailable for %d deliveries: %s", len(to_send), _error_label(error)
            )
            failed = [_delivery_failed(delivery=delivery, error=error, now=now) for delivery in to_send]
            to_send = []
        try:
            for delivery in to_send:
                try:
                    if delivery.kind == DeliveryKind.CONFIRMATION:
                        details = details or _practice_details()
                        message = _confirmation_message(subscriber=delivery.subscriber, details=details)
                    else:
                        message = _mailing_message(mailing=delivery.mailing, subscriber=delivery.subscriber)
                    connection.send_messages([message])
                except Exception as error:  # noqa: BLE001 - any failure of one email must not stop the chunk
                    logger.warning("newsletter: delivery %s failed: %s", delivery.pk, _error_label(error))
                    failed.append(_delivery_failed(delivery=delivery, error=error, now=now))
                else:
                    sent_ids.append(delivery.pk)
        finally:
            if to_send:
                try:
                    connection.close()
                except Exception:  # noqa: BLE001 - what was sent is sent; a failed QUIT changes nothing
                    logger.warning("newsletter: closing the mail connection failed")
    if sent_ids:
        Delivery.objects.filter(pk__in=sent_ids).update(state=DeliveryState.SENT, sent_at=now, last_error="")
    if skipped_ids:
        Delivery.objects.filter(pk__in=skipped_ids).update(state=DeliveryState.SKIPPED)
    if failed:
        Delivery.objects.bulk_update(failed, ["state", "last_error", "next_try_at"])
    return {"sent": len(sent_ids), "skipped": len(skipped_ids), "failed": len(failed)}


def deliveries_send(*, kind: str | None = None, mailing_id: int | None = None, chunk_size: int = CHUNK_SIZE) -> int:
    """Send every due delivery (of this kind or mailing), chunk by chunk. Returns how many were sent."""
    sent = 0
    while deliveries := deliveries_claim(kind=kind, mailing_id=mailing_id, chunk_size=chunk_size):
        sent += deliveries_send_claimed(deliveries=deliveries)["sent"]
    return sent


@dataclass(frozen=True)
class ResumeResult:
    marked_unknown: int
    due: int


def deliveries_resume(*, now=None) -> ResumeResult:
    """The periodic safety net: give up on chunks a dead worker left `sending`, and re-enqueue due work."""
    now = now or timezone.now()
    marked_unknown = Delivery.objects.stale_sending(now - STALE_SENDING_AFTER).update(
        state=DeliveryState.UNKNOWN, next_try_at=None
    )
    due = Delivery.objects.due(now).count()
    if due:
        _deliveries_enqueue()
    return ResumeResult(marked_unknown=marked_unknown, due=due)
