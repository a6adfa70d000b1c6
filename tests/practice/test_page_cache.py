import logging

import pytest
from django.core.cache import caches
from django.test import override_settings
from wagtail.models import PageViewRestriction

from practice.models import PracticeDetails
from practice.settings.base import redis_caches
from tests.practice.factories import StandardPageFactory
from tests.scheduling.factories import SchedulingPageFactory

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = redis_caches("redis://127.0.0.1:1/0")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def about(home_page, practice_details):
    page = StandardPageFactory(parent=home_page, slug="about", title="About")
    page.save_revision().publish()
    return page


def test_anonymous_readers_get_whole_pages_from_the_cache(client, about, django_assert_num_queries):
    first = client.get("/about/")
    assert first["X-Page-Cache"] == "miss"
    assert "max-age=300" in first["Cache-Control"]
    assert "public" in first["Cache-Control"]

    with django_assert_num_queries(0):
        second = client.get("/about/")

    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert "public" in second["Cache-Control"]
    assert second.content == first.content
    # Served before the other middleware runs, a hit still carries every security header.
    for header in ("Content-Security-Policy", "Permissions-Policy", "Referrer-Policy", "X-Content-Type-Options"):
        assert second[header] == first[header]


def test_static_files_and_the_admin_skip_the_page_cache(client, about, django_assert_num_queries):
    client.get("/about/")
    assert "X-Page-Cache" not in client.get("/static/practice/css/site.css")
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_publishing_anything_clears_the_cached_pages(client, home_page, about):
    client.get("/about/")
    assert client.get("/about/")["X-Page-Cache"] == "hit"

    StandardPageFactory(parent=home_page, slug="services", title="Services").save_revision().publish()

    response = client.get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assert ">Services</a>" in response.content.decode()  # the new page is in the menu at once


@pytest.mark.parametrize("change", ["unpublish", "delete", "move", "settings"])
def test_other_site_changes_clear_the_cached_pages(client, home_page, about, practice_details, change):
    other = StandardPageFactory(parent=home_page, slug="other")
    other.save_revision().publish()
    client.get("/about/")
    assert client.get("/about/")["X-Page-Cache"] == "hit"

    if change == "unpublish":
        other.unpublish()
    elif change == "delete":
        other.delete()
    elif change == "move":
        other.move(about, pos="last-child")
    else:
        details = PracticeDetails.objects.get()
        details.phone = "(720) 555-0100"
        details.save()

    assert client.get("/about/")["X-Page-Cache"] == "miss"


def test_saving_a_draft_keeps_the_cache(client, about):
    client.get("/about/")
    about.title = "About (draft)"
    about.save_revision()
    assert client.get("/about/")["X-Page-Cache"] == "hit"


def test_signed_in_visitors_and_posts_are_never_cached(client, admin_user, about):
    client.force_login(admin_user)
    assert "X-Page-Cache" not in client.get("/about/")
    assert "X-Page-Cache" not in client.get("/about/")
    client.logout()
    client.cookies.clear()
    assert "X-Page-Cache" not in client.post("/about/")


def test_form_pages_and_restricted_pages_are_never_cached(client, home_page, about):
    schedule = SchedulingPageFactory(parent=home_page, slug="schedule")
    schedule.save_revision().publish()
    private = StandardPageFactory(parent=home_page, slug="private")
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="secret")

    for url in ("/schedule/", "/private/", "/no-such-page/"):
        client.get(url)
        assert "X-Page-Cache" not in client.get(url), url


def test_a_cache_outage_serves_pages_uncached(client, about, caplog, monkeypatch):
    monkeypatch.setattr("practice.cache._last_warning", 0.0)
    with override_settings(CACHES=UNREACHABLE_REDIS), caplog.at_level(logging.WARNING):
        first = client.get("/about/")
        second = client.get("/about/")

    assert first.status_code == second.status_code == 200
    assert second.get("X-Page-Cache") != "hit"
    assert "Cache unavailable" in caplog.text


def test_publishing_during_a_cache_outage_still_publishes(home_page, practice_details):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        page = StandardPageFactory(parent=home_page, slug="news", live=False)
        page.save_revision().publish()
    page.refresh_from_db()
    assert page.live
