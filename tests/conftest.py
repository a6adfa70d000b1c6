"""Shared fixtures: temporary media, the site tree, practice details."""

import pytest
from wagtail.models import Page, Site

from practice.models import PracticeDetails
from tests.practice.factories import HomePageFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
    details.office_address = "1550 Larimer Street\nDenver, CO 80202"
    details.service_area = "In person in Denver; online anywhere in Colorado"
    details.save()
    return details
