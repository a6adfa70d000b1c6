"""The Content-Security-Policy holds in a real browser: public pages and the admin run without a violation."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from blog.models import ArticlePage
from tests.e2e import browsing

pytestmark = pytest.mark.e2e

# Every violation fires this event in the page; Playwright's init script is injected by
# the browser itself, so the policy does not block the listener.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile || document.location}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""
PROJECT_APPS = {"scheduling", "newsletter", "blog", "practice"}


@pytest.fixture
def violations(page):
    page.add_init_script(RECORD_VIOLATIONS)
    seen: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and seen.append(message.text))

    def check(where: str) -> None:
        found = seen + page.evaluate("window.__cspViolations || []")
        assert found == [], f"CSP violations on {where}:\n" + "\n".join(found)

    return check


def visit(page, url):
    response = browsing.visit(page, url)
    assert response.status < 400, f"{url} answered {response.status}"


def test_public_pages_run_without_csp_violations(page, demo_site, violations):
    article = ArticlePage.objects.live().order_by("pk").first()
    paths = ["/", "/about/", "/faq/", "/articles/", article.url, "/search/?q=anxiety", "/schedule/", "/newsletter/"]
    for path in paths:
        visit(page, demo_site.url + path)
        violations(path)


def test_admin_runs_without_csp_violations(page, demo_site, violations):
    get_user_model().objects.create_superuser(username="editor", email="", password="a long enough password")
    visit(page, demo_site.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long enough password")
    page.click("button[type=submit]")
    page.wait_for_url(demo_site.url + "/admin/")
    page.wait_for_load_state("networkidle")
    violations("the dashboard")

    article = ArticlePage.objects.live().order_by("pk").first()
    visit(page, f"{demo_site.url}/admin/pages/{article.pk}/edit/")
    page.click('[data-side-panel-toggle="preview"]')
    preview = page.frame_locator("iframe[title]").first
    preview.locator("h1").first.wait_for()
    violations("a page edit with the preview open")

    listings = [
        viewset.menu_url
        for viewset in admin_viewsets.viewsets
        if isinstance(viewset, ModelViewSet) and viewset.model._meta.app_label in PROJECT_APPS
    ]
    assert len(listings) >= 4, listings  # appointment requests, subscribers, mailings, people
    home = article.get_site().root_page
    wagtail_screens = ["/admin/images/", "/admin/documents/", "/admin/redirects/", f"/admin/pages/{home.pk}/"]
    wagtail_screens.append(f"/admin/settings/practice/practicedetails/{article.get_site().pk}/")
    for url in listings + wagtail_screens:
        visit(page, demo_site.url + url)
        violations(url)


def test_a_public_page_cannot_post_a_form_to_another_site_or_be_framed(page, demo_site):
    """form-action 'self' and frame-ancestors 'none', enforced by the browser (an injected form, a framing page)."""
    page.add_init_script(RECORD_VIOLATIONS)
    visit(page, demo_site.url + "/newsletter/")
    elsewhere = demo_site.url.replace("localhost", "127.0.0.1") + "/collect/"
    posted: list[str] = []
    page.route(elsewhere, lambda route: (posted.append(route.request.url), route.fulfill(body="collected")))
    page.evaluate(
        """(action) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            document.body.append(form);
            form.submit();
        }""",
        elsewhere,
    )
    browsing.wait_until(page, "window.__cspViolations.length > 0")
    assert page.evaluate("window.__cspViolations")[0].startswith("form-action blocked")
    assert posted == []

    framer = demo_site.url.replace("localhost", "127.0.0.1") + "/framer/"
    page.route(
        framer,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<!doctype html><title>Framer</title><iframe src="{demo_site.url}/"></iframe>',
        ),
    )
    page.goto(framer)
    page.wait_for_load_state("networkidle")
    framed = page.frames[1]
    assert framed.url.startswith("chrome-error://"), "a public page loaded inside another site's frame"
