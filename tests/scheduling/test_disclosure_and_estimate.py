"""The request form's disclosure consent, and the Good Faith Estimate's due date, badge, filter and sent date."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from scheduling import services
from scheduling.models.appointments import AppointmentRequest, EstimateStatus, Payment, Status
from tests.blog.factories import DisclosureStatementPageFactory, licensed_person
from tests.scheduling.factories import AppointmentRequestFactory

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")


def url(name, *args):
    return reverse(f"appointment_requests:{name}", args=args)


@pytest.fixture
def disclosure_page(home_page, practice_details, scheduling_page):
    page = DisclosureStatementPageFactory(parent=home_page, clinician=licensed_person())
    practice_details.disclosure_page = page
    practice_details.save()
    return page


def submit(client, data, capture):
    with capture(execute=True):
        return client.post("/schedule/", data)


# The disclosure consent


def test_form_asks_to_confirm_the_disclosure_statement_and_links_it(client, disclosure_page):
    html = client.get("/schedule/").content.decode()
    assert 'name="disclosure_acknowledged"' in html
    assert "I have read the disclosure statement" in html
    assert f'<a href="{disclosure_page.url}">Read the disclosure statement</a>' in html


def test_form_without_a_published_statement_does_not_ask(client, scheduling_page):
    assert 'name="disclosure_acknowledged"' not in client.get("/schedule/").content.decode()


def test_the_consent_is_required_and_listed_in_the_error_summary(client, disclosure_page, valid_post):
    del valid_post["disclosure_acknowledged"]
    response = client.post("/schedule/", valid_post)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="#id_disclosure_acknowledged">Tick the box to confirm you have read the disclosure statement</a>'
        in html
    )
    assert not AppointmentRequest.objects.exists()


def test_the_consent_is_stored_with_the_statement_version(
    client, disclosure_page, practice_details, valid_post, django_capture_on_commit_callbacks
):
    response = submit(client, valid_post, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    stored = AppointmentRequest.objects.get()
    assert stored.disclosure_acknowledged_at is not None
    assert stored.disclosure_version == disclosure_page.statement_version(details=practice_details)
    assert stored.disclosure_version.startswith(f"{disclosure_page.last_reviewed:%Y-%m-%d}.")
    # The client's acknowledgement links the statement; the front desk's alert says nothing about the request.
    acknowledgement = next(message for message in mail.outbox if message.to == [stored.email])
    assert disclosure_page.full_url in acknowledgement.body
    alert = next(message for message in mail.outbox if message.to != [stored.email])
    for private in ("self-pay", "Self-pay", "estimate", "Estimate", stored.name, "disclosure"):
        assert private not in alert.body
        assert private not in alert.alternatives[0][0]


# The due date


def test_a_self_pay_request_is_due_an_estimate_three_business_days_later(
    client, scheduling_page, valid_post, django_capture_on_commit_callbacks
):
    submit(client, valid_post, django_capture_on_commit_callbacks)
    stored = AppointmentRequest.objects.get()
    received = timezone.localdate(stored.created_at)
    assert stored.good_faith_estimate_due_on == stored.good_faith_estimate_deadline().due_on
    assert stored.good_faith_estimate_due_on > received


def test_an_insured_request_is_due_no_estimate(
    client, scheduling_page, valid_post, django_capture_on_commit_callbacks
):
    submit(
        client,
        valid_post | {"payment": "insurance", "insurance_provider": "Anthem"},
        django_capture_on_commit_callbacks,
    )
    stored = AppointmentRequest.objects.get()
    assert stored.good_faith_estimate_due_on is None
    assert stored.good_faith_estimate_status() == EstimateStatus.NOT_NEEDED


def test_scheduling_sets_the_date_of_scheduling_once_and_moves_the_deadline(front_desk_user, settings):
    received = datetime(2026, 12, 1, 10, tzinfo=DENVER)  # a Tuesday: due Friday Dec 4 as a request
    appointment_request = AppointmentRequestFactory(good_faith_estimate_due_on=date(2026, 12, 4))
    AppointmentRequest.objects.filter(pk=appointment_request.pk).update(created_at=received)
    appointment_request.refresh_from_db()
    services.appointment_request_triage(
        appointment_request=appointment_request,
        user=front_desk_user,
        status=Status.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=60),
    )
    appointment_request.refresh_from_db()
    first = appointment_request.first_scheduled_at
    assert first is not None
    # Scheduled today, weeks ahead: 3 business days after today, or the request's Dec 4 if that is sooner.
    assert appointment_request.good_faith_estimate_due_on == min(
        date(2026, 12, 4), appointment_request.good_faith_estimate_deadline().due_on
    )
    services.appointment_request_triage(
        appointment_request=appointment_request,
        user=front_desk_user,
        status=Status.SCHEDULED,
        scheduled_for=timezone.now() + timedelta(days=90),
    )
    appointment_request.refresh_from_db()
    assert appointment_request.first_scheduled_at == first  # A new time never restarts the clock.


def test_statuses_on_a_given_day():
    today = date(2026, 12, 7)
    overdue = AppointmentRequestFactory(good_faith_estimate_due_on=date(2026, 12, 4))
    due = AppointmentRequestFactory(good_faith_estimate_due_on=today)
    sent = AppointmentRequestFactory(good_faith_estimate_due_on=date(2026, 12, 4), good_faith_estimate_sent_on=today)
    insured = AppointmentRequestFactory(payment=Payment.INSURANCE, insurance_provider="Anthem")
    declined = AppointmentRequestFactory(good_faith_estimate_due_on=date(2026, 12, 4), status=Status.DECLINED)
    expected = {
        EstimateStatus.OVERDUE: [overdue],
        EstimateStatus.DUE: [due],
        EstimateStatus.SENT: [sent],
        EstimateStatus.NOT_NEEDED: [insured, declined],
    }
    for status, requests in expected.items():
        assert set(AppointmentRequest.objects.estimate_status(status, today=today)) == set(requests)
        assert all(item.good_faith_estimate_status(today=today) == status for item in requests)


# The front desk's queue


def test_queue_shows_the_due_date_with_an_overdue_badge_and_filters_by_it(client, front_desk_user):
    today = timezone.localdate()
    AppointmentRequestFactory(name="Olive Overdue", good_faith_estimate_due_on=today - timedelta(days=2))
    AppointmentRequestFactory(name="Dana Due", good_faith_estimate_due_on=today + timedelta(days=2))
    AppointmentRequestFactory(name="Ivy Insured", payment=Payment.INSURANCE, insurance_provider="Anthem")
    client.force_login(front_desk_user)
    html = client.get(url("index")).content.decode()
    assert "Estimate due" in html
    assert f'<time datetime="{today - timedelta(days=2):%Y-%m-%d}">' in html
    assert html.count("Overdue") >= 2  # the badge, and the filter's choice
    overdue_only = client.get(url("index"), {"good_faith_estimate": "overdue"}).content.decode()
    assert "Olive Overdue" in overdue_only and "Dana Due" not in overdue_only and "Ivy Insured" not in overdue_only
    not_needed = client.get(url("index"), {"good_faith_estimate": "not_needed"}).content.decode()
    assert "Ivy Insured" in not_needed and "Olive Overdue" not in not_needed


def test_front_desk_records_when_the_estimate_was_sent(client, front_desk_user):
    today = timezone.localdate()
    appointment_request = AppointmentRequestFactory(good_faith_estimate_due_on=today - timedelta(days=1))
    client.force_login(front_desk_user)
    assert 'name="good_faith_estimate_sent_on"' in client.get(url("edit", appointment_request.pk)).content.decode()
    data = {"status": "contacted", "assigned_to": "", "scheduled_for": "", "internal_notes": ""}
    response = client.post(url("edit", appointment_request.pk), data | {"good_faith_estimate_sent_on": f"{today}"})
    assert response.status_code == 302
    appointment_request.refresh_from_db()
    assert appointment_request.good_faith_estimate_sent_on == today
    assert appointment_request.good_faith_estimate_status() == EstimateStatus.SENT
    entry = ModelLogEntry.objects.get(object_id=str(appointment_request.pk), action="scheduling.triage")
    assert entry.data["changes"]["good_faith_estimate_sent_on"] == [None, today.isoformat()]
    inspect = client.get(url("inspect", appointment_request.pk)).content.decode()
    assert "3 business days after the request" in inspect


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "can’t be in the future"), (-30, "before the request arrived")],
)
def test_a_sent_date_in_the_future_or_before_the_request_is_refused(client, front_desk_user, days, message):
    appointment_request = AppointmentRequestFactory(good_faith_estimate_due_on=timezone.localdate())
    client.force_login(front_desk_user)
    sent_on = timezone.localdate() + timedelta(days=days)
    data = {"status": "contacted", "assigned_to": "", "scheduled_for": "", "internal_notes": ""}
    response = client.post(url("edit", appointment_request.pk), data | {"good_faith_estimate_sent_on": f"{sent_on}"})
    assert response.status_code == 200
    assert message in response.content.decode()
    appointment_request.refresh_from_db()
    assert appointment_request.good_faith_estimate_sent_on is None


def test_a_user_without_the_change_permission_cannot_record_the_sent_date(client, editor_user):
    appointment_request = AppointmentRequestFactory(good_faith_estimate_due_on=timezone.localdate())
    client.force_login(editor_user)
    data = {"status": "contacted", "good_faith_estimate_sent_on": f"{timezone.localdate()}"}
    response = client.post(url("edit", appointment_request.pk), data)
    assert response.status_code in (302, 403)
    appointment_request.refresh_from_db()
    assert appointment_request.good_faith_estimate_sent_on is None


def test_export_carries_the_estimate_dates_and_the_disclosure_version(client, front_desk_user):
    AppointmentRequestFactory(
        good_faith_estimate_due_on=date(2026, 12, 4),
        good_faith_estimate_sent_on=date(2026, 12, 3),
        disclosure_version="2026-12-01.abcdef0123",
    )
    client.force_login(front_desk_user)
    response = client.get(url("index"), {"export": "csv"})
    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["Good Faith Estimate due"] == "2026-12-04"
    assert row["Good Faith Estimate sent"] == "2026-12-03"
    assert row["Disclosure statement version"] == "2026-12-01.abcdef0123"
