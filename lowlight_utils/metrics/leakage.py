"""What augmenting before splitting does to a validation score, measured.

The Pix2Pix + WGAN-GP low-light report augmented its 485 LOL pairs four times and only then
split them 80/20, so flipped and colour-jittered copies of one scene sat in both training
and validation. A validation score measured that way rewards memory.

To show it without hours of training we use the purest memoriser there is: for a validation
low image, find the most similar training low image (allowing flips, ignoring exposure) and
answer with *its* reference. It has learned nothing about light, so an honest split scores it
badly; a leaky split hands it near-copies of the answers.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Sequence

import numpy as np

from ..data.io import Pair, load_image
from ..data.pipeline import Augment

#: The report's x4 augmentation, every copy changed: flips, 10 % crop-and-resize, colour jitter.
COPY_AUGMENT = Augment(flips=True, rot90=False, crop_resize=1.0, jitter=1.0)


@dataclasses.dataclass(frozen=True)
class Example:
    """A (possibly augmented) pair in memory, with the scene it came from."""

    low: np.ndarray
    high: np.ndarray
    scene: str


def load_examples(pairs: Sequence[Pair], scene: Callable[[Pair], str], size=(96, 144),
                  copies: int = 1, augment: Augment | None = COPY_AUGMENT,
                  seed: int = 0) -> list[Example]:
    """Load pairs resized to ``size`` and make ``copies`` augmented versions of each.

    Copy 0 is the original; the others use ``make_dataset``'s paired augmentation (the
    report's flips, 10 % crop-and-resize and colour jitter, all applied, by default).
    """
    import tensorflow as tf

    from ..data.pipeline import augment_pair

    out = []
    for i, p in enumerate(pairs):
        low = tf.image.resize(load_image(p.low), size, antialias=True)
        high = tf.image.resize(load_image(p.high), size, antialias=True)
        for k in range(copies):
            a, b = low, high
            if k > 0 and augment is not None:
                s = tf.constant([seed, 1000 * i + k], tf.int64)
                a, b = augment_pair(low, high, s, augment, crop=None)
            out.append(Example(np.clip(a.numpy(), 0, 1), np.clip(b.numpy(), 0, 1), scene(p)))
    return out


def _features(img: np.ndarray) -> np.ndarray:
    import cv2

    h, w = img.shape[:2]
    # 4x4 block means: unlike strided sampling, they commute with flips
    small = cv2.resize(np.asarray(img, np.float32), (w // 4, h // 4),
                       interpolation=cv2.INTER_AREA).astype(np.float64)
    return (small - small.mean()) / (small.std() + 1e-6)  # exposure-invariant


def memorise_and_answer(train: Sequence[Example], query: np.ndarray) -> np.ndarray:
    """The nearest training example's reference (flipped to match), for a query low image."""
    q = _features(query)
    best, best_d = None, np.inf
    for ex in train:
        f = _features(ex.low)
        for flip in ((), (0,), (1,), (0, 1)):
            d = np.sum(((np.flip(f, flip) if flip else f) - q) ** 2)
            if d < best_d:
                best, best_d = (np.flip(ex.high, flip) if flip else ex.high), d
    return best


def one_pair_per_scene(pairs: Sequence[Pair], scene: Callable[[Pair], str],
                       limit: int | None = 30, seed: int = 0) -> list[Pair]:
    """The first pair of every scene, at most ``limit`` of them (a seeded choice).

    On the embedded sample that is one darkened version per photograph; on LOL, where every
    pair is its own scene, a seeded subset.

    Taught in notebook 01, section 'Split by scene, before anything else'.

    Parameters
    ----------
    pairs : sequence of Pair
    scene : callable
        Maps a pair to its scene (:func:`lowlight_utils.data.synthetic.scene_of` for the
        embedded sample).
    limit : int or None, default 30
        At most this many pairs, drawn at random (seeded) when there are more scenes;
        ``None``: every scene.
    seed : int
        Seed of that draw.

    Returns
    -------
    list of Pair
        One pair per scene, in the input's order unless a draw was needed.

    Examples
    --------
    >>> from pathlib import Path
    >>> pairs = [Pair(Path(f"{s}__v{k}.png"), Path(f"{s}__v{k}.png"))
    ...          for s in ("cat", "dog") for k in range(3)]
    >>> [p.stem for p in one_pair_per_scene(pairs, lambda p: p.stem.split("__")[0])]
    ['cat__v0', 'dog__v0']
    """
    first: dict[str, Pair] = {}
    for p in pairs:
        first.setdefault(scene(p), p)
    chosen = list(first.values())
    if limit is not None and len(chosen) > limit:
        chosen = random.Random(seed).sample(chosen, limit)
    return chosen


