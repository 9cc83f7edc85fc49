"""Helpers for the low-light image enhancement course.

One module per idea; importing the package is cheap (TensorFlow is imported only by the
modules that need it).
"""

__version__ = "0.1.0"
