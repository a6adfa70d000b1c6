"""The front desk's booking screens in the browser: the calendar, the waitlist, a request's held time and the
offer view, with the keyboard, axe-clean. SCREENSHOTS_DIR=docs takes the guide's screenshots."""

import os
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from scheduling.models.appointments import AppointmentRequest, SessionFormat, Status
from scheduling.models.availability import AvailabilityException, HoldState, SlotHold, WeeklyHours
from tests.e2e.browsing import visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DENVER = ZoneInfo("America/Denver")
DESKTOP = {"width": 1280, "height": 900}


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    """For the guide: the whole page (the admin scrolls inside its layout, so the window grows to fit it)."""
    if not os.environ.get("SCREENSHOTS_DIR"):
        return
    if full_page:
        height = page.evaluate(
            "Math.max(...[...document.querySelectorAll('main, main *')].map((e) => e.scrollHeight))"
        )
        page.set_viewport_size({"width": DESKTOP["width"], "height": min(max(height + 120, DESKTOP["height"]), 2400)})
    page.screenshot(path=os.path.join(os.environ["SCREENSHOTS_DIR"], name))
    page.set_viewport_size(DESKTOP)


def next_week(days: int, hour: int) -> datetime:
    """A time in Denver next week: `days` after next Monday."""
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday + timedelta(days=days), time(hour), tzinfo=DENVER)


def part_of_day(moment: datetime) -> str:
    part = "morning" if moment.hour < 12 else "afternoon" if moment.hour < 17 else "evening"
    return f"{moment:%A}".lower() + f"-{part}"


def booking_week():
    """A week like the practice's: hours, a visitor's held time, confirmed ones, a freed time and a waitlist."""
    from tests.scheduling.factories import AppointmentRequestFactory, SlotHoldFactory, WeeklyHoursFactory

    # These hours in place of the demo's, and none of its exceptions: the week must not depend on today's date.
    WeeklyHours.objects.all().delete()
    AvailabilityException.objects.all().delete()
    for weekday in range(5):
        WeeklyHoursFactory(weekday=weekday, starts=time(9), ends=time(15))
        WeeklyHoursFactory(weekday=weekday, session_format=SessionFormat.ONLINE, starts=time(16), ends=time(19))
    held_at = next_week(1, 10)
    casey = AppointmentRequestFactory(
        name="Casey Lane",
        preferred_name="",
        requested_for=held_at,
        preferred_times=[part_of_day(held_at), part_of_day(next_week(3, 10))],
        availability_note="Mornings work best",
    )
    SlotHoldFactory(appointment_request=casey, starts_at=held_at)
    for days, hour, name, session_format in [
        (0, 9, "Robin Ames", SessionFormat.IN_PERSON),
        (0, 16, "Sam Ortiz", SessionFormat.ONLINE),
        (2, 11, "Alex Byrne", SessionFormat.IN_PERSON),
        (3, 17, "Jamie Cole", SessionFormat.ONLINE),
    ]:
        client = AppointmentRequestFactory(name=name, session_format=session_format, status=Status.SCHEDULED)
        SlotHoldFactory(appointment_request=client, starts_at=next_week(days, hour), state=HoldState.CONFIRMED)
    SlotHoldFactory(
        appointment_request=AppointmentRequestFactory(name="Taylor Reed"),
        starts_at=next_week(4, 9),
        state=HoldState.DECLINED,
        ended_at=timezone.now() - timedelta(hours=3),
    )
    for days_ago, name, session_format, times in [
        (12, "Morgan Diaz", SessionFormat.IN_PERSON, ["friday-morning", "monday-morning"]),
        (6, "Devon Park", SessionFormat.ONLINE, ["tuesday-evening", "thursday-evening"]),
        (2, "Kai Moreno", SessionFormat.IN_PERSON, []),
    ]:
        waiting = AppointmentRequestFactory(
            name=name, session_format=session_format, preferred_times=times, status=Status.WAITLISTED
        )
        AppointmentRequest.objects.filter(pk=waiting.pk).update(
            waitlist_joined_at=timezone.now() - timedelta(days=days_ago)
        )
    return casey


def log_in_as_front_desk(page: Page, demo_site) -> None:
    from tests.scheduling.factories import UserFactory

    UserFactory(username="frontdesk", first_name="Frankie", groups=[Group.objects.get(name="Front desk")])
    page.set_viewport_size(DESKTOP)
    visit(page, demo_site.url + "/admin/login/")
    page.fill("#id_username", "frontdesk")
    page.fill("#id_password", "correct-horse-battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=re.compile(r"^Requests"))).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_front_desk_reads_the_calendar_and_the_waitlist(
    page: Page, demo_site, browser_problems, assert_no_axe_violations
):
    booking_week()
    log_in_as_front_desk(page, demo_site)

    page.get_by_role("button", name="Booking").click()
    page.get_by_role("link", name="Calendar").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Freed times")).to_be_visible()
    page.get_by_role("link", name="Next week").click()
    page.wait_for_load_state("networkidle")
    held_and_confirmed = page.locator("table.listing").first
    expect(held_and_confirmed.get_by_role("cell", name=re.compile("Request #"))).to_have_count(5)
    expect(page.locator("td .w-status", has_text="Held")).to_have_count(1)
    expect(page.locator("td .w-status", has_text="Confirmed")).to_have_count(4)
    expect(page.get_by_role("button", name=re.compile("^Offer this time"))).to_have_count(2)
    assert_no_axe_violations(page)
    screenshot(page, "screenshot-admin-calendar.png")

    page.get_by_role("link", name="Day", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name="Day", exact=True)).to_have_attribute("aria-current", "page")
    assert_no_axe_violations(page)

    visit(page, demo_site.url + "/admin/booking/waitlist/")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Morgan")
    assert_no_axe_violations(page)
    screenshot(page, "screenshot-admin-waitlist.png")
    browser_problems.assert_none()


def test_front_desk_offers_another_time_then_confirms_it(
    page: Page, demo_site, browser_problems, assert_no_axe_violations
):
    casey = booking_week()
    log_in_as_front_desk(page, demo_site)

    visit(page, demo_site.url + f"/admin/appointment-requests/edit/{casey.pk}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Requested time"))
    expect(panel).to_contain_text("held for them until")
    expect(panel.get_by_role("button", name="Confirm this time")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "screenshot-admin-held-time.png", full_page=False)

    panel.get_by_role("link", name="Offer another time").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Suits their preferred times").first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "screenshot-admin-offer.png")

    # With the keyboard: to the first time on Thursday, pick it, send the form.
    thursday = page.get_by_role("group", name=re.compile("^Thursday"))
    choice = thursday.get_by_role("radio").first
    choice.focus()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    page.get_by_role("button", name="Hold this time for them").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text(re.compile("is held for Request #"))).to_be_visible()
    hold = SlotHold.objects.get(appointment_request=casey, state=HoldState.HELD)
    assert f"{hold.starts_at.astimezone(DENVER):%A %H:%M}" == "Thursday 09:00"

    page.get_by_role("button", name="Confirm this time").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text(re.compile("is scheduled for"))).to_be_visible()
    casey.refresh_from_db()
    assert casey.status == Status.SCHEDULED and casey.scheduled_for == hold.starts_at
    assert [message.to for message in mail.outbox if message.attachments] == [[casey.email]]
    assert_no_axe_violations(page)
    browser_problems.assert_none()
