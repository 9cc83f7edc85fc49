"""Training any of the course's methods with ``fit()``: checkpoints, resume, NaN guard, samples.

Every method is a ``keras.Model`` subclass whose ``train_step`` holds its idea, so training is
``model.fit`` plus a handful of callbacks, Keras' own first:

=====================  ================================================================
``ModelCheckpoint``    ``run_dir/best.keras``: the model with the best validation PSNR
                       (as the SIDD report does); not reset by a resume.
``BackupAndRestore``   ``run_dir/backup/``: weights, optimizer state and epoch after every
                       epoch, so a run killed at any point and started again with the same
                       command resumes from its last completed epoch.
``NaNGuard``           Keras' ``TerminateOnNaN`` for GAN logs (which have no ``loss`` key):
                       stops at the first non-finite loss, says so, and keeps the backup
                       and ``best.keras`` from the last good epoch.
``CSVLogger``          ``run_dir/history.csv``, appended across resumes.
``TensorBoard``        ``run_dir/logs``.
``SampleGrid``         ``run_dir/samples/epoch_NNNN.png`` every N epochs: input | output |
                       target rows, never overwriting an earlier grid.
=====================  ================================================================

Methods are looked up by name in :data:`METHODS`; each entry points at a ``build(profile,
**overrides)`` function returning a compiled model, imported only when asked for.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import importlib.util
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

#: Method name -> "module:builder"; a builder is ``build(profile, **overrides) -> Model``.
METHODS = {
    "pix2pix-bce": "lowlight_utils.pix2pix:build",
    "pix2pix-wgan-gp": "lowlight_utils.wgan:build",
    "zero-dce": "lowlight_utils.zero_dce:build",
    "zero-dce++": "lowlight_utils.zero_dce:build_plusplus",
}

BEST_MODEL = "best.keras"
FINAL_MODEL = "final.keras"
HISTORY = "history.csv"


def get_builder(method: str) -> Callable:
    """Return the ``build(profile, **overrides)`` function of a method.

    Raises
    ------
    ValueError
        For an unknown method name (the message lists the known ones).
    ImportError
        If the method's module is not available (with the module named).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    module_name, func = METHODS[method].split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name != module_name:
            raise
        raise ImportError(
            f"method {method!r} needs the module {module_name}, which is not available "
            "in this installation"
        ) from err
    if not hasattr(module, func):
        raise ImportError(f"method {method!r}: {module_name} has no function {func!r}")
    return getattr(module, func)


def build_method(method: str, profile=None, **overrides):
    """Build and compile the model of ``method`` for ``profile`` (see :data:`METHODS`)."""
    return get_builder(method)(profile, **overrides)


# --------------------------------------------------------------------------------------
# Callbacks


def _keras():
    import keras

    return keras


def _finite(value) -> bool:
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=np.float64))))
    except (TypeError, ValueError):
        return True  # not a number: nothing to check


class _Callbacks:
    """Namespace holding the callback classes (built lazily so importing is cheap)."""

    _classes: dict = {}

    @classmethod
    def get(cls, name: str):
        if not cls._classes:
            cls._classes = _define_callbacks()
        return cls._classes[name]


def _define_callbacks() -> dict:
    keras = _keras()

    class NaNGuard(keras.callbacks.TerminateOnNaN):
        """Stop at the first non-finite value among the batch logs (all keys, not just
        ``loss``), print where it happened and which checkpoints are still good."""

        def __init__(self, run_dir: Path):
            super().__init__()
            self.run_dir = Path(run_dir)
            self.epoch = 0
            self.message: str | None = None

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_batch_end(self, batch, logs=None):
            bad = sorted(k for k, v in (logs or {}).items() if not _finite(v))
            if bad and self.message is None:
                self.message = (
                    f"training stopped: {', '.join(bad)} became NaN or infinite at epoch "
                    f"{self.epoch + 1}, batch {batch + 1}. The last good weights are kept in "
                    f"{self.run_dir / BEST_MODEL} (best validation) and {self.run_dir / 'backup'} "
                    "(last completed epoch); lower the learning rate or check the data."
                )
                print("\n" + self.message)
                self.model.stop_training = True

    class SafeBackupAndRestore(keras.callbacks.BackupAndRestore):
        """``BackupAndRestore`` that never backs up an epoch whose logs are not finite."""

        def on_epoch_end(self, epoch, logs=None):
            if logs and not all(_finite(v) for v in logs.values()):
                return
            super().on_epoch_end(epoch, logs)

    class SampleGrid(keras.callbacks.Callback):
        """Save ``input | output | target`` rows for a few pairs every ``every`` epochs.

        Files are ``samples/epoch_NNNN.png`` (epochs counted from 1); an existing file is
        never replaced (a resumed run that repeats an epoch writes ``epoch_NNNN_1.png``).
        """

        def __init__(self, pairs, out_dir: Path, every: int = 1):
            super().__init__()
            self.pairs = [(np.asarray(lo, np.float32), np.asarray(hi, np.float32))
                          for lo, hi in pairs]
            self.out_dir = Path(out_dir)
            self.every = max(1, int(every))
            self.written: list[Path] = []

        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % self.every == 0:
                self.written.append(save_sample_grid(self.model, self.pairs,
                                                     self.out_dir, f"epoch_{epoch + 1:04d}"))

    return {"NaNGuard": NaNGuard, "SafeBackupAndRestore": SafeBackupAndRestore,
            "SampleGrid": SampleGrid}


