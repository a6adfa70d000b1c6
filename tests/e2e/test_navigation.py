"""A visitor finds their way around the site, by mouse, touch and keyboard, at phone and desktop sizes."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browsing import settle, visit

pytestmark = pytest.mark.e2e

MAIN_NAV = 'nav[aria-label="Main"]'


def test_visitor_navigates_home_about_faq(page: Page, viewport, demo_site, browser_problems, assert_no_axe_violations):
    visit(page, demo_site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    settle(page)
    assert_no_axe_violations(page)

    nav = page.locator(MAIN_NAV)
    about_link = nav.get_by_role("link", name="About Dr. Meaghan")
    about_link.click()
    expect(page).to_have_url(re.compile(r"/about/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("About Dr. Meaghan")
    expect(about_link).to_have_attribute("aria-current", "page")
    settle(page)
    assert_no_axe_violations(page)

    nav.get_by_role("link", name="Frequently asked questions").click()
    expect(page).to_have_url(re.compile(r"/faq/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Frequently asked questions")
    expect(nav.get_by_role("link", name="Frequently asked questions")).to_have_attribute("aria-current", "page")
    faq = page.locator("details.faq").first
    answer = faq.locator(".faq__answer")
    expect(answer).to_be_hidden()
    faq.locator("summary").click()
    expect(faq).to_have_attribute("open", "")
    expect(answer).to_be_visible()
    settle(page)
    assert_no_axe_violations(page)

    browser_problems.assert_none()


def test_keyboard_user_can_skip_to_main_content(page: Page, viewport, demo_site, browser_problems):
    visit(page, demo_site.url + "/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()

    browser_problems.assert_none()


def test_not_found_page_is_friendly_and_accessible(
    page: Page, viewport, demo_site, browser_problems, assert_no_axe_violations
):
    url = demo_site.url + "/no-such-page/"
    browser_problems.expect_status(url, 404)

    response = visit(page, url)

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("couldn’t find")
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
    assert_no_axe_violations(page)
    browser_problems.assert_none()


def test_pages_make_no_third_party_requests(page: Page, viewport, demo_site, requested_urls):
    for path in ["/", "/about/", "/faq/"]:
        visit(page, demo_site.url + path)
        settle(page)

    assert requested_urls, "The browser recorded no requests at all."
    elsewhere = [
        url
        for url in requested_urls
        if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).netloc != demo_site.netloc
    ]
    assert not elsewhere, f"Requests to hosts other than the site ({demo_site.netloc}): {elsewhere}"
