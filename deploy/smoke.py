"""Production smoke (.ci/run): what a visitor and an operator rely on, checked under gunicorn with production
settings, PostgreSQL and Redis on loopback. Exits non-zero on any failure."""

import json
import re
import shutil
import sys
import time
from urllib.parse import urlsplit

from deploy import localsite
from deploy.localsite import ProxyClient, Response, SiteError, form_fill, forms_in, step

DATABASE = "practice_smoke"
# And 4, for the page cache.
REDIS_DB = 3
# APPOINTMENT_MIN_SUBMIT_SECONDS (default 3): a faster submit counts as spam.
SCHEDULE_WAIT_SECONDS = 3.5

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=()",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=",
}
PAGE_CACHE_HEADER = "X-Page-Cache"
# How long gunicorn's workers may still serve pages after a publish in another process clears the cache: the page
# cache's generation_check_seconds (practice.cache.PageCache), a tenth of a second, with a margin.
PAGE_CACHE_PROPAGATION_SECONDS = 0.2


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SiteError(message)


def expect_status(response: Response, status: int, what: str) -> None:
    expect(
        response.status == status,
        f"{what}: expected HTTP {status}, got {response.status}"
        + (f" → {response.header('Location')}" if response.header("Location") else "")
        + f"\n{response.text[:600]}",
    )


def check_security_headers(response: Response, what: str) -> None:
    missing = []
    for name, expected in SECURITY_HEADERS.items():
        value = response.header(name)
        if value is None or expected not in value:
            missing.append(f"{name} (got {value!r}, expected it to contain {expected!r})")
    expect(not missing, f"{what}: security headers missing or wrong: " + "; ".join(missing))
    csp = response.header("Content-Security-Policy") or ""
    expect("unsafe-inline" not in csp, f"{what}: the public CSP allows 'unsafe-inline': {csp}")


def check_page(client: ProxyClient, path: str, what: str) -> Response:
    response = client.get(path)
    expect_status(response, 200, f"GET {path} ({what})")
    expect("text/html" in (response.header("Content-Type") or ""), f"{what}: not HTML")
    check_security_headers(response, f"GET {path} ({what})")
    return response


def check_health(client: ProxyClient) -> None:
    step("/healthz and /readyz")
    response = client.get("/healthz")
    expect_status(response, 200, "GET /healthz")
    expect(response.text.strip() == "ok", f"/healthz answered {response.text!r}")
    response = client.get("/readyz")
    expect_status(response, 200, "GET /readyz")
    readiness = json.loads(response.body)
    expect(readiness.get("status") == "ok", f"/readyz is not ok with PostgreSQL, Redis and the worker up: {readiness}")


def stored(env: dict, objects: str, **filters) -> int:
    """How many rows `objects` (a model's manager or queryset, with its import) holds with these field values."""
    module, expression = objects.rsplit(":", 1)
    model = expression.split(".", 1)[0]
    code = f"import json\nfrom {module} import {model}\nprint(json.dumps({expression}.filter(**{filters!r}).count()))"
    return localsite.shell(env, code)


def check_schedule(client: ProxyClient, env: dict, path: str, mail: localsite.SMTPSink) -> None:
    step(f"schedule form: GET {path}, then a valid POST")
    response = check_page(client, path, "schedule form")
    shown_at = time.monotonic()
    # The appointment request form is the POST form with a consent box.
    form = localsite.form_with_field(forms_in(response.text), "consent", page=path)
    email = f"smoke-{int(time.time())}@example.org"
    data = form_fill(
        form,
        {
            "name": "Sam Smoke",
            "email": email,
            "phone": "(303) 555-0123",
            "insurance_provider": "Anthem",
            "website": "",
            # "None of these times work": the first open time may be kept for couples, which the form's first
            # answer to "who for" is not (holding a time is covered by the PostgreSQL and browser tests).
            "slot": "none",
        },
    )
    time.sleep(max(0.0, SCHEDULE_WAIT_SECONDS - (time.monotonic() - shown_at)))
    response = client.post(urlsplit(form.action).path or path, data)
    expect_status(response, 302, f"POST {path} (a valid appointment request)")
    thanks = response.location
    expect(thanks.startswith(path) and thanks != path, f"POST {path} redirected to {thanks}, not its thank-you page")
    expect_status(client.get(thanks), 200, f"GET {thanks} (thank-you page)")
    genuine = stored(env, "scheduling.models.appointments:AppointmentRequest.objects.not_spam()", email=email)
    expect(genuine == 1, f"the appointment request was not stored as a genuine request (found {genuine})")
    # The form's first answer to "May we email you a confirmation?" is yes: the worker sends it.
    mail.wait_for(email)