def sample_grid(model, pairs) -> np.ndarray:
    """One image: a row per pair with the input, the model's output and the target.

    Parameters
    ----------
    model : keras.Model
    pairs : sequence of (low, high) arrays, (H, W, 3) each in [0, 1]

    Returns
    -------
    numpy.ndarray (rows * H, 3 * W, 3); pairs of other sizes are cropped to the first's.
    """
    from .inference import enhance_image

    h = min(np.asarray(lo).shape[0] for lo, _ in pairs)
    w = min(np.asarray(lo).shape[1] for lo, _ in pairs)
    gap = 4
    rows = []
    for low, high in pairs:
        low, high = np.asarray(low)[:h, :w], np.asarray(high)[:h, :w]
        out = enhance_image(model, low)
        sep = np.ones((h, gap, 3), np.float32)
        rows.append(np.concatenate([low, sep, out, sep, high], axis=1))
        rows.append(np.ones((gap, rows[-1].shape[1], 3), np.float32))
    return np.concatenate(rows[:-1], axis=0)


def _free_name(folder: Path, stem: str, suffix: str = ".png") -> Path:
    path, k = folder / f"{stem}{suffix}", 0
    while path.exists():
        k += 1
        path = folder / f"{stem}_{k}{suffix}"
    return path


def save_sample_grid(model, pairs, out_dir, stem: str) -> Path:
    """Write :func:`sample_grid` to ``out_dir/<stem>.png`` (or a free variant); return it."""
    from .data import save_image

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return save_image(_free_name(out_dir, stem), sample_grid(model, pairs))


def read_history(run_dir) -> dict[str, list[float]]:
    """The run's ``history.csv`` as ``{column: [value per epoch]}`` (with ``epoch``).

    A row repeated by a resume (killed after the row was written, before the backup) is
    kept once, the later one winning.
    """
    path = Path(run_dir) / HISTORY
    if not path.is_file():
        return {}
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("epoch", "") != ""]
    by_epoch = {int(r["epoch"]): r for r in rows}
    ordered = [by_epoch[e] for e in sorted(by_epoch)]
    keys = list(ordered[0]) if ordered else []
    return {k: [float(r[k]) if r[k] not in ("", None) else math.nan for r in ordered]
            for k in keys}


def _previous_best(run_dir: Path, monitor: str, mode: str) -> float | None:
    values = [v for v in read_history(run_dir).get(monitor, []) if math.isfinite(v)]
    if not values or not (run_dir / BEST_MODEL).exists():
        return None
    return max(values) if mode == "max" else min(values)


def tensorboard_available() -> bool:
    """True when the ``tensorboard`` package (which writes the event files) is installed."""
    return importlib.util.find_spec("tensorboard") is not None


