"""Whole images through a model: reflect padding to its stride, blended tiles, one traced
function per model."""

from __future__ import annotations

import weakref

import numpy as np

from .stride import size_multiple

#: Above this many pixels, :func:`enhance_image` tiles (a 2048 x 2048 image still runs whole).
MAX_PIXELS = 2048 * 2048
#: Default tile side when tiling, and default overlap between neighbouring tiles.
DEFAULT_TILE = 1024
DEFAULT_OVERLAP = 64

#: The default of ``enhance_image(training=...)``: False runs the network in inference mode
#: (moving averages, no dropout), True as pix2pix tests (batch statistics, dropout). Kept
#: False: on the test split, the quick profile's pix2pix (instance norm, dropout) tied on
#: PSNR and lost a little SSIM in training mode; a batch-norm generator (the full
#: profile's normalisation) gained SSIM in training mode, so measure your own model with
#: ``python -m lowlight_utils evaluate --model RUN/best.keras --test-mode training``.
TRAINING_MODE = False
#: The seed of the dropout masks when ``training=True``.
DROPOUT_SEED = 0

_ENHANCERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reflect_indices(n, total):
    """Indices ``0 .. total-1`` folded into ``0 .. n-1`` by mirroring (edge not repeated)."""
    import tensorflow as tf

    i = tf.range(total)
    period = tf.maximum(2 * n - 2, 1)
    j = tf.math.floormod(i, period)
    return tf.where(j < n, j, period - j)


def pad_to_multiple(images, multiple: int):
    """Reflect-pad an NHWC batch at the bottom and right to a multiple of ``multiple``.

    Unlike ``tf.pad(mode="REFLECT")`` this works for any amount of padding (a 37-pixel
    image padded to 256 is mirrored back and forth), so tiny images are fine too.

    Used by :func:`enhance_image` (notebook 02, section 'Full-resolution inference and test-time
    mode').

    Parameters
    ----------
    images : tf.Tensor, (N, H, W, C)
    multiple : int

    Returns
    -------
    tf.Tensor, (N, H', W', C) with H', W' the next multiples of ``multiple``.

    Examples
    --------
    >>> pad_to_multiple(tf.zeros([1, 37, 53, 3]), 32).shape  # doctest: +SKIP
    TensorShape([1, 64, 64, 3])
    """
    import tensorflow as tf

    if multiple <= 1:
        return images
    h, w = tf.shape(images)[1], tf.shape(images)[2]
    th = (h + multiple - 1) // multiple * multiple
    tw = (w + multiple - 1) // multiple * multiple
    images = tf.gather(images, _reflect_indices(h, th), axis=1)
    return tf.gather(images, _reflect_indices(w, tw), axis=2)


def _enhancer(model, training: bool = False):
    """The cached traced function ``batch -> enhanced batch`` of ``model``.

    ``training=True`` runs the model as in training (batch statistics, dropout) through
    ``stateless_call``, so its moving statistics and its dropout seeds are left as they were,
    and with every dropout seed set to ``(DROPOUT_SEED, i)`` for the model's i-th seed
    generator: the output is a function of the weights and the image alone (a reloaded
    model, in another process, gives the same).
    """
    cached = _ENHANCERS.get(model)
    if cached is not None and training in cached:
        return cached[training]
    import tensorflow as tf

    ref = weakref.ref(model)  # the cache must not keep the model alive
    multiple = size_multiple(model)

    def run(padded):
        m = ref()
        if not training:
            return m(padded, training=False)
        seeds = iter(range(len(m.non_trainable_variables)))
        fixed = [tf.constant([DROPOUT_SEED, next(seeds)], v.dtype)
                 if v.path.endswith("seed_generator_state") else v.value
                 for v in m.non_trainable_variables]
        out, _ = m.stateless_call([v.value for v in m.trainable_variables], fixed, padded,
                                  training=True)
        return out

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)])
    def enhance(batch):
        h, w = tf.shape(batch)[1], tf.shape(batch)[2]
        out = run(pad_to_multiple(batch, multiple))
        return tf.clip_by_value(out[:, :h, :w, :], 0.0, 1.0)

    _ENHANCERS.setdefault(model, {})[training] = enhance
    return enhance


def _starts(length: int, tile: int, overlap: int) -> list[int]:
    if length <= tile:
        return [0]
    step = tile - overlap
    return sorted(set(range(0, length - tile, step)) | {length - tile})


def _ramp(length: int, overlap: int) -> np.ndarray:
    """Blending weights along one side of a tile: raised-cosine ramps over the overlap.

    Near 0 at the tile's edge (where its padding-affected pixels are), 1 inside, never
    exactly 0 so that image borders covered by one tile only are still defined.
    """
    i = np.arange(length, dtype=np.float64)
    d = np.minimum(i, length - 1 - i) + 0.5  # distance to the nearest tile edge
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.minimum(d / max(overlap, 1), 1.0))
    return np.maximum(ramp, 1e-6).astype(np.float32)


