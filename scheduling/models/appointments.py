"""Appointment requests and the notifications they cause."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from practice.outbox import OutboxMessage
from scheduling.good_faith_estimate import Deadline, good_faith_estimate_deadline

WEEKDAYS = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
]
DAY_PARTS = [("morning", "Morning"), ("afternoon", "Afternoon"), ("evening", "Evening")]
# Every "weekday × part of day" slot, e.g. ("monday-morning", "Monday morning").
TIME_SLOTS = [
    (f"{day}-{part}", f"{day_label} {part_label.lower()}")
    for day, day_label in WEEKDAYS
    for part, part_label in DAY_PARTS
]


class Status(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    SCHEDULED = "scheduled", "Scheduled"
    WAITLISTED = "waitlisted", "Waitlisted"
    REFERRED = "referred", "Referred elsewhere"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed"
    SPAM = "spam", "Spam"


class ContactMethod(models.TextChoices):
    CALL = "call", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class SessionsFor(models.TextChoices):
    INDIVIDUAL = "individual", "Me, an adult"
    COUPLE = "couple", "Me and my partner (couples therapy)"
    TEEN = "teen", "A teenager, with a parent or guardian"


class ClientType(models.TextChoices):
    NEW = "new", "I am new to the practice"
    RETURNING = "returning", "I have been a client here before"


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online video"


class Payment(models.TextChoices):
    SELF_PAY = "self_pay", "I will pay for myself (self-pay, or I have no insurance)"
    INSURANCE = "insurance", "I would like to use insurance"


# Where a request stands once it is over, with no session to estimate (unless an estimate was sent already).
FINISHED_STATUSES = (Status.DECLINED, Status.REFERRED, Status.CLOSED, Status.SPAM)


# Where a request can wait for a time to open up.
WAITLIST_STATUSES = (Status.NEW, Status.CONTACTED, Status.WAITLISTED)


class EstimateStatus(models.TextChoices):
    """Where a request stands on its Good Faith Estimate (45 CFR 149.610), for the queue's filter and badge."""

    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Due"
    SENT = "sent", "Sent"
    NOT_NEEDED = "not_needed", "Not needed"


class AppointmentRequestQuerySet(models.QuerySet):
    def waiting(self) -> "AppointmentRequestQuerySet":
        return self.filter(status=Status.NEW)

    def waitlist(self) -> "AppointmentRequestQuerySet":
        """Requests waiting for a time to open, oldest first: on the waitlist and neither scheduled nor over."""
        return self.filter(waitlist_joined_at__isnull=False, status__in=WAITLIST_STATUSES).order_by(
            "waitlist_joined_at", "pk"
        )

    def not_spam(self) -> "AppointmentRequestQuerySet":
        return self.exclude(status=Status.SPAM)

    def triage_order(self) -> "AppointmentRequestQuerySet":
        return self.annotate(
            is_new=models.Case(
                models.When(status=Status.NEW, then=models.Value(1)),
                default=models.Value(0),
                output_field=models.IntegerField(),
            )
        ).order_by("-is_new", "-created_at", "-pk")

    def estimate_status(self, status: str, *, today=None) -> "AppointmentRequestQuerySet":
        """Requests whose Good Faith Estimate is in this EstimateStatus on `today` (default: the practice's)."""
        today = today or timezone.localdate()
        owed = models.Q(
            good_faith_estimate_due_on__isnull=False, good_faith_estimate_sent_on__isnull=True
        ) & ~models.Q(status__in=FINISHED_STATUSES)
        if status == EstimateStatus.OVERDUE:
            return self.filter(owed, good_faith_estimate_due_on__lt=today)
        if status == EstimateStatus.DUE:
            return self.filter(owed, good_faith_estimate_due_on__gte=today)
        if status == EstimateStatus.SENT:
            return self.filter(good_faith_estimate_sent_on__isnull=False)
        return self.exclude(owed).filter(good_faith_estimate_sent_on__isnull=True)

    def due_for_purge(self, *, at=None) -> "AppointmentRequestQuerySet":
        """Requests past their retention period at `at` (now by default), measured from their last change."""
        at = at or timezone.now()
        keep = timedelta(days=settings.APPOINTMENT_RETENTION_DAYS)
        keep_spam = timedelta(days=settings.APPOINTMENT_SPAM_RETENTION_DAYS)
        return self.filter(
            models.Q(status=Status.SPAM, updated_at__lte=at - keep_spam) | models.Q(updated_at__lte=at - keep)
        )


