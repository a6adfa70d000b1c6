"""Let the "Clinician" staff group view subscribers and mailings (never change them: subscribers manage themselves).

The group is shared by the whole site (the scheduling app's roles migration
creates it with the rest of its permissions); each app grants its own models'.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLINICIAN = "Clinician"
PERMISSIONS = [("newsletter", "view_subscriber"), ("newsletter", "view_mailing")]


def _permissions(apps):
    # Model permissions are created after the whole migration run on a fresh database: create them now.
    app_config = apps.get_app_config("newsletter")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in PERMISSIONS
    ]


def grant(apps, schema_editor):
    clinician, _ = apps.get_model("auth", "Group").objects.get_or_create(name=CLINICIAN)
    clinician.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    clinician = apps.get_model("auth", "Group").objects.filter(name=CLINICIAN).first()
    if clinician is not None:
        clinician.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
