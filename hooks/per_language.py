"""MkDocs hook: each language keeps its own ``404.html`` and ``llms*.txt``.

mkdocs-static-i18n writes every language's ``404.html`` to the site root (its issue 284),
and mkdocs-llmstxt its files, so the last language built would replace the default one's.
The default language's are kept at the root and each other language's is moved to
``<lang>/``; the root 404 page sends readers of a missing ``/<lang>/...`` there
(``overrides/404.html``).
"""

import shutil
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.plugins import event_priority

FILES = ("404.html", "llms.txt", "llms-full.txt")


def _i18n(config):
    plugin = config.plugins.get("i18n")
    return plugin if hasattr(plugin, "current_language_config") else None


def _default_language(config) -> str:
    plugin = _i18n(config)
    return plugin.default_language if plugin is not None else config.theme.get("language")


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
    lang, default = config.theme.get("language"), _default_language(config)
    i18n = _i18n(config)
    langs = [x.locale for x in i18n.config.languages if x.build] if i18n else [lang]

    def home(code: str) -> str:
        return root if code == default else f"{root}{code}/"

    others = [home(code) for code in langs if code != default] if lang == default else []
    context["kam_404"] = {"lang": lang, "home": home(lang), "others": others}
    return context


_KEPT: dict[str, dict[str, bytes]] = {}


@event_priority(-50)  # after mkdocs-llmstxt (0); before mkdocs-static-i18n builds the others
def on_post_build(config):
    """Keep the default language's ``404.html`` and ``llms*.txt`` at the root.

    The default build runs first and keeps its files; each other language's build,
    which wrote its own over them, moves its files to ``<lang>/`` and puts the kept
    ones back.
    """
    site = Path(config.site_dir)
    lang = config.theme.get("language")
    if lang == _default_language(config):
        _KEPT[config.site_dir] = {n: (site / n).read_bytes() for n in FILES if (site / n).is_file()}
        return
    kept = _KEPT.get(config.site_dir, {})
    for name in FILES:
        path = site / name
        if path.is_file():
            (site / lang).mkdir(parents=True, exist_ok=True)
            shutil.move(path, site / lang / name)
        if name in kept:
            path.write_bytes(kept[name])
