"""Faults: email outages, Redis down, a worker killed mid-mailing, PostgreSQL restarted — nothing accepted is lost.

The fast part runs in-process in `make test` (Django's SMTP backend against a refused loopback port, a Redis
cache URL nobody listens on). The slow part (`make reliability`) runs each fault against the site under
gunicorn with production settings, on a PostgreSQL, Redis and SMTP sink of its own (tests/reliability/infra.py,
on the shared harness deploy/localsite.py).
"""

import json
import socket
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import caches
from django.utils import timezone

from deploy import localsite
from newsletter.messages import DELIVERY_OUTBOX
from newsletter.models import Delivery, DeliveryKind, Subscriber, SubscriberStatus
from practice.outbox import CHUNK_SIZE, OutboxState, outbox_resume, outbox_send
from scheduling.forms import timing_token_make
from scheduling.models.appointments import AppointmentRequest, NotificationDelivery
from tests.reliability import infra
from tests.scheduling.factories import SchedulingPageFactory

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def refused_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_refusing(settings):
    """Django's real SMTP backend pointed at a closed port: every connection attempt is refused."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": refused_port(), "timeout": 2},
        }
    }
    return settings


@pytest.fixture
def schedule_page(home_page, practice_details):
    page = SchedulingPageFactory(parent=home_page)
    page.save_revision().publish()
    return page


@pytest.fixture(autouse=True)
def _empty_caches():
    for alias in ("default", "pages"):
        caches[alias].clear()


def appointment_post(*, email: str) -> dict:
    return {
        **infra.appointment_data(email=email),
        "started": timing_token_make(),
    }


def test_appointment_request_survives_an_smtp_outage_and_each_notification_is_sent_once_after(
    client, schedule_page, smtp_refusing, settings, django_capture_on_commit_callbacks
):
    settings.APPOINTMENT_MIN_SUBMIT_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(schedule_page.url, appointment_post(email="outage@client.example"))

    assert response.status_code == 302
    assert response["Location"].endswith("/thank-you/")
    assert AppointmentRequest.objects.filter(email="outage@client.example").count() == 1
    deliveries = NotificationDelivery.objects.all()
    assert len(deliveries) == 2
    assert {(delivery.state, delivery.last_error) for delivery in deliveries} == {
        ("pending", "ConnectionRefusedError")
    }

    settings.MAILERS = LOCMEM
    later = timezone.now() + timedelta(hours=1)
    assert outbox_resume(now=later)["scheduling.NotificationDelivery"] == {"sent": 2}
    assert outbox_resume(now=later + timedelta(hours=1))["scheduling.NotificationDelivery"] == {}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "frontdesk@practice.example",
        "outage@client.example",
    ]


def test_footer_subscription_survives_an_smtp_outage_and_one_confirmation_is_sent_after(
    client, home_page, practice_details, smtp_refusing, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsletter/subscribe/",
            {"email": "outage@reader.example", "first_name": "Robin", "website": ""},
            headers={"Origin": "http://testserver"},
        )

    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-inbox/"
    assert Subscriber.objects.get(email="outage@reader.example").status == SubscriberStatus.PENDING
    delivery = Delivery.objects.get(kind=DeliveryKind.CONFIRMATION)
    # Refused before the first message: nothing went out, so the delivery must stay retryable — not stuck in
    # `sending`, which the resume job turns into `unknown` (never resent), losing the confirmation.
    assert (delivery.state, delivery.attempts) == (OutboxState.PENDING, 1), (
        f"after a refused SMTP connection the delivery is {delivery.state!r}"
    )
    assert delivery.next_try_at > timezone.now()  # Waiting for its retry.

    settings.MAILERS = LOCMEM
    # The retry's backoff passes; the periodic resume job finds the delivery due and sends it (once).
    Delivery.objects.update(next_try_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_resume()["newsletter.Delivery"] == {"sent": 1}
    outbox_send(outbox=DELIVERY_OUTBOX)
    assert [message.to for message in mail.outbox] == [["outage@reader.example"]]
    assert Delivery.objects.get().state == OutboxState.SENT


@pytest.fixture
def redis_down(settings):
    """Production's Redis caches (with its short timeouts) at an address where nothing answers."""
    url = f"redis://127.0.0.1:{refused_port()}/0"
    from practice.settings.base import redis_caches

    settings.CACHES = redis_caches(url)
    settings.PAGE_CACHE_ENABLED = True
    return settings


