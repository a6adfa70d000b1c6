"""When the practice sees people, and the times visitors ask for: booking rules, weekly hours, exceptions, holds.

Two requests can never hold overlapping times: a hold writes a `HeldBlock` per five minutes it covers (buffer
included), and the blocks' unique start refuses the second writer inside the database.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from scheduling.models.appointments import AppointmentRequest, SessionFormat, SessionsFor

BLOCK = timedelta(minutes=5)


def _multiple_of_five(value: int) -> None:
    if value % 5:
        raise ValidationError("Use a multiple of 5 minutes.", code="not_five_minutes")


def _on_five_minutes(value) -> None:
    if value is not None and (value.minute % 5 or value.second or value.microsecond):
        raise ValidationError("Use a time on a 5-minute mark, like 9:00 or 9:05.", code="not_five_minutes")


def buffer_minutes_field(**kwargs):
    return models.PositiveSmallIntegerField(
        "buffer after each session (minutes)",
        default=10,
        validators=[MaxValueValidator(120), _multiple_of_five],
        **kwargs,
    )


@register_setting(icon="time")
class BookingSettings(BaseSiteSetting):
    """The rules the public schedule follows; the hours themselves are Weekly hours and Exceptions."""

    weeks_ahead = models.PositiveSmallIntegerField(
        "weeks of open times shown",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="How far ahead visitors can ask for a time.",
    )
    minimum_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)",
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="The earliest time shown is at least this far away.",
    )
    hold_business_days = models.PositiveSmallIntegerField(
        "hold a requested time for (business days)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="A time a visitor asks for is kept for them this long (never past the time itself), then "
        "offered to others again unless you confirm it.",
    )
    buffer_minutes = buffer_minutes_field(
        help_text="Kept free after a time you enter by hand on a request (its length is the session length in "
        "Practice details); weekly hours and exceptions have their own."
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("weeks_ahead"), FieldPanel("minimum_notice_hours"), FieldPanel("hold_business_days")],
            heading="What visitors can ask for",
        ),
        MultiFieldPanel([FieldPanel("buffer_minutes")], heading="Appointments entered by hand"),
    ]

    class Meta:
        verbose_name = "booking rules"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class HoursMixin(models.Model):
    """A span of the day in the practice's time zone, cut into sessions of one format (and maybe one service)."""

    session_format = models.CharField("format", max_length=10, choices=SessionFormat.choices)
    service = models.CharField(
        max_length=20,
        choices=SessionsFor.choices,
        blank=True,
        help_text="Leave blank for any kind of session; choose one to keep these hours for it.",
    )
    starts = models.TimeField("from", validators=[_on_five_minutes])
    ends = models.TimeField("until", validators=[_on_five_minutes], help_text="The last session ends by then.")
    session_minutes = models.PositiveSmallIntegerField(
        "session length (minutes)",
        default=50,
        validators=[MinValueValidator(15), MaxValueValidator(240), _multiple_of_five],
    )
    buffer_minutes = buffer_minutes_field()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.starts is not None and self.ends is not None:
            minutes = (self.ends.hour * 60 + self.ends.minute) - (self.starts.hour * 60 + self.starts.minute)
            if minutes <= 0:
                raise ValidationError({"ends": "The hours must end after they start (on the same day)."})
            if self.session_minutes and minutes < self.session_minutes:
                raise ValidationError({"ends": "No whole session fits in these hours."})

    def hours_display(self) -> str:
        service = f", {self.get_service_display().lower()}" if self.service else ""
        return (
            f"{self.starts:%H:%M}–{self.ends:%H:%M}, {self.get_session_format_display().lower()}{service}, "
            f"{self.session_minutes} min + {self.buffer_minutes} min"
        )


class WeeklyHours(HoursMixin):
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("starts"), FieldPanel("ends")]),
        FieldRowPanel([FieldPanel("session_format"), FieldPanel("service")]),
        FieldRowPanel([FieldPanel("session_minutes"), FieldPanel("buffer_minutes")]),
    ]

    class Meta:
        verbose_name = "weekly hours"
        verbose_name_plural = "weekly hours"
        ordering = ["weekday", "starts", "session_format"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.hours_display()}"


class ExceptionKind(models.TextChoices):
    CLOSED = "closed", "Closed (holiday, vacation, time off)"
    EXTRA = "extra", "Extra hours"


class AvailabilityExceptionQuerySet(models.QuerySet):
    def overlapping(self, first_day, last_day) -> "AvailabilityExceptionQuerySet":
        return self.filter(starts_on__lte=last_day, ends_on__gte=first_day)


