"""The reliability suite's switches: Hypothesis profiles, slow scenarios only in the full run, case counts.

`make test` runs the fast part (the `fast` profile, slow scenarios skipped); `make reliability` sets
RELIABILITY_FULL=1 and HYPOTHESIS_PROFILE=full and runs everything.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.reliability.hostile import TALLY

FULL_RUN = os.environ.get("RELIABILITY_FULL") == "1"
# Each example shares its test's function-scoped fixtures (client, database transaction): the examples
# are independent requests, so that is what we want, not a mistake the health check should catch.
_COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    "database": None,
    "print_blob": True,
}
# Same examples on every `make test`, so the fast part never flakes; a few per property.
settings.register_profile("fast", max_examples=12, derandomize=True, **_COMMON)
# New random examples on every `make reliability`: 1,100 per property, over 10,000 cases in all.
settings.register_profile("full", max_examples=1100, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def pytest_collection_modifyitems(config, items):
    if FULL_RUN:
        return
    skip = pytest.mark.skip(reason="a slow reliability scenario: run `make reliability` (RELIABILITY_FULL=1)")
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if not TALLY.total:
        return
    terminalreporter.write_sep(
        "-", f"hostile input: {TALLY.total:,} cases (Hypothesis profile {settings.get_current_profile_name()!r})"
    )
    for name, count in sorted(TALLY.cases.items()):
        terminalreporter.write_line(f"{count:>8,}  {name}")
    terminalreporter.write_line(
        f"{TALLY.accepted:>8,}  accepted by the app; {TALLY.emails:,} emails they caused were checked"
    )
