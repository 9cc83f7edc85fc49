"""Windowed full-reference metrics: SSIM (Gaussian 11x11 window) and UQI (8x8 box window)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .pixel import _as_pair, _check_range, _output


# ----------------------------------------------------------------------------- windows
# Both window operations run in OpenCV (``cv2.sepFilter2D``, ``cv2.dilate``/``cv2.erode``),
# image by image, then keep the 'valid' region: the positions whose whole window lies
# inside the image, so the border OpenCV pads with never reaches the result. OpenCV is
# about 9x faster here than shifted NumPy slices (``python -m lowlight_utils.bench
# metrics``) and filters in float64 like they did.
def _valid_per_image(x: np.ndarray, k: int, fn: Callable) -> np.ndarray:
    """``fn`` on each (H, W, C) image of (N, H, W, C) ``x``, 'valid' k x k region kept."""
    n, height, width, channels = x.shape
    h, w = height - k + 1, width - k + 1
    a = k // 2  # OpenCV's default anchor: output pixel y reads input y - a ... y - a + k - 1
    out = np.empty((n, h, w, channels), dtype=np.float64)
    for i in range(n):
        for c0 in range(0, channels, 4):  # OpenCV filters up to 4 channels at a time
            src = np.ascontiguousarray(x[i, ..., c0:c0 + 4], dtype=np.float64)
            res = fn(src)
            out[i, ..., c0:c0 + 4] = res[a:a + h, a:a + w].reshape(h, w, -1)
    return out


def valid_filter(x: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """Separable correlation of (N, H, W, C) with ``taps`` along H and W, 'valid' region."""
    import cv2

    taps = np.asarray(taps, dtype=np.float64)
    return _valid_per_image(x, len(taps), lambda img: cv2.sepFilter2D(
        img, cv2.CV_64F, taps, taps, borderType=cv2.BORDER_REFLECT))


def _valid_reduce(x: np.ndarray, k: int, op: Callable) -> np.ndarray:
    """Running ``op`` (np.maximum / np.minimum) over k x k windows, 'valid' region."""
    import cv2

    morph = {np.maximum: cv2.dilate, np.minimum: cv2.erode}[op]
    kernel = np.ones((k, k), np.uint8)
    return _valid_per_image(x, k, lambda img: morph(img, kernel, borderType=cv2.BORDER_REFLECT))


def _check_window(shape: tuple[int, ...], win: int, name: str) -> None:
    if shape[1] < win or shape[2] < win:
        raise ValueError(
            f"{name} needs images of at least {win}x{win} pixels, got {shape[1]}x{shape[2]}"
        )


# ----------------------------------------------------------------------------- SSIM
def gaussian_taps(sigma: float = 1.5, truncate: float = 3.5) -> np.ndarray:
    """Normalised 1-D Gaussian window, radius ``int(truncate * sigma + 0.5)`` (11 taps).

    The same window as ``scipy.ndimage.gaussian_filter`` (used by scikit-image) and
    ``tf.image.ssim``.

    Examples
    --------
    >>> gaussian_taps().shape
    (11,)
    """
    radius = int(truncate * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return g / g.sum()


def ssim(
    pred,
    ref,
    data_range: float = 1.0,
    *,
    sigma: float = 1.5,
    truncate: float = 3.5,
    k1: float = 0.01,
    k2: float = 0.03,
    return_map: bool = False,
):
    """Structural similarity (Wang et al. 2004) with an 11x11 Gaussian window.

    Means, variances and covariance are Gaussian-weighted (``sigma=1.5``, population
    covariance); SSIM is computed per channel on the window positions that fit inside the
    image (a border of ``(win - 1) // 2`` pixels is left out, as scikit-image does) and
    averaged over positions and channels. Equal to scikit-image's ``structural_similarity(
    ..., data_range=1, channel_axis=-1, gaussian_weights=True, sigma=1.5,
    use_sample_covariance=False)`` and to ``tf.image.ssim(..., max_val=1)``.

    Taught in notebook 05, section 'Five metrics, one picture each' (and checked against
    scikit-image and TensorFlow in its next section); notebook 06 uses it too.

    Parameters
    ----------
    pred, ref : array_like
        Same shapes as for :func:`psnr`; at least 11x11 pixels.
    data_range : float, default 1.0
        Distance between the smallest and largest possible value; the values must lie in
        ``[0, data_range]`` (see :mod:`lowlight_utils.metrics.pixel`).
    sigma, truncate : float
        Gaussian window; the defaults give the standard 11x11 window.
    k1, k2 : float
        Stabilising constants, ``C1 = (k1 * data_range)**2``, ``C2 = (k2 * data_range)**2``.
    return_map : bool, default False
        Also return the SSIM map.

    Returns
    -------
    float or numpy.ndarray
        Mean SSIM (one per image for a batch); 1 for identical images.
    numpy.ndarray, optional
        With ``return_map=True``: the map, shape (H - win + 1, W - win + 1, C) for one image
        (channel axis kept, also for a 2-D input: C = 1) or (N, ..., C) for a batch.

    References
    ----------
    Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image Quality Assessment: From
    Error Visibility to Structural Similarity", IEEE TIP 13(4), 2004 (K1 = 0.01, K2 = 0.03,
    an 11x11 Gaussian window with sigma 1.5).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.random((32, 32, 3))
    >>> ssim(ref, ref)
    1.0
    >>> value, smap = ssim(ref * 0.5, ref, return_map=True)
    >>> smap.shape, value < 1
    ((22, 22, 3), True)
    """
    p, r, batched = _as_pair(pred, ref, data_range)
    taps = gaussian_taps(sigma, truncate)
    _check_window(p.shape, len(taps), "ssim")
    c1 = (k1 * _check_range(data_range)) ** 2
    c2 = (k2 * data_range) ** 2

    mu_p, mu_r = valid_filter(p, taps), valid_filter(r, taps)
    var_p = valid_filter(p * p, taps) - mu_p**2
    var_r = valid_filter(r * r, taps) - mu_r**2
    cov = valid_filter(p * r, taps) - mu_p * mu_r
    smap = ((2 * mu_p * mu_r + c1) * (2 * cov + c2)) / (
        (mu_p**2 + mu_r**2 + c1) * (var_p + var_r + c2)
    )
    values = smap.mean(axis=(1, 2, 3))
    out = _output(values, batched)
    if return_map:
        return out, (smap if batched else smap[0])
    return out


def ssim_tf(pred, ref, max_val: float = 1.0):
    """:func:`ssim` in TensorFlow, for a batch inside a graph (a model's ``test_step``).

    The same quantity as ``tf.image.ssim(pred, ref, max_val)`` (11x11 Gaussian window,
    sigma 1.5, ``k1=0.01``, ``k2=0.03``, valid window positions), computed with the window
    split into an 11x1 and a 1x11 pass: a 2-D Gaussian is the product of two 1-D ones, so
    22 multiplications per pixel and statistic do the work of 121. On a 2-core CPU this
    makes the SSIM of a 600x512 validation image several times cheaper
    (``python -m lowlight_utils.bench ssim``).

    Parameters
    ----------
    pred, ref : tensor, (N, H, W, C), float, H and W at least 11
    max_val : float
        Dynamic range of the values.

    Returns
    -------
    tf.Tensor (N,)
        Mean SSIM of each image.
    """
    import tensorflow as tf

    pred = tf.convert_to_tensor(pred, tf.float32)
    ref = tf.convert_to_tensor(ref, tf.float32)
    channels = pred.shape[-1]
    taps = tf.constant(gaussian_taps(), tf.float32)
    k = int(taps.shape[0])
    # the five statistics' images side by side, filtered by one depthwise pass each way
    stack = tf.concat([pred, ref, pred * pred, ref * ref, pred * ref], axis=-1)
    depth = 5 * channels
    column = tf.tile(tf.reshape(taps, [k, 1, 1, 1]), [1, 1, depth, 1])
    row = tf.reshape(column, [1, k, depth, 1])
    filtered = tf.nn.depthwise_conv2d(
        tf.nn.depthwise_conv2d(stack, column, [1, 1, 1, 1], "VALID"), row, [1, 1, 1, 1],
        "VALID")
    mu_p, mu_r, pp, rr, pr = tf.split(filtered, 5, axis=-1)
    c1, c2 = (0.01 * max_val) ** 2, (0.03 * max_val) ** 2
    smap = ((2 * mu_p * mu_r + c1) * (2 * (pr - mu_p * mu_r) + c2)) / (
        (mu_p**2 + mu_r**2 + c1) * (pp - mu_p**2 + rr - mu_r**2 + c2))
    return tf.reduce_mean(smap, axis=[1, 2, 3])


# ----------------------------------------------------------------------------- UQI
def uqi(pred, ref, window: int = 8, *, data_range: float = 1.0, return_map: bool = False):
    """Universal image quality index Q of Wang & Bovik (2002).

    On every ``window x window`` block (stride 1, blocks fully inside the image)::

        Q = 4 cov(x, y) mean(x) mean(y) / ((var(x) + var(y)) (mean(x)**2 + mean(y)**2))

    with population (co)variances; Q is averaged over blocks, per channel, then over
    channels. It combines loss of correlation, luminance distortion and contrast
    distortion; it lies in [-1, 1] and is 1 only for identical blocks.

    **Flat blocks.** Q is 0/0 on a block without variance; the rules are those of Wang's
    reference code ``img_qi.m`` (which *sewar*'s ``uqi`` copies): where both blocks are flat, Q is
    ``2 mean(x) mean(y) / (mean(x)**2 + mean(y)**2)`` (1 when the means are also zero);
    where only one block is flat, the covariance is zero and so is Q. Those rules test for
    exact zeros; here differences of at most half an 8-bit level (``data_range / 510``) are
    not told apart: a block whose values span at most that is flat, and a flat block whose
    mean is at most that is black. No image saved with 8 bits can tell such blocks from
    constant (or black) ones, and round-off or faint float noise (a reference plus 1e-6
    noise) no longer turns Q from 1 to 0 on every flat area of the reference. On images
    whose values are 8-bit levels (everything :func:`lowlight_utils.metrics.evaluate_pairs`
    scores) a block spans either 0 or at least one level, and a flat block's mean is its
    level, 0 or at least one level up, so Q there is exactly ``img_qi.m``'s.

    Not the same quantity as the ``uqi`` of the *sewar* package, which puts box *means*
    where ``img_qi.m`` has box sums (``N * mean(xy) - mean(x) mean(y)``) and averages a
    cropped map, so numbers from it are not comparable.

    Taught in notebook 05, section 'Five metrics, one picture each'.

    Parameters
    ----------
    pred, ref : array_like
        Same shapes as for :func:`psnr`; at least ``window`` pixels each way. Q does not
        otherwise depend on the data range.
    window : int, default 8
        Block size (8 in the paper).
    data_range : float, default 1.0
        Distance between the smallest and largest possible value: the values must lie in
        ``[0, data_range]``, and it sets the flatness threshold.
    return_map : bool, default False
        Also return the Q map, shape (H - window + 1, W - window + 1, C) (batch: leading N).

    Returns
    -------
    float or numpy.ndarray
        Mean Q (one per image for a batch).

    References
    ----------
    Z. Wang and A. C. Bovik, "A universal image quality index", IEEE Signal Processing
    Letters 9(3), 2002; ``img_qi.m``, https://ece.uwaterloo.ca/~z70wang/research/quality_index/

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.random((16, 16, 3))
    >>> uqi(ref, ref)
    1.0
    >>> uqi(1.0 - ref, ref) < 0
    True
    >>> flat = np.full((16, 16, 3), 0.5)
    >>> round(uqi(flat + 1e-6 * rng.standard_normal(flat.shape), flat), 6)
    1.0
    """
    p, r, batched = _as_pair(pred, ref, data_range)
    window = int(window)
    if window < 2:
        raise ValueError(f"uqi window must be at least 2, got {window}")
    _check_window(p.shape, window, "uqi")
    qmap = _uqi_map(p, r, window, _check_range(data_range) / 510.0)
    out = _output(qmap.mean(axis=(1, 2, 3)), batched)
    if return_map:
        return out, (qmap if batched else qmap[0])
    return out


def _uqi_map(p: np.ndarray, r: np.ndarray, window: int, flat_span: float) -> np.ndarray:
    """Q on every block of (N, H, W, C) inputs, with the flat-block rules of img_qi.m.

    A block is flat when its maximum minus its minimum is at most ``flat_span``, and a flat
    block is black when its mean is at most ``flat_span``.
    """
    taps = np.full(window, 1.0 / window)
    mu_p, mu_r = valid_filter(p, taps), valid_filter(r, taps)
    span_p = _valid_reduce(p, window, np.maximum) - _valid_reduce(p, window, np.minimum)
    span_r = _valid_reduce(r, window, np.maximum) - _valid_reduce(r, window, np.minimum)
    flat_p, flat_r = span_p <= flat_span, span_r <= flat_span
    var_p = np.where(flat_p, 0.0, np.maximum(valid_filter(p * p, taps) - mu_p**2, 0.0))
    var_r = np.where(flat_r, 0.0, np.maximum(valid_filter(r * r, taps) - mu_r**2, 0.0))
    cov = np.where(flat_p | flat_r, 0.0, valid_filter(p * r, taps) - mu_p * mu_r)

    mean_term = mu_p**2 + mu_r**2
    var_term = var_p + var_r
    denominator = var_term * mean_term
    qmap = np.ones_like(mu_p)
    only_var_zero = (var_term == 0) & (mean_term != 0)
    qmap[only_var_zero] = 2 * mu_p[only_var_zero] * mu_r[only_var_zero] / mean_term[only_var_zero]
    ok = denominator != 0
    qmap[ok] = 4 * cov[ok] * mu_p[ok] * mu_r[ok] / denominator[ok]
    # two flat blocks, both black within the same tolerance: img_qi.m's "means zero" case
    qmap[flat_p & flat_r & (mu_p <= flat_span) & (mu_r <= flat_span)] = 1.0
    return qmap
