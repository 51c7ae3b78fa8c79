"""The glossary's rejected words, flagged wherever the Spanish prose still uses them.

The Spanish glossary (``docs/es/contributing/glossary.md``) is the single source: its
table has a column «No uses» that lists, each between «», the words a page must not write
for that row's concept. [check_glossary][keras_a_medida.glossary.check_glossary] reads
that column and searches the prose of every Spanish page for those words, as whole words
or phrases, ignoring case and line breaks. Code is not prose: fenced blocks, inline code,
HTML comments, link targets and the glossary's own table are left out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .checks import Problem, Site

LANGUAGE = "es"
"""The language whose pages are checked (and whose glossary is the source)."""

GLOSSARY = "contributing/glossary.md"
"""The glossary page, relative to the language folder."""

REJECTED_COLUMN = "No uses"
"""Header of the glossary column that lists the rejected words."""

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_QUOTED = re.compile(r"«([^«»]+)»")


@dataclass(frozen=True)
class Rejected:
    """A word or phrase the glossary rejects, with the rendering to write instead.

    Attributes:
        word: The rejected word or phrase, as the glossary writes it.
        preferred: The glossary's rendering (its «Español» cell).
        english: The English term of the row.
        line: The glossary line of the row.
    """

    word: str
    preferred: str
    english: str
    line: int

    @property
    def pattern(self) -> re.Pattern[str]:
        r"""The word as a whole-word, case-insensitive pattern; any whitespace between words.

        ``\w`` is Unicode-aware, so an accented letter next to the word also stops a
        match: «coste» matches «un coste fijo» but not «costear» or «costeó».
        """
        words = [re.escape(w) for w in _nfc(self.word).split()]
        return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _plain(cell: str) -> str:
    """A table cell without Markdown emphasis."""
    return cell.replace("*", "").strip()


def read_glossary(path: Path, rel: str) -> tuple[list[Rejected], list[Problem]]:
    """The rejected words of the glossary table at ``path`` (shown as ``rel``).

    Returns:
        The rejected words, and the problems of the table itself: no «No uses» column,
        a cell that does not quote its words in «», or a rejected word that is part of
        the preferred rendering (the check would then flag the glossary's own choice).
    """
    lines = _nfc(path.read_text(encoding="utf-8")).splitlines()
    header = None
    rejected: list[Rejected] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, 1):
        if not line.lstrip().startswith("|"):
            if header is not None:
                break
            continue
        cells = _cells(line)
        if header is None:
            if REJECTED_COLUMN in cells:
                header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the |---|---| row
        row = dict(zip(header, cells, strict=False))
        english, preferred = row.get(header[0], ""), _plain(row.get("Español", ""))
        cell = row.get(REJECTED_COLUMN, "")
        words = [w.strip() for w in _QUOTED.findall(cell)]
        if _QUOTED.sub("", cell).strip(" ,;"):
            problems.append(
                Problem(
                    rel,
                    number,
                    f"the «{REJECTED_COLUMN}» cell of '{english}' has text outside «»: {cell}",
                    "write each rejected word or phrase between «», separated by commas",
                )
            )
        for word in words:
            entry = Rejected(word, preferred, english, number)
            if entry.pattern.search(preferred):
                problems.append(
                    Problem(
                        rel,
                        number,
                        f"«{word}» is rejected for '{english}' but is part of its "
                        f"rendering «{preferred}»",
                        "reject a longer phrase, or change the rendering",
                    )
                )
            else:
                rejected.append(entry)
    if header is None:
        problems.append(
            Problem(
                rel,
                1,
                f"the glossary has no table with a «{REJECTED_COLUMN}» column",
                f"add the column «{REJECTED_COLUMN}» to the glossary table, each rejected "
                "word between «»",
            )
        )
    return rejected, problems


def prose(text: str, *, skip_tables: bool = False) -> str:
    """``text`` with everything that is not prose blanked out, line breaks kept.

    Blanked: the front matter, fenced blocks (indented ones too), inline code, HTML
    comments and link targets; with ``skip_tables``, table rows as well. Each blanked
    character becomes a space, so offsets and line numbers still match the page.
    """
    lines = _nfc(text).split("\n")
    kept: list[str] = []
    fence = None
    front = bool(lines) and lines[0] == "---"
    for index, line in enumerate(lines):
        if front:
            kept.append("")
            front = not (index > 0 and line == "---")
            continue
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
            kept.append("")
        elif fence is not None:
            closing = _FENCE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            kept.append("")
        elif skip_tables and line.lstrip().startswith("|"):
            kept.append("")
        else:
            kept.append(line)
    out = "\n".join(kept)

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    out = re.sub(r"<!--.*?-->", blank, out, flags=re.S)
    out = re.sub(r"(`+)(?:(?!\n\s*\n).)+?\1", blank, out, flags=re.S)  # inline code
    out = re.sub(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)", blank, out)  # link targets
    return out


def find_rejected(
    text: str, rejected: list[Rejected], **options
) -> list[tuple[int, str, Rejected]]:
    """``(line, found text, entry)`` for each rejected word in the prose of ``text``."""
    body = prose(text, **options)
    found = []
    for entry in rejected:
        for match in entry.pattern.finditer(body):
            line = body.count("\n", 0, match.start()) + 1
            found.append((line, " ".join(match.group(0).split()), entry))
    return sorted(found, key=lambda hit: (hit[0], hit[1]))


def check_glossary(site: Site) -> list[Problem]:
    """No Spanish page writes a word that the glossary's «No uses» column rejects.

    A site without a Spanish glossary (a small test copy) has nothing to check.
    """
    if LANGUAGE not in site.config.languages:
        return []
    glossary = site.config.lang_dir(LANGUAGE) / GLOSSARY
    if not glossary.is_file():
        return []
    rejected, problems = read_glossary(glossary, site.rel(glossary))
    for page in site.pages[LANGUAGE]:
        text = page.read_text(encoding="utf-8")
        own = page.resolve() == glossary.resolve()
        for line, word, entry in find_rejected(text, rejected, skip_tables=own):
            problems.append(
                Problem(
                    site.rel(page),
                    line,
                    f"«{word}» is not the glossary's word for '{entry.english}'",
                    f"write «{entry.preferred}» instead ({site.rel(glossary)}:{entry.line})",
                )
            )
    return problems
