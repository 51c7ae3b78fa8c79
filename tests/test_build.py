"""The strict build passes, and the built site shows exactly the blocks the tests run."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from conftest import edit, edit_english, hook, make_site_copy
from keras_a_medida.checks import Site
from keras_a_medida.code_blocks import check_built_site
from keras_a_medida.config import load_site_config
from keras_a_medida.links import check_links
from keras_a_medida.pages import Page, module_directives
from keras_a_medida.pytest_plugin import build_command


@pytest.fixture(scope="module")
def built(built_site):
    assert built_site.returncode == 0, "mkdocs build --strict failed:\n" + built_site.output
    return built_site.site_dir


def test_strict_build_passes_with_no_warning(built, built_site):
    assert "WARNING" not in built_site.output, built_site.output


def test_every_block_shown_is_a_block_the_tests_run(built, site_config):
    """The built HTML shows exactly the python blocks the tests run, page by page."""
    assert check_built_site(built, site_config) == []


@pytest.fixture(scope="module")
def altered_copy(tmp_path_factory):
    """A site copy with two alterations, built once (each build costs a second or so).

    The English guide page gets a ``~~~`` fence (pytest-codeblocks does not collect
    it) and a link to a page that does not exist (a warning, which fails the strict
    build once every page is written), and the home pages in both languages get a
    block of a module that declares figures, with the images shown below it.
    """
    copy = make_site_copy(tmp_path_factory.mktemp("altered") / "site-copy")
    tilde = '~~~python\n--8<-- "choosing/regularizer_forms.py:closure"\n~~~\n'
    broken_link = "See [a page that is not there](gone.md).\n"
    edit_english(
        copy,
        "guide/functions-or-subclasses.md",
        "## Which form",
        tilde + "\n" + broken_link + "\n## Which form",
    )
    (copy / "snippets/figures").mkdir()
    (copy / "snippets/figures/demo.py").write_text(FIGURE_MODULE, encoding="utf-8")
    for lang in ("en", "es"):
        block = (
            '\n```python\n--8<-- "figures/demo.py:plot"\n```\n\n'
            "<!--pytest-codeblocks:expected-output-->\n```text\nsaved\n```\n\n"
            f"![demo](assets/figures/demo-{lang}.png)\n"
        )
        page = copy / "docs" / lang / "index.md"
        page.write_text(page.read_text(encoding="utf-8") + block, encoding="utf-8")
    edit_english(copy, "index.md", "Keras a medida", "Keras a medida")
    return copy, _build(copy)


@pytest.mark.slow
def test_a_warning_fails_the_suites_build(altered_copy):
    """The suite's build counts warnings (``--quiet`` would hide them from ``--strict``)."""
    _, result = altered_copy
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert "WARNING" in log and "gone.md" in log and "Aborted with 1 warnings" in log, log


@pytest.mark.slow
def test_a_block_pytest_codeblocks_would_skip_is_caught_in_the_built_site(altered_copy):
    site_copy, _ = altered_copy  # written in full: strict mode aborts after the last page
    found = [str(p) for p in check_built_site(site_copy / "out", load_site_config(site_copy))]
    counts = [
        re.search(
            r"functions-or-subclasses.md:1: the built page shows (\d+) python blocks "
            r"but the tests run (\d+)",
            p,
        )
        for p in found
    ]
    assert any(m and int(m[1]) == int(m[2]) + 1 for m in counts), found
    assert not any("index.md" in p for p in found), found  # the figure block is run


def test_language_switcher_lands_on_the_same_page(built, site_config):
    site = Site(site_config)
    prefix = site_config.url_path
    for lang in site_config.languages:
        for page in site.pages[lang]:
            here = Page.of(page, site_config).built_html(built)
            html = here.read_text(encoding="utf-8")
            for other in site_config.languages:
                href = re.search(rf'<a href="([^"]*)" hreflang="{other}"', html)
                assert href, f"{site.rel(page)}: no switcher link to '{other}'"
                link = href[1]
                if link.startswith(prefix):  # absolute, under site_url
                    target = (built / link[len(prefix) :]).resolve()
                else:
                    target = (here.parent / link).resolve()
                expected = Page.of(page, site_config).twin(other).built_html(built).parent
                assert target == expected.resolve(), f"{site.rel(page)} → {other}: {href[1]}"


