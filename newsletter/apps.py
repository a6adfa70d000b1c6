from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from newsletter.messages import DELIVERY_OUTBOX
        from practice.outbox import outbox_register

        outbox_register(DELIVERY_OUTBOX)
