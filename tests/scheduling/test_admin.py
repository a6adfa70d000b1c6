import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import ModelLogEntry

from scheduling.models.appointments import AppointmentRequest, SessionFormat, Status
from tests.admin_html import inspect_fields, panel_rows
from tests.permissions import ROLES, assert_admin_access, matrix_rows
from tests.scheduling.factories import AppointmentRequestFactory

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")


def url(name, *args):
    return reverse(f"appointment_requests:{name}", args=args)


def logs(appointment_request, action=None):
    entries = ModelLogEntry.objects.filter(
        object_id=str(appointment_request.pk), content_type__model="appointmentrequest"
    )
    return entries.filter(action=action) if action else entries


def triage_post(**changes):
    data = {"status": "contacted", "assigned_to": "", "scheduled_for": "", "internal_notes": ""}
    data.update(changes)
    return data


# Listing, filters, search, export


def test_listing_shows_new_requests_first_then_newest(client, front_desk_user):
    now = timezone.now()
    older_new = AppointmentRequestFactory(name="Older New")
    newest_contacted = AppointmentRequestFactory(name="Newest Contacted", status=Status.CONTACTED)
    AppointmentRequest.objects.filter(pk=older_new.pk).update(created_at=now - timedelta(days=2))
    AppointmentRequestFactory(name="Newest New")
    client.force_login(front_desk_user)
    html = client.get(url("index")).content.decode()
    assert html.index("Newest New") < html.index("Older New") < html.index("Newest Contacted")
    assert "2\xa0days" in html or "2 days" in html
    assert newest_contacted.get_status_display() in html


def test_listing_filters_by_status_format_date_and_assignee(client, front_desk_user, clinician_user):
    AppointmentRequestFactory(name="Waitlisted Online", status=Status.WAITLISTED, session_format=SessionFormat.ONLINE)
    AppointmentRequestFactory(name="New In Person", assigned_to=clinician_user)
    old = AppointmentRequestFactory(name="Old One")
    AppointmentRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    client.force_login(front_desk_user)

    html = client.get(url("index"), {"status": "waitlisted"}).content.decode()
    assert "Waitlisted Online" in html and "New In Person" not in html
    html = client.get(url("index"), {"session_format": "in_person"}).content.decode()
    assert "New In Person" in html and "Waitlisted Online" not in html
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    html = client.get(url("index"), {"created_at_from": since}).content.decode()
    assert "Old One" not in html and "New In Person" in html
    html = client.get(url("index"), {"assigned_to": clinician_user.pk}).content.decode()
    assert "New In Person" in html and "Old One" not in html


@pytest.mark.parametrize("query", ["Quincy", "quincy@client.example", "+13035550199"])
def test_search_finds_requests_by_name_email_or_phone(client, front_desk_user, query):
    AppointmentRequestFactory(name="Quincy Adams", email="quincy@client.example", phone="+13035550199")
    AppointmentRequestFactory(name="Someone Else")
    client.force_login(front_desk_user)
    html = client.get(url("index"), {"q": query}).content.decode()
    assert "Quincy Adams" in html and "Someone Else" not in html


def test_export_neutralises_spreadsheet_formulas_and_logs_the_export(client, front_desk_user):
    appointment_request = AppointmentRequestFactory(
        name='=HYPERLINK("http://evil.example")', message="+SUM(A1)", heard_about="@home", availability_note="-1"
    )
    client.force_login(front_desk_user)
    response = client.get(url("index"), {"export": "csv"})
    assert response.status_code == 200
    assert 'filename="appointment-requests.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["Name"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["Message"] == "'+SUM(A1)"
    assert rows[0]["How they heard of the practice"] == "'@home"
    assert rows[0]["Availability note"] == "'-1"
    entry = logs(appointment_request, "scheduling.export").get()
    assert entry.user == front_desk_user


