"""The training loop: ``fit`` with the course's callbacks, resume, saving and loading models."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

import keras

from ..pix2pix.method import TASK_OUTPUTS
from .callbacks import BEST_MODEL, FINAL_MODEL, NaNGuard, make_callbacks, read_history
from .datasets import course_datasets, steps_per_epoch
from .registry import build_method, default_epochs, get_method, method_profile


@dataclasses.dataclass
class TrainResult:
    """What :func:`train` returns.

    Attributes
    ----------
    model : keras.Model
        The model at the end of training (last epoch, not the best one).
    history : dict
        Per-epoch logs of the whole run, resumes included (from ``history.csv``).
    run_dir : Path
    best_model : Path or None
        ``run_dir/best.keras`` if it was written.
    stopped_on_nan : str or None
        The NaN guard's message if it stopped training.
    initial_epoch : int
        The epoch this call started from (0 for a fresh run).
    """

    model: object
    history: dict
    run_dir: Path
    best_model: Path | None
    stopped_on_nan: str | None
    initial_epoch: int


def _backup_epoch(run_dir: Path) -> int:
    import json

    meta = run_dir / "backup" / "training_metadata.json"
    try:
        return int(json.loads(meta.read_text())["epoch"])
    except (OSError, ValueError, KeyError):
        return 0


def train(
    method_or_model,
    train_ds,
    val_ds,
    run_dir,
    epochs: int,
    steps_per_epoch: int | None = None,
    validation_steps: int | None = None,
    strategy=None,
    sample_pairs: Sequence | None = None,
    sample_every: int = 1,
    monitor: str = "val_psnr",
    mode: str = "max",
    profile=None,
    build_kwargs: dict | None = None,
    callbacks: Sequence = (),
    tensorboard: bool = True,
    verbose="auto",
) -> TrainResult:
    """Train (or resume training) a model into ``run_dir``.

    Calling it again with the same arguments after an interruption (Ctrl-C, a killed
    process, a closed Colab tab) resumes from the last completed epoch: the epoch count
    continues, weights and optimizer state are restored, ``history.csv`` keeps growing
    and the best checkpoint is only replaced by a better one. Calling it with more
    ``epochs`` after it finished continues the run.

    Taught in notebook 02, section 'Training with checkpoints, resume and samples'; notebook 03,
    section 'Training WGAN-GP', notebook 04, section 'Training', and notebook 06 train with it too.

    Parameters
    ----------
    method_or_model : str, keras.Model or callable
        A name from :data:`METHODS` (built with ``profile`` and ``build_kwargs`` inside the
        strategy scope), a compiled model (create it inside ``strategy.scope()`` yourself),
        or a function of no arguments returning a compiled model (called in the scope).
    train_ds, val_ds : tf.data.Dataset
        ``(low, high)`` batches; ``val_ds`` may be None (then no best checkpoint).
    run_dir : path
        Where everything goes (see :func:`make_callbacks`); created if needed.
    epochs : int
        Total epochs of the run, counting those done before a resume.
    steps_per_epoch, validation_steps : int, optional
        Passed to ``fit`` (needed for repeated datasets).
    strategy : tf.distribute.Strategy, optional
        Default: ``tf.distribute.get_strategy()`` (the current or default one).
    sample_pairs : sequence of (low, high) arrays, optional
        Pairs drawn as sample grids every ``sample_every`` epochs.
    monitor, mode : str
        The quantity the best checkpoint tracks.
    profile : str or Profile, optional
        Passed to the builder when ``method_or_model`` is a name.
    build_kwargs : dict, optional
        Overrides passed to the builder.
    callbacks : sequence of keras callbacks
        Extra callbacks, run after the course's ones.
    tensorboard : bool
        Write TensorBoard logs.
    verbose : "auto", 0, 1 or 2
        ``fit``'s progress display.

    Returns
    -------
    TrainResult

    Examples
    --------
    >>> result = train("pix2pix-bce", train_ds, val_ds, "runs/p2p", epochs=10,
    ...                steps_per_epoch=20, profile="quick")  # doctest: +SKIP
    >>> result.history["val_psnr"][-1]  # doctest: +SKIP
    """
    import tensorflow as tf

    from ..config import cap_epochs, cap_steps

    # a smoke run ($LOWLIGHT_SMOKE) keeps every size but trains 1 epoch of 2 steps, validates 2
    epochs, steps_per_epoch = cap_epochs(epochs), cap_steps(steps_per_epoch)
    if val_ds is not None:
        validation_steps = _validation_steps(val_ds, validation_steps)
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    strategy = strategy or tf.distribute.get_strategy()
    with strategy.scope():
        model = _make_model(method_or_model, profile, build_kwargs or {})
        monitor_cbs = make_callbacks(run_dir, monitor, mode, sample_pairs, sample_every,
                                     tensorboard)
        if val_ds is None:  # nothing to monitor: no best checkpoint
            checkpoint = keras.callbacks.ModelCheckpoint
            monitor_cbs = [c for c in monitor_cbs if not isinstance(c, checkpoint)]
        initial = _backup_epoch(run_dir)
        if initial and verbose:
            print(f"resuming {run_dir} after epoch {initial} of {epochs}")
        model.fit(
            train_ds,
            validation_data=val_ds,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            validation_steps=validation_steps,
            callbacks=[*monitor_cbs, *callbacks],
            verbose=verbose,
            shuffle=False,  # datasets shuffle themselves (make_dataset(shuffle=True))
        )
    guard = next(c for c in monitor_cbs if isinstance(c, NaNGuard))
    best = run_dir / BEST_MODEL
    return TrainResult(model, read_history(run_dir), run_dir, best if best.exists() else None,
                       guard.message, initial)


def _validation_steps(val_ds, steps):
    """``steps`` capped for a smoke run, never beyond a finite dataset's length."""
    from ..config import cap_steps, is_smoke

    if not is_smoke() or steps is not None:
        return cap_steps(steps)
    size = int(val_ds.cardinality()) if hasattr(val_ds, "cardinality") else -1
    return cap_steps(None) if size < 0 else min(cap_steps(None), size)  # < 0: unknown or inf


