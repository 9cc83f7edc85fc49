"""Classical baselines for the ``noise`` and ``blur`` tasks, tuned on the validation split.

A GAN that removes noise or blur has to beat what a library call already does. These are
the standard ones, from scikit-image and OpenCV, not re-implemented here:

``noise`` (white Poisson-Gaussian sensor noise, :func:`lowlight_utils.data.degradations.synthesize_noise`)
    ``nl-means`` (:func:`skimage.restoration.denoise_nl_means`, fast mode, ``h`` a multiple
    of the noise level :func:`skimage.restoration.estimate_sigma` finds), ``wavelet``
    (:func:`skimage.restoration.denoise_wavelet`, BayesShrink on YCbCr), ``tv-chambolle``
    (:func:`skimage.restoration.denoise_tv_chambolle`) and ``opencv-nl-means``
    (:func:`cv2.fastNlMeansDenoisingColored` on 8-bit values).
``blur`` (Gaussian blur, sigma 1, known kernel :func:`lowlight_utils.data.degradations.gaussian_kernel`)
    ``wiener`` (:func:`skimage.restoration.wiener`), ``unsupervised-wiener``
    (:func:`skimage.restoration.unsupervised_wiener`, which estimates its own regularisation
    by Gibbs sampling; seeded) and ``richardson-lucy``
    (:func:`skimage.restoration.richardson_lucy`). They are *non-blind*: they are given the
    exact kernel that made the pairs, an advantage a GAN does not have.

Each has a small grid of settings (:data:`PARAM_GRIDS`); :func:`tune` picks the setting with
the best mean PSNR on validation pairs, so that the test split never chooses a parameter.
The low-light task keeps :mod:`lowlight_utils.classical.lowlight` (gamma, histogram equalisation,
CLAHE), which have no parameter to tune.

Examples
--------
>>> import numpy as np
>>> from lowlight_utils.data.degradations import synthesize_noise
>>> clean = np.tile(np.linspace(0, 1, 32), (32, 1))[..., None].repeat(3, -1)
>>> out = restore("tv-chambolle", synthesize_noise(clean, seed=0), weight=0.05)
>>> out.shape, out.dtype
((32, 32, 3), dtype('float32'))
"""

from __future__ import annotations

import numpy as np

from .lowlight import _as_rgb

#: The baselines of each task, by name.
TASK_BASELINES: dict[str, tuple[str, ...]] = {
    "noise": ("nl-means", "wavelet", "tv-chambolle", "opencv-nl-means"),
    "blur": ("wiener", "unsupervised-wiener", "richardson-lucy"),
}

#: The settings :func:`tune` tries for each baseline (the first is the default of
#: :func:`restore`). ``unsupervised-wiener`` has one: it estimates its regularisation itself.
#: Each numeric grid brackets the best value on the embedded samples' validation crops (the
#: best setting is an inner one), so widening a grid would not change the choice there.
PARAM_GRIDS: dict[str, list[dict]] = {
    "nl-means": [{"h_factor": f} for f in (0.6, 0.8, 1.0, 1.2)],
    "wavelet": [{"wavelet": w} for w in ("db1", "db2", "sym4", "coif1")],
    "tv-chambolle": [{"weight": w} for w in (0.005, 0.01, 0.02, 0.04)],
    "opencv-nl-means": [{"h_factor": f} for f in (0.3, 0.5, 0.7, 0.9)],
    "wiener": [{"balance": b} for b in (3e-4, 1e-3, 3e-3, 1e-2)],
    "unsupervised-wiener": [{}],
    "richardson-lucy": [{"num_iter": n} for n in (10, 20, 40, 80)],
}

#: Sigma of the blur task's Gaussian kernel (the phone-to-DSLR report's).
BLUR_SIGMA = 1.0


def _names() -> tuple[str, ...]:
    return tuple(n for names in TASK_BASELINES.values() for n in names)


def check_name(name: str, task: str | None = None) -> str:
    """Return ``name`` if it is a baseline (of ``task``, if given); else a ValueError."""
    valid = TASK_BASELINES[task] if task in TASK_BASELINES else _names()
    if name not in valid:
        what = f"{task} baseline" if task in TASK_BASELINES else "restoration baseline"
        raise ValueError(f"unknown {what} {name!r}; valid names: {', '.join(valid)}")
    return name


def task_of(name: str) -> str:
    """The task (``"noise"`` or ``"blur"``) a baseline belongs to."""
    check_name(name)
    return next(t for t, names in TASK_BASELINES.items() if name in names)


# ----------------------------------------------------------------------------- denoising
def _nl_means(img, h_factor, patch_size=5, patch_distance=6):
    from skimage.restoration import denoise_nl_means, estimate_sigma

    sigma = float(np.mean(estimate_sigma(img, channel_axis=-1)))
    return denoise_nl_means(img, h=h_factor * sigma, sigma=sigma, fast_mode=True,
                            patch_size=patch_size, patch_distance=patch_distance,
                            channel_axis=-1)


