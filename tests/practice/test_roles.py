"""The staff groups' permissions (practice/roles.py), as `migrate` leaves them on a fresh or upgraded database."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, Page

from practice.roles import AVAILABILITY, CLINICIAN, FRONT_DESK, ROLES, staff_roles_sync

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
        *AVAILABILITY,
    }
    front_desk = Group.objects.get(name="Front desk")
    assert not front_desk.page_permissions.exists()
    assert not front_desk.collection_permissions.exists()


def test_clinician_edits_pages_images_and_documents_everywhere():
    clinician = Group.objects.get(name=CLINICIAN)
    page_codenames = set(
        clinician.page_permissions.filter(page=Page.get_first_root_node()).values_list(
            "permission__codename", flat=True
        )
    )
    assert page_codenames == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
    collection_codenames = set(
        clinician.collection_permissions.filter(collection=Collection.get_first_root_node()).values_list(
            "permission__codename", flat=True
        )
    )
    assert collection_codenames == {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }


def test_sync_restores_what_an_upgraded_database_lacks_and_keeps_what_was_granted_by_hand():
    front_desk = Group.objects.get(name=FRONT_DESK)
    front_desk.permissions.remove(Permission.objects.get(codename="change_appointmentrequest"))
    granted_by_hand = Permission.objects.get(codename="view_subscriber")
    front_desk.permissions.add(granted_by_hand)
    Group.objects.filter(name=CLINICIAN).delete()

    staff_roles_sync()
    staff_roles_sync()  # idempotent

    assert "scheduling.change_appointmentrequest" in codenames(FRONT_DESK)
    assert "newsletter.view_subscriber" in codenames(FRONT_DESK)
    assert codenames(CLINICIAN) == set(ROLES[CLINICIAN].permissions)
    assert Group.objects.get(name=CLINICIAN).page_permissions.count() == 5


@pytest.mark.parametrize("group_name", [FRONT_DESK, CLINICIAN])
def test_front_desk_and_clinician_keep_the_hours_and_booking_rules(group_name):
    granted = codenames(group_name)
    assert {
        "scheduling.add_weeklyhours",
        "scheduling.change_weeklyhours",
        "scheduling.delete_weeklyhours",
        "scheduling.add_availabilityexception",
        "scheduling.change_availabilityexception",
        "scheduling.delete_availabilityexception",
        "scheduling.change_bookingsettings",
    } <= granted
    # Held times change only through a request (offer, confirm, decline), never edited as rows.
    assert not {name for name in granted if name.endswith(("_slothold", "_heldblock"))}


def test_editors_get_nothing_of_booking():
    granted = codenames("Editors")
    assert not {
        name
        for name in granted
        if name.split("_", 1)[-1]
        in {"weeklyhours", "availabilityexception", "bookingsettings", "slothold", "heldblock", "appointmentrequest"}
    }
