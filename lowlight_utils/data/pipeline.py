"""Streaming pairs through ``tf.data``: decoding, paired augmentation, crops and batches."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .io import DatasetError, Pair, load_image


@dataclasses.dataclass(frozen=True)
class Augment:
    """Paired augmentation: one random draw applied identically to low and high.

    The defaults are the ranges of the Pix2Pix + WGAN-GP low-light report.

    Attributes
    ----------
    flips : bool
        Random horizontal and vertical flips.
    rot90 : bool
        Random multiples of 90 degrees (only when the crop is square or absent).
    crop_resize : float
        Probability of cutting up to 10 % off the borders and resizing back.
    crop_resize_fraction : float
        The border fraction for ``crop_resize`` (0.1 in the report).
    contrast, saturation : (float, float)
        Ranges of the contrast and saturation factors.
    hue : float
        Maximum absolute hue shift (fraction of a turn).
    jitter : float
        Probability of applying the colour jitter to a given pair.
    channel_permute : float
        Probability of shuffling the RGB channels of a pair (uniformly among the six orders,
        the identity included).
    hue_rotate : float
        Maximum angle, in degrees, of a rotation of the colours about the grey axis in
        linear light (uniform in ``[-hue_rotate, hue_rotate]``; 180 means any hue).

    Notes
    -----
    **Colour-equivariant augmentation** (``channel_permute``, ``hue_rotate``). The course's
    pairs exist on disk already, so both images are transformed, not the reference before
    the darkening; for these two transforms that is (nearly) the same thing.
    :func:`lowlight_utils.data.degradations.synthesize_low_light` treats every channel alike: the
    same exposure scale, Poisson and read noise drawn independently per channel, the same
    sRGB curve. Permuting the channels of the darkened image therefore gives exactly a
    darkened version of the permuted reference (same distribution). A rotation ``R`` about
    the grey axis in linear light commutes with the exposure scale ``k`` (``R k x = k R x``)
    and keeps grey grey; it is only approximately a darkening of the rotated reference
    because the rotated noise is no longer independent per channel (the read noise is
    isotropic, so it keeps its distribution; the shot noise is not) and because colours
    rotated out of the RGB cube are clipped. Trained on a handful of photographs, a network
    otherwise learns their colours (green foliage comes out red-brown); with these
    transforms the only colour rule consistent with its data is "keep the hue of the input".
    Both are off in a bare ``Augment()``; ``make_dataset(augment=True)`` uses
    :data:`DEFAULT_AUGMENT`, which turns them on.
    """

    flips: bool = True
    rot90: bool = True
    crop_resize: float = 0.0
    crop_resize_fraction: float = 0.1
    contrast: tuple[float, float] = (0.8, 1.2)
    saturation: tuple[float, float] = (0.8, 1.2)
    hue: float = 0.02
    jitter: float = 0.0
    channel_permute: float = 0.0
    hue_rotate: float = 0.0


#: The WGAN-GP report's augmentation: flips, the 10 % crop-and-resize and colour jitter.
REPORT_AUGMENT = Augment(flips=True, rot90=False, crop_resize=0.5, jitter=0.5)

#: What ``augment=True`` means (:func:`make_dataset`, ``course_datasets``, ``fit_method``):
#: flips, 90-degree turns, a random channel order and a hue rotation of any angle, applied
#: alike to both images of a pair. ``Augment()`` is the same without the colour transforms.
DEFAULT_AUGMENT = Augment(channel_permute=1.0, hue_rotate=180.0)

_PERMUTATIONS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def _srgb_to_linear(x):
    import tensorflow as tf

    return tf.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(x):
    import tensorflow as tf

    x = tf.clip_by_value(x, 0.0, 1.0)
    return tf.where(x <= 0.0031308, 12.92 * x, 1.055 * x ** (1 / 2.4) - 0.055)


def grey_axis_rotation(degrees):
    """The 3x3 matrix that rotates RGB vectors by ``degrees`` about the grey axis (1, 1, 1).

    Rodrigues' formula with the unit axis ``k = (1, 1, 1) / sqrt(3)``:
    ``R = cos(t) I + sin(t) [k]x + (1 - cos(t)) k k^T``. ``R`` is orthogonal, fixes every
    grey ``(v, v, v)`` and turns by 120 degrees onto the channel shift R -> G -> B -> R.

    Taught in notebook 01, section 'Colour-equivariant augmentation'.

    Parameters
    ----------
    degrees : float or scalar tensor

    Returns
    -------
    tf.Tensor, float32, (3, 3)
        Apply as ``rgb @ tf.transpose(R)``.
    """
    import math

    import tensorflow as tf

    t = tf.cast(degrees, tf.float32) * (math.pi / 180.0)
    c, s = tf.cos(t), tf.sin(t)
    a = (1.0 - c) / 3.0
    q = s / math.sqrt(3.0)
    return tf.reshape(tf.stack([c + a, a - q, a + q,
                                a + q, c + a, a - q,
                                a - q, a + q, c + a]), (3, 3))


def rotate_hue(image, degrees):
    """Rotate the colours of an sRGB image about the grey axis in linear light.

    sRGB -> linear light, the rotation of :func:`grey_axis_rotation`, clip to [0, 1],
    back to sRGB. Grey pixels are unchanged; the exposure scale of the darkening commutes
    with the rotation (see :class:`Augment`).

    Taught in notebook 01, section 'Colour-equivariant augmentation'.

    Parameters
    ----------
    image : tensor, (..., 3), float in [0, 1]
    degrees : float or scalar tensor

    Returns
    -------
    tf.Tensor, float32, same shape, in [0, 1]
    """
    import tensorflow as tf

    lin = _srgb_to_linear(tf.convert_to_tensor(image, tf.float32))
    rotated = tf.tensordot(lin, tf.transpose(grey_axis_rotation(degrees)), axes=1)
    return _linear_to_srgb(rotated)


def _colour_pair(low, high, seed, aug: Augment):
    """The colour-equivariant part of :func:`augment_pair`: same draw for both images."""
    import tensorflow as tf

    seeds = tf.random.experimental.stateless_split(
        tf.random.experimental.stateless_fold_in(seed, 7919), num=3)
    if aug.channel_permute > 0:
        do = tf.random.stateless_uniform([], seeds[0]) < aug.channel_permute
        k = tf.random.stateless_uniform([], seeds[1], 0, 6, dtype=tf.int32)
        order = tf.gather(tf.constant(_PERMUTATIONS, tf.int32), tf.where(do, k, 0))
        low, high = tf.gather(low, order, axis=-1), tf.gather(high, order, axis=-1)
    if aug.hue_rotate > 0:
        angle = tf.random.stateless_uniform([], seeds[2], -aug.hue_rotate, aug.hue_rotate)
        low, high = rotate_hue(low, angle), rotate_hue(high, angle)
    return low, high


def augment_pair(low, high, seed, aug: Augment, crop: int | None):
    import tensorflow as tf

    seeds = tf.random.experimental.stateless_split(seed, num=10)
    both = tf.concat([low, high], axis=-1)  # one tensor, so every geometric op is shared
    if aug.crop_resize > 0:
        h = tf.cast(tf.shape(both)[0], tf.float32)
        w = tf.cast(tf.shape(both)[1], tf.float32)
        frac = tf.random.stateless_uniform([], seeds[0], 0.0, aug.crop_resize_fraction)
        do = tf.random.stateless_uniform([], seeds[1]) < aug.crop_resize
        ch = tf.cast(h * (1.0 - frac), tf.int32)
        cw = tf.cast(w * (1.0 - frac), tf.int32)
        cut = tf.image.stateless_random_crop(both, tf.stack([ch, cw, 6]), seeds[2])
        resized = tf.image.resize(cut, tf.cast(tf.stack([h, w]), tf.int32), antialias=True)
        both = tf.cond(do, lambda: resized, lambda: both)
    if crop:
        both = tf.image.stateless_random_crop(both, [crop, crop, 6], seeds[3])
    if aug.flips:
        both = tf.image.stateless_random_flip_left_right(both, seeds[4])
        both = tf.image.stateless_random_flip_up_down(both, seeds[5])
    if aug.rot90 and crop:
        k = tf.random.stateless_uniform([], seeds[6], 0, 4, dtype=tf.int32)
        both = tf.image.rot90(both, k)
    low, high = both[..., :3], both[..., 3:]
    if aug.channel_permute > 0 or aug.hue_rotate > 0:
        low, high = _colour_pair(low, high, seed, aug)
    if aug.jitter > 0:
        c = tf.random.stateless_uniform([], seeds[7], *aug.contrast)
        s, hshift = tf.unstack(
            tf.random.stateless_uniform([2], seeds[8], [aug.saturation[0], -aug.hue],
                                        [aug.saturation[1], aug.hue])
        )
        do = tf.random.stateless_uniform([], seeds[9]) < aug.jitter

        def jitter(x):
            x = tf.image.adjust_contrast(x, c)
            x = tf.image.adjust_saturation(x, s)
            x = tf.image.adjust_hue(x, hshift)
            return tf.clip_by_value(x, 0.0, 1.0)

        low, high = tf.cond(do, lambda: (jitter(low), jitter(high)), lambda: (low, high))
    return low, high


def make_dataset(
    pairs: Sequence[Pair],
    crop: int | None = None,
    batch_size: int = 1,
    augment: bool | Augment = False,
    value_range: tuple[float, float] = (0.0, 1.0),
    cache: bool = False,
    shuffle: bool = False,
    seed: int = 0,
    repeat: bool = False,
    prefetch: bool = True,
):
    """Build a ``tf.data`` pipeline of ``(low, high)`` batches.

    Decoding runs in parallel (:func:`load_image` through ``tf.numpy_function``, so 16-bit
    files and EXIF orientation behave exactly as everywhere else), then optional caching of
    the decoded images, shuffling, paired augmentation, cropping, batching and prefetching.

    Taught in notebook 01, section 'Paired augmentation'; notebooks 03 and 04 build their pipelines
    with it (notebook 03, section 'Data and budget').

    Parameters
    ----------
    pairs : sequence of Pair
    crop : int, optional
        Side of a random square crop taken at the same place in both images. Without a
        crop, images of different sizes can only be batched with ``batch_size=1``.
    batch_size : int
    augment : bool or Augment
        ``True`` means :data:`DEFAULT_AUGMENT` (flips, 90-degree rotations, a random
        channel order and hue rotation); pass ``Augment()`` for flips and rotations only.
    value_range : (float, float)
        Output range; (0, 1) by default. Models rescale inside themselves, so only use
        (-1, 1) to look at what a [-1, 1] network sees.
    cache : bool
        Keep decoded images in memory after the first pass.
    shuffle : bool
        Shuffle pairs every epoch (seeded).
    seed : int
        Seed for shuffling and augmentation; the same seed gives the same batches.
    repeat : bool
        Repeat forever (use with ``steps_per_epoch``).
    prefetch : bool
        Overlap input preparation with training (``AUTOTUNE``).

    Returns
    -------
    tf.data.Dataset
        Elements ``(low, high)``, float32, shape ``(batch, crop, crop, 3)``.
    """
    import tensorflow as tf

    if not pairs:
        raise DatasetError("make_dataset got no pairs (is the split empty?)")
    if augment is True:
        augment = DEFAULT_AUGMENT
    lows = [str(p.low) for p in pairs]
    highs = [str(p.high) for p in pairs]

    def decode(lp, hp):
        def read(path):
            return load_image(path.decode() if isinstance(path, bytes) else str(path))

        low = tf.numpy_function(read, [lp], tf.float32, stateful=False)
        high = tf.numpy_function(read, [hp], tf.float32, stateful=False)
        low.set_shape([None, None, 3])
        high.set_shape([None, None, 3])
        return low, high

    ds = tf.data.Dataset.from_tensor_slices((lows, highs))
    ds = ds.map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(pairs), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    if augment or crop:
        aug = augment if isinstance(augment, Augment) else Augment(flips=False, rot90=False)
        seeds = tf.data.Dataset.random(seed=seed).batch(2)
        ds = tf.data.Dataset.zip((ds, seeds)).map(
            lambda lh, s: augment_pair(lh[0], lh[1], s, aug, crop),
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=True,
        )
    lo, hi = value_range
    if (lo, hi) != (0.0, 1.0):
        ds = ds.map(lambda a, b: (a * (hi - lo) + lo, b * (hi - lo) + lo))
    ds = ds.batch(batch_size, drop_remainder=repeat)
    if prefetch:
        ds = ds.prefetch(tf.data.AUTOTUNE)
    return ds


#: The three input pipelines :func:`throughput` compares (arguments of :func:`make_dataset`).
THROUGHPUT_SETTINGS = {
    "plain": dict(cache=False, prefetch=False),
    "prefetch": dict(cache=False, prefetch=True),
    "cache+prefetch": dict(cache=True, prefetch=True),
}


def throughput(pairs: Sequence[Pair], crop: int | None = 96, batch_size: int = 4,
               work_ms: float = 20.0, epochs: int = 3) -> dict[str, float]:
    """Images per second through :func:`make_dataset`, plain, prefetched, cached + prefetched.

    Each batch is followed by ``work_ms`` of sleep, a stand-in for the training step, so
    that prefetching (preparing the next batch while the step runs) has something to
    overlap with; a step alone would allow ``1000 * batch_size / work_ms`` images/s.
    Taught in notebook 01; ``python -m lowlight_utils.bench pipeline`` repeats it.

    Taught in notebook 01, section 'The `tf.data` pipeline and its speed'.

    Parameters
    ----------
    pairs : list of Pair
    crop, batch_size : int
        As in :func:`make_dataset` (augmentation and shuffling on).
    work_ms : float
        Milliseconds of simulated work per batch (the "model"), >= 0.
    epochs : int
        Passes over the data, >= 1; the first pass of a cached pipeline fills the cache.

    Returns
    -------
    dict
        ``{"plain": ips, "prefetch": ips, "cache+prefetch": ips}`` (:data:`THROUGHPUT_SETTINGS`).
    """
    import time

    if work_ms < 0 or epochs < 1:
        raise ValueError(f"throughput: need work_ms >= 0 and epochs >= 1, got {work_ms}, "
                         f"{epochs}")
    results = {}
    for name, kw in THROUGHPUT_SETTINGS.items():
        ds = make_dataset(pairs, crop=crop, batch_size=batch_size, augment=True, shuffle=True,
                          **kw)
        n, t0 = 0, time.perf_counter()
        for _ in range(epochs):
            for low, _high in ds:
                time.sleep(work_ms / 1000.0)  # the training step we are feeding
                n += int(low.shape[0])
        results[name] = n / (time.perf_counter() - t0)
    return results
