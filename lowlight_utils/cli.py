"""The one front door: ``lowlight COMMAND`` (or ``python -m lowlight_utils COMMAND``).

Commands: prepare, train, evaluate, enhance, bench, colab, course, site-check. The last four
hand the rest of the command line to :mod:`lowlight_utils.bench`, :mod:`lowlight_utils.colab`,
:mod:`lowlight_utils.courseware.runner` and :mod:`lowlight_utils.courseware.sitecheck` (whose own
``python -m`` entry points stay as aliases). Learned methods are named with ``--method``
(train) and scored from their ``--model``; classical ones with ``--baseline NAME``
(``--baseline all``: every classical method of the task, the input included as
``identity``). Each command's ``--help`` ends with examples (:data:`EXAMPLES`).

Progress bars are drawn on a terminal only: when standard output is a pipe or a file, the
commands print plain lines (Keras ``fit`` with ``verbose=2``), with no escape codes.

Every command exits with a non-zero status and a one-line reason on failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .classical.restoration import TASK_BASELINES
from .data.degradations import TASKS

PROFILES = ("quick", "full", "auto")
BASELINE_CHOICES = ("identity", "gamma", "histeq", "clahe")
#: Every ``--baseline`` of evaluate and enhance: the low-light baselines, then the noise and
#: blur tasks' (which one a task accepts is checked after parsing, by :func:`_check_baseline`;
#: ``identity``, the input itself, belongs to every task).
METHOD_CHOICES = BASELINE_CHOICES + tuple(n for names in TASK_BASELINES.values() for n in names)
#: ``--test-mode`` of evaluate and enhance -> ``enhance_image(training=...)``.
TEST_MODES = {"inference": False, "training": True}

_PY = "python -m lowlight_utils"
#: Examples printed at the end of each command's ``--help`` (the first two of each also
#: under ``lowlight --help``).
EXAMPLES = {
    "prepare": [
        (f"{_PY} prepare", "write the embedded low-light sample"),
        (f"{_PY} prepare --task noise", "the noise task's sample"),
        (f"{_PY} prepare --lol data/LOL", "download LOL into data/LOL"),
    ],
    "train": [
        (f"{_PY} train --method pix2pix-bce --out runs/p2p", "train on LOL or the sample"),
        (f"{_PY} train --method zero-dce --profile quick --out runs/zdce", "minutes on a CPU"),
        (f"{_PY} train --method pix2pix-bce --task noise --out runs/p2p-noise", "denoise"),
        (f"{_PY} train --list-presets", "the reports' configurations"),
        (f"{_PY} train --preset wgan-gp-report --out runs/report", "one of them"),
    ],
    "evaluate": [
        (f"{_PY} evaluate --model runs/p2p/best.keras --csv runs/p2p/test.csv",
         "a trained model on the test split"),
        (f"{_PY} evaluate --baseline all", "every classical method, the input included"),
        (f"{_PY} evaluate --baseline clahe --split val", "one of them on another split"),
        (f"{_PY} evaluate --baseline all --task noise", "denoisers, tuned on val first"),
        (f"{_PY} evaluate --model runs/p2p/best.keras --test-mode training",
         "run the generator as pix2pix tests it"),
        (f"{_PY} evaluate --baseline all --protocol gt-mean",
         "scored as KinD, LLFlow, Retinexformer's GT-mean"),
    ],
    "enhance": [
        (f"{_PY} enhance --model runs/p2p/best.keras photos/ --out enhanced/",
         "every image of a folder"),
        (f"{_PY} enhance --baseline clahe dark.jpg --out enhanced/", "a classical method"),
        (f"{_PY} enhance --task blur --baseline wiener soft.png --out sharp/",
         "tuned on the blur sample first"),
        (f"{_PY} enhance --model runs/p2p/best.keras big.jpg --out out/ --tile 1024",
         "a very large photo, in tiles"),
    ],
    "bench": [
        (f"{_PY} bench --help", "list the benchmarks"),
        (f"{_PY} bench metrics", "time the metrics"),
        (f"{_PY} bench train-step --method pix2pix-bce --size 256 --batch 4",
         "time one training step"),
        (f"{_PY} bench cost --only", "what each notebook costs"),
    ],
    "colab": [
        (f"{_PY} colab", "where Colab installs the course from"),
        (f"{_PY} colab --versions", "the tested and installed versions"),
        (f"{_PY} colab --repo https://github.com/YOU/lowlight-gan-course --ref main",
         "point the notebooks at your fork"),
    ],
    "course": [
        (f"{_PY} course", "run every notebook, build the site and the student edition"),
        (f"{_PY} course --no-execute", "rebuild from the notebooks already executed"),
        (f"{_PY} course --results RESULTS.md", "also copy the results into RESULTS.md"),
    ],
    "site-check": [
        (f"{_PY} site-check", "check build/course/site in a headless Chromium"),
        (f"{_PY} site-check build/course/site --chromium /usr/bin/chromium", "name it"),
    ],
}


def _examples(command: str | None = None) -> str:
    """The ``examples:`` block of one command's ``--help``, or of the top-level one."""
    rows = EXAMPLES[command] if command else [r for ex in EXAMPLES.values() for r in ex[:2]]
    short = 60  # a longer command gets its comment on the next line
    width = max([len(cmd) for cmd, _ in rows if len(cmd) <= short] or [0])
    lines = [f"  {cmd:<{width}}  # {what}" if len(cmd) <= short else f"  {cmd}\n      # {what}"
             for cmd, what in rows]
    return "examples:\n" + "\n".join(lines)