def test_each_language_has_its_own_object_inventory(built, site_config):
    for lang in site_config.languages:
        base = built / site_config.lang_prefix(lang)
        data = (base / "objects.inv").read_bytes().split(b"\n", 4)[4]
        entries = zlib.decompress(data).decode()
        assert "contributing/api/" in entries
        assert " es/" not in entries, f"{lang}: inventory has /es/ URLs"


def _build(folder: Path) -> subprocess.CompletedProcess:
    """Build a site copy into ``folder / "out"`` with the suite's own build command."""
    return subprocess.run(
        build_command(folder / "out"), cwd=folder, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_build_fails_on_a_missing_translation_and_a_broken_include(site_copy):
    """Two breakages in one copy, one build (a build costs seconds)."""
    (site_copy / "docs/es/guide/functions-or-subclasses.md").unlink()
    index = site_copy / "docs/en/index.md"
    broken = '\n```python\n--8<-- "choosing/nope.py:x"\n```\n'
    index.write_text(index.read_text(encoding="utf-8") + broken, encoding="utf-8")
    result = _build(site_copy)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "no 'es' twin: docs/es/guide/functions-or-subclasses.md is missing" in log, log
    assert "docs/en/index.md:" in log and "broken include" in log, log


@pytest.mark.slow
def test_a_page_left_out_of_the_nav_fails_the_build(site_copy):
    """MkDocs' own check (mkdocs.yml: validation), in both languages, notebooks exempt."""
    entry = "      - Functions or subclasses?: guide/functions-or-subclasses.md\n"
    edit(site_copy / "mkdocs.yml", entry, "      - index.md\n")
    result = _build(site_copy)
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    for lang in ("en", "es"):
        assert f'not included in the "nav" configuration:\n  - {lang}/guide/' in log, log


FIGURE_MODULE = '''"""A figure for the tests."""

# keras-a-medida: figures demo-en.png demo-es.png
# --8<-- [start:plot]
import matplotlib.pyplot as plt

for lang, title in [("en", "Demo"), ("es", "Demostración")]:
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [1, 0])
    ax.set_title(title)
    fig.savefig(f"demo-{lang}.png", dpi=50)
    plt.close(fig)
print("saved")
# --8<-- [end:plot]
'''


@pytest.mark.slow
def test_declared_figures_are_made_and_published_per_language(altered_copy, tmp_path):
    site_copy, _ = altered_copy  # written in full: strict mode aborts after the last page
    out = site_copy / "out"
    for path in ("assets/figures/demo-en.png", "es/assets/figures/demo-es.png"):
        assert (out / path).read_bytes().startswith(b"\x89PNG"), path
    assert 'src="assets/figures/demo-es.png"' in (out / "es/index.html").read_text()
    # A module that does not write a declared figure stops the build: the hook above
    # raises MkDocs' PluginError (no second build needed to show it).
    broken = tmp_path / "snippets/figures/demo.py"
    broken.parent.mkdir(parents=True)
    broken.write_text(FIGURE_MODULE.replace('fig.savefig(f"demo-{lang}.png", dpi=50)', "pass"))
    names = module_directives(broken)["figures"]
    with pytest.raises(PluginError, match=r"snippets/figures/demo\.py: making figures failed"):
        hook("figures").make_figures(broken, names, tmp_path)


def test_every_internal_link_and_anchor_resolves(built, site_config):
    """Links in the HTML readers get, both languages, notebooks and switcher included."""
    prefix = site_config.url_path
    report = check_links(built, prefix)
    assert report.checked > 1000
    assert report.broken == [], "\n".join(map(str, report.broken[:20]))
    assert all(url.startswith(("http://", "https://")) for url in report.external)


def test_the_link_checker_reports_a_missing_page_and_a_missing_anchor(tmp_path):
    (tmp_path / "guide").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="guide/">ok</a> <a href="guide/#here">ok</a> <a href="guide/#gone">x</a>'
        ' <a href="nowhere/">x</a> <a href="https://keras.io/">external</a>'
    )
    (tmp_path / "guide" / "index.html").write_text('<h2 id="here">Here</h2>')
    report = check_links(tmp_path)
    assert report.broken == [
        ("index.html", "guide/#gone", "no anchor #gone"),
        ("index.html", "nowhere/", "no such file"),
    ]
    assert report.external == {"https://keras.io/": {"/index.html"}}
