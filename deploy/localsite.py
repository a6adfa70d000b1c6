"""The one harness that runs the site under production settings on loopback, behind a simulated TLS proxy:
used by the smoke, bench, Lighthouse and reliability runs."""

import argparse
import asyncio
import http.client
import json
import os
import re
import secrets
import shlex
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
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import redis
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup, SoupStrainer

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PG_HOST = os.environ.get("PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("PGPORT", "5432")
PG_USER = os.environ.get("PGUSER", "postgres")
REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379
REDIS_START = shlex.split(
    f"redis-server --daemonize yes --bind 127.0.0.1 -::1 --port {REDIS_PORT} --save '' --appendonly no "
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)

# The public address the proxy serves. Requests carry it as Host, and the proxy headers say HTTPS.
SITE_HOST = "localhost"
SITE_URL = f"https://{SITE_HOST}"


class SiteError(Exception):
    """A step of setting up or checking the site failed; the message says which and why."""


def step(message: str) -> None:
    print(f"--> {message}", flush=True)  # noqa: T201 - a command-line tool's progress


def measure_main(measure, figures_lines, doc: str, **options: int | None) -> None:
    """A part of the bench run on its own: an integer `--option` for each keyword (its default), Django set up
    (dev settings unless DJANGO_SETTINGS_MODULE says otherwise), and the figures `measure` returns, printed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, default in options.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings.dev")
    import django

    django.setup()
    print("\n".join(figures_lines(measure(**vars(arguments)))))  # noqa: T201 - a command-line tool's report


def main_run(task, name: str) -> int:
    """A command's exit status: 1 with the reason if a step failed, 130 if interrupted (Ctrl-C, SIGTERM)."""
    try:
        task()
    except SiteError as error:
        print(f"\n{name.upper()} FAILED: {error}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        print(f"\n{name} interrupted", file=sys.stderr)  # noqa: T201
        return 130
    return 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], *, env: dict | None = None, what: str, timeout: float | None = None) -> str:
    """Run a command to completion; its output, or SiteError with the output's tail."""
    result = subprocess.run(  # noqa: S603 - fixed commands, no shell
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-30:])
        raise SiteError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result.stdout


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_until(condition, *, timeout: float, what: str, log: Path | None = None):
    """Poll `condition` until it is truthy and return its value; SiteError (with the log's tail) on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise SiteError(f"{what} not ready within {timeout:.0f} s\n{log_tail(log) if log else ''}")


def postgres_recreate(name: str) -> str:
    """Drop and create the database; its DATABASE_URL."""
    for tool in ("pg_isready", "dropdb", "createdb"):
        if not shutil.which(tool):
            raise SiteError(f"{tool} not found: install the PostgreSQL client tools")
    connection = ["-h", PG_HOST, "-p", PG_PORT]
    run(["pg_isready", *connection], what=f"PostgreSQL at {PG_HOST}:{PG_PORT}")
    run(["dropdb", "--if-exists", *connection, "-U", PG_USER, name], what=f"dropping database {name}")
    run(["createdb", *connection, "-U", PG_USER, name], what=f"creating database {name}")
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def redis_ping(port: int = REDIS_PORT, *, timeout: float = 1) -> bool:
    try:
        return redis.Redis(REDIS_HOST, port, socket_timeout=timeout, socket_connect_timeout=timeout).ping()
    except redis.RedisError:
        return False


def redis_ensure(*, db: int) -> str:
    """Redis up on loopback (started if it isn't), the given database and the next emptied; its REDIS_URL."""
    if not redis_ping():
        if not shutil.which("redis-server"):
            raise SiteError("Redis is not running at 127.0.0.1:6379 and redis-server is not installed")
        step("starting Redis")
        run(REDIS_START, what="starting redis-server")
        wait_until(redis_ping, timeout=5, what="Redis (PING; see /var/log/redis/ci.log)")
    # Empty databases each run: rate-limit counters or pages cached by an earlier run would skew the checks.
    # The settings keep the page cache in the database after REDIS_URL's.
    databases = (db, db + 1)
    try:
        for number in databases:
            redis.Redis(REDIS_HOST, REDIS_PORT, db=number, socket_timeout=2).flushdb()
    except redis.RedisError as error:
        raise SiteError(f"emptying Redis databases {databases} failed: {error}") from error
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"


# Private services (reliability scenarios): a PostgreSQL cluster and a redis-server of their own, on random
# loopback ports, so breaking them never touches the machine's shared PostgreSQL (5432) or Redis (6379).

PG_BIN = Path(os.environ.get("RELIABILITY_PG_BIN", "/usr/lib/postgresql/15/bin"))
# PostgreSQL refuses to run as root; as root, its processes run as this system user.
PG_OS_USER = "postgres"
PG_START_TIMEOUT = 60


def _as_postgres_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_OS_USER, "--", *command]
    return command


