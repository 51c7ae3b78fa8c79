"""Tooling for *Keras a medida*: the glue between the pages, the snippets and the tests.

The site's pages live in ``docs/<lang>/``; every code block they show is pulled from a
module under ``snippets/`` by pymdownx.snippets. This package reads the site's own
``mkdocs.yml`` (one source of truth), expands a page's includes with pymdownx.snippets
itself, hands the blocks to pytest (see [keras_a_medida.pytest_plugin][]) and runs the
guards that keep the two languages and the snippets in step
(see [keras_a_medida.checks][]).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
