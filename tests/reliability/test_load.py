"""Load: 50 visitors at once for a minute against gunicorn with production settings — nothing lost, no 5xx.

Runs only in `make reliability`. The site has its own PostgreSQL, Redis and SMTP sink (tests/reliability/infra.py);
production's per-address limits apply, counted on X-Forwarded-For through one trusted proxy.
"""

import os
from collections import Counter

import pytest

from tests.reliability import infra

CLIENTS = int(os.environ.get("RELIABILITY_LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "60"))
# Production's defaults (practice/settings/base.py), stated here so the test knows when 429 is due.
APPOINTMENT_RATE_LIMIT = 5
NEWSLETTER_SUBSCRIBE_RATE_LIMIT = 10


@pytest.fixture
def site(request):
    template = infra.shared_template(request.config)
    site = infra.site_start(
        template,
        infra.scratch_dir("reliability-load-"),
        extra_env={
            "APPOINTMENT_RATE_LIMIT": str(APPOINTMENT_RATE_LIMIT),
            "NEWSLETTER_SUBSCRIBE_RATE_LIMIT": str(NEWSLETTER_SUBSCRIBE_RATE_LIMIT),
        },
    )
    yield site
    infra.site_stop(site)


def _stored(site: infra.Site) -> Counter:
    rows = site.postgres.query(
        "SELECT email FROM scheduling_appointmentrequest WHERE email LIKE 'load-%%'"
        " UNION ALL SELECT email FROM newsletter_subscriber WHERE email LIKE 'load-%%'"
    )
    return Counter(row[0] for row in rows)


@pytest.mark.slow
def test_fifty_visitors_for_a_minute_get_no_5xx_and_every_accepted_submission_is_stored_once(site, request):
    # Warm every gunicorn worker, as a deploy's health checks would, so start-up isn't measured as latency.
    for _ in range(10):
        site.client().get(site.urls["home"])
    load = infra.LoadRun(
        site=site,
        clients=CLIENTS,
        seconds=SECONDS,
        appointment_limit=APPOINTMENT_RATE_LIMIT,
        signup_limit=NEWSLETTER_SUBSCRIBE_RATE_LIMIT,
    )
    load.run()
    outcomes = load.outcomes
    stored = _stored(site)

    server_errors = [o for o in outcomes if o.status >= 500 or o.status == 0]
    wrong = [o for o in outcomes if o.verdict != o.expected and o not in server_errors]
    submissions = [o for o in outcomes if o.kind not in {"page", "form_page"}]
    accepted = [o for o in submissions if o.verdict == "accepted"]
    rejected = [o for o in submissions if o.verdict in {"invalid", "rate_limited"}]
    lost = [o.email for o in accepted if stored[o.email] != 1]
    stored_rejected = [o.email for o in rejected if stored[o.email]]
    acknowledged = {o.email for o in accepted}
    unacknowledged_but_stored = [email for email in stored if email not in acknowledged]
    latencies = [o.seconds for o in outcomes]
    elapsed = max(o.started + o.seconds for o in outcomes) - min(o.started for o in outcomes)
    by_kind = {}
    for kind in ("appointment", "appointment_invalid", "signup", "signup_invalid", "form_page", "page"):
        times = [o.seconds for o in outcomes if o.kind == kind]
        by_kind[kind] = {
            "requests": len(times),
            "p50_ms": round(infra.percentile(times, 0.50) * 1000),
            "p99_ms": round(infra.percentile(times, 0.99) * 1000),
        }
    infra.report(
        request,
        "load",
        {
            "clients": CLIENTS,
            "seconds": round(elapsed, 1),
            "requests": len(outcomes),
            "requests_per_second": round(len(outcomes) / elapsed, 1),
            "submissions": len(submissions),
            "submissions_per_second": round(len(submissions) / elapsed, 1),
            "p50_ms": round(infra.percentile(latencies, 0.50) * 1000),
            "p95_ms": round(infra.percentile(latencies, 0.95) * 1000),
            "p99_ms": round(infra.percentile(latencies, 0.99) * 1000),
            "max_ms": round(max(latencies) * 1000),
            "verdicts": dict(Counter(f"{o.kind}:{o.verdict}" for o in submissions)),
            "by_kind": by_kind,
            "addresses": len({o.ip for o in outcomes}),
            "server_errors_or_no_answer": len(server_errors),
            "unexpected_answers": len(wrong),
            "accepted_not_stored_once": len(lost),
            "rejected_but_stored": len(stored_rejected),
            "stored_without_acknowledgement": len(unacknowledged_but_stored),
        },
    )
    assert not load.crashes, load.crashes[:5]
    assert len(outcomes) > CLIENTS * 10, "the load generator barely ran"
    assert not server_errors, Counter((o.kind, o.verdict) for o in server_errors)
    assert not wrong, Counter((o.kind, o.expected, o.verdict) for o in wrong)
    assert {o.verdict for o in submissions} >= {"accepted", "invalid", "rate_limited"}
    assert not lost, lost[:10]
    assert not stored_rejected, stored_rejected[:10]
    assert not unacknowledged_but_stored, unacknowledged_but_stored[:10]