def _make_model(method_or_model, profile, build_kwargs: dict):
    if isinstance(method_or_model, str):
        return build_method(method_or_model, profile, **build_kwargs)
    if isinstance(method_or_model, keras.Model):
        if build_kwargs:
            raise ValueError("build_kwargs only apply when a method name or builder is given")
        return method_or_model
    if callable(method_or_model):
        return method_or_model()
    raise TypeError(
        f"expected a method name, a keras.Model or a builder function, got {method_or_model!r}"
    )


def save_final(model, run_dir, overwrite: bool = False) -> Path:
    """Save ``model`` as ``run_dir/final.keras`` (refuses to overwrite unless asked)."""
    path = Path(run_dir) / FINAL_MODEL
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    model.save(str(path))
    return path


def load_model(path):
    """Load a ``.keras`` model saved by this package, with ``safe_mode=True``.

    The method modules' model classes are registered with Keras by importing
    :mod:`lowlight_utils.training.registry` (which this module does).

    Taught in notebook 02, section 'Full-resolution inference and test-time mode'; notebooks 03,
    04 and 06 reload their best checkpoints with it.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.keras`` file, e.g. a run's ``best.keras`` (:attr:`TrainResult.best_model`).

    Returns
    -------
    keras.Model
        The model, compiled as it was saved (its own class: ``Pix2Pix``, ``ZeroDCE``, ...).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file is not a ``.keras`` file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    if path.suffix != ".keras":
        raise ValueError(f"expected a .keras model file, got {path}")
    return keras.models.load_model(os.fspath(path), safe_mode=True)


def fit_method(
    method: str,
    run_dir,
    profile=None,
    data_dir=None,
    epochs: int | None = None,
    seed: int = 0,
    build_kwargs: dict | None = None,
    augment=True,
    sizes_from_method: bool = True,
    task: str = "low-light",
    splits=None,
    **train_kwargs,
) -> TrainResult:
    """Train a method of :data:`METHODS` on the course's splits: what ``python -m
    lowlight_utils train`` runs. Calling it again resumes (see :func:`train`).

    Parameters
    ----------
    method : str
    run_dir : path
    profile : str or Profile, optional
    data_dir : path, optional
        Default: LOL if present, else the embedded sample.
    epochs : int, optional
        Default: :func:`default_epochs`.
    seed : int
        Seed of the split, the data order and augmentation, and the initial weights.
    build_kwargs : dict, optional
        Overrides for the method's builder.
    augment : bool or lowlight_utils.data.pairs.Augment
        Passed to :func:`course_datasets`. ``True`` (the default, for every method) is
        :data:`lowlight_utils.data.pipeline.DEFAULT_AUGMENT`: flips, 90-degree turns and the
        colour-equivariant channel permutation and hue rotation; ``Augment()`` turns the
        colour part off.
    sizes_from_method : bool
        Take crop, batch, steps and epochs from the method's module where it sets them
        (:func:`method_profile`); False keeps ``profile`` as given (the presets).
    task : str
        ``"low-light"``, ``"noise"`` or ``"blur"``: which embedded sample trains it when
        ``data_dir`` is not given (:func:`lowlight_utils.data.pairs.course_splits`). In the quick
        profile it also picks the GANs' generator head unless ``build_kwargs`` sets
        ``output`` (:data:`lowlight_utils.pix2pix.method.TASK_OUTPUTS`: a residual
        computed at full resolution for noise and blur).
    splits : lowlight_utils.data.pairs.Splits, optional
        Splits already made (a fold of ``python -m lowlight_utils.bench generalisation``);
        default: :func:`~lowlight_utils.data.pairs.course_splits` of ``data_dir``, ``seed``, ``task``.
    **train_kwargs
        Passed to :func:`train` (``strategy``, ``verbose``, ``callbacks``, ...).

    Returns
    -------
    TrainResult
    """
    import tensorflow as tf

    from ..config import Profile, apply_precision, get_profile
    from ..data import course_splits

    apply_precision()  # $LOWLIGHT_PRECISION: mixed float16 on a GPU, float32 on a CPU
    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    if sizes_from_method:
        prof = method_profile(method, prof)
    if splits is None:
        splits = course_splits(data_dir, seed=seed, task=task)
    steps = steps_per_epoch(prof, len(splits.train))
    spec = get_method(method)
    epochs = epochs or (default_epochs(method, prof) if sizes_from_method else prof.epochs)
    kwargs = dict(build_kwargs or {})
    head = TASK_OUTPUTS.get(task) if spec.name.startswith("pix2pix") else None
    if head and prof.name == "quick":  # the U-Net's head for the task; full keeps the report's
        kwargs.setdefault("output", head)
    if spec.schedule_steps:  # for learning-rate schedules: steps, and epochs if given
        kwargs.setdefault("steps_per_epoch", steps)
        if epochs and "epochs" in spec.profile_settings.get(prof.name, {}):
            kwargs.setdefault("epochs", epochs)
    strategy = train_kwargs.pop("strategy", None) or tf.distribute.get_strategy()
    keras.utils.set_random_seed(seed)  # same seed, same initial weights
    with strategy.scope():
        model = spec.build(prof, **kwargs)
    data = course_datasets(prof, seed=seed, splits=splits, augment=augment,
                           batches_per_step=int(getattr(model, "batches_per_step", 1)))
    return train(model, data.train, data.val, run_dir, epochs=epochs, steps_per_epoch=steps,
                 sample_pairs=data.sample_pairs, strategy=strategy, **train_kwargs)
