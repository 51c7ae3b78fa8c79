"""Lighthouse, mobile, on a home, a guide and a notebook page of each language.

Targets: performance at least 95; accessibility, best practices and SEO 100. The built
site is served on 127.0.0.1 under the path of ``site_url``, compressed as GitHub Pages
serves it (gzip); Lighthouse runs in Debian's chromium, started once for every round of
the six pages and the reference's two, after one load that is not measured
(``tests/lighthouse.mjs``).

The reference is a bare Material + i18n site (``BARE_CONFIG``, one short page per
language), as the issue's was: the theme's defaults, which the pages are to beat. It is
loaded in the same rounds and printed beside the pages, never judged.

Throttling is Lighthouse's own mobile preset (simulated slow 4G, 4x CPU slowdown). The
issue's figures fit it: its reference scored 97, and here the reference scored 97-100 and
the pages 96-100 (2026-12-04, four rounds). ``KERAS_A_MEDIDA_LIGHTHOUSE_CPU=calibrated``
sets the slowdown from the host's benchmark index instead, as Lighthouse's
docs/throttling.md suggests to mimic its reference phone on another host. This machine's
index (2,500-3,900 on 2026-12-04) makes that 8x to 14x. There the reference itself scored
84-98 in twelve runs, its bundle alone 130-575 ms of blocking time, and the pages 80-97,
whose first layout of a larger page adds to it. So performance is judged only under the
preset, and printed in both modes.

Performance varies from run to run, the more on 2 cores shared with other suites.
Lighthouse's docs/variability.md advise the median of several runs: each page is loaded
in ``KERAS_A_MEDIDA_LIGHTHOUSE_RUNS`` rounds (odd; 1 by default, to keep the suite
short), and a page whose median is under the target is loaded twice more and judged on
the median of all its runs. The other categories do not vary and are judged on every
run, and performance is not judged on a host slower than Lighthouse's preset assumes
(benchmark index 1,000 or less, where Lighthouse itself warns). Every run's scores, the
five metrics the performance score weighs and the CPU slowdown are printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from keras_a_medida.pytest_plugin import build_command
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

pytestmark = pytest.mark.browser

PAGES = ("", "guide/losses/", "notebooks/guide/losses/")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
RUNS = int(os.environ.get("KERAS_A_MEDIDA_LIGHTHOUSE_RUNS", "1"))
if RUNS < 1 or RUNS % 2 == 0:
    raise ValueError(f"KERAS_A_MEDIDA_LIGHTHOUSE_RUNS must be odd and at least 1, not {RUNS}")
CPU = os.environ.get("KERAS_A_MEDIDA_LIGHTHOUSE_CPU", "default")
if CPU not in ("default", "calibrated"):
    raise ValueError(f"KERAS_A_MEDIDA_LIGHTHOUSE_CPU must be default or calibrated, not {CPU!r}")
JUDGED = CPU == "default"  # performance: see the module's docstring
RETRIES = 2  # more runs of a page under the performance target: its median is judged
#: Lighthouse warns that its preset over-throttles a host whose benchmark index is this or
#: less (core/gather/driver/environment.js); a page with such a run is not judged on it.
SLOW_HOST = 1000


#: The theme's own floor: Material and the i18n plugin, one short page per language, as
#: the issue's reference site was. Its pages are loaded in the same rounds as ours.
BARE_CONFIG = """\
site_name: Bare Material
site_url: http://127.0.0.1/bare/
theme:
  name: material
plugins:
  - search
  - i18n:
      docs_structure: folder
      languages:
