"""The page model: a page's file, twins, URLs and blocks (includes expanded as MkDocs does).

Fences are found by pytest-codeblocks (``extract_from_buffer``), includes are expanded by
pymdownx.snippets' own preprocessor, configured from ``mkdocs.yml``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

import markdown
from pymdownx.snippets import SnippetExtension, SnippetMissingError, SnippetPreprocessor
from pytest_codeblocks import extract_from_buffer

from .config import SiteConfig

#: The only info string pytest-codeblocks runs as Python. Anything else that names
#: Python (``py``, ``python title="x"``, ``pycon``...) would be skipped silently.
PYTHON = "python"
_PYTHONISH = re.compile(r"^\s*\{?\s*\.?(py|python[0-9]*|py3|pycon|ipython[0-9]*)\b", re.I)


class PageError(Exception):
    """A page cannot be read; the message starts with ``path:line``."""


@dataclass(frozen=True)
class Include:
    """One ``--8<--`` include, as pymdownx.snippets resolved it.

    Attributes:
        path: The included file, relative to the repository root.
        section: The named section, or ``None`` for a whole file or a line range.

    Examples:
        >>> str(Include("snippets/losses/huber.py", "function"))
        'snippets/losses/huber.py:function'
        >>> str(Include("snippets/losses/huber.py", None))
        'snippets/losses/huber.py'
    """

    path: str
    section: str | None

    def __str__(self) -> str:
        return f"{self.path}:{self.section}" if self.section else self.path


@dataclass
class Block:
    """One fenced block of a page.

    Attributes:
        page: The page, relative to the repository root.
        lineno: The line of the opening fence on the page (1-based).
        syntax: The fence's info string (``"python"``, ``"text"``...).
        source: The block as written on the page (its include lines).
        code: The block after pymdownx.snippets expanded it.
        includes: What the block pulled in, in order.
        expected_output: The output block shown after it, if the page marks one.
        marks: ``pytest.mark.*`` comments placed before it.
    """

    page: str
    lineno: int
    syntax: str
    source: str
    code: str
    includes: tuple[Include, ...]
    expected_output: str | None = None
    marks: list[str] = field(default_factory=list)

    @property
    def is_python(self) -> bool:
        """True for a block that pytest-codeblocks runs as Python."""
        return self.syntax == PYTHON

    @property
    def names_python(self) -> bool:
        """True for any info string that a reader would take for Python.

        Examples:
            >>> [Block("p.md", 1, s, "", "", ()).names_python
            ...  for s in ("python", "py", 'python title="a.py"', "text")]
            [True, True, True, False]
        """
        return bool(_PYTHONISH.match(self.syntax or ""))

    @property
    def location(self) -> str:
        """``page:line``, for messages."""
        return f"{self.page}:{self.lineno}"


class _RecordingSnippets(SnippetPreprocessor):
    """pymdownx.snippets' preprocessor, unchanged, noting each file and section it reads."""

    def __init__(self, config, md, root: Path):
        super().__init__(config, md)
        self.root = root
        self.record: list[Include] = []

    def process_snippet_lines(self, lines, target):
        path = Path(target["snippet"])
        try:
            shown = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            shown = str(path)
        self.record.append(Include(shown, target.get("section")))
        return super().process_snippet_lines(lines, target)


class Expander:
    """Expand ``--8<--`` includes exactly as the site's build does.

    Args:
        site: The site configuration; its ``pymdownx.snippets`` options are used as is.
    """

    def __init__(self, site: SiteConfig):
        extension = SnippetExtension(**site.snippets_config)
        md = markdown.Markdown(extensions=[extension])
        self._pre = _RecordingSnippets(extension.getConfigs(), md, site.root)
        self.root = site.root

    def expand(self, text: str) -> tuple[str, tuple[Include, ...]]:
        """Return ``text`` with its includes expanded, and what was included.

        Raises:
            SnippetMissingError: For a missing file or section (``check_paths``).
        """
        self._pre.record = []
        lines = self._pre.run(text.split("\n"))
        return "\n".join(lines), tuple(self._pre.record)


