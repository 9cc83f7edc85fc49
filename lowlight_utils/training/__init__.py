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

Methods are looked up by name in :data:`METHODS`, which
:mod:`~lowlight_utils.training.registry` merges from the method modules' own declarations
(``lowlight_utils.pix2pix.method``, ``.wgan.method``, ``.zero_dce.method``).

One module per idea: :mod:`.registry` (the methods by name), :mod:`.callbacks` (the table
above), :mod:`.loop` (:func:`train`, :func:`fit_method`, saving and loading models) and
:mod:`.datasets` (the course's data for a run); everything is importable from here.
"""

from .callbacks import (
    BEST_MODEL,
    FINAL_MODEL,
    HISTORY,
    EpochTimer,
    NaNGuard,
    SafeBackupAndRestore,
    SampleGrid,
    make_callbacks,
    read_history,
    sample_grid,
    save_sample_grid,
    tensorboard_available,
)
from .datasets import CourseData, course_datasets, steps_per_epoch
from .loop import TrainResult, fit_method, load_model, save_final, train
from .registry import (
    METHODS,
    build_method,
    default_epochs,
    get_builder,
    get_method,
    method_profile,
)

__all__ = [
    "BEST_MODEL",
    "FINAL_MODEL",
    "HISTORY",
    "METHODS",
    "CourseData",
    "EpochTimer",
    "NaNGuard",
    "SafeBackupAndRestore",
    "SampleGrid",
    "TrainResult",
    "build_method",
    "course_datasets",
    "default_epochs",
    "fit_method",
    "get_builder",
    "get_method",
    "load_model",
    "make_callbacks",
    "method_profile",
    "read_history",
    "sample_grid",
    "save_final",
    "save_sample_grid",
    "steps_per_epoch",
    "tensorboard_available",
    "train",
]
