"""mkdocs-llmstxt's ``preprocess`` module: what the llms*.txt files leave out of a page.

The notebook buttons under each title link to the page's notebook twin, which repeats
the page; in a text for coding assistants they are noise (and mkdocs-llmstxt would turn
the notebook page's link into a ``.md`` it does not write).
"""


def preprocess(soup, output):
    """Remove the notebook buttons (``p.kam-notebook``) from a page's HTML."""
    for paragraph in soup.select("p.kam-notebook"):
        paragraph.decompose()
