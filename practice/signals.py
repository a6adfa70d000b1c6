"""Signal receivers for the practice app: one line each, calling a service."""

from practice import services


def sync_site_after_migrate(sender, using="default", **kwargs):
    services.site_sync_with_site_url(using=using)