def make_callbacks(
    run_dir,
    monitor: str = "val_psnr",
    mode: str = "max",
    sample_pairs=None,
    sample_every: int = 1,
    tensorboard: bool = True,
) -> list:
    """The course's callbacks for a run folder (see the module docstring).

    Parameters
    ----------
    run_dir : path
    monitor, mode : str
        What the best checkpoint maximises (``val_psnr``, ``max``).
    sample_pairs : sequence of (low, high), optional
        Pairs for the sample grids; none means no grids.
    sample_every : int
        Epochs between sample grids.
    tensorboard : bool
        Write TensorBoard logs to ``run_dir/logs`` (skipped, with a note, when the
        ``tensorboard`` package is not installed).

    Returns
    -------
    list of keras.callbacks.Callback
        In the order they must run: the CSV row is written before the backup, so a kill
        between the two repeats a row (which :func:`read_history` drops) rather than
        losing one.
    """
    keras = _keras()
    run_dir = Path(run_dir)
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(run_dir / BEST_MODEL), monitor=monitor, mode=mode, save_best_only=True,
        initial_value_threshold=_previous_best(run_dir, monitor, mode),
    )
    callbacks = [
        _Callbacks.get("NaNGuard")(run_dir),
        checkpoint,
        keras.callbacks.CSVLogger(str(run_dir / HISTORY), append=True),
    ]
    if tensorboard and tensorboard_available():
        callbacks.append(keras.callbacks.TensorBoard(str(run_dir / "logs"), write_graph=False))
    elif tensorboard:
        print("TensorBoard logs skipped: the tensorboard package is not installed "
              "(pip install tensorboard)")
    if sample_pairs:
        callbacks.append(
            _Callbacks.get("SampleGrid")(sample_pairs, run_dir / "samples", sample_every)
        )
    callbacks.append(
        _Callbacks.get("SafeBackupAndRestore")(
            str(run_dir / "backup"), delete_checkpoint=False, double_checkpoint=True
        )
    )
    return callbacks


# --------------------------------------------------------------------------------------
# The training entry point


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

    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    strategy = strategy or tf.distribute.get_strategy()
    with strategy.scope():
        model = _make_model(method_or_model, profile, build_kwargs or {})
        monitor_cbs = make_callbacks(run_dir, monitor, mode, sample_pairs, sample_every,
                                     tensorboard)
        if val_ds is None:  # nothing to monitor: no best checkpoint
            checkpoint = _keras().callbacks.ModelCheckpoint
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
    guard = next(c for c in monitor_cbs if type(c).__name__ == "NaNGuard")
    best = run_dir / BEST_MODEL
    return TrainResult(model, read_history(run_dir), run_dir, best if best.exists() else None,
                       guard.message, initial)


def _make_model(method_or_model, profile, build_kwargs: dict):
    keras = _keras()
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

    Importing the method modules first registers their custom classes.
    """
    import keras

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    if path.suffix != ".keras":
        raise ValueError(f"expected a .keras model file, got {path}")
    for spec in METHODS.values():
        try:
            importlib.import_module(spec.split(":")[0])
        except ImportError:
            pass
    return keras.models.load_model(os.fspath(path), safe_mode=True)


# --------------------------------------------------------------------------------------
# The course's standard run: splits -> datasets -> train


@dataclasses.dataclass
class CourseData:
    """Datasets of one run, made by :func:`course_datasets`.

    Attributes
    ----------
    train : tf.data.Dataset
        Shuffled, augmented, repeated random crops, batched.
    val : tf.data.Dataset
        Validation pairs at native size, batch 1.
    steps_per_epoch : int
    sample_pairs : list of (low, high)
        A few validation pairs for the sample grids.
    splits : lowlight_utils.data.Splits
    """

    train: object
    val: object
    steps_per_epoch: int
    sample_pairs: list
    splits: object


def course_datasets(profile=None, data_dir=None, seed: int = 0, samples: int = 2,
                    sample_side: int = 128, batches_per_step: int = 1,
                    splits=None, augment=True) -> CourseData:
    """Build the training and validation pipelines of the course's splits for a profile.

    Parameters
    ----------
    profile : str or Profile, optional
        Crop, batch size and steps per epoch come from it (default ``$LOWLIGHT_PROFILE``).
    data_dir : path, optional
        Passed to :func:`lowlight_utils.data.course_splits` (LOL if present, else the
        embedded sample).
    seed : int
        Seed of the split, the shuffle and the augmentation.
    samples : int
        Validation pairs drawn in the sample grids.
    sample_side : int
        The sample grids show the central ``sample_side`` square of each pair.
    batches_per_step : int
        Batches one training step consumes (``model.batches_per_step``: WGAN-GP's
        ``n_critic`` critic updates each take a fresh batch); the training batches are
        this many times the profile's batch size.
    splits : lowlight_utils.data.Splits, optional
        Splits already made (default: ``course_splits(data_dir, seed)``).
    augment : bool or lowlight_utils.data.Augment
        Paired augmentation of the training crops (``True``: flips and 90-degree turns).

    Returns
    -------
    CourseData
    """
    from .config import Profile, get_profile
    from .data import course_splits, load_image, make_dataset

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    splits = splits or course_splits(data_dir, seed=seed)
    train_ds = make_dataset(splits.train, crop=prof.crop,
                            batch_size=prof.batch_size * batches_per_step,
                            augment=augment, cache=True, shuffle=True, seed=seed,
                            repeat=True)
    val_ds = make_dataset(splits.val, batch_size=1, cache=True)
    step = max(1, len(splits.val) // max(1, samples))
    pairs = []
    for pair in splits.val[::step][:samples]:
        low, high = load_image(pair.low), load_image(pair.high)
        pairs.append((_centre(low, sample_side), _centre(high, sample_side)))
    return CourseData(train_ds, val_ds, steps_per_epoch(prof, len(splits.train)), pairs,
                      splits)


def steps_per_epoch(profile, n_train: int) -> int:
    """Training steps per epoch: the profile's, else one pass over ``n_train`` pairs."""
    return profile.steps_per_epoch or max(1, math.ceil(n_train / profile.batch_size))