def pg_owned_dir(path: Path) -> None:
    """A folder the PostgreSQL system user may write in (as root; otherwise we are that user)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(path, user=PG_OS_USER, group=PG_OS_USER)


class PostgresCluster:
    """A PostgreSQL cluster of its own in a temporary folder, listening on one loopback port only."""

    def __init__(self, data_dir: Path, *, database: str = "practice"):
        self.data_dir = data_dir
        self.database = database
        self.port = free_port()
        self.log = data_dir.parent / f"{data_dir.name}.log"

    @classmethod
    def create(cls, parent: Path) -> "PostgresCluster":
        data_dir = parent / f"pg-{secrets.token_hex(4)}"
        pg_owned_dir(parent)
        initdb = [str(PG_BIN / "initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        run(_as_postgres_user(initdb), what="initdb", timeout=300)
        return cls(data_dir)

    def copy(self, parent: Path) -> "PostgresCluster":
        """A new cluster from this one's (stopped) files: a migrated database in a second, not a minute."""
        target = parent / f"pg-{secrets.token_hex(4)}"
        pg_owned_dir(parent)
        run(_as_postgres_user(["cp", "-a", str(self.data_dir), str(target)]), what="copying the cluster")
        run(_as_postgres_user(["rm", "-f", str(target / "postmaster.pid")]), what="clearing the pid file")
        return PostgresCluster(target, database=self.database)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _pg_ctl(self, action: str, *options: str, timeout: float, what: str) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), *options, "-w", "-t", str(int(timeout)), action]
        run(_as_postgres_user(command), what=what, timeout=timeout + 10)

    def _server_options(self) -> list[str]:
        # Loopback TCP only, no Unix socket; no fsync: a test cluster's durability on power loss doesn't matter,
        # and a clean restart (what the scenarios do) writes everything out regardless.
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='' -c fsync=off"
        return ["-l", str(self.log), "-o", options]

    def start(self) -> None:
        self._pg_ctl(
            "start", *self._server_options(), timeout=PG_START_TIMEOUT, what=f"starting PostgreSQL on port {self.port}"
        )

    def stop(self, *, mode: str = "fast") -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", mode, timeout=60, what="stopping PostgreSQL")

    def restart(self, *, mode: str = "fast") -> None:
        self._pg_ctl("restart", *self._server_options(), "-m", mode, timeout=60, what="restarting PostgreSQL")

    def is_ready(self) -> bool:
        try:
            with psycopg.connect(self.url, connect_timeout=1) as connection:
                connection.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def create_database(self) -> None:
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {self.database}")

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
            run(_as_postgres_user(["rm", "-rf", str(self.data_dir)]), what="removing the cluster")


class RedisServer:
    """A redis-server of its own: no persistence, loopback, one port. Stop it to simulate an outage."""

    def __init__(self, scratch: Path):
        self.port = free_port()
        self.log = scratch / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{REDIS_HOST}:{self.port}/0"

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", REDIS_HOST]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603
                command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until(lambda: redis_ping(self.port, timeout=0.5), timeout=10, what="redis-server", log=self.log)

    def stop(self) -> None:
        if self.process:
            process_stop(self.process, "redis-server", timeout=10)
        self.process = None