def _is_terminal() -> bool:
    """True when standard output is a terminal (progress bars), False in a pipe or log."""
    return hasattr(sys.stdout, "isatty") and sys.stdout.isatty()


def _keras_verbose(verbose: bool) -> int:
    """Keras' ``verbose`` for ``fit``: bars on a terminal (1), one line per epoch (2) in a
    pipe or log (Keras' bars carry escape codes even there), 0 with ``--quiet``."""
    return (1 if _is_terminal() else 2) if verbose else 0


def _prepare(args) -> int:
    if args.lol:
        from .data.download import download_lol

        dest = download_lol(args.lol)
        print(f"LOL is in {dest}")
        return 0
    from .data import find_pairs
    from .data.synthetic import sample_dataset

    root = sample_dataset(args.root, verbose=True, task=args.task)
    print(f"embedded sample ({args.task}): {len(find_pairs(root))} pairs in {root}")
    return 0


def _check_data(data, task: str) -> None:
    """A ValueError when ``--data`` is an embedded sample of another task than ``task``."""
    from .data.synthetic import sample_task

    kind = sample_task(data) if data is not None and Path(data).is_dir() else None
    if kind not in (None, task):
        raise ValueError(f"{data} is the embedded {kind} sample, not a {task} one; drop "
                         f"--data or write it with: python -m lowlight_utils prepare "
                         f"--task {task}")


def _preset_run(args):
    """``fit_method`` arguments for ``--preset``: the report's sizes on the full profile."""
    import dataclasses

    from .config import cap_epochs, get_profile, smoke_capped
    from .data import REPORT_AUGMENT, Augment
    from .training.presets import get_preset

    preset = get_preset(args.preset)
    print(preset.describe())
    profile = smoke_capped(dataclasses.replace(  # a smoke run keeps the sizes, caps the length
        get_profile(args.profile or "full"), crop=preset.crop, batch_size=preset.batch_size,
        epochs=preset.epochs))
    augment = {"report": REPORT_AUGMENT, "flips": Augment(flips=True, rot90=False),
               "jitter": Augment(flips=False, rot90=False, jitter=0.5),
               None: False}[preset.augment]
    if args.task not in (None, preset.task):
        raise ValueError(f"preset {preset.name} trains on the {preset.task} task; drop "
                         f"--task {args.task} or choose another preset")
    return (preset.method, profile, dict(preset.build), augment,
            cap_epochs(args.epochs or preset.epochs), preset.task)


