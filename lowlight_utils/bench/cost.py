"""What the full profile costs: FLOPs, steps and minutes per notebook and per preset.

``python -m lowlight_utils.bench cost`` (add ``--no-measure`` to skip the CPU timing)

For each notebook (01-05) and each report preset (:mod:`lowlight_utils.training.presets`), in the
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
import os

from .cost_plans import NOTEBOOKS, Run, lol_train_pairs, preset_plan, sample_train_pairs

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
        return StepCost(None, "", error=_describe(err))
    cost = StepCost(float(flops), how)
    if measure:
        try:
            cost.cpu_seconds = _time_step(model, run, repeats)
        except Exception as err:  # noqa: BLE001
            cost.error = f"timing failed: {_describe(err)}"
    return cost


def _describe(err: Exception) -> str:
    """The error's type and its last non-empty line (TensorFlow puts the cause last)."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return f"{type(err).__name__}: {lines[-1] if lines else ''}"[:200]


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
    if not any(r.minutes.get("CPU") is not None for r in rows):  # nothing measured
        columns.pop(-2)
        body = [row[:-2] + row[-1:] for row in body]
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
                        help="skip timing real steps on this CPU (count FLOPs and steps only)")
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
    from lowlight_utils.training.presets import PRESETS

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
