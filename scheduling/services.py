"""Services of the scheduling app: take a request safely, notify without leaking it, triage, purge."""

import hashlib
import json
import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Site

from practice.email import automatic_message
from practice.models import PracticeDetails
from practice.outbox import Outbox, outbox_enqueue
from scheduling import calendar
from scheduling.good_faith_estimate import good_faith_estimate_deadline
from scheduling.models.appointments import (
    AppointmentRequest,
    NotificationDelivery,
    NotificationKind,
    Payment,
    SessionFormat,
    Status,
)

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(minutes=10)
# The first attempt runs from the task queue right after commit; the resume job
# only picks a delivery up once the queue has had this long to try.
QUEUE_GRACE = timedelta(minutes=10)
# Fields of the form that describe the request (the spam-check fields are left out).
REQUEST_FIELDS = (
    "name",
    "preferred_name",
    "pronouns",
    "email",
    "phone",
    "contact_method",
    "voicemail_ok",
    "acknowledgement_ok",
    "sessions_for",
    "client_type",
    "session_format",
    "preferred_times",
    "availability_note",
    "payment",
    "insurance_provider",
    "message",
    "heard_about",
)
TRIAGE_FIELDS = ("status", "assigned_to", "scheduled_for", "internal_notes", "good_faith_estimate_sent_on")
# The client emails that carry a calendar file, and its RFC 5546 method.
CALENDAR_METHODS = {
    NotificationKind.APPOINTMENT_CONFIRMATION: calendar.PUBLISH,
    NotificationKind.APPOINTMENT_CANCELLATION: calendar.CANCEL,
}