def leaky_vs_honest(pairs: Sequence[Pair], scene: Callable[[Pair], str], copies: int = 4,
                    val_fraction: float = 0.2, seed: int = 0,
                    size=(96, 144), draws: int = 10) -> dict[str, float]:
    """Score the memoriser on the same validation images, with and without leakage.

    Every pair is augmented ``copies`` times, then the copies are split at random
    (``val_fraction`` to validation), as the report did. The same validation images are
    then scored twice, by a memoriser given the same number of training images each time:

    * honest: the random split's training set with every copy of the validation scenes
      removed, which is what splitting by scene first would have given;
    * leaky: as many training images as the honest arm has, drawn at random from the random
      split's training set, which holds other copies of the validation scenes. The draw is
      repeated ``draws`` times (seeded) and the scores averaged, so the leaky figure is the
      expected score of a leaky training set of that size, not the luck of one draw.

    With equal numbers of training images, the gap between the two is the leak alone, not
    the amount of data.

    Taught in notebook 01, section 'Split by scene, before anything else'.

    Parameters
    ----------
    pairs : sequence of Pair
        Usually one pair per scene (:func:`one_pair_per_scene`), so that only the
        augmentation makes copies.
    scene : callable
        Maps a pair to its scene.
    copies : int, default 4
        Augmented copies made of every pair before the split (the report's x4).
    val_fraction : float, default 0.2
        Share of the copies that the random split sends to validation (the report's 80/20).
    seed : int
        Seeds the augmentation, the split and the draws.
    size : (int, int), default (96, 144)
        Height and width every image is resized to first (the memoriser compares whole
        images, so small ones keep it fast).
    draws : int, default 10
        Leaky training sets drawn and averaged.

    Returns
    -------
    dict
        Mean validation PSNR (dB) ``"leaky"`` and ``"honest"``; ``"leaky_draws"``, the
        leaky score of every draw; ``"n_val"``; ``"n_train_leaky"`` and
        ``"n_train_honest"`` (equal); ``"n_pool"``, the random split's training images the
        leaky arm draws from; ``"n_leaked"``, the mean number of copies of validation scenes
        in a leaky training set.

    Raises
    ------
    ValueError
        When every scene lands in validation, so the honest arm has no training image.
    """
    from .pixel import psnr

    everything = load_examples(list(pairs), scene, size=size, copies=copies, seed=seed)
    shuffled = everything[:]
    random.Random(seed).shuffle(shuffled)
    n_val = max(1, round(val_fraction * len(shuffled)))
    val, pool = shuffled[:n_val], shuffled[n_val:]
    val_scenes = {e.scene for e in val}
    honest_train = [e for e in pool if e.scene not in val_scenes]
    if not honest_train:
        raise ValueError(f"every one of the {len(pairs)} scenes has a copy in validation, so "
                         "the honest arm has nothing to train on; pass more pairs or a "
                         "smaller val_fraction")
    n = len(honest_train)
    rng = random.Random(seed + 1)
    leaky_trains = [rng.sample(pool, n) for _ in range(max(1, draws))]

    def score(train):
        return float(np.mean([psnr(memorise_and_answer(train, v.low), v.high) for v in val]))

    leaky_draws = [score(train) for train in leaky_trains]
    return {
        "leaky": float(np.mean(leaky_draws)),
        "honest": score(honest_train),
        "leaky_draws": leaky_draws,
        "n_val": len(val),
        "n_train_leaky": n,
        "n_train_honest": n,
        "n_pool": len(pool),
        "n_leaked": float(np.mean([sum(e.scene in val_scenes for e in t)
                                   for t in leaky_trains])),
    }
