"""The site as readers see it: every page in a real browser, both languages.

Playwright drives Debian's ``chromium`` (``apt-get install chromium``) through its
executable path; Playwright's own browser download is never used. The built site is
served on 127.0.0.1 under the path of ``site_url``; requests to any other host are
blocked and listed, never made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from keras_a_medida.backends import blocks_backend
from keras_a_medida.checks import Site
from keras_a_medida.pages import Page
from site_server import SEARCH_WORD, serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INSTALL = "apt-get update && apt-get install -y chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"BROWSER TESTS NOT RUN: no chromium. Install it with: {INSTALL}",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEPARATOR = "<<keras-a-medida block>>"
SELECT_TAB = """element => {
    const block = element.closest('.tabbed-block');
    const index = [...block.parentElement.children].indexOf(block);
    block.closest('.tabbed-set').querySelectorAll('.tabbed-labels > label')[index].click();
}"""
#: Known and harmless: Material's language selector asks for a sitemap.xml beside each
#: alternate link, which mkdocs-static-i18n does not put there; the selector then keeps
#: the link as it is (the switcher test below checks where it lands).
KNOWN = ("/sitemap.xml",)


@pytest.fixture(scope="module")
def served(site_config_module, built_site):
    assert built_site.returncode == 0, built_site.output
    with serve(built_site.site_dir, site_config_module.url_path) as base:
        yield base, built_site.site_dir


@pytest.fixture(scope="module")
def site_config_module(request):
    from keras_a_medida.config import load_site_config

    return load_site_config(request.config.rootpath)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def new_page(browser, base, **context):
    page = browser.new_context(permissions=["clipboard-read", "clipboard-write"], **context)
    page = page.new_page()
    page.problems, page.external = [], set()

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base.split("/", 3)[0] + "//" + base.split("/", 3)[2]):
            request_route.continue_()
        else:
            page.external.add(url)
            request_route.abort()

    page.route("**/*", route)

    def console(message):
        location = (message.location or {}).get("url", "")
        if message.type != "error" or location in page.external or location.endswith(KNOWN):
            return
        page.problems.append(f"console: {message.text} ({location})")

    def failed(request):
        # a navigation cancels what the previous page was still loading
        if request.url in page.external or "ERR_ABORTED" in (request.failure or ""):
            return
        if not request.url.endswith(KNOWN):
            page.problems.append(f"failed request: {request.url} ({request.failure})")

    page.on("console", console)
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on("requestfailed", failed)
    return page


def url_of(base, site_dir, html):
    rel = html.relative_to(site_dir).as_posix()
    return base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


# Material mounts a code block (copy button, annotations) when it nears the viewport
# (content.lazy in mkdocs.yml): axe audits a page once the reader would have seen all of it.
SCROLL_THROUGH = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
    scrollTo(0, y);
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
}"""


@pytest.fixture(scope="module")
def visits(browser, served, site_config_module):
    """Every page of the built site, loaded once, with what two tests check on it.

    Returns the URLs loaded, the problems seen while each loaded (console errors, failed
    requests), the pages axe-core audits (guide and home pages of both languages, one
    notebook) and its serious or critical findings on each. One visit serves both
    checks: loading a page is most of the time either takes.
    """
    base, site_dir = served
    config = site_config_module
    site = Site(config)
    audited = {
        url_of(base, site_dir, Page.of(source, config).built_html(site_dir))
        for lang in config.languages
        for source in site.pages[lang]
        if "contributing" not in source.parts
    }
    audited.add(base + "notebooks/guide/losses/")
    page = new_page(browser, base, viewport={"width": 1280, "height": 2400})
    loaded, problems, findings = [], [], {}
    for html in sorted(site_dir.rglob("index.html")):
        url = url_of(base, site_dir, html)
        page.problems.clear()
        response = page.goto(url, wait_until="load")
        assert response is not None and response.ok, html
        loaded.append(url)
        problems += [f"{html.relative_to(site_dir)}: {p}" for p in page.problems]
        if url in audited and AXE.is_file():
            page.evaluate(SCROLL_THROUGH)
            page.add_script_tag(path=str(AXE))
            findings[url] = page.evaluate(
                "async () => (await axe.run({resultTypes: ['violations']})).violations"
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                ".map(v => `${v.id} (${v.impact}): ${v.nodes.length} element(s),"
                " first ${v.nodes[0].target}`)"
            )
    return loaded, problems, audited, findings


def test_every_page_loads_without_errors_in_both_languages(visits):
    loaded, problems, _, _ = visits
    assert len(loaded) > 60
    assert problems == [], "\n".join(problems[:20])


