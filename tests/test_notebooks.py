"""Every guide page has a notebook twin: same code, executed, rendered, downloadable."""

from __future__ import annotations

import json
import re

import nbformat

from conftest import hook
from keras_a_medida.checks import Site
from keras_a_medida.notebooks import code_cells, notebook_from_page
from keras_a_medida.pages import Page


def notebook_pages(site_config):
    site = Site(site_config)
    for lang in site_config.languages:
        for page in site.pages[lang]:
            blocks = [b for b in site.blocks(page) if b.is_python]
            if blocks:
                yield lang, page, blocks


def test_each_notebook_holds_exactly_its_page_code(site_config):
    pages = list(notebook_pages(site_config))
    assert len(pages) >= 2 * 13
    for lang, page, blocks in pages:
        notebook = notebook_from_page(page, site_config, lang)
        assert code_cells(notebook) == [b.code for b in blocks], page


def test_notebooks_are_deterministic_and_say_how_to_install(site_config):
    lang, page, _ = next(notebook_pages(site_config))
    first = nbformat.writes(notebook_from_page(page, site_config, lang))
    assert first == nbformat.writes(notebook_from_page(page, site_config, lang))
    cells = json.loads(first)["cells"]
    assert cells[0]["id"] == "md-0" and "".join(cells[0]["source"]).startswith("# ")
    assert "pip install tensorflow-cpu==2.21.0 keras==3.15.1" in "".join(cells[1]["source"])


def test_unchanged_notebook_is_not_rewritten(tmp_path):
    """`mkdocs serve` watches its files: rewriting an unchanged one would loop."""
    path = tmp_path / "nb.ipynb"
    hook("notebooks").write_if_changed(path, "{}")
    before = path.stat().st_mtime_ns
    hook("notebooks").write_if_changed(path, "{}")
    assert path.stat().st_mtime_ns == before


def test_built_notebooks_are_executed_rendered_and_linked(site_config, built_site):
    assert built_site.returncode == 0, built_site.output
    out = built_site.site_dir
    for _, page, blocks in notebook_pages(site_config):
        this = Page.of(page, site_config)
        folder = out / this.notebook_url
        html = (folder / "index.html").read_text(encoding="utf-8")
        assert "jupyter-wrapper" in html and '"cells":' not in html, f"{folder}: not rendered"
        notebook = nbformat.read(folder / f"{folder.name}.ipynb", as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code" and c.id != "install"]
        assert [c.source for c in code] == [b.code for b in blocks]
        assert all(c.execution_count for c in code), f"{folder}: not executed"
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{folder}: {errors[0]['ename']}"
        for other in site_config.languages:
            href = re.search(rf'<a href="([^"]*)" hreflang="{other}"', html)
            target = (folder / href[1]).resolve()
            expected = (out / this.twin(other).notebook_url).resolve()
            assert target == expected, f"{folder}: switcher to {other} goes to {href[1]}"
        guide = this.built_html(out)
        links = re.findall(
            r'class="kam-notebook"><a class="md-button" href="([^"]+)"',
            guide.read_text(encoding="utf-8"),
        )
        assert links and (guide.parent / links[0]).resolve() == folder.resolve(), guide


def test_search_lists_the_guide_pages_not_their_notebooks(site_config, built_site):
    assert built_site.returncode == 0, built_site.output
    index = built_site.site_dir / "search/search_index.json"  # one index, every language
    locations = [doc["location"] for doc in json.loads(index.read_text())["docs"]]
    for lang in site_config.languages:
        guide = f"{site_config.lang_prefix(lang)}guide/metrics/"
        assert guide in locations, f"{index}: {guide} is not indexed"
    notebooks = sorted({loc.split("#")[0] for loc in locations if "notebooks/" in loc})
    assert notebooks == [], f"{index} lists notebook pages: {notebooks[:4]}"
