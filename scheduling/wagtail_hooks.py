"""Wagtail hooks of the scheduling app: the admin queue, the Booking menu, history actions, dashboard panel."""

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.timesince import timesince
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from scheduling.models.appointments import AppointmentRequest
from scheduling.viewsets import appointment_request_viewset, booking_viewset_group, permission_policy

TIME_ACTIONS = [
    ("scheduling.time_offered", "Time offered", "Held a time to offer the client"),
    ("scheduling.time_confirmed", "Time confirmed", "Confirmed the held time"),
    ("scheduling.time_declined", "Time declined", "Declined the held time"),
    ("scheduling.time_expired", "Hold expired", "The held time expired"),
    ("scheduling.time_released", "Time released", "Released the time"),
]
FIELD_LABELS = {
    "status": "Status",
    "assigned_to": "Assigned to",
    "scheduled_for": "Scheduled for",
    "good_faith_estimate_sent_on": "Good Faith Estimate sent",
}


class TimeFormatter(LogFormatter):
    """A held time's change, with the time (never anything the visitor typed)."""

    def format_message(self, log_entry):
        starts_at = (log_entry.data or {}).get("starts_at")
        if not starts_at:
            return self.message
        moment = timezone.localtime(datetime.fromisoformat(starts_at))
        return f"{self.message}: {date_format(moment, 'D, M j, Y')}, {time_format(moment, 'g:i A')}"


@hooks.register("register_admin_viewset")
def register_scheduling_viewsets():
    return [appointment_request_viewset, booking_viewset_group]


@hooks.register("register_log_actions")
def register_scheduling_log_actions(actions):
    @actions.register_action("scheduling.triage")
    class TriageFormatter(LogFormatter):
        label = "Triage"

        def format_message(self, log_entry):
            changes = (log_entry.data or {}).get("changes", {})
            parts = []
            for field, change in changes.items():
                if field == "internal_notes":
                    parts.append("Internal notes changed")
                else:
                    old, new = change
                    parts.append(f"{FIELD_LABELS.get(field, field)}: {old or '—'} → {new or '—'}")
            return "; ".join(parts) or "Triaged"

    for action, label, message in TIME_ACTIONS:
        actions.register_action(action)(type("TimeFormatter", (TimeFormatter,), {"label": label, "message": message}))

    actions.register_action("scheduling.view", "View", "Viewed the request")
    actions.register_action("scheduling.export", "Export", "Exported in a spreadsheet")
    actions.register_action("scheduling.confirmation", "Send confirmation", "Sent the appointment confirmation")
    actions.register_action("scheduling.cancellation", "Send cancellation", "Sent the appointment cancellation")


class AppointmentRequestsPanel(Component):
    name = "appointment_requests"
    template_name = "scheduling/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        now = timezone.now()
        requests = AppointmentRequest.objects.all()
        oldest = requests.waiting().order_by("created_at").values_list("created_at", flat=True).first()
        return {
            "new_count": requests.waiting().count(),
            "oldest_waiting": timesince(oldest, now, depth=1) if oldest else None,
            "this_week": requests.not_spam().filter(created_at__gte=now - timedelta(days=7)).count(),
            "purge_soon": requests.due_for_purge(at=now + timedelta(days=14)).count(),
            "retention_days": settings.APPOINTMENT_RETENTION_DAYS,
            "spam_retention_days": settings.APPOINTMENT_SPAM_RETENTION_DAYS,
            "listing_url": reverse("appointment_requests:index"),
        }


@hooks.register("construct_homepage_panels")
def add_appointment_requests_panel(request, panels):
    if permission_policy.user_has_any_permission(request.user, ["view", "change"]):
        panels.append(AppointmentRequestsPanel())
