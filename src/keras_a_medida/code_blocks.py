"""The code-block guards: every block shown comes from ``snippets/`` and every snippet is shown.

Nothing is left as a ``TODO``, and the built HTML shows only blocks the tests run or check.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pymdownx.snippets import SnippetPreprocessor

from . import backends
from .checks import Problem, Site
from .config import SiteConfig
from .pages import Block, Page, page_plan, snippet_sections


def _include_lines_only(block: Block) -> bool:
    lines = [line for line in block.source.splitlines() if line.strip()]
    return bool(lines) and all(SnippetPreprocessor.RE_ALL_SNIPPETS.match(x) for x in lines)


def check_inline_code(site: Site) -> list[Problem]:
    """No code block is typed on a page: each pulls its code from ``snippets/``.

    Python blocks must use the exact info string ``python`` (pytest-codeblocks skips
    ``py`` or ``python title=...`` without a word) and include snippet sections.
    """
    problems = []
    snippet_dirs = [site.rel(d) for d in site.config.snippets_dirs]
    for lang in site.config.languages:
        for page in site.pages[lang]:
            for block in site.blocks(page):
                where = (block.page, block.lineno)
                if block.names_python and not block.is_python:
                    problems.append(
                        Problem(
                            *where,
                            f"fence info string '{block.syntax}' is not run by the tests",
                            "open the fence with exactly ```python (no title, no options)",
                        )
                    )
                elif not _include_lines_only(block) and not _is_jax_output(block, site):
                    problems.append(
                        Problem(
                            *where,
                            "inline code: this block is typed on the page, so no test runs it",
                            "move the code into a named section of a module under "
                            'snippets/ and include it with --8<-- "topic/module.py:section"',
                        )
                    )
                elif block.is_python and not all(
                    any(inc.path.startswith(d + "/") for d in snippet_dirs)
                    for inc in block.includes
                ):
                    problems.append(
                        Problem(
                            *where,
                            "python block includes a file outside snippets/",
                            "include a named section of a module under snippets/",
                        )
                    )
    return problems


def check_snippets_shown(site: Site) -> list[Problem]:
    """Every snippets module, and every named section in it, is shown on some page."""
    shown: set[tuple[str, str | None]] = set()
    for lang in site.config.languages:
        for page in site.pages[lang]:
            for block in site.blocks(page):
                shown.update((inc.path, inc.section) for inc in block.includes)
    shown_files = {path for path, _ in shown}
    problems = []
    for module in site.config.snippet_modules():
        rel = site.rel(module)
        if rel not in shown_files:
            problems.append(
                Problem(
                    rel,
                    1,
                    "snippets module is not shown on any page",
                    "include its sections in a page (both languages) or delete it",
                )
            )
            continue
        if (rel, None) in shown:
            continue
        include = next(
            module.relative_to(b) for b in site.config.snippets_dirs if module.is_relative_to(b)
        ).as_posix()
        for name, line in snippet_sections(module):
            if (rel, name) not in shown:
                problems.append(
                    Problem(
                        rel,
                        line,
                        f"section '{name}' is not shown on any page",
                        f'include it with --8<-- "{include}:{name}" or remove its markers',
                    )
                )
    return problems


def check_placeholders(site: Site) -> list[Problem]:
    """No ``TODO`` is left in a page, a snippets module or the nav (see ``make new``)."""
    problems = []
    files = [p for pages in site.pages.values() for p in pages]
    files += [*site.config.snippet_modules(), site.config.root / "mkdocs.yml"]
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "TODO" in line:
                problems.append(
                    Problem(
                        site.rel(path),
                        number,
                        f"placeholder left: {line.strip()[:90]}",
                        "write the real content in place of the TODO",
                    )
                )
    return problems


def _is_jax_output(block: Block, site: Site) -> bool:
    page = site.config.root / block.page
    return backends.is_jax_output(block, page.read_text(encoding="utf-8").splitlines())


def check_tensorflow_markers(site: Site) -> list[Problem]:
    """A snippets module that uses TensorFlow is marked ``needs-tensorflow``."""
    return backends.check_tensorflow_markers(site.config)


_SHOWN_BLOCK = re.compile(
    r'<div class="language-(?P<lang>[\w-]+) (?P<doc>doc-signature )?highlight"><pre'
)


def check_built_site(site_dir: Path, config: SiteConfig) -> list[Problem]:
    """Every code block a reader sees in the built HTML is one the tests run or check.

    pytest-codeblocks skips fences it does not recognise (``~~~``, ``py``, indented code)
    without a word. Counting the highlighted blocks in the HTML, page by page, and
    comparing them with the blocks the tests run catches any such block.
    Signatures rendered by mkdocstrings are not counted, nor the docstring examples on
    API pages (doctests, run by ``pytest --doctest-modules``).
    """
    site = Site(config)
    problems = []
    for lang in config.languages:
        for page in site.pages[lang]:
            html = Page.of(page, config).built_html(site_dir)
            if not html.is_file():
                problems.append(Problem(site.rel(page), 1, f"not built: {html}", "add it to nav"))
                continue
            shown = Counter(
                m["lang"]
                for m in _SHOWN_BLOCK.finditer(html.read_text(encoding="utf-8"))
                if not m["doc"]
            )
            if any(line.startswith("::: ") for line in page.read_text("utf-8").splitlines()):
                shown.pop("pycon", None)  # docstring examples: run by --doctest-modules
            blocks = site.blocks(page)
            planned, _ = page_plan(page, config, site.expander)
            python_shown = shown.pop("python", 0)
            if python_shown != len(planned):
                problems.append(
                    Problem(
                        site.rel(page),
                        1,
                        f"the built page shows {python_shown} python blocks but the tests "
                        f"run {len(planned)}",
                        "open every python fence with exactly ```python (backticks, no "
                        "title) and include a snippet section",
                    )
                )
            checked = sum(b.expected_output is not None for b in blocks)
            checked += sum(not b.is_python for b in blocks)
            if sum(shown.values()) != checked:
                problems.append(
                    Problem(
                        site.rel(page),
                        1,
                        f"the built page shows {sum(shown.values())} other code blocks "
                        f"({dict(shown)}) but only {checked} are checked outputs or includes",
                        "mark each output with <!--pytest-codeblocks:expected-output--> "
                        "and move other code into snippets/",
                    )
                )
    return problems
