"""MkDocs hooks: what the build adds to the pages MkDocs and its plugins make.

The guards (the build refuses a site that fails one), the declared figures, the notebook
twins (executed, rendered by mkdocs-jupyter, linked under each page's title) and one
``objects.inv`` per language. ``hooks/site.py`` (listed under ``hooks:`` in
``mkdocs.yml``) only re-exports these functions; the logic lives here, in the tested
package.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url
from mkdocstrings import Inventory

from .checks import anchor_renderer, heading_anchors, run_checks
from .colab import add_install_cell
from .config import load_site_config
from .kernel import (
    Kernel,
    OutputCache,
    cache_folder,
    cache_key,
    data_digest,
    fill_outputs,
    run_page_notebook,
)
from .notebooks import notebook_from_page
from .pages import Expander, Page, iter_pages, module_directives, read_blocks
from .runner import ENVIRONMENT, needs_fresh_process, prepare_environment


def on_startup(command, dirty):
    """Set the environment before any kernel starts: quiet TensorFlow, oneDNN off."""
    prepare_environment()


@event_priority(-150)  # after mkdocs-static-i18n (-100) has chosen the language
def on_config(config):
    """Give mkdocs-jupyter a cache folder per language.

    Each language is a separate build, and mkdocs-jupyter evicts every cache entry that
    the current build did not use: with one folder, each language would delete the
    other's entries and the cache would never hit.
    """
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None:
        root = Path(config.config_file_path).parent
        plugin.config["cache_dir"] = str(root / ".cache" / "mkdocs-jupyter" / _language(config))
    return config


def _language(config) -> str:
    return str(config.theme.get("language") or "")


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen the language
def run_guards(files, config):
    """Run every guard once per build, while the default language builds.

    Raises:
        PluginError: Listing each problem with its file, line and fix.
    """
    site = load_site_config(Path(config.config_file_path).parent)
    if _language(config) != site.default_language:
        return files
    problems = run_checks(site)
    if problems:
        listing = "\n".join(str(p) for p in problems)
        raise PluginError(f"the site has {len(problems)} problem(s):\n{listing}")
    return files


_DEFAULT_INVENTORY: dict[str, bytes] = {}


def on_post_build(config):
    """Give each language its own ``objects.inv``.

    Every language build writes ``site/objects.inv`` (mkdocstrings), so the last language
    built would overwrite the default one with its ``es/...`` URLs. The default build's
    file is kept at the root; another language's goes to ``site/<lang>/objects.inv``
    with URLs relative to that folder.
    """
    site = load_site_config(Path(config.config_file_path).parent)
    path = Path(config.site_dir) / "objects.inv"
    if not path.is_file():
        return
    lang = _language(config)
    if lang == site.default_language:
        _DEFAULT_INVENTORY[config.site_dir] = path.read_bytes()
        return
    inventory = Inventory.parse_sphinx(BytesIO(path.read_bytes()))
    prefix = f"{lang}/"
    for item in inventory.values():
        if item.uri.startswith(prefix):
            item.uri = item.uri[len(prefix) :]
    (Path(config.site_dir) / lang / "objects.inv").write_bytes(inventory.format_sphinx())
    if config.site_dir in _DEFAULT_INVENTORY:
        path.write_bytes(_DEFAULT_INVENTORY[config.site_dir])


def figure_modules(site) -> list[tuple[Path, list[str]]]:
    """Snippets modules that declare ``# keras-a-medida: figures ...``, with their files."""
    found = []
    for base in site.snippets_dirs:
        for module in sorted(base.rglob("*.py")):
            names = module_directives(module).get("figures")
            if names:
                found.append((module, names))
    return found


def make_figures(module: Path, names: list[str], root: Path) -> Path:
    """Run ``module`` in a folder keyed by its content; return the folder with ``names``.

    The module runs only when its source, or a file under ``data/``, changed since the
    last build (or the folder was deleted), so ``mkdocs serve`` rebuilds stay fast.

    Raises:
        PluginError: If the module fails or does not write every declared file.
    """
    digest = hashlib.sha256(module.read_bytes() + data_digest(root).encode())
    digest = digest.hexdigest()[:16]
    folder = root / ".cache" / "figures" / f"{module.stem}-{digest}"
    if all((folder / name).is_file() for name in names):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, str(module)],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**ENVIRONMENT, **os.environ},
        timeout=900,
    )
    missing = [name for name in names if not (folder / name).is_file()]
    if result.returncode or missing:
        raise PluginError(
            f"{module}: making figures failed (exit {result.returncode}, missing {missing}):\n"
            + result.stderr[-3000:]
        )
    return folder


