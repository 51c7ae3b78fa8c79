"""MkDocs hook: notebook pages link one shared JupyterLab stylesheet instead of inlining it.

mkdocs-jupyter inlines JupyterLab's whole stylesheet (575 KB) in every notebook page. It
is written once, to ``assets/stylesheets/jupyter.css``, without the rules that match
nothing in the notebook pages, and each page links it.
"""

import re
from pathlib import Path

import tinycss2
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

JUPYTER_CSS = "assets/stylesheets/jupyter.css"
"""The notebook pages' shared stylesheet, relative to the site root."""
_STYLE = re.compile(r'<style type="text/css">(?P<css>[^<]*\.jp-[^<]{100000,})</style>')
_CLASSES = re.compile(r'class="([^"]*)"')


class _Jupyter:
    """The JupyterLab stylesheet and the classes the notebook pages use, across builds."""

    css: str | None = None
    classes: set[str] = set()


def on_post_page(output, page, config):
    """Replace a notebook page's inline JupyterLab stylesheet by a link to the shared one.

    Raises:
        PluginError: If two notebook pages inline different stylesheets.
    """
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    match = _STYLE.search(output)
    if match is None:
        return output
    css = match["css"]
    if _Jupyter.css is not None and css != _Jupyter.css:
        raise PluginError(f"{page.file.src_uri}: mkdocs-jupyter inlined another stylesheet")
    _Jupyter.css = css
    rest = output[: match.start()] + output[match.end() :]
    _Jupyter.classes.update(c for value in _CLASSES.findall(rest) for c in value.split())
    href = get_relative_url(JUPYTER_CSS, page.url)
    return (
        output[: match.start()] + f'<link rel="stylesheet" href="{href}">' + output[match.end() :]
    )


def used_rules(css: str, classes: set[str]) -> str:
    """The rules of ``css`` that can match an element whose classes are among ``classes``.

    A rule is kept when one of its selectors names only classes in ``classes``
    (selectors without classes are kept; classes inside ``:not()`` do not count).
    ``@media`` and ``@supports`` blocks are filtered the same way, other at-rules kept.
    """

    def keep(prelude) -> bool:
        for selector in tinycss2.serialize(prelude).split(","):
            selector = re.sub(r":not\([^()]*\)", "", selector)  # classes it must not have
            if all(c in classes for c in re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selector)):
                return True
        return False

    def walk(rules) -> list[str]:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                if keep(rule.prelude):
                    out.append(rule.serialize())
            elif rule.type == "at-rule":
                if rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
                    inner = walk(
                        tinycss2.parse_rule_list(
                            rule.content, skip_comments=True, skip_whitespace=True
                        )
                    )
                    if inner:
                        prelude = tinycss2.serialize(rule.prelude)
                        out.append(f"@{rule.at_keyword}{prelude}{{{''.join(inner)}}}")
                else:
                    out.append(rule.serialize())
        return out

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(walk(rules)) + "\n"


def on_post_build(config):
    """Write the shared stylesheet with the rules the notebook pages can use."""
    if _Jupyter.css is None:
        return
    path = Path(config.site_dir) / JUPYTER_CSS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(used_rules(_Jupyter.css, _Jupyter.classes), encoding="utf-8")
