"""The page runner: a page's blocks run as a notebook, in order; failures name the page.

Most tests call the runner directly (in the kernel the pages share); one runs pytest in
a subprocess on a copy of the site, to check the items and reports. They use a small
page of plain Python written into the copy: what they check does not depend on Keras,
and a kernel that never imports TensorFlow starts in a fraction of a second.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ES_PAGE, MODULE, PAGE, edit, site_of
from keras_a_medida.kernel import run_page
from keras_a_medida.pages import page_plan, read_blocks
from keras_a_medida.pytest_plugin import explain


def line_of(path, text):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def python_blocks(page, site):
    return [b for b in read_blocks(page, site) if b.is_python]


def test_identical_twin_is_not_run_twice(steps_site):
    site = site_of(steps_site)
    blocks, shared_with = page_plan(steps_site / ES_PAGE, site, None)
    assert shared_with == steps_site / PAGE
    assert {b.page for b in blocks} == {PAGE} and len(blocks) == 2


def test_blocks_share_one_namespace_in_page_order(steps_site, kernel):
    site = site_of(steps_site)
    blocks = python_blocks(steps_site / PAGE, site)
    results = run_page(steps_site / PAGE, site, kernel)
    assert [r.error for r in results] == [None, None]
    assert [r.stdout for r in results] == ["[1, 2, 3]\n", "penalty\n"]
    assert [r.stdout for r in results] == [b.expected_output for b in blocks]


def test_an_exception_stops_the_page_and_points_at_the_snippet_line(steps_site, kernel):
    module = steps_site / MODULE
    edit(module, 'print(config["config"])', 'print(config["missing"])')
    bad_line = line_of(module, 'print(config["missing"])')
    site = site_of(steps_site)
    blocks = python_blocks(steps_site / PAGE, site)
    results = run_page(steps_site / PAGE, site, kernel)
    assert len(results) == 2 and results[0].error is None and results[1].error
    message = explain(results[1].error, blocks[1], site.root)
    assert "KeyError: 'missing'" in message
    assert message.endswith(f"at {MODULE}, line {bad_line}")


def test_pytest_reports_the_page_line_and_a_diff(steps_site):
    page = steps_site / PAGE
    edit(page, "```text\npenalty\n```", "```text\nfactor\n```")
    fence = line_of(page, "demo/steps.py:reuse") - 1
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", PAGE, ES_PAGE, "-v"],
        cwd=steps_site,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=600,
    )
    out = result.stdout
    assert result.returncode == 1, out
    assert "1 failed, 3 passed" in out, out
    assert f"{PAGE}:{fence} ({MODULE}:reuse):" in out, out
    assert "the output differs from the page:" in out and "-factor\n+penalty" in out, out
    # the Spanish page now differs from its twin (other output), so it runs on its own
    assert f"{ES_PAGE}::line" in out and "same code as" not in out, out
