"""Each guard passes on the real site and fails, with a useful message, when broken."""

from __future__ import annotations

import subprocess

import pytest

from conftest import edit
from keras_a_medida.checks import run_checks
from keras_a_medida.config import SiteConfigError, load_site_config
from keras_a_medida.translations import stamp_translation

PAGE = "guide/functions-or-subclasses.md"
MODULE = "snippets/choosing/regularizer_forms.py"


def problems_in(root):
    return [str(p) for p in run_checks(load_site_config(root))]


def test_the_site_passes_every_guard(root):
    assert problems_in(root) == []


def test_missing_translation_is_reported(site_copy):
    (site_copy / "docs/es" / PAGE).unlink()
    found = problems_in(site_copy)
    assert any(f"docs/en/{PAGE}:1: no 'es' twin: docs/es/{PAGE} is missing" in p for p in found), (
        found
    )


def test_a_nav_title_without_a_translation_is_reported(site_copy):
    edit(site_copy / "mkdocs.yml", "            Guide: Guía\n", "")
    found = problems_in(site_copy)
    assert [p for p in found if "nav title" in p] == [
        "mkdocs.yml:" + str(nav_line(site_copy, "  - Guide:")) + ": the nav title 'Guide' has no "
        "'es' translation\n    fix: add 'Guide: <the title in es>' to the nav_translations of "
        "the 'es' language in mkdocs.yml"
    ], found


def nav_line(root, text):
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(text))


def test_inline_python_is_reported(site_copy):
    page = site_copy / "docs/en" / PAGE
    edit(
        page,
        "## Which form",
        "```python\nprint('typed on the page')\n```\n\n## Which form",
    )
    found = problems_in(site_copy)
    assert any("inline code: this block is typed on the page" in p for p in found), found
    assert any(p.startswith(f"docs/en/{PAGE}:") for p in found), found


@pytest.mark.parametrize("fence", ["py", 'python title="x.py"', "pycon"])
def test_python_fence_that_pytest_codeblocks_would_skip_is_reported(site_copy, fence):
    page = site_copy / "docs/es" / PAGE
    edit(
        page,
        '```python\n--8<-- "choosing/regularizer_forms.py:closure"',
        f'```{fence}\n--8<-- "choosing/regularizer_forms.py:closure"',
    )
    found = problems_in(site_copy)
    assert any(f"fence info string '{fence}' is not run by the tests" in p for p in found)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('```python\n--8<-- "choosing/regularizer_forms.py:closure"', "importorskip(numpy)"),
        ("<!--pytest-codeblocks:expected-output-->", "expected-output-ignore-whitespace"),
    ],
)
def test_a_pytest_codeblocks_marker_the_site_ignores_is_refused(site_copy, old, new):
    page = site_copy / "docs/en" / PAGE
    edit(
        page,
        old,
        f"<!--pytest-codeblocks:{new}-->\n{old}"
        if "importorskip" in new
        else f"<!--pytest-codeblocks:{new}-->",
    )
    marker = new.split("(")[0]
    found = problems_in(site_copy)
    assert any(
        p.startswith(f"docs/en/{PAGE}:") and f"pytest-codeblocks marker '{marker}'" in p
        for p in found
    ), found


def test_broken_include_names_page_and_line(site_copy):
    page = site_copy / "docs/en" / PAGE
    edit(page, "regularizer_forms.py:closure", "regularizer_forms.py:closur")
    lines = page.read_text(encoding="utf-8").splitlines()
    fence = next(i for i, x in enumerate(lines, 1) if ':closur"' in x) - 1
    found = problems_in(site_copy)
    assert any(
        p.startswith(f"docs/en/{PAGE}:{fence}: broken include") and "closur" in p for p in found
    ), found


