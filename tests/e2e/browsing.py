"""How the browser tests move around a page: open it, wait for it, and wait for its images.

Public pages and the admin run under a strict Content-Security-Policy. Playwright's
``wait_for_function`` compiles its expression with ``eval`` inside the page whenever it has
to poll, which that policy blocks, so these helpers poll from here with ``page.evaluate``
(run by the browser's debugging protocol, which the policy does not cover).
"""

import time

from playwright.sync_api import Page


def visit(page: Page, url: str):
    """Open a URL and wait until the page has finished loading what it asks for."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def wait_until(page: Page, expression: str, timeout: float = 5.0) -> None:
    """Poll a JavaScript expression until it is true."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def settle(page: Page) -> None:
    """Bring every image into view (lazy ones load only then), wait for them and the network to go quiet."""
    for image in page.locator("img").all():
        image.scroll_into_view_if_needed()
    wait_until(page, "[...document.images].every((image) => image.complete)", timeout=30)
    page.wait_for_load_state("networkidle")
    broken = page.locator("img").evaluate_all(
        "(images) => images.filter((image) => image.naturalWidth === 0).map((image) => image.currentSrc || image.src)"
    )
    assert not broken, f"Images that did not load on {page.url}: {broken}"
