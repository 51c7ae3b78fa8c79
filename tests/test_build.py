"""The strict build passes, and the built site shows exactly the blocks the tests run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
from mkdocs.utils.yaml import yaml_load

from conftest import edit
from keras_a_medida.checks import Site
from keras_a_medida.pytest_plugin import background_results, page_plan

pytestmark = pytest.mark.background("build")

_PRE = re.compile(r'<div class="language-(?P<lang>[\w-]+) (?P<doc>doc-signature )?highlight"><pre')


def _html(site_dir: Path, lang: str, default: str, page_rel: Path) -> Path:
    stem = page_rel.with_suffix("")
    folder = stem.parent if stem.name == "index" else stem
    base = site_dir if lang == default else site_dir / lang
    return base / folder / "index.html"


@pytest.fixture(scope="module")
def built():
    job = background_results("build")
    assert job["returncode"] == 0, "mkdocs build --strict failed:\n" + job["output"]
    return job["dir"] / "site"


def test_strict_build_passes_with_no_warning(built):
    job = background_results("build")
    assert "WARNING" not in job["output"], job["output"]


def test_every_python_block_shown_is_a_block_the_tests_run(built, site_config):
    """Count python blocks in the built HTML, page by page, against the test plan.

    pytest-codeblocks skips fences it does not recognise (``py``, ``~~~``, titles)
    without a word; the rendered HTML shows what a reader sees, so the counts must match.
    """
    site = Site(site_config)
    total_shown = total_run = 0
    for lang in site_config.languages:
        base = site_config.lang_dir(lang)
        for page in site.pages[lang]:
            html = _html(built, lang, site_config.default_language, page.relative_to(base))
            shown = Counter(
                m["lang"] for m in _PRE.finditer(html.read_text(encoding="utf-8")) if not m["doc"]
            )
            blocks, _ = page_plan(page, site_config, site.expander)
            all_blocks = site.blocks(page)
            outputs = sum(b.expected_output is not None for b in all_blocks)
            assert shown["python"] == len(blocks), (
                f"{site.rel(page)}: the page shows {shown['python']} python blocks, "
                f"the tests run {len(blocks)}"
            )
            others = sum(shown.values()) - shown["python"]
            assert others == outputs + sum(not b.is_python for b in all_blocks), (
                f"{site.rel(page)}: {others} non-python code blocks shown, but only "
                f"{outputs} checked outputs"
            )
            total_shown += shown["python"]
            total_run += len(blocks)
    assert total_shown == total_run > 0


def test_language_switcher_lands_on_the_same_page(built, site_config):
    site = Site(site_config)
    default = site_config.default_language
    with (site_config.root / "mkdocs.yml").open(encoding="utf-8") as handle:
        prefix = urlparse(yaml_load(handle).get("site_url") or "/").path
    for lang in site_config.languages:
        base = site_config.lang_dir(lang)
        for page in site.pages[lang]:
            rel = page.relative_to(base)
            html = _html(built, lang, default, rel).read_text(encoding="utf-8")
            for other in site_config.languages:
                href = re.search(rf'<a href="([^"]*)" hreflang="{other}"', html)
                assert href, f"{site.rel(page)}: no switcher link to '{other}'"
                link = href[1]
                if link.startswith(prefix):  # absolute, under site_url
                    target = (built / link[len(prefix) :]).resolve()
                else:
                    target = (_html(built, lang, default, rel).parent / link).resolve()
                expected = _html(built, other, default, rel).parent.resolve()
                assert target == expected, f"{site.rel(page)} → {other}: {href[1]}"


def test_each_language_has_its_own_object_inventory(built, site_config):
    for lang in site_config.languages:
        base = built if lang == site_config.default_language else built / lang
        data = (base / "objects.inv").read_bytes().split(b"\n", 4)[4]
        entries = zlib.decompress(data).decode()
        assert "contributing/api/" in entries
        assert " es/" not in entries, f"{lang}: inventory has /es/ URLs"


def _build(folder: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-d",
            str(folder / "out"),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.mark.slow
def test_build_fails_on_a_missing_translation_and_a_broken_include(site_copy):
    """Two breakages in one copy, one build (a build costs seconds)."""
    (site_copy / "docs/es/guide/functions-or-subclasses.md").unlink()
    edit(
        site_copy / "docs/en/index.md",
        "first question",
        'first question\n\n```python\n--8<-- "choosing/nope.py:x"\n```\n',
    )
    result = _build(site_copy)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "no 'es' twin: docs/es/guide/functions-or-subclasses.md is missing" in log, log
    assert "docs/en/index.md:" in log and "broken include" in log, log
