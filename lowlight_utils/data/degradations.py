"""The paired restoration tasks: one clean photograph, three ways to spoil it.

The course trains one conditional GAN on pairs (degraded, clean). Which degradation makes
the pair is the *task*:

``low-light``
    Two darkening models (:data:`DARKENINGS`). ``"camera"`` (the default):
    :func:`lowlight_utils.data.camera.synthesize_camera_low_light`, a photograph unprocessed to a
    camera's raw data (Brooks et al., CVPR 2019), lit by a dim, uneven, coloured light, with
    the paper's shot and read noise, and processed back with a white balance measured from
    the dark image: what one global curve cannot undo. ``"exposure"``:
    :func:`synthesize_low_light`, 3-5 stops under-exposed in linear light with Poisson and
    Gaussian noise, nothing else: one brightness scale plus noise.
``noise``
    :func:`synthesize_noise`: the same Poisson-Gaussian sensor model at *normal* exposure,
    but at a high analogue gain (ISO), so fewer photo-electrons make each pixel. This is the
    SIDD report's task. What it leaves out of SIDD's real phone noise: demosaicking (which
    makes real noise spatially correlated over a few pixels), the camera's own denoising and
    sharpening, fixed-pattern noise and clipping in the raw domain. Ours is white and
    independent per channel, which classical denoisers handle better than real noise.
``blur``
    :func:`synthesize_blur`: a Gaussian blur (sigma 1.0 by default, as in the phone-to-DSLR
    report, which blurred clean images with it) on the sRGB values, optionally followed by a
    little Gaussian noise. The kernel is known (:func:`gaussian_kernel`), which is what
    non-blind deconvolution (Wiener, Richardson-Lucy) needs.

:func:`degrade` dispatches on the task name; every function returns 8-bit-quantised float32
in [0, 1], as a camera writes a file.
"""

from __future__ import annotations

import numpy as np


def srgb_to_linear(x: np.ndarray) -> np.ndarray:
    """Undo the sRGB transfer curve (IEC 61966-2-1); input and output in [0, 1].

    The darkening model works in linear light, where light adds up and a shorter exposure
    scales every value by the same factor; files hold sRGB values.

    The darkening models of notebook 01 (section 'Low light as a camera makes it') work in
    linear light.

    Parameters
    ----------
    x : array_like
        sRGB values in [0, 1], any shape.

    Returns
    -------
    numpy.ndarray
        float64, linear light in [0, 1], the shape of ``x``.

    References
    ----------
    IEC 61966-2-1:1999, the sRGB colour space: ``x / 12.92`` up to 0.04045, else
    ``((x + 0.055) / 1.055) ** 2.4``.

    Examples
    --------
    >>> srgb_to_linear(np.array([0.0, 0.5, 1.0])).round(4).tolist()
    [0.0, 0.214, 1.0]
    """
    x = np.asarray(x, dtype=np.float64)
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x: np.ndarray) -> np.ndarray:
    """Apply the sRGB transfer curve to linear light in [0, 1]."""
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * x ** (1 / 2.4) - 0.055)


