"""MkDocs hook: one ``objects.inv`` per language.

Every language build writes ``site/objects.inv`` (mkdocstrings), so the last language
built would overwrite the default one with its ``es/...`` URLs. The default build's file
is kept at the root; another language's goes to ``site/<lang>/objects.inv`` with URLs
relative to that folder.
"""

from io import BytesIO
from pathlib import Path

from mkdocstrings import Inventory

from keras_a_medida.config import load_site_config

_DEFAULT: dict[str, bytes] = {}  # site_dir -> the default language's objects.inv


def on_post_build(config):
    """Keep the default language's inventory at the root; move the others' to ``<lang>/``."""
    path = Path(config.site_dir) / "objects.inv"
    lang = config.theme.get("language")
    if not path.is_file():
        return
    if lang == load_site_config(Path(config.config_file_path).parent).default_language:
        _DEFAULT[config.site_dir] = path.read_bytes()
        return
    inventory = Inventory.parse_sphinx(BytesIO(path.read_bytes()))
    for item in inventory.values():
        item.uri = item.uri.removeprefix(f"{lang}/")
    (Path(config.site_dir) / lang / "objects.inv").write_bytes(inventory.format_sphinx())
    if config.site_dir in _DEFAULT:
        path.write_bytes(_DEFAULT[config.site_dir])
