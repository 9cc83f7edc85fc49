"""Colour: RGB <-> YCrCb for [0, 1] images (BT.601, OpenCV's ``COLOR_RGB2YCrCb``), CIEDE2000.

Y carries brightness and most of the structure; Cr and Cb carry colour as offsets around
0.5. Working on Y alone makes brightening easier to learn, but whatever is wrong in the
low image's chroma (noise, lost saturation) is then kept.
"""

from __future__ import annotations

import numpy as np

_Y = np.array([0.299, 0.587, 0.114])
# OpenCV's definition: Cr = 0.713 (R - Y) + 0.5, Cb = 0.564 (B - Y) + 0.5
_TO = np.stack([_Y, 0.713 * (np.array([1.0, 0, 0]) - _Y), 0.564 * (np.array([0, 0, 1.0]) - _Y)])
_FROM = np.linalg.inv(_TO)


def luminance(image) -> np.ndarray:
    """Luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, the Y of :func:`rgb_to_ycrcb`).

    Taught in notebook 01, section 'The data'; notebook 05, section 'How a score can lie: each
    pitfall measured', uses it too.

    Parameters
    ----------
    image : array_like
        RGB, last axis of size 3, in [0, 1].

    Returns
    -------
    numpy.ndarray
        float32, the shape of ``image`` without its last axis.

    Examples
    --------
    >>> float(luminance(np.array([1.0, 1.0, 1.0])))
    1.0
    """
    return (np.asarray(image, dtype=np.float64) @ _Y).astype(np.float32)


def rgb_to_ycrcb(image: np.ndarray) -> np.ndarray:
    """(..., 3) RGB in [0, 1] -> (..., 3) Y, Cr, Cb with Cr and Cb centred on 0.5.

    Taught in notebook 01, section 'RGB or YCrCb?'.

    Parameters
    ----------
    image : array_like, (..., 3)
        RGB in [0, 1].

    Returns
    -------
    numpy.ndarray
        float32, the shape of ``image``: Y (BT.601 luma, as :func:`luminance`), then
        ``Cr = 0.713 (R - Y) + 0.5`` and ``Cb = 0.564 (B - Y) + 0.5`` (OpenCV's
        ``COLOR_RGB2YCrCb`` on [0, 1] values). Note the order, Cr before Cb.

    References
    ----------
    ITU-R Recommendation BT.601 (the luma weights 0.299, 0.587, 0.114); OpenCV's
    ``cvtColor`` documentation, "RGB <-> YCrCb JPEG".

    Examples
    --------
    >>> rgb_to_ycrcb(np.array([1.0, 1.0, 1.0])).round(6).tolist()
    [1.0, 0.5, 0.5]
    """
    out = np.asarray(image, dtype=np.float64) @ _TO.T
    out[..., 1:] += 0.5
    return out.astype(np.float32)


def ycrcb_to_rgb(image: np.ndarray) -> np.ndarray:
    """Inverse of :func:`rgb_to_ycrcb`, clipped to [0, 1].

    Taught in notebook 01, section 'RGB or YCrCb?'.

    Parameters
    ----------
    image : array_like, (..., 3)
        Y, Cr, Cb as :func:`rgb_to_ycrcb` returns them.

    Returns
    -------
    numpy.ndarray
        float32 RGB in [0, 1], the shape of ``image``. A Y, Cr, Cb triple outside the RGB
        cube (an edited chroma, say) is clipped.

    Examples
    --------
    >>> rgb = np.array([0.2, 0.5, 0.9])
    >>> bool(np.abs(ycrcb_to_rgb(rgb_to_ycrcb(rgb)) - rgb).max() < 1e-6)  # a round trip
    True
    """
    x = np.asarray(image, dtype=np.float64).copy()
    x[..., 1:] -= 0.5
    return np.clip(x @ _FROM.T, 0.0, 1.0).astype(np.float32)


def ciede2000(pred, ref, data_range: float = 1.0) -> float:
    """Mean CIEDE2000 colour difference between two sRGB images (D65), over pixels.

    PSNR treats a wrong colour and a wrong brightness alike; CIEDE2000 measures how
    different two colours *look*: about 1 is a just-noticeable difference, 2-10 is seen at
    a glance, above 10 the colours read as different colours. Both images are converted to
    CIELAB with :func:`skimage.color.rgb2lab` and compared with
    :func:`skimage.color.deltaE_ciede2000`.

    Nothing is clipped: the values follow the metrics' rule
    (:func:`lowlight_utils.metrics.as_float_image`), so floats outside
    ``[0, data_range]`` raise (0-255 floats scored as [0, 1] images would all be clipped
    to white) and ``uint8`` images are scaled by 255 as scikit-image does.

    Taught in notebook 05, section 'What CIEDE2000 sees that PSNR does not'.

    Parameters
    ----------
    pred, ref : array_like, (H, W, 3)
        sRGB images of the same shape: floats in ``[0, data_range]`` or unsigned integers.
    data_range : float, default 1.0
        The value of white; the images are divided by it before the conversion.

    Returns
    -------
    float
        Mean Delta E 2000; 0 for identical images.

    Raises
    ------
    ValueError
        If the shapes differ, the images are not RGB, or their values break the rule above
        (the message names the range found).

    References
    ----------
    G. Sharma, W. Wu and E. N. Dalal, "The CIEDE2000 color-difference formula: Implementation
    notes, supplementary test data, and mathematical observations", Color Research &
    Application 30(1), 2005 (the formula :func:`skimage.color.deltaE_ciede2000` implements).

    Examples
    --------
    >>> grey = np.full((2, 2, 3), 0.5)
    >>> ciede2000(grey, grey)
    0.0
    >>> round(ciede2000(grey * [1.0, 0.9, 0.9], grey), 1)  # a slight red cast
    7.6
    >>> round(ciede2000(255 * grey * [1.0, 0.9, 0.9], 255 * grey, data_range=255), 1)
    7.6
    """
    from skimage.color import deltaE_ciede2000, rgb2lab

    from .pixel import as_float_image

    p_shape, r_shape = np.shape(pred), np.shape(ref)
    if p_shape != r_shape:
        raise ValueError(f"shapes differ: {p_shape} vs {r_shape}")
    if len(p_shape) != 3 or p_shape[-1] != 3:
        raise ValueError(f"CIEDE2000 needs (H, W, 3) RGB images, got shape {p_shape}")
    # in the units of data_range (also for integers), hence divided by it
    p = as_float_image(pred, data_range, name="pred") / float(data_range)
    r = as_float_image(ref, data_range, name="ref") / float(data_range)
    return float(deltaE_ciede2000(rgb2lab(p), rgb2lab(r)).mean())


