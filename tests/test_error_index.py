"""The error index (guide/errors.md) lists every error the pages print, with its section.

The errors are found here a second way, with pytest-codeblocks' own parser of the
checked outputs, so a fault in keras_a_medida.errors' reading of the pages shows up as
an error missing from the index.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_codeblocks import extract_from_buffer

from keras_a_medida import errors
from keras_a_medida.checks import Site
from keras_a_medida.config import load_site_config
from keras_a_medida.translations import anchor_renderer, heading_anchors

_ENTRY = re.compile(r"^- (?P<ticks>`+) (?P<text>.+?) (?P=ticks)  \n  (?P<links>.+)$", re.M)
_LINK = re.compile(r"\]\((?P<target>[^)#]+)(?:#(?P<anchor>[^)]+))?\)")


@pytest.fixture(scope="module")
def site():
    return load_site_config(Path(__file__).resolve().parents[1])


def printed_errors(site, lang: str) -> set[tuple[str, str]]:
    """``(page, "Kind: message")`` for each error line in a checked output, read by
    pytest-codeblocks, without the site's own validation messages."""
    own = errors.own_messages(site.snippets_dirs)
    found = set()
    lang_dir = site.lang_dir(lang)
    for page in sorted(lang_dir.rglob("*.md")):
        rel = page.relative_to(lang_dir).as_posix()
        for block in extract_from_buffer(io.StringIO(page.read_text(encoding="utf-8"))):
            for line in (block.expected_output or "").splitlines():
                match = errors.ERROR_LINE.search(line.strip())
                if not match or match["kind"] in errors.NOT_ERRORS:
                    continue
                if not any(p.fullmatch(match["message"]) for p in own):
                    found.add((rel, f"{match['kind']}: {match['message']}"))
    return found


def index_entries(markdown: str, here: str = errors.INDEX_PAGE) -> set[tuple[str, str, str]]:
    """``(page, anchor, "Kind: message")`` for every link of every item of the index."""
    entries = set()
    folder = Path(here).parent
    for item in _ENTRY.finditer(markdown):
        for link in _LINK.finditer(item["links"]):
            page = (folder / link["target"]).as_posix()
            entries.add((page, link["anchor"] or "", item["text"]))
    return entries


def missing(printed: set[tuple[str, str]], entries: set[tuple[str, str, str]]) -> list:
    """The printed errors that no index item links to, from their page."""
    linked = {(page, text) for page, _, text in entries}
    return sorted(printed - linked)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_printed_error_is_in_the_index(site, lang):
    lang_dir = site.lang_dir(lang)
    page = (lang_dir / errors.INDEX_PAGE).read_text(encoding="utf-8")
    filled = errors.fill_index(page, lang_dir, own=errors.own_messages(site.snippets_dirs))
    printed = printed_errors(site, lang)
    assert len(printed) > 30, "the pages print fewer errors than expected: is the scan broken?"
    assert missing(printed, index_entries(filled)) == []
    assert errors.PLACEHOLDER not in filled


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_link_goes_to_a_section_that_shows_the_error(site, lang):
    lang_dir = site.lang_dir(lang)
    md = anchor_renderer(site)
    index = errors.render_index(errors.collect(lang_dir, errors.own_messages(site.snippets_dirs)))
    anchors: dict[str, set[str]] = {}
    for page, anchor, text in index_entries(index):
        target = lang_dir / page
        if page not in anchors:
            anchors[page] = {a for a, _ in heading_anchors(target, md)}
        assert anchor in anchors[page], f"{lang}/{page} has no heading #{anchor}"
        lines = target.read_text(encoding="utf-8").splitlines()
        start = next(i for i, x in enumerate(lines) if x.rstrip().endswith(f"{{ #{anchor} }}"))
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        assert any(text in x for x in lines[start:end]), f"{text!r} is not in {page}#{anchor}"


def test_an_error_left_out_of_the_index_is_reported(site):
    """The comparison above can fail: drop one item of the index and it is caught."""
    lang_dir = site.lang_dir("en")
    index = errors.render_index(errors.collect(lang_dir, errors.own_messages(site.snippets_dirs)))
    first = next(_ENTRY.finditer(index))
    shortened = index.replace(first.group(0), "", 1)
    gone = missing(printed_errors(site, "en"), index_entries(shortened))
    assert gone and all(text == first["text"] for _, text in gone)


def test_the_site_own_validation_errors_are_left_out(site):
    """'momentum must be in [0, 1)' is raised by a recipe of this site, not by Keras."""
    index = errors.render_index(
        errors.collect(site.lang_dir("en"), errors.own_messages(site.snippets_dirs))
    )
    assert "momentum must be in" not in index
    assert "ValueError: The filename must end in `.weights.h5`" in index


def test_the_index_is_code_a_search_finds(site):
    """A message with backticks stays one inline code span, in the page's text."""
    import markdown

    error = errors.PrintedError(
        "guide/saving.md", 1, "ValueError", "The `save_format` argument", "Saving", "S", "s"
    )
    html = markdown.markdown(errors.render_index([error]))
    assert "<code>ValueError: The `save_format` argument</code>" in html
    assert 'href="saving.md#s"' in html


def test_an_error_without_its_message_is_a_problem(tmp_path):
    page = tmp_path / "docs" / "en" / "guide" / "x.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "# X\n\n## Part { #part }\n\n<!--pytest-codeblocks:expected-output-->\n"
        "```text\nIndexError tuple index out of range\nMeanSquaredError 0.5\n"
        "ValueError: fine\n```\n",
        encoding="utf-8",
    )
    assert errors.unreadable_errors(page) == [(7, "IndexError tuple index out of range")]
    (found,) = errors.collect(tmp_path / "docs" / "en")
    assert (found.page, found.line, found.anchor, found.text) == (
        "guide/x.md",
        9,
        "part",
        "ValueError: fine",
    )


def test_the_real_site_passes_the_guard(site):
    assert errors.check_error_index(Site(site)) == []
    for lang in site.languages:
        assert (site.lang_dir(lang) / errors.INDEX_PAGE).is_file()


def test_the_guard_names_the_page_and_line(site_copy):
    page = site_copy / "docs/en/guide/functions-or-subclasses.md"
    text = page.read_text(encoding="utf-8")
    old = "NotImplementedError: does not implement get_config()"
    assert old in text
    page.write_text(text.replace(old, "NotImplementedError does not implement"), "utf-8")
    problems = errors.check_error_index(Site(load_site_config(site_copy)))
    line = text[: text.index(old)].count("\n") + 1
    assert [(p.path, p.line) for p in problems] == [
        ("docs/en/guide/functions-or-subclasses.md", line)
    ]
    assert "error index" in problems[0].message


def test_the_hook_fills_the_index_page_only(site):
    from mkdocs.exceptions import PluginError

    config = {"config_file_path": str(site.root / "mkdocs.yml")}

    def page(uri):
        return SimpleNamespace(file=SimpleNamespace(src_uri=uri))

    filled = errors.on_page_markdown(
        f"# E\n\n{errors.PLACEHOLDER}\n", page("es/guide/errors.md"), config, None
    )
    assert "## `ValueError` { #valueerror }" in filled
    assert "[Capas que contienen capas › Solo los pesos: `.weights.h5`]" in filled
    other = f"# P\n\n{errors.PLACEHOLDER}\n"
    assert errors.on_page_markdown(other, page("en/guide/saving.md"), config, None) == other
    with pytest.raises(PluginError, match="en/guide/errors.md: no line"):
        errors.on_page_markdown("# E\n", page("en/guide/errors.md"), config, None)
