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

import pytest

from conftest import edit
from keras_a_medida.checks import stamp_translation
from keras_a_medida.config import load_site_config
from keras_a_medida.pages import read_blocks
from keras_a_medida.pytest_plugin import _execute_page, _explain, page_plan

PAGE = "docs/en/guide/steps.md"
ES_PAGE = "docs/es/guide/steps.md"
MODULE = "snippets/demo/steps.py"

STEPS = """\
\"\"\"Two steps that share a namespace: plain Python, for the page runner's tests.\"\"\"

# --8<-- [start:define]
numbers = [3, 1, 2]
print(sorted(numbers))
# --8<-- [end:define]

# --8<-- [start:reuse]
config = {"config": "penalty", "numbers": numbers}
print(config["config"])
# --8<-- [end:reuse]

assert config["numbers"] == [3, 1, 2]
"""

PAGES = {
    PAGE: "# Steps\n\nFirst a list.\n\n{define}\nThen a name from the block above.\n\n{reuse}",
    ES_PAGE: "# Pasos\n\nPrimero, una lista.\n\n{define}\nLuego, un nombre del bloque "
    "anterior.\n\n{reuse}",
}
BLOCK = (
    '```python\n--8<-- "demo/steps.py:{section}"\n```\n\n'
    "<!--pytest-codeblocks:expected-output-->\n```text\n{output}\n```\n"
)

pytestmark = pytest.mark.kernel


@pytest.fixture
def steps_site(site_copy):
    """The site copy plus the two-block page ``guide/steps.md`` in both languages."""
    (site_copy / MODULE).parent.mkdir(parents=True)
    (site_copy / MODULE).write_text(STEPS, encoding="utf-8")
    for page, text in PAGES.items():
        blocks = {
            "define": BLOCK.format(section="define", output="[1, 2, 3]"),
            "reuse": BLOCK.format(section="reuse", output="penalty"),
        }
        (site_copy / page).write_text(text.format(**blocks), encoding="utf-8")
    stamp_translation(site_copy / ES_PAGE, site_of(site_copy))
    return site_copy


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


def test_identical_twin_is_not_run_twice(steps_site):
    site = site_of(steps_site)
    blocks, shared_with = page_plan(steps_site / ES_PAGE, site, None)
    assert shared_with == steps_site / PAGE
    assert {b.page for b in blocks} == {PAGE} and len(blocks) == 2


def test_blocks_share_one_namespace_in_page_order(steps_site):
    site = site_of(steps_site)
    blocks = python_blocks(steps_site / PAGE, site)
    results = _execute_page(steps_site / PAGE, site, blocks)
    assert [r.error for r in results] == [None, None]
    assert [r.stdout for r in results] == ["[1, 2, 3]\n", "penalty\n"]
    assert [r.stdout for r in results] == [b.expected_output for b in blocks]


def test_an_exception_stops_the_page_and_points_at_the_snippet_line(steps_site):
    module = steps_site / MODULE
    edit(module, 'print(config["config"])', 'print(config["missing"])')
    bad_line = line_of(module, 'print(config["missing"])')
    site = site_of(steps_site)
    blocks = python_blocks(steps_site / PAGE, site)
    results = _execute_page(steps_site / PAGE, site, blocks)
    assert len(results) == 2 and results[0].error is None and results[1].error
    message = _explain(results[1].error, blocks[1], site.root)
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