def _train(args) -> int:
    from .config import apply_precision, cap_epochs, get_profile
    from .training import fit_method, get_method

    if args.list_presets:
        from .training.presets import list_presets

        print(list_presets())
        return 0
    if args.out is None or (args.method is None) == (args.preset is None):
        raise ValueError("train needs --out RUN_DIR and exactly one of --method or --preset "
                         "(see --list-presets)")
    if args.preset:
        method, profile, build_kwargs, augment, epochs, task = _preset_run(args)
        sizes_from_method = False
    else:
        get_method(args.method)  # an unknown name: a ValueError listing the methods
        method, profile, build_kwargs, augment, epochs, task = (
            args.method, get_profile(args.profile), None, True,
            args.epochs and cap_epochs(args.epochs), args.task or "low-light")
        sizes_from_method = True
    _check_data(args.data, task)
    print(profile)
    print(f"task: {task}")
    print(f"precision: {apply_precision()} ($LOWLIGHT_PRECISION)")
    result = fit_method(
        method, args.out, profile=profile, data_dir=args.data, epochs=epochs,
        seed=args.seed, build_kwargs=build_kwargs, augment=augment,
        sizes_from_method=sizes_from_method, verbose=_keras_verbose(args.verbose), task=task,
    )
    if result.stopped_on_nan:
        print(f"error: {result.stopped_on_nan}", file=sys.stderr)
        return 1
    hist = result.history
    if "val_psnr" in hist and hist["val_psnr"]:
        best = max(range(len(hist["val_psnr"])), key=lambda i: hist["val_psnr"][i])
        print(f"best validation PSNR {hist['val_psnr'][best]:.2f} dB at epoch "
              f"{int(hist['epoch'][best]) + 1}; model: {result.best_model}")
    print(f"run folder: {Path(args.out)} (history.csv, samples/, backup/)")
    return 0


def _task_baselines(task: str) -> tuple[str, ...]:
    """The ``--baseline`` names ``task`` accepts: the input (``identity``) and its methods."""
    return BASELINE_CHOICES if task == "low-light" else ("identity", *TASK_BASELINES[task])


def _check_baseline(name: str, task: str) -> None:
    """A ValueError unless ``--baseline name`` belongs to ``--task``."""
    valid = _task_baselines(task)
    if name not in valid:
        owner = "low-light" if name in BASELINE_CHOICES else next(
            t for t, names in TASK_BASELINES.items() if name in names)
        raise ValueError(f"--baseline {name} is a {owner} baseline; --task {task} takes "
                         f"{', '.join(valid)} (or all)")


def _refuse_method(args) -> None:
    """A ValueError for ``--method`` on evaluate or enhance, which name classical methods
    with ``--baseline`` and learned ones by their ``--model``."""
    if getattr(args, "method", None) is None:
        return
    if args.method in METHOD_CHOICES or args.method == "baselines":
        name = "all" if args.method == "baselines" else args.method
        raise ValueError(f"--method names a learned method (train --method); choose a "
                         f"classical one with --baseline {name}")
    raise ValueError(f"--method {args.method}: {args.command} scores a trained model "
                     f"(--model RUN_DIR/best.keras, written by train --method "
                     f"{args.method}) or a classical method (--baseline NAME)")


def _tuned(task: str, names, val_pairs) -> dict:
    """Name -> function of the ``task`` baselines ``names``, tuned on ``val_pairs``."""
    from functools import partial

    from .classical.restoration import restore, tune

    methods = {}
    for name in names:
        params, score = tune(name, val_pairs)
        print(f"{name}: {params} (tuned on {len(val_pairs)} validation pairs: "
              f"{score:.2f} dB on their centre crops)")
        methods[name] = partial(restore, name, **params)
    return methods


def _enhancer(args):
    """The function or model named by ``--model`` / ``--baseline``."""
    _refuse_method(args)
    if args.model:
        from .training import load_model

        return load_model(args.model)
    _check_baseline(args.baseline, args.task)
    if args.task == "low-light" or args.baseline == "identity":
        from .classical.lowlight import BASELINES

        return BASELINES[args.baseline]
    from .data import course_splits

    splits = course_splits(task=args.task)  # the embedded sample of the task
    return _tuned(args.task, [args.baseline], splits.val)[args.baseline]