DIRECTIVE = "# keras-a-medida:"
"""A comment line in a snippets module that tells the tooling how to run it.

``# keras-a-medida: fresh-process`` runs the module, and every page that includes it,
in a new Python process (for code that must run before TensorFlow initialises, such as
``tf.config.set_logical_device_configuration``). ``# keras-a-medida: figures a.png b.png``
declares the image files the module writes into its working directory; the build runs
the module and publishes them under ``assets/figures/``. ``# keras-a-medida:
needs-tensorflow`` says the module runs on the TensorFlow backend only (see
[keras_a_medida.backends][]); every other module is also run under JAX.
``# keras-a-medida: needs-jax`` says it runs on JAX only, and so do the pages that
include it.
"""


def module_directives(path: Path) -> dict[str, list[str]]:
    """The ``# keras-a-medida: name args...`` directives of a snippets module.

    Raises:
        PageError: For an unknown directive, naming the file and line.
    """
    found: dict[str, list[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith(DIRECTIVE):
            continue
        name, *args = line[len(DIRECTIVE) :].split()
        if name not in {"fresh-process", "figures", "needs-tensorflow", "needs-jax"}:
            raise PageError(
                f"{path}:{number}: unknown directive {name!r} "
                "(use 'fresh-process', 'figures', 'needs-tensorflow' or 'needs-jax')"
            )
        found[name] = args
    return found


def snippet_sections(path: Path) -> list[tuple[str, int]]:
    """The named sections of a snippets module: ``(name, 1-based start line)``.

    The markers are recognised with pymdownx.snippets' own regular expression.
    """
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = SnippetPreprocessor.RE_SNIPPET_SECTION.match(line) if "8<-" in line else None
        if match and match.group("type").lower() == "start":
            found.append((match.group("name"), number))
    return found


OUTPUT_MARKER = "<!--pytest-codeblocks:expected-output"
"""The marker (an HTML comment, invisible on the site) before a block's shown output."""


def fence_end(lines: list[str], start: int) -> int:
    """The index of the line that closes the fence opened at ``lines[start]``.

    Raises:
        ValueError: If the fence is never closed.
    """
    opening = lines[start].lstrip()
    ticks = opening[: len(opening) - len(opening.lstrip("`"))]
    for index in range(start + 1, len(lines)):
        if lines[index].strip() == ticks:
            return index
    raise ValueError(f"line {start + 1}: the fence opened here is never closed")


def output_fence(lines: list[str], block_end: int) -> tuple[int, int] | None:
    """``(marker, closing fence)`` indices of the output shown after a block, if any."""
    index = block_end + 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines) or not lines[index].strip().startswith(OUTPUT_MARKER):
        return None
    fence = index + 1
    while fence < len(lines) and not lines[fence].lstrip().startswith("```"):
        fence += 1
    return (index, fence_end(lines, fence)) if fence < len(lines) else None


def read_blocks(page: Path, site: SiteConfig, expander: Expander | None = None) -> list[Block]:
    """All fenced blocks of ``page``, in page order, with includes expanded.

    Args:
        page: A Markdown page under ``docs/``.
        site: The site configuration.
        expander: Reused between pages when given.

    Raises:
        PageError: For a fence pytest-codeblocks cannot parse, a marker this site does
            not honour (``importorskip``, ``expected-output-ignore-whitespace``) or an
            include that pymdownx.snippets cannot resolve; the message names the page
            and line.
    """
    expander = expander or Expander(site)
    rel = page.resolve().relative_to(site.root).as_posix()
    text = page.read_text(encoding="utf-8")
    try:
        raw_blocks = extract_from_buffer(io.StringIO(text))
    except RuntimeError as error:
        raise PageError(f"{rel}: {error}") from None
    blocks = []
    for raw in raw_blocks:
        if raw.importorskip or raw.expected_output_ignore_whitespace:
            marker = "importorskip" if raw.importorskip else "expected-output-ignore-whitespace"
            raise PageError(
                f"{rel}:{raw.lineno}: the pytest-codeblocks marker '{marker}' is not "
                "supported here (outputs are compared exactly, every block runs): remove it"
            )
        try:
            code, includes = expander.expand(raw.code)
        except SnippetMissingError as error:
            raise PageError(f"{rel}:{raw.lineno}: broken include: {error}") from None
        blocks.append(
            Block(
                page=rel,
                lineno=raw.lineno,
                syntax=(raw.syntax or "").strip(),
                source=raw.code,
                code=code if code.endswith("\n") or not code else code + "\n",
                includes=includes,
                expected_output=raw.expected_output,
                marks=list(raw.marks),
            )
        )
    return blocks


def iter_pages(site: SiteConfig, lang: str) -> list[Path]:
    """The Markdown pages of one language, sorted by path."""
    return sorted(site.lang_dir(lang).rglob("*.md"))


def url_path(rel: str) -> str:
    """The URL path MkDocs gives a page at ``rel`` (``directory_urls``): the one rule.

    Examples:
        >>> [url_path(p) for p in ("index.md", "guide/index.md", "guide/metrics.md")]
        ['', 'guide/', 'guide/metrics/']
    """
    stem = PurePosixPath(rel).with_suffix("")
    folder = stem.parent if stem.name == "index" else stem
    return "" if folder == PurePosixPath(".") else f"{folder.as_posix()}/"


@dataclass(frozen=True)
class Page:
    """One page in one language: its file, its twins, its URL, its built HTML, its notebook.

    Attributes:
        site: The site configuration.
        lang: The page's language.
        rel: The path inside the language folder, e.g. ``guide/metrics.md``.
    """

    site: SiteConfig
    lang: str
    rel: str

    @classmethod
    def of(cls, path: Path, site: SiteConfig) -> Page:
        """The page at ``path``.

        Raises:
            PageError: If the page is under no language folder of ``docs/``.
        """
        for lang in site.languages:
            if path.resolve().is_relative_to(site.lang_dir(lang)):
                return cls(site, lang, path.resolve().relative_to(site.lang_dir(lang)).as_posix())
        raise PageError(f"{path} is not under any language folder of {site.docs_dir}")

    @property
    def path(self) -> Path:
        """The Markdown file."""
        return self.site.lang_dir(self.lang) / self.rel

    def twin(self, lang: str) -> Page:
        """The same page in ``lang`` (its file may not exist)."""
        return Page(self.site, lang, self.rel)

    @property
    def url(self) -> str:
        """The URL relative to the site root, e.g. ``es/guide/metrics/``."""
        return self.site.lang_prefix(self.lang) + url_path(self.rel)

    @property
    def absolute_url(self) -> str:
        """The URL on the published site (``site_url`` + ``url``)."""
        return urljoin(self.site.site_url, self.url)

    def built_html(self, site_dir: Path) -> Path:
        """The HTML file ``mkdocs build`` writes for the page into ``site_dir``."""
        return site_dir / self.url / "index.html"

    @property
    def notebook(self) -> str:
        """The notebook's path inside the language: ``notebooks/guide/metrics.ipynb``."""
        return f"notebooks/{PurePosixPath(self.rel).with_suffix('.ipynb').as_posix()}"

    @property
    def notebook_url(self) -> str:
        """The rendered notebook's URL relative to the site root."""
        return self.site.lang_prefix(self.lang) + self.notebook[: -len(".ipynb")] + "/"


def page_plan(
    page: Path, site: SiteConfig, expander: Expander | None
) -> tuple[list[Block], Path | None]:
    """The python blocks to run for ``page``, and the twin they are shared with.

    A page whose python blocks (code and shown output) equal those of its
    default-language twin runs nothing itself: the twin's run covers it.

    Returns:
        ``(blocks, None)`` for a page that runs its own blocks, or
        ``(twin_blocks, twin_path)`` when the twin's run stands for it.
    """
    blocks = [b for b in read_blocks(page, site, expander) if b.is_python]
    this = Page.of(page, site)
    mirror = this.twin(site.default_language).path
    if this.lang == site.default_language or not mirror.is_file():
        return blocks, None
    theirs = [b for b in read_blocks(mirror, site, expander) if b.is_python]
    same = [(b.code, b.expected_output) for b in blocks] == [
        (b.code, b.expected_output) for b in theirs
    ]
    return (theirs, mirror) if same else (blocks, None)
