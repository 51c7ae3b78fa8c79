"""``make outputs``: write what each block printed into the output block its page shows.

``pytest --update-outputs`` records, for every block whose output differs from its
page, what it printed; at the end of the run this module rewrites those output blocks,
on the page and on each twin that shows the same code and the same old output. The
normal run still fails on any difference.
"""

from __future__ import annotations

from pathlib import Path

from .config import SiteConfig
from .pages import Page, fence_end, output_fence, read_blocks


def rewrite(path: Path, outputs: dict[int, str]) -> bool:
    """Put ``outputs`` (fence line of a block -> its new output) into ``path``.

    Returns:
        Whether the file changed.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    for lineno in sorted(outputs, reverse=True):  # from the end: indices stay valid
        try:
            marker, end = output_fence(lines, fence_end(lines, lineno - 1))
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path}:{lineno}: no output block to update ({error})") from None
        index = marker + 1
        while not lines[index].lstrip().startswith("```"):
            index += 1
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        body = outputs[lineno].removesuffix("\n")
        lines[index + 1 : end] = [indent + x if x else x for x in body.split("\n")] if body else []
    text = "\n".join(lines)
    if text == path.read_text(encoding="utf-8"):
        return False
    path.write_text(text, encoding="utf-8")
    return True


def write_outputs(site: SiteConfig, updates: dict[Path, dict[int, str]]) -> list[Path]:
    """Rewrite the pages in ``updates`` and the twins that show the same code.

    Args:
        site: The site configuration.
        updates: For each page, the fence line of each block whose output changed,
            and what the block printed.

    Returns:
        The files that changed.
    """
    targets: dict[Path, dict[int, str]] = {p: dict(o) for p, o in updates.items()}
    for path, outputs in updates.items():
        ours = [b for b in read_blocks(path, site) if b.is_python]
        page = Page.of(path, site)
        for lang in site.languages:
            other = page.twin(lang).path
            if other == path or not other.is_file():
                continue
            theirs = [b for b in read_blocks(other, site) if b.is_python]
            if [b.code for b in theirs] != [b.code for b in ours]:
                continue
            for mine, twin in zip(ours, theirs, strict=True):
                if mine.lineno in outputs and twin.expected_output == mine.expected_output:
                    targets.setdefault(other, {}).setdefault(twin.lineno, outputs[mine.lineno])
    return [path for path, outputs in targets.items() if rewrite(path, outputs)]
