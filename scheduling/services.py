"""Services of the scheduling app: take a request safely, notify without leaking it, triage, purge."""

import hashlib
import json
import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Site

from practice.email import automatic_message
from practice.models import PracticeDetails
from practice.outbox import Outbox, outbox_enqueue
from scheduling import calendar
from scheduling.business_days import business_days_after
from scheduling.good_faith_estimate import good_faith_estimate_deadline
from scheduling.models.appointments import (
    FINISHED_STATUSES,
    AppointmentRequest,
    NotificationDelivery,
    NotificationKind,
    Payment,
    SessionFormat,
    Status,
)
from scheduling.models.availability import STANDING_STATES, BookingSettings, HeldBlock, HoldState, SlotHold
from scheduling.slots import Slot, practice_zone

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
SUBJECTS = {
    NotificationKind.FRONT_DESK_ALERT: "New appointment request",
    NotificationKind.CLIENT_ACKNOWLEDGEMENT: "We received your request — {practice_name}",
    NotificationKind.APPOINTMENT_CANCELLATION: "Your appointment is cancelled — {practice_name}",
    NotificationKind.APPOINTMENT_CONFIRMATION: "Your appointment — {practice_name}",
}
# The client emails that carry a calendar file, and its RFC 5546 method.
CALENDAR_METHODS = {
    NotificationKind.APPOINTMENT_CONFIRMATION: calendar.PUBLISH,
    NotificationKind.APPOINTMENT_CANCELLATION: calendar.CANCEL,
}


