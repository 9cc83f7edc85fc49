"""What the full profile costs: FLOPs, steps and minutes per notebook and per preset.

``python -m lowlight_utils.bench cost`` (add ``--no-measure`` to skip the CPU timing)

For each notebook (01-05) and each report preset (:mod:`lowlight_utils.presets`), in the
``full`` profile, every training run it makes: FLOPs of one training step (counted from the
layer shapes, :func:`lowlight_utils.bench.train_step.train_step_flops`), the number of steps
(read from what the notebook or preset trains), and the minutes that takes

* on a Colab T4 in float32 and in mixed precision, and on a Colab A100 in mixed precision:
  **estimates**, FLOPs divided by the GPU's published peak times an assumed achieved
  fraction (:data:`GPUS`, printed with every table). No GPU was used to make them;
* on this machine's CPU: **measured**, the median of a few real training steps (float32,
  the course's default on a CPU) times the number of steps.

A notebook whose estimated T4 time (float32, the slower case) is longer than a free Colab
session (:data:`SESSION_HOURS`) is flagged: its runs resume across sessions from their
stable run folders (keep them on Google Drive, see :func:`lowlight_utils.colab.use_drive`).

The step counts assume the LOL training split (``--data lol``, the reports' data: 437 of
LOL's 485 training pairs after the course's 90/10 split); ``--data sample`` costs the
embedded sample instead. Validation, sample grids and checkpointing are not counted.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
from collections.abc import Callable

#: Hours a free Colab session can last at most: the Colab FAQ
#: (https://research.google.com/colaboratory/faq.html) says virtual machines "have maximum
#: lifetimes that can be as much as 12 hours", and disconnect sooner when idle or when usage
#: limits are reached, so this is an upper bound.
SESSION_HOURS = 12.0

#: The pix2pix TensorFlow tutorial (tensorflow.org/tutorials/generative/pix2pix) says an
#: epoch of its 400 facade images at batch 1 "takes around 15 seconds on a single V100 GPU".
#: Its U-Net and 70x70 PatchGAN are this course's full-profile networks, 81.0 GFLOP per
#: training step counted as here, so it achieved 81.0e9 / 37.5e-3 s = 2.16 TFLOP/s, 14 % of
#: the V100's 15.7 TFLOP/s float32 peak. That is the float32 fraction assumed below.
FP32_FRACTION = 0.14
#: Mixed precision runs the convolutions on tensor cores. Assumed: 5 % of the float16
#: tensor peak, which on a T4 is 2.9x its float32 estimate (TensorFlow's mixed-precision
#: guide, tensorflow.org/guide/mixed_precision: "can improve performance by more than 3
#: times on modern GPUs"); no measurement backs it here.
MIXED_FRACTION = 0.05


@dataclasses.dataclass(frozen=True)
class GPU:
    """A GPU column of the table: a published peak and the fraction assumed achieved.

    Attributes
    ----------
    name : str
    precision : str
        ``"float32"`` or ``"mixed"``.
    peak_tflops : float
        The datasheet's dense peak for that precision (TFLOP/s).
    fraction : float
        Share of the peak assumed achieved by the course's training steps.
    source : str
        Where the peak comes from.
    """

    name: str
    precision: str
    peak_tflops: float
    fraction: float
    source: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.precision}"

    def minutes(self, flops: float) -> float:
        """Estimated minutes for ``flops`` floating-point operations."""
        return flops / (self.peak_tflops * 1e12 * self.fraction) / 60.0


GPUS = (
    GPU("T4", "float32", 8.1, FP32_FRACTION, "NVIDIA T4 datasheet: 8.1 TFLOPS FP32"),
    GPU("T4", "mixed", 65.0, MIXED_FRACTION,
        "NVIDIA T4 datasheet: 65 TFLOPS mixed FP16/FP32 (tensor cores)"),
    GPU("A100", "mixed", 312.0, MIXED_FRACTION,
        "NVIDIA A100 datasheet: 312 TFLOPS FP16 tensor core (dense)"),
)


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
    :func:`lowlight_utils.data.split_pairs`, as :func:`~lowlight_utils.data.course_splits`
    does)."""
    from types import SimpleNamespace

    from lowlight_utils.data import split_pairs

    train, _ = split_pairs([SimpleNamespace(low=f"{i}.png") for i in range(485)], (0.9, 0.1),
                           seed=seed)
    return len(train)


