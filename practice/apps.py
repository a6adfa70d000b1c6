from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice"

    def ready(self):
        from practice import signals

        post_migrate.connect(signals.sync_site_after_migrate, sender=self)
        post_migrate.connect(signals.sync_staff_roles_after_migrate, sender=self)
        # Menus, listings, related articles and feeds change site-wide: clear every cached page.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(signals.clear_caches_after_content_change)
        post_save.connect(signals.clear_caches_after_model_change, dispatch_uid="practice-cache-model-save")
        post_delete.connect(signals.clear_caches_after_model_change, dispatch_uid="practice-cache-model-delete")