@sensitive_variables("data", "canonical")
def _fingerprint(*, data: dict) -> str:
    described = {field: data.get(field) for field in REQUEST_FIELDS}
    slot = data.get("slot")
    described.update(slot=slot.value if slot else None, waitlist=bool(data.get("waitlist")))
    canonical = json.dumps(described, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class SlotTaken(Exception):
    """Someone else holds (part of) this time already; nothing was written."""


@sensitive_variables("data", "fields")
def appointment_request_submit(
    *, data: dict, spam: bool = False, disclosure_version: str = "", rules: BookingSettings | None = None
) -> AppointmentRequest:
    """Store a request, hold the open time it chose, then (after commit) notify the front desk and, if asked,
    the client.

    Raises SlotTaken, storing nothing, when another request took the chosen time first; spam holds nothing.
    The request is committed before any email is attempted, so an email outage can never lose it. The same
    request sent again within a few minutes (a double click, a resubmitted form) returns the one already stored.
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
            requested_for=data["slot"].starts_at if data.get("slot") else None,
            waitlist_joined_at=now if data.get("waitlist") else None,
            fingerprint=fingerprint,
        )
        appointment_request.full_clean()
        appointment_request.save()
        if not spam:
            if slot := data.get("slot"):
                _hold_take(
                    appointment_request=appointment_request,
                    slot=slot,
                    state=HoldState.HELD,
                    expires_at=hold_expiry(rules=rules or BookingSettings(), starts_at=slot.starts_at, now=now),
                    now=now,
                )
            _delivery_create(appointment_request=appointment_request, kind=NotificationKind.FRONT_DESK_ALERT)
            if appointment_request.acknowledgement_ok:
                _delivery_create(appointment_request=appointment_request, kind=NotificationKind.CLIENT_ACKNOWLEDGEMENT)
    return appointment_request


def hold_expiry(*, rules: BookingSettings, starts_at: datetime, now: datetime | None = None) -> datetime:
    """When a time held now lapses: the same time of day after the rules' business days, never past the time."""
    local_now = timezone.localtime(now or timezone.now(), practice_zone())
    day = business_days_after(local_now.date(), rules.hold_business_days)
    return min(datetime.combine(day, local_now.time(), tzinfo=practice_zone()), starts_at)


def _hold_log(hold: SlotHold, action: str, *, user=None) -> None:
    log(hold.appointment_request, action, user=user, data={"starts_at": _log_value(hold.starts_at)})


def _hold_end(hold: SlotHold, *, state: str, now: datetime, user=None) -> None:
    """End a standing hold (declined, expired or released): its time is free for others at once."""
    HeldBlock.objects.filter(hold=hold).delete()
    hold.state, hold.ended_at = state, now
    hold.save(update_fields=["state", "ended_at"])
    _hold_log(hold, f"scheduling.time_{state}", user=user)


def _hold_take(
    *,
    appointment_request: AppointmentRequest,
    slot: Slot,
    state: str,
    expires_at: datetime | None,
    now: datetime,
    user=None,
) -> SlotHold:
    """Hold `slot` for the request, in place of the time it held before. Raises SlotTaken, writing nothing,
    when any of its minutes (the buffer after it included) is held for another request.

    The blocks' unique index decides a race: of two transactions taking the same minutes, the second waits for
    the first and then fails, whatever each read before.
    """
    try:
        with transaction.atomic():
            # Holds that lapsed but still own minutes in this span give them up first.
            for hold in _lapsed_holds(now).overlapping(slot.starts_at, slot.blocked_until):
                _hold_end(hold, state=HoldState.EXPIRED, now=now)
            for hold in _locked_holds(appointment_request, STANDING_STATES):
                lapsed_now = hold.state == HoldState.HELD and hold.expires_at <= now
                _hold_end(hold, state=HoldState.EXPIRED if lapsed_now else HoldState.RELEASED, now=now, user=user)
            hold = SlotHold.objects.create(
                appointment_request=appointment_request,
                session_format=slot.session_format,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                blocked_until=slot.blocked_until,
                state=state,
                expires_at=expires_at,
                offered_by=user,
            )
            HeldBlock.objects.bulk_create(HeldBlock(hold=hold, starts_at=start) for start in hold.block_starts())
    except IntegrityError as error:
        raise SlotTaken from error
    return hold


def slot_hold_offer(*, appointment_request: AppointmentRequest, slot: Slot, user, rules: BookingSettings) -> SlotHold:
    """Hold another open time for a request (in place of any it held), for the front desk to offer the client.

    No email goes out: the front desk offers it in person, by phone or their own email, then confirms it.
    Raises SlotTaken when the time was taken meanwhile, and ValidationError for a confirmed appointment: that
    moves through triage, so the client's time stays kept until the new one is confirmed and sent.
    """
    now = timezone.now()
    with transaction.atomic():
        if SlotHold.objects.filter(appointment_request=appointment_request, state=HoldState.CONFIRMED).exists():
            raise ValidationError(
                "This request has a confirmed appointment. To move it, change the scheduled date and time on the "
                "request, then send the confirmation again."
            )
        hold = _hold_take(
            appointment_request=appointment_request,
            slot=slot,
            state=HoldState.HELD,
            expires_at=hold_expiry(rules=rules, starts_at=slot.starts_at, now=now),
            now=now,
            user=user,
        )
        _hold_log(hold, "scheduling.time_offered", user=user)
    return hold


def slot_hold_confirm(*, appointment_request: AppointmentRequest, user) -> NotificationDelivery:
    """Confirm the time held for a request: it is scheduled then, and the client gets the confirmation and its
    calendar file as when a time is entered by hand. A hold that lapsed can still be confirmed while nobody
    else has taken its time."""
    now = timezone.now()
    with transaction.atomic():
        hold = _locked_holds(appointment_request, [HoldState.HELD]).first()
        if hold is None or HeldBlock.objects.filter(hold=hold).count() != len(hold.block_starts()):
            raise ValidationError("This request holds no time to confirm. Offer it an open time first.")
        hold.state, hold.expires_at = HoldState.CONFIRMED, None
        hold.save(update_fields=["state", "expires_at"])
        _hold_log(hold, "scheduling.time_confirmed", user=user)
        appointment_request_triage(
            appointment_request=appointment_request,
            user=user,
            status=Status.SCHEDULED,
            assigned_to=appointment_request.assigned_to,
            scheduled_for=hold.starts_at,
            internal_notes=appointment_request.internal_notes,
            good_faith_estimate_sent_on=appointment_request.good_faith_estimate_sent_on,
            now=now,
        )
        appointment_request.refresh_from_db()
        return appointment_confirmation_send(appointment_request=appointment_request, user=user)


def slot_hold_decline(*, appointment_request: AppointmentRequest, user) -> SlotHold:
    """Decline the time held for a request; the request stays, for another time or the waitlist."""
    with transaction.atomic():
        hold = _locked_holds(appointment_request, [HoldState.HELD]).first()
        if hold is None:
            raise ValidationError("This request holds no time to decline.")
        _hold_end(hold, state=HoldState.DECLINED, now=timezone.now(), user=user)
    return hold


def slot_holds_expire(*, now: datetime | None = None) -> int:
    """End every held time whose hold has lapsed, so it shows as free and in the front desk's freed times."""
    now = now or timezone.now()
    with transaction.atomic():
        lapsed = list(_lapsed_holds(now))
        for hold in lapsed:
            _hold_end(hold, state=HoldState.EXPIRED, now=now)
    return len(lapsed)


def _locked_holds(appointment_request: AppointmentRequest, states) -> QuerySet[SlotHold]:
    return (
        SlotHold.objects.select_for_update(of=("self",))
        .filter(appointment_request=appointment_request, state__in=states)
        .select_related("appointment_request")
    )


def _lapsed_holds(now: datetime) -> QuerySet[SlotHold]:
    return (
        SlotHold.objects.select_for_update(of=("self",))
        .filter(state=HoldState.HELD, expires_at__lte=now)
        .select_related("appointment_request")
    )


def _delivery_create(*, appointment_request: AppointmentRequest, kind: str) -> NotificationDelivery:
    delivery = NotificationDelivery.objects.create(
        appointment_request=appointment_request, kind=kind, next_try_at=timezone.now() + QUEUE_GRACE
    )
    outbox_enqueue(NOTIFICATION_OUTBOX, due_only=False, pk=delivery.pk)
    return delivery


def _default_site_setting(setting_class: type[BaseSiteSetting]) -> BaseSiteSetting:
    # Jobs and the admin have no public request to go by.
    site = Site.objects.filter(is_default_site=True).first()
    return setting_class.for_site(site) if site else setting_class()


def _practice_details() -> PracticeDetails:
    return _default_site_setting(PracticeDetails)


def booking_rules() -> BookingSettings:
    return _default_site_setting(BookingSettings)


def _message(*, kind: str, appointment_request: AppointmentRequest) -> EmailMultiAlternatives:
    details = _practice_details()
    context = {"details": details, "practice_name": details.practice_name}
    if kind == NotificationKind.FRONT_DESK_ALERT:
        if not details.front_desk_email:
            raise ValueError("No front-desk email address in Practice details")
        waiting = AppointmentRequest.objects.waiting().count()
        # Nothing about the person: the alert may be read on a phone lock screen or a shared inbox.
        context.update(
            waiting=waiting, listing_url=settings.WAGTAILADMIN_BASE_URL + reverse("appointment_requests:index")
        )
        recipient = details.front_desk_email
    else:
        context["first_name"] = appointment_request.first_name
        recipient = appointment_request.email
    if kind == NotificationKind.CLIENT_ACKNOWLEDGEMENT:
        disclosure_page = details.disclosure_page
        context["disclosure_url"] = disclosure_page.full_url if disclosure_page and disclosure_page.live else ""
    elif kind == NotificationKind.APPOINTMENT_CANCELLATION:
        # The time the client was given, not whatever the request says now (the time may have been cleared).
        context["starts_at"] = timezone.localtime(appointment_request.confirmed_for)
    elif kind == NotificationKind.APPOINTMENT_CONFIRMATION:
        context.update(
            starts_at=timezone.localtime(appointment_request.scheduled_for),
            online=appointment_request.session_format == SessionFormat.ONLINE,
        )
    if kind in CALENDAR_METHODS:
        context["minutes"] = _session_minutes(appointment_request, starts_at=context["starts_at"], details=details)
    # Each template is named after its kind of email.
    text = render_to_string(f"scheduling/email/{kind}.txt", context)
    html = render_to_string(f"scheduling/email/{kind}.html", context)
    subject = SUBJECTS[kind].format(practice_name=details.practice_name)
    message = automatic_message(subject=subject, text=text, html=html, to=recipient, sender_name=details.practice_name)
    if method := CALENDAR_METHODS.get(kind):
        message.attach(
            "appointment.ics",
            calendar.appointment_ics(
                appointment_request=appointment_request, details=details, method=method, minutes=context["minutes"]
            ),
            calendar.content_type(method),
        )
    return message


def _session_minutes(appointment_request: AppointmentRequest, *, starts_at: datetime, details: PracticeDetails) -> int:
    """How long the appointment at `starts_at` is: its held time's length (a couples time may be longer), else
    the practice's session length."""
    hold = (
        SlotHold.objects.filter(appointment_request=appointment_request, starts_at=starts_at).order_by("-pk").first()
    )
    return (hold.ends_at - hold.starts_at) // timedelta(minutes=1) if hold else details.session_length_minutes


def _appointment_stands(appointment_request: AppointmentRequest) -> bool:
    return appointment_request.status == Status.SCHEDULED and appointment_request.scheduled_for is not None


class NotificationOutbox(Outbox):
    """The scheduling app's part of the outbox: its emails and what sending them changes."""

    model = NotificationDelivery
    related = ("appointment_request",)

    def message(self, row: NotificationDelivery, *, memo: dict) -> EmailMultiAlternatives:
        return _message(kind=row.kind, appointment_request=row.appointment_request)

    def overtaken(self, row: NotificationDelivery) -> bool:
        """Whether later triage left this client email nothing true to say: a request found to be spam, a
        confirmation of an appointment no longer scheduled, a cancellation of one scheduled again or cancelled
        already."""
        appointment_request = row.appointment_request
        if row.kind == NotificationKind.FRONT_DESK_ALERT:
            return False
        if appointment_request.status == Status.SPAM:
            return True
        if row.kind == NotificationKind.APPOINTMENT_CONFIRMATION:
            return not _appointment_stands(appointment_request)
        if row.kind == NotificationKind.APPOINTMENT_CANCELLATION:
            return appointment_request.confirmed_for is None or _appointment_stands(appointment_request)
        return False

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
    now: datetime | None = None,
) -> AppointmentRequest:
    """Save the front desk's triage and log what changed, without personal text (notes: just "changed").

    The first time entered is the "date of scheduling" of 45 CFR 149.610, from which the Good Faith Estimate
    deadline is worked out again. Once a confirmation has gone out, a change of time or of whether it stands
    raises the calendar SEQUENCE; an appointment the client holds that no longer stands is cancelled by email.
    The held time follows: a scheduled time is confirmed (a hand-entered one that overlaps another request's
    raises ValidationError); a time off the schedule, or of a request that is over, is released.
    """
    now = now or timezone.now()
    triage = {
        "status": status,
        "assigned_to": assigned_to,
        "scheduled_for": scheduled_for,
        "internal_notes": internal_notes,
        "good_faith_estimate_sent_on": good_faith_estimate_sent_on,
    }
    with transaction.atomic():
        before = (
            AppointmentRequest.objects.select_for_update(of=("self",))
            .select_related("assigned_to")
            .get(pk=appointment_request.pk)
        )
        changes = {}
        for field, value in triage.items():
            old = getattr(before, field)
            if old != value:
                changes[field] = "changed" if field == "internal_notes" else [_log_value(old), _log_value(value)]
            setattr(appointment_request, field, value)
        update_fields = [*triage, "updated_at"]
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
        if status == Status.WAITLISTED and before.waitlist_joined_at is None:
            appointment_request.waitlist_joined_at = now
            update_fields.append("waitlist_joined_at")
        appointment_request.save(update_fields=update_fields)
        if changes:
            log(appointment_request, "scheduling.triage", user=user, data={"changes": changes})
        _hold_follow_triage(appointment_request, stands=stands, now=now, user=user)
        if stood and not stands and before.confirmed_for is not None:
            _delivery_create(appointment_request=appointment_request, kind=NotificationKind.APPOINTMENT_CANCELLATION)
            log(
                appointment_request,
                "scheduling.cancellation",
                user=user,
                data={"scheduled_for": _log_value(before.confirmed_for)},
            )
    return appointment_request


