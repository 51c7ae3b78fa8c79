"""The error-message index: every error a page prints, with the section that explains it.

A page shows an error in one of its checked outputs (a ``text`` fence after
``<!--pytest-codeblocks:expected-output-->``) as one line ``Kind: message``, the way
Python prints an exception (``print(f"{type(error).__name__}: {message}")``). This
module finds those lines, with the page and the section (the heading above them), and
writes the index that ``docs/<lang>/guide/errors.md`` shows in place of its
[PLACEHOLDER][keras_a_medida.errors.PLACEHOLDER]. The index is made while the site is
built (``hooks/errors.py``), so it cannot drift from the pages.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .checks import Problem
from .config import load_site_config

PLACEHOLDER = "<!-- error-index -->"
"""The line of an errors page that the build replaces with the index."""

INDEX_PAGE = "guide/errors.md"
"""Where the index lives, relative to each language folder."""

OUTPUT_MARKER = "<!--pytest-codeblocks:expected-output-->"

_KIND = r"[A-Z][A-Za-z0-9_]*(?:Error|Exception|Warning)"
ERROR_LINE = re.compile(rf"(?:^|(?<=\s))(?P<kind>{_KIND}): (?P<message>\S.*?)\s*$")
"""``Kind: message``, at the start of a line or after a label (``loss: TypeError: ...``)."""

NOT_ERRORS = frozenset(
    {
        "MeanAbsoluteError",
        "MeanAbsolutePercentageError",
        "MeanSquaredError",
        "MeanSquaredLogarithmicError",
        "RootMeanSquaredError",
    }
)
"""Keras losses and metrics whose class name ends in ``Error``: not errors."""

_NAMED_KIND = re.compile(rf"(?:^|(?<=[\s(]))(?P<kind>{_KIND})\b(?!: \S)")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*$")
_ANCHOR = re.compile(r"\s*\{\s*#(?P<id>[\w-]+)[^}]*\}\s*$")


@dataclass(frozen=True, order=True)
class PrintedError:
    """One error line shown in a page's checked output.

    Attributes:
        page: The page, relative to its language folder (``guide/saving.md``).
        line: The line of the error on the page (1-based).
        kind: The exception or warning class (``ValueError``).
        message: The message as printed after ``Kind: ``.
        title: The page's title (its ``#`` heading).
        section: The text of the heading above the error.
        anchor: That heading's anchor.
    """

    page: str
    line: int
    kind: str
    message: str
    title: str
    section: str
    anchor: str

    @property
    def text(self) -> str:
        """The line a reader would paste into the search: ``Kind: message``."""
        return f"{self.kind}: {self.message}"


def own_messages(snippets_dirs) -> list[re.Pattern]:
    """Patterns of the messages that the site's own code raises (``raise X("...")``).

    An f-string's fields match anything. An error with such a message comes from a
    recipe's own validation, not from Keras, and is left out of the index.
    """
    patterns = []
    for base in snippets_dirs:
        for module in sorted(Path(base).rglob("*.py")):
            tree = ast.parse(module.read_text(encoding="utf-8"), str(module))
            for node in ast.walk(tree):
                call = node.exc if isinstance(node, ast.Raise) else None
                if not (isinstance(call, ast.Call) and call.args):
                    continue
                text = call.args[0]
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    parts = [re.escape(text.value)]
                elif isinstance(text, ast.JoinedStr):
                    parts = [
                        re.escape(v.value) if isinstance(v, ast.Constant) else ".+?"
                        for v in text.values
                    ]
                else:
                    continue
                patterns.append(re.compile("".join(parts)))
    return patterns


def _slug(text: str) -> str:
    """The toc extension's slug for a heading without an explicit ``{ #anchor }``."""
    from markdown.extensions.toc import slugify

    return slugify(text.replace("`", ""), "-")


def _heading(line: str) -> tuple[int, str, str] | None:
    found = _HEADING.match(line)
    if not found:
        return None
    text = found["text"]
    explicit = _ANCHOR.search(text)
    if explicit:
        text = text[: explicit.start()]
    text = text.rstrip("#").strip()
    return len(found["level"]), text, explicit["id"] if explicit else _slug(text)


def _output_lines(text: str):
    """``(line number, line, heading)`` for every line of every checked output.

    ``heading`` is ``(level, text, anchor)`` of the last heading above the line, or
    ``None`` before the first one; the title (level 1) is reported as a heading too.
    """
    heading = None
    fence = None  # the opening fence while inside a block
    is_output = False
    pending_marker = False
    for number, line in enumerate(text.splitlines(), 1):
        found = _FENCE.match(line)
        if fence is None:
            if found:
                fence = found["fence"]
                is_output, pending_marker = pending_marker, False
                continue
            if line.strip() == OUTPUT_MARKER:
                pending_marker = True
            elif line.strip():
                pending_marker = pending_marker and line.strip() == OUTPUT_MARKER
                parsed = _heading(line)
                if parsed:
                    heading = parsed
            continue
        if found and found["fence"][0] == fence[0] and len(found["fence"]) >= len(fence):
            if not found["info"].strip():
                fence, is_output = None, False
                continue
        if is_output:
            yield number, line.strip(), heading


def page_title(text: str) -> str:
    """The text of the page's first ``#`` heading (empty if it has none)."""
    fence = None
    for line in text.splitlines():
        found = _FENCE.match(line)
        if found:
            fence = None if fence else found["fence"]
            continue
        parsed = None if fence else _heading(line)
        if parsed and parsed[0] == 1:
            return parsed[1]
    return ""