def test_unshown_module_and_section_are_reported(site_copy):
    (site_copy / "snippets/choosing/orphan.py").write_text("print('never shown')\n")
    module = site_copy / MODULE
    edit(
        module,
        "# --8<-- [start:validation]",
        "# --8<-- [start:hidden]\nx = 1\n# --8<-- [end:hidden]\n# --8<-- [start:validation]",
    )
    found = problems_in(site_copy)
    assert any("snippets/choosing/orphan.py:1: snippets module is not shown" in p for p in found), (
        found
    )
    assert any(f"{MODULE}:" in p and "section 'hidden' is not shown" in p for p in found)


def test_twin_with_other_includes_is_reported(site_copy):
    page = site_copy / "docs/es" / PAGE
    edit(
        page,
        '--8<-- "choosing/regularizer_forms.py:closure"',
        '--8<-- "choosing/regularizer_forms.py:function"',
    )
    found = problems_in(site_copy)
    assert any(p.startswith(f"docs/es/{PAGE}:") and "differs from its twin" in p for p in found), (
        found
    )


def test_twin_with_other_output_is_reported(site_copy):
    page = site_copy / "docs/es" / PAGE
    edit(page, "```text\npenalty\n```", "```text\npenalización\n```")
    found = problems_in(site_copy)
    assert any("different output block" in p for p in found), found


def test_anchor_mismatch_is_reported_with_the_fix(site_copy):
    page = site_copy / "docs/es" / PAGE
    edit(page, "{ #a-closure-loses-its-hyperparameters }", "")
    found = problems_in(site_copy)
    assert any(
        "has anchor #un-cierre-pierde-sus-hiperparametros" in p
        and "{ #a-closure-loses-its-hyperparameters }" in p
        for p in found
    ), found


def test_snippets_without_check_paths_is_refused(site_copy):
    edit(site_copy / "mkdocs.yml", "check_paths: true", "check_paths: false")
    with pytest.raises(SiteConfigError, match="check_paths: true"):
        load_site_config(site_copy)


def test_translation_that_fell_behind_is_reported_until_restamped(site_copy):
    english = site_copy / "docs/en" / PAGE
    spanish = site_copy / "docs/es" / PAGE
    edit(english, "## Which form to choose", "A new English sentence.\n\n## Which form to choose")
    found = problems_in(site_copy)
    assert any(
        p.startswith(f"docs/es/{PAGE}:1: docs/en/{PAGE} changed since this translation")
        and f"python -m keras_a_medida stamp docs/es/{PAGE}" in p
        for p in found
    ), found
    stamp_translation(spanish, load_site_config(site_copy))
    assert problems_in(site_copy) == []


def test_translation_without_a_stamp_is_reported(site_copy):
    spanish = site_copy / "docs/es" / PAGE
    text = spanish.read_text(encoding="utf-8")
    spanish.write_text(text.split("---\n", 2)[2].lstrip(), encoding="utf-8")
    found = problems_in(site_copy)
    assert any(
        f"docs/es/{PAGE}:1: does not record which version of docs/en/{PAGE}" in p for p in found
    ), found


def test_translation_diff_shows_the_english_change_or_says_why_it_cannot(site_copy, capsys):
    from keras_a_medida.cli import main

    def git(*words):
        subprocess.run(["git", *words], cwd=site_copy, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "pages")
    spanish = f"docs/es/{PAGE}"
    args = ["--root", str(site_copy), "translation-diff", str(site_copy / spanish)]
    assert main(args) == 0
    assert "no change since the version" in capsys.readouterr().out

    edit(site_copy / "docs/en" / PAGE, "## Which form", "New line.\n\n## Which form")
    assert main(args) == 0
    assert "+New line." in capsys.readouterr().out

    stamp_translation(site_copy / spanish, load_site_config(site_copy))  # not committed
    edit(site_copy / "docs/en" / PAGE, "New line.", "Newer line.")
    assert main(args) == 1
    error = capsys.readouterr().err
    assert "that no commit holds" in error, error
    assert f"keras_a_medida stamp {site_copy / spanish}" in error, error
