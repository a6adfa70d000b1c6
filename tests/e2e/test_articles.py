"""A reader goes from the home page to an article, its tag, a related article and the feed, without barriers."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browsing import settle, visit

pytestmark = pytest.mark.e2e


def test_reader_follows_home_article_tag_related_and_feed(
    page: Page, viewport, demo_site, browser_problems, assert_no_axe_violations, requested_urls
):
    visit(page, demo_site.url + "/")
    latest = page.locator("section.latest-articles")
    expect(latest.locator(".article-card")).to_have_count(3)
    first_title = latest.locator(".article-card__title a").first.inner_text()
    latest.get_by_role("link", name=first_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first_title)
    expect(page.locator(".article__meta")).to_contain_text("min read")
    expect(page.get_by_role("navigation", name="In this article")).to_be_visible()
    expect(page.locator(".reflection")).to_be_visible()
    settle(page)
    assert_no_axe_violations(page)

    tag_link = page.locator(".tag-list a").first
    tag_name = tag_link.inner_text()
    tag_link.click()
    expect(page).to_have_url(re.compile(r"/articles/\?tag="))
    expect(page.locator(".tag-filter")).to_contain_text(f"Showing articles tagged {tag_name}")
    settle(page)
    assert_no_axe_violations(page)

    page.locator(".article-card__title a").first.click()
    related = page.locator("section.related-articles")
    expect(related.locator(".article-card")).to_have_count(3)
    related_title = related.locator(".article-card__title a").first.inner_text()
    related.get_by_role("link", name=related_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(related_title)
    settle(page)
    assert_no_axe_violations(page)

    feed_href = page.locator('link[rel="alternate"][type="application/rss+xml"]').get_attribute("href")
    response = page.request.get(demo_site.url + feed_href)
    assert response.ok and "<content:encoded>" in response.text()

    assert all(url.startswith(demo_site.url) for url in requested_urls), "a public page asked another host"
    browser_problems.assert_none()


def test_index_and_search_pass_axe_and_work_by_keyboard(
    page: Page, viewport, demo_site, browser_problems, assert_no_axe_violations
):
    visit(page, demo_site.url + "/articles/")
    expect(page.locator(".article-card")).to_have_count(9)
    settle(page)
    assert_no_axe_violations(page)

    visit(page, demo_site.url + "/search/")
    search = page.get_by_label("Search articles and pages")
    search.focus()
    page.keyboard.type("boundaries")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=boundaries"))
    expect(page.locator(".search-result").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Boundaries Without Guilt"))).to_be_visible()
    settle(page)
    assert_no_axe_violations(page)
    browser_problems.assert_none()
