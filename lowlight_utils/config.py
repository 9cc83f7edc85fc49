"""Run profiles: how big and how long everything is.

``quick`` is what a laptop CPU and CI run: small crops, narrow networks, a few minutes per
notebook. ``full`` is the reports' setup (256x256 crops, full-width networks, their epoch
counts), meant for a GPU such as Colab's. ``auto`` (the default) picks ``full`` when
TensorFlow sees a GPU and ``quick`` otherwise.

The profile is read from the environment variable ``LOWLIGHT_PROFILE``. A notebook reads it
once at the top and prints it; nothing else branches on the machine.

Method-specific sizes (a U-Net's width, Zero-DCE's batch) live beside each method in a
``PROFILE_SETTINGS`` dictionary keyed by profile name, so this module stays small.
"""

from __future__ import annotations

import dataclasses
import os

PROFILE_ENV = "LOWLIGHT_PROFILE"
PROFILE_NAMES = ("quick", "full", "auto")


@dataclasses.dataclass(frozen=True)
class Profile:
    """Sizes shared by every method.

    Attributes
    ----------
    name : str
        ``"quick"`` or ``"full"`` (``auto`` is resolved before a Profile is made).
    crop : int
        Side of the square random crops used for training.
    batch_size : int
        Training batch size.
    epochs : int
        Default number of training epochs.
    steps_per_epoch : int or None
        Batches per epoch; ``None`` means one pass over the training split.
    eval_max_side : int or None
        Longest side at which test images are evaluated; ``None`` keeps native size.
    """

    name: str
    crop: int
    batch_size: int
    epochs: int
    steps_per_epoch: int | None
    eval_max_side: int | None = None

    def __str__(self) -> str:
        return (
            f"profile={self.name} (crop {self.crop}px, batch {self.batch_size}, "
            f"{self.epochs} epochs)"
        )


PROFILES = {
    "quick": Profile(name="quick", crop=96, batch_size=4, epochs=10, steps_per_epoch=20),
    "full": Profile(name="full", crop=256, batch_size=4, epochs=100, steps_per_epoch=None),
}


def gpu_available() -> bool:
    """Return True when TensorFlow can see at least one GPU."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def resolve_profile_name(name: str | None = None) -> str:
    """Resolve ``name`` (or ``$LOWLIGHT_PROFILE``, or ``auto``) to ``quick`` or ``full``.

    Raises
    ------
    ValueError
        If the name is not one of ``quick``, ``full``, ``auto``.
    """
    raw = name if name is not None else os.environ.get(PROFILE_ENV, "auto")
    value = raw.strip().lower()
    if value not in PROFILE_NAMES:
        source = "argument" if name is not None else f"environment variable {PROFILE_ENV}"
        raise ValueError(
            f"unknown profile {raw!r} (from the {source}); choose one of {', '.join(PROFILE_NAMES)}"
        )
    if value == "auto":
        return "full" if gpu_available() else "quick"
    return value


def get_profile(name: str | None = None) -> Profile:
    """Return the :class:`Profile` to run in.

    Parameters
    ----------
    name : {"quick", "full", "auto"}, optional
        Overrides ``$LOWLIGHT_PROFILE``. ``auto`` (the default) means ``full`` when a GPU is
        visible, else ``quick``.

    Examples
    --------
    >>> get_profile("quick").crop
    96
    """
    return PROFILES[resolve_profile_name(name)]


# --- Switches that cut across profiles -------------------------------------------------------

SMOKE_ENV = "LOWLIGHT_SMOKE"
RUNS_ENV = "LOWLIGHT_RUNS_DIR"


def is_smoke() -> bool:
    """Return True when ``$LOWLIGHT_SMOKE`` asks for a smoke run.

    A smoke run keeps every size of the chosen profile (networks, crops, batch, losses) but
    trains for a couple of steps and evaluates a couple of images: how CI proves that the
    ``full`` profile runs, on a CPU. Accepted values: ``1``, ``true``, ``yes``, ``on``
    (case-insensitive) switch it on; unset, empty, ``0``, ``false``, ``no``, ``off`` leave it off.

    Raises
    ------
    ValueError
        For any other value, naming the variable.
    """
    raw = os.environ.get(SMOKE_ENV, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{SMOKE_ENV}={raw!r} is not understood; use 1 (on) or 0 (off)")


def runs_dir():
    """Return the runs root: ``$LOWLIGHT_RUNS_DIR`` or ``runs/`` (a :class:`pathlib.Path`).

    Every training run of the course lives under it, one stable folder per notebook and
    profile, so re-running a notebook resumes its training. On Colab, point it at a Google
    Drive folder to keep runs across sessions.
    """
    from pathlib import Path

    return Path(os.environ.get(RUNS_ENV) or "runs")
