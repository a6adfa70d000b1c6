"""A reader subscribes from a page's footer, confirms from the email, gets one new-article email and leaves."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from wagtail.rich_text import RichText

from blog.models import ArticleIndexPage, ArticlePage
from newsletter.models import Mailing, Subscriber, SubscriberStatus

pytestmark = pytest.mark.e2e


def local(url: str, demo_site) -> str:
    """Emails link to SITE_URL; open the same path on the live server."""
    parts = urlsplit(url)
    return demo_site.url + parts.path


def link_in(text: str, fragment: str) -> str:
    return next(word for word in text.split() if fragment in word)


def publish_article(title: str) -> ArticlePage:
    """The clinician publishes a new article, with "Email subscribers" on (the editor's default)."""
    index = ArticleIndexPage.objects.get()
    article = ArticlePage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        summary="A short summary.",
        body=[("paragraph", RichText("<p>Words.</p>"))],
        notify_subscribers=True,
    )
    index.add_child(instance=article)
    article.save_revision().publish()
    return article


def test_reader_subscribes_confirms_gets_one_email_and_unsubscribes_with_one_click(
    page: Page, demo_site, mailoutbox, browser_problems, assert_no_axe_violations
):
    page.goto(demo_site.url + ArticlePage.objects.live().first().url)
    footer = page.locator(".newsletter-signup")
    footer.get_by_label("Email address").fill("reader@example.com")
    footer.get_by_label("First name (optional)").fill("Robin")
    footer.get_by_role("button", name="Subscribe").click()

    expect(page).to_have_url(re.compile(r"/newsletter/check-your-inbox/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert_no_axe_violations(page)

    assert [m.to for m in mailoutbox] == [["reader@example.com"]]
    page.goto(local(link_in(mailoutbox[0].body, "/newsletter/confirm/"), demo_site))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    assert_no_axe_violations(page)
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING  # Opening the link changed nothing.
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You’re subscribed")
    assert_no_axe_violations(page)

    article = publish_article("A new article")
    article_emails = [m for m in mailoutbox if m.subject == "A new article"]
    assert [m.to for m in article_emails] == [["reader@example.com"]]
    assert Mailing.objects.get(page=article)
    article.save_revision().publish()  # Re-publishing sends nothing more.
    assert len([m for m in mailoutbox if m.subject == "A new article"]) == 1

    unsubscribe = local(article_emails[0].extra_headers["List-Unsubscribe"].strip("<>"), demo_site)
    assert article_emails[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.goto(unsubscribe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe from our newsletter")
    assert_no_axe_violations(page)
    # What the mail client's one-click button sends (RFC 8058): no cookies, no CSRF token.
    one_click = page.context.request.post(unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert one_click.ok
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED

    publish_article("The next article")
    assert not [m for m in mailoutbox if m.subject == "The next article"]
    browser_problems.assert_none()


def test_newsletter_page_and_its_error_states_are_accessible(
    page: Page, viewport, demo_site, browser_problems, assert_no_axe_violations
):
    page.goto(demo_site.url + "/newsletter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe to our newsletter")
    assert_no_axe_violations(page)

    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Email address")).to_have_value("not an address")
    assert_no_axe_violations(page)
    summary.get_by_role("link", name=re.compile("Enter an email address")).click()
    expect(page.get_by_label("Email address")).to_be_focused()

    # The footer form's errors land on the same page.
    page.goto(demo_site.url + "/")
    page.locator(".newsletter-signup").get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address")
    assert_no_axe_violations(page)

    for path, status in [("/newsletter/confirm/tampered/", 404), ("/newsletter/unsubscribe/tampered/", 404)]:
        browser_problems.expect_status(demo_site.url + path, status)
        response = page.goto(demo_site.url + path)
        assert response.status == status
        expect(page.get_by_role("heading", level=1)).to_have_text("This link doesn’t work")
        assert_no_axe_violations(page)

    browser_problems.assert_none()


def test_cross_site_post_gets_a_clear_accessible_page(
    page: Page, demo_site, browser_problems, assert_no_axe_violations
):
    endpoint = demo_site.url + "/newsletter/subscribe/"
    browser_problems.expect_status(endpoint, 403)
    # A page on another origin (127.0.0.1 vs localhost) posting to the footer endpoint. It is the
    # attacker's own page, so it does not carry this site's policy (whose form-action 'self' would
    # stop the post in the browser already): the server must refuse it by itself.
    attacker_page = demo_site.url.replace("localhost", "127.0.0.1") + "/attacker/"
    page.route(
        attacker_page,
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><html lang="en"><title>Elsewhere</title><main><h1>Elsewhere</h1></main></html>',
        ),
    )
    page.goto(attacker_page)
    page.evaluate(
        """(endpoint) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = endpoint;
            const input = document.createElement("input");
            input.name = "email";
            input.value = "victim@example.com";
            form.append(input);
            document.body.append(form);
            form.submit();
        }""",
        endpoint,
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn’t accept this form")
    assert_no_axe_violations(page)
    assert not Subscriber.objects.exists()
    browser_problems.assert_none()