class SMTPSink:
    """A loopback mail server (aiosmtpd), so `check --deploy` sees a real SMTP backend. It keeps its port when stopped
    and started again; `delay` slows every message, as a busy relay would, so a test can act mid-mailing."""

    def __init__(self, *, delay: float = 0.0):
        self.port = free_port()
        self.delay = delay
        # (lower-cased recipients, message), in the order received.
        self.received: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SMTPSink":
        # A controller's event loop is closed when it stops: each start gets a new one, on the same port.
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        recipients = [address.lower() for address in envelope.rcpt_tos]
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.received.append((recipients, message))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def per_recipient(self) -> Counter:
        with self._lock:
            return Counter(address for recipients, _message in self.received for address in recipients)

    def wait_for(self, recipient: str, *, timeout: float = 30) -> EmailMessage:
        def first() -> EmailMessage | None:
            with self._lock:
                return next((message for to, message in self.received if recipient.lower() in to), None)

        return wait_until(first, timeout=timeout, what=f"an email to {recipient} (sent by the task worker)")

    def wait_for_count(self, count: int, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < count:
            if time.monotonic() > deadline:
                raise SiteError(f"{count} emails at the SMTP sink: only {self.count()} within {timeout:.0f} s")
            time.sleep(0.1)


# Variables the settings read (.env.example lists every one) or gunicorn.conf.py reads: never inherited from a
# developer's shell (another DATABASE_URL, DJANGO_* or test settings), only set here or by the caller.
_NOT_INHERITED_PREFIXES = ("DJANGO_", "DATABASE_", "CACHE_", "REDIS_", "EMAIL_", "PAGE_CACHE", "GUNICORN_")
_NOT_INHERITED = {"SITE_URL", "TRUSTED_PROXY_COUNT", "WEB_CONCURRENCY", "MEDIA_ROOT", "MEDIA_SERVE"} | set(
    re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (PROJECT_DIR / ".env.example").read_text(), re.MULTILINE)
)


def production_env(
    *, database_url: str, redis_url: str, email_url: str, media_root: Path, extra: dict | None = None
) -> dict:
    """The environment of every process: production settings. No `redis_url`: the settings cache in the database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_NOT_INHERITED_PREFIXES) and key not in _NOT_INHERITED
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "practice.settings.production",
            "DJANGO_READ_DOT_ENV": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": f"{SITE_HOST},127.0.0.1",
            "DATABASE_URL": database_url,
            "SITE_URL": SITE_URL,
            "TRUSTED_PROXY_COUNT": "1",
            "EMAIL_URL": email_url,
            "DEFAULT_FROM_EMAIL": "hello@localhost",
            "PRACTICE_PHONE_FALLBACK": "(303) 578-9317",
            "MEDIA_ROOT": str(media_root),
            "MEDIA_SERVE": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def site_prepare(*, database: str, redis_db: int) -> tuple[dict, Path, "SMTPSink"]:
    """For smoke, bench and Lighthouse: the machine's PostgreSQL and Redis (a database of each, emptied), a scratch
    folder, a running SMTP sink, and the environment of every process, pointing at them."""
    step(f"PostgreSQL database {database}, Redis database {redis_db}")
    database_url = postgres_recreate(database)
    redis_url = redis_ensure(db=redis_db)
    scratch = scratch_dir(f"{database}-")
    mail = SMTPSink().start()
    env = production_env(
        database_url=database_url, redis_url=redis_url, email_url=mail.url, media_root=scratch / "media"
    )
    return env, scratch, mail


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    return run([PYTHON, "manage.py", *args], env=env, what=f"manage.py {' '.join(args)}", timeout=timeout)


def shell(env: dict, code: str, *, timeout: float = 300) -> object:
    """Run Python in `manage.py shell` under the site's settings; the JSON it prints on its last line."""
    output = manage(env, "shell", "--no-imports", "-v", "0", "-c", code, timeout=timeout).strip()
    try:
        return json.loads(output.splitlines()[-1])
    except (IndexError, json.JSONDecodeError) as error:
        raise SiteError(f"manage.py shell printed no JSON on its last line for:\n{code}\n{output[-600:]}") from error


def release(env: dict) -> None:
    """What the Procfile's release step and a deploy run, then the demo content."""
    step("createcachetable, migrate, collectstatic, load_demo_content (production settings)")
    # The cache tables first: without Redis, migrations already use the database cache.
    manage(env, "createcachetable")
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "load_demo_content")


