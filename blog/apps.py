from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Articles"

    def ready(self):
        from wagtail.signals import page_published

        from blog import signals
        from blog.models import ArticlePage

        page_published.connect(signals.fill_display_date_on_publish, sender=ArticlePage)
        # After the date is filled in: the email shows the article as readers will see it.
        page_published.connect(signals.announce_article_on_publish, sender=ArticlePage)