@event_priority(-300)  # after the guards and after mkdocs-static-i18n
def publish_figures(files, config):
    """Publish each declared figure at ``assets/figures/<name>`` of every language."""
    site = load_site_config(Path(config.config_file_path).parent)
    lang = _language(config)
    for module, names in figure_modules(site):
        folder = make_figures(module, names, site.root)
        for name in names:
            generated = File(
                f"{lang}/assets/figures/{name}",
                src_dir=str(folder),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
            generated.abs_src_path = str(folder / name)
            generated.dest_uri = f"{site.lang_prefix(lang)}assets/figures/{name}"
            files.append(generated)
    return files


# --- notebooks -------------------------------------------------------------------

NOTEBOOK_LINKS = {
    "en": (
        '<p class="kam-notebook"><a class="md-button" href="{page}">Open as a notebook</a> '
        '<a class="md-button" href="{download}" download>Download the notebook</a></p>'
    ),
    "es": (
        '<p class="kam-notebook"><a class="md-button" href="{page}">Abrir como cuaderno</a> '
        '<a class="md-button" href="{download}" download>Descargar el cuaderno</a></p>'
    ),
}


SKIP_NOTEBOOKS = "KERAS_A_MEDIDA_SKIP_NOTEBOOKS"
"""Set to ``1`` to build without notebook twins: the tests do, for builds of a small
copy of the site that check something else (guards, figures)."""


class _Notebooks:
    """Per-build state of the notebooks.

    The kernel (started only if a notebook must run), the pages that have a notebook,
    and each notebook's heading anchors.
    """

    kernel = None
    pages: dict[str, dict[str, str]] = {}
    anchors: dict[str, list[str]] = {}


def _notebook_pages(site, lang: str) -> list[Path]:
    pages = []
    expander = Expander(site)
    for page in iter_pages(site, lang):
        if any(b.is_python for b in read_blocks(page, site, expander)):
            pages.append(page)
    return pages


def executed_notebook(page: Path, site, lang: str):
    """The page's notebook with outputs: from the cache, or run now in a kernel.

    Raises:
        PluginError: If a cell fails (mkdocs-jupyter's ``allow_errors: false``, applied
            here because the outputs are made here).
    """
    notebook = notebook_from_page(page, site, lang)
    blocks = [b for b in read_blocks(page, site) if b.is_python]
    fresh = needs_fresh_process(blocks, site.root)
    cache = OutputCache(cache_folder(site.root))
    outputs = cache.get(cache_key(notebook, site.root, fresh))
    if outputs is None:
        _Notebooks.kernel = _Notebooks.kernel or Kernel()
        results = run_page_notebook(notebook, site.root, fresh, _Notebooks.kernel)
        failed = [r for r in results if r.error]
        if failed or len(results) != len(blocks):
            block = blocks[len(results) - 1] if results else blocks[0]
            detail = failed[0].error if failed else "the kernel stopped"
            raise PluginError(f"{block.location}: the notebook cell failed:\n{detail}")
        outputs = cache.get(cache_key(notebook, site.root, fresh))
    fill_outputs(notebook, outputs)
    return notebook


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return  # an unchanged file keeps `mkdocs serve` from rebuilding in a loop
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@event_priority(-400)  # after mkdocs-static-i18n, mkdocs-jupyter and the figures
def publish_notebooks(files, config):
    """Add each page's executed notebook as a page rendered by mkdocs-jupyter.

    The notebook of ``docs/<lang>/guide/x.md`` is published at
    ``[<lang>/]notebooks/guide/x/`` and the ``.ipynb`` beside it. Files are generated
    under ``.cache/notebooks/site`` and written only when they change. They are wrapped
    in mkdocs-jupyter's ``NotebookFile`` after mkdocs-static-i18n has rebuilt the file
    list (its issue 198: otherwise the page would show raw JSON), and given their
    language alternates so the switcher lands on the twin notebook.
    """
    from types import SimpleNamespace

    from mkdocs_jupyter.plugin import NotebookFile

    site = load_site_config(Path(config.config_file_path).parent)
    lang = _language(config)
    root = site.root / ".cache" / "notebooks" / "site"
    _Notebooks.pages[lang] = {}
    if os.environ.get(SKIP_NOTEBOOKS) == "1":
        return files
    md = anchor_renderer(site)
    try:
        for page in _notebook_pages(site, lang):
            this = Page.of(page, site)
            rel = this.notebook
            notebook = executed_notebook(page, site, lang)
            add_install_cell(notebook, site.root / "requirements.lock", config.repo_url, lang, page)
            _write_if_changed(root / lang / rel, nbformat.writes(notebook) + "\n")
            inner = File(
                f"{lang}/{rel}",
                src_dir=str(root),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
            url_of = {o: this.twin(o).notebook_url for o in site.languages}
            inner.locale = lang
            inner.locale_alternate_of = rel
            inner.alternates = {o: SimpleNamespace(url=u) for o, u in url_of.items()}
            wrapped = NotebookFile(
                inner, use_directory_urls=config.use_directory_urls, site_dir=config.site_dir
            )
            wrapped.url = url_of[lang]
            wrapped.dest_path = url_of[lang] + "index.html"
            wrapped.abs_dest_path = str(Path(config.site_dir) / wrapped.dest_path)
            files.append(wrapped)
            _Notebooks.pages[lang][this.rel] = this.notebook_url
            _Notebooks.anchors[f"{lang}/{rel}"] = [a for a, _ in heading_anchors(page, md)]
    finally:
        if _Notebooks.kernel is not None:
            _Notebooks.kernel.shutdown()
            _Notebooks.kernel = None
    return files


_HEADING = re.compile(r'<h(?P<level>[2-6]) id="(?P<id>[^"]*)"')


def on_page_content(html, page, config, files):
    """Give a notebook page's headings the anchors of its source page.

    mkdocs-jupyter slugs headings one way for the HTML ids and another way for the
    table of contents (they differ as soon as a heading holds code), and the anchors of
    the source page (``{ #english-anchor }``) are lost in a notebook. The page's
    headings, in order, get the source page's anchors back, and so does the table of
    contents, so that its links and links written as ``#anchor`` work.

    Notebook pages are also left out of the search index: they repeat their source
    page, so a search would list every hit twice (and indexing their large HTML took
    a third of the build's time).
    """
    anchors = _Notebooks.anchors.get(page.file.src_uri)
    if anchors is None:
        return html
    page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    found = list(_HEADING.finditer(html))
    if len(found) != len(anchors):
        return html
    out, last = [], 0
    for match, anchor in zip(found, anchors, strict=True):
        old = match["id"]
        out.append(html[last : match.start()])
        end = html.index(f"</h{match['level']}>", match.end())
        heading = html[match.start() : end]
        heading = heading.replace(f'id="{old}"', f'id="{anchor}"', 1)
        out.append(heading.replace(f'href="#{old}"', f'href="#{anchor}"'))
        last = end
    out.append(html[last:])
    items = []

    def walk(entries):
        for entry in entries:
            if entry.level > 1:
                items.append(entry)
            walk(entry.children)

    walk(page.toc)
    title = re.search(r'<h1 id="([^"]*)"', html)
    for entry in page.toc:
        if entry.level == 1 and title:
            entry.id = title[1]
    if len(items) == len(anchors):
        for entry, anchor in zip(items, anchors, strict=True):
            entry.id = anchor
    return "".join(out)


def on_page_markdown(markdown, page, config, files):
    """Under a guide page's title, link to its notebook twin and to the ``.ipynb``."""
    lang = _language(config)
    src = page.file.src_uri.split("/", 1)[-1]  # without the language folder
    target = _Notebooks.pages.get(lang, {}).get(src)
    if target is None or not src.endswith(".md"):
        return markdown
    here = get_relative_url(target, page.url)
    links = NOTEBOOK_LINKS.get(lang, NOTEBOOK_LINKS["en"]).format(
        page=here, download=f"{here}{Path(src).stem}.ipynb"
    )
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("# "):
            lines.insert(index + 1, "\n" + links + "\n")
            break
    return "\n".join(lines)


on_files = CombinedEvent(run_guards, publish_figures, publish_notebooks)
"""The ``on_files`` hook: [run_guards][keras_a_medida.mkdocs_hooks.run_guards],
[publish_figures][keras_a_medida.mkdocs_hooks.publish_figures], then
[publish_notebooks][keras_a_medida.mkdocs_hooks.publish_notebooks]."""