SITE_URLS_CODE = """
import json
from urllib.parse import urlsplit
from wagtail.models import Site
from blog.models import ArticleIndexPage, ArticlePage
from scheduling.models.page import SchedulingPage

def path(page):
    return urlsplit(page.get_url()).path

site = Site.objects.get(is_default_site=True)
print(json.dumps({
    "home": path(site.root_page),
    "article": path(ArticlePage.objects.live().order_by("-first_published_at").first()),
    "article_index": path(ArticleIndexPage.objects.live().first()),
    "schedule": path(SchedulingPage.objects.live().first()),
    "articles": ArticlePage.objects.live().count(),
}))
"""


def site_urls(env: dict) -> dict:
    """Paths of the pages the checks visit (home, article, article index, schedule), from the demo content."""
    return shell(env, SITE_URLS_CODE)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        """The path a redirect points to (the site may answer with an absolute or a relative URL)."""
        return urlsplit(self.header("Location") or "").path


def random_client_ip() -> str:
    """A visitor's address from TEST-NET-2 (RFC 5737)."""
    return f"198.51.100.{secrets.randbelow(254) + 1}"


def proxy_headers(client_ip: str) -> dict[str, str]:
    """What the TLS proxy adds to every request it forwards (uncompressed, unless a caller asks otherwise)."""
    return {
        "Host": SITE_HOST,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": client_ip,
        "Accept-Encoding": "identity",
    }


@dataclass
class ProxyClient:
    """HTTP to gunicorn as the TLS proxy forwards it. Redirects are not followed; cookies are sent back. A failed
    connection raises SiteError, or the OSError itself with `wrap_errors=False` (for callers that count them)."""

    port: int
    client_ip: str = field(default_factory=random_client_ip)
    cookies: dict = field(default_factory=dict)
    timeout: float = 30
    wrap_errors: bool = True

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Response:
        all_headers = {**proxy_headers(self.client_ip), **(headers or {})}
        if method == "POST":
            all_headers.setdefault("Origin", SITE_URL)
            all_headers.setdefault("Referer", f"{SITE_URL}{path}")
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(status=raw.status, headers=raw.headers, body=raw.read())
        except OSError as error:
            if not self.wrap_errors:
                raise
            raise SiteError(f"{method} {path}: no answer from gunicorn ({error})") from error
        finally:
            connection.close()
        for set_cookie in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(set_cookie).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | list[tuple[str, str]], **kwargs) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
        return self.request("POST", path, body=urlencode(data, doseq=True).encode(), headers=headers, **kwargs)


class Processes:
    """Background processes (gunicorn, the worker, Caddy), each with a log file, always stopped at the end.
    Each leads its own process group, so stopping or killing it reaches its children (gunicorn's workers)."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def __enter__(self):
        # SIGTERM (CI cancelling the job) unwinds like Ctrl-C, so what was started is stopped.
        self._previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        return self

    def __exit__(self, *exc_info):
        self.stop_all()
        signal.signal(signal.SIGTERM, self._previous)

    def start(self, name: str, command: list[str], *, env: dict) -> subprocess.Popen:
        with self.log(name).open("ab") as output:
            process = subprocess.Popen(  # noqa: S603 - fixed commands, no shell
                command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running[name] = process
        return process

    def log(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def log_tail(self, name: str, lines: int = 30) -> str:
        return log_tail(self.log(name), lines)

    def kill(self, name: str) -> None:
        """SIGKILL, as the OOM killer or a pulled plug would: no clean-up runs."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, name: str) -> None:
        if process := self.running.pop(name, None):
            process_stop(process, name)

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)

    def alive(self, name: str) -> bool:
        process = self.running.get(name)
        return process is not None and process.poll() is None

    def check_alive(self, name: str) -> None:
        if not self.alive(name):
            code = f"code {self.running[name].returncode}" if name in self.running else "never started"
            raise SiteError(f"{name} exited ({code}):\n{self.log_tail(name)}")


