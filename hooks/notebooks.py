"""MkDocs hook: each page's executed notebook, rendered by mkdocs-jupyter, linked under its title.

The notebook of ``docs/<lang>/guide/x.md`` is published at ``[<lang>/]notebooks/guide/x/``
with the ``.ipynb`` beside it (see keras_a_medida.notebooks and keras_a_medida.kernel).
"""

import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from keras_a_medida.colab import add_install_cell
from keras_a_medida.config import load_site_config
from keras_a_medida.kernel import (
    Kernel,
    OutputCache,
    cache_folder,
    cache_key,
    fill_outputs,
    run_page_notebook,
)
from keras_a_medida.notebooks import notebook_from_page
from keras_a_medida.pages import Expander, Page, iter_pages, read_blocks
from keras_a_medida.runner import needs_fresh_process, prepare_environment
from keras_a_medida.translations import anchor_renderer, heading_anchors

LINKS = {
    "en": (
        '<p class="kam-notebook"><a class="md-button" href="{page}">Open as a notebook</a> '
        '<a class="md-button" href="{download}" download>Download the notebook</a></p>'
    ),
    "es": (
        '<p class="kam-notebook"><a class="md-button" href="{page}">Abrir como cuaderno</a> '
        '<a class="md-button" href="{download}" download>Descargar el cuaderno</a></p>'
    ),
}

_PAGES: dict[str, dict[str, str]] = {}  # lang -> page path in the language -> notebook URL
_ANCHORS: dict[str, list[str]] = {}  # notebook src_uri -> its source page's heading anchors
_HEADING = re.compile(r'<h(?P<level>[2-6]) id="(?P<id>[^"]*)"')


def on_startup(command, dirty):
    """Set the environment before any kernel starts: quiet TensorFlow, oneDNN off."""
    prepare_environment()


@event_priority(-150)  # after mkdocs-static-i18n (-100) has chosen the language
def on_config(config):
    """Give mkdocs-jupyter a cache folder per language.

    mkdocs-jupyter evicts every cache entry the current build did not use: with one
    folder, each language's build would delete the other's entries.
    """
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None:
        root = Path(config.config_file_path).parent
        lang = str(config.theme.get("language") or "")
        plugin.config["cache_dir"] = str(root / ".cache" / "mkdocs-jupyter" / lang)
    return config


def executed_notebook(page: Path, site, lang: str, kernel: list):
    """The page's notebook with outputs: from the cache, or run now in ``kernel[0]``.

    ``kernel`` holds the build's kernel once one was needed (started here).

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
        if not kernel:
            kernel.append(Kernel())
        results = run_page_notebook(notebook, site.root, fresh, kernel[0])
        failed = [r for r in results if r.error]
        if failed or len(results) != len(blocks):
            block = blocks[len(results) - 1] if results else blocks[0]
            detail = failed[0].error if failed else "the kernel stopped"
            raise PluginError(f"{block.location}: the notebook cell failed:\n{detail}")
        outputs = cache.get(cache_key(notebook, site.root, fresh))
    fill_outputs(notebook, outputs)
    return notebook


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless ``path`` holds it: `mkdocs serve` would rebuild in a loop."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@event_priority(-400)  # after mkdocs-static-i18n, mkdocs-jupyter and the figures
def on_files(files, config):
    """Add each page's executed notebook as a page rendered by mkdocs-jupyter.

    Files are generated under ``.cache/notebooks/site``. They are wrapped in
    mkdocs-jupyter's ``NotebookFile`` after mkdocs-static-i18n has rebuilt the file list
    (its issue 198: otherwise the page would show raw JSON), and given their language
    alternates so the switcher lands on the twin notebook.
    """
    from mkdocs_jupyter.plugin import NotebookFile

    site = load_site_config(Path(config.config_file_path).parent)
    lang = str(config.theme.get("language") or "")
    root = site.root / ".cache" / "notebooks" / "site"
    _PAGES[lang] = {}
    md, expander, kernel = anchor_renderer(site), Expander(site), []
    try:
        for page in iter_pages(site, lang):
            if not any(b.is_python for b in read_blocks(page, site, expander)):
                continue
            this = Page.of(page, site)
            notebook = executed_notebook(page, site, lang, kernel)
            add_install_cell(notebook, site.root / "requirements.lock", config.repo_url, lang, page)
            write_if_changed(root / lang / this.notebook, nbformat.writes(notebook) + "\n")
            inner = File(
                f"{lang}/{this.notebook}",
                src_dir=str(root),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
            url_of = {o: this.twin(o).notebook_url for o in site.languages}
            inner.locale = lang
            inner.locale_alternate_of = this.notebook
            inner.alternates = {o: SimpleNamespace(url=u) for o, u in url_of.items()}
            wrapped = NotebookFile(
                inner, use_directory_urls=config.use_directory_urls, site_dir=config.site_dir
            )
            wrapped.url = url_of[lang]
            wrapped.dest_path = url_of[lang] + "index.html"
            wrapped.abs_dest_path = str(Path(config.site_dir) / wrapped.dest_path)
            files.append(wrapped)
            _PAGES[lang][this.rel] = this.notebook_url
            _ANCHORS[f"{lang}/{this.notebook}"] = [a for a, _ in heading_anchors(page, md)]
    finally:
        for started in kernel:
            started.shutdown()
    return files


def on_page_markdown(markdown, page, config, files):
    """Under a guide page's title, link to its notebook twin and to the ``.ipynb``."""
    lang = str(config.theme.get("language") or "")
    src = page.file.src_uri.split("/", 1)[-1]  # without the language folder
    target = _PAGES.get(lang, {}).get(src)
    if target is None or not src.endswith(".md"):
        return markdown
    here = get_relative_url(target, page.url)
    links = LINKS.get(lang, LINKS["en"]).format(page=here, download=f"{here}{Path(src).stem}.ipynb")
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("# "):
            lines.insert(index + 1, "\n" + links + "\n")
            break
    return "\n".join(lines)


def on_page_content(html, page, config, files):
    """Give a notebook page's headings the anchors of its source page; keep it out of search.

    mkdocs-jupyter slugs headings one way for the HTML ids and another for the table of
    contents (they differ as soon as a heading holds code), and the source page's
    ``{ #anchor }`` ids are lost in a notebook. The headings, in order, and the table of
    contents get the source page's anchors back, so links written as ``#anchor`` work.
    A notebook page repeats its source page, so a search would list every hit twice.
    """
    anchors = _ANCHORS.get(page.file.src_uri)
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
        heading = html[match.start() : end].replace(f'id="{old}"', f'id="{anchor}"', 1)
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
