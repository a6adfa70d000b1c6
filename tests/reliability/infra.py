"""The reliability scenarios' site and load generator, on the shared harness (deploy/localsite.py).

Every scenario gets its own PostgreSQL, Redis and SMTP sink, on loopback ports chosen at random, so breaking them
never touches the machine's shared PostgreSQL (5432) or Redis (6379). Everything is bounded in time and always
stopped.
"""

import copy
import http.client
import ipaddress
import json
import random
import shutil
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from deploy import localsite
from deploy.localsite import (
    SITE_URLS_CODE,
    PostgresCluster,
    Processes,
    ProxyClient,
    RedisServer,
    Response,
    SMTPSink,
    free_port,
    manage,
    production_env,
)
from tests.scheduling.factories import VALID_APPOINTMENT

START_TIMEOUT = 60
# What every scenario's processes run with, on top of production settings: no access log (the load would fill
# the disk), and no minimum time before a form may be sent, so clients need not wait.
SCENARIO_ENV = {"GUNICORN_ACCESS_LOG": "off", "APPOINTMENT_MIN_SUBMIT_SECONDS": "0"}


def shell(env: dict, code: str) -> object:
    return localsite.shell(env, code, timeout=120)


@dataclass
class Site:
    """The site as one scenario runs it: its own PostgreSQL, Redis and SMTP sink, gunicorn and the worker."""

    scratch: Path
    postgres: PostgresCluster
    redis: RedisServer
    smtp: SMTPSink
    env: dict
    processes: Processes
    port: int = 0
    urls: dict = field(default_factory=dict)

    def gunicorn_start(self, *, workers: int | None = None) -> None:
        """gunicorn with the project's gunicorn.conf.py (its worker count for this machine unless `workers`)."""
        self.port = self.port or free_port()
        localsite.gunicorn_start(self.processes, env=self.env, port=self.port, workers=workers, timeout=START_TIMEOUT)

    def worker_start(self) -> None:
        localsite.worker_start(self.processes, env=self.env, interval=0.2)

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def remove_scratch(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def client(self, ip: str | None = None) -> "Client":
        return Client(self.port, client_ip=ip or localsite.random_client_ip())


# HTTP, as the TLS proxy forwards it


@dataclass
class Client(ProxyClient):
    """One visitor behind the proxy, as the smoke test's client but for counting: OSError (connection refused
    or reset, timeout) is raised to the caller, which counts it as a failure.
    """

    client_ip: str = "198.51.100.1"
    wrap_errors: bool = False


def hidden_fields(html: str, path: str) -> dict[str, str]:
    """The hidden inputs of the page's appointment request form (CSRF token, the signed start time), by name."""
    return localsite.form_with_field(localsite.forms_in(html), "consent", page=path).hidden()


def appointment_data(*, email: str, name: str = "Jordan Rivers") -> dict:
    """A complete, valid appointment request (hidden fields are added from the page)."""
    return copy.deepcopy(VALID_APPOINTMENT) | {"name": name, "email": email}


def appointment_submit(client: Client, path: str, data: dict) -> tuple[Response, Response]:
    """What a visitor does: load the form (CSRF cookie, start time), then send it."""
    page = client.get(path)
    if page.status != 200:
        return page, page
    answer = client.post(path, {**hidden_fields(page.text, path), **data})
    return page, answer


def newsletter_subscribe(client: Client, *, email: str, first_name: str = "Robin", website: str = "") -> Response:
    """The footer form as a reader on a cached page sends it: no cookies, no token, Origin set."""
    return client.post("/newsletter/subscribe/", {"email": email, "first_name": first_name, "website": website})


# Scenario set-up


class Template:
    """A migrated cluster with the demo content, made once per test session and copied for each scenario."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.postgres = PostgresCluster.create(scratch)
        self.postgres.start()
        try:
            self.postgres.create_database()
            # No Redis (the database caches) and a mail server nobody listens on: the release sends no email.
            env = production_env(
                database_url=self.postgres.url,
                redis_url="",
                email_url="smtp://127.0.0.1:9",
                media_root=scratch / "media",
                extra=SCENARIO_ENV,
            )
            # The release steps, as the smoke runs them (collectstatic shares the project's STATIC_ROOT: the
            # manifest the production storage needs to render pages).
            localsite.release(env)
            self.urls = shell(env, SITE_URLS_CODE)
        finally:
            self.postgres.stop()

    def remove(self) -> None:
        self.postgres.remove()
        shutil.rmtree(self.scratch, ignore_errors=True)


def site_start(
    template: Template,
    scratch: Path,
    *,
    smtp_delay: float = 0.0,
    extra_env: dict | None = None,
    workers: int | None = None,
    worker: bool = True,
) -> Site:
    """A scenario's own copies of everything, running. Pair with `site_stop` in a finally/finalizer."""
    postgres = template.postgres.copy(scratch)
    redis = RedisServer(scratch)
    smtp = SMTPSink(delay=smtp_delay)
    site = Site(
        scratch=scratch,
        postgres=postgres,
        redis=redis,
        smtp=smtp,
        env={},
        processes=Processes(scratch),
        urls=template.urls,
    )
    try:
        postgres.start()
        redis.start()
        smtp.start()
        site.env = production_env(
            database_url=postgres.url,
            redis_url=redis.url,
            email_url=smtp.url,
            media_root=scratch / "media",
            extra={**SCENARIO_ENV, **(extra_env or {})},
        )
        site.gunicorn_start(workers=workers)
        if worker:
            site.worker_start()
    except BaseException:
        site_stop(site)
        raise
    return site


def site_stop(site: Site) -> None:
    steps = (site.processes.stop_all, site.smtp.stop, site.redis.stop, site.postgres.remove, site.remove_scratch)
    for step in steps:
        try:
            step()
        except Exception as error:  # noqa: BLE001 - stop everything else even if one step fails
            print(f"reliability infra: teardown step failed: {error}", file=sys.stderr)  # noqa: T201


def scratch_dir(prefix: str) -> Path:
    # PostgreSQL (running as its own user) writes its log beside its data.
    return localsite.scratch_dir(prefix, for_postgres=True)


_TEMPLATE: list[Template] = []


def shared_template(config) -> Template:
    """One template per test session, shared by every scenario module, removed when the session ends."""
    if not _TEMPLATE:
        _TEMPLATE.append(Template(scratch_dir("reliability-template-")))
        config.add_cleanup(lambda: _TEMPLATE.pop().remove())
    return _TEMPLATE[0]


def report(request, name: str, figures: dict) -> None:
    """Show a scenario's figures in pytest's output (they go into docs/reliability-load-faults.md)."""
    line = f"\n{name}: {json.dumps(figures, sort_keys=True)}"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(line, flush=True)  # noqa: T201 - the figures, shown even when output is captured
    else:
        print(line)  # noqa: T201


# Load: many visitors at once, each request checked against what the site should answer


@dataclass
class Outcome:
    kind: str  # appointment, appointment_invalid, signup, signup_invalid, page, form_page
    ip: str
    email: str
    expected: str  # "accepted", "rate_limited", "invalid", "page"
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    verdict: str  # "accepted", "rate_limited", "invalid", "page", or what went wrong
    started: float
    seconds: float


APPOINTMENT_INVALID = {"phone": "", "email": "not-an-address"}


@dataclass
class LoadRun:
    """`clients` threads for `seconds`, submitting both forms (valid and invalid) and reading pages.

    Each client has one address it keeps (so the per-IP limits trip) and otherwise a fresh address per
    submission, sent as X-Forwarded-For through the one trusted proxy. Each client knows exactly how many
    times each of its addresses has been counted, so it knows when the site must answer 429.
    """

    site: Site
    clients: int
    seconds: float
    appointment_limit: int
    signup_limit: int
    outcomes: list[Outcome] = field(default_factory=list)
    # Client threads that died of a bug in this generator (never expected): the run is then invalid.
    crashes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> None:
        stop_at = time.monotonic() + self.seconds
        threads = [
            threading.Thread(target=self._guarded, args=(number, stop_at), name=f"load-{number}", daemon=True)
            for number in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=self.seconds + 120)

    def _guarded(self, number: int, stop_at: float) -> None:
        try:
            self._client(number, stop_at)
        except Exception as error:  # noqa: BLE001 - reported by the test as a broken run
            with self._lock:
                self.crashes.append(f"client {number}: {type(error).__name__}: {error}")

    def _client(self, number: int, stop_at: float) -> None:
        chance = random.Random(number)  # noqa: S311 - a reproducible mix, not security
        sticky = str(ipaddress.IPv4Address("198.18.0.0") + number + 1)
        fresh_base = int(ipaddress.IPv4Address("100.64.0.0")) + (number << 16)
        counts: Counter = Counter()
        sequence = 0
        while time.monotonic() < stop_at:
            sequence += 1
            ip = sticky if chance.random() < 0.5 else str(ipaddress.IPv4Address(fresh_base + sequence))
            roll = chance.random()
            client = Client(self.site.port, client_ip=ip)
            if roll < 0.35:
                counts[ip, "appointment"] += 1
                over = counts[ip, "appointment"] > self.appointment_limit
                self._appointment(client, f"load-{number}-{sequence}@client.example", valid=True, over=over)
            elif roll < 0.45:
                self._appointment(client, f"load-{number}-{sequence}@client.example", valid=False, over=False)
            elif roll < 0.80:
                counts[ip, "signup"] += 1
                over = counts[ip, "signup"] > self.signup_limit
                self._signup(client, f"load-{number}-{sequence}@reader.example", valid=True, over=over)
            elif roll < 0.90:
                counts[ip, "signup"] += 1
                over = counts[ip, "signup"] > self.signup_limit
                self._signup(client, f"load-{number}-{sequence}@reader.example", valid=False, over=over)
            else:
                self._page(client, chance.choice([self.site.urls["home"], "/newsletter/"]))

    def _record(self, **kwargs) -> None:
        with self._lock:
            self.outcomes.append(Outcome(**kwargs))

    def _call(self, function, *args):
        started = time.monotonic()
        try:
            return started, function(*args), None
        except (OSError, http.client.HTTPException) as error:
            return started, None, type(error).__name__

    def _page(self, client: Client, path: str) -> Response | None:
        started, response, error = self._call(client.get, path)
        status = response.status if response else 0
        verdict = "page" if status == 200 else (error or f"HTTP {status}")
        self._record(
            kind="page" if path != self.site.urls["schedule"] else "form_page",
            ip=client.client_ip,
            email="",
            expected="page",
            status=status,
            verdict=verdict,
            started=started,
            seconds=time.monotonic() - started,
        )
        return response if status == 200 else None

    def _appointment(self, client: Client, email: str, *, valid: bool, over: bool) -> None:
        schedule = self.site.urls["schedule"]
        page = self._page(client, schedule)
        if page is None:
            return
        data = {**hidden_fields(page.text, schedule), **appointment_data(email=email)}
        if not valid:
            data.update(APPOINTMENT_INVALID)
        expected = "invalid" if not valid else "rate_limited" if over else "accepted"
        started, response, error = self._call(client.post, schedule, data)
        status = response.status if response else 0
        if error:
            verdict = error
        elif status == 302 and response.location == f"{schedule}thank-you/":
            verdict = "accepted"
        elif status == 429 and "<title>Error:" not in response.text and "try again later" in response.text.lower():
            verdict = "rate_limited"
        elif status == 200 and "<title>Error:" in response.text:
            verdict = "invalid"
        else:
            verdict = f"HTTP {status} {response.location}".strip()
        self._record(
            kind="appointment" if valid else "appointment_invalid",
            ip=client.client_ip,
            email=email,
            expected=expected,
            status=status,
            verdict=verdict,
            started=started,
            seconds=time.monotonic() - started,
        )

    def _signup(self, client: Client, email: str, *, valid: bool, over: bool) -> None:
        expected = "rate_limited" if over else "accepted" if valid else "invalid"
        address = email if valid else email.replace("@", " at ")
        started, response, error = self._call(lambda: newsletter_subscribe(client, email=address))
        status = response.status if response else 0
        if error:
            verdict = error
        elif status == 302 and response.location == "/newsletter/check-your-inbox/":
            verdict = "accepted"
        elif status == 429:
            verdict = "rate_limited"
        elif status == 200 and "<title>Error:" in response.text:
            verdict = "invalid"
        else:
            verdict = f"HTTP {status} {response.location}".strip()
        self._record(
            kind="signup" if valid else "signup_invalid",
            ip=client.client_ip,
            email=email,
            expected=expected,
            status=status,
            verdict=verdict,
            started=started,
            seconds=time.monotonic() - started,
        )


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
