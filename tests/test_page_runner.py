"""The page runner: blocks share a namespace in page order, and failures name the page.

Each test runs pytest in-process on a copy of the site (TensorFlow is already loaded).
"""

from __future__ import annotations

from conftest import edit

PAGE = "docs/en/guide/functions-or-subclasses.md"
ES_PAGE = "docs/es/guide/functions-or-subclasses.md"


def run_pages(pytester, site_copy, *args):
    return pytester.runpytest_inprocess(
        *args,
        "--rootdir",
        str(site_copy),
        "-c",
        str(site_copy / "pyproject.toml"),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
    )


def line_of(path, text):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line) - 1


def test_a_page_passes_and_its_identical_twin_is_not_run_twice(pytester, site_copy):
    result = run_pages(pytester, site_copy, str(site_copy / PAGE), str(site_copy / ES_PAGE), "-v")
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines([f"*{ES_PAGE}::same code as the en twin PASSED*"])


def test_wrong_output_names_page_line_and_shows_a_diff(pytester, site_copy):
    page = site_copy / PAGE
    edit(page, "```text\npenalty\n```", "```text\nfactor\n```")
    fence = line_of(page, "regularizer_forms.py:closure")
    result = run_pages(pytester, site_copy, str(page))
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"{PAGE}:{fence} (snippets/choosing/regularizer_forms.py:closure):",
            "the output differs from the page:",
            "-factor",
            "+penalty",
        ]
    )


def test_an_exception_points_at_the_snippet_line(pytester, site_copy):
    module = site_copy / "snippets/choosing/regularizer_forms.py"
    edit(
        module,
        'config = model.layers[0].get_config()["kernel_regularizer"]\nprint(config["config"])',
        'config = model.layers[0].get_config()["kernel_regularizer"]\nprint(config["missing"])',
    )
    bad_line = line_of(module, 'print(config["missing"])') + 1
    result = run_pages(pytester, site_copy, str(site_copy / PAGE))
    result.assert_outcomes(passed=2, failed=4)
    result.stdout.fnmatch_lines(
        [
            f'*snippets/choosing/regularizer_forms.py", line {bad_line}*',
            "KeyError: 'missing'",
        ]
    )
    result.stdout.fnmatch_lines(["not run: the earlier block at line * failed"])


def test_one_block_alone_runs_the_blocks_before_it(pytester, site_copy):
    fence = line_of(site_copy / PAGE, "regularizer_forms.py:subclass-save")
    result = run_pages(pytester, site_copy, f"{site_copy / PAGE}::line {fence}")
    result.assert_outcomes(passed=1)