@sensitive_variables("data", "canonical")
def _fingerprint(*, data: dict) -> str:
    canonical = json.dumps({field: data.get(field) for field in REQUEST_FIELDS}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@sensitive_variables("data", "fields")
def appointment_request_submit(*, data: dict, spam: bool = False, disclosure_version: str = "") -> AppointmentRequest:
    """Store a request, then (after commit) notify the front desk and, if asked, the client.

    A confirmation that the visitor read the disclosure statement is kept with the statement's version. A
    self-pay request gets the due date of its Good Faith Estimate (3 business days after the request).

    The request is committed before any email is attempted, so an email outage
    can never lose it. The same request sent again within a few minutes (a
    double click, a resubmitted form) returns the one already stored.
    """
    fingerprint = _fingerprint(data=data)
    now = timezone.now()
    with transaction.atomic():
        existing = (
            AppointmentRequest.objects.filter(fingerprint=fingerprint, created_at__gte=now - DUPLICATE_WINDOW)
            .order_by("created_at")
            .first()
        )
        if existing is not None:
            return existing
        fields = {field: data[field] for field in REQUEST_FIELDS if field in data}
        appointment_request = AppointmentRequest(
            **fields,
            colorado_attested_at=now if data.get("session_format") == SessionFormat.ONLINE else None,
            consented_at=now,
            disclosure_acknowledged_at=now if data.get("disclosure_acknowledged") else None,
            disclosure_version=disclosure_version if data.get("disclosure_acknowledged") else "",
            good_faith_estimate_due_on=(
                good_faith_estimate_deadline(requested_on=timezone.localdate(now)).due_on
                if data.get("payment") == Payment.SELF_PAY
                else None
            ),
            status=Status.SPAM if spam else Status.NEW,
            fingerprint=fingerprint,
        )
        appointment_request.full_clean()
        appointment_request.save()
        if not spam:
            kinds = [NotificationKind.FRONT_DESK_ALERT]
            if appointment_request.acknowledgement_ok:
                kinds.append(NotificationKind.CLIENT_ACKNOWLEDGEMENT)
            for kind in kinds:
                _delivery_create(appointment_request=appointment_request, kind=kind)
    return appointment_request


def _delivery_create(*, appointment_request: AppointmentRequest, kind: str) -> NotificationDelivery:
    delivery = NotificationDelivery.objects.create(
        appointment_request=appointment_request, kind=kind, next_try_at=timezone.now() + QUEUE_GRACE
    )
    outbox_enqueue(NOTIFICATION_OUTBOX, due_only=False, pk=delivery.pk)
    return delivery


def _practice_details() -> PracticeDetails:
    site = Site.objects.filter(is_default_site=True).first()
    return PracticeDetails.for_site(site) if site else PracticeDetails()


def _admin_url(name: str, *args) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse(name, args=args)


def _message(*, kind: str, appointment_request: AppointmentRequest) -> EmailMultiAlternatives:
    details = _practice_details()
    context = {"details": details, "practice_name": details.practice_name}
    if kind == NotificationKind.FRONT_DESK_ALERT:
        if not details.front_desk_email:
            raise ValueError("No front-desk email address in Practice details")
        waiting = AppointmentRequest.objects.waiting().count()
        # Nothing about the person: the alert may be read on a phone lock screen or a shared inbox.
        context.update(waiting=waiting, listing_url=_admin_url("appointment_requests:index"))
        subject = "New appointment request"
        recipient = details.front_desk_email
        template = "front_desk_alert"
    elif kind == NotificationKind.CLIENT_ACKNOWLEDGEMENT:
        disclosure_page = details.disclosure_page
        context.update(
            first_name=appointment_request.first_name,
            disclosure_url=disclosure_page.full_url if disclosure_page is not None and disclosure_page.live else "",
        )
        subject = f"We received your request — {details.practice_name}"
        recipient = appointment_request.email
        template = "client_acknowledgement"
    elif kind == NotificationKind.APPOINTMENT_CANCELLATION:
        # The time the client was given, not whatever the request says now (the time may have been cleared).
        context.update(
            first_name=appointment_request.first_name, starts_at=timezone.localtime(appointment_request.confirmed_for)
        )
        subject = f"Your appointment is cancelled — {details.practice_name}"
        recipient = appointment_request.email
        template = "appointment_cancellation"
    else:
        context.update(
            first_name=appointment_request.first_name,
            starts_at=timezone.localtime(appointment_request.scheduled_for),
            online=appointment_request.session_format == SessionFormat.ONLINE,
        )
        subject = f"Your appointment — {details.practice_name}"
        recipient = appointment_request.email
        template = "appointment_confirmation"
    text = render_to_string(f"scheduling/email/{template}.txt", context)
    html = render_to_string(f"scheduling/email/{template}.html", context)
    message = automatic_message(subject=subject, text=text, html=html, to=recipient, sender_name=details.practice_name)
    if method := CALENDAR_METHODS.get(kind):
        message.attach(
            "appointment.ics",
            calendar.appointment_ics(appointment_request=appointment_request, details=details, method=method),
            calendar.content_type(method),
        )
    return message


def _appointment_stands(appointment_request: AppointmentRequest) -> bool:
    return appointment_request.status == Status.SCHEDULED and appointment_request.scheduled_for is not None


def _delivery_overtaken(delivery: NotificationDelivery) -> bool:
    """Whether later triage left this client email nothing true to say: a request found to be spam, a
    confirmation of an appointment no longer scheduled, a cancellation of one scheduled again or cancelled already."""
    appointment_request = delivery.appointment_request
    if delivery.kind == NotificationKind.FRONT_DESK_ALERT:
        return False
    if appointment_request.status == Status.SPAM:
        return True
    if delivery.kind == NotificationKind.APPOINTMENT_CONFIRMATION:
        return not _appointment_stands(appointment_request)
    if delivery.kind == NotificationKind.APPOINTMENT_CANCELLATION:
        return appointment_request.confirmed_for is None or _appointment_stands(appointment_request)
    return False


class NotificationOutbox(Outbox):
    """The scheduling app's part of the outbox: its emails and what sending them changes."""

    model = NotificationDelivery
    related = ("appointment_request",)

    def message(self, row: NotificationDelivery, *, memo: dict) -> EmailMultiAlternatives:
        return _message(kind=row.kind, appointment_request=row.appointment_request)

    def overtaken(self, row: NotificationDelivery) -> bool:
        return _delivery_overtaken(row)

    def sent(self, rows: list[NotificationDelivery], *, at: datetime) -> None:
        for row in rows:
            sent_to = AppointmentRequest.objects.filter(pk=row.appointment_request_id)
            if row.kind == NotificationKind.APPOINTMENT_CONFIRMATION:
                sent_to.update(confirmation_sent_at=at, confirmed_for=row.appointment_request.scheduled_for)
            elif row.kind == NotificationKind.APPOINTMENT_CANCELLATION:
                sent_to.update(confirmed_for=None)  # The client's calendar holds no appointment any more.


NOTIFICATION_OUTBOX = NotificationOutbox()


def _log_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "get_username"):
        return value.get_username()
    return str(value)


