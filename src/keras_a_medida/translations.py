"""The translation guards: twins with the same blocks and anchors, stamped with their source.

Every page exists in every language, shows the same includes and outputs, has the same
heading anchors and records the hash of the English version it translates.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import markdown
from pymdownx.snippets import SnippetMissingError

from .checks import Problem, Site
from .config import SiteConfig
from .pages import Page


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


def check_nav_titles(site: Site) -> list[Problem]:
    """Every title in ``nav`` has a translation in each other language's ``nav_translations``.

    Without one, mkdocs-static-i18n shows the English title in that language's nav, and
    says nothing.
    """
    text = (site.config.root / "mkdocs.yml").read_text(encoding="utf-8")  # for the lines
    problems = []
    for lang, known in site.config.nav_translations.items():
        for title in site.config.nav_titles:
            if title not in known:
                where = text.find(f"- {title}:")
                problems.append(
                    Problem(
                        "mkdocs.yml",
                        text.count("\n", 0, where) + 1 if where >= 0 else 1,
                        f"the nav title {title!r} has no '{lang}' translation",
                        f"add '{title}: <the title in {lang}>' to the nav_translations "
                        f"of the '{lang}' language in mkdocs.yml",
                    )
                )
    return problems


def _first_difference(ours: list, theirs: list, key) -> tuple | None:
    """``(index, a, b)`` where ``key`` first differs (``None`` past the end of a list)."""
    for index, (a, b) in enumerate(itertools.zip_longest(ours, theirs)):
        if a is None or b is None or key(a) != key(b):
            return index, a, b
    return None


def check_twin_includes(site: Site) -> list[Problem]:
    """Twin pages show the same blocks: same includes, same outputs, same order."""
    problems = []
    for page, mirror in site.pairs():
        ours, theirs = site.blocks(page), site.blocks(mirror)
        found = _first_difference(ours, theirs, lambda x: (x.syntax, x.includes, x.expected_output))
        if found is None:
            continue
        index, a, b = found
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
                b.lineno if b else 1,
                f"differs from its twin: {expected}; {got}",
                "show the same includes and outputs, in the same order, as the twin",
            )
        )
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
        ours, theirs = heading_anchors(page, md), heading_anchors(mirror, md)
        found = _first_difference(ours, theirs, lambda heading: heading[0])
        if found is None:
            continue
        index, a, b = found
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
    return problems


TRANSLATION_KEY = "translation_of"
"""Front-matter key of a translated page: the hash of the source page it translates."""


def content_hash(text: str) -> str:
    """A short hash of a page's text without its front matter (12 hex digits)."""
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
        meta, _ = split_front_matter(mirror.read_text(encoding="utf-8"))
        current = content_hash(page.read_text(encoding="utf-8"))
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
    digest = content_hash(source.read_text(encoding="utf-8"))
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