def synthesize_low_light(
    image: np.ndarray,
    seed: int,
    exposure: float | tuple[float, float] = (0.03, 0.12),
    full_well: float = 2000.0,
    read_noise: float = 2.0,
    bits: int = 8,
) -> np.ndarray:
    """Darken a well-exposed sRGB image the way a short exposure would.

    Used in notebook 01, section 'Colour-equivariant augmentation' (one exposure scale, which a
    rotation about the grey axis commutes with); the embedded sample's default is the camera
    model of notebook 01, section 'Low light as a camera makes it'.

    Parameters
    ----------
    image : ndarray, (H, W, 3), float in [0, 1]
        A normally exposed sRGB image.
    seed : int
        Seeds the exposure draw and the noise; the same seed gives the same image.
    exposure : float or (float, float)
        Fraction of the normal exposure. A pair is a range; the value is drawn
        log-uniformly from it. 0.03-0.12 (3-5 stops under) gives images as dark as LOL's.
    full_well : float
        Photo-electrons a white pixel collects at normal exposure. Small phone sensors at
        high ISO collect a few thousand; fewer electrons means more shot noise.
    read_noise : float
        Standard deviation of the Gaussian read noise, in electrons (1-5 for modern sensors).
    bits : int
        Quantisation of the written file (8 for PNG/JPEG).

    Returns
    -------
    ndarray, float32, same shape, values on the 2**bits - 1 grid in [0, 1].

    Raises
    ------
    ValueError
        If the image is not (H, W, 3) or the exposure is outside (0, 1].

    References
    ----------
    A. Foi, M. Trimeche, V. Katkovnik and K. Egiazarian, "Practical Poissonian-Gaussian
    Noise Modeling and Fitting for Single-Image Raw-Data", IEEE TIP 17(10), 2008 (shot
    noise Poisson in the photo-electrons, read noise Gaussian).

    Examples
    --------
    >>> img = np.full((4, 4, 3), 0.5, dtype=np.float32)
    >>> low = synthesize_low_light(img, seed=0)
    >>> bool(low.mean() < 0.25)
    True
    """
    img = np.asarray(image, dtype=np.float64)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {img.shape}")
    rng = np.random.default_rng(seed)
    if isinstance(exposure, tuple | list):
        lo, hi = exposure
        exposure = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    if not 0 < exposure <= 1:
        raise ValueError(f"exposure must be in (0, 1], got {exposure}")
    electrons = srgb_to_linear(img) * exposure * full_well
    noisy = rng.poisson(electrons) + rng.normal(0.0, read_noise, size=img.shape)
    linear = np.clip(noisy / full_well, 0.0, 1.0)
    levels = 2**bits - 1
    return (np.round(linear_to_srgb(linear) * levels) / levels).astype(np.float32)


#: The tasks, in the order the course introduces them.
TASKS = ("low-light", "noise", "blur")

#: The low-light darkening models; the first is the default.
DARKENINGS = ("camera", "exposure")

#: Noise added after the blur in the ``blur`` task's pairs (about 1.3 levels of 8 bits): a
#: real camera is never noise-free, and it makes the seeded variants of a photo differ.
BLUR_NOISE = 0.005


def _check(image) -> np.ndarray:
    img = np.asarray(image, dtype=np.float64)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {img.shape}")
    return img


def _quantise(x: np.ndarray, bits: int) -> np.ndarray:
    levels = 2**bits - 1
    return (np.round(np.clip(x, 0.0, 1.0) * levels) / levels).astype(np.float32)


def synthesize_noise(
    image: np.ndarray,
    seed: int,
    gain: float | tuple[float, float] = (4.0, 32.0),
    full_well: float = 2000.0,
    read_noise: float = 2.0,
    bits: int = 8,
) -> np.ndarray:
    """Sensor noise at normal exposure and high gain (a high-ISO photograph).

    A gain ``g`` divides the photo-electrons a white pixel collects by ``g`` (the sensor is
    amplified to keep the same brightness), so the shot noise grows as ``sqrt(g)``.

    Taught in notebook 06, section 'Our noise and SIDD's real noise'.

    Parameters
    ----------
    image : ndarray, (H, W, 3), float in [0, 1]
        A clean sRGB image.
    seed : int
        Seeds the gain draw and the noise.
    gain : float or (float, float)
        Analogue gain; a pair is a range drawn log-uniformly. 4-32 with the defaults gives
        noisy images of about 21-31 dB PSNR, the range of SIDD's noisy phone images.
    full_well, read_noise, bits
        As in :func:`synthesize_low_light`.

    Returns
    -------
    ndarray, float32, same shape, values on the 2**bits - 1 grid in [0, 1].

    Raises
    ------
    ValueError
        If the image is not (H, W, 3) or the gain is below 1.

    References
    ----------
    A. Foi, M. Trimeche, V. Katkovnik and K. Egiazarian, "Practical Poissonian-Gaussian
    Noise Modeling and Fitting for Single-Image Raw-Data", IEEE TIP 17(10), 2008 (shot
    noise Poisson in the photo-electrons, read noise Gaussian).

    Examples
    --------
    >>> img = np.full((8, 8, 3), 0.5)
    >>> noisy = synthesize_noise(img, seed=0)
    >>> bool(abs(noisy.mean() - 0.5) < 0.05), bool(noisy.std() > 0.005)
    (True, True)
    """
    img = _check(image)
    rng = np.random.default_rng(seed)
    if isinstance(gain, tuple | list):
        lo, hi = gain
        gain = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    if gain < 1:
        raise ValueError(f"gain must be >= 1, got {gain}")
    electrons_at_white = full_well / gain
    electrons = srgb_to_linear(img) * electrons_at_white
    noisy = rng.poisson(electrons) + rng.normal(0.0, read_noise, size=img.shape)
    return _quantise(linear_to_srgb(noisy / electrons_at_white), bits)


