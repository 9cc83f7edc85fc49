"""Zero-DCE's light-enhancement curves: ``LE(x) = x + alpha * x * (1 - x)``, applied in steps.

:func:`apply_curves` is the differentiable path used in training; the ``_fused_*`` functions
are the same arithmetic compiled into one XLA kernel for inference, and
:func:`upsample_bilinear` is Zero-DCE++'s upsampling of its low-resolution curve map written
so that XLA fuses it with the curve steps.
"""

from __future__ import annotations

import tensorflow as tf

#: Number of curve applications (the paper's n).
ITERATIONS = 8


def le_curve(x, alpha):
    """One light-enhancement curve, ``LE(x) = x + alpha * x * (1 - x)``.

    Works on NumPy arrays, tensors and scalars alike.

    Taught in notebook 04, section 'Curves instead of pixels'.

    Parameters
    ----------
    x : array_like
        Values in [0, 1].
    alpha : array_like
        Curve parameter in [-1, 1], broadcast against ``x``; positive brightens.

    Returns
    -------
    array_like
        Values in [0, 1] (for ``x`` in [0, 1] and ``|alpha| <= 1``).

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020, section 3.1 (the LE-curve); official
    code github.com/Li-Chongyi/Zero-DCE, ``Zero-DCE_code/model.py``, which writes ``x + r *
    (x**2 - x)``, i.e. ``r = -alpha``.

    Examples
    --------
    >>> float(le_curve(0.25, 1.0))
    0.4375
    """
    return x + alpha * x * (1.0 - x)


def _curve_maps(curves, iterations: int | None):
    channels = curves.shape[-1]
    if channels is None or channels % 3:
        raise ValueError(f"curve maps need 3 * k channels, got shape {curves.shape}")
    if channels == 3:
        return [curves] * (ITERATIONS if iterations is None else iterations)
    if iterations is not None and iterations != channels // 3:
        raise ValueError(f"{channels} curve channels hold {channels // 3} maps, not {iterations}")
    return [curves[..., 3 * i : 3 * i + 3] for i in range(channels // 3)]


def apply_curves(image, curves, iterations: int | None = None):
    """Apply the curve maps one after another: ``x <- x + alpha_n * x * (1 - x)``.

    Taught in notebook 04, section 'Curves instead of pixels'.

    Parameters
    ----------
    image : tensor, shape (N, H, W, 3)
        Low-light images in [0, 1].
    curves : tensor, shape (N, H, W, 3 * k)
        ``k`` three-channel maps of ``alpha`` (Zero-DCE: k = 8, applied in order), or a single
        three-channel map reused ``iterations`` times (Zero-DCE++).
    iterations : int, optional
        Number of steps for a single reused map (default 8); must equal ``k`` otherwise.

    Returns
    -------
    tensor, shape (N, H, W, 3)
        The enhanced images.

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020, section 3.1 (the iterated,
    pixel-wise curve); official code github.com/Li-Chongyi/Zero-DCE, ``Zero-DCE_code/model.py``
    (eight maps applied in order); C. Li, C. Guo and C. C. Loy, "Learning to Enhance Low-Light
    Image via Zero-Reference Deep Curve Estimation", IEEE TPAMI 2021 (Zero-DCE++: one map
    reused).

    Examples
    --------
    >>> x = tf.fill([1, 1, 1, 3], 0.25)
    >>> round(float(apply_curves(x, tf.ones([1, 1, 1, 3]), iterations=1)[0, 0, 0, 0]), 4)
    0.4375
    """
    x = tf.convert_to_tensor(image)
    for alpha in _curve_maps(tf.convert_to_tensor(curves), iterations):
        x = le_curve(x, alpha)
    return x


def _fast_curves(x, alpha_maps):
    """The curve steps written as ``x * ((1 + a) - a * x)``: two multiplies and a subtract."""
    for alpha in alpha_maps:
        x = x * ((1.0 + alpha) - alpha * x)
    return tf.clip_by_value(x, 0.0, 1.0)


def upsample_bilinear(maps, height, width):
    """Bilinear resize of ``maps`` to ``(height, width)`` written as two gathers and lerps.

    Same sampling as ``tf.image.resize(..., "bilinear")`` (half-pixel centres; the official
    Zero-DCE++ uses PyTorch's ``UpsamplingBilinear2d``, i.e. align_corners=True, a
    sub-pixel difference), but made of
    gathers and elementwise arithmetic that XLA fuses with the curve steps, so the
    full-resolution curve map is never written to memory.

    Parameters
    ----------
    maps : tensor, shape (N, h, w, C)
    height, width : int or scalar tensor

    Returns
    -------
    tensor, shape (N, height, width, C)
    """

    def along(a, out, axis):
        n = tf.shape(a)[axis]
        scale = tf.cast(n, tf.float32) / tf.cast(out, tf.float32)
        pos = (tf.cast(tf.range(out), tf.float32) + 0.5) * scale - 0.5
        pos = tf.clip_by_value(pos, 0.0, tf.cast(n - 1, tf.float32))
        lo = tf.cast(tf.floor(pos), tf.int32)
        hi = tf.minimum(lo + 1, n - 1)
        weight = pos - tf.cast(lo, tf.float32)
        weight = tf.reshape(weight, [1, -1, 1, 1] if axis == 1 else [1, 1, -1, 1])
        return tf.gather(a, lo, axis=axis) * (1.0 - weight) + tf.gather(a, hi, axis=axis) * weight

    return along(along(maps, height, 1), width, 2)


@tf.function(jit_compile=True, reduce_retracing=True)
def _fused_enhance(image, curves):
    """Zero-DCE inference tail: 8 curve steps in one XLA kernel."""
    return _fast_curves(image, _curve_maps(curves, None))


@tf.function(jit_compile=True, reduce_retracing=True)
def _fused_upsample_enhance(image, small_curves, iterations):
    """Zero-DCE++ inference tail: upsample the 3-channel map and apply it, in one kernel."""
    shape = tf.shape(image)
    alpha = upsample_bilinear(small_curves, shape[1], shape[2])
    return _fast_curves(image, [alpha] * iterations)
