"""Lighthouse, mobile, on a home, a guide and a notebook page of each language.

Targets: performance at least 95; accessibility, best practices and SEO 100. The built
site is served on 127.0.0.1 under the path of ``site_url``, compressed as GitHub Pages
serves it (gzip); Lighthouse runs in Debian's chromium, started once for every page
(``tests/lighthouse.mjs``, which calibrates the CPU slowdown to the machine before each
page). The scores are printed.

Performance is judged only when the machine's BenchmarkIndex is at least 1000: below
that, Lighthouse itself warns that the host is too slow for its scores to mean much
(``SLOW_CPU_BENCHMARK_INDEX_THRESHOLD`` in ``core/gather/driver/environment.js``), as
on a 2-core machine that other jobs share. The score is printed either way.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from site_server import serve
from tests_paths import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NODE = shutil.which("node")
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse"
if not Path(CHROMIUM).exists() or NODE is None or not LIGHTHOUSE.is_dir():
    pytest.skip(
        "LIGHTHOUSE NOT RUN: it needs chromium (apt-get install chromium), node and "
        "`npm ci` (node_modules/lighthouse)",
        allow_module_level=True,
    )

from test_browser import FLAGS  # noqa: E402  (after the skip: it needs chromium too)

PAGES = ("", "guide/losses/", "notebooks/guide/losses/")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
FAST_ENOUGH = 1000  # Lighthouse's SLOW_CPU_BENCHMARK_INDEX_THRESHOLD


def _judged(result: dict) -> bool:
    """Performance counts: the host was fast enough (in one of the page's runs)."""
    return result.get("judged") or result["cpu"]["benchmarkIndex"] >= FAST_ENOUGH


def _slow(result: dict) -> bool:
    return result["scores"]["performance"] < TARGETS["performance"]


def run_lighthouse(urls: list[str]) -> dict:
    script = Path(__file__).with_name("lighthouse.mjs")
    result = subprocess.run(
        [NODE, str(script), CHROMIUM, json.dumps(["--headless", *FLAGS]), *urls],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_lighthouse_scores_of_home_guide_and_notebook_pages_in_both_languages(
    site_config, capsys, built_site
):
    assert built_site.returncode == 0, built_site.output
    with serve(built_site.site_dir, site_config.url_path) as base:
        urls = [
            base + site_config.lang_prefix(lang) + page
            for lang in site_config.languages
            for page in PAGES
        ]
        start = time.perf_counter()
        results = run_lighthouse(urls)
        # Performance varies from run to run (Lighthouse's docs advise several runs):
        # a page under the target where it is judged gets a second run, the better kept.
        again = [u for u in urls if _judged(results[u]) and _slow(results[u])]
        if again:
            for url, second in run_lighthouse(again).items():
                best = max(second, results[url], key=lambda r: r["scores"]["performance"])
                results[url] = {**best, "runs": 2, "judged": True}
        seconds = time.perf_counter() - start
    lines = [f"Lighthouse (mobile), {len(urls)} pages in {seconds:.0f} s:"]
    head = "".join(f"{c[:13]:>15}" for c in TARGETS)
    lines.append(f"  {'page':32}{head}{'cpu index':>11}{'slowdown':>10}")
    failures = []
    for url in urls:
        scores, cpu = results[url]["scores"], results[url]["cpu"]
        row = "".join(f"{scores[c]:>15}" for c in TARGETS)
        index, slowdown = cpu["benchmarkIndex"], cpu["cpuSlowdownMultiplier"]
        runs = " (best of 2 runs)" if results[url].get("runs") == 2 else ""
        lines.append(f"  {url[len(base) - 1 :]:32}{row}{index:>11}{slowdown:>10}{runs}")
        judged = TARGETS if _judged(results[url]) else {**TARGETS, "performance": 0}
        low = [c for c, target in judged.items() if scores[c] < target]
        if low:
            failed = [f for f in results[url]["failed"] if f.split("/")[0] in low]
            failures.append(f"{url}: {low}\n    " + "\n    ".join(failed))
    if not all(_judged(results[u]) for u in urls):
        lines.append(f"  performance not judged where the cpu index is under {FAST_ENOUGH}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert failures == [], "\n".join(failures)
