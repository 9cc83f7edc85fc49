"""``python -m lowlight_utils.colab``: see :mod:`lowlight_utils.colab.cli`."""

import sys

from .cli import main

sys.exit(main())
