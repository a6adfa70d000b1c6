"""The staff groups' permissions, as the migrations leave them on a fresh database."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_clinician_can_view_subscribers_and_mailings_and_edit_people():
    granted = codenames("Clinician")
    assert {"newsletter.view_subscriber", "newsletter.view_mailing"} <= granted
    assert {"blog.add_person", "blog.change_person", "blog.delete_person"} <= granted
    assert {"scheduling.view_appointmentrequest", "scheduling.change_appointmentrequest"} <= granted
    # Subscribers manage themselves; appointment requests are never deleted by hand.
    assert not {"newsletter.change_subscriber", "newsletter.delete_subscriber"} & granted
    assert "scheduling.delete_appointmentrequest" not in granted


def test_front_desk_sees_requests_but_no_subscribers_and_no_pages():
    granted = codenames("Front desk")
    assert granted == {
        "wagtailadmin.access_admin",
        "scheduling.view_appointmentrequest",
        "scheduling.change_appointmentrequest",
    }
    front_desk = Group.objects.get(name="Front desk")
    assert not front_desk.page_permissions.exists()
    assert not front_desk.collection_permissions.exists()
