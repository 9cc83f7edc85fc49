"""Keeping the runs on Google Drive (Colab only)."""

from __future__ import annotations

import os
from pathlib import Path

#: Where :func:`use_drive` keeps the runs, under the Drive's ``MyDrive``.
DRIVE_FOLDER = "lowlight-course/runs"


def point_runs_at(folder: str | os.PathLike) -> Path:
    """Create ``folder`` and make it the runs root (``$LOWLIGHT_RUNS_DIR``) of this process."""
    from ..config import RUNS_ENV

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[RUNS_ENV] = str(folder)
    return folder


def use_drive(folder: str = DRIVE_FOLDER, mount_point: str = "/content/drive") -> Path:
    """On Colab: mount Google Drive and keep every run under ``MyDrive/<folder>``.

    Colab asks for permission to the Drive the first time. Afterwards
    :func:`lowlight_utils.config.runs_dir` returns the Drive folder, so checkpoints and
    backups outlive the session and re-running a notebook in a new session resumes.

    Returns
    -------
    Path
        The runs root on the Drive.

    Raises
    ------
    RuntimeError
        Outside Colab (there is no Drive to mount).
    """
    try:
        from google.colab import drive
    except ImportError as err:
        raise RuntimeError(
            "use_drive() works on Google Colab only; elsewhere set LOWLIGHT_RUNS_DIR to a "
            "folder instead"
        ) from err
    drive.mount(mount_point)
    root = point_runs_at(Path(mount_point) / "MyDrive" / folder)
    print(f"runs are kept on Google Drive: {root}")
    return root
