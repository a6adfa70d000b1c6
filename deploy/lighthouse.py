"""`python -m deploy.lighthouse`: Lighthouse (mobile) scores, and what cost points, for the demo site's home page,
an article and the scheduling page under production settings, over HTTPS behind Caddy. Needs caddy, chromium, npx."""

import json
import shutil
import sys
import time

from deploy import localsite
from deploy.localsite import SiteError, step

DATABASE = "practice_lighthouse"
# And 11, for the page cache.
REDIS_DB = 10
# Lighthouse 13 declares Node >= 22.19; it runs on Debian 12's Node 20 (npx prints an engine warning).
LIGHTHOUSE = "lighthouse@13.5.0"
CATEGORIES = "performance,accessibility,best-practices,seo"
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")

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


def summary(report: dict) -> dict:
    scores = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
    lost = {}
    for name, category in report["categories"].items():
        for reference in category["auditRefs"]:
            audit = report["audits"][reference["id"]]
            if reference["weight"] and audit["score"] is not None and audit["score"] < 1:
                lost.setdefault(name, []).append(f"{audit['id']} ({audit.get('displayValue') or audit['score']})")
    metrics = {key: report["audits"][key].get("displayValue") for key in METRICS}
    return {"scores": scores, "lost": lost, "metrics": metrics, "version": report["lighthouseVersion"]}


def lighthouse() -> None:
    for tool in ("caddy", "chromium", "npx"):
        if not shutil.which(tool):
            raise SiteError(f"{tool} is not installed")
    env, scratch, _mail = localsite.site_prepare(database=DATABASE, redis_db=REDIS_DB)
    localsite.release(env)
    urls = localsite.site_urls(env)
    upstream, port = localsite.free_port(), localsite.free_port()
    caddyfile = scratch / "Caddyfile"
    caddyfile.write_text(CADDYFILE.format(storage=scratch / "caddy", port=port, upstream=upstream))
    results = {}
    with localsite.Processes(scratch) as processes:
        localsite.gunicorn_start(processes, env=env, port=upstream)
        # Caddy serves HTTPS with a locally issued certificate and sets X-Forwarded-Proto/-For itself.
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
            command = ["npx", "--yes", LIGHTHOUSE, url, "--chrome-path=/usr/bin/chromium", "--quiet"]
            # The certificate comes from Caddy's local CA, which Chromium doesn't know.
            command += ["--chrome-flags=--headless=new --no-sandbox --disable-gpu --ignore-certificate-errors"]
            command += [f"--only-categories={CATEGORIES}", "--output=json", f"--output-path={output}"]
            localsite.run(command, what=f"lighthouse {url}")
            results[name] = {"path": urls[name], **summary(json.loads(output.read_text()))}
    shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(results, indent=2))  # noqa: T201


if __name__ == "__main__":
    sys.exit(localsite.main_run(lighthouse, "Lighthouse"))
