"""The newsletter's list (subscribers) and its sending (mailings, one delivery per email)."""

import uuid

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from wagtail.models import Page

from practice.outbox import OutboxMessage, OutboxState


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    ACTIVE = "active", "Active"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class SubscriberQuerySet(models.QuerySet):
    def active(self) -> "SubscriberQuerySet":
        return self.filter(status=SubscriberStatus.ACTIVE)

    def pending_created_before(self, moment) -> "SubscriberQuerySet":
        return self.filter(status=SubscriberStatus.PENDING, created_at__lt=moment)


class Subscriber(models.Model):
    email = models.EmailField(max_length=254, unique=True)
    first_name = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING)
    # Opaque: the only thing links carry (signed), so no link ever reveals the address.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_page = models.ForeignKey(
        Page,
        verbose_name="subscribed from",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci_unique"),
        ]

    def __str__(self):
        # Not the email: admin log entries keep this label after the subscriber is gone.
        return f"Subscriber #{self.pk}"


class MailingQuerySet(models.QuerySet):
    def with_progress(self) -> "MailingQuerySet":
        return self.annotate(
            deliveries_total=Count("deliveries"),
            deliveries_pending=Count(
                "deliveries",
                filter=Q(deliveries__state__in=[OutboxState.PENDING, OutboxState.SENDING]),
            ),
            deliveries_sent=Count("deliveries", filter=Q(deliveries__state=OutboxState.SENT)),
            deliveries_failed=Count("deliveries", filter=Q(deliveries__state=OutboxState.FAILED)),
            deliveries_unknown=Count("deliveries", filter=Q(deliveries__state=OutboxState.UNKNOWN)),
            deliveries_cancelled=Count("deliveries", filter=Q(deliveries__state=OutboxState.CANCELLED)),
        )


class Mailing(models.Model):
    """The email about one page going live. The unique page makes the first go-live the only one."""

    page = models.OneToOneField(Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    url = models.URLField(max_length=500)
    image_url = models.URLField(max_length=500, blank=True)
    # Who sends it and from where, as they were when the mailing was made.
    sender_name = models.CharField(max_length=120)
    postal_address = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MailingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class DeliveryKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation request"
    MAILING = "mailing", "Mailing"


class Delivery(OutboxMessage):
    """One email to one subscriber, in the site's outbox (practice.outbox: states, claim, retries)."""

    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    mailing = models.ForeignKey(Mailing, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")

    class Meta(OutboxMessage.Meta):
        verbose_name_plural = "deliveries"
        constraints = [
            # NULL mailings (confirmation requests) are distinct, so one per (mailing, subscriber) only.
            models.UniqueConstraint(fields=["mailing", "subscriber"], name="newsletter_delivery_once_per_mailing"),
            models.CheckConstraint(
                condition=Q(kind=DeliveryKind.MAILING, mailing__isnull=False)
                | Q(kind=DeliveryKind.CONFIRMATION, mailing__isnull=True),
                name="newsletter_delivery_kind_matches_mailing",
            ),
        ]

    def __str__(self):
        return f"Delivery #{self.pk}"
