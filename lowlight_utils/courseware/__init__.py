"""The tools that build the course: run the notebooks, write the site and the student edition.

:mod:`.runner` (``lowlight course``: execute every notebook, then build), :mod:`.site` (the
Sphinx + MyST-NB site), :mod:`.sitecheck` (every page opened in headless Chromium) and
:mod:`.student` (the notebooks with their worked solutions taken out).
"""