def sample_train_pairs() -> int:
    """Training pairs of the embedded sample (written to disk on first use)."""
    from lowlight_utils.data import course_splits
    from lowlight_utils.synthetic import sample_dataset

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
        Run("Pix2Pix BCE + L1", "pix2pix-bce", {}, prof.crop, prof.batch_size, steps),),
        note="its second train() call resumes the finished run: 0 steps",
        train_calls=2,
        anchors=('EPOCHS = default_epochs("pix2pix-bce", PROFILE)', "data = course_datasets(",
                 "steps_per_epoch=data.steps_per_epoch"))


def _notebook_03(n_train: int) -> Plan:
    from lowlight_utils.config import get_profile

    prof = get_profile("full")
    epochs, per_epoch = prof.epochs, prof.steps_per_epoch or 100
    steps = epochs * per_epoch
    return Plan("03_pix2pix_wgan_gp", (
        Run("WGAN-GP (report)", "pix2pix-wgan-gp", {"steps_per_epoch": per_epoch}, prof.crop,
            prof.batch_size, steps),
        Run("Pix2Pix BCE, same budget", "pix2pix-bce", {}, prof.crop, prof.batch_size, steps),
    ), note="100 steps per epoch whatever the data", train_calls=2,
        anchors=("EPOCHS, STEPS = PROFILE.epochs, PROFILE.steps_per_epoch or 100",
                 "model = wgan.build(PROFILE, steps_per_epoch=STEPS)",
                 "crop=PROFILE.crop", "batch_size=PROFILE.batch_size * batches_per_step"))


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
                 'runs["Keras-example normalisation"]', "zero_dce.build_plusplus(PROFILE)"))


NOTEBOOKS: dict[str, Callable[[int], Plan]] = {
    "01_data_preparation": lambda n: Plan(
        "01_data_preparation", (), "trains nothing (data, splits and pipelines only)"),
    "02_pix2pix_bce": _notebook_02,
    "03_pix2pix_wgan_gp": _notebook_03,
    "04_zero_dce": _notebook_04,
    "05_metrics_and_comparison": lambda n: Plan(
        "05_metrics_and_comparison", (),
        "trains nothing (evaluates the models notebooks 02-04 exported)"),
}


def preset_plan(name: str, n_train: int) -> Plan:
    """A preset's run as ``python -m lowlight_utils train --preset NAME`` trains it: the
    preset's crop, batch and epochs, one pass over the training split per epoch."""
    from lowlight_utils.presets import get_preset

    p = get_preset(name)
    steps = p.epochs * max(1, math.ceil(n_train / p.batch_size))
    return Plan(f"preset {name}", (Run(p.report, p.method, dict(p.build), p.crop,
                                        p.batch_size, steps),))


# --------------------------------------------------------------------------------------
# Counting and measuring


@dataclasses.dataclass
class StepCost:
    """FLOPs (and measured CPU seconds) of one training step of a :class:`Run`."""

    flops: float | None
    how: str
    cpu_seconds: float | None = None
    error: str | None = None


def step_cost(run: Run, measure: bool, repeats: int = 2) -> StepCost:
    """Count (and optionally time) one training step of ``run`` on this machine.

    A model that cannot be built or stepped at the run's sizes gives a :class:`StepCost`
    with ``error`` set instead of raising, so one broken configuration does not hide the
    others' costs.
    """
    from lowlight_utils.bench.train_step import train_step_flops
    from lowlight_utils.training import build_method

    try:
        model = build_method(run.method, "full", **run.build)
        flops, how = train_step_flops(model, run.crop, run.batch)
    except Exception as err:  # noqa: BLE001 - reported in the table
        return StepCost(None, "", error=f"{type(err).__name__}: {str(err).splitlines()[0]}")
    cost = StepCost(float(flops), how)
    if measure:
        try:
            cost.cpu_seconds = _time_step(model, run, repeats)
        except Exception as err:  # noqa: BLE001
            cost.error = f"timing failed: {type(err).__name__}: {str(err).splitlines()[0]}"
    return cost


