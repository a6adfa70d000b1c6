"""`make bench`'s open-times measurement reports its figures and leaves the database as it was."""

from deploy.bench_slots import figures_lines, slots_measure
from scheduling.models.appointments import AppointmentRequest
from scheduling.models.availability import SlotHold, WeeklyHours
from tests.scheduling.factories import SchedulingPageFactory


def test_slots_measure_reports_figures_and_leaves_nothing_behind(site, home_page):
    SchedulingPageFactory(parent=home_page).save_revision().publish()

    figures = slots_measure(weeks=2, holds=30, repeats=2)

    # Two formats, 14 sessions a day, every day for two weeks, less today's times that have passed.
    assert 13 * 14 * 2 <= figures["offered"] <= 14 * 14 * 2
    assert figures["held"] == 30
    # Each hold takes the online time and the in-person time that starts with it.
    assert figures["open"] == figures["offered"] - 2 * 30
    assert figures["read_queries"] == 3
    # The page's own (site, settings, page) and the open times' three, no more than the page's bound.
    assert 3 < figures["page_queries"] <= 12
    out = "\n".join(figures_lines(figures))
    assert f"{figures['held']} held or confirmed, {figures['open']} still open" in out
    assert "Rolled back" in out
    assert not WeeklyHours.objects.exists()
    assert not SlotHold.objects.exists()
    assert not AppointmentRequest.objects.exists()
