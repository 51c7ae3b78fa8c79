"""Read the site's configuration from ``mkdocs.yml``, the single source of truth."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.utils.yaml import yaml_load


class SiteConfigError(Exception):
    """``mkdocs.yml`` lacks something the tooling needs; the message says what."""


@dataclass(frozen=True)
class SiteConfig:
    """What the tooling needs to know about the site.

    Attributes:
        root: The repository root (the folder holding ``mkdocs.yml``).
        docs_dir: The folder holding one sub-folder per language.
        languages: Locale codes, the default language first (``("en", "es")``).
        snippets_config: The ``pymdownx.snippets`` options, with ``base_path``
            made absolute.
        markdown_extensions: The ``markdown_extensions`` entries, as written.
        site_url: ``site_url``, ending with a slash (``/`` when unset).
        nav_titles: The titles in ``nav``, sections and pages, depth first.
        nav_translations: Each other language's ``nav_translations`` of the i18n plugin.
    """

    root: Path
    docs_dir: Path
    languages: tuple[str, ...]
    snippets_config: dict
    markdown_extensions: tuple
    site_url: str = "/"
    nav_titles: tuple[str, ...] = ()
    nav_translations: dict[str, dict] = field(default_factory=dict, compare=False)

    @property
    def url_path(self) -> str:
        """The path the site is served under (``/keras-a-medida/``)."""
        return urlparse(self.site_url).path or "/"

    def lang_prefix(self, lang: str) -> str:
        """Where a language lives below the site root: ``""`` or ``"es/"``."""
        return "" if lang == self.default_language else f"{lang}/"

    @property
    def default_language(self) -> str:
        """The language built at the site's root."""
        return self.languages[0]

    @property
    def snippets_dirs(self) -> tuple[Path, ...]:
        """The folders pymdownx.snippets resolves include paths against."""
        return tuple(Path(p) for p in self.snippets_config["base_path"])

    def snippet_modules(self) -> list[Path]:
        """Every module under the snippets folders, sorted."""
        return sorted(p for base in self.snippets_dirs for p in base.rglob("*.py"))

    def lang_dir(self, lang: str) -> Path:
        """The folder of one language's pages, for example ``docs/es``."""
        return self.docs_dir / lang


def _extension_config(extensions: list, name: str) -> dict | None:
    for entry in extensions:
        if entry == name:
            return {}
        if isinstance(entry, dict) and name in entry:
            return dict(entry[name] or {})
    return None


def _i18n_languages(plugins: list, path: Path) -> list[dict]:
    """The i18n plugin's ``languages`` entries, the default one first."""
    for entry in plugins:
        if isinstance(entry, dict) and "i18n" in entry:
            langs = entry["i18n"].get("languages") or []
            default = [x for x in langs if x.get("default")]
            if len(default) != 1:
                raise SiteConfigError(
                    f"{path}: the i18n plugin needs exactly one language with "
                    f"'default: true' (found {len(default)})"
                )
            return default + [x for x in langs if not x.get("default")]
    raise SiteConfigError(f"{path}: the 'i18n' plugin is not configured")


def _nav_titles(items: list):
    """The titles in a ``nav`` list, sections and pages, depth first."""
    for item in items:
        if isinstance(item, dict):
            for title, value in item.items():
                yield title
                if isinstance(value, list):
                    yield from _nav_titles(value)


def load_site_config(root: Path | str = ".") -> SiteConfig:
    """Load and check ``mkdocs.yml`` in ``root``.

    Args:
        root: The repository root.

    Returns:
        The parsed configuration.

    Raises:
        SiteConfigError: If the file is missing or lacks pymdownx.snippets
            (with ``check_paths: true``) or the i18n plugin.
    """
    root = Path(root).resolve()
    path = root / "mkdocs.yml"
    if not path.is_file():
        raise SiteConfigError(f"no mkdocs.yml in {root}")
    stat = path.stat()
    # site_url may come from the environment (!ENV), so it is part of the key
    return _load(path, stat.st_mtime_ns, stat.st_size, tuple(sorted(os.environ.items())))


@functools.lru_cache(maxsize=16)
def _load(path: Path, mtime_ns: int, size: int, environ: tuple) -> SiteConfig:
    """Parse ``path`` once per version of the file (a build asked for it 108 times)."""
    root = path.parent
    with path.open(encoding="utf-8") as handle:
        raw = yaml_load(handle)
    extensions = raw.get("markdown_extensions") or []
    snippets = _extension_config(extensions, "pymdownx.snippets")
    if snippets is None:
        raise SiteConfigError(f"{path}: pymdownx.snippets is not enabled")
    if snippets.get("check_paths") is not True:
        raise SiteConfigError(
            f"{path}: pymdownx.snippets needs 'check_paths: true', or a broken "
            "include renders as an empty block"
        )
    base = snippets.get("base_path", ["."])
    base = [base] if isinstance(base, str) else list(base)
    snippets["base_path"] = [str(root / b) for b in base]
    languages = _i18n_languages(raw.get("plugins") or [], path)
    return SiteConfig(
        root=root,
        docs_dir=root / raw.get("docs_dir", "docs"),
        languages=tuple(lang["locale"] for lang in languages),
        snippets_config=snippets,
        markdown_extensions=tuple(extensions),
        site_url=(raw.get("site_url") or "/").rstrip("/") + "/",
        nav_titles=tuple(_nav_titles(raw.get("nav") or [])),
        nav_translations={
            lang["locale"]: dict(lang.get("nav_translations") or {}) for lang in languages[1:]
        },
    )
