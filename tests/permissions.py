"""Who may open which admin URL: the one permission matrix, shared by the apps' admin tests.

tests/scheduling/test_admin.py runs the appointment-request rows; tests/reliability/test_permission_matrix.py
runs every other viewset's rows and checks that no admin URL of any viewset is missing from the matrix.
Roles follow the scheduling issue: the front desk works appointment requests and cannot see subscribers; the
clinician also views subscribers and mailings and keeps the People (article authors) up to date; an
editor without these permissions sees none of it; superusers may do everything the viewsets allow anyone to do.
"""

from dataclasses import dataclass
from datetime import time, timedelta

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from blog.models import Person
from newsletter.models import Mailing, Subscriber
from scheduling import services
from scheduling.models.appointments import AppointmentRequest, Status
from scheduling.models.availability import AvailabilityException, HoldState, SlotHold, WeeklyHours
from scheduling.slots import open_times
from tests.newsletter.factories import MailingFactory, SubscriberFactory
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    AvailabilityExceptionFactory,
    SlotHoldFactory,
    UserFactory,
    WeeklyHoursFactory,
)

ROLES = ("anonymous", "editor", "front_desk", "clinician", "superuser")
ROLE_GROUPS = {"editor": "Editors", "front_desk": "Front desk", "clinician": "Clinician"}
# What each object shows only to those allowed to see it.
SECRETS = {
    "appointment_requests": "Private Person",
    "newsletter_subscribers": "private.reader@example.com",
    "newsletter_mailings": "Private mailing subject",
    "wagtailsnippets_blog_person": "Unpublished Author",
    # The calendar and the waitlist show a request's number and first name only.
    "booking_calendar": "Private",
    "booking_waitlist": "Private",
    "booking_weekly_hours": "21:35",
    "booking_exceptions": "Private vacation note",
}
REQUEST_STAFF = frozenset({"front_desk", "clinician", "superuser"})
NEWSLETTER_VIEWERS = frozenset({"clinician", "superuser"})
PEOPLE_EDITORS = frozenset({"clinician", "superuser"})
# Weekly hours, exceptions and the booking rules are kept by both staff roles.
HOURS_KEEPERS = frozenset({"front_desk", "clinician", "superuser"})
SUPERUSER = frozenset({"superuser"})
NO_ONE = frozenset()


@dataclass(frozen=True)
class AdminUrl:
    viewset: str  # The viewset's URL namespace.
    name: str  # The URL name in that namespace.
    allowed: frozenset[str]
    method: str = "GET"
    query: str = ""
    label: str = ""

    def __str__(self):
        return f"{self.viewset}:{self.label or self.name} ({self.method})"


def _urls(viewset: str, rows: list[tuple]) -> list[AdminUrl]:
    return [AdminUrl(viewset, *row) for row in rows]


