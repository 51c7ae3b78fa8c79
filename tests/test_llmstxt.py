"""llms.txt and llms-full.txt, per language, hold the pages' tested code, expanded."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from keras_a_medida.checks import Site
from tests_paths import ROOT


def nav_pages(site_config, lang: str) -> list[Path]:
    """The Home and Guide pages of ``lang``, in nav order (what the files must list)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader)["nav"]
    pages = []
    for entry in nav:
        ((title, value),) = entry.items()
        if title in ("Home", "Guide"):
            values = value if isinstance(value, list) else [{title: value}]
            pages += [site_config.lang_dir(lang) / next(iter(v.values())) for v in values]
    return pages


def test_each_language_has_llms_files_with_its_pages_and_their_code_expanded(
    site_config, built_site
):
    assert built_site.returncode == 0, built_site.output
    site_dir = built_site.site_dir
    site = Site(site_config)
    for lang in site_config.languages:
        folder = site_dir / site_config.lang_prefix(lang)
        index = (folder / "llms.txt").read_text(encoding="utf-8")
        full = (folder / "llms-full.txt").read_text(encoding="utf-8")
        assert index.startswith("# Keras a medida\n\n> "), f"{folder}/llms.txt"
        urls = re.findall(r"^- \[[^]]+\]\(([^)]+)\)", index, re.M)
        pages = nav_pages(site_config, lang)
        assert len(urls) == len(pages) >= 10, (lang, urls)
        for url, page in zip(urls, pages, strict=True):
            assert url.startswith(site_config.site_url + site_config.lang_prefix(lang)), url
            md = site_dir / url[len(site_config.site_url) :]
            assert md.is_file(), f"{url}: not written"
            title = re.search(r"^# (.+)$", page.read_text(encoding="utf-8"), re.M)[1]
            assert f"\n# {title}\n" in "\n" + full, f"{lang}/llms-full.txt lacks {title!r}"
        assert "--8<--" not in full, f"{lang}/llms-full.txt shows include lines"
        assert "Open in Colab" not in full and "Abrir en Colab" not in full
        for page in pages:
            for block in site.blocks(page):
                if block.is_python:
                    code = block.code.strip("\n")
                    assert f"```python\n{code}\n```" in full, f"{block.location}: not in {lang}"
