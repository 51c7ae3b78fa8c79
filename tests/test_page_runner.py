"""The page runner: a page's blocks run as a notebook, in order; failures name the page.

Most tests call the runner directly (one shared kernel, TensorFlow imported once); one
runs pytest in a subprocess on a copy of the site, to check the items and reports.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import edit
from keras_a_medida.config import load_site_config
from keras_a_medida.pages import read_blocks
from keras_a_medida.pytest_plugin import _execute_page, _explain, page_plan

PAGE = "docs/en/guide/functions-or-subclasses.md"
ES_PAGE = "docs/es/guide/functions-or-subclasses.md"
MODULE = "snippets/choosing/regularizer_forms.py"


def site_of(root):
    load_site_config.cache_clear()
    site = load_site_config(root)
    load_site_config.cache_clear()
    return site


def line_of(path, text):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def python_blocks(page, site):
    return [b for b in read_blocks(page, site) if b.is_python]


def test_identical_twin_is_not_run_twice(site_copy):
    site = site_of(site_copy)
    blocks, shared_with = page_plan(site_copy / ES_PAGE, site, None)
    assert shared_with == site_copy / PAGE
    assert {b.page for b in blocks} == {PAGE} and len(blocks) >= 6


def test_blocks_share_one_namespace_in_page_order(site_copy):
    site = site_of(site_copy)
    blocks = python_blocks(site_copy / PAGE, site)
    results = _execute_page(site_copy / PAGE, site, blocks)
    assert [r.error for r in results] == [None] * len(blocks)
    assert [r.stdout for r in results] == [b.expected_output or "" for b in blocks]


def test_an_exception_stops_the_page_and_points_at_the_snippet_line(site_copy):
    module = site_copy / MODULE
    edit(module, 'print(config["config"])', 'print(config["missing"])')
    bad_line = line_of(module, 'print(config["missing"])')
    site = site_of(site_copy)
    blocks = python_blocks(site_copy / PAGE, site)
    results = _execute_page(site_copy / PAGE, site, blocks)
    failed = next(i for i, b in enumerate(blocks) if "closure" in str(b.includes[0]))
    assert len(results) == failed + 1 and results[failed].error
    message = _explain(results[failed].error, blocks[failed], site.root)
    assert "KeyError: 'missing'" in message
    assert message.endswith(f"at {MODULE}, line {bad_line}")


def test_pytest_reports_the_page_line_and_a_diff(site_copy, tmp_path):
    page = site_copy / PAGE
    edit(page, "```text\npenalty\n```", "```text\nfactor\n```")
    fence = line_of(page, "regularizer_forms.py:closure") - 1
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", PAGE, ES_PAGE, "-v"],
        cwd=site_copy,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=600,
    )
    out = result.stdout
    assert result.returncode == 1, out
    total = 2 * len(python_blocks(site_copy / PAGE, site_of(site_copy)))
    assert f"1 failed, {total - 1} passed" in out, out
    assert f"{PAGE}:{fence} (snippets/choosing/regularizer_forms.py:closure):" in out, out
    assert "the output differs from the page:" in out and "-factor\n+penalty" in out, out
    # the Spanish page now differs from its twin (other output), so it runs on its own
    assert f"{ES_PAGE}::line" in out and "same code as" not in out, out