def test_with_redis_down_pages_render_forms_work_rate_limits_fail_open_and_readiness_is_degraded(
    client, schedule_page, redis_down, settings, django_capture_on_commit_callbacks
):
    settings.APPOINTMENT_MIN_SUBMIT_SECONDS = 0
    settings.APPOINTMENT_RATE_LIMIT = 1
    settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT = 1

    for _ in range(2):
        assert client.get("/").status_code == 200
    assert client.get(schedule_page.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        # Over both limits from one address: with the counters unreachable, every one is accepted.
        answers = [
            client.post(schedule_page.url, appointment_post(email=f"redis-down-{n}@client.example")).status_code
            for n in range(3)
        ] + [
            client.post(
                "/newsletter/subscribe/",
                {"email": f"redis-down-{n}@reader.example", "website": ""},
                headers={"Origin": "http://testserver"},
            ).status_code
            for n in range(3)
        ]

    assert answers == [302] * 6
    assert AppointmentRequest.objects.filter(email__startswith="redis-down-").count() == 3
    assert Subscriber.objects.filter(email__startswith="redis-down-").count() == 3
    readiness = client.get("/readyz")
    assert readiness.status_code == 200
    assert readiness.json()["status"] == "degraded"
    assert readiness.json()["checks"]["cache"] == "degraded"


# The slow part: the real site under gunicorn, with its own PostgreSQL, Redis and SMTP sink.


@pytest.fixture
def site_factory(request):
    """Start a scenario's own site (copied from the session's migrated cluster); always stopped after."""
    template = infra.shared_template(request.config)
    started = []

    def start(**kwargs) -> infra.Site:
        site = infra.site_start(template, infra.scratch_dir("reliability-site-"), **kwargs)
        started.append(site)
        return site

    yield start
    for site in started:
        infra.site_stop(site)


_report = infra.report


@pytest.mark.slow
def test_smtp_outage_loses_nothing_and_resume_delivers_every_pending_email_once(site_factory, request):
    site = site_factory()
    schedule = site.urls["schedule"]
    site.smtp.stop()
    requests_sent, signups_sent = 10, 10
    acknowledged = []
    for n in range(requests_sent):
        email = f"smtp-outage-{n}@client.example"
        _, answer = infra.appointment_submit(
            site.client(f"203.0.113.{n + 1}"), schedule, infra.appointment_data(email=email)
        )
        assert (answer.status, answer.location) == (302, f"{schedule}thank-you/"), answer.text[:500]
        acknowledged.append(email)
    for n in range(signups_sent):
        email = f"smtp-outage-{n}@reader.example"
        answer = infra.newsletter_subscribe(site.client(f"203.0.113.{n + 101}"), email=email)
        assert (answer.status, answer.location) == (302, "/newsletter/check-your-inbox/"), answer.text[:500]
        acknowledged.append(email)

    stored_requests = {
        row[0]
        for row in site.postgres.query(
            "SELECT email FROM scheduling_appointmentrequest WHERE email LIKE 'smtp-outage-%%'"
        )
    }
    stored_subscribers = {
        row[0]
        for row in site.postgres.query(
            "SELECT email FROM newsletter_subscriber WHERE email LIKE 'smtp-outage-%%' AND status = 'pending'"
        )
    }
    assert stored_requests | stored_subscribers == set(acknowledged)
    # Let the worker try (and fail) every first attempt while the sink is down.
    _wait_for_no_ready_tasks(site, timeout=60)
    assert site.smtp.count() == 0

    site.smtp.start()
    # Time passes: the resume job gives up on rows left `sending` after 15 minutes and sends what is due, in
    # both apps' outboxes, as cron would run it once the clock has moved on.
    site.postgres.execute("UPDATE newsletter_delivery SET claimed_at = claimed_at - interval '16 minutes'")
    site.postgres.execute(
        "UPDATE newsletter_delivery SET next_try_at = now() WHERE state = 'pending' AND next_try_at IS NOT NULL"
    )
    site.postgres.execute("UPDATE scheduling_notificationdelivery SET next_try_at = now() WHERE state = 'pending'")
    resumed = site.manage("resume_outbox").strip()
    _wait_for_no_ready_tasks(site, timeout=60)
    # And once more, as the next cron tick would: nothing may go out twice.
    site.manage("resume_outbox")
    _wait_for_no_ready_tasks(site, timeout=60)
    time.sleep(1)

    received = site.smtp.per_recipient()
    front_desk = [address for address in received if address.startswith("frontdesk@")]
    twice = {address: count for address, count in received.items() if count > 1 and address not in front_desk}
    unknown = site.postgres.query("SELECT count(*) FROM newsletter_delivery WHERE state = 'unknown'")[0][0]
    _report(
        request,
        "smtp_outage",
        {
            "appointment_requests_acknowledged": requests_sent,
            "signups_acknowledged": signups_sent,
            "stored": len(stored_requests | stored_subscribers),
            "emails_after_recovery": sum(received.values()),
            "front_desk_alerts": sum(received[address] for address in front_desk),
            "newsletter_unknown": unknown,
            "resume_outbox": resumed,
        },
    )
    assert not twice, f"sent more than once: {twice}"
    assert sum(received[address] for address in front_desk) == requests_sent
    missing = [email for email in acknowledged if received[email] != 1]
    if missing and all(email.endswith("@reader.example") for email in missing) and unknown == len(missing):
        pytest.xfail(
            f"defect: {len(missing)} newsletter confirmations were left `sending` by the refused SMTP connection, "
            "marked `unknown` by resume_outbox and never sent (practice.outbox.outbox_send_claimed)"
        )
    assert not missing, f"no acknowledgement/confirmation after the outage for: {missing} (unknown: {unknown})"


def _wait_for_no_ready_tasks(site: infra.Site, *, timeout: float) -> None:
    def idle() -> bool:
        rows = site.postgres.query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
        )
        return rows[0][0] == 0

    localsite.wait_until(idle, timeout=timeout, what="the task queue to drain", log=site.processes.log("worker"))


