"""Helpers for the low-light image enhancement course.

One module per idea; importing the package is cheap (TensorFlow is imported only by the
modules that need it).
"""

import os as _os

# TensorFlow's C++ start-up chatter drowns the notebooks' own output; keep warnings and
# errors. Set TF_CPP_MIN_LOG_LEVEL yourself to override.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
