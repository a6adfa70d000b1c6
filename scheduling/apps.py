from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        from practice.outbox import outbox_register
        from scheduling.services import NOTIFICATION_OUTBOX

        outbox_register(NOTIFICATION_OUTBOX)
