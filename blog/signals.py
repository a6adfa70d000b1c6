"""Signal receivers for the blog app: one line each, calling a service."""

from blog import services


def fill_display_date_on_publish(sender, instance, **kwargs):
    services.article_display_date_fill(page=instance)


def announce_article_on_publish(sender, instance, revision=None, **kwargs):
    services.article_announce(page=instance, revision=revision)
