"""MkDocs hooks of the site. Thin on purpose: the logic is in keras_a_medida.mkdocs_hooks."""

from keras_a_medida.mkdocs_hooks import (  # noqa: F401
    on_config,
    on_files,
    on_page_content,
    on_page_markdown,
    on_post_build,
    on_startup,
)
