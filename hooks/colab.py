"""MkDocs hook: an "Open in Colab" button beside each page's notebook links and on each notebook.

Listed after ``hooks/notebooks.py``, whose links it extends; the URLs and the published
notebooks' install cell come from keras_a_medida.colab.
"""

import posixpath
import re
from pathlib import Path

from keras_a_medida.colab import LINK_TEXT, colab_url

_DOWNLOAD = re.compile(
    r'<p class="kam-notebook">(?P<links>.*?href="(?P<href>[^"]+)" download>.*?)</p>'
)


def _button(config, site_path: str) -> str:
    text = LINK_TEXT.get(config.theme.get("language"), LINK_TEXT["en"])
    return (
        f'<a class="md-button kam-colab" href="{colab_url(config.repo_url, site_path)}">{text}</a>'
    )


def on_page_markdown(markdown, page, config, files):
    """Add "Open in Colab" to the notebook links under a page's title.

    The notebook's path in the site is the one the download link points at.
    """
    match = _DOWNLOAD.search(markdown)
    if match is None:
        return markdown
    site_path = posixpath.normpath(posixpath.join(posixpath.dirname(page.url), match["href"]))
    end = match.end("links")
    return markdown[:end] + " " + _button(config, site_path) + markdown[end:]


def on_page_content(html, page, config, files):
    """Open a notebook page with its own "Open in Colab" button."""
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    button = _button(config, page.url + Path(page.file.src_uri).name)
    return f'<p class="kam-notebook">{button}</p>\n' + html
