"""The newsletter's list (subscribers) and its sending (mailings, one delivery per email)."""

import uuid

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from wagtail.models import Page


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    ACTIVE = "active", "Active"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class SubscriberQuerySet(models.QuerySet):
    def active(self) -> "SubscriberQuerySet":
        return self.filter(status=SubscriberStatus.ACTIVE)

    def pending_created_before(self, moment) -> "SubscriberQuerySet":
        return self.filter(status=SubscriberStatus.PENDING, created_at__lt=moment)

    def with_email(self, email: str) -> "SubscriberQuerySet":
        return self.filter(email=email)


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
                filter=Q(deliveries__state__in=[DeliveryState.PENDING, DeliveryState.SENDING]),
            ),
            deliveries_sent=Count("deliveries", filter=Q(deliveries__state=DeliveryState.SENT)),
            deliveries_failed=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
            deliveries_unknown=Count("deliveries", filter=Q(deliveries__state=DeliveryState.UNKNOWN)),
            deliveries_skipped=Count("deliveries", filter=Q(deliveries__state=DeliveryState.SKIPPED)),
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


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # A worker died while sending: it may or may not have gone out, so it is never sent again.
    UNKNOWN = "unknown", "Unknown (never resent)"
    # The subscriber left before their turn came.
    SKIPPED = "skipped", "Skipped"


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None) -> "DeliveryQuerySet":
        now = now or timezone.now()
        return self.filter(
            Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.FAILED, next_try_at__lte=now),
        )

    def stale_sending(self, before) -> "DeliveryQuerySet":
        return self.filter(state=DeliveryState.SENDING, claimed_at__lt=before)


class Delivery(models.Model):
    """One email to one subscriber; its state lives here so a crashed worker never causes a second send."""

    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    mailing = models.ForeignKey(Mailing, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
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
        indexes = [
            models.Index(fields=["state", "next_try_at"], name="newsletter_delivery_due_idx"),
            models.Index(fields=["claim"], name="newsletter_delivery_claim_idx"),
        ]

    def __str__(self):
        return f"Delivery #{self.pk}"
