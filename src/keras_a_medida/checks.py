"""The guards that keep pages, translations and snippets in step.

Every check returns a list of [Problem][keras_a_medida.checks.Problem]s; each names the
file, the line and what to do. The tests, the MkDocs hook and ``python -m keras_a_medida
check`` all call [run_checks][keras_a_medida.checks.run_checks], so they agree.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import markdown
from pymdownx.snippets import SnippetMissingError, SnippetPreprocessor

from .config import SiteConfig
from .errors import check_error_index
from .glossary import check_glossary
from .pages import (
    Block,
    Expander,
    Page,
    PageError,
    iter_pages,
    page_plan,
    read_blocks,
    snippet_sections,
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the site.

    Attributes:
        path: The file, relative to the repository root.
        line: The line in that file (1 for the whole file).
        message: What is wrong.
        fix: What to do about it.

    Examples:
        >>> print(Problem("docs/es/index.md", 1, "no 'en' twin", "translate it"))
        docs/es/index.md:1: no 'en' twin
            fix: translate it
    """

    path: str
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}\n    fix: {self.fix}"


class Site:
    """The pages of every language, read once and shared by the checks."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.expander = Expander(config)
        self.pages: dict[str, list[Path]] = {
            lang: iter_pages(config, lang) for lang in config.languages
        }
        self._blocks: dict[Path, list[Block]] = {}
        self.errors: list[Problem] = []

    def rel(self, path: Path) -> str:
        """``path`` relative to the repository root."""
        return path.resolve().relative_to(self.config.root).as_posix()

    def blocks(self, page: Path) -> list[Block]:
        """The page's blocks; a page that cannot be read becomes a problem."""
        if page not in self._blocks:
            try:
                self._blocks[page] = read_blocks(page, self.config, self.expander)
            except PageError as error:
                where, _, message = str(error).partition(": ")
                path, _, line = where.partition(":")
                self.errors.append(
                    Problem(path, int(line or 1), message, "fix the include or the fence")
                )
                self._blocks[page] = []
        return self._blocks[page]

    def twin(self, page: Path, lang: str) -> Path:
        """The path of ``page``'s twin in ``lang`` (which may not exist)."""
        return Page.of(page, self.config).twin(lang).path

    def pairs(self):
        """``(page, twin)`` for each default-language page and each other language."""
        for page in self.pages[self.config.default_language]:
            for lang in self.config.languages[1:]:
                yield page, self.twin(page, lang)


def check_twins(site: Site) -> list[Problem]:
    """Every page exists in every language, path for path."""
    problems = []
    for lang, pages in site.pages.items():
        for page in pages:
            for other in site.config.languages:
                mirror = site.twin(page, other)
                if other != lang and not mirror.is_file():
                    problems.append(
                        Problem(
                            site.rel(page),
                            1,
                            f"no '{other}' twin: {site.rel(mirror)} is missing",
                            f"translate the page into {site.rel(mirror)} "
                            "(same includes, same heading anchors)",
                        )
                    )
    return problems


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


def _signature(block: Block) -> tuple:
    return block.syntax, block.includes, block.expected_output


def check_twin_includes(site: Site) -> list[Problem]:
    """Twin pages show the same blocks: same includes, same outputs, same order."""
    problems = []
    for page, mirror in site.pairs():
        if not mirror.is_file():
            continue
        ours, theirs = site.blocks(page), site.blocks(mirror)
        for index in range(max(len(ours), len(theirs))):
            a = ours[index] if index < len(ours) else None
            b = theirs[index] if index < len(theirs) else None
            if a and b and _signature(a) == _signature(b):
                continue
            line = b.lineno if b else 1
            expected = (
                f"block {index + 1} of {site.rel(page)} (line {a.lineno}) shows "
                f"{', '.join(map(str, a.includes)) or a.syntax}"
                if a
                else f"{site.rel(page)} has only {len(ours)} blocks"
            )
            got = (
                f"this page shows {', '.join(map(str, b.includes)) or b.syntax}"
                if b
                else f"this page has only {len(theirs)} blocks"
            )
            if a and b and a.includes == b.includes:
                got = "the same code with a different output block or fence"
            problems.append(
                Problem(
                    site.rel(mirror),
                    line,
                    f"differs from its twin: {expected}; {got}",
                    "show the same includes and outputs, in the same order, as the twin",
                )
            )
            break
    return problems


def anchor_renderer(config: SiteConfig) -> markdown.Markdown:
    """A Markdown renderer with the site's extensions, for reading heading anchors."""
    names, configs = [], {}
    for entry in config.markdown_extensions:
        if isinstance(entry, dict):
            ((name, options),) = entry.items()
            names.append(name)
            configs[name] = dict(options or {})
        else:
            names.append(entry)
    configs["pymdownx.snippets"] = dict(config.snippets_config)
    # Anchors do not depend on colours: skip Pygments, the costliest part of rendering.
    configs.setdefault("pymdownx.highlight", {})["use_pygments"] = False
    return markdown.Markdown(extensions=names, extension_configs=configs)