"""
BARE_PAGE = "# Bare Material ({lang})\n\nOne short paragraph, so the page has something to paint.\n"


@pytest.fixture
def bare_material(tmp_path, site_config) -> Path:
    """A bare Material + i18n site in the site's languages, built with the pinned theme."""
    root = tmp_path  # the bare site's project
    default = site_config.default_language
    config = BARE_CONFIG + "".join(
        f"        - {{locale: {lang}, name: {lang}, default: {str(lang == default).lower()}}}\n"
        for lang in site_config.languages
    )
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    for lang in site_config.languages:
        (root / "docs" / lang).mkdir(parents=True)
        (root / "docs" / lang / "index.md").write_text(BARE_PAGE.format(lang=lang), "utf-8")
    command = build_command(root / "site")  # make build's command, as for the site itself
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def run_lighthouse(urls: list[str]) -> dict:
    script = Path(__file__).with_name("lighthouse.mjs")
    result = subprocess.run(
        [NODE, str(script), CHROMIUM, json.dumps(["--headless", *FLAGS]), CPU, *urls],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def performance(runs: list[dict]) -> int:
    """The median performance score of a page's runs (an odd number of them)."""
    return sorted(r["scores"]["performance"] for r in runs)[len(runs) // 2]


def verdict(runs: list[dict], judged: bool) -> tuple[list[str], str]:
    """A page's categories under their target in ``runs``, and a note if any.

    Performance is judged on the median, only if ``judged`` and no run had a slow host;
    the other categories on every run.
    """
    low = [
        c
        for c, target in TARGETS.items()
        if c != "performance" and any(r["scores"][c] < target for r in runs)
    ]
    slow_host = [i for r in runs if (i := r["cpu"]["benchmarkIndex"]) <= SLOW_HOST]
    if judged and slow_host:
        return low, f"performance not judged: benchmark index {slow_host} <= {SLOW_HOST}"
    if judged and performance(runs) < TARGETS["performance"]:
        return ["performance", *low], ""
    return low, ""


def fake_run(score: int, index: int = 3000, seo: int = 100) -> dict:
    scores = {"performance": score, "accessibility": 100, "best-practices": 100}
    return {"scores": {**scores, "seo": seo}, "cpu": {"benchmarkIndex": index}}


@pytest.mark.parametrize(
    "scores, low",
    [([96], []), ([94], ["performance"]), ([80, 96, 99], []), ([94, 99, 80], ["performance"])],
)
def test_performance_is_judged_on_the_median_of_the_runs(scores, low):
    assert verdict([fake_run(p) for p in scores], judged=True) == (low, "")


def test_performance_is_not_judged_on_a_slow_host_nor_when_calibrated():
    low, note = verdict([fake_run(80, index=900), fake_run(99)], judged=True)
    assert (low, note) == ([], "performance not judged: benchmark index [900] <= 1000")
    assert verdict([fake_run(80)], judged=False) == ([], "")


def test_the_other_categories_are_judged_on_every_run():
    runs = [fake_run(99), fake_run(99, seo=92), fake_run(99)]
    assert verdict(runs, judged=True) == (["seo"], "")
    assert verdict(runs, judged=False) == (["seo"], "")


def test_lighthouse_scores_of_home_guide_and_notebook_pages_in_both_languages(
    site_config, capsys, built_site, bare_material
):
    assert built_site.returncode == 0, built_site.output
    with (
        serve(built_site.site_dir, site_config.url_path) as base,
        serve(bare_material, "/bare/") as bare_base,
    ):
        # each language's reference after its pages, so both see the same conditions
        urls, bare, order = [], [], []
        for lang in site_config.languages:
            prefix = site_config.lang_prefix(lang)
            urls += [base + prefix + page for page in PAGES]
            bare.append(bare_base + prefix)
            order += [*urls[-len(PAGES) :], bare[-1]]
        start = time.perf_counter()
        rounds = [run_lighthouse(order) for _ in range(RUNS)]
        runs = {url: [r[url] for r in rounds] for url in order}
        slow = [u for u in urls if JUDGED and performance(runs[u]) < TARGETS["performance"]]
        for _ in range(RETRIES if slow else 0):
            for url, result in run_lighthouse(slow).items():
                runs[url].append(result)
        seconds = time.perf_counter() - start
    again = f", {RETRIES} more of the {len(slow)} under the performance target" if slow else ""
    lines = [
        f"Lighthouse (mobile, CPU {CPU}), {len(urls)} pages and the bare Material + i18n "
        f"reference's {len(bare)} x {RUNS} runs{again}, in {seconds:.0f} s:"
    ]
    failures = []
    for url in order:
        if url in bare:
            lines.append(f"  reference, bare Material + i18n: {url[len(bare_base) - 1 :]}")
        else:
            lines.append(f"  {url[len(base) - 1 :]}")
        for result in runs[url]:
            scores, cpu, m = result["scores"], result["cpu"], result["metrics"]
            lines.append(
                "    "
                + " ".join(f"{c[:4]} {scores[c]:>3}" for c in TARGETS)
                + f" | FCP {m['first-contentful-paint']:>5} LCP {m['largest-contentful-paint']:>5}"
                f" TBT {m['total-blocking-time']:>5} CLS {m['cumulative-layout-shift']:.3f}"
                f" SI {m['speed-index']:>5} | cpu index {cpu['benchmarkIndex']:>5}"
                f" x{cpu['cpuSlowdownMultiplier']}"
            )
        lines.append(f"    median performance {performance(runs[url])}")
        if url in bare:  # the reference is printed, never judged
            continue
        low, note = verdict(runs[url], JUDGED)
        if note:
            lines.append(f"    {note}")
        if low:
            failed = {f for r in runs[url] for f in r["failed"] if f.split("/")[0] in low}
            scores = [r["scores"]["performance"] for r in runs[url]]
            failures.append(
                f"{url}: {low} (performance runs {scores}, target {TARGETS['performance']})\n    "
                + "\n    ".join(sorted(failed))
            )
    if not JUDGED:
        lines.append("  performance printed, not judged (it is judged under Lighthouse's preset)")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert failures == [], "\n".join(failures)