MATRIX = [
    *_urls(
        "appointment_requests",
        [
            ("index", REQUEST_STAFF),
            ("index_results", REQUEST_STAFF),
            ("index", REQUEST_STAFF, "GET", "?export=csv", "export"),
            ("inspect", REQUEST_STAFF),
            ("edit", REQUEST_STAFF),
            ("edit", REQUEST_STAFF, "POST"),
            ("history", REQUEST_STAFF),
            ("history_results", REQUEST_STAFF),
            ("usage", REQUEST_STAFF),
            ("send_confirmation", REQUEST_STAFF, "POST"),
            ("offer_time", REQUEST_STAFF),
            ("offer_time", REQUEST_STAFF, "POST"),
            ("confirm_time", REQUEST_STAFF, "POST"),
            ("decline_time", REQUEST_STAFF, "POST"),
            ("delete", SUPERUSER),
            ("delete", SUPERUSER, "POST"),
        ],
    ),
    *_urls(
        "newsletter_subscribers",
        [
            ("index", NEWSLETTER_VIEWERS),
            ("index_results", NEWSLETTER_VIEWERS),
            ("index", NEWSLETTER_VIEWERS, "GET", "?export=csv", "export"),
            ("inspect", NEWSLETTER_VIEWERS),
            # Wagtail's history view needs add, change or delete; of those, subscribers allow only delete.
            ("history", SUPERUSER),
            ("history_results", SUPERUSER),
            ("usage", NO_ONE),  # Needs "change", which no one has: subscribers are never edited by hand.
            ("add", NO_ONE),
            ("add", NO_ONE, "POST"),
            ("edit", NO_ONE),
            ("edit", NO_ONE, "POST"),
            ("delete", SUPERUSER),
            ("delete", SUPERUSER, "POST"),
        ],
    ),
    *_urls(
        "newsletter_mailings",
        [
            ("index", NEWSLETTER_VIEWERS),
            ("index_results", NEWSLETTER_VIEWERS),
            ("inspect", NEWSLETTER_VIEWERS),
            ("send_test", NEWSLETTER_VIEWERS, "POST"),
            # Mailings are a record of what was announced: only ever viewed.
            ("history", NO_ONE),
            ("history_results", NO_ONE),
            ("usage", NO_ONE),
            ("add", NO_ONE),
            ("add", NO_ONE, "POST"),
            ("edit", NO_ONE),
            ("edit", NO_ONE, "POST"),
            ("delete", NO_ONE),
            ("delete", NO_ONE, "POST"),
        ],
    ),
    *_urls(
        "wagtailsnippets_blog_person",
        [
            ("list", PEOPLE_EDITORS),
            ("list_results", PEOPLE_EDITORS),
            ("add", PEOPLE_EDITORS),
            ("add", PEOPLE_EDITORS, "POST"),
            ("copy", PEOPLE_EDITORS),
            ("edit", PEOPLE_EDITORS),
            ("edit", PEOPLE_EDITORS, "POST"),
            ("history", PEOPLE_EDITORS),
            ("history_results", PEOPLE_EDITORS),
            ("usage", PEOPLE_EDITORS),
            ("delete", PEOPLE_EDITORS),
            ("delete", PEOPLE_EDITORS, "POST"),
        ],
    ),
    *_urls("booking_calendar", [("index", REQUEST_STAFF)]),
    *_urls("booking_waitlist", [("index", REQUEST_STAFF)]),
    *[
        row
        for viewset in ("booking_weekly_hours", "booking_exceptions")
        for row in _urls(
            viewset,
            [
                ("index", HOURS_KEEPERS),
                ("index_results", HOURS_KEEPERS),
                ("add", HOURS_KEEPERS),
                ("add", HOURS_KEEPERS, "POST"),
                ("copy", HOURS_KEEPERS),
                ("edit", HOURS_KEEPERS),
                ("edit", HOURS_KEEPERS, "POST"),
                ("history", HOURS_KEEPERS),
                ("history_results", HOURS_KEEPERS),
                ("usage", HOURS_KEEPERS),
                ("delete", HOURS_KEEPERS),
                ("delete", HOURS_KEEPERS, "POST"),
            ],
        )
    ],
]
OBJECT_URLS = {
    "inspect",
    "edit",
    "copy",
    "history",
    "history_results",
    "usage",
    "delete",
    "send_confirmation",
    "send_test",
    "offer_time",
    "confirm_time",
    "decline_time",
}


def matrix_rows(*viewsets: str, exclude: tuple[str, ...] = ()) -> list[AdminUrl]:
    return [row for row in MATRIX if (not viewsets or row.viewset in viewsets) and row.viewset not in exclude]


def user_for_role(role: str):
    """A user in the role (with an email address, for "send a test to me"); None for anonymous."""
    if role == "anonymous":
        return None
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True, email="super@practice.example")
    return UserFactory(groups=[Group.objects.get(name=ROLE_GROUPS[role])], email=f"{role}@practice.example")


def _object_make(viewset: str):
    if viewset == "appointment_requests":
        # Scheduled, so "send the confirmation" has something to send; with a held time to confirm or decline,
        # and open hours to offer another.
        appointment_request = AppointmentRequestFactory(
            name=SECRETS[viewset], status=Status.SCHEDULED, scheduled_for=timezone.now() + timedelta(days=3)
        )
        for weekday in range(7):
            WeeklyHoursFactory(weekday=weekday)
        SlotHoldFactory(appointment_request=appointment_request, starts_at=_open_slots()[0].starts_at)
        return appointment_request
    if viewset in {"booking_calendar", "booking_waitlist"}:
        appointment_request = AppointmentRequestFactory(
            name="Private Person", status=Status.WAITLISTED, waitlist_joined_at=timezone.now()
        )
        SlotHoldFactory(appointment_request=AppointmentRequestFactory(name="Private Too"))
        return appointment_request
    if viewset == "booking_weekly_hours":
        return WeeklyHoursFactory(ends=time(21, 35))
    if viewset == "booking_exceptions":
        return AvailabilityExceptionFactory(note=SECRETS[viewset])
    if viewset == "newsletter_subscribers":
        return SubscriberFactory(email=SECRETS[viewset])
    if viewset == "wagtailsnippets_blog_person":
        return Person.objects.create(name=SECRETS[viewset], bio="Writes about grief.")
    return MailingFactory(subject=SECRETS[viewset])


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _open_slots():
    return open_times(rules=services.booking_rules(), session_format="in_person").slots


