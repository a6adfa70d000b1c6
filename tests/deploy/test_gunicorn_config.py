"""gunicorn.conf.py: workers from the CPU count (capped, overridable), binding and proxy trust from the environment."""

import runpy
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
CONFIG_FILE = PROJECT_DIR / "gunicorn.conf.py"
ENVIRONMENT = (
    "WEB_CONCURRENCY",
    "GUNICORN_MAX_WORKERS",
    "GUNICORN_BIND",
    "PORT",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_ACCESS_LOG",
)


@pytest.fixture
def load_config(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)

    def load(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONFIG_FILE))

    return load


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (3, 7), (4, 8), (32, 8)])
def test_workers_are_twice_the_cores_plus_one_capped_at_eight(load_config, cpus, workers):
    worker_count = load_config()["worker_count"]

    assert worker_count(cpus=cpus, override=None, cap=8) == workers


def test_web_concurrency_overrides_the_worker_count(load_config):
    assert load_config(WEB_CONCURRENCY="3")["workers"] == 3


def test_worker_cap_is_configurable(load_config):
    assert load_config(GUNICORN_MAX_WORKERS="1")["workers"] == 1


def test_binds_to_loopback_by_default_and_to_the_platform_port_when_given(load_config):
    assert load_config()["bind"] == ["127.0.0.1:8000"]
    assert load_config(PORT="5000")["bind"] == ["0.0.0.0:5000"]
    assert load_config(GUNICORN_BIND="unix:/run/practice/gunicorn.sock")["bind"] == [
        "unix:/run/practice/gunicorn.sock"
    ]


def test_trusts_forwarded_headers_only_from_the_configured_proxies(load_config):
    assert load_config()["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert load_config(FORWARDED_ALLOW_IPS="10.0.0.5")["forwarded_allow_ips"] == "10.0.0.5"


def test_access_log_format_has_no_query_string_client_address_or_referrer(load_config):
    config = load_config()
    log_format = config["access_log_format"]

    assert "%(U)s" in log_format
    for atom in ("%(r)s", "%(q)s", "%(h)s", "%(f)s", "%(a)s"):
        assert atom not in log_format
    assert config["logger_class"] == "deploy.gunicorn_logging.MaskingLogger"
    assert load_config(GUNICORN_ACCESS_LOG="off")["accesslog"] is None
