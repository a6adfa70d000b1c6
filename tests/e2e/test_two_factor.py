"""Two-factor sign-in in a real browser: set up with the keyboard, then sign in with a code."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.browsing import wait_until
from tests.e2e.test_csp import RECORD_VIOLATIONS
from tests.scheduling.factories import UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


def code_for(device: TOTPDevice, *, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def sign_in(page, site_url: str, username: str) -> None:
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")


def settled(page):
    """The page once Wagtail's messages have faded in: axe must see their final colours."""
    wait_until(
        page,
        "document.getAnimations().every((animation) => animation.playState !== 'running'"
        " || !animation.effect.target.closest('.messages'))",
    )
    return page


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def test_setting_up_and_signing_in_with_a_code(page, demo_site, settings, assert_no_axe_violations):
    settings.ADMIN_TWO_FACTOR_REQUIRED = True
    user = UserFactory(username="frankie", is_superuser=True, is_staff=True)
    page.add_init_script(RECORD_VIOLATIONS)

    sign_in(page, demo_site.url, "frankie")
    page.wait_for_url("**/admin/two-factor/setup/**")
    assert page.locator("h1").inner_text() == "Set up two-factor sign-in"
    assert page.locator(".two-factor__qr svg").is_visible()
    # The admin's icons load (they come from a URL of their own, before the second factor too).
    wait_until(page, "document.querySelector('[data-sprite] svg symbol') !== null")
    assert_no_axe_violations(settled(page))

    # A wrong code: the error is listed at the top and links to the field.
    page.fill("#id_code", "000000")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary_link = page.locator('.messages a[href="#id_code"]')
    assert "did not match" in summary_link.inner_text()
    assert_no_axe_violations(settled(page))

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    page.fill("#id_code", code_for(device))
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/two-factor/backup-codes/**")
    assert page.locator(".two-factor__codes li").count() == 10
    assert_no_axe_violations(settled(page))
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url(demo_site.url + "/admin/")
    assert csp_violations(page) == []

    # A new session (another day): the code from the app (the next one: the first was used up).
    page.context.clear_cookies()
    sign_in(page, demo_site.url, "frankie")
    page.wait_for_url("**/admin/two-factor/verify/**")
    assert_no_axe_violations(settled(page))
    device.refresh_from_db()
    page.fill("#id_code", code_for(device, drift=1))
    page.keyboard.press("Enter")
    page.wait_for_url(demo_site.url + "/admin/")
    assert csp_violations(page) == []
