"""Browser tests: Debian's Chromium, driven by pytest-playwright, against pytest-django's live server.

Without Chromium the tests skip, unless E2E_REQUIRED=1 (CI), where they fail.
E2E_CHROMIUM names another Chromium binary (or a missing one, to check the skip).
"""

import os
import shutil
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from practice.demo.loader import demo_content_load
from tests.validators import HTML, is_public_page

# The sync Playwright API runs an asyncio event loop in the test's thread, and
# Django refuses database access from a thread with a running loop otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_MISSING = (
    "Chromium not found: install Debian's chromium package (apt-get install -y chromium) to run browser tests"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}
# WCAG 2.2 A and AA (axe files each success criterion under the version that added it), plus best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last, after pytest-django has put transactional tests at the end.

    The live server needs a transactional database, flushed after every test:
    that deletes Wagtail's root page, Site, Locale and root collection, which
    migrations made, and which database tests running later may expect.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


def chromium_find() -> str | None:
    """The Chromium binary to drive: E2E_CHROMIUM if set, else Debian's chromium."""
    override = os.environ.get("E2E_CHROMIUM")
    candidates = [override] if override else ["chromium", "/usr/bin/chromium"]
    for candidate in candidates:
        path = shutil.which(candidate)
        if path:
            return path
    return None


# Browser


@pytest.fixture(scope="session", autouse=True)
def chromium_executable() -> str:
    """Skip every browser test without Chromium, or fail them when E2E_REQUIRED=1."""
    path = chromium_find()
    if path is None:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(CHROMIUM_MISSING)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_executable: str) -> dict:
    """pytest-playwright's launch options, on the system Chromium: never a downloaded browser.

    The `browser` fixture depends on this one, so the skip above happens before any launch.
    """
    return {**browser_type_launch_args, "executable_path": chromium_executable, "args": CHROMIUM_ARGS}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest, page) -> dict:
    """Run the test at a phone's and at a desktop's viewport size."""
    size = VIEWPORTS[request.param]
    page.set_viewport_size(size)
    return size


# Site


@dataclass(frozen=True)
class DemoSite:
    url: str

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc


def _wagtail_foundations() -> None:
    """What Wagtail's migrations create, and a transactional test's flush deletes."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.fixture
def demo_site(live_server) -> DemoSite:
    """The demo site (home, standard pages, images, practice details) behind the live server.

    The live server serves /media/ itself, from the MEDIA_ROOT of the running test.
    """
    # The flush after the previous transactional test left caches describing deleted rows.
    for alias in settings.CACHES:
        caches[alias].clear()
    ContentType.objects.clear_cache()
    _wagtail_foundations()
    demo_content_load()
    assert Site.objects.filter(is_default_site=True).exists()
    return DemoSite(url=live_server.url)


# Checks


@pytest.fixture(scope="session")
def axe() -> Axe:
    """axe-core from the axe-playwright-python package: injected from disk, never from a CDN."""
    return Axe()


def _axe_report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.fixture
def assert_no_axe_violations(axe: Axe):
    """Run axe (WCAG 2.2 A/AA and best practices) on the page as it is now; fail on any violation."""

    def check(page) -> None:
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        assert len(violations) == 0, (
            f"axe found {len(violations)} violation(s) on {page.url}:\n{_axe_report(violations)}"
        )

    return check


@dataclass
class BrowserProblems:
    """What the browser complains about: console errors, script errors, failed and 4xx/5xx loads."""

    found: list[str] = field(default_factory=list)
    expected_statuses: dict[str, int] = field(default_factory=dict)

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.found.append(f"uncaught script error: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def expect_status(self, url: str, status: int) -> None:
        """Accept this one error status, e.g. the 404 of a page that does not exist."""
        self.expected_statuses[url] = status

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if url in self.expected_statuses and message.text.startswith("Failed to load resource"):
            return  # Chromium logs every error status, the expected one too.
        self.found.append(f"console error: {message.text} (at {url})")

    def _on_response(self, response) -> None:
        if response.status >= 400 and self.expected_statuses.get(response.url) != response.status:
            self.found.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def _on_request_failed(self, request) -> None:
        # Leaving a page cancels what it was still loading: not the site's fault.
        if request.failure != "net::ERR_ABORTED":
            self.found.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def assert_none(self) -> None:
        assert len(self.found) == 0, "The browser reported problems:\n" + "\n".join(f"- {line}" for line in self.found)


@pytest.fixture
def browser_problems(page) -> BrowserProblems:
    """Record the browser's complaints for the whole test; call `.assert_none()` at the end."""
    problems = BrowserProblems()
    problems.watch(page)
    return problems


@pytest.fixture(autouse=True)
def _public_html_kept(request: pytest.FixtureRequest) -> None:
    """Keep the HTML of every public page and form state the test loads, for the Nu HTML Checker.

    The server's own HTML, as received (not the DOM after scripts ran); redirects have no body.
    """
    if "page" not in request.fixturenames:
        return
    page = request.getfixturevalue("page")
    HTML.pages_expected = True

    def keep(response) -> None:
        content_type = response.headers.get("content-type", "")
        if response.request.resource_type != "document" or not content_type.startswith("text/html"):
            return
        path = urlsplit(response.url).path
        if 300 <= response.status < 400 or not is_public_page(path):
            return
        if "content-security-policy" not in response.headers:
            return  # a page a test made up with page.route (another site), not one of ours
        HTML.add(response.text(), f"{response.request.method} {path} ({response.status}, {request.node.nodeid})")

    page.on("response", keep)


@pytest.fixture
def requested_urls(page) -> list[str]:
    """Every URL the page requests, in order."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls
