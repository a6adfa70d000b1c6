"""The calendar files (.ics) sent with an appointment's confirmation and cancellation: when, where, whom to call.

Nothing clinical, and nothing about the person: the client's calendar may be shared or synced elsewhere.
"""

from datetime import timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from practice.email import site_hostname
from scheduling.models.appointments import SessionFormat

ONLINE_LOCATION = "Online — the video link will be sent separately"
# RFC 5546 methods. A confirmation is PUBLISH, not REQUEST: REQUEST invites ATTENDEEs to answer (Accept /
# Decline buttons whose iTIP REPLY would land, unread by any system, in the practice's inbox, and which a
# client may take for a way to cancel), while PUBLISH is a posting with no reply expected and no ATTENDEE
# (RFC 5546 §3.2.1): it must name the ORGANIZER, who "may subsequently update (with another PUBLISH) ... or
# cancel (with a CANCEL)" it. Changes are told by phone, as the email says.
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
    """The confirmation's file (PUBLISH, the appointment as now scheduled) or the cancellation's (CANCEL, the
    appointment as last confirmed, STATUS:CANCELLED). Both carry the request's UID and current SEQUENCE, which
    the triage service raises on every change after a confirmation went out, so each file supersedes the last.
    The appointment lasts `minutes` (its held time's length), or the practice's session length."""
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
        if appointment_request.session_format == SessionFormat.ONLINE:
            location = ONLINE_LOCATION
        else:
            location = ", ".join(details.address_lines)
        event.add("location", location)
        if details.phone:
            event.add("description", f"To change or cancel, please call {details.phone}.")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
