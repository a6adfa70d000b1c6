"""Signal receivers for the practice app: one line each, calling a service."""

from django.db.models.signals import post_delete

from practice import roles, services


def sync_site_after_migrate(sender, using="default", **kwargs):
    services.site_sync_with_site_url(using=using)


def sync_staff_roles_after_migrate(sender, using="default", **kwargs):
    roles.staff_roles_sync(using=using)


def clear_caches_after_content_change(sender, **kwargs):
    services.site_caches_clear()


def clear_caches_after_model_change(sender, instance, signal, **kwargs):
    if services.model_change_affects_pages(instance=instance, deleted=signal is post_delete):
        services.site_caches_clear()
