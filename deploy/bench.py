"""`make bench`: the site under gunicorn with production settings on loopback, measured with wrk and in-process;
writes the figures into docs/benchmarks.md between markers (the report names the machine: the figures depend on it)."""

import gzip
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import brotli
from bs4 import BeautifulSoup, SoupStrainer

from deploy import bench_mailing, bench_slots, localsite
from deploy.localsite import SiteError, step

DATABASE = "practice_bench"
# And 9, for the page cache.
REDIS_DB = 8
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
EXTRA_ARTICLES = int(os.environ.get("BENCH_EXTRA_ARTICLES", "40"))
MAILING_SUBSCRIBERS = int(os.environ.get("BENCH_MAILING_SUBSCRIBERS", str(bench_mailing.SUBSCRIBERS)))
REPORT = localsite.PROJECT_DIR / "docs" / "benchmarks.md"
START_MARKER = "<!-- make bench: start -->"
END_MARKER = "<!-- make bench: end -->"
# What a browser sends through the proxy.
PROXY_HEADERS = {**localsite.proxy_headers("198.51.100.10"), "Accept-Encoding": "gzip, deflate, br"}


@dataclass
class Load:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str, *, port: int, path: str) -> Load:
    step(f"wrk {DURATION}, {CONNECTIONS} connections: {name} ({path})")
    headers = [argument for key, value in PROXY_HEADERS.items() for argument in ("-H", f"{key}: {value}")]
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", DURATION, "--latency", *headers]
    output = localsite.run([*command, f"http://127.0.0.1:{port}{path}"], what=f"wrk {path}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (rps and p50 and p99):
        raise SiteError(f"could not read wrk's output:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    if socket_errors:
        step(f"   {socket_errors.group(0)}")
    return Load(
        name=name,
        path=path,
        requests_per_second=float(rps.group(1)),
        p50_ms=_milliseconds(p50.group(1)),
        p99_ms=_milliseconds(p99.group(1)),
        errors=int(errors.group(1)) if errors else 0,
    )


QUERIES_CODE = """
import json, statistics, time
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="198.51.100.11")
counts = {{}}
for name, path in {paths!r}.items():
    client.get(path)  # the first request fills per-process caches (site, settings, renditions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # The first render after a publish: the cached fragments (menus, lists, the article) are gone.
    timings = []
    for _ in range(5):
        caches["pages"].clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as cold:
            client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    counts[name] = {{"warm": len(queries), "cold": len(cold), "cold_ms": statistics.median(timings)}}
print(json.dumps(counts))
"""


GROW_CODE = """
import json
from blog.models import ArticlePage
source = ArticlePage.objects.live().order_by("first_published_at").first()
for number in range({count}):
    slug = f"bench-article-{{number}}"
    if ArticlePage.objects.filter(slug=slug).exists():
        continue
    copy = source.copy(update_attrs={{"slug": slug, "title": f"{{source.title}} ({{number}})"}}, keep_live=False)
    copy.save_revision().publish()
print(json.dumps(ArticlePage.objects.live().count()))
"""


def measure(env: dict, module: str, function: str, **kwargs) -> dict:
    """`function(**kwargs)` from `module`, in a `manage.py shell` on the bench database: the figures it returns."""
    code = f"import json\nfrom {module} import {function}\nprint(json.dumps({function}(**{kwargs!r})))"
    return localsite.shell(env, code, timeout=900)


def cold_process_first_requests(processes, *, env: dict, path: str, starts: int = 3) -> list[float]:
    """How long a new worker takes to answer its first page (after /healthz, which start-up waits for), in ms."""
    step(f"first request of a new worker, {starts} times")
    timings = []
    for number in range(starts):
        port, name = localsite.free_port(), f"gunicorn-cold-{number}"
        client = localsite.gunicorn_start(
            processes, env={**env, "PAGE_CACHE_ENABLED": "false"}, port=port, workers=1, name=name
        )
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        processes.stop(name)
    return timings


def query_counts(env: dict, paths: dict) -> dict:
    """Queries per page, rendered (page cache off), measured in-process with Django's test client."""
    return localsite.shell({**env, "PAGE_CACHE_ENABLED": "false"}, QUERIES_CODE.format(paths=paths))


def page_assets(html: str) -> tuple[list[str], list[str]]:
    """The stylesheets and scripts a page links, in order."""
    soup = BeautifulSoup(html, "html.parser", parse_only=SoupStrainer(["link", "script"]))
    styles = [link["href"] for link in soup.find_all("link", rel="stylesheet", href=True)]
    scripts = [script["src"] for script in soup.find_all("script", src=True)]
    return styles, scripts


def page_bytes(client: localsite.ProxyClient, path: str) -> dict:
    """A page's HTML, CSS and JS bytes, raw each, and gzipped and brotli-compressed in all."""
    html = client.get(path).body
    styles, scripts = page_assets(html.decode())
    css = [client.get(href).body for href in styles if href.startswith("/")]
    js = [client.get(src).body for src in scripts if src.startswith("/")]
    bodies = [html, *css, *js]
    return {
        "raw": [len(html), sum(map(len, css)), sum(map(len, js))],
        "gzip": sum(len(gzip.compress(body, compresslevel=6)) for body in bodies),
        "brotli": sum(len(brotli.compress(body, quality=11)) for body in bodies),
    }


def _kb(value: int) -> str:
    return f"{value / 1024:.1f} KB"


def _machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
    wrk_line = (wrk_version.stdout + wrk_version.stderr).strip().splitlines()[0]
    return f"{os.cpu_count()} vCPUs ({cpu}), Python {platform.python_version()}, {wrk_line.split(' [')[0]}"


def render_report(
    *,
    loads: list[Load],
    queries: dict,
    grown: dict,
    articles: tuple[int, int],
    sizes: dict,
    workers: int,
    mailing: dict,
    slots: dict,
    first_requests: list[float],
):
    by_name = {load.name: load for load in loads}
    cached_ratio = (
        by_name["article (cached)"].requests_per_second / by_name["static CSS (WhiteNoise)"].requests_per_second
    )
    healthz = by_name["/healthz (minimal view)"].requests_per_second
    rendered = {page: by_name[f"{page} (rendered)"].requests_per_second / healthz for page in ("article", "home")}
    lines = [
        START_MARKER,
        "## The site under load (`make bench`)",
        "",
        "`make bench` (deploy/bench.py) migrates a fresh PostgreSQL database, loads the demo content, starts gunicorn",
        f"with `gunicorn.conf.py` and production settings (Redis cache, {workers} sync workers) on loopback, and",
        f"loads each URL with wrk for {DURATION} ({THREADS} threads, {CONNECTIONS} connections), sending the proxy's",
        "`X-Forwarded-Proto: https`. The rendered pages come from a second gunicorn with",
        "`PAGE_CACHE_ENABLED=false` (what a reader with a session cookie, an editor or a CDN miss gets).",
        "wrk runs on the same machine, so absolute figures are lower than a dedicated load generator would show;",
        "the ratios are what to compare.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {_machine()}.",
        "",
        "| URL | Requests/s | p50 | p99 | Errors |",
        "|-----|-----------:|----:|----:|-------:|",
    ]
    lines += [
        f"| {load.name} `{load.path}` | {load.requests_per_second:,.0f} | {load.p50_ms:.1f} ms | "
        f"{load.p99_ms:.1f} ms | {load.errors} |"
        for load in loads
    ]
    lines += [
        "",
        f"- **Article from the page cache ÷ static file: {cached_ratio:.2f}** (target ≥ 0.8) "
        + ("— met." if cached_ratio >= 0.8 else "— not met."),
    ]
    lines += [
        f"- **Rendered {page} ÷ minimal Django view: {ratio:.2f}** (target ≥ 0.08) "
        + ("— met." if ratio >= 0.08 else "— not met.")
        for page, ratio in rendered.items()
    ]
    lines += [
        f"- **First page a new worker serves** (cold process, page cache off; after the `/healthz` its start-up "
        f"waits for): {', '.join(f'{ms:.0f} ms' for ms in first_requests)} in {len(first_requests)} starts.",
        "",
        "SQL queries per page, rendered (page cache off), counted in-process with Django's test client and "
        f"`CaptureQueriesContext` on PostgreSQL, with {articles[0]} articles and again after publishing "
        f"{articles[1] - articles[0]} more ({articles[1]}). *Warm*: the page's fragments are cached; *after a "
        "publish*: they are not (every publish clears them), timed in-process (median of 5):",
        "",
        f"| Page | Warm ({articles[0]}) | Warm ({articles[1]}) | After a publish ({articles[0]}) "
        f"| After a publish ({articles[1]}) | Render after a publish ({articles[1]}) |",
        "|------|------:|------:|------:|------:|------:|",
    ]
    lines += [
        f"| {name} | {count['warm']} | {grown[name]['warm']} | {count['cold']} | {grown[name]['cold']} "
        f"| {grown[name]['cold_ms']:.1f} ms |"
        for name, count in queries.items()
    ]
    flat = all(
        grown[name]["warm"] == count["warm"] and grown[name]["cold"] == count["cold"]
        for name, count in queries.items()
    )
    lines += [
        "",
        "- Query counts " + ("do not grow with content — target met." if flat else "change with content — see above."),
        "",
        "Bytes per page (HTML + the CSS and JS it links; images aside): raw, gzip (level 6, as a proxy compresses",
        "on the fly) and brotli (quality 11, as WhiteNoise precompresses static files):",
        "",
        "| Page | HTML raw | CSS raw | JS raw | Total gzip | Total brotli |",
        "|------|-----:|-----:|-----:|-----:|-----:|",
    ]
    lines += [
        f"| {name} | {' | '.join(map(_kb, size['raw']))} | {_kb(size['gzip'])} | {_kb(size['brotli'])} |"
        for name, size in sizes.items()
    ]
    article_total = sizes["article"]["brotli"]
    lines += [
        "",
        f"- **An article's HTML + CSS + JS: {_kb(article_total)} compressed** (target ≤ 50 KB) "
        + ("— met." if article_total <= 50 * 1024 else "— not met."),
        "",
        f"A new-article mailing to {mailing['subscribers']:,} subscribers on the same PostgreSQL database",
        "(deploy/bench_mailing.py: created with `mailing_create_for_page`, sent chunk by chunk as the task does,",
        "through Django's locmem backend, in a transaction that is rolled back):",
        "",
        "| Create mailing + deliveries | Send | Emails/s | Peak memory (max RSS) | SQL queries per chunk |",
        "|-----:|-----:|-----:|-----:|------|",
        f"| {mailing['create_seconds']:.2f} s | {mailing['send_seconds']:.1f} s | "
        f"{mailing['sent'] / mailing['send_seconds']:.0f} | {mailing['peak_mib']:.0f} MiB | "
        + ", ".join(f"{number} for {size} emails" for size, number in mailing["queries_per_chunk"].items())
        + " |",
        "",
        f"Open times on the same database (deploy/bench_slots.py: hours 7:00–21:00 every day in both formats for "
        f"{slots['weeks']} weeks, {slots['offered']:,} times, {slots['held']} of them held or confirmed; in a "
        "transaction that is rolled back; medians):",
        "",
        "| Slot computation alone | Read + compute (queries) | `/schedule/` rendered (queries) | HTML |",
        "|-----:|-----:|-----:|-----:|",
        f"| {slots['compute_ms']:.1f} ms | {slots['read_ms']:.1f} ms ({slots['read_queries']}) | "
        f"{slots['page_ms']:.1f} ms ({slots['page_queries']}) | {slots['page_kib']:.0f} KiB |",
        END_MARKER,
    ]
    return "\n".join(lines) + "\n"


def report_write(section: str) -> None:
    text = REPORT.read_text() if REPORT.is_file() else "# Benchmarks\n"
    if START_MARKER in text and END_MARKER in text:
        before, rest = text.split(START_MARKER, 1)
        after = rest.split(END_MARKER, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text)


def bench() -> None:
    if not shutil.which("wrk"):
        raise SiteError("wrk is not installed: apt-get install wrk (make bench does this)")
    env, scratch, _mail = localsite.site_prepare(database=DATABASE, redis_db=REDIS_DB)
    localsite.release(env)
    urls = localsite.site_urls(env)
    pages = {"home": urls["home"], "article": urls["article"], "article index": urls["article_index"]}

    step("SQL queries per page, before and after adding articles")
    queries = query_counts(env, pages)
    before = urls["articles"]
    after = localsite.shell(env, GROW_CODE.format(count=EXTRA_ARTICLES))
    grown = query_counts(env, pages)
    step(f"newsletter mailing to {MAILING_SUBSCRIBERS:,} subscribers (locmem backend, rolled back)")
    mailing = measure(env, "deploy.bench_mailing", "mailing_measure", subscribers=MAILING_SUBSCRIBERS)
    step(f"open times: {bench_slots.WEEKS} weeks of hours, {bench_slots.HOLDS} held times (rolled back)")
    slots = measure(env, "deploy.bench_slots", "slots_measure", weeks=bench_slots.WEEKS, holds=bench_slots.HOLDS)
    localsite.redis_ensure(db=REDIS_DB)  # publishing cleared the page cache already; start from empty anyway

    cached_port, uncached_port = localsite.free_port(), localsite.free_port()
    with localsite.Processes(scratch) as processes:
        step(f"gunicorn on 127.0.0.1:{cached_port} (page cache on) and :{uncached_port} (page cache off)")
        client = localsite.gunicorn_start(processes, env=env, port=cached_port, name="gunicorn-cached")
        localsite.gunicorn_start(
            processes, env={**env, "PAGE_CACHE_ENABLED": "false"}, port=uncached_port, name="gunicorn-uncached"
        )

        home = client.get(urls["home"])
        styles, _scripts = page_assets(home.text)
        static_css = next((href for href in styles if href.startswith("/static/")), None)
        if static_css is None:
            raise SiteError("the home page links no stylesheet under /static/")
        # Fill the page cache.
        for path in pages.values():
            client.get(path)
            client.get(path)

        loads = [
            wrk("home (cached)", port=cached_port, path=urls["home"]),
            wrk("article (cached)", port=cached_port, path=urls["article"]),
            wrk("article (rendered)", port=uncached_port, path=urls["article"]),
            wrk("home (rendered)", port=uncached_port, path=urls["home"]),
            wrk("article index (cached)", port=cached_port, path=urls["article_index"]),
            wrk("static CSS (WhiteNoise)", port=cached_port, path=static_css),
            wrk("/healthz (minimal view)", port=cached_port, path="/healthz"),
        ]
        sizes = {name: page_bytes(client, path) for name, path in {**pages, "schedule": urls["schedule"]}.items()}
        first_requests = cold_process_first_requests(processes, env=env, path=urls["article"])
    workers_code = "import runpy; print(runpy.run_path('gunicorn.conf.py')['workers'])"
    workers = int(localsite.run([sys.executable, "-c", workers_code], env=env, what="reading the worker count"))
    section = render_report(
        loads=loads,
        queries=queries,
        grown=grown,
        articles=(before, after),
        sizes=sizes,
        workers=workers,
        mailing=mailing,
        slots=slots,
        first_requests=first_requests,
    )
    report_write(section)
    print("\n" + section)  # noqa: T201
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"Wrote {REPORT.relative_to(localsite.PROJECT_DIR)}")  # noqa: T201


if __name__ == "__main__":
    sys.exit(localsite.main_run(bench, "Benchmark"))
