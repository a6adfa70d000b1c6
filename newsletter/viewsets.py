"""The newsletter in the Wagtail admin: subscribers (search, filters, CSV export, erase) and mailings (progress)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton, ListingButton
from wagtail.permission_policies.base import ModelPermissionPolicy

from newsletter import services
from newsletter.models import Mailing, Subscriber
from practice.admin_views import GuardedExportIndexView, ReadableInspectView
from practice.outbox import MAX_ATTEMPTS


class LimitedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, minus the actions no one may take here, superusers included: subscribers are never added
    or edited by hand (only double opt-in adds them, only they leave); mailings, the record that a page was
    announced, are made by publishing and only viewed."""

    def __init__(self, model, *, allowed: set[str], **kwargs):
        super().__init__(model, **kwargs)
        self.allowed = allowed

    def user_has_permission(self, user, action):
        return action in self.allowed and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) & self.allowed)


subscriber_permission_policy = LimitedPermissionPolicy(Subscriber, allowed={"delete", "view"})
mailing_permission_policy = LimitedPermissionPolicy(Mailing, allowed={"view"})


class SubscriberDeleteView(generic.DeleteView):
    def delete_action(self):
        # An erasure: the deliveries and every admin log entry about the subscriber go too, this one included.
        services.subscriber_delete(subscriber=self.object)


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "user"
    menu_label = "Subscribers"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = GuardedExportIndexView
    inspect_view_class = ReadableInspectView
    delete_view_class = SubscriberDeleteView
    list_display = ["email", "first_name", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["email", "first_name"]
    # Whoever may list subscribers may export them: the same "view" permission guards both.
    list_export = ["email", "first_name", "status", "created_at", "confirmed_at", "unsubscribed_at", "consent_version"]
    export_filename = "newsletter-subscribers"
    form_fields = ["first_name"]  # Required by ModelViewSet; editing is not permitted.
    inspect_view_fields = [
        "email",
        "first_name",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "source_page",
        "consent_version",
    ]


def _send_test_button(button_class, mailing: Mailing, **kwargs):
    url = reverse("newsletter_mailings:send_test", args=[mailing.pk])
    attrs = {"data-controller": "w-action", "data-action": "w-action#post"}
    return button_class("Send a test to me", url=url, icon_name="mail", attrs=attrs, **kwargs)


class MailingIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().with_progress().select_related("page")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("view"):
            buttons.append(_send_test_button(ListingButton, instance, priority=40))
        return buttons


PROGRESS_LABELS = {
    "deliveries_total": "Emails in total",
    "deliveries_pending": "Pending (first try or a retry with backoff to come)",
    "deliveries_sent": "Sent",
    "deliveries_failed": f"Failed (gave up after {MAX_ATTEMPTS} attempts)",
    "deliveries_unknown": "Unknown (a worker stopped mid-send; never resent)",
    "deliveries_cancelled": "Cancelled (unsubscribed or confirmed before sending)",
}

INSPECT_LABELS = {"url": "Article address", **PROGRESS_LABELS}


class MailingInspectView(ReadableInspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(Mailing.objects.with_progress(), pk=self.pk)

    def get_field_label(self, field_name, field):
        return INSPECT_LABELS.get(field_name) or super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        if field_name in PROGRESS_LABELS:
            return getattr(self.object, field_name)
        return super().get_field_display_value(field_name, field)

    @property
    def header_buttons(self):
        return [_send_test_button(HeaderButton, self.object)]


class MailingViewSet(ModelViewSet):
    model = Mailing
    icon = "mail"
    menu_label = "Mailings"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = MailingIndexView
    inspect_view_class = MailingInspectView
    form_fields = ["subject"]
    list_display = [
        "subject",
        "created_at",
        Column("deliveries_total", label="Total"),
        Column("deliveries_pending", label="Pending"),
        Column("deliveries_sent", label="Sent"),
        Column("deliveries_failed", label="Failed"),
        Column("deliveries_unknown", label="Unknown"),
    ]
    inspect_view_fields = [
        "subject",
        "summary",
        "url",
        "page",
        "created_at",
        *PROGRESS_LABELS,
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("send-test/<int:pk>/", mailing_send_test_view, name="send_test")]


@require_POST
def mailing_send_test_view(request, pk):
    if not mailing_permission_policy.user_has_permission(request.user, "view"):
        raise PermissionDenied
    mailing = get_object_or_404(Mailing, pk=pk)
    if not request.user.email:
        messages.error(request, "Add an email address to your account first, then send the test again.")
    else:
        services.mailing_send_test(mailing=mailing, email=request.user.email)
        messages.success(request, f"Test email sent to {request.user.email}.")
    return redirect("newsletter_mailings:index")


class NewsletterViewSetGroup(ViewSetGroup):
    menu_label = "Newsletter"
    menu_icon = "mail"
    menu_order = 300
    items = [SubscriberViewSet("newsletter_subscribers"), MailingViewSet("newsletter_mailings")]
