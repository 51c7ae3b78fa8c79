"""MkDocs hooks for what readers of good documentation sites expect.

Listed in ``mkdocs.yml`` through ``hooks/extras.py``:

- an "Open in Colab" button beside each notebook link, and on each notebook page
  (see [keras_a_medida.colab][]); the published ``.ipynb`` gets its install cell in
  ``hooks/notebooks.py``;
- ``llms.txt`` and ``llms-full.txt`` per language (``/llms.txt``, ``/es/llms.txt``),
  written by the mkdocs-llmstxt plugin and given here each language's sections;
- a 404 page per language (``overrides/404.html``): mkdocs-static-i18n writes every
  language's ``404.html`` to the site root (its issue 284), so the last language built
  would replace the default one. The default language's page is kept at the root and
  each other language's is moved to ``<lang>/404.html``; the root page sends readers
  of a missing ``/<lang>/...`` address there;
- notebook pages that link one shared stylesheet: mkdocs-jupyter inlines JupyterLab's
  whole stylesheet (575 KB) in every notebook page. It is written once, to
  [JUPYTER_CSS][keras_a_medida.site_extras.JUPYTER_CSS], without the rules that
  match nothing in the notebook pages, and each page links it.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import tinycss2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

from .colab import LINK_TEXT, colab_url
from .notebooks import pinned_versions

LLMS_FILES = ("llms.txt", "llms-full.txt")
LLMS_SECTIONS = ("Home", "Guide")
"""The nav entries listed in ``llms.txt``: the Keras text, not how the site is made."""
LLMS_DESCRIPTION = {
    "en": (
        "Every code block on these pages is run by the site's tests with TensorFlow {tf} "
        "and Keras {keras} (`tf.keras` is Keras 3), and every output shown is checked. "
        "Where Keras 2 habits fail in Keras 3, the pages say so."
    ),
    "es": (
        "Cada bloque de código de estas páginas lo ejecutan las pruebas del sitio con "
        "TensorFlow {tf} y Keras {keras} (`tf.keras` es Keras 3), y cada salida que se "
        "muestra se comprueba. Donde los hábitos de Keras 2 fallan en Keras 3, las "
        "páginas lo dicen."
    ),
}
_DOWNLOAD = re.compile(
    r'<p class="kam-notebook">(?P<links>.*?href="(?P<href>[^"]+)" download>.*?)</p>'
)


def _language(config) -> str:
    return str(config.theme.get("language") or "")


def _i18n(config):
    plugin = config.plugins.get("i18n")
    if plugin is None or not hasattr(plugin, "current_language_config"):
        return None
    return plugin


def _default_language(config) -> str:
    plugin = _i18n(config)
    return plugin.default_language if plugin is not None else _language(config)


def on_template_context(context, template_name, config):
    """Tell ``404.html`` its language's home and, at the root, the other languages' roots.

    Both are absolute paths: GitHub Pages serves the root page at any missing address.
    (``config.extra.alternate`` cannot tell: mkdocs-static-i18n leaves there the
    alternates of the last page it built.)
    """
    if template_name != "404.html":
        return context
    root = urlparse(config.site_url or "/").path or "/"
    root = root if root.endswith("/") else root + "/"
    lang, default = _language(config), _default_language(config)
    i18n = _i18n(config)
    langs = [x.locale for x in i18n.config.languages if x.build] if i18n else [lang]

    def home(code: str) -> str:
        return root if code == default else f"{root}{code}/"

    others = [home(code) for code in langs if code != default] if lang == default else []
    context["kam_404"] = {"lang": lang, "home": home(lang), "others": others}
    return context


def _button(url: str, lang: str) -> str:
    text = LINK_TEXT.get(lang, LINK_TEXT["en"])
    return f'<a class="md-button kam-colab" href="{url}">{text}</a>'


def on_page_markdown(markdown, page, config, files):
    """Add "Open in Colab" to the notebook links under a page's title.

    The notebook's path in the site is the one the download link points at.
    """
    match = _DOWNLOAD.search(markdown)
    if match is None:
        return markdown
    site_path = posixpath.normpath(posixpath.join(posixpath.dirname(page.url), match["href"]))
    button = _button(colab_url(config.repo_url, site_path), _language(config))
    end = match.end("links")
    return markdown[:end] + " " + button + markdown[end:]


def on_page_content(html, page, config, files):
    """Open a notebook page with its own "Open in Colab" button."""
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    site_path = page.url + Path(page.file.src_uri).name
    button = _button(colab_url(config.repo_url, site_path), _language(config))
    return f'<p class="kam-notebook">{button}</p>\n' + html


def _nav_title(entry) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else ""


def _nav_pages(entry) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return [p for value in entry.values() for p in _nav_pages(value)]
    if isinstance(entry, list):
        return [p for item in entry for p in _nav_pages(item)]
    return []


@event_priority(-150)  # after mkdocs-static-i18n (-100) has chosen the language
def on_config(config):
    """Give mkdocs-llmstxt this language's sections (nav titles translated) and intro."""
    plugin = config.plugins.get("llmstxt")
    if plugin is None:
        return config
    lang = _language(config)
    i18n = _i18n(config)
    translations = (i18n.current_language_config.nav_translations or {}) if i18n else {}
    prefix = f"{lang}/" if i18n else ""
    sections = {}
    for entry in config.nav or []:
        title = _nav_title(entry)
        if title in LLMS_SECTIONS:
            pages = [f"{prefix}{page}" for page in _nav_pages(entry)]
            sections[translations.get(title, title)] = pages
    plugin.config["sections"] = sections
    versions = pinned_versions(Path(config.config_file_path).parent)
    text = LLMS_DESCRIPTION.get(lang, LLMS_DESCRIPTION["en"])
    plugin.config["markdown_description"] = text.format(**versions)
    return config


