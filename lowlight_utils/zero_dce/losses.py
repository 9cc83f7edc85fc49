"""Zero-DCE's four non-reference losses: spatial consistency, exposure, colour, smoothness.

Each judges the enhanced image (or the curve maps) alone; no normal-light reference is
needed. Weights as in the official code's ``lowlight_train.py``.
"""

from __future__ import annotations

import tensorflow as tf

#: Loss weights of the official code (``lowlight_train.py``).
LOSS_WEIGHTS = {"smoothness": 200.0, "spatial": 1.0, "color": 5.0, "exposure": 10.0}

#: Zero-DCE++'s official training weights (its smoothness weight is 1600).
PLUSPLUS_LOSS_WEIGHTS = {"smoothness": 1600.0, "spatial": 1.0, "color": 5.0, "exposure": 10.0}

SMOOTHNESS_NORMALIZATIONS = ("official", "keras-example")


def _neighbour_differences(p):
    """Differences of each cell to its left, right, upper and lower neighbour (zero outside).

    The zero border is the official code's ``conv2d(..., padding=1)``.
    """
    padded = tf.pad(p, [[0, 0], [1, 1], [1, 1], [0, 0]])
    centre = padded[:, 1:-1, 1:-1, :]
    return (
        centre - padded[:, 1:-1, :-2, :],
        centre - padded[:, 1:-1, 2:, :],
        centre - padded[:, :-2, 1:-1, :],
        centre - padded[:, 2:, 1:-1, :],
    )


def spatial_consistency_loss(original, enhanced, region: int = 4):
    """Spatial consistency: neighbouring regions keep their contrast.

    Both images are averaged over channels and over ``region x region`` blocks; each block's
    differences to its 4 neighbours in the input must match those in the output:
    ``mean over blocks of sum_j (D_in(i, j) - D_out(i, j))**2``. As in the official code the
    blocks at the border are compared with zero outside the image, and the paper's absolute
    values are not taken.

    Taught in notebook 04, section 'The four non-reference losses'.

    Parameters
    ----------
    original, enhanced : tensor, shape (N, H, W, 3)
    region : int
        Block size (4 in the paper).

    Returns
    -------
    scalar tensor

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020, section 3.3; official code
    github.com/Li-Chongyi/Zero-DCE, ``Zero-DCE_code/Myloss.py`` (``L_spa``).
    """
    pool = [1, region, region, 1]
    p_in = tf.nn.avg_pool2d(tf.reduce_mean(original, -1, keepdims=True), pool, pool, "VALID")
    p_out = tf.nn.avg_pool2d(tf.reduce_mean(enhanced, -1, keepdims=True), pool, pool, "VALID")
    pairs = zip(_neighbour_differences(p_in), _neighbour_differences(p_out), strict=True)
    terms = [tf.square(d_in - d_out) for d_in, d_out in pairs]
    return tf.reduce_mean(tf.add_n(terms))


def exposure_loss(enhanced, target: float = 0.6, patch: int = 16):
    """Exposure control: every ``patch x patch`` block's mean intensity should be ``target``.

    Taught in notebook 04, section 'The four non-reference losses'.

    Parameters
    ----------
    enhanced : tensor, shape (N, H, W, 3)
    target : float
        Well-exposedness level E (0.6 in the paper).
    patch : int
        Block size (16 in the paper); incomplete blocks at the edges are dropped.

    Returns
    -------
    scalar tensor
        ``mean over blocks of (block mean - target)**2``.

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020, section 3.3; official code
    github.com/Li-Chongyi/Zero-DCE, ``Zero-DCE_code/Myloss.py`` (``L_exp``).

    Examples
    --------
    >>> round(float(exposure_loss(tf.fill([1, 32, 32, 3], 0.6))), 6)  # well exposed
    0.0
    >>> round(float(exposure_loss(tf.fill([1, 32, 32, 3], 0.2))), 4)  # (0.2 - 0.6) ** 2
    0.16
    """
    size = [1, patch, patch, 1]
    means = tf.nn.avg_pool2d(tf.reduce_mean(enhanced, -1, keepdims=True), size, size, "VALID")
    return tf.reduce_mean(tf.square(means - target))


