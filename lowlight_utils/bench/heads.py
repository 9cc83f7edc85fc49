"""Generator choices measured on the test split: one training run per setting, scored.

``python -m lowlight_utils.bench heads --method pix2pix-bce --task noise --output residual``

Trains a GAN of the course with :func:`lowlight_utils.training.fit_method` (the quick
profile's sizes and the CLI's recipe: seed 0, colour augmentation, best checkpoint by
validation PSNR) with one generator setting changed, then scores the best checkpoint on the
test split at native resolution and prints one line: test PSNR, SSIM and CIEDE2000 (mean ±
per-image std), the per-image PSNRs, and the mean ± std of the per-image PSNR gap to the
task's reference method (automatic gamma for low light, the input itself for noise and
blur) with :func:`lowlight_utils.metrics.paired_gap`'s verdict. Options:

* ``--output {direct,residual,curve}``: the generator's head
  (:mod:`lowlight_utils.pix2pix.heads`);
* ``--set KEY=VALUE`` (repeatable): any other setting of the method's builder
  (``lr_hold=0.5``, ``norm=none``, ``gan_weight=0``);
* ``--epochs``: the training length (default: the method's);
* ``--no-colour-augment``: flips and turns only (``augment=Augment()``), the colour
  ablation notebook 02 quotes.

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
    parser.add_argument("--output", default=None, choices=["direct", "residual", "curve"],
                        help="generator head (default: the profile's for the task)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="another builder setting (repeatable)")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--no-colour-augment", action="store_true",
                        help="train without the channel-order and hue augmentation")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seed", type=int, default=0)


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


def _reference(task: str, pairs):
    from ..baselines import evaluate_baselines
    from ..metrics import evaluate_pairs

    if task == "low-light":
        return "gamma", evaluate_baselines(pairs, ["gamma"])["gamma"][0]
    return "input", evaluate_pairs([p.low for p in pairs], [p.high for p in pairs])


def run(args) -> int:
    """Train, score and print one line (see the module docstring)."""
    from ..data import Augment, course_splits, load_image
    from ..inference import enhance_image
    from ..metrics import evaluate_pairs, paired_gap
    from ..training import fit_method, load_model

    settings = dict(parse_setting(s) for s in args.set)
    if args.output:
        settings["output"] = args.output
    with tempfile.TemporaryDirectory() as tmp:
        result = fit_method(args.method, tmp, profile=args.profile, task=args.task,
                            build_kwargs=settings, epochs=args.epochs, seed=args.seed,
                            augment=Augment() if args.no_colour_augment else True,
                            verbose=0)
        model = load_model(result.best_model)
    pairs = course_splits(None, seed=args.seed, task=args.task).test
    preds = [enhance_image(model, load_image(p.low)) for p in pairs]
    ev = evaluate_pairs(preds, [p.high for p in pairs])
    ref_name, ref = _reference(args.task, pairs)
    gap = paired_gap(ev, ref, "psnr")
    label = " ".join([args.method, args.task, *(f"{k}={v}" for k, v in settings.items()),
                      *(["no colour augmentation"] if args.no_colour_augment else [])])
    print(f"{label}: test PSNR {ev.means['psnr']:.2f} ± {ev.stds['psnr']:.2f} dB, SSIM "
          f"{ev.means['ssim']:.3f} ± {ev.stds['ssim']:.3f}, CIEDE2000 "
          f"{ev.means['ciede2000']:.2f} ± {ev.stds['ciede2000']:.2f}; best validation "
          f"{max(result.history['val_psnr']):.2f} dB")
    print("  per image: " + ", ".join(f"{r['psnr']:.2f}" for r in ev.rows))
    print(f"  minus {ref_name} ({ref.means['psnr']:.2f} dB): {gap}")
    return 0
