"""Wagtail admin hooks: the newsletter menu, its dashboard panel, and its permissions."""

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy

from newsletter.models import Mailing, Subscriber
from newsletter.viewsets import NewsletterViewSetGroup, mailing_permission_policy, subscriber_permission_policy

register_permission_policy(Subscriber, subscriber_permission_policy)
register_permission_policy(Mailing, mailing_permission_policy)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return NewsletterViewSetGroup()


class NewsletterPanel(Component):
    name = "newsletter"
    template_name = "newsletter/admin/dashboard_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        return {
            "active_count": Subscriber.objects.active().count(),
            "last_mailing": Mailing.objects.with_progress().first(),
        }


@hooks.register("construct_homepage_panels")
def add_newsletter_panel(request, panels):
    if subscriber_permission_policy.user_has_permission(request.user, "view"):
        panels.append(NewsletterPanel())
