"""The course's training callbacks: best checkpoint, backup and resume, NaN guard, logs, samples.

See :mod:`lowlight_utils.training` for what each writes into the run folder.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import time
from pathlib import Path

import keras
import numpy as np

BEST_MODEL = "best.keras"
FINAL_MODEL = "final.keras"
HISTORY = "history.csv"


def _finite(value) -> bool:
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=np.float64))))
    except (TypeError, ValueError):
        return True  # not a number: nothing to check


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


class EpochTimer(keras.callbacks.Callback):
    """Record each epoch's wall-clock seconds (validation included) in ``.seconds``.

    The first epoch of a ``fit`` also traces the training step into a graph; compare later
    epochs when timing a method. An epoch a resumed run skips is not recorded.

    Used in notebook 03, section 'Training WGAN-GP', to time an epoch of each method on the same
    budget.

    Attributes
    ----------
    seconds : list of float
        One entry per epoch this callback saw end, in order.

    Examples
    --------
    >>> timer = EpochTimer()
    >>> timer.seconds
    []
    """

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []
        self._t0 = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._t0)


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
    from ..inference import enhance_image

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
    from ..data.io import save_image

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return save_image(_free_name(out_dir, stem), sample_grid(model, pairs))


def read_history(run_dir) -> dict[str, list[float]]:
    """The run's ``history.csv`` as ``{column: [value per epoch]}`` (with ``epoch``).

    A row repeated by a resume (killed after the row was written, before the backup) is
    kept once, the later one winning. Keras' ``CSVLogger`` writes ``NA`` where an epoch has
    no value (the ``val_`` columns it adds to a run trained without validation): read as
    NaN, and a column with no value at all is left out.
    """
    path = Path(run_dir) / HISTORY
    if not path.is_file():
        return {}
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("epoch", "") != ""]
    by_epoch = {int(r["epoch"]): r for r in rows}
    ordered = [by_epoch[e] for e in sorted(by_epoch)]
    keys = list(ordered[0]) if ordered else []
    missing = ("", "NA", None)
    return {k: [float(r[k]) if r[k] not in missing else math.nan for r in ordered]
            for k in keys if not all(r[k] in missing for r in ordered)}


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
    run_dir = Path(run_dir)
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(run_dir / BEST_MODEL), monitor=monitor, mode=mode, save_best_only=True,
        initial_value_threshold=_previous_best(run_dir, monitor, mode),
    )
    callbacks = [
        NaNGuard(run_dir),
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
            SampleGrid(sample_pairs, run_dir / "samples", sample_every)
        )
    callbacks.append(
        SafeBackupAndRestore(
            str(run_dir / "backup"), delete_checkpoint=False, double_checkpoint=True
        )
    )
    return callbacks