def mean_chroma_hue(image) -> tuple[float, float]:
    """Hue angle and size of an sRGB image's mean chroma in CIELAB.

    The image's pixels are converted to CIELAB (:func:`skimage.color.rgb2lab`, D65) and
    their a* and b* averaged; the hue is the angle of that mean, ``atan2(b*, a*)`` in
    degrees. It summarises the image's overall colour cast: a model that turns green
    foliage red-brown moves it. When the mean chroma is small (a nearly grey image, or
    colours that cancel) the angle is undefined or dominated by noise; the returned chroma
    says how far from grey the mean is, so callers can skip such images.

    Parameters
    ----------
    image : array_like, (H, W, 3), float in [0, 1]
        An sRGB image (values outside [0, 1] are clipped).

    Returns
    -------
    hue : float
        Degrees in [0, 360): 0 is red-magenta (+a*), 90 yellow (+b*), 180 green, 270 blue.
    chroma : float
        ``hypot(mean a*, mean b*)`` in CIELAB units (0 for a grey image).

    Raises
    ------
    ValueError
        If the image is not (H, W, 3).

    Examples
    --------
    >>> hue, chroma = mean_chroma_hue(np.full((2, 2, 3), [0.8, 0.7, 0.2]))  # yellow-orange
    >>> round(hue), round(chroma)
    (94, 64)
    """
    from skimage.color import rgb2lab

    img = np.clip(np.asarray(image, dtype=np.float64), 0.0, 1.0)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"mean_chroma_hue needs an (H, W, 3) RGB image, got shape {img.shape}")
    lab = rgb2lab(img)
    a, b = float(lab[..., 1].mean()), float(lab[..., 2].mean())
    return float(np.degrees(np.arctan2(b, a)) % 360.0), float(np.hypot(a, b))


def hue_difference(h1: float, h2: float) -> float:
    """Absolute difference of two hue angles in degrees, the short way round (0-180).

    Parameters
    ----------
    h1, h2 : float
        Hue angles in degrees (any real values; taken modulo 360), e.g. from
        :func:`mean_chroma_hue`.

    Returns
    -------
    float
        Degrees in [0, 180].

    Examples
    --------
    >>> hue_difference(350.0, 10.0)
    20.0
    """
    d = abs(float(h1) - float(h2)) % 360.0
    return min(d, 360.0 - d)


#: The six orders of the R, G, B channels, the identity first.
CHANNEL_ORDERS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def channel_order_ensemble(enhance, image) -> np.ndarray:
    """Average an enhancer over the six channel orders of its input (a test-time ensemble).

    For each order ``q`` the image's channels are permuted, enhanced, and put back
    (``enhance(image[..., q])[..., argsort(q)]``); the six results are averaged. The
    average commutes exactly with every channel permutation: whatever colour preference a
    network learned from its few training photographs (say, "bright things are red-brown")
    is spread evenly over the channels and cancels. That is only right when the darkening
    treats the channels alike, as the exposure-only model does (``darkening="exposure"``).
    A camera does not (two green pixels in four, a coloured light, a white balance per
    channel), so on the camera sample the ensemble can cost PSNR and colour: notebook 02
    measures it on its own model. It only makes sense for a network trained to see permuted
    colours (``augment=True``). Costs six forward passes.

    Parameters
    ----------
    enhance : callable
        ``(H, W, 3) float image -> (H, W, 3) float image`` in [0, 1], e.g.
        ``lambda x: lowlight_utils.inference.enhance_image(model, x)``.
    image : array_like, (H, W, 3), float in [0, 1]

    Returns
    -------
    ndarray, float32, (H, W, 3), in [0, 1]

    Raises
    ------
    ValueError
        If the image is not (H, W, 3).

    Examples
    --------
    >>> img = np.random.default_rng(0).random((4, 5, 3))
    >>> out = channel_order_ensemble(lambda x: x * [1.0, 0.5, 0.5], img)  # a "red" model
    >>> bool(np.allclose(out, img * 2 / 3))  # every channel gets the average gain
    True
    """
    img = np.asarray(image, dtype=np.float32)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"channel_order_ensemble needs an (H, W, 3) image, got {img.shape}")
    total = np.zeros(img.shape, np.float64)
    for order in CHANNEL_ORDERS:
        out = np.asarray(enhance(img[..., list(order)]), dtype=np.float64)
        total += out[..., list(np.argsort(order))]
    return np.clip(total / len(CHANNEL_ORDERS), 0.0, 1.0).astype(np.float32)
