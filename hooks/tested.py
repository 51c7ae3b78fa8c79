"""MkDocs hook: "Tested with ..." under each title, the backends after each recipe.

Rendered from the committed ``data/tested.json`` (see keras_a_medida.tested_pages), so a
build needs no test run; ``tests/test_backends.py`` keeps the file true.
"""

from pathlib import Path

from keras_a_medida.backends import WRITE_COMMAND, load_record
from keras_a_medida.config import load_site_config
from keras_a_medida.tested_pages import render


def on_page_markdown(markdown, page, config, files):
    """Add the stamp and the per-block backends to the page, in its language."""
    root = Path(config.config_file_path).parent
    lang = str(config.theme.get("language") or "en")
    return render(markdown, lang, load_record(root), load_site_config(root), WRITE_COMMAND)