class AppointmentRequest(models.Model):
    # What the person sends.
    name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=60, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20, help_text="Stored in international form, e.g. +13035789317.")
    contact_method = models.CharField("preferred contact method", max_length=10, choices=ContactMethod.choices)
    voicemail_ok = models.BooleanField("voicemail mentioning the practice is OK", default=False)
    acknowledgement_ok = models.BooleanField("wants an email confirming receipt", default=False)
    sessions_for = models.CharField("who the sessions are for", max_length=20, choices=SessionsFor.choices)
    client_type = models.CharField("new or returning", max_length=10, choices=ClientType.choices)
    session_format = models.CharField("format", max_length=10, choices=SessionFormat.choices)
    colorado_attested_at = models.DateTimeField(
        "attested being in Colorado for online sessions at", null=True, blank=True
    )
    # The open time the visitor chose on the form (kept when its hold ends, as a record of what they asked for).
    requested_for = models.DateTimeField("time asked for", null=True, blank=True, editable=False)
    preferred_times = models.JSONField(default=list, blank=True)
    availability_note = models.CharField(max_length=300, blank=True)
    payment = models.CharField(max_length=10, choices=Payment.choices)
    insurance_provider = models.CharField(max_length=120, blank=True)
    message = models.TextField(max_length=1000, blank=True)
    heard_about = models.CharField("how they heard of the practice", max_length=200, blank=True)
    consented_at = models.DateTimeField("consented to contact and acknowledged the privacy policy at")
    disclosure_acknowledged_at = models.DateTimeField(
        "confirmed reading the disclosure statement at", null=True, blank=True, editable=False
    )
    # What the statement said then: its "last reviewed" date and a fingerprint of its content, as printed on it.
    disclosure_version = models.CharField("disclosure statement version", max_length=40, blank=True, editable=False)

    # Staff side.
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="assigned to",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scheduled_for = models.DateTimeField("scheduled date and time", null=True, blank=True)
    internal_notes = models.TextField(
        blank=True, help_text="Seen by staff only. Keep clinical details out: they belong in the records system."
    )
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # The "date of scheduling" of 45 CFR 149.610: the first time an appointment time was entered. Kept when the
    # appointment moves, so a deadline never slides later.
    first_scheduled_at = models.DateTimeField("first scheduled at", null=True, blank=True, editable=False)
    good_faith_estimate_due_on = models.DateField(
        "Good Faith Estimate due", null=True, blank=True, editable=False, db_index=True
    )
    good_faith_estimate_sent_on = models.DateField(
        "Good Faith Estimate sent on",
        null=True,
        blank=True,
        help_text="The day the written estimate went to the client. Keep the estimate itself in the records system.",
    )
    # The appointment's identity in the client's calendar (RFC 5545 UID, with the site's host): random, so it
    # says nothing about how many requests the practice gets, and the same for every file about this request.
    calendar_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # RFC 5545 SEQUENCE: raised on each change the client's calendar must take over a file it already holds.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    # The time the client's calendar holds (that of the last confirmation sent), until a cancellation is sent.
    confirmed_for = models.DateTimeField("time in the confirmation sent", null=True, blank=True, editable=False)
    # When the request joined the waitlist: the visitor asked to, or the front desk set "Waitlisted".
    waitlist_joined_at = models.DateTimeField("on the waitlist since", null=True, blank=True, editable=False)
    # Hash of what was sent, to recognise a double submit without storing anything new.
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("last changed", auto_now=True, db_index=True)

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "appointment request"
        verbose_name_plural = "appointment requests"
        ordering = ["-created_at"]

    def __str__(self):
        # Never the name: Wagtail's log entries and messages store this label.
        return f"Request #{self.pk}"

    @property
    def first_name(self) -> str:
        return self.preferred_name or (self.name.split() or [""])[0]

    def good_faith_estimate_deadline(self) -> Deadline | None:
        """The estimate's deadline for a self-pay request, from when it came and when it was first scheduled."""
        if self.payment != Payment.SELF_PAY or self.created_at is None:
            return None
        return good_faith_estimate_deadline(
            requested_on=timezone.localdate(self.created_at),
            scheduled_on=timezone.localdate(self.first_scheduled_at) if self.first_scheduled_at else None,
            appointment_on=timezone.localdate(self.scheduled_for) if self.scheduled_for else None,
        )

    def good_faith_estimate_status(self, *, today=None) -> str:
        today = today or timezone.localdate()
        if self.good_faith_estimate_sent_on is not None:
            return EstimateStatus.SENT
        if self.good_faith_estimate_due_on is None or self.status in FINISHED_STATUSES:
            return EstimateStatus.NOT_NEEDED
        return EstimateStatus.OVERDUE if self.good_faith_estimate_due_on < today else EstimateStatus.DUE

    def wants_day_part(self, day_part: str) -> bool:
        """Whether a time on this weekday and part of day ("tuesday-morning") suits the visitor (no ticks: any)."""
        return not self.preferred_times or day_part in self.preferred_times

    def preferred_times_display(self) -> str:
        labels = dict(TIME_SLOTS)
        return ", ".join(labels.get(slot, slot) for slot in self.preferred_times) or "Flexible"


class NotificationKind(models.TextChoices):
    FRONT_DESK_ALERT = "front_desk_alert", "Front-desk alert"
    CLIENT_ACKNOWLEDGEMENT = "client_acknowledgement", "Client acknowledgement"
    APPOINTMENT_CONFIRMATION = "appointment_confirmation", "Appointment confirmation"
    APPOINTMENT_CANCELLATION = "appointment_cancellation", "Appointment cancellation"


class NotificationDelivery(OutboxMessage):
    """One email we owe about a request, in the site's outbox (practice.outbox: states, claim, retries)."""

    appointment_request = models.ForeignKey(AppointmentRequest, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)

    class Meta(OutboxMessage.Meta):
        verbose_name = "notification delivery"
        verbose_name_plural = "notification deliveries"

    def __str__(self):
        return f"{self.get_kind_display()} for request #{self.appointment_request_id}"
