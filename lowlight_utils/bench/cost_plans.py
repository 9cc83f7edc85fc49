"""What each notebook and preset trains in the full profile, for the cost benchmark.

Each notebook's plan is read from its code: the lines its step counts come from are listed
as ``anchors``, and ``tests/bench/test_cost.py`` checks they are still in the notebook and that it
makes no training call the plan does not know of.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Run:
    """One training run of a notebook or preset.

    Attributes
    ----------
    label : str
        What it is, for the table.
    method : str
        A name of :data:`lowlight_utils.training.METHODS`.
    build : dict
        Overrides for the method's builder (in the full profile).
    crop, batch : int
        Training crop side and images per update (WGAN-GP: per critic sub-batch).
    steps : int
        Training steps (generator updates) of the whole run.
    """

    label: str
    method: str
    build: dict
    crop: int
    batch: int
    steps: int

    @property
    def key(self) -> tuple:
        """Runs with the same key have the same step (measured and counted once)."""
        return (self.method, tuple(sorted(self.build.items())), self.crop, self.batch)


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a notebook or preset trains in the full profile.

    Attributes
    ----------
    name : str
    runs : tuple of Run
        Empty for a notebook that trains nothing.
    note : str
        Why there is nothing to cost, or what the runs leave out.
    train_calls : int
        For a notebook: how many training calls (``train(``, ``.fit(``) its code makes; a
        test compares it with the notebook, so a new training run cannot go uncosted.
    anchors : tuple of str
        Lines of the notebook the step counts are read from; the same test checks they are
        still there.
    """

    name: str
    runs: tuple[Run, ...]
    note: str = ""
    train_calls: int = 0
    anchors: tuple[str, ...] = ()


def lol_train_pairs(seed: int = 0) -> int:
    """Training pairs of LOL after the course's split (our485 split 90/10 by
    :func:`lowlight_utils.data.pairs.split_pairs`, as :func:`~lowlight_utils.data.pairs.course_splits`
    does)."""
    from types import SimpleNamespace

    from lowlight_utils.data import split_pairs

    train, _ = split_pairs([SimpleNamespace(low=f"{i}.png") for i in range(485)], (0.9, 0.1),
                           seed=seed)
    return len(train)


def sample_train_pairs() -> int:
    """Training pairs of the embedded sample (written to disk on first use)."""
    from lowlight_utils.data import course_splits
    from lowlight_utils.data.synthetic import sample_dataset

    return len(course_splits(sample_dataset()).train)


# --------------------------------------------------------------------------------------
# What each notebook trains, read from its code (the anchors below are checked by a test)


def _notebook_02(n_train: int) -> Plan:
    from lowlight_utils.config import get_profile
    from lowlight_utils.training import default_epochs, steps_per_epoch

    prof = get_profile("full")
    epochs = default_epochs("pix2pix-bce", prof)
    steps = epochs * steps_per_epoch(prof, n_train)
    return Plan("02_pix2pix_bce", (
        Run("Pix2Pix BCE + L1", "pix2pix-bce", {}, prof.crop, prof.batch_size, steps),
        Run("exercise 1: 2 brief runs", "pix2pix-bce", {}, prof.crop, prof.batch_size, 2 * 60),
    ), note="its second train() call resumes the finished run: 0 steps; the colour "
            "ablation is `bench heads --no-colour-augment`", train_calls=3,
        anchors=('EPOCHS = default_epochs("pix2pix-bce", PROFILE)', "data = course_datasets(",
                 "steps_per_epoch=data.steps_per_epoch", "BRIEF_STEPS = cap_steps(60)",
                 "m.fit(ds, steps_per_epoch=BRIEF_STEPS, epochs=1", "brief_pix2pix()",
                 "brief_pix2pix(l1_weight=0.0)"))


