"""MkDocs hooks: the build refuses a site that fails a guard.

``hooks/site.py`` (listed under ``hooks:`` in ``mkdocs.yml``) only re-exports these
functions; the logic lives here, in the tested package.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from .checks import run_checks
from .config import load_site_config


def _language(config) -> str:
    return str(config.theme.get("language") or "")


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen the language
def on_files(files, config):
    """Run every guard once per build, while the default language builds.

    Raises:
        PluginError: Listing each problem with its file, line and fix.
    """
    load_site_config.cache_clear()  # `mkdocs serve` rebuilds after edits
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
    from io import BytesIO
    from pathlib import Path

    from mkdocstrings import Inventory

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