def _wavelet(img, wavelet, mode="soft"):
    from skimage.restoration import denoise_wavelet

    return denoise_wavelet(img, wavelet=wavelet, mode=mode, method="BayesShrink",
                           convert2ycbcr=True, rescale_sigma=True, channel_axis=-1)


def _tv(img, weight):
    from skimage.restoration import denoise_tv_chambolle

    return denoise_tv_chambolle(img, weight=weight, channel_axis=-1)


def _opencv_nl_means(img, h_factor):
    """OpenCV's colour NL-means with ``h = hColor = h_factor x`` the estimated noise level
    in 8-bit levels: the noise task's gain varies tenfold between images, so a fixed ``h``
    suits none of them (as in skimage's, whose ``h`` is also relative)."""
    import cv2
    from skimage.restoration import estimate_sigma

    h = h_factor * 255.0 * float(np.mean(estimate_sigma(img, channel_axis=-1)))
    u8 = np.round(img * 255.0).astype(np.uint8)
    out = cv2.fastNlMeansDenoisingColored(u8, None, h, h, 7, 21)
    return out.astype(np.float64) / 255.0


# ----------------------------------------------------------------------------- deblurring
def _per_channel(img, fn):
    """Deconvolve each channel of a reflect-padded copy, then crop the padding off.

    The pairs were blurred with OpenCV's reflected border; the FFT-based deconvolutions
    assume a periodic (Wiener) or zero (Richardson-Lucy) one. Padding with the same mirror
    image keeps the mismatch away from the image.
    """
    from ..data.degradations import gaussian_kernel

    psf = gaussian_kernel(BLUR_SIGMA)
    pad = 2 * psf.shape[0]
    padded = np.pad(img, ((pad, pad), (pad, pad), (0, 0)), mode="symmetric")
    out = np.stack([fn(padded[..., c], psf) for c in range(3)], axis=-1)
    return out[pad:-pad, pad:-pad]


def _wiener(img, balance):
    from skimage.restoration import wiener

    return _per_channel(img, lambda ch, psf: wiener(ch, psf, balance))


def _unsupervised_wiener(img, seed=0):
    from skimage.restoration import unsupervised_wiener

    return _per_channel(
        img, lambda ch, psf: unsupervised_wiener(ch, psf, rng=np.random.default_rng(seed))[0])


def _richardson_lucy(img, num_iter):
    from skimage.restoration import richardson_lucy

    return _per_channel(img, lambda ch, psf: richardson_lucy(ch, psf, num_iter=num_iter))


_FUNCTIONS = {
    "nl-means": _nl_means,
    "wavelet": _wavelet,
    "tv-chambolle": _tv,
    "opencv-nl-means": _opencv_nl_means,
    "wiener": _wiener,
    "unsupervised-wiener": _unsupervised_wiener,
    "richardson-lucy": _richardson_lucy,
}


def restore(name: str, image, **params) -> np.ndarray:
    """Restore ``image`` with the baseline ``name`` and the given settings.

    Taught in notebook 06, section 'The classical baselines, tuned on validation only'; the
    notebook's section 'Exercises' calls it directly.

    Parameters
    ----------
    name : str
        One of the names of :data:`TASK_BASELINES`.
    image : array_like, (H, W, 3), float in [0, 1]
        A noisy (``noise`` baselines) or blurred (``blur`` baselines) image.
    **params
        Settings as in :data:`PARAM_GRIDS`; missing ones take the grid's first values.

    Returns
    -------
    ndarray, float32, (H, W, 3), in [0, 1]

    Raises
    ------
    ValueError
        For an unknown name (listing the valid ones) or an image that is not (H, W, 3).
    """
    fn = _FUNCTIONS[check_name(name)]
    arr = np.asarray(image)
    if arr.ndim != 3:
        raise ValueError(f"expected an RGB image (H, W, 3), got shape {arr.shape}")
    out = fn(_as_rgb(arr).astype(np.float64), **{**PARAM_GRIDS[name][0], **params})
    return np.clip(out, 0.0, 1.0).astype(np.float32)


# ----------------------------------------------------------------------------- tuning
def restore_all(jobs) -> list[np.ndarray]:
    """:func:`restore` of every ``(name, image, params)`` job, side by side on the cores.

    scikit-image, SciPy and OpenCV release the GIL in their loops, so threads share the
    cores (:mod:`lowlight_utils._shared.parallel`); the results are those of a loop, in the order of
    ``jobs``.
    """
    from .._shared.parallel import thread_map

    return thread_map(lambda job: restore(job[0], job[1], **job[2]), jobs)


def _load_pairs(pairs) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """``(degraded, clean, name)`` from Pairs, or from ``(degraded, clean)`` arrays/paths."""
    from ..data.io import load_image

    def get(x):
        return load_image(x) if isinstance(x, str) or hasattr(x, "__fspath__") else (
            np.asarray(x, dtype=np.float32))

    out = []
    for i, p in enumerate(pairs):
        if hasattr(p, "low") and hasattr(p, "high"):
            out.append((get(p.low), get(p.high), p.stem))
        else:
            low, high = p
            out.append((get(low), get(high), f"image_{i:04d}"))
    if not out:
        raise ValueError("no pairs given")
    return out


