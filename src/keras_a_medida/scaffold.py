"""Scaffold a documented component: snippet module, twin pages and nav entries.

``python -m keras_a_medida new metrics/my_metric`` (or ``make new NAME=metrics/my_metric``)
writes files that already follow every rule, with ``TODO`` placeholders where the
contributor's content goes. ``make test`` then fails, naming each file and line that is
left to fill in, until the component is written, shown and translated.
"""

from __future__ import annotations

import re
from pathlib import Path

from .config import SiteConfig
from .translations import stamp_translation

NAME = re.compile(r"^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*$")

SNIPPET = '''"""TODO: one line on what this module shows.

Shown on guide/{slug}.md. Run it as a script to check it.
"""

# --8<-- [start:define]
import keras
from keras import ops


def {name}(x):
    """TODO: a function, or a subclass with get_config()."""
    raise NotImplementedError(
        "TODO: write {name} in "
        "snippets/{topic}/{name}.py"
    )


# --8<-- [end:define]

# --8<-- [start:use]
print(round(float({name}(ops.ones((2,)))), 4))
# --8<-- [end:use]
# TODO: replace by checks of {name}
assert keras.__version__.startswith("3.")
'''

PAGE = """{heading}

!!! abstract "{glance}"
    - TODO: {what}
    - TODO: {trap}

TODO: {when}

## {define} {{ #define-it }}

TODO: {explain_code}

```python
--8<-- "{topic}/{name}.py:define"
```

## {use} {{ #use-it }}

TODO: {explain_output}

```python
--8<-- "{topic}/{name}.py:use"
```

<!--pytest-codeblocks:expected-output-->
```text
TODO: run make outputs to write what the block prints
```
"""

WORDS = {
    "en": {
        "glance": "At a glance",
        "what": "what the reader writes, which base class, which method.",
        "trap": "the main trap.",
        "when": "one paragraph: when a reader needs this component.",
        "define": "Define it",
        "explain_code": "say what the code below does.",
        "use": "Use it",
        "explain_output": "say what the output shows.",
        "title_hint": "the title in English",
    },
    "es": {
        "glance": "En resumen",
        "what": "qué escribe quien lee, de qué clase base hereda y qué método implementa.",
        "trap": "la trampa principal.",
        "when": "un párrafo: cuándo hace falta este componente.",
        "define": "Defínelo",
        "explain_code": "explica qué hace el código.",
        "use": "Úsalo",
        "explain_output": "explica qué muestra la salida.",
        "title_hint": "el título en español",
    },
}
"""The words of the page template ``PAGE`` in each language."""


class ScaffoldError(Exception):
    """The component cannot be scaffolded; the message says why."""


def scaffold(site: SiteConfig, component: str) -> list[Path]:
    """Create the snippet module, the page in every language and the nav entries.

    Args:
        site: The site configuration.
        component: ``topic/name``, lowercase with underscores (``metrics/my_metric``).

    Returns:
        The files written or changed.

    Raises:
        ScaffoldError: For a malformed name, or when a file already exists.
    """
    if not NAME.match(component):
        raise ScaffoldError(
            f"component {component!r}: use topic/name in lowercase letters, digits and "
            "underscores, for example metrics/my_metric"
        )
    topic, name = component.split("/")
    slug = name.replace("_", "-")
    title = name.replace("_", " ").capitalize()
    values = {"topic": topic, "name": name, "slug": slug, "title": title}
    module = site.snippets_dirs[0] / topic / f"{name}.py"
    pages = {lang: site.lang_dir(lang) / "guide" / f"{slug}.md" for lang in site.languages}
    for path in [module, *pages.values()]:
        if path.exists():
            raise ScaffoldError(f"{path.relative_to(site.root)} already exists")
    module.parent.mkdir(parents=True, exist_ok=True)
    module.write_text(SNIPPET.format(**values), encoding="utf-8")
    for lang, page in pages.items():
        words = WORDS.get(lang, WORDS["en"])
        heading = f"# {title}"  # a translation keeps the English heading's anchor
        if lang != site.default_language:
            heading = f"# TODO: {title} ({words['title_hint']}) {{ #{slug} }}"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(**values, **words, heading=heading), encoding="utf-8")
    for lang in site.languages[1:]:
        stamp_translation(pages[lang], site)
    config = site.root / "mkdocs.yml"
    add_to_nav(config, title, f"guide/{slug}.md")
    return [module, *pages.values(), config]


def add_to_nav(config: Path, title: str, target: str) -> None:
    """Append ``title: target`` to the Guide section of ``nav`` and a Spanish title.

    Raises:
        ScaffoldError: If the Guide section or ``nav_translations`` cannot be found.
    """
    lines = config.read_text(encoding="utf-8").splitlines()
    entries = [i for i, line in enumerate(lines) if re.match(r"^\s+- .+: guide/\S+\.md$", line)]
    translations = [i for i, line in enumerate(lines) if line.strip() == "nav_translations:"]
    if not entries or not translations:
        raise ScaffoldError(f"{config}: no Guide entries in nav or no nav_translations")
    last = entries[-1]
    indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    lines.insert(last + 1, f"{indent}- {title}: {target}")
    spot = translations[0]
    pad = lines[spot + 1][: len(lines[spot + 1]) - len(lines[spot + 1].lstrip())]
    lines.insert(spot + 1, f"{pad}{title}: TODO título en español")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