def test_menu_label_carries_the_count_of_new_requests(client, front_desk_user):
    AppointmentRequestFactory.create_batch(3)
    AppointmentRequestFactory(status=Status.CONTACTED)
    client.force_login(front_desk_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Requests (3)" in html


def test_dashboard_panel_summarises_the_queue(client, front_desk_user, settings):
    oldest, _ = AppointmentRequestFactory.create_batch(2)
    AppointmentRequest.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(days=2, hours=3))
    due = AppointmentRequestFactory(status=Status.CLOSED)
    AppointmentRequest.objects.filter(pk=due.pk).update(updated_at=timezone.now() - timedelta(days=360))
    client.force_login(front_desk_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert panel_rows(html, "appointment-requests") == {
        "New, waiting for the front desk": "2 new requests",  # The link says what it counts.
        "Oldest waiting": "2 days",
        "Received in the last 7 days": "3",
        "Deleted in the next 14 days (no change for 365 days, or spam for 30)": "1",
    }
    assert '/admin/appointment-requests/?status=new">2<' in html


# Inspect, triage, history


def test_inspect_reads_yes_no_and_a_dash_for_what_is_empty(client, front_desk_user):
    appointment_request = AppointmentRequestFactory(voicemail_ok=False, acknowledgement_ok=True, pronouns="")
    client.force_login(front_desk_user)
    html = client.get(url("inspect", appointment_request.pk)).content.decode()
    fields = inspect_fields(html)
    assert fields["Voicemail mentioning the practice is OK"] == "No"
    assert fields["Wants an email confirming receipt"] == "Yes"
    assert fields["Pronouns"] == "—"
    assert fields["Attested being in Colorado for online sessions at"] == "—"
    assert not {"True", "False", "None", ""} & set(fields.values())


def test_inspect_shows_the_request_escaped_and_logs_the_view(client, front_desk_user):
    appointment_request = AppointmentRequestFactory(
        message="<script>alert(1)</script>", preferred_times=["monday-morning"]
    )
    client.force_login(front_desk_user)
    html = client.get(url("inspect", appointment_request.pk)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Monday morning" in html
    assert logs(appointment_request, "scheduling.view").get().user == front_desk_user


def test_edit_form_holds_only_the_triage_fields(client, front_desk_user):
    appointment_request = AppointmentRequestFactory()
    client.force_login(front_desk_user)
    html = client.get(url("edit", appointment_request.pk)).content.decode()
    for field in ("status", "assigned_to", "scheduled_for", "internal_notes"):
        assert f'name="{field}"' in html
    for field in ("name", "email", "phone", "message"):
        assert f'name="{field}"' not in html


def test_triage_logs_changes_without_personal_text(client, front_desk_user, clinician_user):
    appointment_request = AppointmentRequestFactory()
    client.force_login(front_desk_user)
    response = client.post(
        url("edit", appointment_request.pk),
        triage_post(
            status="scheduled",
            assigned_to=clinician_user.pk,
            scheduled_for="2030-03-04 15:30",
            internal_notes="Prefers afternoons; mentioned anxiety",
        ),
    )
    assert response.status_code == 302
    appointment_request.refresh_from_db()
    assert appointment_request.status == Status.SCHEDULED
    assert appointment_request.scheduled_for == datetime(2030, 3, 4, 15, 30, tzinfo=DENVER)
    entry = logs(appointment_request, "scheduling.triage").get()
    assert entry.label == f"Request #{appointment_request.pk}"
    assert entry.data["changes"]["status"] == ["new", "scheduled"]
    assert entry.data["changes"]["assigned_to"] == [None, clinician_user.username]
    assert entry.data["changes"]["internal_notes"] == "changed"
    assert "anxiety" not in str(entry.data)
    assert not logs(appointment_request, "wagtail.edit").exists()

    history = client.get(url("history", appointment_request.pk)).content.decode()
    assert "Status: new → scheduled" in history
    assert "Internal notes changed" in history
    assert appointment_request.name not in history
    assert "anxiety" not in history


def test_scheduled_without_a_time_is_refused(client, front_desk_user):
    appointment_request = AppointmentRequestFactory()
    client.force_login(front_desk_user)
    response = client.post(url("edit", appointment_request.pk), triage_post(status="scheduled"))
    assert response.status_code == 200
    assert "Enter the date and time of the appointment." in response.content.decode()


def test_no_add_view_for_requests(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/appointment-requests/new/").status_code == 404
    assert "/admin/appointment-requests/new/" not in client.get(url("index")).content.decode()


# Confirmation with calendar file


def test_front_desk_sends_a_confirmation_with_a_calendar_file(
    client, front_desk_user, practice_details, django_capture_on_commit_callbacks
):
    appointment_request = AppointmentRequestFactory(
        name="Casey Lane", status=Status.SCHEDULED, scheduled_for=datetime(2030, 7, 1, 16, 0, tzinfo=DENVER)
    )
    client.force_login(front_desk_user)
    assert "Send the confirmation email" in client.get(url("edit", appointment_request.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("send_confirmation", appointment_request.pk))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [appointment_request.email]
    assert "Hello Casey," in message.body
    assert "Monday, July 1, 2030 at 4:00 PM (Mountain Time), 50 minutes" in message.body
    assert appointment_request.message not in message.body
    filename, content, mimetype = message.attachments[0]
    assert filename == "appointment.ics"
    assert mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2030, 7, 1, 16, 0, tzinfo=DENVER)
    assert str(event["dtstart"].params["TZID"]) == "America/Denver"
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=50)
    assert str(event["location"]) == "1550 Larimer Street, Denver, CO 80202"
    assert "(303) 578-9317" in str(event["description"])
    assert "Casey" not in content and appointment_request.message not in content
    appointment_request.refresh_from_db()
    assert appointment_request.confirmation_sent_at is not None
    assert logs(appointment_request, "scheduling.confirmation").exists()


def test_online_confirmation_says_the_link_comes_separately(
    client, front_desk_user, practice_details, django_capture_on_commit_callbacks
):
    appointment_request = AppointmentRequestFactory(
        status=Status.SCHEDULED,
        session_format=SessionFormat.ONLINE,
        scheduled_for=datetime(2030, 1, 10, 9, 0, tzinfo=DENVER),
    )
    client.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("send_confirmation", appointment_request.pk))
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert str(event["location"]) == "Online — the video link will be sent separately"
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=-7)