def _centre(img: np.ndarray, side: int) -> np.ndarray:
    h, w = img.shape[:2]
    y, x = max(0, (h - side) // 2), max(0, (w - side) // 2)
    return img[y : y + side, x : x + side]


def method_profile(method: str, profile):
    """The profile with a method's own training sizes, where its module sets them.

    A method module's ``PROFILE_SETTINGS[profile.name]`` may set ``crop``, ``batch_size``,
    ``steps_per_epoch`` and ``epochs`` (Zero-DCE trains on smaller crops in larger batches
    than the GANs); the rest of the profile is kept.
    """
    module = importlib.import_module(METHODS[method].split(":")[0])
    settings = getattr(module, "PROFILE_SETTINGS", {}).get(profile.name, {})
    sizes = {k: settings[k] for k in ("crop", "batch_size", "steps_per_epoch", "epochs")
             if k in settings}
    return dataclasses.replace(profile, **sizes)


def default_epochs(method: str, profile) -> int:
    """Epochs of a method in a profile: ``PROFILE_SETTINGS[profile]["epochs"]`` of the
    method's module if it sets one, else the profile's."""
    module = importlib.import_module(METHODS[method].split(":")[0])
    settings = getattr(module, "PROFILE_SETTINGS", {}).get(profile.name, {})
    return int(settings.get("epochs", profile.epochs))


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
    augment : bool or lowlight_utils.data.Augment
        Passed to :func:`course_datasets`.
    sizes_from_method : bool
        Take crop, batch, steps and epochs from the method's module where it sets them
        (:func:`method_profile`); False keeps ``profile`` as given (the presets).
    **train_kwargs
        Passed to :func:`train` (``strategy``, ``verbose``, ``callbacks``, ...).

    Returns
    -------
    TrainResult
    """
    import inspect

    import keras
    import tensorflow as tf

    from .config import Profile, get_profile
    from .data import course_splits

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    if sizes_from_method:
        prof = method_profile(method, prof)
    splits = course_splits(data_dir, seed=seed)
    steps = steps_per_epoch(prof, len(splits.train))
    builder = get_builder(method)
    epochs = epochs or (default_epochs(method, prof) if sizes_from_method else prof.epochs)
    kwargs = dict(build_kwargs or {})
    if "steps_per_epoch" in inspect.signature(builder).parameters:
        kwargs.setdefault("steps_per_epoch", steps)  # for learning-rate schedules
    strategy = train_kwargs.pop("strategy", None) or tf.distribute.get_strategy()
    keras.utils.set_random_seed(seed)  # same seed, same initial weights
    with strategy.scope():
        model = builder(prof, **kwargs)
    data = course_datasets(prof, seed=seed, splits=splits, augment=augment,
                           batches_per_step=int(getattr(model, "batches_per_step", 1)))
    return train(model, data.train, data.val, run_dir, epochs=epochs, steps_per_epoch=steps,
                 sample_pairs=data.sample_pairs, strategy=strategy, **train_kwargs)
