from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice"

    def ready(self):
        from practice import signals

        post_migrate.connect(signals.sync_site_after_migrate, sender=self)