ENSEMBLE_HELP = ("average the model over the six channel orders (colour-faithful, 6x the "
                 "time; notebook 02, section 7)")


TEST_MODE_HELP = ("how the network runs: 'inference' (training=False: batch norm's moving "
                  "averages, no dropout) or 'training' (batch statistics of each image and "
                  "dropout, as pix2pix runs its generator at test time); default: "
                  "lowlight_utils.inference.TRAINING_MODE")


def _model_fn(model, args):
    """A Keras model as image -> image, with the command's ``--tile``, ``--ensemble`` and
    ``--test-mode``."""
    from .inference import TRAINING_MODE, enhance_image

    mode = getattr(args, "test_mode", None)
    training = TRAINING_MODE if mode is None else TEST_MODES[mode]
    return lambda img: enhance_image(model, img, tile=getattr(args, "tile", None),
                                     ensemble=args.ensemble, training=training)


def _evaluate(args) -> int:
    from .classical.lowlight import BASELINES
    from .config import SMOKE_ENV, cap_images, is_smoke
    from .data import course_splits, load_image
    from .metrics import evaluate_pairs

    _refuse_method(args)
    if args.baseline not in (None, "all"):
        _check_baseline(args.baseline, args.task)
    if (args.ensemble or args.test_mode) and not args.model:
        raise ValueError("--ensemble and --test-mode apply to --model only")
    _check_data(args.data, args.task)
    splits = course_splits(args.data, seed=args.seed, task=args.task)
    pairs = cap_images(splits[args.split])
    print(f"{splits}; evaluating the {args.split} split ({len(pairs)} pairs"
          + (f", the first {len(pairs)} only: {SMOKE_ENV} is set)" if is_smoke() else ")"))
    if args.model:
        from .training import load_model

        methods = {Path(args.model).name: _model_fn(load_model(args.model), args)}
    elif args.task == "low-light":
        methods = dict(BASELINES) if args.baseline == "all" else {
            args.baseline: BASELINES[args.baseline]}
    else:  # the input's scores first, for reference
        names = (TASK_BASELINES[args.task] if args.baseline == "all" else
                 [n for n in [args.baseline] if n != "identity"])
        if args.split == "val" and names:
            print("note: the baselines are tuned on the validation split being scored")
        methods = {"identity": BASELINES["identity"],
                   **_tuned(args.task, names, cap_images(splits.val))}
    if args.postprocess == "contrast-stretch":
        from .classical.lowlight import contrast_stretch

        methods = {f"{name} + stretch": (lambda img, f=fn: contrast_stretch(f(img)))
                   for name, fn in methods.items()}
    lows = [load_image(p.low) for p in pairs]
    highs = [load_image(p.high) for p in pairs]
    names = [p.stem for p in pairs]
    summary = []
    for name, fn in methods.items():
        preds = [fn(img) for img in _progress(lows, name, args.verbose)]
        ev = evaluate_pairs(preds, highs, names=names, protocol=args.protocol)
        if args.per_image:
            print(f"\n{name}\n" + ev.to_markdown())
        summary.append((name, ev))
        if args.csv:
            path = Path(args.csv)
            if len(methods) > 1:
                path = path.with_name(f"{path.stem}_{name}{path.suffix}")
            print(f"wrote {ev.to_csv(path, overwrite=args.overwrite)}")
    print(f"\nmean ± sample std over the {len(pairs)} images of the {args.split} split "
          "(a difference smaller than the spread is no result)")
    print(f"outputs rounded to 8-bit levels, as saved; protocol {args.protocol}"
          + (" (each output scaled to its reference's mean grey level first)"
             if args.protocol == "gt-mean" else ""))
    print("\n| method | protocol | PSNR (dB) | SSIM | UQI | MAE | CIEDE2000 |\n"
          "|---|---|---:|---:|---:|---:|---:|")
    for name, ev in summary:
        m, s = ev.means, ev.stds
        cells = [f"{m[k]:{f}} ± {s[k]:{f}}" for k, f in (("psnr", ".2f"), ("ssim", ".4f"),
                                                       ("uqi", ".4f"), ("mae", ".4f"),
                                                       ("ciede2000", ".2f"))]
        print(f"| {name} | {ev.protocol} | " + " | ".join(cells) + " |")
    return 0


