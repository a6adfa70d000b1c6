"""The open-times part of `make bench`: the slot computation with weeks of hours and hundreds of held times.
On its own (any database): DJANGO_SETTINGS_MODULE=practice.settings.test python -m deploy.bench_slots --help"""

import statistics
import time

from django.db import connection, transaction

WEEKS = 8
HOLDS = 500
REPEATS = 20


def slots_measure(*, weeks: int = WEEKS, holds: int = HOLDS, repeats: int = REPEATS) -> dict:
    """Publish hours 7:00–21:00 every day in both formats for `weeks` weeks, hold `holds` of the times, then time
    the computation alone, the three-query read around it, and a whole render of the scheduling page.
    Needs Django set up. Nothing it writes is kept."""
    with transaction.atomic():
        figures = _measure(weeks, holds, repeats)
        transaction.set_rollback(True)
    return figures


def _median_ms(function, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _queries(function) -> int:
    """How many SQL queries `function` runs, counted as they run (a request empties the connection's query log,
    which a capture around it can't survive, and the log keeps only the last 9,000)."""
    sql = []
    with connection.execute_wrapper(lambda execute, *args: sql.append(args[0]) or execute(*args)):
        function()
    return len(sql)


def _measure(weeks: int, holds: int, repeats: int) -> dict:
    # Imported here: bench.py imports this module outside any Django set-up.
    from datetime import time as clock
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from scheduling.models.appointments import AppointmentRequest, SessionFormat
    from scheduling.models.availability import HoldState, SlotHold, WeeklyHours
    from scheduling.services import booking_rules
    from scheduling.slots import booking_horizon, open_times, practice_zone, slots_compute

    rules = booking_rules()
    rules.weeks_ahead, rules.minimum_notice_hours = weeks, 0
    rules.save()
    WeeklyHours.objects.all().delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(weekday=weekday, starts=clock(7), ends=clock(21), session_format=session_format)
        for weekday in range(7)
        for session_format in SessionFormat.values
    )
    offered = open_times(rules=rules).slots
    # Two of every three online times: each hold also takes the in-person time that starts with it.
    online = [slot for slot in offered if slot.session_format == SessionFormat.ONLINE]
    chosen = [slot for index, slot in enumerate(online) if index % 3 != 2][:holds]
    requests = AppointmentRequest.objects.bulk_create(
        AppointmentRequest(
            name="Bench",
            email="bench@bench.invalid",
            phone="+13035550100",
            contact_method="email",
            sessions_for="individual",
            client_type="new",
            session_format=SessionFormat.ONLINE,
            payment="insurance",
            consented_at=timezone.now(),
            fingerprint=f"bench-{number}",
        )
        for number in range(len(chosen))
    )
    SlotHold.objects.bulk_create(
        SlotHold(
            appointment_request=appointment_request,
            session_format=slot.session_format,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            blocked_until=slot.blocked_until,
            state=HoldState.CONFIRMED if number % 3 else HoldState.HELD,
            expires_at=None if number % 3 else timezone.now() + timedelta(days=2),
        )
        for number, (appointment_request, slot) in enumerate(zip(requests, chosen, strict=True))
    )

    horizon = booking_horizon(rules)
    weekly = list(WeeklyHours.objects.all())
    taken = list(SlotHold.objects.standing(at=timezone.now()).values_list("starts_at", "blocked_until"))

    def compute():
        return slots_compute(
            weekly=weekly,
            exceptions=[],
            taken=taken,
            first_day=horizon.first_day,
            last_day=horizon.last_day,
            earliest=horizon.earliest,
            zone=practice_zone(),
        )

    still_open = compute()
    read_queries = _queries(lambda: open_times(rules=rules))
    # The host and proxy header production settings expect (the bench runs them); the test settings allow any.
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="198.51.100.12")
    path = "/schedule/"
    response = client.get(path)
    page_queries = _queries(lambda: client.get(path))
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return {
        "database": connection.vendor,
        "weeks": weeks,
        "offered": len(offered),
        "held": len(chosen),
        "open": len(still_open),
        "compute_ms": _median_ms(compute, repeats),
        "read_ms": _median_ms(lambda: open_times(rules=rules), repeats),
        "read_queries": read_queries,
        "page_ms": _median_ms(lambda: client.get(path), max(3, repeats // 4)),
        "page_queries": page_queries,
        "page_kib": len(response.content) / 1024,
    }


def figures_lines(figures: dict) -> list[str]:
    return [
        f"Database: {figures['database']}; {figures['weeks']} weeks of hours: {figures['offered']} times offered, "
        f"{figures['held']} held or confirmed, {figures['open']} still open",
        f"Slot computation alone: {figures['compute_ms']:.1f} ms (median)",
        f"Open times read from the database and computed: {figures['read_ms']:.1f} ms, "
        f"{figures['read_queries']} SQL queries",
        f"/schedule/ rendered: {figures['page_ms']:.1f} ms, {figures['page_queries']} SQL queries, "
        f"{figures['page_kib']:.0f} KiB of HTML",
        "Rolled back: the database is as it was.",
    ]


if __name__ == "__main__":
    from deploy.localsite import measure_main

    measure_main(slots_measure, figures_lines, __doc__, weeks=WEEKS, holds=HOLDS)
