"""Lighthouse (mobile) on the demo site under production settings, behind Caddy as the TLS proxy.

`python -m deploy.lighthouse` sets up a fresh database with the demo content, starts gunicorn, puts Caddy in
front with a locally issued certificate (so the site is served over HTTPS as in production, and Caddy sets
X-Forwarded-Proto/-For itself), and runs Lighthouse from npm with Debian's Chromium on the home page, an
article and the scheduling page. Prints the scores and anything that cost points. Needs caddy, chromium, npx.
Lighthouse 13 declares Node >= 22.19; it runs on Debian 12's Node 20 (npx prints an engine warning).
"""

import json
import shutil
import sys
import time

from deploy import localsite
from deploy.localsite import SiteError, step

DATABASE = "practice_lighthouse"
# And 11, for the page cache.
REDIS_DB = 10
LIGHTHOUSE = "lighthouse@13.5.0"
CATEGORIES = "performance,accessibility,best-practices,seo"

CADDYFILE = """{{
	admin off
	skip_install_trust
	auto_https disable_redirects
	storage file_system {storage}
}}

localhost:{port} {{
	tls internal
	encode gzip
	reverse_proxy 127.0.0.1:{upstream}
}}
"""


def lighthouse_command(url: str, output: str) -> list[str]:
    return [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--chrome-path=/usr/bin/chromium",
        # The certificate comes from Caddy's local CA, which Chromium doesn't know.
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --ignore-certificate-errors",
        f"--only-categories={CATEGORIES}",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]


def summary(report: dict) -> dict:
    scores = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
    lost = {}
    for name, category in report["categories"].items():
        for reference in category["auditRefs"]:
            audit = report["audits"][reference["id"]]
            if reference["weight"] and audit["score"] is not None and audit["score"] < 1:
                lost.setdefault(name, []).append(f"{audit['id']} ({audit.get('displayValue') or audit['score']})")
    metrics = {
        key: report["audits"][key].get("displayValue")
        for key in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
        )
    }
    return {"scores": scores, "lost": lost, "metrics": metrics, "version": report["lighthouseVersion"]}


def lighthouse() -> dict:
    for tool in ("caddy", "chromium", "npx"):
        if not shutil.which(tool):
            raise SiteError(f"{tool} is not installed")
    env, scratch, _mail = localsite.site_prepare(
        database=DATABASE, redis_db=REDIS_DB, scratch_prefix="practice-lighthouse-"
    )
    localsite.release(env)
    urls = localsite.site_urls(env)
    upstream, port = localsite.free_port(), localsite.free_port()
    caddyfile = scratch / "Caddyfile"
    caddyfile.write_text(CADDYFILE.format(storage=scratch / "caddy", port=port, upstream=upstream))
    results = {}
    with localsite.Processes(scratch) as processes:
        localsite.gunicorn_start(processes, env=env, port=upstream)
        processes.start(
            "caddy",
            ["caddy", "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
            env={**env, "XDG_DATA_HOME": str(scratch / "caddy"), "XDG_CONFIG_HOME": str(scratch / "caddy")},
        )
        time.sleep(2)
        processes.check_alive("caddy")
        for name in ("home", "article", "schedule"):
            url = f"https://localhost:{port}{urls[name]}"
            step(f"lighthouse (mobile) {url}")
            output = scratch / f"{name}.json"
            localsite.run(lighthouse_command(url, str(output)), what=f"lighthouse {url}")
            results[name] = {"path": urls[name], **summary(json.loads(output.read_text()))}
    shutil.rmtree(scratch, ignore_errors=True)
    return results


def main() -> int:
    try:
        results = lighthouse()
    except SiteError as error:
        print(f"\nLIGHTHOUSE FAILED: {error}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        return 130
    print(json.dumps(results, indent=2))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
