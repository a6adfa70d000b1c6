"""Create the staff groups "Front desk" and "Clinician" with least-privilege permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FRONT_DESK = "Front desk"
CLINICIAN = "Clinician"
REQUESTS = [("scheduling", "view_appointmentrequest"), ("scheduling", "change_appointmentrequest")]
ADMIN = [("wagtailadmin", "access_admin")]
FRONT_DESK_PERMISSIONS = [*ADMIN, *REQUESTS]
# Model permissions of apps that may not exist yet (newsletter's subscribers and
# mailings, a people snippet) are granted by those apps' own migrations.
CLINICIAN_PERMISSIONS = [
    *ADMIN,
    *REQUESTS,
    ("practice", "change_practicedetails"),
    ("wagtailredirects", "add_redirect"),
    ("wagtailredirects", "change_redirect"),
    ("wagtailredirects", "delete_redirect"),
]
CLINICIAN_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
CLINICIAN_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
APPS = ["scheduling", "practice", "wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "wagtailredirects"]


def _permission(Permission, app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_roles(apps, schema_editor):
    # Django creates model permissions after the whole migration run
    # (post_migrate), so on a fresh database they don't exist yet: create them now.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    front_desk, _ = Group.objects.get_or_create(name=FRONT_DESK)
    front_desk.permissions.add(*(_permission(Permission, *pair) for pair in FRONT_DESK_PERMISSIONS))

    clinician, _ = Group.objects.get_or_create(name=CLINICIAN)
    clinician.permissions.add(*(_permission(Permission, *pair) for pair in CLINICIAN_PERMISSIONS))
    root_page = Page.objects.filter(depth=1).first()
    if root_page is not None:
        for codename in CLINICIAN_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=clinician, page=root_page, permission=_permission(Permission, "wagtailcore", codename)
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for pair in CLINICIAN_COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=clinician, collection=root_collection, permission=_permission(Permission, *pair)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[FRONT_DESK, CLINICIAN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        ("practice", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
