"""Turn a page into a Jupyter notebook: its prose as markdown, its blocks as code cells.

The markdown cells are the page's prose (in the page's language), the code cells the
page's python blocks, byte for byte as the tests expand them. The tests execute it to
check every output the page shows, and the build renders it, executed, as the page's
notebook twin (see [keras_a_medida.kernel][]). jupytext's Markdown reader is not used:
it does not see the python blocks inside content tabs (it found 10 of the 14 blocks of
the losses page).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import nbformat

from .backends import blocks_backend
from .config import SiteConfig
from .lock import read_lock
from .pages import (
    OUTPUT_MARKER,
    Block,
    Expander,
    Page,
    fence_end,
    output_fence,
    read_blocks,
    url_path,
)

_ADMONITION = re.compile(r'^(?P<indent>\s*)(!!!|\?\?\?\+?)\s+\w+(?:\s+"(?P<title>[^"]*)")?\s*$')
_TAB = re.compile(r'^(?P<indent>\s*)===\+?\s+"(?P<label>[^"]*)"\s*$')
_ANCHOR = re.compile(r"\s*\{\s*#[\w-]+\s*\}\s*$")
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")

INTRO = {
    "en": (
        "This notebook is generated from the page {url} of *Keras a medida*; its code "
        "cells are the page's code blocks. It was run with TensorFlow {tf} and Keras "
        "{keras} on Python 3.11. To run it yourself:\n\n"
        "```\npip install tensorflow-cpu=={tf} keras=={keras} matplotlib\n```"
    ),
    "es": (
        "Este cuaderno se genera a partir de la página {url} de *Keras a medida*; sus "
        "celdas de código son los bloques de la página. Se ejecutó con "
        "TensorFlow {tf} y Keras {keras} en Python 3.11. Para ejecutarlo tú:\n\n"
        "```\npip install tensorflow-cpu=={tf} keras=={keras} matplotlib\n```"
    ),
}

ON_JAX = {
    "en": "\n\nIts code runs on the JAX backend, with JAX {jax}: install `jax=={jax}` too, "
    "and set `KERAS_BACKEND=jax` before Keras is imported, as the first code cell does.",
    "es": "\n\nSu código se ejecuta en el backend de JAX, con JAX {jax}: instala también "
    "`jax=={jax}` y define `KERAS_BACKEND=jax` antes de importar Keras, como hace la "
    "primera celda de código.",
}
"""Added to the introduction of a page that runs on JAX (see
[page_backend][keras_a_medida.backends.page_backend])."""


def pinned_versions(root: Path) -> dict[str, str]:
    """The pinned TensorFlow, Keras and JAX versions, read from ``requirements.lock``."""
    pins = read_lock(root / "requirements.lock")
    return {"tf": pins["tensorflow-cpu"], "keras": pins["keras"], "jax": pins["jax"]}


def _absolute_links(text: str, base: str) -> str:
    def fix(match):
        target = match["target"]
        if re.match(r"^[a-z]+:|^#|^/", target):
            return match[0]
        path, _, anchor = target.partition("#")
        if path.endswith(".md"):
            path = url_path(path)
        url = urljoin(base, path) + (f"#{anchor}" if anchor else "")
        return f"{match['bang']}[{match['text']}]({url})"

    return _LINK.sub(fix, text)


def _markdown(lines: list[str], base: str) -> str:
    """Page prose as notebook markdown: admonitions as quotes, tabs as labels."""
    out: list[str] = []
    quote_indent = None
    for line in lines:
        if line.strip().startswith("<!--") and line.strip().endswith("-->"):
            continue
        if quote_indent is not None:
            if line.strip() and not line.startswith(quote_indent + "    "):
                quote_indent = None
            else:
                out.append("> " + line[len(quote_indent) + 4 :] if line.strip() else ">")
                continue
        admonition = _ADMONITION.match(line)
        if admonition:
            quote_indent = admonition["indent"]
            title = admonition["title"]
            out.append(f"> **{title}**" if title else ">")
            out.append(">")
            continue
        tab = _TAB.match(line)
        if tab:
            out.append(f"**{tab['label']}**")
            continue
        line = _ANCHOR.sub("", line) if line.lstrip().startswith("#") else line
        out.append(line[4:] if line.startswith("    ") and not line.startswith("     ") else line)
    text = "\n".join(out).strip("\n")
    return _absolute_links(re.sub(r"\n{3,}", "\n\n", text), base)


def notebook_from_page(
    page: Path, site: SiteConfig, lang: str, expander: Expander | None = None
) -> nbformat.NotebookNode:
    """A notebook of ``page``: its prose as markdown cells, its python blocks as code.

    Expected-output blocks are left out (the executed notebook shows the real output).
    The first cells are the page's title and how to install the versions it was run
    with. Cell ids are fixed (``md-0``, ``code-1``...), so the same page always gives
    the same file.
    """
    blocks = read_blocks(page, site, expander)
    lines = page.read_text(encoding="utf-8").split("\n")
    skip: set[int] = set()
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        skip.update(range(end + 1))
    code_at: dict[int, Block] = {}
    for block in blocks:
        skip.update(range(block.lineno - 1, fence_end(lines, block.lineno - 1) + 1))
        if block.is_python:
            code_at[block.lineno - 1] = block
    for number, line in enumerate(lines):
        shown = output_fence(lines, number - 1) if line.strip().startswith(OUTPUT_MARKER) else None
        if shown:  # the marker and the output fence after it
            skip.update(range(shown[0], shown[1] + 1))
    base = Page(site, lang, page.resolve().relative_to(site.lang_dir(lang)).as_posix()).absolute_url
    versions = pinned_versions(site.root)
    backend = blocks_backend(blocks, site.root, str(page))
    cells = []
    prose: list[str] = []

    def flush():
        text = _markdown(prose, base)
        if text.strip():
            cells.append(nbformat.v4.new_markdown_cell(text))
        prose.clear()

    intro_done = False
    for number, line in enumerate(lines):
        if number in code_at:
            flush()
            cells.append(nbformat.v4.new_code_cell(code_at[number].code))
            continue
        if number in skip:
            continue
        prose.append(line)
        if not intro_done and line.startswith("# "):
            flush()
            intro = INTRO.get(lang, INTRO["en"]).format(url=base, **versions)
            if backend == "jax":
                intro += ON_JAX.get(lang, ON_JAX["en"]).format(**versions)
            cells.append(nbformat.v4.new_markdown_cell(intro))
            intro_done = True
    flush()
    for index, cell in enumerate(cells):
        cell["id"] = f"{'code' if cell.cell_type == 'code' else 'md'}-{index}"
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata.update(
        {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    if backend != "tensorflow":  # the kernel that runs it, and the install cell, read it
        notebook.metadata[BACKEND_KEY] = {"backend": backend}
    return notebook


BACKEND_KEY = "keras_a_medida"
"""The notebook metadata that names a backend other than TensorFlow."""


def notebook_backend(notebook) -> str:
    """The Keras backend ``notebook`` runs on (``"tensorflow"`` unless its page is JAX's)."""
    return notebook.metadata.get(BACKEND_KEY, {}).get("backend", "tensorflow")


def code_cells(notebook) -> list[str]:
    """The sources of a notebook's code cells, in order."""
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]
