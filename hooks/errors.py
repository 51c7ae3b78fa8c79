"""MkDocs hook: fill guide/errors.md with the error index. The logic is in keras_a_medida.errors."""

from keras_a_medida.errors import on_page_markdown  # noqa: F401