def check_footer_subscribe(env: dict, port: int, home: Response, mail: localsite.SMTPSink) -> None:
    step("footer subscribe form: POST /newsletter/subscribe/")
    forms = [form for form in forms_in(home.text) if urlsplit(form.action).path.endswith("/newsletter/subscribe/")]
    expect(bool(forms), "home: no form posting to …/newsletter/subscribe/")
    form = forms[0]
    email = f"smoke-reader-{int(time.time())}@example.org"
    # A reader straight off a cached page: no cookies at all.
    client = ProxyClient(port=port)
    response = client.post(
        urlsplit(form.action).path, form_fill(form, {"email": email, "first_name": "Robin", "website": ""})
    )
    expect_status(response, 302, "POST /newsletter/subscribe/ (footer form)")
    expect(
        response.location == "/newsletter/check-your-inbox/",
        f"footer subscribe redirected to {response.header('Location')}, not the check-your-inbox page",
    )
    pending = stored(env, "newsletter.models:Subscriber.objects", email=email, status="pending")
    expect(pending == 1, f"the footer subscription was not stored as pending (found {pending})")

    step("newsletter confirmation email (sent by the worker), and its link")
    message = mail.wait_for(email)
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https://localhost(/newsletter/confirm/[^/\s]+/)", text)
    expect(link is not None, f"the confirmation email has no confirm link:\n{text[:800]}")
    confirm_path = link.group(1)
    expect_status(client.get(confirm_path), 200, "GET the confirm link")
    expect_status(client.post(confirm_path, []), 200, "POST the confirm link")
    active = stored(env, "newsletter.models:Subscriber.objects", email=email, status="active")
    expect(active == 1, "confirming the subscription did not make it active")


REPUBLISH_CODE = """
import json
from urllib.parse import urlsplit
from wagtail.models import Page
page = next(p for p in Page.objects.live().specific() if urlsplit(p.get_url()).path == {path!r})
page.save_revision().publish()
print(json.dumps(page.pk))
"""


def check_page_cache(env: dict, port: int, path: str) -> None:
    step(f"page cache: a second GET of {path} is a hit; publishing the article clears it")
    reader = ProxyClient(port=port)  # no cookies: an anonymous reader
    first = check_page(reader, path, "article")
    second = check_page(reader, path, "article, again")
    state = second.header(PAGE_CACHE_HEADER)
    expect(state == "hit", f"second GET {path}: {PAGE_CACHE_HEADER} {state!r}, not hit")
    expect(first.body == second.body, f"GET {path}: the cached copy differs from the page")
    localsite.shell(env, REPUBLISH_CODE.format(path=path))
    time.sleep(PAGE_CACHE_PROPAGATION_SECONDS)
    after = check_page(reader, path, "article after publishing")
    expect(
        after.header(PAGE_CACHE_HEADER) == "miss",
        f"GET {path} after publishing: {PAGE_CACHE_HEADER} {after.header(PAGE_CACHE_HEADER)!r}, not miss "
        "(publishing did not clear the page cache)",
    )
    again = reader.get(path)
    expect(again.header(PAGE_CACHE_HEADER) == "hit", f"GET {path} once more: not cached again after the miss")


def check_logs(client: ProxyClient, processes: localsite.Processes) -> None:
    step("logs: no query strings, tokens or client addresses")
    marker_token = "SmokeTokenSegment123"  # noqa: S105 - a marker to look for in the log, not a secret
    marker_query = "smoke-query@example.org"
    client.get(f"/newsletter/confirm/{marker_token}/?email={marker_query}")
    client.get(f"/newsletter/unsubscribe/{marker_token}/")
    time.sleep(0.5)
    lines = processes.log_tail("gunicorn", lines=1000).splitlines()
    access = [line for line in lines if '"GET ' in line or '"POST ' in line]
    expect(
        any("/newsletter/confirm/" in line for line in access),
        "the access log has no line for the confirm request:\n" + "\n".join(lines[-20:]),
    )
    markers = (marker_token, marker_query, client.client_ip)
    leaks = [line for line in access if any(marker in line for marker in markers)]
    expect(not leaks, "the gunicorn access log shows a token, query string or client address:\n" + "\n".join(leaks))
    leaks = [line for line in lines if line not in access and any(marker in line for marker in markers)]
    expect(
        not leaks,
        "the application log (Django, under gunicorn) shows a token, query string or client address — "
        "mask token paths in LOGGING:\n" + "\n".join(leaks),
    )


def smoke() -> None:
    started = time.monotonic()
    env, scratch, mail = localsite.site_prepare(database=DATABASE, redis_db=REDIS_DB)
    step("manage.py check --deploy")
    localsite.manage(env, "check", "--deploy", "--fail-level", "WARNING")
    localsite.release(env)
    urls = localsite.site_urls(env)
    port = localsite.free_port()
    step(f"logs in {scratch}")
    with localsite.Processes(scratch) as processes:
        step(f"gunicorn (production settings) on 127.0.0.1:{port}, and the task worker")
        client = localsite.gunicorn_start(processes, env=env, port=port, workers=2)
        localsite.worker_start(processes, env=env)

        step("home, article, article index")
        home = check_page(client, urls["home"], "home")
        article = check_page(client, urls["article"], "article")
        for what, response in (("home", home), ("article", article)):
            expect(not response.headers.get_all("Set-Cookie"), f"{what}: sets a cookie on a plain read")
        expect("<article" in article.text, f"{urls['article']}: no <article> element")
        check_page(client, urls["article_index"], "article index")

        check_health(client)
        check_schedule(client, env, urls["schedule"], mail)
        check_footer_subscribe(env, port, home, mail)
        check_page_cache(env, port, urls["article"])
        check_logs(client, processes)
        processes.check_alive("gunicorn")
        processes.check_alive("worker")
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"\nProduction smoke passed in {time.monotonic() - started:.0f} s")  # noqa: T201


if __name__ == "__main__":
    sys.exit(localsite.main_run(smoke, "Production smoke"))