def gaussian_kernel(sigma: float = 1.0) -> np.ndarray:
    """The 2-D Gaussian kernel :func:`synthesize_blur` applies (sums to 1).

    Its side is OpenCV's automatic one for 8-bit images, ``2 * round(3 * sigma) + 1``
    (7 for sigma 1).

    Taught in notebook 06, section 'One photograph, three ways to spoil it'.

    Parameters
    ----------
    sigma : float, default 1.0
        Standard deviation in pixels (1.0: the phone-to-DSLR report's blur).

    Returns
    -------
    numpy.ndarray
        float64, (side, side), summing to 1: what non-blind deconvolution needs.

    Raises
    ------
    ValueError
        If ``sigma`` is not positive.

    Examples
    --------
    >>> k = gaussian_kernel(1.0)
    >>> k.shape, round(float(k.sum()), 6)
    ((7, 7), 1.0)
    """
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    import cv2

    side = 2 * int(round(3 * sigma)) + 1
    k = cv2.getGaussianKernel(side, sigma)
    return (k @ k.T).astype(np.float64)


def synthesize_blur(
    image: np.ndarray,
    seed: int,
    sigma: float = 1.0,
    noise: float = 0.0,
    bits: int = 8,
) -> np.ndarray:
    """Gaussian blur of the sRGB values, then optional Gaussian noise and quantisation.

    Parameters
    ----------
    image : ndarray, (H, W, 3), float in [0, 1]
    seed : int
        Seeds the noise (unused when ``noise`` is 0).
    sigma : float
        Standard deviation of the blur in pixels (1.0 in the phone-to-DSLR report).
    noise : float
        Standard deviation of added Gaussian noise, in [0, 1] units (0: none).

    Examples
    --------
    >>> img = np.zeros((9, 9, 3)); img[4, 4] = 1.0
    >>> out = synthesize_blur(img, seed=0, bits=16)
    >>> bool(out[4, 4, 0] < 0.2), bool(out[4, 5, 0] > 0.05)
    (True, True)
    """
    import cv2

    img = _check(image)
    k = gaussian_kernel(sigma)
    blurred = cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REFLECT)
    if noise > 0:
        blurred = blurred + np.random.default_rng(seed).normal(0.0, noise, size=img.shape)
    return _quantise(blurred, bits)


def degrade(image: np.ndarray, task: str, seed: int, darkening: str = "camera") -> np.ndarray:
    """Make the degraded half of a pair for ``task`` (one of :data:`TASKS`), seeded.

    Taught in notebook 06, section 'One photograph, three ways to spoil it'.

    Parameters
    ----------
    image : ndarray, (H, W, 3), float in [0, 1]
    task : str
        One of :data:`TASKS`.
    seed : int
    darkening : str
        For ``"low-light"``, one of :data:`DARKENINGS`: ``"camera"``
        (:func:`lowlight_utils.data.camera.synthesize_camera_low_light`) or ``"exposure"``
        (:func:`synthesize_low_light`); ignored by the other tasks.

    Returns
    -------
    ndarray, float32, same shape, 8-bit levels.

    Raises
    ------
    ValueError
        For an unknown task or darkening (naming the valid ones), or an image that is not
        (H, W, 3).

    Examples
    --------
    >>> img = np.full((8, 8, 3), 0.5)
    >>> [round(float(degrade(img, task, seed=0).mean()), 1) for task in ("noise", "blur")]
    [0.5, 0.5]
    """
    check_darkening(darkening)
    if task == "low-light":
        if darkening == "camera":
            from .camera import synthesize_camera_low_light

            return synthesize_camera_low_light(image, seed=seed)
        return synthesize_low_light(image, seed=seed)
    if task == "noise":
        return synthesize_noise(image, seed=seed)
    if task == "blur":
        return synthesize_blur(image, seed=seed, noise=BLUR_NOISE)
    raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")


def check_task(task: str) -> str:
    """Return ``task`` if it is one of :data:`TASKS`, else raise a ValueError naming them."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    return task


def check_darkening(darkening: str) -> str:
    """Return ``darkening`` if it is one of :data:`DARKENINGS`, else raise a ValueError."""
    if darkening not in DARKENINGS:
        raise ValueError(f"unknown darkening {darkening!r}; choose one of {', '.join(DARKENINGS)}")
    return darkening
