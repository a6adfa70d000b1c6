"""The calendar files (.ics) of an appointment's confirmation and cancellation: when, where, whom to call.
Nothing clinical or about the person: the client's calendar may be shared or synced elsewhere."""

from datetime import timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from practice.email import site_hostname
from scheduling.models.appointments import SessionFormat

ONLINE_LOCATION = "Online — the video link will be sent separately"
# RFC 5546 methods. A confirmation is PUBLISH, not REQUEST: REQUEST shows Accept/Decline buttons whose replies
# nobody reads (and a client may take for a way to cancel); PUBLISH expects no reply and names only the
# ORGANIZER, who may update or CANCEL it later (§3.2.1). Changes are told by phone, as the email says.
PUBLISH = "PUBLISH"
CANCEL = "CANCEL"


def content_type(method: str) -> str:
    """The attachment's MIME type, whose `method` parameter must match the file's METHOD (RFC 6047 §2.4)."""
    return f"text/calendar; method={method}; charset=utf-8"


def event_uid(appointment_request) -> str:
    """The same for every file about one request, and opaque: a random UUID, never the request's number."""
    return f"{appointment_request.calendar_uid}@{site_hostname()}"


def _organizer(details) -> vCalAddress:
    address = details.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(details.practice_name)
    return organizer


def appointment_ics(*, appointment_request, details, method: str = PUBLISH, minutes: int | None = None) -> bytes:
    """The confirmation's file (PUBLISH, the appointment as now scheduled) or the cancellation's (CANCEL, as
    last confirmed). Both carry the request's UID and current SEQUENCE, so each file supersedes the last."""
    cancel = method == CANCEL
    starts_at = appointment_request.confirmed_for if cancel else appointment_request.scheduled_for
    if starts_at is None:
        raise ValueError("No appointment time for the calendar file")
    starts_at = starts_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    with_whom = f" with {details.clinician_name}" if details.clinician_name else ""

    calendar = Calendar()
    calendar.add("prodid", f"-//{details.practice_name}//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", event_uid(appointment_request))
    event.add("sequence", appointment_request.calendar_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=minutes or details.session_length_minutes))
    event.add("organizer", _organizer(details))
    event.add("summary", f"Appointment{with_whom} — {details.practice_name}")
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    if not cancel:
        online = appointment_request.session_format == SessionFormat.ONLINE
        event.add("location", ONLINE_LOCATION if online else ", ".join(details.address_lines))
        if details.phone:
            event.add("description", f"To change or cancel, please call {details.phone}.")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
