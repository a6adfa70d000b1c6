"""The front desk's booking screens in the Wagtail admin: a request's held time, the calendar, the waitlist.

Reads never write: a lapsed hold counts as free here before the `expire_slot_holds` job marks it expired.
"""

import dataclasses
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from scheduling import services
from scheduling.models.appointments import FINISHED_STATUSES, AppointmentRequest, SessionFormat, Status
from scheduling.models.availability import STANDING_STATES, BookingSettings, HoldState, SlotHold
from scheduling.slots import (
    Horizon,
    Slot,
    booking_horizon,
    open_times,
    practice_zone,
    slot_value_parse,
    week_start,
)

permission_policy = ModelPermissionPolicy(AppointmentRequest)
# How long a time that was given up stays in the calendar's "Freed times".
FREED_DAYS = 14
ENDED_STATES = (HoldState.DECLINED, HoldState.EXPIRED, HoldState.RELEASED)


def moment_label(moment: datetime) -> str:
    """A time as the front desk reads it, in the practice's time zone: "Tue, Dec 8, 2026, 9:00 AM"."""
    local = moment.astimezone(practice_zone())
    return f"{date_format(local, 'D, M j, Y')}, {time_format(local, 'g:i A')}"


def front_desk_horizon(rules: BookingSettings, *, now: datetime) -> Horizon:
    """The days visitors may ask for; the front desk may offer any time still ahead (no minimum notice)."""
    return dataclasses.replace(booking_horizon(rules, now=now), earliest=now)


def waitlisted(*, now: datetime):
    """The waitlist, oldest first, without the requests that hold or have a time already."""
    standing = SlotHold.objects.standing(at=now).values("appointment_request_id")
    return AppointmentRequest.objects.waitlist().exclude(pk__in=standing)


def slot_suits(appointment_request: AppointmentRequest, slot: Slot) -> bool:
    """Whether an open time fits what the request asked for: its format, its service, its times of day."""
    return (
        slot.session_format == appointment_request.session_format
        and slot.suits(appointment_request.sessions_for)
        and appointment_request.wants_day_part(slot.day_part)
    )


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else fallback


def _edit_url(appointment_request: AppointmentRequest) -> str:
    return reverse("appointment_requests:edit", args=[appointment_request.pk])


# A request's held time and its confirmation email


def request_panels(appointment_request: AppointmentRequest, *, user, next_url: str) -> dict:
    """The context of the panels above a request's triage: the time it asked for, the time it holds now (held,
    lapsed or confirmed) and the last it gave up, and the confirmation email."""
    now = timezone.now()
    holds = list(SlotHold.objects.filter(appointment_request=appointment_request).order_by("-created_at", "-pk"))
    hold = next((item for item in holds if item.state in STANDING_STATES), None)
    last_ended = next((item for item in holds if item.state in ENDED_STATES), None)
    pk = [appointment_request.pk]
    can_change = permission_policy.user_has_permission(user, "change")
    requested_time = {
        "requested_for": moment_label(appointment_request.requested_for) if appointment_request.requested_for else "",
        "hold": hold,
        "hold_label": moment_label(hold.starts_at) if hold else "",
        "expires_label": moment_label(hold.expires_at) if hold and hold.expires_at else "",
        "lapsed": bool(hold and hold.state == HoldState.HELD and hold.expires_at and hold.expires_at <= now),
        "last_ended": last_ended,
        "last_ended_label": moment_label(last_ended.starts_at) if last_ended else "",
        "can_change": can_change,
        "finished": appointment_request.status in FINISHED_STATUSES,
        "confirm_url": reverse("appointment_requests:confirm_time", args=pk),
        "decline_url": reverse("appointment_requests:decline_time", args=pk),
        "offer_url": reverse("appointment_requests:offer_time", args=pk),
        "next_url": next_url,
    }
    return {
        "requested_time": requested_time,
        "can_send_confirmation": can_change
        and appointment_request.status == Status.SCHEDULED
        and appointment_request.scheduled_for is not None,
        "confirmation_url": reverse("appointment_requests:send_confirmation", args=pk),
    }


