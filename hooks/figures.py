"""MkDocs hook: run the modules that declare figures and publish them in every language.

A snippets module declares the images it writes with ``# keras-a-medida: figures a.png``;
they are published at ``assets/figures/<name>``.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from keras_a_medida.config import load_site_config
from keras_a_medida.kernel import data_digest
from keras_a_medida.pages import module_directives
from keras_a_medida.runner import ENVIRONMENT


def make_figures(module: Path, names: list[str], root: Path) -> Path:
    """Run ``module`` in a folder keyed by its content; return the folder with ``names``.

    The module runs only when its source, or a file under ``data/``, changed since the
    last build (or the folder was deleted), so ``mkdocs serve`` rebuilds stay fast.

    Raises:
        PluginError: If the module fails or does not write every declared file.
    """
    digest = hashlib.sha256(module.read_bytes() + data_digest(root).encode())
    folder = root / ".cache" / "figures" / f"{module.stem}-{digest.hexdigest()[:16]}"
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
def on_files(files, config):
    """Publish each declared figure at ``assets/figures/<name>`` of every language."""
    site = load_site_config(Path(config.config_file_path).parent)
    lang = config.theme.get("language")
    for module in site.snippet_modules():
        names = module_directives(module).get("figures") or []
        folder = make_figures(module, names, site.root) if names else None
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
