"""Private services for the load and fault scenarios: PostgreSQL, Redis, an SMTP sink, gunicorn, the worker.

Every scenario gets its own of each, on loopback ports chosen at random, so breaking them never touches the
machine's shared PostgreSQL (5432) or Redis (6379). Everything is bounded in time and always stopped.
"""

import copy
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from deploy.localsite import SITE_HOST, SITE_URL, SITE_URLS_CODE, ProxyClient, Response, SMTPSink, free_port
from tests.scheduling.factories import VALID_APPOINTMENT

PROJECT_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG_BIN = Path(os.environ.get("RELIABILITY_PG_BIN", "/usr/lib/postgresql/15/bin"))
# PostgreSQL refuses to run as root; as root, its processes run as this system user.
PG_OS_USER = "postgres"
DATABASE = "practice"
START_TIMEOUT = 60


class InfraError(Exception):
    """A private service did not start or stop in time; the message says which and shows its log."""


def _wait_until(condition, *, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tail = _tail(log) if log else ""
    raise InfraError(f"{what} not ready within {timeout:.0f} s\n{tail}")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _run(command: list[str], *, env: dict | None = None, timeout: float = 300, what: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed commands, no shell
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-30:])
        raise InfraError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result.stdout


def _as_postgres_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_OS_USER, "--", *command]
    return command


# PostgreSQL


class Postgres:
    """A PostgreSQL cluster of its own in a temporary folder, listening on one loopback port only."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.log = data_dir.parent / f"{data_dir.name}.log"

    @classmethod
    def create(cls, parent: Path) -> "Postgres":
        data_dir = parent / f"pg-{secrets.token_hex(4)}"
        _pg_owned_dir(parent)
        _run(
            _as_postgres_user(
                [str(PG_BIN / "initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            what="initdb",
        )
        return cls(data_dir)

    def copy(self, parent: Path) -> "Postgres":
        """A new cluster from this one's (stopped) files: a migrated database in a second, not a minute."""
        target = parent / f"pg-{secrets.token_hex(4)}"
        _pg_owned_dir(parent)
        _run(_as_postgres_user(["cp", "-a", str(self.data_dir), str(target)]), what="copying the cluster")
        _run(_as_postgres_user(["rm", "-f", str(target / "postmaster.pid")]), what="clearing the pid file")
        return Postgres(target)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _options(self) -> str:
        # Loopback TCP only, no Unix socket; no fsync: a test cluster's durability on power loss doesn't matter,
        # and a clean restart (what the scenarios do) writes everything out regardless.
        return f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='' -c fsync=off"

    def start(self) -> None:
        _run(
            _as_postgres_user(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log),
                    "-o",
                    self._options(),
                    "-w",
                    "-t",
                    str(START_TIMEOUT),
                    "start",
                ]
            ),
            what=f"starting PostgreSQL on port {self.port}",
            timeout=START_TIMEOUT + 10,
        )

    def stop(self, *, mode: str = "fast") -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            return
        _run(
            _as_postgres_user(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "-t", "60", "stop"]
            ),
            what="stopping PostgreSQL",
            timeout=70,
        )

    def restart(self, *, mode: str = "fast") -> None:
        _run(
            _as_postgres_user(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log),
                    "-o",
                    self._options(),
                    "-m",
                    mode,
                    "-w",
                    "-t",
                    "60",
                    "restart",
                ]
            ),
            what="restarting PostgreSQL",
            timeout=70,
        )

    def is_ready(self) -> bool:
        try:
            with psycopg.connect(self.url, connect_timeout=1) as connection:
                connection.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def create_database(self) -> None:
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")

    def query(self, sql: str, params: tuple | dict | None = None) -> list[tuple]:
        with psycopg.connect(self.url, connect_timeout=5) as connection:
            return connection.execute(sql, params).fetchall()

    def execute(self, sql: str, params: tuple | dict | None = None) -> int:
        with psycopg.connect(self.url, connect_timeout=5) as connection:
            return connection.execute(sql, params).rowcount

    def remove(self) -> None:
        try:
            self.stop(mode="immediate")
        finally:
            _run(_as_postgres_user(["rm", "-rf", str(self.data_dir)]), what="removing the cluster")


def _pg_owned_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(path, user=PG_OS_USER, group=PG_OS_USER)


# Redis


class Redis:
    """A redis-server of its own: no persistence, loopback, one port. Stop it to simulate an outage."""

    def __init__(self, scratch: Path):
        self.port = free_port()
        self.log = scratch / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
        _wait_until(self.ping, timeout=10, what="redis-server", log=self.log)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# The site: production settings, gunicorn and the worker


def production_env(*, database_url: str, redis_url: str, email_url: str, scratch: Path, extra: dict) -> dict:
    """Every process's environment: production settings, nothing inherited from a developer's shell."""
    inherited = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH"}
    env = {key: value for key, value in os.environ.items() if key in inherited}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "practice.settings.production",
            "DJANGO_READ_DOT_ENV": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": f"{SITE_HOST},127.0.0.1",
            "DATABASE_URL": database_url,
            "SITE_URL": SITE_URL,
            "EMAIL_URL": email_url,
            "DEFAULT_FROM_EMAIL": "hello@localhost",
            "TRUSTED_PROXY_COUNT": "1",
            "PRACTICE_PHONE_FALLBACK": "(303) 578-9317",
            "MEDIA_ROOT": str(scratch / "media"),
            "MEDIA_SERVE": "true",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "off",
            "APPOINTMENT_MIN_SUBMIT_SECONDS": "0",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    return _run([PYTHON, "manage.py", *args], env=env, timeout=timeout, what=f"manage.py {' '.join(args)}")


