"""What the notebooks call: one setup, figures, sliders, exercise graders, the model hand-off.

=================  ==========================================================================
:func:`setup`      the one call of every notebook's setup cell (profile, precision, quiet
                   logs, optional Google Drive)
:mod:`.plotting`   image grids, histograms, training curves
:mod:`.widgets`    sliders where looking beats reading, with a static figure elsewhere
:mod:`.graders`    self-check graders for the exercises
:mod:`.handoff`    the trained models handed from notebooks 02-04 to notebook 05
=================  ==========================================================================
"""

from __future__ import annotations

import sys


def setup(use_drive: bool = False, profile: str | None = None):
    """Prepare a notebook: quiet logs, profile, precision, optionally Google Drive.

    Every notebook's setup cell calls this once, after the Colab install line.

    Called once in the setup cell of every notebook (notebooks 01 to 06), before section 1.

    Parameters
    ----------
    use_drive : bool, optional
        On Colab, mount Google Drive and keep every run under
        ``MyDrive/lowlight-course/runs`` so that training resumes in a new session
        (:func:`lowlight_utils.colab.use_drive`). Ignored elsewhere, with a note.
    profile : {"quick", "full", "auto"}, optional
        Overrides ``$LOWLIGHT_PROFILE`` (default ``auto``: ``full`` when TensorFlow sees a
        GPU, else ``quick``).

    Returns
    -------
    lowlight_utils.config.Profile
        The profile every size in the notebook follows.

    Examples
    --------
    >>> from lowlight_utils.notebook import setup
    >>> PROFILE = setup(profile="quick")  # doctest: +ELLIPSIS
    profile=quick ...
    >>> PROFILE.name
    'quick'
    """
    from .._shared import tflog
    from ..config import apply_precision, get_profile

    tflog.quiet()
    on_colab = "google.colab" in sys.modules
    if on_colab:
        from ..colab import report_versions

        report_versions()  # the versions the course was tested with, beside this runtime's
    if use_drive:
        if on_colab:
            from ..colab import use_drive as mount

            print("runs kept on Google Drive in", mount())
        else:
            print("use_drive=True only applies on Colab; runs stay in the local runs folder")
    chosen = get_profile(profile)
    print(f"{chosen} · precision: {apply_precision()}")
    return chosen


__all__ = ["setup"]