def process_stop(process: subprocess.Popen, name: str, *, timeout: float = 20) -> None:
    """SIGTERM to its process group (its children too), then SIGKILL if it hasn't exited within `timeout`."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        step(f"{name} did not stop within {timeout:.0f} s: killing it")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def gunicorn_start(
    processes: Processes,
    *,
    env: dict,
    port: int,
    workers: int | None = None,
    name: str = "gunicorn",
    timeout: float = 30,
) -> ProxyClient:
    """gunicorn with the project's gunicorn.conf.py on a loopback port; returns once /healthz answers."""
    gunicorn_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers:
        gunicorn_env["WEB_CONCURRENCY"] = str(workers)
    command = [str(Path(PYTHON).with_name("gunicorn")), "--config", str(PROJECT_DIR / "gunicorn.conf.py")]
    process = processes.start(name, command, env=gunicorn_env)
    client = ProxyClient(port=port)

    def answers() -> bool:
        if process.poll() is not None:
            raise SiteError(f"gunicorn exited at start-up (code {process.returncode}):\n{processes.log_tail(name)}")
        try:
            return client.get("/healthz").status == 200
        except SiteError:
            return False

    wait_until(answers, timeout=timeout, what=f"gunicorn (/healthz on port {port})", log=processes.log(name))
    return client


def worker_start(processes: Processes, *, env: dict, interval: float = 0.5) -> None:
    command = [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", str(interval)]
    processes.start("worker", command, env=env)


def scratch_dir(prefix: str, *, for_postgres: bool = False) -> Path:
    """A temporary folder for logs and media; `for_postgres`: a private cluster may also write its log there."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if for_postgres:
        path.chmod(0o755)
        pg_owned_dir(path)
    return path


@dataclass
class Form:
    action: str
    method: str
    fields: list[dict] = field(default_factory=list)

    def hidden(self) -> dict[str, str]:
        """The hidden inputs (CSRF token, the signed start time), by name."""
        return {item["name"]: item["value"] for item in self.fields if item["type"] == "hidden"}


def forms_in(html: str) -> list[Form]:
    """Every <form> in a page with its named inputs, textareas and selects (a select's selected or first option)."""
    forms = []
    for element in BeautifulSoup(html, "html.parser", parse_only=SoupStrainer("form")).find_all("form"):
        form = Form(action=element.get("action", ""), method=element.get("method", "get").lower())
        for control in element.find_all(["input", "textarea", "select"]):
            name = control.get("name")
            if not name:
                continue
            if control.name == "input":
                kind, value = control.get("type", "text").lower(), control.get("value", "")
            elif control.name == "textarea":
                kind, value = "textarea", ""
            else:
                option = control.find("option", selected=True) or control.find("option")
                kind, value = "select", (option.get("value", option.get_text()) if option else "") or ""
            form.fields.append({"type": kind, "name": name, "value": value})
        forms.append(form)
    return forms


def form_fill(form: Form, values: dict[str, str]) -> list[tuple[str, str]]:
    """The POST data a person would send: hidden fields as given, `values` for the named fields, the first
    option of every radio group and select, and every lone checkbox ticked (consents). Checkbox groups
    (several boxes with one name) and text fields without a value are left empty."""
    data: list[tuple[str, str]] = []
    answered: set[str] = set()
    checkbox_counts = Counter(item["name"] for item in form.fields if item["type"] == "checkbox")
    for item in form.fields:
        name, kind = item["name"], item["type"]
        if kind in {"submit", "button", "reset", "image", "file"}:
            continue
        if kind == "hidden":
            data.append((name, item["value"]))
        elif kind == "checkbox":
            if checkbox_counts[name] == 1 or values.get(name) == item["value"]:
                data.append((name, item["value"] or "on"))
        elif kind in {"radio", "select"}:
            if name not in answered:
                answered.add(name)
                data.append((name, values.get(name, item["value"])))
        else:
            data.append((name, values.get(name, "")))
    return data


def form_with_field(forms: list[Form], name: str, *, page: str) -> Form:
    """The POST form that has a field of this name (the appointment request form: `consent`)."""
    for form in forms:
        if form.method == "post" and any(item["name"] == name for item in form.fields):
            return form
    raise SiteError(f"{page}: no POST form with a {name!r} field")
