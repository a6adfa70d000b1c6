"""Shared fixtures: temporary media, the site tree, practice details; every sent email checked."""

import pytest
from django.core import mail
from django.core.cache import caches
from wagtail.models import Page, Site

from practice.models import PracticeDetails
from tests.practice.factories import HomePageFactory
from tests.validators import check_email, pytest_sessionfinish  # noqa: F401 - the Nu HTML Checker at the end


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: page fragments, settings and image renditions are cached by id, and
    ids are reused once a test's transaction is rolled back, which the signals that clear them never see."""
    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _every_email_checked(request, settings):
    """When a test ends, every email it sent meets tests/validators.py's checks (headers, calendar files)."""
    yield
    for message in getattr(mail, "outbox", []):
        check_email(message, request.node.nodeid)


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


@pytest.fixture
def home_page(root_page):
    home = HomePageFactory(parent=root_page, title="Home", slug="home-page")
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


@pytest.fixture
def site(home_page):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def practice_details(site):
    details = PracticeDetails.for_site(site)
    details.practice_name = "Better Lives, Building Tribes"
    details.clinician_name = "Dr. Meaghan"
    details.clinician_credentials = "PhD, Licensed Psychologist"
    details.phone = "(303) 578-9317"
    details.email = "hello@practice.example"
    details.front_desk_email = "frontdesk@practice.example"
    details.street_address = "1550 Larimer Street"
    details.address_locality = "Denver"
    details.address_region = "CO"
    details.postal_code = "80202"
    details.service_area = "In person in Denver; online anywhere in Colorado"
    details.save()
    return details
