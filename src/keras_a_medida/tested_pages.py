"""What a page says about the run that tested it, rendered from ``data/tested.json``.

Under each page's title: the TensorFlow, Keras and JAX versions, the backends and the
date of the run that wrote the record. After each python block (and the outputs shown
with it): the backends its module passed on. Nothing here is typed on a page; the record
is written by ``python -m keras_a_medida.backends write`` and checked by
``tests/test_backends.py``. ``hooks/tested.py`` calls [render][keras_a_medida.tested_pages.render].
"""

from __future__ import annotations

import re
from pathlib import Path

from .backends import JAX_OUTPUT, NAMES, page_backend
from .config import SiteConfig

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,})(?P<info>.*)$")
_INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<path>[^"':]+)(?::[^"']*)?\1\s*$""")
_OUTPUT = "<!--pytest-codeblocks:expected-output-->"

TEXT = {
    "en": {
        "stamp": "Tested with {versions} on {date} (backends: {backends}).",
        "and": "and",
        "block": "Tested on {backends}.",
        "only": "Tested on {backends} only.",
        "untested": "Not tested yet: run `{command}`.",
    },
    "es": {
        "stamp": "Probado con {versions} el {date} (backends: {backends}).",
        "and": "y",
        "block": "Probado en {backends}.",
        "only": "Probado solo en {backends}.",
        "untested": "Aún sin probar: ejecuta `{command}`.",
    },
}


def _join(words: list[str], lang: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` in ``lang``.

    Examples:
        >>> _join(["TensorFlow", "JAX"], "es")
        'TensorFlow y JAX'
    """
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {TEXT[lang]['and']} {words[-1]}"


def stamp(record: dict, lang: str, backends: list[str] | None = None) -> str:
    """The line under a page's title; ``backends`` (default: the record's) names a page's.

    Examples:
        >>> record = {"date": "2026-12-03", "backends": ["tensorflow", "jax"],
        ...           "versions": {"tensorflow": "2.21.0", "keras": "3.15.1",
        ...                        "jax": "0.10.2", "jaxlib": "0.10.2"}}
        >>> stamp(record, "en")
        'Tested with TensorFlow 2.21.0, Keras 3.15.1 and JAX 0.10.2 on 2026-12-03 (backends: TensorFlow and JAX).'
        >>> stamp(record, "en", ["jax"])
        'Tested with Keras 3.15.1 and JAX 0.10.2 on 2026-12-03 (backends: JAX).'
    """  # noqa: E501
    text = TEXT.get(lang, TEXT["en"])
    backends = record["backends"] if backends is None else backends
    found = record["versions"]
    names = [("tensorflow", "TensorFlow"), ("keras", "Keras"), ("jax", "JAX")]
    shown = [key for key, _ in names if key == "keras" or key in backends]
    versions = [f"{name} {found[key]}" for key, name in names if found.get(key) and key in shown]
    return text["stamp"].format(
        versions=_join(versions, lang if lang in TEXT else "en"),
        date=record["date"],
        backends=_join([NAMES[b] for b in backends], lang if lang in TEXT else "en"),
    )


def block_note(modules: list[str], record: dict, lang: str, command: str) -> str:
    """The backends every module of a block passed on, as a sentence in ``lang``."""
    lang = lang if lang in TEXT else "en"
    text = TEXT[lang]
    tested = record.get("modules", {})
    if not modules or any(m not in tested for m in modules):
        return text["untested"].format(command=command)
    passed = [b for b in record["backends"] if all(b in tested[m] for m in modules)]
    if not passed:
        return text["untested"].format(command=command)
    key = "block" if len(passed) == len(record["backends"]) else "only"
    return text[key].format(backends=_join([NAMES[b] for b in passed], lang))


def _module(path: str, snippets_dirs, root: Path) -> str:
    for base in snippets_dirs:
        if (base / path).is_file():
            return (base / path).relative_to(root).as_posix()
    return f"snippets/{path}"


def _end_of_outputs(lines: list[str], index: int) -> int:
    """The index after the outputs shown behind the block that ends at ``index - 1``."""
    while True:
        probe = index
        while probe < len(lines) and not lines[probe].strip():
            probe += 1
        if probe >= len(lines) or lines[probe].strip() not in {_OUTPUT, JAX_OUTPUT}:
            return index
        probe += 1
        while probe < len(lines) and not lines[probe].strip():
            probe += 1
        opening = _FENCE.match(lines[probe]) if probe < len(lines) else None
        if not opening:
            return index
        probe += 1
        while probe < len(lines) and not lines[probe].strip().startswith(opening["ticks"]):
            probe += 1
        index = probe + 1


def render(markdown: str, lang: str, record: dict, site: SiteConfig, command: str) -> str:
    """``markdown`` with the stamp under its title and a note after each python block.

    Args:
        markdown: The page's Markdown, before pymdownx.snippets expands the includes.
        lang: The page's language.
        record: The content of ``data/tested.json`` (empty: nothing is added).
        site: The site configuration.
        command: The command that writes the record, for a block not yet tested.
    """
    if not record:
        return markdown
    lines = markdown.split("\n")
    included = [m["path"] for m in map(_INCLUDE.match, lines) if m]
    modules = [site.root / _module(p, site.snippets_dirs, site.root) for p in included]
    on_jax = page_backend(modules, "a page") == "jax"  # its blocks ran on JAX only
    out: list[str] = []
    index = 0
    titled = False
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if not titled and line.startswith("# "):
            shown = stamp(record, lang, ["jax"] if on_jax else None)
            out += [line, "", f'<p class="kam-tested-with">{shown}</p>']
            titled = True
            index += 1
            continue
        if not fence:
            out.append(line)
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not (
            lines[end].strip().startswith(fence["ticks"]) and not lines[end].strip("`").strip()
        ):
            end += 1
        body = lines[index + 1 : end]
        stop = _end_of_outputs(lines, end + 1)
        out += lines[index:stop]
        index = stop
        includes = [m["path"] for m in map(_INCLUDE.match, body) if m]
        if fence["info"].strip() != "python" or not includes:
            continue
        modules = [_module(p, site.snippets_dirs, site.root) for p in includes]
        note = block_note(modules, record, lang, command)
        out += ["", f'{fence["indent"]}<p class="kam-tested-on">{note}</p>', ""]
    return "\n".join(out)
