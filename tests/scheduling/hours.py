"""Published hours for the open-times tests: weekdays 9:00–17:00, in person and online, 50 + 10 minutes."""

from datetime import time

from scheduling.models.appointments import SessionFormat
from scheduling.models.availability import WeeklyHours


def weekday_hours_publish(*, formats=(SessionFormat.IN_PERSON, SessionFormat.ONLINE), starts=time(9), ends=time(17)):
    return WeeklyHours.objects.bulk_create(
        WeeklyHours(weekday=weekday, starts=starts, ends=ends, session_format=session_format)
        for weekday in range(5)
        for session_format in formats
    )
