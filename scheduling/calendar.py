"""The calendar file (.ics) attached to an appointment confirmation: when, where, whom to call. Nothing clinical."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

ONLINE_LOCATION = "Online — the video link will be sent separately"


def appointment_ics(*, appointment_request, details) -> bytes:
    from scheduling.models import SessionFormat

    zone = ZoneInfo(settings.TIME_ZONE)
    starts_at = appointment_request.scheduled_for.astimezone(zone)
    hostname = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    with_whom = f" with {details.clinician_name}" if details.clinician_name else ""

    calendar = Calendar()
    calendar.add("prodid", f"-//{details.practice_name}//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-request-{appointment_request.pk}@{hostname}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=details.session_length_minutes))
    event.add("summary", f"Appointment{with_whom} — {details.practice_name}")
    if appointment_request.session_format == SessionFormat.ONLINE:
        location = ONLINE_LOCATION
    else:
        location = ", ".join(line.strip() for line in details.office_address.splitlines() if line.strip())
    event.add("location", location)
    if details.phone:
        event.add("description", f"To change or cancel, please call {details.phone}.")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
