"""Command line: ``python -m lowlight_utils {prepare,train,evaluate,enhance,course}``.

Examples
--------
::

    python -m lowlight_utils prepare                      # write the embedded sample
    python -m lowlight_utils prepare --lol data/LOL       # download LOL
    python -m lowlight_utils train --method pix2pix-bce --out runs/p2p
    python -m lowlight_utils evaluate --model runs/p2p/best.keras --csv runs/p2p/test.csv
    python -m lowlight_utils evaluate --method baselines
    python -m lowlight_utils train --method pix2pix-bce --task noise --out runs/p2p-noise
    python -m lowlight_utils evaluate --method baselines --task noise   # tuned on val
    python -m lowlight_utils evaluate --model runs/p2p-noise/best.keras --task noise
    python -m lowlight_utils enhance --model runs/p2p/best.keras photos/ --out enhanced/
    python -m lowlight_utils enhance --method clahe dark.jpg --out enhanced/
    python -m lowlight_utils enhance --task blur --method wiener soft.png --out sharp/

Every command exits with a non-zero status and a one-line reason on failure.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from .classical.restoration import TASK_BASELINES
from .data.degradations import TASKS

PROFILES = ("quick", "full", "auto")
BASELINE_CHOICES = ("identity", "gamma", "histeq", "clahe")
#: Every ``--method`` of evaluate and enhance: the low-light baselines, then the noise and
#: blur tasks' (which one a task accepts is checked after parsing, by :func:`_check_method`).
METHOD_CHOICES = BASELINE_CHOICES + tuple(n for names in TASK_BASELINES.values() for n in names)


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
        sizes_from_method=sizes_from_method, verbose=args.verbose, task=task,
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


def _check_method(method: str, task: str) -> None:
    """A ValueError unless ``--method`` (a baseline name) belongs to ``--task``."""
    valid = BASELINE_CHOICES if task == "low-light" else TASK_BASELINES[task]
    if method not in valid:
        owner = "low-light" if method in BASELINE_CHOICES else next(
            t for t, names in TASK_BASELINES.items() if method in names)
        raise ValueError(f"--method {method} is a {owner} baseline; --task {task} takes "
                         f"{', '.join(valid)}")


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
    """The function or model named by ``--model`` / ``--method``."""
    if args.model:
        from .training import load_model

        return load_model(args.model)
    _check_method(args.method, args.task)
    if args.task == "low-light":
        from .classical.lowlight import BASELINES

        return BASELINES[args.method]
    from .data import course_splits

    splits = course_splits(task=args.task)  # the embedded sample of the task
    return _tuned(args.task, [args.method], splits.val)[args.method]


ENSEMBLE_HELP = ("average the model over the six channel orders (colour-faithful, 6x the "
                 "time; notebook 02, section 7)")


def _model_fn(model, args):
    """A Keras model as image -> image, with the command's ``--tile`` and ``--ensemble``."""
    from .inference import enhance_image

    return lambda img: enhance_image(model, img, tile=getattr(args, "tile", None),
                                     ensemble=args.ensemble)


def _evaluate(args) -> int:
    from .classical.lowlight import BASELINES
    from .config import SMOKE_ENV, cap_images, is_smoke
    from .data import course_splits, load_image
    from .metrics import evaluate_pairs

    if args.method not in (None, "baselines"):
        _check_method(args.method, args.task)
    _check_data(args.data, args.task)
    splits = course_splits(args.data, seed=args.seed, task=args.task)
    pairs = cap_images(splits[args.split])
    print(f"{splits}; evaluating the {args.split} split ({len(pairs)} pairs"
          + (f", the first {len(pairs)} only: {SMOKE_ENV} is set)" if is_smoke() else ")"))
    if args.model:
        from .training import load_model

        methods = {Path(args.model).name: _model_fn(load_model(args.model), args)}
    elif args.task == "low-light":
        methods = dict(BASELINES) if args.method == "baselines" else {
            args.method: BASELINES[args.method]}
    else:
        names = TASK_BASELINES[args.task] if args.method == "baselines" else [args.method]
        if args.split == "val":
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
        ev = evaluate_pairs(preds, highs, names=names)
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
    print("\n| method | PSNR (dB) | SSIM | UQI | MAE | CIEDE2000 |\n|---|---:|---:|---:|---:|---:|")
    for name, ev in summary:
        m, s = ev.means, ev.stds
        cells = [f"{m[k]:{f}} ± {s[k]:{f}}" for k, f in (("psnr", ".2f"), ("ssim", ".4f"),
                                                       ("uqi", ".4f"), ("mae", ".4f"),
                                                       ("ciede2000", ".2f"))]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


def _progress(items, label: str, verbose: bool):
    if not verbose:
        yield from items
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

    files, folders = _expand_inputs(args.inputs)
    model = _enhancer(args)
    if (args.tile or args.ensemble) and not args.model:
        raise ValueError("--tile and --ensemble apply to --model only")
    if args.model:
        model = _model_fn(model, args)
    summary = enhance_files(model, files, args.out, overwrite=args.overwrite,
                            progress=args.verbose, protected=folders)
    print(summary)
    return 0 if summary.ok else 1


def _course(args) -> int:
    from .courseware.runner import main as course_main

    return int(course_main(args.course_args) or 0)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m lowlight_utils``."""
    parser = argparse.ArgumentParser(
        prog="python -m lowlight_utils",
        description="Low-light image enhancement course: data, training, evaluation, "
        "enhancement.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n" + textwrap.dedent(
            __doc__.split("::", 1)[1].split("Every", 1)[0].strip("\n")
        ),
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
    src.add_argument("--method", choices=("baselines", *METHOD_CHOICES),
                     help="a classical baseline of the task, or all of them (noise and blur "
                     "baselines are tuned on the validation split first)")
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
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_evaluate)

    p = sub.add_parser("enhance", help="enhance image files or folders at full resolution")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", type=Path, help="a .keras model")
    src.add_argument("--method", choices=METHOD_CHOICES, help="a classical baseline of the "
                     "task (noise and blur ones are tuned on the task sample's validation "
                     "split first)")
    p.add_argument("--task", choices=TASKS, default="low-light",
                   help="what the inputs suffer from (default low-light)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files or folders")
    p.add_argument("--out", required=True, type=Path, metavar="DIR")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    p.add_argument("--tile", type=int, help="tile side for very large images (models only)")
    p.add_argument("--ensemble", action="store_true", help=ENSEMBLE_HELP)
    p.set_defaults(func=_enhance)

    # its own options (see --help) are passed on to python -m lowlight_utils.courseware.runner
    p = sub.add_parser("course", help="run every notebook (python -m lowlight_utils.courseware.runner)",
                       add_help=False)
    p.set_defaults(func=_course, course_args=[])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from ._shared import tflog

    tflog.quiet()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "course":
        args.course_args = extra
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