def test_front_desk_closing_a_confirmed_appointment_emails_the_client_a_cancellation(
    client, front_desk_user, practice_details, django_capture_on_commit_callbacks
):
    appointment_request = AppointmentRequestFactory(
        status=Status.SCHEDULED, scheduled_for=datetime(2030, 7, 1, 16, 0, tzinfo=DENVER)
    )
    client.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("send_confirmation", appointment_request.pk))
    assert "cancels the appointment" in client.get(url("edit", appointment_request.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("edit", appointment_request.pk), triage_post(status="closed", scheduled_for="2030-07-01 16:00")
        )
    assert response.status_code == 302
    confirmation, cancellation = mail.outbox
    assert cancellation.to == [appointment_request.email]
    assert "is cancelled" in cancellation.body
    confirmed = Calendar.from_ical(confirmation.attachments[0][1]).walk("VEVENT")[0]
    filename, content, mimetype = cancellation.attachments[0]
    parsed = Calendar.from_ical(content)
    cancelled = parsed.walk("VEVENT")[0]
    assert (filename, str(parsed["method"]), str(cancelled["status"])) == ("appointment.ics", "CANCEL", "CANCELLED")
    assert mimetype == "text/calendar; method=CANCEL; charset=utf-8"
    assert cancelled["uid"] == confirmed["uid"]
    assert cancelled["sequence"] > confirmed["sequence"]
    assert logs(appointment_request, "scheduling.cancellation").exists()
    history = client.get(url("history", appointment_request.pk)).content.decode()
    assert "Sent the appointment cancellation" in history


def test_confirmation_needs_a_scheduled_time(client, front_desk_user, django_capture_on_commit_callbacks):
    appointment_request = AppointmentRequestFactory(status=Status.CONTACTED)
    client.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("send_confirmation", appointment_request.pk), follow=True)
    assert "Set the status to Scheduled" in response.content.decode()
    assert mail.outbox == []


# Who may see what


# The rows (every admin URL of the viewset, GET and POST) live in tests/permissions.py, shared with the
# reliability suite, which runs the same matrix over the newsletter's viewsets.
@pytest.mark.parametrize("row", matrix_rows("appointment_requests"), ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, row, role, django_capture_on_commit_callbacks):
    assert_admin_access(client, row=row, role=role, capture_on_commit=django_capture_on_commit_callbacks)


@pytest.mark.parametrize(("role", "allowed"), [("editor_user", False), ("front_desk_user", True), ("superuser", True)])
def test_only_staff_with_the_change_permission_can_triage_or_send(
    client, request, role, allowed, django_capture_on_commit_callbacks
):
    appointment_request = AppointmentRequestFactory(
        status=Status.SCHEDULED, scheduled_for=timezone.now() + timedelta(days=3)
    )
    client.force_login(request.getfixturevalue(role))
    client.post(
        url("edit", appointment_request.pk),
        triage_post(status="scheduled", scheduled_for="2030-03-04 15:30", internal_notes="Called back"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("send_confirmation", appointment_request.pk))
    appointment_request.refresh_from_db()
    assert (appointment_request.internal_notes == "Called back") is allowed
    assert bool(mail.outbox) is allowed


@pytest.mark.parametrize("role", ["front_desk_user", "clinician_user", "editor_user"])
def test_only_superusers_can_delete_requests(client, request, role):
    appointment_request = AppointmentRequestFactory()
    client.force_login(request.getfixturevalue(role))
    client.post(url("delete", appointment_request.pk))
    assert AppointmentRequest.objects.filter(pk=appointment_request.pk).exists()


def test_menu_and_panel_are_hidden_without_the_permission(client, editor_user):
    AppointmentRequestFactory()
    client.force_login(editor_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "appointment-requests" not in html  # Neither the menu item (its name and URL) nor the panel.
    assert "Appointment requests" not in html
