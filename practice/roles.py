"""The staff roles, "Front desk" and "Clinician": one least-privilege definition, synced after every `migrate`."""

from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

FRONT_DESK = "Front desk"
CLINICIAN = "Clinician"

ADMIN = ["wagtailadmin.access_admin"]
# The front desk works through appointment requests; nobody deletes one by hand (they are purged on schedule).
REQUESTS = ["scheduling.view_appointmentrequest", "scheduling.change_appointmentrequest"]
# Both keep the practice's hours: weekly hours, exceptions (holidays, extra hours) and the booking rules.
AVAILABILITY = [
    "scheduling.add_weeklyhours",
    "scheduling.change_weeklyhours",
    "scheduling.delete_weeklyhours",
    "scheduling.add_availabilityexception",
    "scheduling.change_availabilityexception",
    "scheduling.delete_availabilityexception",
    "scheduling.change_bookingsettings",
]


@dataclass(frozen=True)
class Role:
    permissions: list[str]
    # Wagtail's page permissions on the whole tree, and image/document permissions on the root collection.
    page_permissions: list[str] = field(default_factory=list)
    collection_permissions: list[str] = field(default_factory=list)


ROLES = {
    FRONT_DESK: Role(permissions=[*ADMIN, *REQUESTS, *AVAILABILITY]),
    CLINICIAN: Role(
        permissions=[
            *ADMIN,
            *REQUESTS,
            *AVAILABILITY,
            "practice.change_practicedetails",
            "wagtailredirects.add_redirect",
            "wagtailredirects.change_redirect",
            "wagtailredirects.delete_redirect",
            "blog.add_person",
            "blog.change_person",
            "blog.delete_person",
            # Subscribers manage themselves: the clinician sees them and the mailings, never changes them.
            "newsletter.view_subscriber",
            "newsletter.view_mailing",
        ],
        page_permissions=["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
        collection_permissions=[
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
            "wagtaildocs.choose_document",
        ],
    ),
}


def _permission(name: str, *, using: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)


def staff_roles_sync(*, using: str = "default") -> None:
    """Create the staff groups, or add what they lack, as ROLES defines them: permissions an administrator
    granted by hand stay."""
    labels = {
        name.split(".")[0] for role in ROLES.values() for name in (*role.permissions, *role.collection_permissions)
    }
    # post_migrate reaches apps one at a time: make sure every app's model permissions exist already.
    for label in sorted(labels):
        create_permissions(django_apps.get_app_config(label), verbosity=0, using=using)
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for name, role in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*(_permission(permission, using=using) for permission in role.permissions))
        if root_page is not None:
            for codename in role.page_permissions:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group, page=root_page, permission=_permission(f"wagtailcore.{codename}", using=using)
                )
        if root_collection is not None:
            for permission in role.collection_permissions:
                GroupCollectionPermission.objects.using(using).get_or_create(
                    group=group, collection=root_collection, permission=_permission(permission, using=using)
                )
