"""Run profiles: how big and how long everything is.

``quick`` is what a laptop CPU and CI run: small crops, narrow networks, a few minutes per
notebook. ``full`` is the reports' setup (256x256 crops, full-width networks, their epoch
counts), meant for a GPU such as Colab's. ``auto`` (the default) picks ``full`` when
TensorFlow sees a GPU and ``quick`` otherwise.

The profile is read from the environment variable ``LOWLIGHT_PROFILE``. A notebook reads it
once at the top and prints it; nothing else branches on the machine.

Method-specific sizes (a U-Net's width, Zero-DCE's batch) live beside each method in a
``PROFILE_SETTINGS`` dictionary keyed by profile name, so this module stays small.

Three switches cut across profiles: ``LOWLIGHT_SMOKE=1`` keeps every size but trains one
epoch of two steps and evaluates two images (:func:`is_smoke`, :func:`cap_epochs`,
:func:`cap_steps`, :func:`cap_images`); ``LOWLIGHT_PRECISION=auto|float32|mixed``
(:func:`apply_precision`); ``LOWLIGHT_RUNS_DIR``, the root of every run folder
(:func:`runs_dir`, :func:`run_folder`).
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
    smoke : bool
        True when :func:`get_profile` capped ``epochs`` and ``steps_per_epoch`` for a smoke
        run (``$LOWLIGHT_SMOKE``); every size is the profile's own.
    """

    name: str
    crop: int
    batch_size: int
    epochs: int
    steps_per_epoch: int | None
    eval_max_side: int | None = None
    smoke: bool = False

    def __str__(self) -> str:
        text = (
            f"profile={self.name} (crop {self.crop}px, batch {self.batch_size}, "
            f"{self.epochs} epochs)"
        )
        if self.smoke:
            text += (f"; SMOKE RUN ({SMOKE_ENV}): {SMOKE_EPOCHS} epoch of {SMOKE_STEPS} steps, "
                     f"{SMOKE_IMAGES} images per evaluation; scores mean nothing")
        return text


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

    Under ``$LOWLIGHT_SMOKE`` the profile keeps its sizes but its ``epochs`` and
    ``steps_per_epoch`` are capped (:func:`cap_epochs`, :func:`cap_steps`).
    """
    return smoke_capped(PROFILES[resolve_profile_name(name)])


# --- Switches that cut across profiles -------------------------------------------------------

SMOKE_ENV = "LOWLIGHT_SMOKE"
RUNS_ENV = "LOWLIGHT_RUNS_DIR"
PRECISION_ENV = "LOWLIGHT_PRECISION"
PRECISION_NAMES = ("auto", "float32", "mixed")

#: What a smoke run keeps of training and evaluation: one epoch of two steps, two images.
SMOKE_EPOCHS = 1
SMOKE_STEPS = 2
SMOKE_IMAGES = 2


def is_smoke() -> bool:
    """Return True when ``$LOWLIGHT_SMOKE`` asks for a smoke run.

    A smoke run keeps every size of the chosen profile (networks, crops, batch, losses) but
    trains for a couple of steps and evaluates a couple of images: how CI proves that the
    ``full`` profile runs, on a CPU. Accepted values: ``1``, ``true``, ``yes``, ``on``
    (case-insensitive) switch it on; unset, empty, ``0``, ``false``, ``no``, ``off`` leave it off.

    Used in the final checks of notebooks 02 to 06, which skip the claims a two-step smoke run
    cannot make.

    Returns
    -------
    bool
        True in a smoke run.

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

    Used in notebook 05, section 'Which method to use, and why'.

    Returns
    -------
    pathlib.Path
        The folder (relative paths are relative to the working directory); it may not
        exist yet.
    """
    from pathlib import Path

    return Path(os.environ.get(RUNS_ENV) or "runs")


def cap_epochs(epochs: int) -> int:
    """``epochs``, or at most :data:`SMOKE_EPOCHS` in a smoke run (:func:`is_smoke`).

    Used in notebook 04, section 'Data: dark images, and references the model never sees',
    so that a smoke run trains briefly.

    Parameters
    ----------
    epochs : int
        The epochs a full run trains for.

    Returns
    -------
    int
        ``epochs`` outside a smoke run, else ``min(epochs, SMOKE_EPOCHS)``.
    """
    return min(int(epochs), SMOKE_EPOCHS) if is_smoke() else epochs


def cap_steps(steps: int | None) -> int | None:
    """Steps per epoch (``None``: one pass), or at most :data:`SMOKE_STEPS` in a smoke run.

    Also used for validation steps: ``None`` (the whole validation set) becomes
    :data:`SMOKE_STEPS` batches.

    Used in notebook 04, section 'Data: dark images, and references the model never sees',
    notebook 03, section 'The report's critic, in a short run', and the exercises of notebook
    02.

    Parameters
    ----------
    steps : int or None
        Steps per epoch (or validation steps) of a full run; ``None``: one pass over the
        data.

    Returns
    -------
    int or None
        ``steps`` outside a smoke run, else at most :data:`SMOKE_STEPS` (never ``None``).
    """
    if not is_smoke():
        return steps
    return SMOKE_STEPS if steps is None else min(int(steps), SMOKE_STEPS)


def cap_images(items):
    """The first :data:`SMOKE_IMAGES` items of a sequence in a smoke run, else all of them
    (what evaluations run on).

    Used wherever notebooks 02 to 06 score test images, first in notebook 02, section
    'Full-resolution inference and test-time mode'.

    Parameters
    ----------
    items : iterable
        The images, pairs or paths an evaluation would run on.

    Returns
    -------
    sequence
        ``items`` itself outside a smoke run; in a smoke run a list of its first
        :data:`SMOKE_IMAGES` items.
    """
    return list(items)[:SMOKE_IMAGES] if is_smoke() else items


def smoke_capped(profile: Profile) -> Profile:
    """``profile`` with its epochs and steps capped when :func:`is_smoke`; sizes untouched."""
    if not is_smoke():
        return profile
    return dataclasses.replace(profile, epochs=cap_epochs(profile.epochs),
                               steps_per_epoch=cap_steps(profile.steps_per_epoch), smoke=True)


def run_folder(notebook: str, profile=None):
    """The stable run folder of a notebook in a profile: ``runs_dir() / "<notebook>-<profile>"``.

    The same notebook in the same profile always trains into the same folder, so running it
    again resumes its training (Keras' ``BackupAndRestore``) instead of starting over.

    Taught in notebook 02, section 'Training with checkpoints, resume and samples'; notebooks 03, 04
    and 06 train into it too.

    Parameters
    ----------
    notebook : str
        The notebook's name without suffix, e.g. ``"02_pix2pix_bce"``.
    profile : Profile or str, optional
        Default: :func:`get_profile`. A smoke run gets its own folder (``-smoke``), so it
        never resumes (or spoils) a real run.

    Returns
    -------
    pathlib.Path
        ``runs_dir() / "<notebook>-<profile name>"`` (``-smoke`` appended in a smoke run);
        not created here.

    Examples
    --------
    >>> run_folder("02_pix2pix_bce", PROFILES["full"]).name
    '02_pix2pix_bce-full'
    """
    prof = profile if profile is not None else get_profile()
    name = getattr(prof, "name", prof)
    suffix = "-smoke" if getattr(prof, "smoke", False) else ""
    return runs_dir() / f"{notebook}-{name}{suffix}"


def resolve_precision(name: str | None = None) -> str:
    """The Keras dtype policy to train in: ``"mixed_float16"`` or ``"float32"``.

    Used in notebook 03's setup, before section 'Why leave BCE?': its final checks depend on
    the precision training runs in.

    Parameters
    ----------
    name : {"auto", "float32", "mixed"}, optional
        Overrides ``$LOWLIGHT_PRECISION`` (default ``auto``: mixed float16 when TensorFlow
        sees a GPU, float32 on a CPU, where float16 is slower, not faster).

    Returns
    -------
    str
        ``"mixed_float16"`` or ``"float32"``, a name ``keras.mixed_precision`` accepts.

    Raises
    ------
    ValueError
        For any other value, naming where it came from.

    Examples
    --------
    >>> resolve_precision("mixed"), resolve_precision("float32")
    ('mixed_float16', 'float32')
    """
    raw = name if name is not None else os.environ.get(PRECISION_ENV, "auto")
    value = (raw or "auto").strip().lower()
    if value not in PRECISION_NAMES:
        source = "argument" if name is not None else f"environment variable {PRECISION_ENV}"
        raise ValueError(f"unknown precision {raw!r} (from the {source}); choose one of "
                         f"{', '.join(PRECISION_NAMES)}")
    if value == "auto":
        value = "mixed" if gpu_available() else "float32"
    return "mixed_float16" if value == "mixed" else "float32"


def apply_precision(name: str | None = None) -> str:
    """Set Keras' global dtype policy from :func:`resolve_precision`; return its name.

    The one place the course chooses its precision: the training entry points (the command
    line's ``train``, :func:`lowlight_utils.training.fit_method`) and every notebook's profile
    cell call it before building a model. Under ``mixed_float16`` layers compute in float16
    and keep float32 weights; the networks' last layers stay float32, so outputs and losses
    are float32, and each ``train_step`` scales its losses through a
    ``keras.optimizers.LossScaleOptimizer`` so that small float16 gradients do not underflow.
    Models saved in either precision load in the other.
    """
    import keras

    policy = resolve_precision(name)
    keras.mixed_precision.set_global_policy(policy)
    return policy


def with_loss_scaling(optimizer, dtype_policy=None):
    """``optimizer`` wrapped in a ``keras.optimizers.LossScaleOptimizer`` under mixed float16.

    The course's models call it in ``compile`` for each of their optimizers; their
    ``train_step`` then computes gradients of ``optimizer.scale_loss(loss)`` and applies them
    through the wrapper, which divides them by the scale again, skips a step whose gradients
    overflowed and adapts the scale. Under float32 (or for an optimizer already wrapped) the
    optimizer is returned unchanged, and ``scale_loss`` leaves the loss as it is.

    Parameters
    ----------
    optimizer : keras.optimizers.Optimizer
    dtype_policy : keras.DTypePolicy or str, optional
        The model's policy (default: Keras' global policy).
    """
    import keras

    policy = dtype_policy if dtype_policy is not None else keras.mixed_precision.global_policy()
    name = getattr(policy, "name", policy)
    if name != "mixed_float16" or isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


def loss_scale(optimizer):
    """The current loss scale of a ``LossScaleOptimizer``, else ``None`` (no scaling).

    For gradients taken inside a loss, such as WGAN-GP's gradient penalty: scale what is
    differentiated by it and divide the gradient by it, so that float16 does not underflow
    there either (:func:`lowlight_utils.wgan.gradient_penalty`).
    """
    import keras

    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer.dynamic_scale if optimizer.built else optimizer.initial_scale
    return None