def _time_step(model, run: Run, repeats: int) -> float:
    import tensorflow as tf

    from lowlight_utils.bench.common import timeit

    per_step = run.batch * int(getattr(model, "batches_per_step", 1))
    rng = tf.random.Generator.from_seed(0)
    low = rng.uniform([per_step, run.crop, run.crop, 3])
    high = rng.uniform([per_step, run.crop, run.crop, 3])
    step = tf.function(model.train_step)  # no XLA on a CPU (train_step.JIT_BY_DEVICE)
    return timeit(lambda: float(next(iter(step((low, high)).values()))),
                  repeats=repeats, warmup=1)


def _fmt_minutes(minutes: float | None) -> str:
    if minutes is None:
        return "-"
    if minutes >= 120:
        return f"{minutes / 60:.1f} h"
    return f"{minutes:.0f} min" if minutes >= 1 else "<1 min"


@dataclasses.dataclass
class Row:
    """One line of the table: a run, or a plan's total."""

    plan: str
    label: str
    gflop_per_step: float | None
    steps: int | None
    minutes: dict[str, float | None]
    note: str = ""


def cost_rows(plans, measure: bool, repeats: int = 2, cache: dict | None = None) -> list[Row]:
    """Rows of the table: one per run, plus a total per plan with several runs."""
    cache = {} if cache is None else cache
    rows = []
    for plan in plans:
        if not plan.runs:
            rows.append(Row(plan.name, "-", None, None, {}, plan.note))
            continue
        totals: dict[str, float | None] = {}
        for run in plan.runs:
            if run.key not in cache:
                cache[run.key] = step_cost(run, measure, repeats)
            cost = cache[run.key]
            minutes = _run_minutes(cost, run.steps)
            for k, v in minutes.items():
                totals[k] = None if (v is None or totals.get(k, 0.0) is None) else (
                    totals.get(k, 0.0) + v)
            gflop = cost.flops / 1e9 if cost.flops is not None else None
            rows.append(Row(plan.name, run.label, gflop, run.steps, minutes,
                            cost.error or ""))
        if len(plan.runs) > 1:
            rows.append(Row(plan.name, "total", None, sum(r.steps for r in plan.runs), totals,
                            plan.note))
        elif plan.note:
            rows[-1].note = "; ".join(x for x in (rows[-1].note, plan.note) if x)
    return rows


def _run_minutes(cost: StepCost, steps: int) -> dict[str, float | None]:
    out: dict[str, float | None] = {
        gpu.label: (gpu.minutes(cost.flops * steps) if cost.flops is not None else None)
        for gpu in GPUS}
    out["CPU"] = cost.cpu_seconds * steps / 60.0 if cost.cpu_seconds is not None else None
    return out


def over_session(row: Row) -> bool:
    """True when the row's T4 float32 estimate is longer than a free Colab session."""
    t4 = row.minutes.get(GPUS[0].label)
    return t4 is not None and t4 > SESSION_HOURS * 60


def format_table(rows: list[Row], markdown: bool = False) -> str:
    """The rows as an aligned text table, or as a Markdown table."""
    columns = ["notebook / preset", "run", "GFLOP/step", "steps",
               *(f"{g.label} (est.)" for g in GPUS), "this CPU (meas.)", "note"]
    body = []
    for r in rows:
        body.append([r.plan, r.label + (" *" if over_session(r) else ""),
                     f"{r.gflop_per_step:,.0f}" if r.gflop_per_step is not None else "-",
                     f"{r.steps:,}" if r.steps is not None else "-",
                     *(_fmt_minutes(r.minutes.get(g.label)) for g in GPUS),
                     _fmt_minutes(r.minutes.get("CPU")) if r.minutes else "-", r.note])
    if markdown:
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(str(x[i])) for x in [columns, *body]) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in body]
    return "\n".join(lines)