def appointment_request_triage(
    *,
    appointment_request: AppointmentRequest,
    user,
    status: str,
    assigned_to=None,
    scheduled_for: datetime | None = None,
    internal_notes: str = "",
    good_faith_estimate_sent_on: date | None = None,
) -> AppointmentRequest:
    """Save the front desk's triage and log what changed, without personal text (notes: just "changed").

    The first time an appointment time is entered is the "date of scheduling" of 45 CFR 149.610: a self-pay
    request's Good Faith Estimate deadline is worked out again from it (the earliest deadline that applies).

    Once a confirmation has gone out, a new time, or the appointment being taken off or put back on the
    schedule, raises the calendar SEQUENCE, so the next file the client gets supersedes the one they hold. An
    appointment the client holds that is no longer scheduled (another status, or no time) is cancelled: the
    client is emailed a cancellation with a calendar file that removes it (after commit, tracked and retried).
    """
    with transaction.atomic():
        before = (
            AppointmentRequest.objects.select_for_update(of=("self",))
            .select_related("assigned_to")
            .get(pk=appointment_request.pk)
        )
        changes = {}
        if before.status != status:
            changes["status"] = [before.status, status]
        if before.assigned_to_id != (assigned_to.pk if assigned_to else None):
            changes["assigned_to"] = [_log_value(before.assigned_to), _log_value(assigned_to)]
        if before.scheduled_for != scheduled_for:
            changes["scheduled_for"] = [_log_value(before.scheduled_for), _log_value(scheduled_for)]
        if before.internal_notes != internal_notes:
            changes["internal_notes"] = "changed"
        if before.good_faith_estimate_sent_on != good_faith_estimate_sent_on:
            changes["good_faith_estimate_sent_on"] = [
                _log_value(before.good_faith_estimate_sent_on),
                _log_value(good_faith_estimate_sent_on),
            ]
        appointment_request.status = status
        appointment_request.assigned_to = assigned_to
        appointment_request.scheduled_for = scheduled_for
        appointment_request.internal_notes = internal_notes
        appointment_request.good_faith_estimate_sent_on = good_faith_estimate_sent_on
        update_fields = [*TRIAGE_FIELDS, "updated_at"]
        appointment_request.first_scheduled_at = before.first_scheduled_at
        if scheduled_for is not None and before.first_scheduled_at is None:
            appointment_request.first_scheduled_at = timezone.now()
            update_fields.append("first_scheduled_at")
        deadline = appointment_request.good_faith_estimate_deadline()
        appointment_request.good_faith_estimate_due_on = deadline.due_on if deadline else None
        update_fields.append("good_faith_estimate_due_on")
        stood, stands = _appointment_stands(before), _appointment_stands(appointment_request)
        # Triage never changes the format, so the time and whether it still stands are all a calendar sees change.
        if before.confirmation_sent_at is not None and (before.scheduled_for != scheduled_for or stood != stands):
            appointment_request.calendar_sequence = before.calendar_sequence + 1
            update_fields.append("calendar_sequence")
        appointment_request.save(update_fields=update_fields)
        if changes:
            log(appointment_request, "scheduling.triage", user=user, data={"changes": changes})
        if stood and not stands and before.confirmed_for is not None:
            _delivery_create(appointment_request=appointment_request, kind=NotificationKind.APPOINTMENT_CANCELLATION)
            log(
                appointment_request,
                "scheduling.cancellation",
                user=user,
                data={"scheduled_for": _log_value(before.confirmed_for)},
            )
    return appointment_request


def appointment_request_view_log(*, appointment_request: AppointmentRequest, user) -> None:
    log(appointment_request, "scheduling.view", user=user)


def appointment_requests_export_log(*, appointment_request_ids: list[int], user) -> None:
    """One access-log entry per exported request, so each request's history shows it left the site."""
    content_type = ContentType.objects.get_for_model(AppointmentRequest)
    now = timezone.now()
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            object_id=str(pk),
            label=f"Request #{pk}",
            action="scheduling.export",
            timestamp=now,
            user=user,
            data={},
        )
        for pk in appointment_request_ids
    )


def appointment_confirmation_send(*, appointment_request: AppointmentRequest, user) -> NotificationDelivery:
    """Email the client their appointment with a calendar file (after commit, tracked and retried)."""
    if appointment_request.status != Status.SCHEDULED or appointment_request.scheduled_for is None:
        raise ValidationError("Set the status to Scheduled and enter the date and time first.")
    with transaction.atomic():
        delivery = _delivery_create(
            appointment_request=appointment_request, kind=NotificationKind.APPOINTMENT_CONFIRMATION
        )
        log(
            appointment_request,
            "scheduling.confirmation",
            user=user,
            data={"scheduled_for": _log_value(appointment_request.scheduled_for)},
        )
    return delivery


def appointment_requests_purge(*, now: datetime | None = None) -> int:
    """Delete requests past their retention period, with their deliveries and history entries."""
    with transaction.atomic():
        due = AppointmentRequest.objects.due_for_purge(at=now)
        ids = list(due.values_list("pk", flat=True))
        if not ids:
            return 0
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(AppointmentRequest),
            object_id__in=[str(pk) for pk in ids],
        ).delete()
        AppointmentRequest.objects.filter(pk__in=ids).delete()
    return len(ids)
