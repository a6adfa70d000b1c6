"""A visitor asks for an appointment with the keyboard on a phone; the front desk works the request."""

import re
from datetime import UTC

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import Page, expect

from scheduling.models.appointments import AppointmentRequest, NotificationKind, Status
from scheduling.models.availability import HoldState
from tests.e2e.browsing import visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def tab_to(page: Page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element is focused, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        if target.evaluate("(element) => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def tick(page: Page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")


@pytest.fixture
def quick_form(settings):
    # Keyboard robots type faster than people: don't let the time-to-submit check file this as spam.
    settings.APPOINTMENT_MIN_SUBMIT_SECONDS = 0


def test_visitor_requests_an_appointment_with_the_keyboard_on_a_phone(
    page: Page, demo_site, quick_form, browser_problems, assert_no_axe_violations
):
    page.set_viewport_size(PHONE)
    visit(page, demo_site.url + "/")
    page.get_by_role("link", name="Schedule with Dr. Meaghan").first.click()
    expect(page).to_have_url(re.compile(r"/schedule/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#good-faith-estimate")).to_be_hidden()  # Revealed by choosing self-pay.
    assert_no_axe_violations(page)

    type_into(page, "#id_name", "Jordan Rivers")
    type_into(page, "#id_email", "jordan@")
    tab_to(page, ".request-form__submit")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#id_name")).to_have_value("Jordan Rivers")
    assert_no_axe_violations(page)

    # The summary's link takes the keyboard straight to the field.
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name=re.compile("correct format"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("jordan@client.example")

    type_into(page, "#id_phone", "(303) 555-0147")
    tick(page, "#id_contact_method_0")
    page.keyboard.press("ArrowDown")  # Text message
    tick(page, "#id_voicemail_ok_0")
    tab_to(page, "#id_voicemail_ok_0")
    page.keyboard.press("ArrowDown")  # No
    tick(page, "#id_acknowledgement_ok_0")
    tick(page, "#id_sessions_for_0")
    tick(page, "#id_client_type_0")
    tick(page, "#id_session_format_0")
    page.keyboard.press("ArrowDown")  # Online video
    expect(page.locator("#id_in_colorado")).to_be_visible()
    tick(page, "#id_in_colorado")
    # The open times of the format chosen; none suits this visitor: from the first, the arrow wraps to the last
    # choice of the group, "None of these times work", which reveals the usual times and the waitlist.
    expect(page.locator('.slots[data-reveal-when="session_format=in_person"]')).to_be_hidden()
    first_online = page.locator('.slots[data-reveal-when="session_format=online"] input[name="slot"]').first
    expect(page.locator("#id_preferred_times_1")).to_be_hidden()
    tab_to(page, f"#{first_online.get_attribute('id')}")
    page.keyboard.press("ArrowUp")
    expect(page.locator('input[name="slot"][value="none"]')).to_be_focused()
    expect(page.locator('input[name="slot"][value="none"]')).to_be_checked()
    tick(page, "#id_preferred_times_1")
    tick(page, "#id_waitlist")
    tick(page, "#id_payment_0")
    expect(page.locator("#good-faith-estimate")).to_be_visible()
    type_into(page, "#id_message", "Looking for support with a big change.")
    tick(page, "#id_consent")
    tick(page, "#id_privacy_acknowledged")
    tick(page, "#id_disclosure_acknowledged")
    tab_to(page, ".request-form__submit")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/schedule/thank-you/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — we have your request")
    expect(page.get_by_text("We will get back to you within one business day")).to_be_visible()
    assert_no_axe_violations(page)
    browser_problems.assert_none()

    stored = AppointmentRequest.objects.get()
    assert stored.status == Status.NEW
    assert stored.contact_method == "text" and stored.voicemail_ok is False
    assert stored.session_format == "online" and stored.colorado_attested_at is not None
    assert stored.preferred_times == ["monday-afternoon"]
    assert stored.requested_for is None and stored.waitlist_joined_at is not None
    assert stored.disclosure_acknowledged_at is not None and stored.disclosure_version
    assert stored.good_faith_estimate_due_on is not None  # self-pay
    assert [m.subject for m in mail.outbox] == ["New appointment request", mail.outbox[1].subject]


def test_visitor_chooses_an_open_time_with_the_keyboard_and_it_is_held_for_them(
    page: Page, demo_site, quick_form, browser_problems, assert_no_axe_violations
):
    page.set_viewport_size(PHONE)
    visit(page, demo_site.url + "/schedule/")
    type_into(page, "#id_name", "Robin Vale")
    type_into(page, "#id_email", "robin@client.example")
    type_into(page, "#id_phone", "(303) 555-0148")
    tick(page, "#id_contact_method_0")
    tick(page, "#id_voicemail_ok_0")
    tick(page, "#id_acknowledgement_ok_0")
    page.keyboard.press("ArrowDown")  # No confirmation email
    tick(page, "#id_sessions_for_0")
    tick(page, "#id_client_type_0")
    tick(page, "#id_session_format_0")  # In person
    in_person = page.locator('.slots[data-reveal-when="session_format=in_person"]')
    expect(in_person).to_be_visible()
    expect(page.locator('.slots[data-reveal-when="session_format=online"]')).to_be_hidden()
    assert_no_axe_violations(page)

    # The first week is open; the second opens from its summary with the keyboard.
    second_week = in_person.locator("details").nth(1)
    tab_to(page, '.slots[data-reveal-when="session_format=in_person"] details:nth-of-type(2) > summary')
    page.keyboard.press("Enter")
    expect(second_week).to_have_attribute("open", "")
    first_time = in_person.locator('input[name="slot"]').first
    chosen = first_time.get_attribute("value")
    tick(page, f"#{first_time.get_attribute('id')}")
    expect(first_time).to_be_checked()
    page.keyboard.press("ArrowDown")  # the next time
    second_time = in_person.locator('input[name="slot"]').nth(1)
    expect(second_time).to_be_checked()
    chosen = second_time.get_attribute("value")
    expect(page.locator("#id_preferred_times_1")).to_be_hidden()
    tick(page, "#id_payment_0")
    page.keyboard.press("ArrowDown")  # Insurance
    type_into(page, "#id_insurance_provider", "Anthem")
    tick(page, "#id_consent")
    tick(page, "#id_privacy_acknowledged")
    tick(page, "#id_disclosure_acknowledged")
    tab_to(page, ".request-form__submit")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/schedule/thank-you/\?time="))
    expect(page.get_by_role("heading", name="The time you asked for")).to_be_visible()
    assert_no_axe_violations(page)
    stored = AppointmentRequest.objects.get()
    hold = stored.slot_holds.get()
    assert hold.state == HoldState.HELD and stored.requested_for == hold.starts_at
    assert chosen == f"in_person@{hold.starts_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"

    # The time is gone for the next visitor; choosing nothing is summarised and linked to the times.
    visit(page, demo_site.url + "/schedule/")
    assert page.locator(f'input[name="slot"][value="{chosen}"]').count() == 0
    tick(page, "#id_session_format_0")
    page.keyboard.press("ArrowDown")  # Online
    tab_to(page, ".request-form__submit")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("Choose a time"))).to_have_attribute("href", "#id_slot_0")
    tab_to(page, '.error-summary a[href="#id_slot_0"]')
    page.keyboard.press("Enter")
    expect(page.locator("#id_slot_0")).to_be_focused()
    expect(page.locator("#id_slot_0")).to_be_visible()
    assert_no_axe_violations(page)
    browser_problems.assert_none()