def heading_anchors(page: Path, md: markdown.Markdown) -> list[tuple[str, str]]:
    """``(anchor, heading text)`` of every heading below the title (``##`` and deeper).

    Anchors are computed by rendering the page with the site's own Markdown extensions,
    so an explicit ``{ #anchor }`` and the toc extension's slugs are both honoured.
    """
    md.reset()
    _, body = split_front_matter(page.read_text(encoding="utf-8"))
    try:
        md.convert(body)
    except SnippetMissingError:
        return []  # reported, with its line, by check_inline_code
    out = []

    def walk(tokens):
        for token in tokens:
            if token["level"] > 1:
                out.append((token["id"], token["name"]))
            walk(token["children"])

    walk(md.toc_tokens)
    return out


def _heading_line(page: Path, text: str) -> int:
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("#") and text.split(" ")[0] in line:
            return number
    return 1


def check_anchors(site: Site) -> list[Problem]:
    """Twin pages have the same heading anchors, so links work in both languages."""
    md = anchor_renderer(site.config)
    problems = []
    for page, mirror in site.pairs():
        if not mirror.is_file():
            continue
        ours, theirs = heading_anchors(page, md), heading_anchors(mirror, md)
        for index in range(max(len(ours), len(theirs))):
            a = ours[index] if index < len(ours) else None
            b = theirs[index] if index < len(theirs) else None
            if a and b and a[0] == b[0]:
                continue
            if a and b:
                problems.append(
                    Problem(
                        site.rel(mirror),
                        _heading_line(mirror, b[1]),
                        f"heading '{b[1]}' has anchor #{b[0]}, but heading {index + 1} "
                        f"of {site.rel(page)} has #{a[0]}",
                        f"end the heading with {{ #{a[0]} }}",
                    )
                )
            else:
                problems.append(
                    Problem(
                        site.rel(mirror),
                        1,
                        f"{len(theirs)} headings here, {len(ours)} in {site.rel(page)}",
                        "translate every heading, one for one, with the same anchors",
                    )
                )
            break
    return problems


TRANSLATION_KEY = "translation_of"
"""Front-matter key of a translated page: the hash of the source page it translates."""


def content_hash(page: Path) -> str:
    """A short hash of a page's text without its front matter (12 hex digits)."""
    text = page.read_text(encoding="utf-8")
    _, body = split_front_matter(text)
    normalized = "\n".join(line.rstrip() for line in body.strip().splitlines())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:12]


def split_front_matter(text: str) -> tuple[dict, str]:
    """``(meta, body)`` of a Markdown page, parsed as MkDocs does."""
    from mkdocs.utils.meta import get_data

    body, meta = get_data(text)
    return meta, body


def check_translations_current(site: Site) -> list[Problem]:
    """Each translated page records the hash of the source page it translates.

    When the English page changes, its hash changes and this check fails until the
    translation is brought up to date and re-stamped
    (``python -m keras_a_medida stamp docs/es/<page>.md``).
    """
    problems = []
    for page, mirror in site.pairs():
        if not mirror.is_file():
            continue
        meta, _ = split_front_matter(mirror.read_text(encoding="utf-8"))
        current = content_hash(page)
        recorded = str(meta.get(TRANSLATION_KEY, "") or "")
        stamp = f"python -m keras_a_medida stamp {site.rel(mirror)}"
        if not recorded:
            problems.append(
                Problem(
                    site.rel(mirror),
                    1,
                    f"does not record which version of {site.rel(page)} it translates",
                    f"check the translation is complete, then run `{stamp}`",
                )
            )
        elif recorded != current:
            problems.append(
                Problem(
                    site.rel(mirror),
                    1,
                    f"{site.rel(page)} changed since this translation "
                    f"(translates {recorded}, English is now {current})",
                    "bring the translation up to date (`python -m keras_a_medida "
                    f"translation-diff {site.rel(mirror)}` shows what changed), then run "
                    f"`{stamp}`",
                )
            )
    return problems


def stamp_translation(mirror: Path, config: SiteConfig) -> str:
    """Record in ``mirror``'s front matter the hash of its source page; return the hash."""
    source = Page.of(mirror, config).twin(config.default_language).path
    digest = content_hash(source)
    text = mirror.read_text(encoding="utf-8")
    line = f"{TRANSLATION_KEY}: {digest}"
    if text.startswith("---\n"):
        end = text.index("\n---", 4)
        head = [x for x in text[4:end].splitlines() if not x.startswith(TRANSLATION_KEY + ":")]
        text = "---\n" + "\n".join([*head, line]) + text[end:]
    else:
        text = f"---\n{line}\n---\n\n{text}"
    mirror.write_text(text, encoding="utf-8")
    return digest


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
    from .backends import is_jax_output

    page = site.config.root / block.page
    return is_jax_output(block, page.read_text(encoding="utf-8").splitlines())


def check_tensorflow_markers(site: Site) -> list[Problem]:
    """A snippets module that uses TensorFlow is marked ``needs-tensorflow``."""
    from .backends import check_tensorflow_markers as check

    return check(site.config)


CHECKS = (
    check_twins,
    check_inline_code,
    check_snippets_shown,
    check_twin_includes,
    check_anchors,
    check_translations_current,
    check_placeholders,
    check_glossary,
    check_error_index,
    check_tensorflow_markers,
)


def run_checks(config: SiteConfig, checks=CHECKS) -> list[Problem]:
    """Run every guard over the site and return the problems, sorted by file and line."""
    site = Site(config)
    problems: list[Problem] = []
    for check in checks:
        problems.extend(check(site))
    problems.extend(site.errors)
    return sorted(set(problems))


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
