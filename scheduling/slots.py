"""The open times the practice offers: weekly hours and exceptions cut into sessions, less what is held.

Worked out day by day on the practice's wall clock, so a 9:00 session stays at 9:00 across a daylight-saving
change; a time in the spring-forward gap is skipped, one that happens twice (fall back) is its first.
"""

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, time_format

from scheduling.models.appointments import DAY_PARTS, SessionFormat, SessionsFor
from scheduling.models.availability import (
    AvailabilityException,
    BookingSettings,
    ExceptionKind,
    SlotHold,
    WeeklyHours,
)

# How a time kept for one kind of session is marked for visitors.
SERVICE_LABELS = {
    SessionsFor.INDIVIDUAL: "individual sessions",
    SessionsFor.COUPLE: "couples sessions",
    SessionsFor.TEEN: "teen sessions",
}
# Where the parts of the day the request form names begin and end (local hours), for waitlist matching.
DAY_PART_STARTS = {"morning": 0, "afternoon": 12, "evening": 17}


def practice_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """`at` on `day` in `zone`, or None when that wall-clock time does not exist there (a DST gap)."""
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime
    session_format: str
    service: str
    ends_at: datetime
    blocked_until: datetime

    @property
    def value(self) -> str:
        """What the form sends back: the format and the start in UTC, e.g. "online@2026-12-08T16:00:00Z"."""
        return f"{self.session_format}@{self.starts_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(practice_zone())

    @property
    def day(self) -> date:
        return self.local_start.date()

    @property
    def day_part(self) -> str:
        """The request form's "weekday-part" label of this time, e.g. "tuesday-morning"."""
        start = self.local_start
        part = next(name for name, _ in reversed(DAY_PARTS) if start.hour >= DAY_PART_STARTS[name])
        return f"{start:%A}".lower() + f"-{part}"

    @property
    def time_label(self) -> str:
        return time_format(self.local_start, "g:i A")

    @property
    def service_label(self) -> str:
        return SERVICE_LABELS.get(self.service, "")

    @property
    def label(self) -> str:
        service = f" ({self.service_label} only)" if self.service else ""
        return f"{date_format(self.local_start, 'l, F j')}, {self.time_label}{service}"

    def suits(self, service: str) -> bool:
        return not self.service or self.service == service


def slot_value_parse(value: str) -> tuple[str, datetime] | None:
    """The format and start in a slot value, or None for anything else (tampered, truncated, naive, bytes)."""
    session_format, _, moment = str(value or "")[:64].partition("@")
    if session_format not in SessionFormat.values or not moment.endswith("Z"):
        return None
    try:
        starts_at = datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return session_format, starts_at


