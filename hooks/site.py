"""MkDocs hooks of the site. Thin on purpose: the logic is in keras_a_medida.mkdocs_hooks."""

from keras_a_medida.mkdocs_hooks import on_files, on_post_build  # noqa: F401