def _progress(items, label: str, verbose: bool):
    """``items``, with a progress bar on a terminal, plain ``label: i/n images`` lines in
    a pipe or log, nothing with ``--quiet``."""
    if not verbose:
        yield from items
        return
    if not _is_terminal():
        for i, item in enumerate(items):
            yield item
            print(f"{label}: {i + 1}/{len(items)} images", flush=True)
        return
    import keras

    bar = keras.utils.Progbar(len(items), unit_name="image")
    print(label)
    for i, item in enumerate(items):
        yield item
        bar.update(i + 1)


def _expand_inputs(inputs: list[str]) -> tuple[list[Path], list[Path]]:
    """Files given directly plus the images inside folders; and the folders."""
    from .data import is_image_file

    files, folders = [], []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            folders.append(path)
            files += sorted(p for p in path.iterdir() if is_image_file(p))
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(f"input not found: {path}")
    if not files:
        raise FileNotFoundError(f"no image files in {', '.join(inputs)}")
    return files, folders


def _enhance(args) -> int:
    from .inference import enhance_files

    _refuse_method(args)
    files, folders = _expand_inputs(args.inputs)
    model = _enhancer(args)
    if (args.tile or args.ensemble or args.test_mode) and not args.model:
        raise ValueError("--tile, --ensemble and --test-mode apply to --model only")
    if args.model:
        model = _model_fn(model, args)
    summary = enhance_files(model, files, args.out, overwrite=args.overwrite,
                            progress=args.verbose, protected=folders)
    print(summary)
    return 0 if summary.ok else 1


#: Commands handed to another module's ``main(argv)`` with the rest of the command line:
#: command -> (module, one line of help).
DELEGATES = {
    "bench": ("lowlight_utils.bench.__main__", "run a benchmark (lowlight_utils.bench)"),
    "colab": ("lowlight_utils.colab.cli", "where Colab installs the course from; point it at "
              "a fork (lowlight_utils.colab)"),
    "course": ("lowlight_utils.courseware.runner", "run every notebook, build the site and the student "
               "edition (lowlight_utils.courseware.runner)"),
    "site-check": ("lowlight_utils.courseware.sitecheck", "check the built site in a headless browser "
                   "(lowlight_utils.courseware.sitecheck)"),
}