def _hold_follow_triage(appointment_request: AppointmentRequest, *, stands: bool, now: datetime, user) -> None:
    hold = _locked_holds(appointment_request, STANDING_STATES).first()
    if not stands:
        over = appointment_request.status in FINISHED_STATUSES
        if hold is not None and (over or hold.state == HoldState.CONFIRMED):
            _hold_end(hold, state=HoldState.RELEASED, now=now, user=user)
        return
    if hold is not None and hold.starts_at == appointment_request.scheduled_for:
        if hold.state == HoldState.HELD:
            hold.state, hold.expires_at = HoldState.CONFIRMED, None
            hold.save(update_fields=["state", "expires_at"])
            _hold_log(hold, "scheduling.time_confirmed", user=user)
        return
    rules = booking_rules()
    starts_at = appointment_request.scheduled_for
    ends_at = starts_at + timedelta(minutes=_practice_details().session_length_minutes)
    slot = Slot(
        starts_at=starts_at,
        session_format=appointment_request.session_format,
        service="",
        ends_at=ends_at,
        blocked_until=ends_at + timedelta(minutes=rules.buffer_minutes),
    )
    try:
        _hold_take(
            appointment_request=appointment_request, slot=slot, state=HoldState.CONFIRMED, expires_at=None, now=now
        )
    except SlotTaken as error:
        raise ValidationError(
            {"scheduled_for": "That time overlaps another request’s held or confirmed time. Choose another time."}
        ) from error


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
