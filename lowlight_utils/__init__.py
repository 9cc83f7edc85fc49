"""Helpers for the low-light image enhancement course.

Grouped by topic, in the order the course teaches them: :mod:`.data` (notebook 01),
:mod:`.pix2pix`, :mod:`.wgan` and :mod:`.zero_dce` (02-04), :mod:`.training` and
:mod:`.inference` (every training notebook), :mod:`.metrics` and :mod:`.classical` (05, 06),
:mod:`.notebook` (what the notebooks call to set up, plot and grade), and the tools that
build and run the course: :mod:`.cli` (``lowlight``), :mod:`.bench`, :mod:`.colab`,
:mod:`.courseware`.

Importing the package is cheap and changes no global state: TensorFlow is imported only by
the modules that need it, and the quiet start-up log is installed by
:func:`lowlight_utils.notebook.setup` and the command line, not by ``import``.
"""

__version__ = "0.1.0"