_KEPT: dict[str, dict[str, bytes]] = {}


@event_priority(-50)  # after mkdocs-llmstxt (0); before mkdocs-static-i18n builds the others
def on_post_build(config):
    """Keep the default language's ``404.html`` and ``llms*.txt`` at the root.

    The default build runs first and keeps its files; each other language's build,
    which wrote its own over them, moves its files to ``<lang>/`` and puts the kept
    ones back.
    """
    site = Path(config.site_dir)
    lang = _language(config)
    _write_jupyter_css(site)
    names = ("404.html", *LLMS_FILES)
    if lang == _default_language(config):
        _KEPT[config.site_dir] = {n: (site / n).read_bytes() for n in names if (site / n).is_file()}
        return
    kept = _KEPT.get(config.site_dir, {})
    for name in names:
        path = site / name
        if path.is_file():
            (site / lang).mkdir(parents=True, exist_ok=True)
            shutil.move(path, site / lang / name)
        if name in kept:
            path.write_bytes(kept[name])


JUPYTER_CSS = "assets/stylesheets/jupyter.css"
"""The notebook pages' shared stylesheet, relative to the site root."""
_STYLE = re.compile(r'<style type="text/css">(?P<css>[^<]*\.jp-[^<]{100000,})</style>')
_CLASSES = re.compile(r'class="([^"]*)"')


class _Jupyter:
    """The JupyterLab stylesheet and the classes the notebook pages use, across builds."""

    css: str | None = None
    classes: set[str] = set()


def on_post_page(output, page, config):
    """Replace a notebook page's inline JupyterLab stylesheet by a link to the shared one.

    Raises:
        PluginError: If two notebook pages inline different stylesheets.
    """
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    match = _STYLE.search(output)
    if match is None:
        return output
    css = match["css"]
    if _Jupyter.css is not None and css != _Jupyter.css:
        raise PluginError(f"{page.file.src_uri}: mkdocs-jupyter inlined another stylesheet")
    _Jupyter.css = css
    rest = output[: match.start()] + output[match.end() :]
    _Jupyter.classes.update(c for value in _CLASSES.findall(rest) for c in value.split())
    href = get_relative_url(JUPYTER_CSS, page.url)
    return (
        output[: match.start()] + f'<link rel="stylesheet" href="{href}">' + output[match.end() :]
    )


def used_rules(css: str, classes: set[str]) -> str:
    """The rules of ``css`` that can match an element whose classes are among ``classes``.

    A rule is kept when one of its selectors names only classes in ``classes``
    (selectors without classes are kept; classes inside ``:not()`` do not count).
    ``@media`` and ``@supports`` blocks are filtered the same way, other at-rules kept.
    """

    def keep(prelude) -> bool:
        for selector in tinycss2.serialize(prelude).split(","):
            selector = re.sub(r":not\([^()]*\)", "", selector)  # classes it must not have
            if all(c in classes for c in re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selector)):
                return True
        return False

    def walk(rules) -> list[str]:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                if keep(rule.prelude):
                    out.append(rule.serialize())
            elif rule.type == "at-rule":
                if rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
                    inner = walk(
                        tinycss2.parse_rule_list(
                            rule.content, skip_comments=True, skip_whitespace=True
                        )
                    )
                    if inner:
                        prelude = tinycss2.serialize(rule.prelude)
                        out.append(f"@{rule.at_keyword}{prelude}{{{''.join(inner)}}}")
                else:
                    out.append(rule.serialize())
        return out

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(walk(rules)) + "\n"


def _write_jupyter_css(site: Path) -> None:
    if _Jupyter.css is None:
        return
    path = site / JUPYTER_CSS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(used_rules(_Jupyter.css, _Jupyter.classes), encoding="utf-8")