def test_switcher_search_theme_and_phone_width(browser, served, site_config_module):
    base, site_dir = served
    config = site_config_module
    site = Site(config)
    page = new_page(browser, base)
    for source in site.pages[config.default_language]:
        page.goto(url_of(base, site_dir, Page.of(source, config).built_html(site_dir)))
        expected = url_of(base, site_dir, Page.of(source, config).twin("es").built_html(site_dir))
        page.evaluate("document.querySelector('a[hreflang=es]').click()")
        try:
            page.wait_for_url(f"{expected}*", timeout=10000)
        except sync_api.TimeoutError:
            pytest.fail(f"{source}: the switcher went to {page.url}, not {expected}")
    for lang, word in SEARCH_WORD.items():  # one language each
        page.goto(base + ("es/" if lang == "es" else ""))
        links = []
        for _ in range(20):  # the search index loads in a worker after the page
            search = page.locator("input.md-search__input")
            search.click()
            search.fill("")
            search.press_sequentially(word)
            page.wait_for_timeout(500)
            links = [
                a.get_attribute("href") for a in page.locator(".md-search-result__item a").all()
            ]
            if links:
                break
        assert links, f"no results for {word!r}"
        assert all(("/es/" in link) == (lang == "es") for link in links), (word, links)
    # The colour scheme follows the system's, at load and when it changes (the change
    # event comes with the next frame, hence the wait).
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    schemes = []
    for system, expected in (("dark", "slate"), ("light", "default")):
        page.emulate_media(color_scheme=system)
        if not schemes:
            page.goto(base)
        try:
            page.wait_for_function(f"{scheme} === '{expected}'", timeout=5000)
        except sync_api.TimeoutError:
            pass
        schemes.append(page.evaluate(scheme))
    assert schemes == ["slate", "default"], schemes
    phone = new_page(browser, base, viewport={"width": 375, "height": 740})
    for lang in config.languages:
        for source in site.pages[lang]:
            phone.goto(url_of(base, site_dir, Page.of(source, config).built_html(site_dir)))
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 376, f"{source}: the page is {width}px wide on a 375px screen"
    notebook = base + "notebooks/guide/losses/"
    page.goto(notebook)
    assert page.locator(".jp-OutputArea-output").count() > 0, f"{notebook}: no outputs"


def _copied_blocks(page, url):
    page.goto(url)
    texts = []
    for block in page.locator("div.language-python").all():
        if not block.is_visible():  # in a content tab that is not selected: select it
            block.evaluate(SELECT_TAB)
        block.hover()
        block.locator("button[data-md-type=copy]").click()
        texts.append(page.evaluate("navigator.clipboard.readText()"))
    return texts


def _run_copied(texts, workdir, backend):
    marker = f"print({SEPARATOR!r})\n"
    script = marker.join(text if text.endswith("\n") else text + "\n" for text in texts)
    path = Path(workdir) / "page.py"
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "KERAS_BACKEND": backend}  # as the page says to run it
    return subprocess.run(
        [sys.executable, str(path)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_code_copied_from_each_page_runs_and_prints_what_the_page_shows(
    browser, served, site_config_module, tmp_path
):
    """Copy every python block with its copy button, run them in a new Python process."""
    base, site_dir = served
    config = site_config_module
    site = Site(config)
    page = new_page(browser, base)
    jobs = []
    with ThreadPoolExecutor(max_workers=2) as pool:  # runs overlap with the copying
        for source in site.pages[config.default_language]:
            blocks = [b for b in site.blocks(source) if b.is_python]
            if not blocks:
                continue
            url = url_of(base, site_dir, Page.of(source, config).built_html(site_dir))
            texts = _copied_blocks(page, url)
            assert len(texts) == len(blocks), f"{url}: {len(texts)} copy buttons"
            workdir = tmp_path / source.stem
            workdir.mkdir()
            (workdir / "data").symlink_to(config.root / "data")  # run as from the root
            backend = blocks_backend(blocks, config.root, str(source))
            jobs.append((source, blocks, pool.submit(_run_copied, texts, workdir, backend)))
        assert len(jobs) >= 10
        results = [future.result() for _, _, future in jobs]
    failures = []
    for (source, blocks, _), result in zip(jobs, results, strict=True):
        if result.returncode:
            failures.append(f"{source.name}: exit {result.returncode}\n{result.stderr[-1500:]}")
            continue
        printed = result.stdout.split(SEPARATOR + "\n")
        for block, output in zip(blocks, printed, strict=True):
            if block.expected_output is not None and output != block.expected_output:
                failures.append(f"{block.location}: printed {output!r}")
    assert failures == [], "\n\n".join(failures)


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def test_guide_pages_have_no_serious_accessibility_violations(visits):
    """axe-core on every guide page and the home page, both languages, and one notebook."""
    if not AXE.is_file():
        pytest.skip(f"ACCESSIBILITY TEST NOT RUN: {AXE} is missing. Install it with: npm ci")
    _, _, audited, findings = visits
    assert set(findings) == audited, sorted(audited - set(findings))[:5]
    found = [f"{url}: {v}" for url, violations in findings.items() for v in violations]
    assert found == [], "\n".join(found)
