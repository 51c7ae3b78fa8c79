"""The "page not found" page of each language offers a search and that language's home.

GitHub Pages answers every missing address with the site's root ``404.html``; the test
server here does the same, so a reader of a missing ``/es/...`` address must end on the
Spanish page.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_server import SEARCH_WORD as WORD
from site_server import serve

TEXT = {"en": "Page not found", "es": "Página no encontrada"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def site_dir(built_site) -> Path:
    assert built_site.returncode == 0, built_site.output
    return built_site.site_dir


def test_each_language_has_its_own_404_page(site_dir, site_config):
    root = site_config.url_path
    for lang in site_config.languages:
        path = site_dir / site_config.lang_prefix(lang) / "404.html"
        html = path.read_text(encoding="utf-8")
        home = root + site_config.lang_prefix(lang)
        assert f'<html lang="{lang}"' in html, f"{path}: not in {lang}"
        assert f"<h1>{TEXT[lang]}</h1>" in html, path
        assert re.search(rf'<form [^>]*action="{home}" method="get" role="search">', html), path
        assert 'name="q"' in html and f'class="md-button" href="{home}"' in html, path
        # any depth: every asset is linked from the site's root path
        relative = re.findall(r'(?:href|src)="(\.\.?/[^"]*)"', html)
        assert relative == [], f"{path}: relative links {relative[:3]}"
        others = [o for o in site_config.languages if o != lang and site_config.lang_prefix(o)]
        for other in others if not site_config.lang_prefix(lang) else []:
            assert f'"{root}{other}/"' in html, f"{path}: does not send /{other}/ readers on"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="BROWSER TEST NOT RUN: no chromium")
def test_a_missing_address_lands_on_its_language_404_and_its_search_works(site_dir, site_config):
    sync_api = pytest.importorskip("playwright.sync_api")
    from test_browser import FLAGS

    with serve(site_dir, site_config.url_path) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(base) else r.abort(),
        )
        for lang in site_config.languages:
            prefix = site_config.lang_prefix(lang)
            page.goto(f"{base}{prefix}guide/moved/{WORD[lang]}/")
            page.wait_for_selector("h1")
            assert page.evaluate("document.documentElement.lang") == lang, page.url
            assert page.locator("h1").first.inner_text() == TEXT[lang], page.url
            search = page.locator("#kam-404-query")
            assert search.input_value() == WORD[lang], page.url  # from the address
            search.press("Enter")
            page.wait_for_url(f"{base}{prefix}*")
            results = page.locator(".md-search-result__item a")
            results.first.wait_for(timeout=20000)
            links = [a.get_attribute("href") for a in results.all()]
            assert all(("/es/" in link) == (lang == "es") for link in links), links
        browser.close()
