"""Fixtures of the scheduling tests: the page, a valid submission, staff in each role."""

import copy
import time

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.core.cache import cache

from scheduling.forms import TIMING_SALT
from tests.scheduling.factories import VALID_APPOINTMENT, SchedulingPageFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache; start every test from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scheduling_page(home_page, practice_details):
    page = SchedulingPageFactory(parent=home_page)
    page.save_revision().publish()
    practice_details.booking_page = page
    practice_details.good_faith_estimate = "<p>You have the right to receive a Good Faith Estimate.</p>"
    practice_details.save()
    return page


class _SignerOneMinuteAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 60)


def timing_token_signed_minute_ago() -> str:
    return _SignerOneMinuteAgo(salt=TIMING_SALT).sign("form")


@pytest.fixture
def old_timing_token():
    """A timing token signed a minute ago: a person taking their time passes the time-to-submit check."""
    return timing_token_signed_minute_ago()


@pytest.fixture
def valid_post(old_timing_token):
    return copy.deepcopy(VALID_APPOINTMENT) | {"started": old_timing_token}


@pytest.fixture
def front_desk_user(db):
    return UserFactory(groups=[Group.objects.get(name="Front desk")], first_name="Frankie")


@pytest.fixture
def clinician_user(db):
    return UserFactory(groups=[Group.objects.get(name="Clinician")], first_name="Meaghan")


@pytest.fixture
def editor_user(db):
    """A Wagtail editor: admin access, pages, but no permission on appointment requests."""
    return UserFactory(groups=[Group.objects.get(name="Editors")])


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)
