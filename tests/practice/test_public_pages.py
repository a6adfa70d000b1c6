"""`outside_private_sections()`: Wagtail's `public()` in the same query, with the same answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from practice.models import outside_private_sections
from tests.practice.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(home_page):
    open_section = StandardPageFactory(parent=home_page, slug="open")
    StandardPageFactory(parent=open_section, slug="open-child")
    # Siblings before and after the private section: only what is at or below it is hidden.
    private = StandardPageFactory(parent=home_page, slug="private")
    StandardPageFactory(parent=private, slug="private-child")
    StandardPageFactory(parent=home_page, slug="after")
    return private


def slugs(queryset):
    return sorted(queryset.values_list("slug", flat=True))


def test_no_restriction_hides_nothing(sections):
    assert slugs(Page.objects.filter(outside_private_sections())) == slugs(Page.objects.all())


def test_same_pages_as_wagtail_public_for_every_kind_of_restriction(sections, django_user_model):
    PageViewRestriction.objects.create(page=sections, restriction_type=PageViewRestriction.LOGIN)
    expected = slugs(Page.objects.public())
    assert "private" not in expected and "private-child" not in expected and "open-child" in expected
    assert slugs(Page.objects.filter(outside_private_sections())) == expected

    nested = Page.objects.get(slug="open-child")
    PageViewRestriction.objects.create(page=nested, restriction_type=PageViewRestriction.PASSWORD, password="x")
    expected = slugs(Page.objects.public())
    assert "open-child" not in expected and "open" in expected
    assert slugs(Page.objects.filter(outside_private_sections())) == expected


def test_one_query_where_wagtail_needs_two(sections):
    PageViewRestriction.objects.create(page=sections, restriction_type=PageViewRestriction.LOGIN)
    with CaptureQueriesContext(connection) as wagtail:
        list(Page.objects.public())
    with CaptureQueriesContext(connection) as ours:
        list(Page.objects.filter(outside_private_sections()))
    assert (len(wagtail), len(ours)) == (2, 1)
