"""MkDocs hooks: the build refuses a site that fails a guard.

``hooks/site.py`` (listed under ``hooks:`` in ``mkdocs.yml``) only re-exports these
functions; the logic lives here, in the tested package.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File
from mkdocstrings import Inventory

from .checks import run_checks
from .config import load_site_config
from .pages import module_directives
from .runner import ENVIRONMENT


def _language(config) -> str:
    return str(config.theme.get("language") or "")


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen the language
def run_guards(files, config):
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


def make_figures(module: Path, names: list[str], cache: Path) -> Path:
    """Run ``module`` in a folder keyed by its content; return the folder with ``names``.

    The module runs only when its source changed since the last build (or the folder
    was deleted), so ``mkdocs serve`` rebuilds stay fast.

    Raises:
        PluginError: If the module fails or does not write every declared file.
    """
    digest = hashlib.sha256(module.read_bytes()).hexdigest()[:16]
    folder = cache / f"{module.stem}-{digest}"
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
    cache = site.root / ".cache" / "figures"
    prefix = "" if lang == site.default_language else f"{lang}/"
    for module, names in figure_modules(site):
        folder = make_figures(module, names, cache)
        for name in names:
            generated = File(
                f"{lang}/assets/figures/{name}",
                src_dir=str(folder),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
            generated.abs_src_path = str(folder / name)
            generated.dest_uri = f"{prefix}assets/figures/{name}"
            files.append(generated)
    return files


on_files = CombinedEvent(run_guards, publish_figures)
"""The ``on_files`` hook: [run_guards][keras_a_medida.mkdocs_hooks.run_guards], then
[publish_figures][keras_a_medida.mkdocs_hooks.publish_figures]."""
