"""MkDocs hook: each language's ``llms.txt`` sections (its nav titles) and introduction.

The files are written by the mkdocs-llmstxt plugin; ``hooks/per_language.py`` keeps each
language's own at ``[<lang>/]llms.txt``.
"""

from pathlib import Path

from mkdocs.plugins import event_priority

from keras_a_medida.notebooks import pinned_versions

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
    lang = str(config.theme.get("language") or "")
    i18n = config.plugins.get("i18n")
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
