"""MkDocs hooks: Colab buttons, llms.txt and a 404 page per language, one
stylesheet for the notebook pages.

Thin on purpose: the logic is in keras_a_medida.site_extras.
"""

from keras_a_medida.site_extras import (  # noqa: F401
    on_config,
    on_page_content,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_template_context,
)