@pytest.mark.slow
def test_redis_stopped_pages_render_forms_work_rate_limits_fail_open_readiness_degraded(site_factory, request):
    site = site_factory(extra_env={"APPOINTMENT_RATE_LIMIT": "2", "NEWSLETTER_SUBSCRIBE_RATE_LIMIT": "2"})
    schedule = site.urls["schedule"]
    reader = site.client()
    reader.get("/")
    assert reader.get("/").header("X-Page-Cache") == "hit"
    assert json.loads(reader.get("/readyz").body)["status"] == "ok"

    site.redis.stop()
    started = time.monotonic()
    pages = {path: reader.get(path) for path in ("/", schedule, "/newsletter/", "/newsletter/check-your-inbox/")}
    visitor = site.client("203.0.113.77")
    # Twice the limit from one address: the counters are unreachable, so every one must be accepted.
    appointments = [
        infra.appointment_submit(visitor, schedule, infra.appointment_data(email=f"redis-down-{n}@client.example"))[1]
        for n in range(4)
    ]
    signups = [infra.newsletter_subscribe(visitor, email=f"redis-down-{n}@reader.example") for n in range(4)]
    readiness = reader.get("/readyz")
    seconds_while_down = time.monotonic() - started
    stored = site.postgres.query(
        "SELECT (SELECT count(*) FROM scheduling_appointmentrequest WHERE email LIKE 'redis-down-%%'),"
        " (SELECT count(*) FROM newsletter_subscriber WHERE email LIKE 'redis-down-%%')"
    )[0]

    site.redis.start()
    recovered = json.loads(reader.get("/readyz").body)["status"]
    reader.get("/")
    cached_again = reader.get("/").header("X-Page-Cache")
    figures = {
        "pages_while_down": {path: response.status for path, response in pages.items()},
        "appointment_posts_while_down": [response.status for response in appointments],
        "signup_posts_while_down": [response.status for response in signups],
        "stored_while_down": {"appointment_requests": stored[0], "subscribers": stored[1]},
        "readyz_while_down": f"{readiness.status} {json.loads(readiness.body).get('status')}",
        "seconds_while_down": round(seconds_while_down, 1),
        "readyz_after_restart": recovered,
        "page_cache_after_restart": cached_again,
    }
    _report(request, "redis_down", figures)
    assert recovered == "ok"
    assert cached_again == "hit"
    if pages["/"].status == 500 and b"get_site_root_paths" in _log_bytes(site, "gunicorn"):
        pytest.xfail(
            "defect: Wagtail's Site.get_site_root_paths reads the default cache without catching cache errors, "
            "so pages answer 500 while Redis is down"
        )
    assert all(response.status == 200 for response in pages.values()), figures
    assert all(response.header("X-Page-Cache") != "hit" for response in pages.values())
    assert [response.status for response in appointments + signups] == [302] * 8, figures
    assert stored == (4, 4)
    assert readiness.status == 200
    assert json.loads(readiness.body)["status"] == "degraded"
    assert json.loads(readiness.body)["checks"]["cache"] == "degraded"


