"""Helpers for the low-light image enhancement course.

One module per idea; importing the package is cheap (TensorFlow is imported only by the
modules that need it).
"""

import os as _os

# TensorFlow's C++ start-up chatter drowns the notebooks' own output; keep warnings and
# errors. Set TF_CPP_MIN_LOG_LEVEL yourself to override (a blank value counts as unset: a
# launcher's `TF_CPP_MIN_LOG_LEVEL=` would otherwise mean level 0, every INFO line).
if not _os.environ.get("TF_CPP_MIN_LOG_LEVEL", "").strip():
    _os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

# TensorFlow 2.20+ logs its start-up lines through absl, which ignores TF_CPP_MIN_LOG_LEVEL
# until it is initialised; tflog applies the level to what the first `import tensorflow`
# prints, so a notebook that imports lowlight_utils first shows no red boxes.
from . import tflog as _tflog  # noqa: E402

_tflog.install()

__version__ = "0.1.0"