def shell(env: dict, code: str, *, timeout: float = 120) -> str:
    """Run Python under the site's settings (`manage.py shell -c`); what it printed."""
    return manage(env, "shell", "--no-imports", "-v", "0", "-c", code, timeout=timeout)


class Processes:
    """Background processes of one scenario, each with a log file, always stopped at the end."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], *, env: dict) -> subprocess.Popen:
        with self.log(name).open("ab") as output:
            process = subprocess.Popen(  # noqa: S603 - fixed commands, no shell
                command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running[name] = process
        return process

    def log(self, name: str) -> Path:
        return self.scratch / f"{name}.log"

    def kill(self, name: str) -> None:
        """SIGKILL, as the OOM killer or a pulled plug would: no clean-up runs."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, name: str) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)

    def alive(self, name: str) -> bool:
        process = self.running.get(name)
        return process is not None and process.poll() is None


@dataclass
class Site:
    """The site as one scenario runs it: its own PostgreSQL, Redis and SMTP sink, gunicorn and the worker."""

    scratch: Path
    postgres: Postgres
    redis: Redis
    smtp: SMTPSink
    env: dict
    processes: Processes
    port: int = 0
    urls: dict = field(default_factory=dict)

    def gunicorn_start(self, *, workers: int | None = None) -> None:
        """gunicorn with the project's gunicorn.conf.py (its worker count for this machine unless `workers`)."""
        self.port = self.port or free_port()
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        gunicorn = str(Path(PYTHON).with_name("gunicorn"))
        process = self.processes.start(
            "gunicorn", [gunicorn, "--config", str(PROJECT_DIR / "gunicorn.conf.py")], env=env
        )

        def answers() -> bool:
            if process.poll() is not None:
                raise InfraError(f"gunicorn exited at start-up:\n{_tail(self.processes.log('gunicorn'))}")
            try:
                return Client(self.port).get("/healthz").status == 200
            except OSError:
                return False

        _wait_until(answers, timeout=START_TIMEOUT, what="gunicorn", log=self.processes.log("gunicorn"))

    def worker_start(self) -> None:
        self.processes.start(
            "worker", [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"], env=self.env
        )

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def remove_scratch(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def client(self, ip: str | None = None) -> "Client":
        return Client(self.port, client_ip=ip or f"198.51.100.{secrets.randbelow(254) + 1}")


# HTTP, as the TLS proxy forwards it


@dataclass
class Client(ProxyClient):
    """One visitor behind the proxy, as the smoke test's client (deploy/localsite.py) but for counting:
    OSError (connection refused or reset, timeout) is raised to the caller, which counts it as a failure.
    """

    client_ip: str = "198.51.100.1"
    wrap_errors: bool = False


HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*>')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, the signed start time), by name."""
    fields = {}
    for tag in HIDDEN_INPUT.findall(html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def appointment_data(*, email: str, name: str = "Jordan Rivers") -> dict:
    """A complete, valid appointment request (hidden fields are added from the page)."""
    return copy.deepcopy(VALID_APPOINTMENT) | {"name": name, "email": email}


def appointment_submit(client: Client, path: str, data: dict) -> tuple[Response, Response]:
    """What a visitor does: load the form (CSRF cookie, start time), then send it."""
    page = client.get(path)
    if page.status != 200:
        return page, page
    answer = client.post(path, {**hidden_fields(page.text), **data})
    return page, answer


def newsletter_subscribe(client: Client, *, email: str, first_name: str = "Robin", website: str = "") -> Response:
    """The footer form as a reader on a cached page sends it: no cookies, no token, Origin set."""
    return client.post("/newsletter/subscribe/", {"email": email, "first_name": first_name, "website": website})


# Scenario set-up


class Template:
    """A migrated cluster with the demo content, made once per test session and copied for each scenario."""

    def __init__(self, scratch: Path):
        import json

        self.scratch = scratch
        self.postgres = Postgres.create(scratch)
        self.postgres.start()
        try:
            self.postgres.create_database()
            env = production_env(
                database_url=self.postgres.url,
                redis_url="",
                email_url="smtp://127.0.0.1:9",
                scratch=scratch,
                extra={},
            )
            # Before migrate: with database caches, a migration's signal handlers already use the cache.
            manage(env, "createcachetable")
            manage(env, "migrate", "--no-input")
            # Shared with the project (STATIC_ROOT): the manifest the production storage needs to render pages.
            manage(env, "collectstatic", "--no-input")
            manage(env, "load_demo_content")
            lines = [line for line in shell(env, SITE_URLS_CODE).splitlines() if line.strip()]
            self.urls = json.loads(lines[-1])
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
    redis = Redis(scratch)
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
            scratch=scratch,
            extra=extra_env or {},
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
    path = Path(tempfile.mkdtemp(prefix=prefix))
    # PostgreSQL (running as its own user) writes its log beside its data.
    path.chmod(0o755)
    _pg_owned_dir(path)
    return path


_TEMPLATE: list[Template] = []


def shared_template(config) -> Template:
    """One template per test session, shared by every scenario module, removed when the session ends."""
    if not _TEMPLATE:
        _TEMPLATE.append(Template(scratch_dir("reliability-template-")))
        config.add_cleanup(lambda: _TEMPLATE.pop().remove())
    return _TEMPLATE[0]


def report(request, name: str, figures: dict) -> None:
    """Show a scenario's figures in pytest's output (they go into docs/reliability-load-faults.md)."""
    import json

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
        import ipaddress
        import random

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
        data = {**hidden_fields(page.text), **appointment_data(email=email)}
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