def _log_bytes(site: infra.Site, name: str) -> bytes:
    return site.processes.log(name).read_bytes()


MAILING_SUBSCRIBERS = 300
MAILING_CODE = """
from newsletter.models import Mailing, Subscriber, SubscriberStatus
from newsletter.services import mailing_create_for_page
from wagtail.models import Page
Subscriber.objects.bulk_create(
    Subscriber(email=f"mailing-{{n}}@reader.example", status=SubscriberStatus.ACTIVE, consent_version="2025-1")
    for n in range({count})
)
taken = Mailing.objects.exclude(page=None).values("page")
page = Page.objects.live().filter(depth__gt=1).exclude(pk__in=taken).first()
mailing = mailing_create_for_page(
    page=page, subject="A new article", summary="Calm, warm words.", url="https://localhost/a/", image_url=None
)
print(mailing.pk)
"""


def _delivery_states(site: infra.Site, mailing_id: int) -> dict[str, int]:
    rows = site.postgres.query(
        "SELECT state, count(*) FROM newsletter_delivery WHERE mailing_id = %s GROUP BY state", (mailing_id,)
    )
    return dict(rows)


@pytest.mark.slow
def test_worker_killed_mid_mailing_no_one_gets_two_emails_and_only_the_inflight_chunk_is_unknown(
    site_factory, request
):
    # A slow relay (60 ms a message) makes "mid-mailing" a moment the test can hit: a chunk takes 3 s.
    site = site_factory(smtp_delay=0.06)
    mailing_id = int(infra.shell(site.env, MAILING_CODE.format(count=MAILING_SUBSCRIBERS)))
    chunk = CHUNK_SIZE

    # The first chunk is out and the second is being sent: kill the worker as the OOM killer would.
    site.smtp.wait_for_count(chunk + 10, timeout=90)
    site.processes.kill("worker")
    killed_at_count = site.smtp.count()
    at_kill = _delivery_states(site, mailing_id)

    site.worker_start()
    time.sleep(2)
    after_restart_count = site.smtp.count()
    # Fifteen minutes later, as cron runs it every minute: the stuck chunk is given up on, the rest enqueued.
    site.postgres.execute(
        "UPDATE newsletter_delivery SET claimed_at = claimed_at - interval '16 minutes' WHERE state = 'sending'"
    )
    resumed = site.manage("resume_outbox").strip()

    def finished() -> bool:
        states = _delivery_states(site, mailing_id)
        return not any(states.get(state) for state in ("pending", "sending"))

    localsite.wait_until(finished, timeout=120, what="the rest of the mailing", log=site.processes.log("worker"))
    site.manage("resume_outbox")
    time.sleep(1)

    states = _delivery_states(site, mailing_id)
    received = site.smtp.per_recipient()
    by_state = dict(
        site.postgres.query(
            "SELECT s.email, d.state FROM newsletter_delivery d JOIN newsletter_subscriber s ON s.id = d.subscriber_id"
            " WHERE d.mailing_id = %s",
            (mailing_id,),
        )
    )
    twice = {email: received[email] for email in by_state if received[email] > 1}
    unknown = [email for email, state in by_state.items() if state == "unknown"]
    outside = [email for email, state in by_state.items() if state != "unknown"]
    _report(
        request,
        "worker_killed_mid_mailing",
        {
            "subscribers": MAILING_SUBSCRIBERS,
            "chunk_size": chunk,
            "emails_when_killed": killed_at_count,
            "states_when_killed": at_kill,
            "emails_sent_by_restarted_worker_before_resume": after_restart_count - killed_at_count,
            "resume_outbox": resumed,
            "final_states": states,
            "unknown": len(unknown),
            "unknown_that_did_arrive": sum(1 for email in unknown if received[email] == 1),
            "received_twice": len(twice),
        },
    )
    assert at_kill.get("sent") == chunk and at_kill.get("sending") == chunk, at_kill
    assert after_restart_count - killed_at_count <= 1, "the restarted worker sent before the resume job ran"
    assert not twice, f"subscribers who got the mailing twice: {twice}"
    assert len(unknown) <= chunk
    assert all(received[email] == 1 for email in outside), [e for e in outside if received[e] != 1][:10]
    assert states.get("sent") == MAILING_SUBSCRIBERS - len(unknown)