def _centre(img: np.ndarray, side: int | None) -> np.ndarray:
    if side is None:
        return img
    h, w = img.shape[:2]
    top, left = max(0, (h - side) // 2), max(0, (w - side) // 2)
    return img[top:top + side, left:left + side]


def tune(name: str, pairs, grid: list[dict] | None = None, crop: int | None = 192
         ) -> tuple[dict, float]:
    """The setting of ``grid`` with the best mean PSNR over ``pairs``.

    Parameters
    ----------
    name : str
        A baseline of :data:`TASK_BASELINES`.
    pairs : sequence
        Validation pairs: :class:`~lowlight_utils.data.Pair` objects or ``(degraded,
        clean)`` tuples of arrays or paths. Never pass the test split.
    grid : list of dict, optional
        Settings to try; default :data:`PARAM_GRIDS` ``[name]``.
    crop : int or None, default 192
        Score on centre crops of this side (for speed); None scores whole images.

    Returns
    -------
    (dict, float)
        The best setting (the first one on a tie) and its mean PSNR in dB, each output
        rounded to 8-bit levels first, as the test split's tables score it.
    """
    from ..metrics import psnr, quantize_8bit

    check_name(name)
    grid = PARAM_GRIDS[name] if grid is None else list(grid)
    if not grid:
        raise ValueError(f"empty parameter grid for {name}")
    data = [(_centre(low, crop), _centre(high, crop)) for low, high, _ in _load_pairs(pairs)]
    outs = iter(restore_all((name, low, params) for params in grid for low, _ in data))
    best, best_score = None, -np.inf
    for params in grid:
        score = float(np.mean([psnr(quantize_8bit(next(outs)), high) for _, high in data]))
        if score > best_score:
            best, best_score = dict(params), score
    return best, best_score


def tune_task(task: str, val_pairs, crop: int | None = 192) -> dict[str, dict]:
    """Tuned settings of every baseline of ``task`` (``"noise"`` or ``"blur"``)."""
    if task not in TASK_BASELINES:
        raise ValueError(f"no restoration baselines for task {task!r}; tasks with them: "
                         f"{', '.join(TASK_BASELINES)} (low-light: lowlight_utils.classical.lowlight)")
    data = _load_pairs(val_pairs)
    pairs = [(low, high) for low, high, _ in data]
    # a baseline with one setting (unsupervised Wiener) has nothing to tune
    return {name: tune(name, pairs, crop=crop)[0] if len(PARAM_GRIDS[name]) > 1
            else dict(PARAM_GRIDS[name][0]) for name in TASK_BASELINES[task]}


def evaluate_task_baselines(task: str, val_pairs, test_pairs, crop: int | None = 192,
                            outputs: dict | None = None) -> dict:
    """Tune every baseline of ``task`` on ``val_pairs``; score it on ``test_pairs``.

    Test images are restored at native resolution and scored with
    :func:`lowlight_utils.metrics.evaluate_pairs` (rounded to 8-bit levels, protocol
    ``"rgb"``: GT-mean is a LOL convention, not one of these tasks').

    Taught in notebook 06, section 'The classical baselines, tuned on validation only'.

    Parameters
    ----------
    task : {"noise", "blur"}
    val_pairs, test_pairs : sequence
        As for :func:`tune` (validation tunes, test scores).
    crop : int or None
        Passed to :func:`tune`.
    outputs : dict, optional
        Filled with name -> the list of restored test images (``"identity"``: the degraded
        inputs), so that a caller can show or post-process them without restoring again.

    Returns
    -------
    dict
        Name -> ``(params, Evaluation)``, starting with ``"identity"`` (the degraded input
        itself, params ``{}``).
    """
    from ..metrics import evaluate_pairs

    tuned = tune_task(task, val_pairs, crop=crop)
    test = _load_pairs(test_pairs)
    lows = [low for low, _, _ in test]
    highs = [high for _, high, _ in test]
    names = [n for _, _, n in test]
    kept = {} if outputs is None else outputs
    kept["identity"] = lows
    out = {"identity": ({}, evaluate_pairs(lows, highs, names=names))}
    restored = iter(restore_all((name, low, params) for name, params in tuned.items()
                                for low in lows))
    for name, params in tuned.items():
        kept[name] = preds = [next(restored) for _ in lows]
        out[name] = (params, evaluate_pairs(preds, highs, names=names))
    return out


__all__ = [
    "BLUR_SIGMA",
    "PARAM_GRIDS",
    "TASK_BASELINES",
    "check_name",
    "evaluate_task_baselines",
    "restore",
    "restore_all",
    "task_of",
    "tune",
    "tune_task",
]
