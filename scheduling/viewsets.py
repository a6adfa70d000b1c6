"""The Wagtail admin's appointment request queue and Booking menu (calendar, waitlist, hours, exceptions)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, F, Q, When
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.views.decorators.debug import sensitive_variables
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from practice.admin_views import GuardedExportIndexView, ReadableInspectView
from scheduling import admin_views, services
from scheduling.admin_views import permission_policy
from scheduling.models.appointments import AppointmentRequest, EstimateStatus, SessionFormat, Status
from scheduling.models.availability import AvailabilityException, ExceptionKind, Weekday, WeeklyHours


def staff_who_triage():
    """Users who may work the queue: the ones an assignment can go to."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="change_appointmentrequest")
            | Q(user_permissions__codename="change_appointmentrequest")
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def waiting_time(appointment_request) -> str:
    if appointment_request.status != Status.NEW:
        return "—"
    return timesince(appointment_request.created_at, timezone.now(), depth=1)


class EstimateDueColumn(Column):
    """The Good Faith Estimate's due date, with an "Overdue" or "Sent" tag beside it; a dash when none is owed."""

    cell_template_name = "scheduling/admin/estimate_due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(
            due_on=instance.good_faith_estimate_due_on,
            estimate_status=instance.good_faith_estimate_status(today=parent_context.get("today")),
        )
        return context


class AppointmentRequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    session_format = django_filters.ChoiceFilter(
        label="Format", choices=SessionFormat.choices, empty_label="Any format"
    )
    created_at = django_filters.DateFromToRangeFilter(label="Received", widget=DateRangePickerWidget)
    assigned_to = django_filters.ModelChoiceFilter(label="Assigned to", queryset=lambda request: staff_who_triage())
    good_faith_estimate = django_filters.ChoiceFilter(
        label="Good Faith Estimate",
        choices=EstimateStatus.choices,
        empty_label="Any",
        method=lambda queryset, name, value: queryset.estimate_status(value),
    )

    class Meta:
        model = AppointmentRequest
        fields = ["status", "session_format", "created_at", "assigned_to"]


class TriageForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff_who_triage()
        self.fields["assigned_to"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.SCHEDULED and not cleaned.get("scheduled_for"):
            self.add_error("scheduled_for", forms.ValidationError("Enter the date and time of the appointment."))
        return cleaned

    def clean_good_faith_estimate_sent_on(self):
        sent_on = self.cleaned_data.get("good_faith_estimate_sent_on")
        if sent_on is None:
            return None
        if sent_on > timezone.localdate():
            raise forms.ValidationError("Enter the day the estimate was sent: it can’t be in the future.")
        if self.instance.created_at and sent_on < timezone.localdate(self.instance.created_at):
            raise forms.ValidationError("The estimate can’t have been sent before the request arrived.")
        return sent_on


class AppointmentRequestIndexView(GuardedExportIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().triage_order().select_related("assigned_to")

    def order_queryset(self, queryset):
        if not self.ordering or self.ordering == self.default_ordering:
            return queryset  # Keep the triage order: new ones on top, newest first.
        return super().order_queryset(queryset)

    def get_context_data(self, **kwargs):
        # One "today" for every row's badge, in the practice's time zone.
        return {**super().get_context_data(**kwargs), "today": timezone.localdate()}

    def as_spreadsheet(self, queryset, spreadsheet_format):
        services.appointment_requests_export_log(
            appointment_request_ids=list(queryset.values_list("pk", flat=True)), user=self.request.user
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class RequestPanelsMixin:
    """Above the request: its held time and its confirmation email."""

    def get_context_data(self, **kwargs):
        panels = admin_views.request_panels(self.object, user=self.request.user, next_url=self.request.get_full_path())
        return {**super().get_context_data(**kwargs), **panels}


class AppointmentRequestEditView(RequestPanelsMixin, EditView):
    def form_valid(self, form):
        # The service refuses a hand-entered time that overlaps another request's: show it on the field.
        try:
            return super().form_valid(form)
        except ValidationError as error:
            self.object.refresh_from_db()  # The service set the posted values on it before it refused them.
            form.add_error(None, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    @sensitive_variables()
    def save_instance(self):
        data = self.form.cleaned_data
        return services.appointment_request_triage(
            appointment_request=self.form.instance,
            user=self.request.user,
            status=data["status"],
            assigned_to=data.get("assigned_to"),
            scheduled_for=data.get("scheduled_for"),
            internal_notes=data.get("internal_notes", ""),
            good_faith_estimate_sent_on=data.get("good_faith_estimate_sent_on"),
        )

    @property
    def header_more_buttons(self):
        url = reverse(self.inspect_url_name, args=[self.object.pk])
        return [*super().header_more_buttons, Button("View the request", url=url, icon_name="view", priority=5)]


class AppointmentRequestInspectView(RequestPanelsMixin, ReadableInspectView):
    def get(self, request, *args, **kwargs):
        services.appointment_request_view_log(appointment_request=self.object, user=request.user)
        return super().get(request, *args, **kwargs)

    def get_preferred_times_display_value(self):
        return self.object.preferred_times_display()

    def get_phone_display_value(self):
        return self.object.phone

    def get_good_faith_estimate_due_on_display_value(self):
        deadline = self.object.good_faith_estimate_deadline()
        if deadline is None or self.object.good_faith_estimate_due_on is None:
            return "Not needed (not self-pay)"
        label = EstimateStatus(self.object.good_faith_estimate_status()).label
        return f"{date_format(self.object.good_faith_estimate_due_on)}: {deadline.rule.value} ({label.lower()})"


class RequestStaffMenuItem(MenuItem):
    """Shown to whoever may see the requests."""

    def is_shown(self, request):
        return permission_policy.user_has_any_permission(request.user, ["view", "change"])


class AppointmentRequestMenuItem(RequestStaffMenuItem):
    """The menu label carries the count of new requests (Wagtail's sidebar has no badge)."""

    def render_component(self, request):
        count = AppointmentRequest.objects.waiting().count()
        label = f"{self.label} ({count})" if count else self.label
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


class AppointmentRequestViewSet(ModelViewSet):
    model = AppointmentRequest
    name = "appointment_requests"
    url_prefix = "appointment-requests"
    icon = "date"
    menu_label = "Requests"  # Short enough for the sidebar with its count; the pages say "Appointment requests".
    menu_order = 150
    menu_name = "appointment-requests"
    menu_item_class = AppointmentRequestMenuItem
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = AppointmentRequestIndexView
    edit_view_class = AppointmentRequestEditView
    inspect_view_class = AppointmentRequestInspectView
    list_per_page = 50
    list_display = [
        "name",
        DateColumn("created_at", label="Received", sort_key="created_at"),
        Column("session_format", label="Format", accessor="get_session_format_display"),
        Column("sessions_for", label="Who for", accessor="get_sessions_for_display"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("assigned_to", label="Assigned to", accessor=lambda obj: obj.assigned_to or "—"),
        Column("waiting", label="Waiting", accessor=waiting_time),
        EstimateDueColumn("good_faith_estimate_due_on", label="Estimate due", sort_key="good_faith_estimate_due_on"),
    ]
    filterset_class = AppointmentRequestFilterSet
    search_fields = ["name", "email", "phone"]
    search_backend_name = None  # Plain database queries: requests are never copied into a search index.
    list_export = [
        "pk",
        "created_at",
        "status",
        "name",
        "preferred_name",
        "pronouns",
        "email",
        "phone",
        "contact_method",
        "voicemail_ok",
        "sessions_for",
        "client_type",
        "session_format",
        "requested_for",
        "preferred_times",
        "availability_note",
        "waitlist_joined_at",
        "payment",
        "insurance_provider",
        "message",
        "heard_about",
        "assigned_to",
        "scheduled_for",
        # Administrative dates, not amounts: payment is exported already, and these are the practice's record
        # of meeting the deadlines. The estimate itself (fees, codes) lives in the records system, never here.
        "good_faith_estimate_due_on",
        "good_faith_estimate_sent_on",
        "disclosure_acknowledged_at",
        "disclosure_version",
    ]
    export_headings = {
        "pk": "Request number",
        "requested_for": "Time asked for",
        "waitlist_joined_at": "On the waitlist since",
        "assigned_to": "Assigned to",
        "good_faith_estimate_due_on": "Good Faith Estimate due",
        "good_faith_estimate_sent_on": "Good Faith Estimate sent",
        "disclosure_acknowledged_at": "Read the disclosure statement at",
        "disclosure_version": "Disclosure statement version",
    }
    export_filename = "appointment-requests"
    inspect_view_fields = [
        "created_at",
        "status",
        "name",
        "preferred_name",
        "pronouns",
        "email",
        "phone",
        "contact_method",
        "voicemail_ok",
        "acknowledgement_ok",
        "sessions_for",
        "client_type",
        "session_format",
        "colorado_attested_at",
        "requested_for",
        "preferred_times",
        "availability_note",
        "waitlist_joined_at",
        "payment",
        "insurance_provider",
        "message",
        "heard_about",
        "consented_at",
        "disclosure_acknowledged_at",
        "disclosure_version",
        "assigned_to",
        "scheduled_for",
        "first_scheduled_at",
        "good_faith_estimate_due_on",
        "good_faith_estimate_sent_on",
        "confirmation_sent_at",
        "internal_notes",
        "updated_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("status"),
            FieldPanel("assigned_to"),
            FieldPanel("scheduled_for"),
            FieldPanel("internal_notes"),
            FieldPanel("good_faith_estimate_sent_on"),
        ],
        heading="Triage",
        base_form_class=TriageForm,
    )
    edit_template_name = "scheduling/admin/edit.html"
    inspect_template_name = "scheduling/admin/inspect.html"

    def get_common_view_kwargs(self, **kwargs):
        # Requests come only from the public form: no "Add" button anywhere.
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None}

    def get_urlpatterns(self):
        return [
            *(pattern for pattern in super().get_urlpatterns() if pattern.name != "add"),
            path("confirm/<int:pk>/", self.construct_view(admin_views.SendConfirmationView), name="send_confirmation"),
            # The request's held time: hold an open time for it, confirm the held time, or decline it.
            path("offer-time/<int:pk>/", self.construct_view(admin_views.OfferTimeView), name="offer_time"),
            path("confirm-time/<int:pk>/", self.construct_view(admin_views.ConfirmTimeView), name="confirm_time"),
            path("decline-time/<int:pk>/", self.construct_view(admin_views.DeclineTimeView), name="decline_time"),
        ]


appointment_request_viewset = AppointmentRequestViewSet()


# The Booking menu: the calendar and the waitlist (read from the requests), the weekly hours and exceptions.


class RequestStaffViewSet(ViewSet):
    """One admin screen for whoever may see the requests, with its item in the Booking menu."""

    view_class = None
    menu_item_class = RequestStaffMenuItem

    def get_urlpatterns(self):
        return [path("", self.construct_view(self.view_class), name="index")]


class CalendarViewSet(RequestStaffViewSet):
    name = "booking_calendar"
    url_prefix = "booking/calendar"
    icon = "calendar"
    menu_label = "Calendar"
    menu_name = "booking-calendar"
    view_class = admin_views.CalendarView


class WaitlistViewSet(RequestStaffViewSet):
    name = "booking_waitlist"
    url_prefix = "booking/waitlist"
    icon = "list-ol"
    menu_label = "Waitlist"
    menu_name = "booking-waitlist"
    view_class = admin_views.WaitlistView


class WeeklyHoursFilterSet(WagtailFilterSet):
    weekday = django_filters.ChoiceFilter(label="Day", choices=Weekday.choices, empty_label="Any day")
    session_format = django_filters.ChoiceFilter(
        label="Format", choices=SessionFormat.choices, empty_label="Any format"
    )

    class Meta:
        model = WeeklyHours
        fields = ["weekday", "session_format"]


def service_display(hours) -> str:
    return hours.get_service_display() if hours.service else "Any"


class WeeklyHoursViewSet(ModelViewSet):
    model = WeeklyHours
    name = "booking_weekly_hours"
    url_prefix = "booking/weekly-hours"
    icon = "time"
    menu_label = "Weekly hours"
    add_to_reference_index = False
    list_display = [
        "weekday",
        Column("starts", label="From", accessor=lambda hours: f"{hours.starts:%H:%M}"),
        Column("ends", label="Until", accessor=lambda hours: f"{hours.ends:%H:%M}"),
        Column("session_format", label="Format", accessor="get_session_format_display"),
        Column("service", label="For", accessor=service_display),
        Column("sessions", label="Sessions", accessor=lambda h: f"{h.session_minutes} min + {h.buffer_minutes} min"),
    ]
    filterset_class = WeeklyHoursFilterSet
    search_fields = None
    list_per_page = 100


class AvailabilityExceptionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(choices=ExceptionKind.choices, empty_label="Any kind")

    class Meta:
        model = AvailabilityException
        fields = ["kind"]


class AvailabilityExceptionIndexView(IndexView):
    def get_base_queryset(self):
        # Upcoming ones first, soonest first; past ones after them, latest first.
        today = timezone.localdate()
        return (
            super()
            .get_base_queryset()
            .annotate(is_past=Case(When(ends_on__lt=today, then=True), default=False, output_field=BooleanField()))
        )

    def order_queryset(self, queryset):
        if not self.ordering or self.ordering == self.default_ordering:
            upcoming_start = Case(When(is_past=False, then=F("starts_on")), default=None)
            return queryset.order_by("is_past", upcoming_start.asc(nulls_last=True), "-starts_on", "starts")
        return super().order_queryset(queryset)


def exception_hours_display(exception) -> str:
    return f"{exception.starts:%H:%M}–{exception.ends:%H:%M}" if exception.starts else "All day"


class AvailabilityExceptionViewSet(ModelViewSet):
    model = AvailabilityException
    name = "booking_exceptions"
    url_prefix = "booking/exceptions"
    icon = "calendar-alt"
    menu_label = "Exceptions"
    add_to_reference_index = False
    index_view_class = AvailabilityExceptionIndexView
    list_display = [
        "kind",
        DateColumn("starts_on", label="First day", sort_key="starts_on"),
        DateColumn("ends_on", label="Last day", sort_key="ends_on"),
        Column("hours", label="Hours", accessor=exception_hours_display),
        Column("session_format", label="Format", accessor=lambda item: item.get_session_format_display() or "Every"),
        Column("note", label="Note"),
    ]
    filterset_class = AvailabilityExceptionFilterSet
    search_fields = None
    list_per_page = 100


class BookingViewSetGroup(ViewSetGroup):
    menu_label = "Booking"
    menu_icon = "calendar"
    menu_name = "booking"
    menu_order = 151  # Right after "Requests".
    items = (CalendarViewSet, WaitlistViewSet, WeeklyHoursViewSet, AvailabilityExceptionViewSet)


booking_viewset_group = BookingViewSetGroup()
