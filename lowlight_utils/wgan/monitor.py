"""Per-step training logs: what a critic's Wasserstein estimate does step by step.

``fit`` logs running means: at batch k of an epoch, ``logs["wasserstein"]`` is the mean of
steps 0..k, and ``history.csv`` keeps one number per epoch. :class:`StepLog` recovers each
step's own value from the model's ``keras.metrics.Mean`` trackers (the change of their
``total`` and ``count`` since the last batch), keeps them in memory and, given a path,
appends them to a CSV file that survives a resumed run.
"""

from __future__ import annotations

import csv
from pathlib import Path

import keras
import numpy as np

#: What :class:`StepLog` records by default for :class:`~lowlight_utils.wgan.WGANGP`.
STEP_KEYS = ("wasserstein", "gp", "c_loss", "g_adv", "g_l1")


class StepLog(keras.callbacks.Callback):
    """Record each training step's value of some of the model's metrics.

    Used in notebook 03, section 'Training WGAN-GP', and notebook 03, section 'The report's
    critic, in a short run'.

    Parameters
    ----------
    keys : sequence of str
        Names of ``keras.metrics.Mean`` metrics of the model (``model.metrics``); default
        :data:`STEP_KEYS`.
    path : path, optional
        A CSV file (columns ``step, epoch`` and ``keys``) appended at the end of each epoch.
        If it exists when training starts, the rows of steps the model has not completed
        (``model.optimizer.iterations``, restored first by ``BackupAndRestore``) are dropped,
        so a resumed run does not count a step twice.

    Attributes
    ----------
    rows : list of dict
        One dict per step of this ``fit`` (``step`` is the generator's step number, from 1).

    Notes
    -----
    A step's value is ``(total - previous total) / (count - previous count)`` of the metric's
    accumulators, which is the value ``train_step`` passed to ``update_state``; with
    ``steps_per_execution`` > 1 it is the mean of the steps run together.

    Examples
    --------
    >>> log = StepLog(path="run/steps.csv")  # doctest: +SKIP
    >>> fit_method("pix2pix-wgan-gp", "run", callbacks=[log])  # doctest: +SKIP
    >>> steps = read_step_log("run/steps.csv")  # doctest: +SKIP
    >>> plt.plot(steps["step"], steps["wasserstein"])  # doctest: +SKIP
    """

    def __init__(self, keys=STEP_KEYS, path=None):
        super().__init__()
        self.keys = tuple(keys)
        self.path = None if path is None else Path(path)
        self.rows: list[dict] = []
        self._pending: list[dict] = []
        self._epoch = 0
        self._previous: dict = {}

    def _metrics(self) -> dict:
        found = {m.name: m for m in self.model.metrics}
        missing = [k for k in self.keys if k not in found]
        if missing:
            raise ValueError(f"StepLog: the model has no metric(s) {missing}; it has "
                             f"{sorted(found)}")
        return {k: found[k] for k in self.keys}

    def _step(self) -> int:
        return int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def on_train_begin(self, logs=None):
        self._tracked = self._metrics()
        if self.path is not None and self.path.exists():
            done = self._step()
            kept = [r for r in read_step_log(self.path, as_rows=True) if r["step"] <= done]
            self._write(kept, mode="w")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._previous = {k: (0.0, 0.0) for k in self.keys}

    def on_train_batch_end(self, batch, logs=None):
        row = {"step": self._step(), "epoch": self._epoch + 1}
        for key, metric in self._tracked.items():
            total = float(keras.ops.convert_to_numpy(metric.total))
            count = float(keras.ops.convert_to_numpy(metric.count))
            prev_total, prev_count = self._previous[key]
            if count < prev_count:  # the metric was reset
                prev_total, prev_count = 0.0, 0.0
            row[key] = ((total - prev_total) / (count - prev_count) if count > prev_count
                        else float("nan"))
            self._previous[key] = (total, count)
        self.rows.append(row)
        self._pending.append(row)

    def on_epoch_end(self, epoch, logs=None):
        if self.path is not None and self._pending:
            self._write(self._pending, mode="a")
        self._pending = []

    def _write(self, rows, mode):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header = mode == "w" or not self.path.exists() or self.path.stat().st_size == 0
        with open(self.path, mode, newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["step", "epoch", *self.keys])
            if header:
                writer.writeheader()
            writer.writerows(rows)

    def as_arrays(self) -> dict:
        """``rows`` as ``{column: numpy array}`` (``step``, ``epoch`` and the keys)."""
        return _columns(self.rows, ["step", "epoch", *self.keys])


def _columns(rows, names) -> dict:
    return {n: np.array([r[n] for r in rows], dtype=np.int64 if n in ("step", "epoch")
                        else np.float64) for n in names}


def read_step_log(path, as_rows: bool = False):
    """Read a CSV written by :class:`StepLog`.

    Used in notebook 03, section 'Does the critic learn?'.

    Parameters
    ----------
    path : path
    as_rows : bool
        Return a list of dicts instead of columns.

    Returns
    -------
    dict of numpy.ndarray
        ``{"step": int array, "epoch": int array, key: float array, ...}``, sorted by step.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If it has no ``step`` column.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"step log not found: {path}")
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        names = reader.fieldnames or []
        if "step" not in names:
            raise ValueError(f"{path} is not a StepLog file: no 'step' column in {names}")
        rows = [{k: (int(v) if k in ("step", "epoch") else float(v)) for k, v in r.items()}
                for r in reader]
    rows.sort(key=lambda r: r["step"])
    return rows if as_rows else _columns(rows, names)