class AvailabilityException(HoursMixin):
    """Days that differ from the weekly hours: closed (all day or some hours), or one-off extra hours."""

    kind = models.CharField(max_length=10, choices=ExceptionKind.choices, default=ExceptionKind.CLOSED)
    note = models.CharField(max_length=80, blank=True, help_text="For staff only, e.g. “Thanksgiving”.")
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day", help_text="The same as the first day for a single day.")
    # Closed for part of the day only when both are given; extra hours need both.
    starts = models.TimeField("from", null=True, blank=True, validators=[_on_five_minutes])
    ends = models.TimeField("until", null=True, blank=True, validators=[_on_five_minutes])
    # Closed days apply to every format unless one is chosen; extra hours are for one format.
    session_format = models.CharField(
        "format", max_length=10, choices=SessionFormat.choices, blank=True, help_text="Blank: every format."
    )

    objects = AvailabilityExceptionQuerySet.as_manager()

    panels = [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldRowPanel([FieldPanel("starts"), FieldPanel("ends")], heading="Hours (blank when closed all day)"),
        FieldRowPanel([FieldPanel("session_format"), FieldPanel("service")]),
        FieldRowPanel(
            [FieldPanel("session_minutes"), FieldPanel("buffer_minutes")], heading="Sessions (extra hours only)"
        ),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = "exception"
        verbose_name_plural = "exceptions"
        ordering = ["-starts_on", "starts"]

    def __str__(self):
        days = f"{self.starts_on:%Y-%m-%d}" + (
            f" to {self.ends_on:%Y-%m-%d}" if self.ends_on != self.starts_on else ""
        )
        return f"{self.get_kind_display().split(' (')[0]}: {days}"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The last day can’t be before the first day."
        if (self.starts is None) != (self.ends is None):
            errors["ends" if self.ends is None else "starts"] = "Give both times, or neither for the whole day."
        if self.kind == ExceptionKind.EXTRA:
            if self.starts is None and self.ends is None:
                errors["starts"] = "Give the hours of the extra time."
            if not self.session_format:
                errors["session_format"] = "Choose the format of the extra hours."
        if errors:
            raise ValidationError(errors)
        if self.starts is not None and self.ends is not None:
            if self.kind == ExceptionKind.EXTRA:
                super().clean()
            elif self.ends <= self.starts:
                raise ValidationError({"ends": "The hours must end after they start (on the same day)."})


class HoldState(models.TextChoices):
    HELD = "held", "Held"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    RELEASED = "released", "Released"  # cancelled, moved to another time, or the request closed


STANDING_STATES = (HoldState.HELD, HoldState.CONFIRMED)


class SlotHoldQuerySet(models.QuerySet):
    def standing(self, *, at: datetime) -> "SlotHoldQuerySet":
        """Holds that keep their time at `at`: confirmed ones, and held ones not yet expired."""
        return self.filter(models.Q(state=HoldState.CONFIRMED) | models.Q(state=HoldState.HELD, expires_at__gt=at))

    def overlapping(self, starts_at: datetime, until: datetime) -> "SlotHoldQuerySet":
        return self.filter(starts_at__lt=until, blocked_until__gt=starts_at)


class SlotHold(models.Model):
    """A time kept for one request: asked for by the visitor, or offered or entered by the front desk."""

    appointment_request = models.ForeignKey(
        AppointmentRequest, on_delete=models.CASCADE, related_name="slot_holds", verbose_name="request"
    )
    session_format = models.CharField("format", max_length=10, choices=SessionFormat.choices)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    # The end of the buffer after the session: nobody else may start before then.
    blocked_until = models.DateTimeField()
    state = models.CharField(max_length=10, choices=HoldState.choices, default=HoldState.HELD, db_index=True)
    # Only a held time expires; a confirmed one stands until it is released.
    expires_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = SlotHoldQuerySet.as_manager()

    class Meta:
        verbose_name = "held time"
        verbose_name_plural = "held times"
        ordering = ["starts_at"]
        constraints = [
            # One standing time per request: a new one replaces the old inside the same transaction.
            models.UniqueConstraint(
                fields=["appointment_request"],
                condition=models.Q(state__in=STANDING_STATES),
                name="slot_hold_one_standing_per_request",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at"), blocked_until__gte=models.F("ends_at")),
                name="slot_hold_times_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_state_display()} time for request #{self.appointment_request_id}"

    def block_starts(self) -> list[datetime]:
        count = (self.blocked_until - self.starts_at) // BLOCK
        return [self.starts_at + BLOCK * index for index in range(count)]


class HeldBlock(models.Model):
    """Five minutes of the clinician's time, taken by one standing hold. The unique start is the guard."""

    hold = models.ForeignKey(SlotHold, on_delete=models.CASCADE, related_name="blocks")
    starts_at = models.DateTimeField(unique=True)

    class Meta:
        verbose_name = "held block"

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"
