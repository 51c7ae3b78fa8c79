"""``python -m keras_a_medida``: see [keras_a_medida.cli][]."""

import sys

from .cli import main

sys.exit(main())
