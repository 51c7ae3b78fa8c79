"""MkDocs hook: the build refuses a site that fails a guard (see keras_a_medida.checks)."""

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from keras_a_medida.checks import run_checks
from keras_a_medida.config import load_site_config


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen the language
def on_files(files, config):
    """Run every guard once per build, while the default language builds.

    Raises:
        PluginError: Listing each problem with its file, line and fix.
    """
    site = load_site_config(Path(config.config_file_path).parent)
    if config.theme.get("language") == site.default_language:
        problems = run_checks(site)
        if problems:
            listing = "\n".join(str(p) for p in problems)
            raise PluginError(f"the site has {len(problems)} problem(s):\n{listing}")
    return files
