"""The admin permission matrix (tests/permissions.py) over every viewset, and proof that it misses no URL.

The appointment-request rows run in tests/scheduling/test_admin.py; this module runs the rest.
"""

import pytest
from django.urls import get_resolver

from tests.permissions import MATRIX, ROLES, assert_admin_access, matrix_rows

pytestmark = pytest.mark.django_db

ADMIN_VIEWSETS = (
    "appointment_requests",
    "newsletter_subscribers",
    "newsletter_mailings",
    "wagtailsnippets_blog_person",
    "booking_calendar",
    "booking_waitlist",
    "booking_weekly_hours",
    "booking_exceptions",
)


@pytest.mark.parametrize("row", matrix_rows(exclude=("appointment_requests",)), ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, row, role, django_capture_on_commit_callbacks):
    assert_admin_access(client, row=row, role=role, capture_on_commit=django_capture_on_commit_callbacks)


def _url_names(namespace: str) -> set[str]:
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    return {name for name in resolver.reverse_dict if isinstance(name, str)}


@pytest.mark.parametrize("viewset", ADMIN_VIEWSETS)
def test_every_admin_url_of_every_viewset_is_in_the_matrix(viewset):
    covered = {row.name for row in MATRIX if row.viewset == viewset}
    assert _url_names(viewset) == covered