class _RequestActionView(PermissionCheckedMixin, View):
    """A POST-only action on a request, back to where it was asked from with a message."""

    permission_policy = permission_policy
    permission_required = "change"
    http_method_names = ["post"]

    def act(self, appointment_request: AppointmentRequest) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        appointment_request = get_object_or_404(AppointmentRequest, pk=pk)
        try:
            message = self.act(appointment_request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(_safe_next(request, _edit_url(appointment_request)))


class SendConfirmationView(_RequestActionView):
    def act(self, appointment_request):
        services.appointment_confirmation_send(appointment_request=appointment_request, user=self.request.user)
        return f"The confirmation for {appointment_request} is on its way to the client."


class ConfirmTimeView(_RequestActionView):
    def act(self, appointment_request):
        services.slot_hold_confirm(appointment_request=appointment_request, user=self.request.user)
        when = moment_label(appointment_request.scheduled_for)
        return f"{appointment_request} is scheduled for {when}. The confirmation is on its way to the client."


class DeclineTimeView(_RequestActionView):
    def act(self, appointment_request):
        hold = services.slot_hold_decline(appointment_request=appointment_request, user=self.request.user)
        return (
            f"Declined {moment_label(hold.starts_at)} for {appointment_request}: the time is open for others again. "
            "Offer another time, or put the request on the waitlist."
        )


class _RequestStaffView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = permission_policy
    any_permission_required = ["view", "change"]
    header_icon = "calendar"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.now = timezone.now()
        self.rules = services.booking_rules()

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class OfferTimeView(_RequestStaffView):
    """The open times of the request's format, a week at a page, to hold one for the client."""

    template_name = "scheduling/admin/offer_time.html"

    def dispatch(self, request, *args, **kwargs):
        # Anyone who may see the request sees its open times; holding one takes "change".
        if request.method == "POST" and not self.user_has_permission("change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Offer a time: {self.appointment_request}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("appointment_requests:index"), "label": "Appointment requests"},
            {"url": _edit_url(self.appointment_request), "label": str(self.appointment_request)},
            {"url": "", "label": "Offer a time"},
        ]

    def _closed_redirect(self, pk):
        """Find the request; refuse to offer a time to one that is over."""
        self.appointment_request = get_object_or_404(AppointmentRequest, pk=pk)
        if self.appointment_request.status in FINISHED_STATUSES:
            messages.error(
                self.request, f"{self.appointment_request} is closed: set another status to offer it a time."
            )
            return redirect(_edit_url(self.appointment_request))
        return None

    def _standing(self) -> SlotHold | None:
        return (
            SlotHold.objects.filter(appointment_request=self.appointment_request, state__in=STANDING_STATES)
            .order_by("-created_at")
            .first()
        )

    def _open(self, hold: SlotHold | None) -> list[Slot]:
        times = open_times(
            rules=self.rules,
            now=self.now,
            session_format=self.appointment_request.session_format,
            horizon=front_desk_horizon(self.rules, now=self.now),
            ignore_hold=hold,
        )
        return [slot for slot in times.slots if slot.suits(self.appointment_request.sessions_for)]

    def get(self, request, pk):
        if closed := self._closed_redirect(pk):
            return closed
        return self.render_to_response(self.get_context_data())

    def post(self, request, pk):
        if closed := self._closed_redirect(pk):
            return closed
        appointment_request = self.appointment_request
        value = request.POST.get("slot", "")
        parsed = slot_value_parse(value)
        if parsed is None:
            error = "Choose one of the open times below."
        elif parsed[1] <= self.now:
            error = "That time has passed. Choose another."
        elif (slot := next((item for item in self._open(self._standing()) if item.value == value), None)) is None:
            error = "That time is no longer open for this request. Choose another."
        else:
            try:
                new_hold = services.slot_hold_offer(
                    appointment_request=appointment_request, slot=slot, user=request.user, rules=self.rules
                )
            except services.SlotTaken:
                error = "Another request took that time a moment ago. Choose another."
            except ValidationError as validation_error:
                error = " ".join(validation_error.messages)
            else:
                messages.success(
                    request,
                    f"{slot.label} is held for {appointment_request} until {moment_label(new_hold.expires_at)}. "
                    "Offer it to the client, then confirm it on the request.",
                )
                return redirect(_safe_next(request, _edit_url(appointment_request)))
        messages.error(request, error)
        return self.render_to_response(self.get_context_data(), status=200)

    def _week(self, slots: list[Slot], first_week: date, last_week: date) -> date:
        try:
            day = date.fromisoformat(self.request.GET.get("week", "")[:10])
        except ValueError:
            # The first week with a time that suits them, else the first with any time, else this week.
            suiting = [slot for slot in slots if self.appointment_request.wants_day_part(slot.day_part)]
            day = (suiting or slots)[0].day if slots else first_week
        return min(max(week_start(day), first_week), last_week)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hold = self._standing()
        slots = self._open(hold)
        horizon = front_desk_horizon(self.rules, now=self.now)
        first_week = week_start(horizon.first_day)
        monday = self._week(slots, first_week, week_start(horizon.last_day))
        sunday = monday + timedelta(days=6)
        days: dict[date, list[dict]] = {}
        for slot in slots:
            if monday <= slot.day <= sunday:
                days.setdefault(slot.day, []).append(
                    {
                        "slot": slot,
                        "suits": self.appointment_request.wants_day_part(slot.day_part),
                        "current": hold is not None and hold.starts_at == slot.starts_at,
                    }
                )
        base = reverse("appointment_requests:offer_time", args=[self.appointment_request.pk])
        next_url = _safe_next(self.request, "")

        def week_url(day: date) -> str:
            query = {"week": day.isoformat(), **({"next": next_url} if next_url else {})}
            return f"{base}?{urlencode(query)}"

        context.update(
            appointment_request=self.appointment_request,
            hold=hold,
            hold_label=moment_label(hold.starts_at) if hold else "",
            days=[(day, date_format(day, "l, F j"), items) for day, items in sorted(days.items())],
            week_label=f"{date_format(monday, 'M j')} – {date_format(sunday, 'M j, Y')}",
            previous_url=week_url(monday - timedelta(days=7)) if monday > first_week else "",
            next_week_url=week_url(monday + timedelta(days=7)) if sunday < horizon.last_day else "",
            total=len(slots),
            can_change=self.user_has_permission("change"),
            action_url=base,
            next_url=next_url,
            edit_url=_edit_url(self.appointment_request),
            preferred_times=self.appointment_request.preferred_times_display(),
        )
        return context


# The calendar and the waitlist


def freed_times(*, rules: BookingSettings, now: datetime) -> list[dict]:
    """Times given up in the last FREED_DAYS days (declined, expired, released, or a hold that lapsed) that are
    still ahead and still open, each with the waitlisted requests they suit, oldest first. Five queries."""
    since = now - timedelta(days=FREED_DAYS)
    ended = SlotHold.objects.filter(starts_at__gt=now).filter(
        Q(state__in=ENDED_STATES, ended_at__gte=since)
        | Q(state=HoldState.HELD, expires_at__lte=now, expires_at__gte=since)
    )
    keys = set(ended.values_list("session_format", "starts_at"))
    if not keys:
        return []
    zone = practice_zone()
    today = timezone.localdate(now, zone)
    last_day = max(starts_at.astimezone(zone).date() for _, starts_at in keys)
    horizon = Horizon(first_day=today, last_day=last_day, earliest=now)
    slots = [
        slot
        for slot in open_times(rules=rules, now=now, horizon=horizon).slots
        if (slot.session_format, slot.starts_at) in keys
    ]
    waiting = list(waitlisted(now=now)) if slots else []
    return [
        {
            "slot": slot,
            "format_label": SessionFormat(slot.session_format).label,
            "waiting": [item for item in waiting if slot_suits(item, slot)],
        }
        for slot in slots
    ]


class CalendarView(_RequestStaffView):
    """Held and confirmed times, a day or a week at a time, and the times freed lately with who could take them."""

    page_title = "Calendar"
    template_name = "scheduling/admin/calendar.html"

    def _range(self) -> tuple[str, date, date, date]:
        view = "day" if self.request.GET.get("view") == "day" else "week"
        today = timezone.localdate(self.now, practice_zone())
        asked = self.request.GET.get("date", "")[:10]
        try:
            day = date.fromisoformat(asked) if asked else today
        except ValueError:
            messages.warning(self.request, "That is not a date the calendar knows: showing today.")
            day = today
        if view == "day":
            return view, day, day, day
        monday = week_start(day)
        return view, day, monday, monday + timedelta(days=6)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        view, day, first_day, last_day = self._range()
        zone = practice_zone()
        range_start = datetime.combine(first_day, time.min, tzinfo=zone)
        range_end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
        holds = (
            SlotHold.objects.standing(at=self.now)
            .filter(starts_at__gte=range_start, starts_at__lt=range_end)
            .select_related("appointment_request")
            .order_by("starts_at", "pk")
        )
        by_day: dict[date, list[dict]] = {}
        for hold in holds:
            start, end = hold.starts_at.astimezone(zone), hold.ends_at.astimezone(zone)
            by_day.setdefault(start.date(), []).append(
                {
                    "hold": hold,
                    "time_label": f"{time_format(start, 'g:i A')} – {time_format(end, 'g:i A')}",
                    "expires_label": moment_label(hold.expires_at) if hold.expires_at else "",
                    "edit_url": _edit_url(hold.appointment_request),
                }
            )
        span = (first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1))
        days = [(current, date_format(current, "l, F j"), by_day.get(current, [])) for current in span]
        step = timedelta(days=1 if view == "day" else 7)
        base = reverse("booking_calendar:index")

        def link(target: date, target_view: str = view) -> str:
            return f"{base}?{urlencode({'date': target.isoformat(), 'view': target_view})}"

        context.update(
            view=view,
            days=days,
            held_count=sum(len(entries) for entries in by_day.values()),
            range_label=(
                date_format(day, "l, F j, Y")
                if view == "day"
                else f"{date_format(first_day, 'M j')} – {date_format(last_day, 'M j, Y')}"
            ),
            previous_url=link(day - step),
            next_url=link(day + step),
            today_url=link(timezone.localdate(self.now, zone)),
            day_url=link(day, "day"),
            week_url=link(day, "week"),
            freed=freed_times(rules=self.rules, now=self.now),
            freed_days=FREED_DAYS,
            can_change=self.user_has_permission("change"),
            here=self.request.get_full_path(),
        )
        return context


class WaitlistView(_RequestStaffView):
    """Who waits for a time, oldest first, with how many open times suit each."""

    page_title = "Waitlist"
    header_icon = "list-ol"
    template_name = "scheduling/admin/waitlist.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        horizon = front_desk_horizon(self.rules, now=self.now)
        slots = open_times(rules=self.rules, now=self.now, horizon=horizon).slots
        zone = practice_zone()
        entries = [
            {
                "appointment_request": item,
                "suiting": sum(1 for slot in slots if slot_suits(item, slot)),
                "since_label": date_format(item.waitlist_joined_at.astimezone(zone), "D, M j, Y"),
                "edit_url": _edit_url(item),
                "offer_url": reverse("appointment_requests:offer_time", args=[item.pk]),
            }
            for item in waitlisted(now=self.now)
        ]
        context.update(entries=entries, weeks_ahead=self.rules.weeks_ahead)
        return context