HOURS_FORM = {"weekday": "0", "starts": "09:00", "ends": "12:00", "session_format": "in_person", "service": ""}
HOURS_FORM |= {"session_minutes": "50", "buffer_minutes": "10"}


def _post_data(row: AdminUrl) -> dict:
    if row.name == "offer_time":
        return {"slot": _open_slots()[-1].value}
    if row.viewset == "booking_weekly_hours" and row.name in {"add", "edit"}:
        return HOURS_FORM
    if row.viewset == "booking_exceptions" and row.name in {"add", "edit"}:
        day = (timezone.localdate() + timedelta(days=9)).isoformat()
        return {"kind": "closed", "starts_on": day, "ends_on": day, "starts": "", "ends": "", "note": "Changed"} | {
            "session_format": "",
            "service": "",
            "session_minutes": "50",
            "buffer_minutes": "10",
        }
    if row.viewset == "appointment_requests" and row.name == "edit":
        return {"status": "contacted", "assigned_to": "", "scheduled_for": "", "internal_notes": "Called back"}
    if row.viewset == "wagtailsnippets_blog_person" and row.name in {"add", "edit"}:
        return {"name": "Changed", "credentials": "", "photo": "", "bio": ""}
    if row.name in {"add", "edit"}:
        return {"first_name": "Changed", "subject": "Changed", "email": "added@example.com"}
    return {}


def _changed(row: AdminUrl, obj) -> bool:
    """Whether the POST did what it asks for."""
    model = type(obj)
    if row.name == "delete":
        return not model.objects.filter(pk=obj.pk).exists()
    if row.name in {"send_confirmation", "send_test"}:
        return bool(mail.outbox)
    if row.name in {"confirm_time", "decline_time", "offer_time"}:
        holds = SlotHold.objects.filter(appointment_request=obj)
        if row.name == "offer_time":
            return holds.filter(state=HoldState.HELD, offered_by__isnull=False).exists()
        return holds.filter(state=HoldState.CONFIRMED if row.name == "confirm_time" else HoldState.DECLINED).exists()
    if isinstance(obj, WeeklyHours | AvailabilityException):
        made = type(obj).objects.filter(
            **({"ends": time(12)} if isinstance(obj, WeeklyHours) else {"note": "Changed"})
        )
        return made.filter(pk=obj.pk).exists() if row.name == "edit" else made.exclude(pk=obj.pk).exists()
    if row.name == "add":
        return (
            Subscriber.objects.filter(email="added@example.com").exists()
            or Mailing.objects.filter(subject="Changed").exists()
            or Person.objects.filter(name="Changed").exists()
        )
    obj.refresh_from_db()
    if isinstance(obj, AppointmentRequest):
        return obj.internal_notes == "Called back"
    return any(getattr(obj, field, None) == "Changed" for field in ("first_name", "subject", "name"))


def assert_admin_access(client, *, row: AdminUrl, role: str, capture_on_commit) -> None:
    """The role can use the URL if the matrix allows it; otherwise it is turned away and learns nothing."""
    obj = _object_make(row.viewset)
    user = user_for_role(role)
    if user is not None:
        client.force_login(user)
    args = [obj.pk] if row.name in OBJECT_URLS else []
    url = reverse(f"{row.viewset}:{row.name}", args=args) + row.query
    allowed = role in row.allowed
    mail.outbox.clear()

    with capture_on_commit(execute=True):
        response = client.post(url, _post_data(row)) if row.method == "POST" else client.get(url)

    if row.method == "POST":
        assert response.status_code in (302, 403), response.status_code
        assert _changed(row, obj) is allowed, f"{role} {'could not' if allowed else 'could'} {row}"
    elif allowed:
        assert response.status_code == 200
    if not allowed:
        assert response.status_code in (302, 403), response.status_code
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login/") or response["Location"] == "/admin/"
        assert SECRETS[row.viewset].encode() not in _body(response)
