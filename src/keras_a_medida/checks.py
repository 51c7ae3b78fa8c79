"""Run every guard over the site, each reporting [Problem][keras_a_medida.checks.Problem]s.

The pages are read once ([Site][keras_a_medida.checks.Site]) for all guards. The tests,
the MkDocs hook and ``python -m keras_a_medida check`` all call
[run_checks][keras_a_medida.checks.run_checks], so they agree. The guards are in
[keras_a_medida.translations][], [keras_a_medida.code_blocks][], ``keras_a_medida.glossary``,
[keras_a_medida.errors][] and [keras_a_medida.backends][].
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import SiteConfig
from .pages import Block, Expander, Page, PageError, iter_pages, read_blocks


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
        """``(page, twin)`` for each default-language page and each twin that exists."""
        for page in self.pages[self.config.default_language]:
            for lang in self.config.languages[1:]:
                if self.twin(page, lang).is_file():
                    yield page, self.twin(page, lang)


def guards() -> tuple:
    """Every guard, in the order they run (imported here: each module imports this one)."""
    from . import code_blocks as code
    from . import translations as tr
    from .errors import check_error_index
    from .glossary import check_glossary

    return (
        tr.check_twins,
        code.check_inline_code,
        code.check_snippets_shown,
        tr.check_twin_includes,
        tr.check_anchors,
        tr.check_translations_current,
        tr.check_nav_titles,
        code.check_placeholders,
        check_glossary,
        check_error_index,
        code.check_tensorflow_markers,
    )


def run_checks(config: SiteConfig, checks=None) -> list[Problem]:
    """Run every guard (or ``checks``) over the site; the problems, sorted by file and line."""
    site = Site(config)
    problems: list[Problem] = []
    for check in checks or guards():
        problems.extend(check(site))
    problems.extend(site.errors)
    return sorted(set(problems))
