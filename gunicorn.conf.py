"""Gunicorn settings for production, each overridable from the environment (a Procfile and a systemd unit share it)."""

import os
from pathlib import Path


def worker_count(*, cpus: int, override: str | None, cap: int) -> int:
    """Gunicorn's rule of thumb, 2 × cores + 1, capped: each worker holds a Django process in memory."""
    if override:
        return max(1, int(override))
    return max(1, min(2 * cpus + 1, cap))


# The project folder: gunicorn changes into it and imports practice.wsgi (and deploy.*) from it.
chdir = str(Path(__file__).resolve().parent)
wsgi_app = "practice.wsgi:application"

# Behind the TLS proxy on the same host: loopback only. Platforms that set PORT get every interface.
if os.environ.get("GUNICORN_BIND"):
    bind = os.environ["GUNICORN_BIND"].split(",")
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]

# Sync workers: simple and predictable behind a proxy that buffers slow clients (see deploy/).
workers = worker_count(
    cpus=os.process_cpu_count() or 1,
    override=os.environ.get("WEB_CONCURRENCY"),
    cap=int(os.environ.get("GUNICORN_MAX_WORKERS", "8")),
)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Workers live until restarted: recycling one costs a Django start-up (a second or two of CPU, with requests
# queueing behind it), and the app has no leak to contain. GUNICORN_MAX_REQUESTS=N recycles after N requests.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn's documented choice; only heartbeat files
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Whose X-Forwarded-Proto gunicorn believes: the TLS proxy's address(es). Django trusts the header through
# SECURE_PROXY_SSL_HEADER and the client address through TRUSTED_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr for journald or the platform. The access log has no query strings, no client
# addresses and no tokens (deploy/gunicorn_logging.py). GUNICORN_ACCESS_LOG=off turns it off.
_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access_log == "off" else _access_log
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
logger_class = "deploy.gunicorn_logging.MaskingLogger"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "practice"

# gunicorn's control socket (for `gunicornc`) defaults to one path in $HOME, which two instances on a host
# would share and a hardened systemd unit can't write. Off unless a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