@pytest.mark.slow
def test_postgresql_restarted_under_load_errors_only_while_down_and_nothing_acknowledged_is_lost(
    site_factory, request
):
    # Limits out of the way: this scenario is about the database, and a refused request must not skew counts.
    site = site_factory(extra_env={"APPOINTMENT_RATE_LIMIT": "100000", "NEWSLETTER_SUBSCRIBE_RATE_LIMIT": "100000"})
    for _ in range(10):
        site.client().get(site.urls["home"])
    load = infra.LoadRun(site=site, clients=12, seconds=24, appointment_limit=100000, signup_limit=100000)
    window = {}

    def restart() -> None:
        time.sleep(8)
        window["down_at"] = time.monotonic()
        site.postgres.restart(mode="fast")
        localsite.wait_until(site.postgres.is_ready, timeout=30, what="PostgreSQL after the restart")
        window["up_at"] = time.monotonic()

    restarter = threading.Thread(target=restart, name="pg-restart")
    restarter.start()
    load.run()
    restarter.join(timeout=60)

    outcomes = load.outcomes
    failures = [o for o in outcomes if o.verdict != o.expected]
    after_recovery = [o for o in failures if o.started >= window["up_at"]]
    before_outage = [o for o in failures if o.started + o.seconds < window["down_at"]]
    accepted = [o for o in outcomes if o.verdict == "accepted"]
    rows = site.postgres.query(
        "SELECT email FROM scheduling_appointmentrequest WHERE email LIKE 'load-%%'"
        " UNION ALL SELECT email FROM newsletter_subscriber WHERE email LIKE 'load-%%'"
    )
    stored = Counter(row[0] for row in rows)
    lost = [o.email for o in accepted if stored[o.email] != 1]
    served_after = [o for o in outcomes if o.started >= window["up_at"]]
    _report(
        request,
        "postgresql_restart",
        {
            "clients": load.clients,
            "requests": len(outcomes),
            "seconds_down": round(window["up_at"] - window["down_at"], 2),
            "failed_requests": len(failures),
            "failures": dict(Counter(f"{o.kind}:{o.verdict}" for o in failures)),
            "failed_before_outage": len(before_outage),
            "failed_after_recovery": len(after_recovery),
            "requests_after_recovery": len(served_after),
            "accepted": len(accepted),
            "accepted_not_stored_once": len(lost),
            "worker_alive_after": site.processes.alive("worker"),
        },
    )
    assert not load.crashes, load.crashes[:5]
    assert not before_outage, before_outage[:5]
    assert not after_recovery, [(o.kind, o.verdict, round(o.started - window["up_at"], 2)) for o in after_recovery]
    assert len(served_after) > 50, "too little traffic after the restart to show recovery"
    assert not lost, lost[:10]
    assert site.processes.alive("worker"), localsite.log_tail(site.processes.log("worker"))