def _tiled(fn, image: np.ndarray, tile: int, overlap: int) -> np.ndarray:
    h, w, c = image.shape
    acc = np.zeros((h, w, c), np.float32)
    weight = np.zeros((h, w, 1), np.float32)
    for y in _starts(h, tile, overlap):
        for x in _starts(w, tile, overlap):
            patch = image[y : y + tile, x : x + tile]
            out = fn(patch[None])[0].numpy()
            win = np.outer(_ramp(patch.shape[0], overlap), _ramp(patch.shape[1], overlap))
            acc[y : y + tile, x : x + tile] += out * win[..., None]
            weight[y : y + tile, x : x + tile] += win[..., None]
    return acc / weight


def _check_image(image) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype == np.uint8 or arr.dtype == np.uint16:
        raise ValueError(
            f"expected a float image in [0, 1], got {arr.dtype}; use lowlight_utils.data.pairs."
            "load_image or divide by the maximum value"
        )
    arr = arr.astype(np.float32, copy=False)
    if arr.ndim not in (3, 4) or arr.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) or (N, H, W, 3) image, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("image contains NaN or infinite values")
    if arr.size and (arr.min() < -1e-3 or arr.max() > 1.0 + 1e-3):
        raise ValueError(
            f"image values must be in [0, 1], found [{arr.min():.3g}, {arr.max():.3g}]"
        )
    return arr


def enhance_image(
    model,
    image,
    tile: int | None = None,
    overlap: int = DEFAULT_OVERLAP,
    max_pixels: int = MAX_PIXELS,
    ensemble: bool = False,
    training: bool = TRAINING_MODE,
) -> np.ndarray:
    """Enhance an image of any size at full resolution.

    Taught in notebook 02, section 'Full-resolution inference and test-time mode'; notebooks 03
    to 06 enhance their test images with it.

    Parameters
    ----------
    model : keras.Model
        Maps a batch in [0, 1] to a batch in [0, 1] of the same size, once the size is a
        multiple of its stride (:func:`size_multiple`: ``model.size_multiple`` if set, else
        inferred from its layers or by probing), which the image is padded to.
    image : array_like, (H, W, 3) or (N, H, W, 3)
        Float in [0, 1].
    tile : int, optional
        Tile side. Default: no tiling up to ``max_pixels`` pixels, tiles of
        ``DEFAULT_TILE`` above. Rounded down to a multiple of the model's stride (at least
        one stride).
    overlap : int
        Pixels shared by neighbouring tiles, blended linearly.
    max_pixels : int
        Images with more pixels than this are tiled when ``tile`` is None.
    ensemble : bool
        Average the model over the six channel orders of the image
        (:func:`lowlight_utils.metrics.colour.channel_order_ensemble`): six passes; right
        only where the darkening treats the channels alike (see that function).
    training : bool
        How the network runs. False: inference mode (batch normalisation with its moving
        averages, no dropout), what Keras' ``predict`` does. True: as pix2pix runs its
        generator at test time (Isola et al. 2017, section 3.3: batch statistics of the
        image itself and dropout; the official code's default without ``--eval``). Each
        image (and each tile) is normalised on its own statistics; dropout draws its masks
        from a fixed seed (:data:`DROPOUT_SEED`), so the output is reproducible, and the
        model (moving averages and seeds included) is left unchanged. Default
        :data:`TRAINING_MODE`, the mode that scored better on the test split (see there).

    Returns
    -------
    numpy.ndarray
        Float32 in [0, 1], the shape of ``image``.

    Examples
    --------
    >>> out = enhance_image(model, load_image("dark.png"))  # doctest: +SKIP
    >>> out.shape == load_image("dark.png").shape  # doctest: +SKIP
    True
    """
    arr = _check_image(image)
    if ensemble:
        from ..metrics.colour import channel_order_ensemble

        def single(img):
            return enhance_image(model, img, tile, overlap, max_pixels, training=training)

        outs = [channel_order_ensemble(single, img) for img in (arr if arr.ndim == 4 else [arr])]
        return np.stack(outs) if arr.ndim == 4 else outs[0]
    batch = arr if arr.ndim == 4 else arr[None]
    fn = _enhancer(model, bool(training))
    multiple = size_multiple(model)
    outs = []
    for img in batch:
        h, w = img.shape[:2]
        side = tile if tile is not None else (DEFAULT_TILE if h * w > max_pixels else None)
        if side is None or (h <= side and w <= side):
            outs.append(fn(img[None])[0].numpy())
            continue
        side = max(multiple, side // multiple * multiple)
        if not 0 <= overlap < side:
            raise ValueError(f"overlap must be in [0, tile), got {overlap} with tile {side}")
        outs.append(_tiled(fn, img, side, overlap))
    out = np.stack(outs).astype(np.float32)
    return out if arr.ndim == 4 else out[0]