def _notebook_03(n_train: int) -> Plan:
    from lowlight_utils.config import get_profile

    prof = get_profile("full")
    epochs, per_epoch = prof.epochs, prof.steps_per_epoch or 100
    steps = epochs * per_epoch
    return Plan("03_pix2pix_wgan_gp", (
        Run("WGAN-GP (paper)", "pix2pix-wgan-gp", {"steps_per_epoch": per_epoch}, prof.crop,
            prof.batch_size, steps),
        Run("WGAN-GP, the report's configuration, short run", "pix2pix-wgan-gp",
            {"steps_per_epoch": per_epoch, "variant": "report"}, prof.crop, prof.batch_size,
            40),
        Run("Pix2Pix BCE, same budget", "pix2pix-bce", {}, prof.crop, prof.batch_size, steps),
        Run("exercise 3: n_critic = 1", "pix2pix-wgan-gp", {"steps_per_epoch": 5, "n_critic": 1},
            prof.crop, prof.batch_size, 2 * 5),
    ), note="100 steps per epoch whatever the data", train_calls=4,
        anchors=("EPOCHS, STEPS = PROFILE.epochs, PROFILE.steps_per_epoch or 100",
                 "model = wgan.build(PROFILE, steps_per_epoch=STEPS)",
                 "REPORT_EPOCHS, REPORT_STEPS = 1, cap_steps(40)",
                 'wgan.build(PROFILE, variant="report", steps_per_epoch=STEPS)',
                 "crop=PROFILE.crop", "batch_size=PROFILE.batch_size * batches_per_step",
                 "EX_STEPS = cap_steps(5)",
                 "wgan.build(PROFILE, steps_per_epoch=EX_STEPS, n_critic=1)",
                 "steps_per_epoch=EX_STEPS, epochs=2"))


def _notebook_04(n_train: int) -> Plan:
    from lowlight_utils import zero_dce

    s = zero_dce.PROFILE_SETTINGS["full"]
    per_epoch = s["steps_per_epoch"] or math.ceil(n_train / s["batch_size"])
    steps = s["epochs"] * per_epoch
    ablations = len(zero_dce.ABLATIONS) + 2  # + two smoothness-normalisation runs
    return Plan("04_zero_dce", (
        Run("Zero-DCE", "zero-dce", {}, s["crop"], s["batch_size"], steps),
        Run(f"loss ablation, {ablations} runs", "zero-dce", {}, s["crop"],
            s["ablation_batch_size"], ablations * s["ablation_steps"]),
        Run("Zero-DCE++", "zero-dce++", {}, s["crop"], s["batch_size"], steps),
    ), train_calls=3,
        anchors=('EPOCHS = cap_epochs(SETTINGS["epochs"])',
                 'or math.ceil(len(splits.train) / SETTINGS["batch_size"])',
                 'steps_per_epoch=cap_steps(SETTINGS["ablation_steps"])',
                 'batch_size=SETTINGS["ablation_batch_size"]',
                 'runs = {name: {"loss_weights": w} for name, w in zero_dce.ABLATIONS.items()}',
                 'runs["Keras-example smoothness"]', 'runs[f"smoothness weight 200 x',
                 "zero_dce.build_plusplus(PROFILE)"))


def _notebook_06(n_train: int) -> Plan:
    """Both tasks train on the embedded sample (LOL has no noise or blur pairs): its
    training split, whatever ``n_train`` says."""
    from lowlight_utils.config import get_profile
    from lowlight_utils.data import course_splits
    from lowlight_utils.training import default_epochs, steps_per_epoch

    prof = get_profile("full")
    epochs = default_epochs("pix2pix-bce", prof)
    runs = tuple(
        Run(f"Pix2Pix BCE + L1, {task} task", "pix2pix-bce", {}, prof.crop, prof.batch_size,
            epochs * steps_per_epoch(prof, len(course_splits(task=task).train)))
        for task in ("noise", "blur"))
    return Plan("06_other_paired_tasks", runs,
                note="the embedded sample's noise and blur pairs, not LOL", train_calls=1,
                anchors=('EPOCHS = default_epochs("pix2pix-bce", PROFILE)',
                         'for task in ("noise", "blur"):',
                         "data = course_datasets(PROFILE, task=task)",
                         "steps_per_epoch=data.steps_per_epoch"))


NOTEBOOKS: dict[str, Callable[[int], Plan]] = {
    "01_data_preparation": lambda n: Plan(
        "01_data_preparation", (), "trains nothing (data, splits and pipelines only)"),
    "02_pix2pix_bce": _notebook_02,
    "03_pix2pix_wgan_gp": _notebook_03,
    "04_zero_dce": _notebook_04,
    "05_metrics_and_comparison": lambda n: Plan(
        "05_metrics_and_comparison", (),
        "trains nothing (evaluates the models notebooks 02-04 exported)"),
    "06_other_paired_tasks": _notebook_06,
}


def preset_plan(name: str, n_train: int) -> Plan:
    """A preset's run as ``python -m lowlight_utils train --preset NAME`` trains it: the
    preset's crop, batch and epochs, one pass over the training split per epoch."""
    from lowlight_utils.training.presets import get_preset

    p = get_preset(name)
    steps = p.epochs * max(1, math.ceil(n_train / p.batch_size))
    return Plan(f"preset {name}", (Run(p.report, p.method, dict(p.build), p.crop,
                                        p.batch_size, steps),))