def page_errors(page: Path, lang_dir: Path) -> list[PrintedError]:
    """The errors that ``page`` prints in its checked outputs, in page order."""
    text = page.read_text(encoding="utf-8")
    title = page_title(text)
    rel = page.relative_to(lang_dir).as_posix()
    found = []
    for number, line, heading in _output_lines(text):
        match = ERROR_LINE.search(line)
        if not match or match["kind"] in NOT_ERRORS:
            continue
        level, section, anchor = heading or (1, title, "")
        if level == 1:
            section, anchor = title, ""
        found.append(
            PrintedError(rel, number, match["kind"], match["message"], title, section, anchor)
        )
    return found


def collect(lang_dir: Path, own: list[re.Pattern] = ()) -> list[PrintedError]:
    """Every error printed by the pages under ``lang_dir`` (the index page excluded).

    Args:
        lang_dir: A language folder, such as ``docs/en``.
        own: The messages of the site's own code (see
            [own_messages][keras_a_medida.errors.own_messages]), left out.
    """
    errors = []
    for page in sorted(lang_dir.rglob("*.md")):
        if page.relative_to(lang_dir).as_posix() == INDEX_PAGE:
            continue
        for error in page_errors(page, lang_dir):
            if not any(p.fullmatch(error.message) for p in own):
                errors.append(error)
    return errors


def unreadable_errors(page: Path) -> list[tuple[int, str]]:
    """Lines of checked outputs that name an error but not as ``Kind: message``.

    Such a line (``IndexError tuple index out of range``, or a class name alone) would
    be left out of the index, so the guard asks for the standard form.
    """
    text = page.read_text(encoding="utf-8")
    return [
        (number, line)
        for number, line, _ in _output_lines(text)
        if any(m["kind"] not in NOT_ERRORS for m in _NAMED_KIND.finditer(line))
        and not ERROR_LINE.search(line)
    ]


def _code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    return f"{ticks} {text} {ticks}"


def _link(error: PrintedError, here: str) -> str:
    target = posixpath.relpath(error.page, posixpath.dirname(here) or ".")
    if error.anchor:
        target += f"#{error.anchor}"
    label = error.title if error.section == error.title else f"{error.title} › {error.section}"
    return f"[{label}]({target})"


def render_index(errors: list[PrintedError], here: str = INDEX_PAGE) -> str:
    """The Markdown of the index: one section per error class, one item per message.

    Each item is the printed line, as inline code (so a search for the message finds
    it), followed by a link to each section that shows it, relative to ``here``.
    """
    by_kind: dict[str, dict[str, list[PrintedError]]] = {}
    for error in errors:
        by_kind.setdefault(error.kind, {}).setdefault(error.message, []).append(error)
    out = []
    for kind in sorted(by_kind):
        out += [f"## `{kind}` {{ #{kind.lower()} }}", ""]
        for message in sorted(by_kind[kind], key=str.lower):
            links, seen = [], set()
            for error in by_kind[kind][message]:
                link = _link(error, here)
                if link not in seen:
                    seen.add(link)
                    links.append(link)
            out.append(f"- {_code(f'{kind}: {message}')}  ")
            out.append(f"  {' · '.join(links)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def fill_index(
    markdown: str, lang_dir: Path, page: str = INDEX_PAGE, own: list[re.Pattern] = ()
) -> str:
    """``markdown`` (the index page) with its placeholder replaced by the index.

    Raises:
        ValueError: If the page has no placeholder line, naming the page and the line
            to add.
    """
    lines = markdown.split("\n")
    if PLACEHOLDER not in (line.strip() for line in lines):
        raise ValueError(
            f"{lang_dir.name}/{page}: no line {PLACEHOLDER!r} to replace with the error index"
        )
    index = render_index(collect(lang_dir, own), here=page)
    return "\n".join(index if line.strip() == PLACEHOLDER else line for line in lines)


def check_error_index(site) -> list:
    """The guard: every printed error can be indexed, and each index page can hold it.

    Reports a checked-output line that names an error class without the
    ``Kind: message`` form, and an index page without its placeholder.
    """
    problems = []
    for lang in site.config.languages:
        lang_dir = site.config.lang_dir(lang)
        for page in site.pages[lang]:
            rel = site.rel(page)
            for number, line in unreadable_errors(page):
                problems.append(
                    Problem(
                        rel,
                        number,
                        f"error printed without its message, so the error index leaves "
                        f"it out: {line[:80]}",
                        'print it as f"{type(error).__name__}: {message}", on one line',
                    )
                )
        index = lang_dir / INDEX_PAGE
        if index.is_file() and PLACEHOLDER not in index.read_text(encoding="utf-8"):
            problems.append(
                Problem(
                    site.rel(index),
                    1,
                    f"the error index page has no {PLACEHOLDER} line",
                    f"put {PLACEHOLDER} on a line of its own where the index goes",
                )
            )
    return problems


def on_page_markdown(markdown, page, config, files):
    """MkDocs hook: fill the index page of each language; leave other pages alone.

    Raises:
        PluginError: If the index page lost its placeholder.
    """
    from mkdocs.exceptions import PluginError

    lang, _, rel = page.file.src_uri.partition("/")
    if rel != INDEX_PAGE:
        return markdown
    site = load_site_config(Path(config["config_file_path"]).parent)
    try:
        return fill_index(markdown, site.lang_dir(lang), rel, own_messages(site.snippets_dirs))
    except ValueError as error:
        raise PluginError(str(error)) from None


if __name__ == "__main__":  # python -m keras_a_medida.errors: print the English index
    site = load_site_config(Path(__file__).resolve().parents[2])
    print(render_index(collect(site.lang_dir("en"), own_messages(site.snippets_dirs))))