def test_front_desk_schedules_a_request_and_sends_the_confirmation(
    page: Page, demo_site, browser_problems, assert_no_axe_violations
):
    from tests.scheduling.factories import AppointmentRequestFactory, UserFactory

    # The staff roles are kept after every migrate, and after the flush between transactional tests too.
    front_desk = Group.objects.get(name="Front desk")
    UserFactory(username="frontdesk", groups=[front_desk])
    appointment_request = AppointmentRequestFactory(name="Casey Lane")
    AppointmentRequestFactory(name="Drew Moss")
    page.set_viewport_size({"width": 1280, "height": 900})

    visit(page, demo_site.url + "/admin/login/")
    page.fill("#id_username", "frontdesk")
    page.fill("#id_password", "correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name="Requests (2)", exact=True)).to_be_visible()
    expect(page.locator("#appointment-requests-section")).to_contain_text("New, waiting for the front desk")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Requests (2)", exact=True).click()
    page.get_by_role("link", name="Casey Lane").click()
    expect(page.locator("#id_status")).to_be_visible()
    page.select_option("#id_status", "scheduled")
    page.fill("#id_scheduled_for", "2030-03-04 15:30")
    page.keyboard.press("Escape")
    page.locator("button[type=submit]", has_text="Save").first.click()
    page.wait_for_load_state("networkidle")

    appointment_request.refresh_from_db()
    assert appointment_request.status == Status.SCHEDULED
    assert appointment_request.scheduled_for is not None

    visit(page, demo_site.url + f"/admin/appointment-requests/edit/{appointment_request.pk}/")
    page.get_by_role("button", name="Send the confirmation email").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("is on its way to the client")).to_be_visible()
    confirmation = [m for m in mail.outbox if m.to == [appointment_request.email]]
    assert len(confirmation) == 1 and confirmation[0].attachments[0][0] == "appointment.ics"
    assert appointment_request.deliveries.filter(kind=NotificationKind.APPOINTMENT_CONFIRMATION).exists()
    browser_problems.assert_none()
