"""Generator choices measured on the test split: one training run per setting, scored.

``python -m lowlight_utils.bench heads --method pix2pix-bce --task noise --output residual``

Trains a GAN of the course with :func:`lowlight_utils.training.fit_method` (the quick
profile's sizes and the CLI's recipe: seed 0, colour augmentation, best checkpoint by
validation PSNR) with one generator setting changed, then scores the best checkpoint on the
test split at native resolution and prints: test PSNR, SSIM and CIEDE2000 (mean ±
per-image std), the per-image PSNRs, and the mean ± std of the per-image PSNR gap to what
the method must beat, with :func:`lowlight_utils.metrics.paired_gap`'s verdict: automatic
gamma for low light; for noise and blur the input itself and the task's best classical
method, tuned on the validation split. Options:

* ``--output {direct,residual,refine,curve}``: the generator's head
  (:mod:`lowlight_utils.pix2pix.heads`);
* ``--set KEY=VALUE`` (repeatable): any other setting of the method's builder
  (``lr_hold=0.5``, ``norm=none``, ``gan_weight=0``);
* ``--epochs``: the training length (default: the method's);
* ``--no-colour-augment``: flips and turns only (``augment=Augment()``), the colour
  ablation notebook 02 quotes;
* ``--seeds 0 1 2``: one run per training seed (initial weights, data order,
  augmentation) on the split of ``--seed``, each printed, then the mean ± std over the
  seeds of the test PSNR and of each gap: how much of a difference between two settings
  the seed alone makes.

Training is seeded, so on one machine the same command prints the same line (two runs here
did); another CPU or TensorFlow version can move it by about a dB. It takes 1.5-2 minutes
per run on a 2-core CPU in the quick profile.
"""

from __future__ import annotations

import tempfile


def add_arguments(parser) -> None:
    """Options of ``python -m lowlight_utils.bench heads``."""
    parser.add_argument("--method", default="pix2pix-bce",
                        choices=["pix2pix-bce", "pix2pix-wgan-gp"])
    parser.add_argument("--task", default="low-light", choices=["low-light", "noise", "blur"])
    parser.add_argument("--output", default=None,
                        choices=["direct", "residual", "refine", "curve"],
                        help="generator head (default: the profile's for the task)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="another builder setting (repeatable)")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--no-colour-augment", action="store_true",
                        help="train without the channel-order and hue augmentation")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the split, and of the training unless --seeds is given")
    parser.add_argument("--seeds", type=int, nargs="+", default=None, metavar="N",
                        help="train once per seed (initial weights, data order, "
                             "augmentation) on the split of --seed; print the spread over them")


def parse_setting(text: str) -> tuple[str, object]:
    """``"lr_hold=0.5"`` -> ``("lr_hold", 0.5)``; ints, floats, ``None`` and words.

    Examples
    --------
    >>> parse_setting("norm=none"), parse_setting("epochs=3"), parse_setting("gan_weight=0.0")
    (('norm', 'none'), ('epochs', 3), ('gan_weight', 0.0))
    """
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise ValueError(f"expected KEY=VALUE, got {text!r}")
    for kind in (int, float):
        try:
            return key, kind(raw)
        except ValueError:
            pass
    return key, None if raw == "None" else raw


def _references(task: str, splits) -> dict:
    """Name -> Evaluation on ``splits.test`` of what the method must beat: automatic gamma
    for low light; for noise and blur the input itself and the task's best classical method,
    tuned on ``splits.val`` (:func:`~lowlight_utils.classical.restoration.evaluate_task_baselines`)."""
    from ..classical.lowlight import evaluate_baselines

    if task == "low-light":
        return {"gamma": evaluate_baselines(splits.test, ["gamma"])["gamma"][0]}
    from ..classical.restoration import evaluate_task_baselines

    scored = {name: ev for name, (_, ev) in
              evaluate_task_baselines(task, splits.val, splits.test).items()}
    best = max((n for n in scored if n != "identity"), key=lambda n: scored[n].means["psnr"])
    return {"input": scored["identity"], best: scored[best]}


def _train_and_score(args, settings: dict, seed: int, splits):
    """One training run (seed ``seed`` on ``splits``); its best checkpoint's test Evaluation
    and the run's history."""
    from ..data import Augment, load_image
    from ..inference import enhance_image
    from ..metrics import evaluate_pairs
    from ..training import fit_method, load_model

    with tempfile.TemporaryDirectory() as tmp:
        result = fit_method(args.method, tmp, profile=args.profile, task=args.task,
                            build_kwargs=settings, epochs=args.epochs, seed=seed,
                            splits=splits,
                            augment=Augment() if args.no_colour_augment else True,
                            verbose=0)
        model = load_model(result.best_model)
    preds = [enhance_image(model, load_image(p.low)) for p in splits.test]
    return evaluate_pairs(preds, [p.high for p in splits.test]), result.history


def run(args) -> int:
    """Train, score and print (see the module docstring)."""
    import numpy as np

    from ..data import course_splits
    from ..metrics import paired_gap

    settings = dict(parse_setting(s) for s in args.set)
    if args.output:
        settings["output"] = args.output
    splits = course_splits(None, seed=args.seed, task=args.task)
    seeds = args.seeds if args.seeds is not None else [args.seed]
    refs = _references(args.task, splits)
    label = " ".join([args.method, args.task, *(f"{k}={v}" for k, v in settings.items()),
                      *(["no colour augmentation"] if args.no_colour_augment else [])])
    means, gaps = [], {name: [] for name in refs}
    for seed in seeds:
        ev, history = _train_and_score(args, settings, seed, splits)
        means.append(ev.means["psnr"])
        tag = f" (training seed {seed})" if args.seeds is not None else ""
        print(f"{label}{tag}: test PSNR {ev.means['psnr']:.2f} ± {ev.stds['psnr']:.2f} dB, "
              f"SSIM {ev.means['ssim']:.3f} ± {ev.stds['ssim']:.3f}, CIEDE2000 "
              f"{ev.means['ciede2000']:.2f} ± {ev.stds['ciede2000']:.2f}; best validation "
              f"{max(history['val_psnr']):.2f} dB", flush=True)
        print("  per image: " + ", ".join(f"{r['psnr']:.2f}" for r in ev.rows))
        for name, ref in refs.items():
            gap = paired_gap(ev, ref, "psnr")
            gaps[name].append(gap.mean)
            print(f"  minus {name} ({ref.means['psnr']:.2f} dB): {gap}", flush=True)
    if len(seeds) > 1:
        print(f"over training seeds {', '.join(map(str, seeds))} (mean ± std over seeds): "
              f"test PSNR {np.mean(means):.2f} ± {np.std(means, ddof=1):.2f} dB; " + "; ".join(
                  f"minus {name} {np.mean(g):+.2f} ± {np.std(g, ddof=1):.2f} dB"
                  for name, g in gaps.items()))
    return 0
