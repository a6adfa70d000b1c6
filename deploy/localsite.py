"""The site under production settings on loopback, for the production smoke test and the benchmark.

Sets up a fresh PostgreSQL database and a Redis database, runs the release steps (migrate, createcachetable,
collectstatic) and the demo content, starts gunicorn (and the task worker), and talks to it the way the TLS
proxy does: X-Forwarded-Proto and X-Forwarded-For on every request, Origin on POSTs.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
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

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PG_HOST = os.environ.get("PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("PGPORT", "5432")
PG_USER = os.environ.get("PGUSER", "postgres")
REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    str(REDIS_PORT),
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]

# The public address the proxy serves. Requests carry it as Host, and the proxy headers say HTTPS.
SITE_HOST = "localhost"
SITE_URL = f"https://{SITE_HOST}"


class SiteError(Exception):
    """A step of setting up or checking the site failed; the message says which and why."""


def step(message: str) -> None:
    print(f"--> {message}", flush=True)  # noqa: T201 - a command-line tool's progress


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], *, env: dict | None = None, what: str) -> str:
    """Run a command to completion; its output, or SiteError with the output's tail."""
    result = subprocess.run(  # noqa: S603 - fixed commands, no shell
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise SiteError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result.stdout


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


def _redis_ping() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_ensure(*, db: int) -> str:
    """Redis up on loopback (started if it isn't), the given database and the next emptied; its REDIS_URL."""
    if not _redis_ping():
        if not shutil.which("redis-server"):
            raise SiteError("Redis is not running at 127.0.0.1:6379 and redis-server is not installed")
        step("starting Redis")
        run(REDIS_START, what="starting redis-server")
        for _ in range(50):
            if _redis_ping():
                break
            time.sleep(0.1)
        else:
            raise SiteError("Redis did not answer PING within 5 seconds (see /var/log/redis/ci.log)")
    # Empty databases each run: rate-limit counters or pages cached by an earlier run would skew the checks.
    # The settings keep the page cache in the database after REDIS_URL's.
    databases = (db, db + 1)
    with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2) as sock:
        sock.sendall("".join(f"SELECT {number}\r\nFLUSHDB\r\n" for number in databases).encode())
        expected = b"+OK\r\n" * 2 * len(databases)
        reply = b""
        while len(reply) < len(expected):
            chunk = sock.recv(64)
            if not chunk:
                break
            reply += chunk
    if reply != expected:
        raise SiteError(f"emptying Redis databases {databases} failed: {reply!r}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"


@dataclass
class ReceivedMail:
    recipients: list[str]
    message: EmailMessage


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (no TLS, no login) for Django's SMTP backend; keeps every message with its recipients."""

    def handle(self):
        sink: SMTPSink = self.server.sink
        self.wfile.write(b"220 localhost SMTP sink\r\n")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.upper()
            if verb.startswith("DATA"):
                self.wfile.write(b"354 end with <CRLF>.<CRLF>\r\n")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                if sink.delay:
                    time.sleep(sink.delay)
                sink.record(recipients, message_from_bytes(b"".join(lines), policy=policy.default))
                recipients = []
                self.wfile.write(b"250 queued\r\n")
            elif verb.startswith("RCPT"):
                match = re.search(r"<([^>]*)>", command)
                recipients.append((match.group(1) if match else command[8:]).strip().lower())
                self.wfile.write(b"250 ok\r\n")
            elif verb.startswith(("MAIL", "RSET")):
                recipients = []
                self.wfile.write(b"250 ok\r\n")
            elif verb.startswith("EHLO"):
                self.wfile.write(b"250-localhost\r\n250 8BITMIME\r\n")
            elif verb.startswith("QUIT"):
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # HELO, NOOP
                self.wfile.write(b"250 ok\r\n")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SMTPSink:
    """A loopback mail server for the site's SMTP backend (so `check --deploy` sees a real backend).

    It keeps its port when stopped (connections are refused) and started again; `delay` slows every
    message down, as a busy relay would, so a test can act in the middle of a mailing.
    """

    def __init__(self, *, delay: float = 0.0):
        self.port = free_port()
        self.delay = delay
        self.received: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._server: _SMTPServer | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SMTPSink":
        self._server = _SMTPServer(("127.0.0.1", self.port), _SMTPHandler)
        self._server.sink = self
        threading.Thread(target=self._server.serve_forever, name="smtp-sink", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def record(self, recipients: list[str], message: EmailMessage) -> None:
        with self._lock:
            self.received.append(ReceivedMail(recipients=recipients, message=message))

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def per_recipient(self) -> Counter:
        with self._lock:
            return Counter(address for mail in self.received for address in mail.recipients)

    def wait_for(self, recipient: str, *, timeout: float = 30) -> EmailMessage:
        """The first message to this address; raises SiteError if none arrives in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for mail in self.received:
                    if recipient.lower() in mail.recipients:
                        return mail.message
            time.sleep(0.2)
        raise SiteError(f"no email to {recipient} within {timeout:.0f} s (is the task worker running?)")

    def wait_for_count(self, count: int, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < count:
            if time.monotonic() > deadline:
                raise SiteError(f"{count} emails at the SMTP sink: only {self.count()} within {timeout:.0f} s")
            time.sleep(0.1)


def production_env(*, database_url: str, redis_url: str, media_root: Path, extra: dict | None = None) -> dict:
    """The environment of every process: production settings, as .env.example describes them."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing from a developer's shell may leak in (another DATABASE_URL, DJANGO_* or test settings).
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "REDIS_", "EMAIL_", "PAGE_CACHE", "GUNICORN_"))
        and key not in {"SITE_URL", "TRUSTED_PROXY_COUNT", "WEB_CONCURRENCY", "MEDIA_ROOT", "MEDIA_SERVE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "practice.settings.production",
            "DJANGO_READ_DOT_ENV": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": f"{SITE_HOST},127.0.0.1",
            "DATABASE_URL": database_url,
            "SITE_URL": SITE_URL,
            "REDIS_URL": redis_url,
            "TRUSTED_PROXY_COUNT": "1",
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "DEFAULT_FROM_EMAIL": "hello@localhost",
            "PRACTICE_PHONE_FALLBACK": "(303) 578-9317",
            "MEDIA_ROOT": str(media_root),
            "MEDIA_SERVE": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra or {})
    return env


