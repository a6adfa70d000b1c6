"""The gunicorn access log: masked token paths, no query strings, nothing identifying a visitor."""

import datetime
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from deploy.gunicorn_logging import MaskingLogger, mask_url

PROJECT_DIR = Path(__file__).resolve().parents[2]
CONFIG_FILE = PROJECT_DIR / "gunicorn.conf.py"


@pytest.mark.parametrize(
    ("path", "masked"),
    [
        ("/newsletter/confirm/AbC.d3f:1uX-_q/", "/newsletter/confirm/…/"),
        ("/newsletter/unsubscribe/AbC.d3f:1uX-_q/", "/newsletter/unsubscribe/…/"),
        ("/newsletter/unsubscribe/AbC.d3f:1uX-_q", "/newsletter/unsubscribe/…"),
        ("/admin/password_reset/confirm/MQ/c4f-9a1b2c3d4e5f/", "/admin/password_reset/confirm/…/…/"),
        ("/admin/password_reset/confirm/MQ/set-password/", "/admin/password_reset/confirm/…/…/"),
        ("/newsletter/", "/newsletter/"),
        ("/newsletter/check-your-inbox/", "/newsletter/check-your-inbox/"),
        ("/articles/power-of-belonging/", "/articles/power-of-belonging/"),
        # Anything that looks like a token link is masked, wherever it stands: over-masking is harmless.
        ("/blog/newsletter/confirm/x/", "/blog/newsletter/confirm/…/"),
        ("", "-"),
    ],
)
def test_mask_url_hides_token_segments_only(path, masked):
    assert mask_url(path) == masked


def test_mask_url_drops_query_string_fragment_and_host():
    assert mask_url("/search/?q=anxiety+help&email=a@b.example") == "/search/"
    assert mask_url("https://example.org/newsletter/confirm/tok/?x=1#top") == "/newsletter/confirm/…/"
    assert mask_url("//evil.example/newsletter/confirm/tok/") == "//evil.example/newsletter/confirm/…/"
    assert mask_url("-") == "-"
    assert mask_url(None) == "-"


def _access_line(tmp_path, *, access_log_format=None, raw_uri, headers=()):
    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    if access_log_format:
        config.set("access_log_format", access_log_format)
    else:
        config.set("access_log_format", runpy.run_path(str(CONFIG_FILE))["access_log_format"])
    logger = MaskingLogger(config)
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": "https://example.org/newsletter/unsubscribe/REFTOKEN/?email=ref@example.org",
        "HTTP_USER_AGENT": "Mozilla/5.0 Secret-Agent",
        "HTTP_COOKIE": "sessionid=SESSIONSECRET",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(
        headers=[
            ("REFERER", environ["HTTP_REFERER"]),
            ("COOKIE", environ["HTTP_COOKIE"]),
            ("X-FORWARDED-FOR", "198.51.100.7"),
            *headers,
        ]
    )
    logger.access(response, request, environ, datetime.timedelta(milliseconds=42))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log_file.read_text()


def test_access_log_masks_the_token_and_drops_the_query_string(tmp_path):
    line = _access_line(tmp_path, raw_uri="/newsletter/confirm/SECRETTOKEN/?email=reader@example.org")

    assert '"GET /newsletter/confirm/…/ HTTP/1.1" 200 1234 42ms' in line
    assert "SECRETTOKEN" not in line
    assert "reader@example.org" not in line


def test_access_log_leaves_out_addresses_agents_referrers_and_cookies_whatever_the_format(tmp_path):
    everything = (
        '%(h)s %(u)s "%(r)s" %(U)s %(q)s "%(f)s" "%(a)s" %({referer}i)s %({cookie}i)s %({x-forwarded-for}i)s '
        "%({http_cookie}e)s %({raw_uri}e)s %({query_string}e)s"
    )
    line = _access_line(tmp_path, access_log_format=everything, raw_uri="/newsletter/unsubscribe/SECRETTOKEN/?a=b")

    for secret in ("203.0.113.9", "198.51.100.7", "Secret-Agent", "REFTOKEN", "ref@example.org", "SESSIONSECRET"):
        assert secret not in line
    assert "SECRETTOKEN" not in line
    assert "a=b" not in line
    assert "GET /newsletter/unsubscribe/…/ HTTP/1.1" in line


def test_gunicorn_config_loads_the_masking_logger(tmp_path, monkeypatch):
    monkeypatch.chdir(PROJECT_DIR)
    config = Config()
    config.set("logger_class", runpy.run_path(str(CONFIG_FILE))["logger_class"])

    assert config.logger_class is MaskingLogger
