"""Check every internal link and anchor of the built site, in every language.

MkDocs validates the links written in Markdown; this reads the HTML the reader gets,
so it also covers what themes, plugins and hooks add (the language switcher, the
notebook buttons, mkdocstrings cross-references, rendered notebooks). External links
are listed, never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key) and (key == "id" or tag == "a"):
                self.ids.add(values[key])
        for key in ("href", "src"):
            if values.get(key) and not (tag == "link" and values.get("rel") == "alternate"):
                self.links.append(values[key])


@dataclass
class LinkReport:
    """What [check_links][keras_a_medida.links.check_links] found.

    Attributes:
        broken: ``(page, link, reason)`` for each internal link that does not resolve.
        external: Every external URL, with the pages that use it.
        checked: How many internal links were followed.
    """

    broken: list[tuple[str, str, str]] = field(default_factory=list)
    external: dict[str, set[str]] = field(default_factory=dict)
    checked: int = 0


def _target(site_dir: Path, url_path: str) -> Path | None:
    path = site_dir / unquote(url_path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def check_links(site_dir: Path, base_path: str = "/") -> LinkReport:
    """Follow every internal ``href`` and ``src`` of every HTML page under ``site_dir``.

    Args:
        site_dir: The built site.
        base_path: The path the site is served under (``site_url``'s path), which
            absolute links start with.
    """
    report = LinkReport()
    pages: dict[Path, _Collector] = {}
    for html in sorted(site_dir.rglob("*.html")):
        collector = _Collector()
        collector.feed(html.read_text(encoding="utf-8"))
        pages[html] = collector
    for html, collector in pages.items():
        page_url = "/" + html.relative_to(site_dir).as_posix()
        for link in collector.links:
            parsed = urlparse(link)
            if parsed.scheme in {"http", "https"}:
                report.external.setdefault(link, set()).add(page_url)
                continue
            if parsed.scheme or link.startswith(("//", "data:", "javascript:")):
                continue
            absolute = urlparse(urljoin(page_url, link))
            path = absolute.path
            if path.startswith(base_path):
                path = "/" + path[len(base_path) :]
            target = _target(site_dir, path) if path else html
            report.checked += 1
            rel = html.relative_to(site_dir).as_posix()
            if target is None:
                report.broken.append((rel, link, "no such file"))
                continue
            anchor = unquote(absolute.fragment)
            if anchor and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if anchor not in ids:
                    report.broken.append((rel, link, f"no anchor #{anchor}"))
    return report