def color_constancy_loss(enhanced):
    """Colour constancy (grey world): the three channel means should agree.

    As in the official code, with ``d_pq = (mean_p - mean_q)**2`` per image the loss is
    ``sqrt(d_rg**2 + d_rb**2 + d_gb**2)``, averaged over the batch. The square root has a
    finite (zero) gradient for a perfectly grey image.

    Taught in notebook 04, section 'The four non-reference losses'.

    Parameters
    ----------
    enhanced : tensor, shape (N, H, W, 3)

    Returns
    -------
    scalar tensor

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020, section 3.3; official code
    github.com/Li-Chongyi/Zero-DCE, ``Zero-DCE_code/Myloss.py`` (``L_color``).

    Examples
    --------
    >>> float(color_constancy_loss(tf.fill([1, 8, 8, 3], 0.4)))  # grey: the means agree
    0.0
    >>> cast = tf.ones([1, 8, 8, 1]) * [[[[0.5, 0.5, 0.3]]]]  # too little blue
    >>> round(float(color_constancy_loss(cast)), 4)  # sqrt(0 + 0.04 ** 2 + 0.04 ** 2)
    0.0566
    """
    means = tf.reduce_mean(enhanced, axis=(1, 2))
    r, g, b = means[:, 0], means[:, 1], means[:, 2]
    total = tf.square(tf.square(r - g)) + tf.square(tf.square(r - b)) + tf.square(tf.square(g - b))
    positive = total > 0
    root = tf.sqrt(tf.where(positive, total, tf.ones_like(total)))
    return tf.reduce_mean(tf.where(positive, root, tf.zeros_like(total)))


def illumination_smoothness_loss(curves, normalization: str = "official"):
    """Illumination smoothness: total variation of the curve maps.

    ``2 * (h_tv / count_h + w_tv / count_w) / N`` with ``h_tv``, ``w_tv`` the summed squared
    vertical and horizontal differences over all maps.

    Taught in notebook 04, section 'The four non-reference losses'; its normalisation in
    notebook 04, section 'Where the Keras example departs from the official code'.

    Parameters
    ----------
    curves : tensor, shape (N, H, W, C)
        The curve maps (C = 24 for Zero-DCE, 3 for Zero-DCE++).
    normalization : {"official", "keras-example"}
        ``"official"``: the official (NCHW) code's counts, ``count_h = (H - 1) * W`` and
        ``count_w = H * (W - 1)``. ``"keras-example"``: the widely copied Keras example, which
        reads NHWC dimensions as if they were NCHW and so uses ``count_h = (W - 1) * C`` and
        ``count_w = W * (C - 1)``; about 11x larger at 256x256x24, which over-smooths.

    Returns
    -------
    scalar tensor

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020, section 3.3; official code
    github.com/Li-Chongyi/Zero-DCE, ``Zero-DCE_code/Myloss.py`` (``L_TV``).
    """
    if normalization not in SMOOTHNESS_NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {SMOOTHNESS_NORMALIZATIONS}, got {normalization!r}"
        )
    shape = tf.shape(curves)
    n, h, w, c = (tf.cast(shape[i], tf.float32) for i in range(4))
    h_tv = tf.reduce_sum(tf.square(curves[:, 1:, :, :] - curves[:, :-1, :, :]))
    w_tv = tf.reduce_sum(tf.square(curves[:, :, 1:, :] - curves[:, :, :-1, :]))
    if normalization == "official":
        count_h, count_w = (h - 1.0) * w, h * (w - 1.0)
    else:
        count_h, count_w = (w - 1.0) * c, w * (c - 1.0)
    return 2.0 * (h_tv / count_h + w_tv / count_w) / n