def _sessions(hours, day: date, zone: ZoneInfo) -> list[Slot]:
    """The sessions that fit in one span of hours on one day, on its wall-clock grid (gap times skipped)."""
    length = timedelta(minutes=hours.session_minutes)
    buffer = timedelta(minutes=hours.buffer_minutes)
    step = hours.session_minutes + hours.buffer_minutes
    # The end of the span in absolute time; an end inside a DST gap counts as the first minute after it.
    window_end = datetime.combine(day, hours.ends, tzinfo=zone).astimezone(UTC)
    slots = []
    first = hours.starts.hour * 60 + hours.starts.minute
    for minutes in range(first, 24 * 60, step):
        start = local_moment(day, time(minutes // 60, minutes % 60), zone)
        if start is None:
            continue
        starts_at = start.astimezone(UTC)
        if starts_at + length > window_end:
            break
        slots.append(
            Slot(
                starts_at=starts_at,
                session_format=hours.session_format,
                service=hours.service,
                ends_at=starts_at + length,
                blocked_until=starts_at + length + buffer,
            )
        )
    return slots


def _closed(slot: Slot, closures: list[AvailabilityException], zone: ZoneInfo) -> bool:
    day = slot.day
    for closure in closures:
        if not closure.starts_on <= day <= closure.ends_on:
            continue
        if closure.session_format and closure.session_format != slot.session_format:
            continue
        if closure.starts is None:  # Closed all day.
            return True
        closed_from = datetime.combine(day, closure.starts, tzinfo=zone).astimezone(UTC)
        closed_until = datetime.combine(day, closure.ends, tzinfo=zone).astimezone(UTC)
        if slot.starts_at < closed_until and slot.blocked_until > closed_from:
            return True
    return False


class _Taken:
    """The spans held or confirmed, merged, to test a slot against in O(log n)."""

    def __init__(self, spans: Iterable[tuple[datetime, datetime]]):
        merged: list[list[datetime]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # The first span that ends after `start` is the only one that can overlap [start, end).
        index = bisect.bisect_right(self.ends, start)
        return index < len(self.starts) and self.starts[index] < end


def slots_compute(
    *,
    weekly: Iterable[WeeklyHours],
    exceptions: Iterable[AvailabilityException],
    taken: Iterable[tuple[datetime, datetime]],
    first_day: date,
    last_day: date,
    earliest: datetime,
    zone: ZoneInfo,
) -> list[Slot]:
    """Every session the hours allow from `first_day` to `last_day` (local days, both included) that starts at
    `earliest` or later and overlaps no taken span (a span covers a session and its buffer), by start."""
    by_weekday: dict[int, list] = {}
    for hours in weekly:
        by_weekday.setdefault(hours.weekday, []).append(hours)
    exceptions = list(exceptions)
    closures = [item for item in exceptions if item.kind == ExceptionKind.CLOSED]
    extras = [item for item in exceptions if item.kind == ExceptionKind.EXTRA]
    taken_spans = _Taken(taken)
    found: set[Slot] = set()
    day = first_day
    while day <= last_day:
        # Extra hours stand even on a day closed otherwise: they are the exception to the exception.
        spans = [(hours, True) for hours in by_weekday.get(day.weekday(), [])]
        spans += [(item, False) for item in extras if item.starts_on <= day <= item.ends_on]
        for hours, closable in spans:
            for slot in _sessions(hours, day, zone):
                if slot.starts_at < earliest or taken_spans.overlaps(slot.starts_at, slot.blocked_until):
                    continue
                if not (closable and _closed(slot, closures, zone)):
                    found.add(slot)
        day += timedelta(days=1)
    return sorted(found)


@dataclass(frozen=True)
class Horizon:
    first_day: date
    last_day: date
    earliest: datetime


def booking_horizon(rules: BookingSettings, *, now: datetime | None = None) -> Horizon:
    """The days visitors may ask for, and the earliest start the minimum notice allows."""
    now = now or timezone.now()
    today = timezone.localdate(now, practice_zone())
    return Horizon(
        first_day=today,
        last_day=today + timedelta(days=7 * rules.weeks_ahead - 1),
        earliest=now + timedelta(hours=rules.minimum_notice_hours),
    )


@dataclass(frozen=True)
class OpenTimes:
    slots: list[Slot]
    # The formats that have any hours in the horizon (a format without any has nothing to show, booked or not).
    formats: frozenset[str]

    def by_value(self) -> dict[str, Slot]:
        return {slot.value: slot for slot in self.slots}


def open_times(
    *,
    rules: BookingSettings,
    now: datetime | None = None,
    session_format: str | None = None,
    horizon: Horizon | None = None,
    ignore_hold: SlotHold | None = None,
) -> OpenTimes:
    """The times open now within the booking horizon (or another), of one format or all, in three queries.

    `ignore_hold` treats one hold's time as free, so the front desk can move a request within its own time.
    """
    now = now or timezone.now()
    horizon = horizon or booking_horizon(rules, now=now)
    zone = practice_zone()
    weekly = WeeklyHours.objects.all()
    exceptions = AvailabilityException.objects.overlapping(horizon.first_day, horizon.last_day)
    if session_format:
        weekly = weekly.filter(session_format=session_format)
        exceptions = exceptions.filter(session_format__in=[session_format, ""])
    weekly, exceptions = list(weekly), list(exceptions)
    range_start = datetime.combine(horizon.first_day, time.min, tzinfo=zone)
    range_end = datetime.combine(horizon.last_day + timedelta(days=1), time.min, tzinfo=zone)
    taken = SlotHold.objects.standing(at=now).overlapping(range_start, range_end)
    if ignore_hold is not None:
        taken = taken.exclude(pk=ignore_hold.pk)
    slots = slots_compute(
        weekly=weekly,
        exceptions=exceptions,
        taken=list(taken.values_list("starts_at", "blocked_until")),
        first_day=horizon.first_day,
        last_day=horizon.last_day,
        earliest=max(now, horizon.earliest),
        zone=zone,
    )
    formats = {hours.session_format for hours in weekly}
    formats |= {item.session_format for item in exceptions if item.kind == ExceptionKind.EXTRA}
    return OpenTimes(slots=slots, formats=frozenset(formats))