def header_line(name: str, rows: list[Row], n_train: int) -> str:
    """The sentence a notebook's header cell states about its full-profile cost.

    Built from the notebook's rows of :func:`cost_rows` (its total when it has several
    runs); ``python -m lowlight_utils.bench cost --headers`` prints it for every notebook,
    and a test checks that each header still says it.
    """
    command = f"`python -m lowlight_utils.bench cost --only {name}`"
    mine = [r for r in rows if r.plan == name]
    if not mine or mine[0].steps is None:
        return f"**Full profile:** trains nothing ({command} says so)."
    total = mine[-1]
    fp32, mixed = (_fmt_minutes(total.minutes.get(g.label)) for g in GPUS[:2])
    line = (f"**Full profile on a Colab T4:** about {fp32} in float32, {mixed} in mixed "
            f"precision (estimates for LOL's {n_train} training pairs; {command} prints them with their "
            "assumptions).")
    if over_session(total):
        line += (f" That is longer than a free Colab session ({SESSION_HOURS:g} h at most): "
                 "keep the runs on Google Drive and run the notebook again in a new session "
                 "to resume.")
    return line


def assumptions(n_train: int, data: str, measured: bool, repeats: int) -> str:
    """The assumptions every table is printed with."""
    lines = [
        f"Full profile. Steps assume {n_train} training pairs ({data}).",
        "GPU minutes are ESTIMATES: FLOPs per step (counted from layer shapes) x steps / "
        "(published peak x assumed achieved fraction); no GPU was used:",
    ]
    lines += [f"  {g.label:13s} {g.peak_tflops:6.1f} TFLOP/s peak x {g.fraction:.0%} achieved "
              f"= {g.peak_tflops * g.fraction:.2f} TFLOP/s ({g.source})" for g in GPUS]
    lines.append(f"  float32 fraction {FP32_FRACTION:.0%}: the pix2pix TensorFlow tutorial's "
                 "V100 epoch time; mixed fraction "
                 f"{MIXED_FRACTION:.0%}: assumed, about 3x float32 on a T4 (sources in "
                 "lowlight_utils/bench/cost.py).")
    lines.append("  Zero-DCE's 32-channel layers use a GPU less well than the GANs' wide "
                 "ones: its GPU estimates are the most optimistic.")
    if measured:
        lines.append(f"CPU minutes are MEASURED on this machine ({os.cpu_count()} cores, "
                     f"float32): median of {repeats} training steps after one warm-up, x steps.")
    else:
        lines.append("CPU minutes not measured (--no-measure).")
    lines.append(f"* longer than a free Colab session ({SESSION_HOURS:g} h at most, Colab FAQ): "
                 "runs resume across sessions from their run folders (keep them on Drive).")
    lines.append("Not counted: validation, sample grids, checkpoints, data loading.")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-measure", action="store_true",
                        help="skip timing real steps on this CPU (counting only: seconds)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="timed steps per configuration (median; default 2)")
    parser.add_argument("--data", choices=("lol", "sample"), default="lol",
                        help="training pairs the step counts assume (default: LOL's)")
    parser.add_argument("--only", action="append", default=None, metavar="NAME",
                        help="a notebook (e.g. 03_pix2pix_wgan_gp) or preset name; repeatable")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--headers", action="store_true",
                        help="print the cost sentence of each notebook's header cell (LOL "
                        "steps, no CPU timing)")


def run(args) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from lowlight_utils.presets import PRESETS

    if args.headers:
        n_train = lol_train_pairs()
        rows = cost_rows([NOTEBOOKS[n](n_train) for n in NOTEBOOKS], measure=False)
        for name in NOTEBOOKS:
            print(f"{name}: {header_line(name, rows, n_train)}")
        return 0
    if args.data == "lol":
        n_train, data = lol_train_pairs(), "LOL our485, 90/10 split"
    else:
        n_train, data = sample_train_pairs(), "the embedded sample"
    names = list(NOTEBOOKS) + list(PRESETS)
    unknown = [n for n in args.only or [] if n not in names]
    if unknown:
        raise SystemExit(f"unknown notebook or preset {unknown}; choose from {names}")
    chosen = args.only or names
    plans = [NOTEBOOKS[n](n_train) if n in NOTEBOOKS else preset_plan(n, n_train)
             for n in chosen]
    rows = cost_rows(plans, measure=not args.no_measure, repeats=args.repeats)
    print(assumptions(n_train, data, not args.no_measure, args.repeats))
    print()
    print(format_table(rows, markdown=args.markdown))
    return 0
