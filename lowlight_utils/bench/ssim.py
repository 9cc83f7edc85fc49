"""Validation SSIM: ``tf.image.ssim`` against the course's separable ``ssim_tf``.

``python -m lowlight_utils.bench ssim [--height 600] [--width 512] [--batch 1] [--rounds 5]``

Both run as ``tf.function`` on the same random pair (a validation image's size by default),
timed in alternation in one run; the ratio and the largest difference of their values are
printed. Every Pix2Pix, WGAN-GP and Zero-DCE validation step computes one SSIM per image.
"""

from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument("--height", type=int, default=600)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)


def run(args) -> int:
    import tensorflow as tf

    from ..metrics.window import ssim_tf
    from .common import alternate

    shape = (args.batch, args.height, args.width, 3)
    ref = tf.random.stateless_uniform(shape, seed=[1, 2])
    pred = tf.clip_by_value(ref + 0.1 * tf.random.stateless_normal(shape, seed=[3, 4]), 0, 1)
    fns = {"tf.image.ssim": tf.function(lambda a, b: tf.image.ssim(a, b, max_val=1.0)),
           "ssim_tf": tf.function(ssim_tf)}
    values = {name: fn(pred, ref).numpy() for name, fn in fns.items()}
    times = alternate({name: (lambda fn=fn: fn(pred, ref).numpy()) for name, fn in fns.items()},
                      rounds=args.rounds)
    print(f"SSIM of a {args.batch}x{args.height}x{args.width}x3 batch, medians of "
          f"{args.rounds} alternated rounds:")
    for name, seconds in times.items():
        print(f"  {name:14s} {1000 * seconds:8.1f} ms   SSIM {values[name].mean():.6f}")
    ratio = times["tf.image.ssim"] / times["ssim_tf"]
    diff = float(abs(values["tf.image.ssim"] - values["ssim_tf"]).max())
    print(f"ssim_tf is {ratio:.1f}x as fast; largest difference of the values {diff:.1e}")
    return 0