def manage(env: dict, *args: str) -> str:
    return run([PYTHON, "manage.py", *args], env=env, what=f"manage.py {' '.join(args)}")


def shell(env: dict, code: str) -> object:
    """Run Python in `manage.py shell` under the site's settings; the JSON it prints on its last line."""
    output = manage(env, "shell", "--no-imports", "-v", "0", "-c", code)
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        raise SiteError(f"manage.py shell printed nothing for:\n{code}")
    return json.loads(lines[-1])


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
from scheduling.models import SchedulingPage

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
    """Paths of the pages the checks visit, from the demo content."""
    try:
        return shell(env, SITE_URLS_CODE)
    except (SiteError, json.JSONDecodeError) as error:
        raise SiteError(f"finding the demo pages (home, article, article index, schedule) failed: {error}") from error


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float = 0.0

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        """The path a redirect points to (the site may answer with an absolute or a relative URL)."""
        return urlsplit(self.header("Location") or "").path


@dataclass
class ProxyClient:
    """HTTP to gunicorn as the TLS proxy forwards it: Host, X-Forwarded-Proto/-For, Origin on POSTs.

    Redirects are not followed (checks look at them); cookies the site sets are sent back. A connection
    that fails raises SiteError, or the OSError itself with `wrap_errors=False` (for callers that count them).
    """

    port: int
    client_ip: str = field(default_factory=lambda: f"198.51.100.{secrets.randbelow(254) + 1}")
    cookies: dict = field(default_factory=dict)
    timeout: float = 30
    wrap_errors: bool = True

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Response:
        all_headers = {
            "Host": SITE_HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.client_ip,
            "Accept-Encoding": "identity",
            **(headers or {}),
        }
        if method == "POST":
            all_headers.setdefault("Origin", SITE_URL)
            all_headers.setdefault("Referer", f"{SITE_URL}{path}")
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(
                status=raw.status, headers=raw.headers, body=raw.read(), seconds=time.monotonic() - started
            )
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
    """Background processes (gunicorn, the worker) that are always stopped, even on Ctrl-C or SIGTERM."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: list[tuple[str, subprocess.Popen, Path]] = []

    def __enter__(self):
        # SIGTERM (CI cancelling the job) unwinds like Ctrl-C, so __exit__ stops what was started.
        self._previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        return self

    def __exit__(self, *exc_info):
        for name, process, _log in reversed(self.running):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    step(f"{name} did not stop within 20 s: killing it")
                    process.kill()
                    process.wait()
        self.running.clear()
        signal.signal(signal.SIGTERM, self._previous)

    def start(self, name: str, command: list[str], *, env: dict) -> subprocess.Popen:
        log = self.log_dir / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - fixed commands, no shell
                command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        self.running.append((name, process, log))
        return process

    def log_tail(self, name: str, lines: int = 30) -> str:
        for process_name, _process, log in self.running:
            if process_name == name:
                return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def check_alive(self, name: str) -> None:
        for process_name, process, _log in self.running:
            if process_name == name and process.poll() is not None:
                raise SiteError(f"{name} exited (code {process.returncode}):\n{self.log_tail(name)}")


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def gunicorn_start(
    processes: Processes, *, env: dict, port: int, workers: int | None = None, name: str = "gunicorn"
) -> ProxyClient:
    """gunicorn with the project's gunicorn.conf.py on a loopback port; returns once /healthz answers."""
    gunicorn_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers:
        gunicorn_env["WEB_CONCURRENCY"] = str(workers)
    command = [str(Path(PYTHON).with_name("gunicorn")), "--config", str(PROJECT_DIR / "gunicorn.conf.py")]
    process = processes.start(name, command, env=gunicorn_env)
    client = ProxyClient(port=port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SiteError(f"gunicorn exited at start-up (code {process.returncode}):\n{processes.log_tail(name)}")
        try:
            if client.get("/healthz").status == 200:
                return client
        except SiteError:
            pass
        time.sleep(0.2)
    raise SiteError(f"gunicorn did not answer /healthz within 30 s:\n{processes.log_tail(name)}")


def worker_start(processes: Processes, *, env: dict) -> None:
    processes.start("worker", [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.5"], env=env)


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
