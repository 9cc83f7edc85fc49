"""The course's trained models, handed from notebooks 02-04 to notebook 05.

Each training notebook ends by exporting its best model to
``<runs root>/models/<profile>/<method>.keras`` (the runs root is
:func:`lowlight_utils.config.runs_dir`: ``$LOWLIGHT_RUNS_DIR``, else ``runs/`` under the folder
Jupyter runs in), or to ``$LOWLIGHT_MODELS_DIR/<profile>/`` when that is set. Notebook 05 loads them from there to compare every method on one
table without retraining. An export replaces the previous export of the same method and
profile, and says so; the run folder that produced it keeps its own copy.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path


def models_dir() -> Path:
    """``$LOWLIGHT_MODELS_DIR``, else ``models/`` under the runs root (``runs_dir()``)."""
    from ..config import runs_dir

    return Path(os.environ.get("LOWLIGHT_MODELS_DIR") or runs_dir() / "models")


def model_path(method: str, profile) -> Path:
    """Where the exported model of ``method`` trained in ``profile`` lives."""
    name = getattr(profile, "name", profile)
    return models_dir() / str(name) / f"{method}.keras"


def export_model(source, method: str, profile, notebook: str) -> Path:
    """Copy a trained model (a ``.keras`` path or a keras.Model) to :func:`model_path`.

    Called by notebooks 02, 03 and 04 on the model each trained; notebook 05, section 'Every
    method on one table, scored both ways', loads them with :func:`load_exported`.

    Parameters
    ----------
    source : path or keras.Model
        Usually the run's ``best.keras``.
    method : str
        e.g. ``"pix2pix-bce"``, ``"zero-dce++"``.
    profile : Profile or str
    notebook : str
        The notebook that trained it (recorded next to the model).

    Returns
    -------
    pathlib.Path
        The exported file.
    """
    dest = model_path(method, profile)
    dest.parent.mkdir(parents=True, exist_ok=True)
    replaced = dest.exists()
    tmp = dest.with_name(f".part-{dest.name}")  # keeps the .keras suffix Keras insists on
    if isinstance(source, str | os.PathLike):
        shutil.copyfile(source, tmp)
    else:
        source.save(str(tmp))
    os.replace(tmp, dest)
    info = {"method": method, "notebook": notebook, "source": str(source),
            "exported": time.strftime("%Y-%m-%d %H:%M:%S")}
    dest.with_suffix(".json").write_text(json.dumps(info, indent=1))
    print(f"exported {method} to {dest}" + (" (replacing the previous export)" if replaced
                                             else ""))
    return dest


def load_exported(method: str, profile):
    """Load the exported model of ``method`` (``safe_mode=True``).

    Used in notebook 05, section 'Every method on one table, scored both ways'.

    Parameters
    ----------
    method : str
        As given to :func:`export_model`, e.g. ``"pix2pix-bce"``.
    profile : Profile or str
        The profile it was trained in (each profile has its own exported models).

    Returns
    -------
    keras.Model
        The model at :func:`model_path`, loaded with
        :func:`lowlight_utils.training.load_model`.

    Raises
    ------
    FileNotFoundError
        Naming the file and the notebook to run first.
    """
    from ..training import load_model

    path = model_path(method, profile)
    if not path.is_file():
        which = {"pix2pix-bce": "02_pix2pix_bce", "pix2pix-wgan-gp": "03_pix2pix_wgan_gp"}.get(
            method, "04_zero_dce")
        raise FileNotFoundError(
            f"no exported {method} model at {path.resolve()}: run notebook {which} first in "
            f"the same profile (make course runs every notebook in order)")
    return load_model(path)
