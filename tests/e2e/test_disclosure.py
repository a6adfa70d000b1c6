"""The disclosure statement in the browser: accessible at phone and desktop sizes, printable, in the footer;
the front desk's queue with the Good Faith Estimate column."""

import os
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browsing import settle, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_disclosure_statement_is_accessible_and_printable(
    page: Page, viewport, demo_site, browser_problems, assert_no_axe_violations
):
    visit(page, demo_site.url + "/")
    page.locator("footer").get_by_role("link", name="Disclosure statement").click()
    expect(page).to_have_url(re.compile(r"/disclosure-statement/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Disclosure statement")
    expect(page.get_by_role("heading", name="Your rights as a client")).to_be_visible()
    expect(page.get_by_role("button", name="Print this statement")).to_be_visible()  # shown by its script
    settle(page)
    assert_no_axe_violations(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this statement")).to_be_hidden()
    if os.environ.get("SCREENSHOTS_DIR") and viewport["width"] > 1000:
        page.emulate_media(media="screen")
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS_DIR"], "guide-clinician-disclosure.png"))
    browser_problems.assert_none()


def test_front_desk_sees_estimate_due_dates_and_filters_overdue(
    page: Page, demo_site, browser_problems, assert_no_axe_violations
):
    from tests.scheduling.factories import AppointmentRequestFactory, UserFactory

    UserFactory(username="frontdesk", groups=[Group.objects.get(name="Front desk")])
    today = timezone.localdate()
    AppointmentRequestFactory(name="Casey Lane", good_faith_estimate_due_on=today - timedelta(days=1))
    AppointmentRequestFactory(name="Drew Moss", good_faith_estimate_due_on=today + timedelta(days=3))
    page.set_viewport_size({"width": 1280, "height": 800})
    visit(page, demo_site.url + "/admin/login/")
    page.fill("#id_username", "frontdesk")
    page.fill("#id_password", "correct-horse-battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Requests (2)", exact=True)).to_be_visible()
    page.get_by_role("link", name="Requests (2)", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("columnheader", name=re.compile("Estimate due"))).to_be_visible()
    expect(page.locator("td .w-status", has_text="Overdue")).to_have_count(1)
    assert_no_axe_violations(page)
    if os.environ.get("SCREENSHOTS_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS_DIR"], "guide-front-desk-estimates.png"))
    visit(page, demo_site.url + "/admin/appointment-requests/?good_faith_estimate=overdue")
    expect(page.get_by_role("link", name="Casey Lane")).to_be_visible()
    expect(page.get_by_role("link", name="Drew Moss")).to_have_count(0)
    browser_problems.assert_none()