def _delegate(args) -> int:
    """Run the module of ``args.command`` on ``args.rest``; its ``--help`` gets our examples."""
    import importlib

    module = importlib.import_module(DELEGATES[args.command][0])
    try:
        return int(module.main(args.rest) or 0)
    except SystemExit as exc:
        if exc.code in (0, None) and {"-h", "--help"} & set(args.rest):
            print("\n" + _examples(args.command))
        raise


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m lowlight_utils``."""
    parser = argparse.ArgumentParser(
        prog="python -m lowlight_utils",
        description="Low-light image enhancement course: data, training, evaluation, "
        "enhancement, and the tools that build the course (also installed as `lowlight`). "
        "Each command's --help ends with examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_examples(),
    )
    parser.add_argument("-q", "--quiet", dest="verbose", action="store_false",
                        help="no progress bars")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("prepare", help="write the embedded sample data set, or download LOL")
    p.add_argument("--root", type=Path, help="where to write the sample (default: cache)")
    p.add_argument("--lol", type=Path, metavar="DEST", help="download LOL into DEST instead")
    p.add_argument("--task", choices=TASKS, default="low-light",
                   help="which task's sample to write (default low-light)")
    p.set_defaults(func=_prepare)

    p = sub.add_parser("train", help="train a method (resumes if RUN_DIR has a backup)")
    p.add_argument("--method", help="pix2pix-bce, pix2pix-wgan-gp, zero-dce or zero-dce++ "
                   "(lowlight_utils.training.METHODS)")
    p.add_argument("--preset", help="a report's configuration by name (see --list-presets); "
                   "runs on the full profile unless --profile says otherwise")
    p.add_argument("--list-presets", action="store_true",
                   help="print every report's preset with its departures, and exit")
    p.add_argument("--data", type=Path, help="data folder (default: LOL if present, "
                   "else the embedded sample)")
    p.add_argument("--out", type=Path, metavar="RUN_DIR")
    p.add_argument("--profile", choices=PROFILES, help="default: $LOWLIGHT_PROFILE or auto")
    p.add_argument("--epochs", type=int, help="total epochs (default: the method's for the profile)")
    p.add_argument("--task", choices=TASKS, help="which embedded sample trains it (default: "
                   "low-light, or the preset's task; LOL is low-light only)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_train)

    p = sub.add_parser("evaluate", help="PSNR/SSIM/UQI/MAE/CIEDE2000 of a model or baseline "
                       "on a split")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", type=Path, help="a .keras model")
    src.add_argument("--baseline", choices=("all", *METHOD_CHOICES),
                     help="a classical method of the task, or all of them with the input as "
                     "'identity' (noise and blur ones are tuned on the validation split "
                     "first)")
    src.add_argument("--method", help=argparse.SUPPRESS)  # learned: an error naming --model
    p.add_argument("--task", choices=TASKS, default="low-light",
                   help="which embedded sample to score on (default low-light)")
    p.add_argument("--data", type=Path, help="data folder (default: LOL or the sample)")
    p.add_argument("--split", choices=("train", "val", "test"), default="test")
    p.add_argument("--csv", type=Path, help="write the per-image scores here")
    p.add_argument("--overwrite", action="store_true", help="replace an existing CSV")
    p.add_argument("--per-image", action="store_true", help="print every image's scores")
    p.add_argument("--postprocess", choices=("contrast-stretch",),
                   help="apply the phone-to-DSLR report's contrast stretch (Gmin 10, Gmax 240) "
                   "to every output before scoring")
    p.add_argument("--ensemble", action="store_true", help=ENSEMBLE_HELP)
    p.add_argument("--test-mode", choices=tuple(TEST_MODES), help=TEST_MODE_HELP)
    p.add_argument("--protocol", choices=("rgb", "gt-mean"), default="rgb",
                   help="how LOL papers score: rgb (default) scores each output as it is; "
                   "gt-mean first scales it so its mean grey level equals the reference's "
                   "(KinD, LLFlow, Retinexformer's --GT_mean). Say which one when comparing "
                   "with a published number")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_evaluate)

    p = sub.add_parser("enhance", help="enhance image files or folders at full resolution")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", type=Path, help="a .keras model")
    src.add_argument("--baseline", choices=METHOD_CHOICES, help="a classical method of the "
                     "task (noise and blur ones are tuned on the task sample's validation "
                     "split first)")
    src.add_argument("--method", help=argparse.SUPPRESS)  # learned: an error naming --model
    p.add_argument("--task", choices=TASKS, default="low-light",
                   help="what the inputs suffer from (default low-light)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files or folders")
    p.add_argument("--out", required=True, type=Path, metavar="DIR")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    p.add_argument("--tile", type=int, help="tile side for very large images (models only)")
    p.add_argument("--ensemble", action="store_true", help=ENSEMBLE_HELP)
    p.add_argument("--test-mode", choices=tuple(TEST_MODES), help=TEST_MODE_HELP)
    p.set_defaults(func=_enhance)

    # their own options (see COMMAND --help) are passed on to the module's main
    for name, (_, what) in DELEGATES.items():
        p = sub.add_parser(name, help=what, add_help=False)
        p.set_defaults(func=_delegate, rest=[])
    for name, p in sub.choices.items():
        p.formatter_class = argparse.RawDescriptionHelpFormatter
        p.epilog = _examples(name)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from ._shared import tflog

    tflog.quiet()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command in DELEGATES:
        args.rest = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from .data.io import DatasetError

    try:
        return int(args.func(args) or 0)
    except (DatasetError, FileNotFoundError, FileExistsError, ValueError, ImportError,
            OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted (a training run resumes with the same command)", file=sys.stderr)
        return 130
