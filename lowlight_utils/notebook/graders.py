"""Self-check graders for the exercises: is your function the course's function?

Each checker runs the student's function and the course's on the same random inputs. If they
agree it says so; if not, it compares the student's numbers with those of the usual mistakes
(a flipped sign, a peak of 255 on [0, 1] data, a missing square root, a wrong reduction
axis ...) and says in one sentence which one it looks like.

A checker returns a :class:`CheckResult`: it shows as that sentence in a notebook, is truthy
only when the function is right, and ``result.assert_ok()`` raises an ``AssertionError`` with
the sentence, for a cell that must fail loudly.

Examples
--------
>>> import numpy as np
>>> from lowlight_utils.notebook.graders import check_psnr
>>> def my_psnr(pred, ref):
...     return 10 * np.log10(255.0 ** 2 / np.mean((pred - ref) ** 2))
>>> result = check_psnr(my_psnr)
>>> bool(result)
False
>>> "255" in result.message
True
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping

import numpy as np


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker.

    Attributes
    ----------
    name : str
        What was checked, e.g. ``"psnr"``.
    passed : bool
        True when the function agrees with the course's on every input tried.
    message : str
        One sentence: what agrees, or what differs and how to fix it.
    """

    name: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return f"{'PASS' if self.passed else 'NOT YET'} ({self.name}): {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def assert_ok(self) -> CheckResult:
        """Raise ``AssertionError(message)`` unless the check passed; return self if it did."""
        if not self.passed:
            raise AssertionError(str(self))
        return self


def _close(a, b, rtol: float) -> bool:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and bool(
        np.allclose(a, b, rtol=rtol, atol=rtol * 1e-3))


def _as_number(value, what: str) -> tuple[float | None, str | None]:
    """The student's return value as one float, or a sentence saying why it is not one."""
    try:
        arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value, np.float64)
    except (TypeError, ValueError):
        return None, f"{what} returned {type(value).__name__}, not a number."
    if arr.size != 1:
        return None, (f"{what} returned an array of shape {arr.shape}, not one number: a "
                      "reduction (mean or sum) is missing or runs over the wrong axis.")
    number = float(arr.reshape(()))
    if not math.isfinite(number):
        return None, (f"{what} returned {number}, not a finite number (a mean over an "
                      "empty axis, or a log of zero?).")
    return number, None


def _diagnose(name: str, student: list[float], reference: list[float],
              mistakes: Mapping[str, list[float]], rtol: float) -> CheckResult:
    if _close(student, reference, rtol):
        return CheckResult(name, True, f"matches the course's {name} on {len(student)} random "
                                       "inputs.")
    for sentence, values in mistakes.items():
        if _close(student, values, rtol):
            return CheckResult(name, False, sentence)
    shown = ", ".join(f"{s:.5g} vs {r:.5g}" for s, r in zip(student, reference, strict=True))
    return CheckResult(name, False, f"differs from the course's {name} (yours vs the "
                                    f"course's: {shown}) in a way the checker does not "
                                    "recognise; compare your formula line by line with the "
                                    "text above.")


def _call(fn, args, what: str):
    try:
        return fn(*args), None
    except Exception as err:  # noqa: BLE001 - a student's error becomes the verdict
        return None, f"{what} raised {type(err).__name__}: {err}"


# --------------------------------------------------------------------------------------
# PSNR


def _psnr_inputs(seed: int = 0, trials: int = 3):
    rng = np.random.default_rng(seed)
    out = []
    for k in range(trials):
        ref = rng.random((12 + 4 * k, 16, 3)).astype(np.float32)
        noise = rng.normal(0, 0.02 * (k + 1), ref.shape) + np.array([0.05, 0.0, -0.02]) * k
        out.append((np.clip(ref + noise, 0, 1).astype(np.float32), ref))
    return out


def check_psnr(fn: Callable) -> CheckResult:
    """Check a PSNR function ``fn(pred, ref) -> float`` for [0, 1] images.

    It must return ``10 log10(1 / MSE)`` over all pixels and channels, as
    :func:`lowlight_utils.metrics.psnr` does with ``data_range=1``, and leave its inputs
    unchanged.

    Used in notebook 05, section 'Exercises'.

    Parameters
    ----------
    fn : callable
        ``fn(pred, ref)`` with two float32 arrays of shape (H, W, 3) in [0, 1].

    Returns
    -------
    CheckResult
    """
    from ..metrics import psnr, psnr_per_channel

    student, reference = [], []
    mistakes: dict[str, list[float]] = {}

    def add(sentence, value):
        mistakes.setdefault(sentence, []).append(value)

    for pred, ref in _psnr_inputs():
        before = (pred.copy(), ref.copy())
        value, err = _call(fn, (pred, ref), "your PSNR")
        if err:
            return CheckResult("psnr", False, err)
        if not (np.array_equal(pred, before[0]) and np.array_equal(ref, before[1])):
            return CheckResult("psnr", False, "your PSNR modified its input arrays; compute "
                                              "on copies (a - b makes a new array).")
        number, err = _as_number(value, "your PSNR")
        if err:
            return CheckResult("psnr", False, err)
        student.append(number)
        honest = float(psnr(pred, ref))
        reference.append(honest)
        mse = float(np.mean((pred.astype(np.float64) - ref) ** 2))
        add("your values are the course's plus 48.13 dB = 20 log10(255): you used a peak of "
            "255 (data_range=255) on images in [0, 1]; the peak is the range the data is "
            "in, 1 here.", float(psnr(pred, ref, 255.0)))
        add("your values are exactly twice the PSNR: a missing square root, 20 log10(MAX / "
            "MSE) where the RMSE (the square root of the MSE) belongs; use "
            "10 log10(MAX**2 / MSE) or 20 log10(MAX / RMSE).", 2 * honest)
        add("the sign is flipped: you computed 10 log10(MSE / MAX**2); PSNR is "
            "10 log10(MAX**2 / MSE), higher for a better image.", -honest)
        add("your values are half the PSNR: 10 log10(MAX / RMSE) mixes the two forms; use "
            "10 log10(MAX**2 / MSE) or 20 log10(MAX / RMSE).", honest / 2)
        add("you used the natural logarithm; PSNR uses log10.",
            10 * math.log(1 / mse))
        add("you averaged three per-channel PSNRs (the phone-to-DSLR report's way); the "
            "course's PSNR takes one MSE over all pixels and channels jointly.",
            float(np.mean(psnr_per_channel(pred, ref))))
        add("you used the mean absolute error where the mean squared error belongs.",
            10 * math.log10(1 / float(np.mean(np.abs(pred.astype(np.float64) - ref)))))
        add("you divided by the sum of squared errors, not their mean: average over all "
            "pixels and channels (np.mean, not np.sum).",
            10 * math.log10(1 / float(np.sum((pred.astype(np.float64) - ref) ** 2))))
    return _diagnose("psnr", student, reference, mistakes, rtol=1e-4)


# --------------------------------------------------------------------------------------
# Gradient penalty


class _TinyCritic:
    """A fixed, non-linear patch critic: strided 4x4 convolution, tanh, a second one.

    Small enough to be instant, non-linear so the gradient depends on the input, and scaled
    so that gradient norms fall on both sides of 1 (a flipped or missing term shows).
    """

    def __init__(self, channels: int, seed: int = 0):
        import tensorflow as tf

        rng = np.random.default_rng(seed)
        self.w1 = tf.constant(rng.normal(0, 0.5, (4, 4, channels, 4)).astype(np.float32))
        self.w2 = tf.constant(rng.normal(0, 0.5, (3, 3, 4, 1)).astype(np.float32))

    def __call__(self, x, training=False):
        import tensorflow as tf

        h = tf.tanh(tf.nn.conv2d(x, self.w1, 2, "VALID"))
        return tf.nn.conv2d(h * h + h, self.w2, 1, "VALID") * 8.0


def _gp_variant(critic, condition, real, fake, alpha, *, reduce="mean", wrt="pair",
                squared_norm=False, norm_axes=(1, 2, 3), swap=False, outer="square",
                batch="mean"):
    import tensorflow as tf

    mixed = (alpha * fake + (1 - alpha) * real) if swap else (alpha * real + (1 - alpha) * fake)
    with tf.GradientTape() as tape:
        if wrt == "pair":
            watched = tf.concat([condition, mixed], -1)
            tape.watch(watched)
            scores = critic(watched, training=True)
        else:
            watched = mixed
            tape.watch(watched)
            scores = critic(tf.concat([condition, watched], -1), training=True)
        flat = tf.reshape(scores, [tf.shape(scores)[0], -1])
        per_sample = tf.reduce_mean(flat, 1) if reduce == "mean" else tf.reduce_sum(flat, 1)
    grads = tape.gradient(per_sample, watched)
    sq = tf.reduce_sum(tf.square(grads), axis=list(norm_axes))
    norm = sq if squared_norm else tf.sqrt(sq + 1e-12)
    term = tf.square(norm - 1.0) if outer == "square" else tf.abs(norm - 1.0)
    return float(tf.reduce_mean(term) if batch == "mean" else tf.reduce_sum(term))


def _gp_inputs(seed: int = 0, trials: int = 3):
    rng = np.random.default_rng(seed)
    out = []
    for k in range(trials):
        b, h, w = 3, 16 + 4 * k, 16
        condition = rng.random((b, h, w, 3)).astype(np.float32) * 0.3
        real = rng.random((b, h, w, 3)).astype(np.float32)
        fake = np.clip(real + rng.normal(0, 0.3, real.shape), 0, 1).astype(np.float32)
        alpha = rng.random((b, 1, 1, 1)).astype(np.float32)
        out.append((condition, real, fake, alpha))
    return out


def check_gradient_penalty(fn: Callable) -> CheckResult:
    """Check a gradient penalty ``fn(critic, condition, real, fake, alpha) -> scalar``.

    It must match :func:`lowlight_utils.wgan.gradient_penalty` with its defaults: the
    interpolate ``x = alpha * real + (1 - alpha) * fake``, the critic's patch scores
    averaged per sample, the gradient with respect to the (condition, x) pair, one L2 norm
    per sample over height, width and channels, and ``mean((norm - 1) ** 2)`` over the batch.

    Checks a penalty written as in notebook 03, section 'The gradient penalty, written out'.

    Parameters
    ----------
    fn : callable
        ``fn(critic, condition, real, fake, alpha)``; ``critic(pair, training=True)`` returns
        a (B, h, w, 1) grid of patch scores; the images are (B, H, W, 3) tensors and
        ``alpha`` is (B, 1, 1, 1).

    Returns
    -------
    CheckResult
    """
    import tensorflow as tf

    from ..wgan import gradient_penalty

    critic = _TinyCritic(channels=6)
    student, reference = [], []
    variants = {
        "the sign is flipped: the penalty is +mean((norm - 1)**2), which the critic's loss "
        "adds (times 10).": None,
        "you differentiated the sum of the critic's patch scores (the report's code); the "
        "course takes their mean per sample before the gradient (reduce='mean').":
            {"reduce": "sum"},
        "you took the gradient with respect to the image alone; the course differentiates the "
        "(condition, image) pair the critic sees (wrt='pair').": {"wrt": "image"},
        "a missing square root: you penalised the squared norm sum(g**2); take "
        "sqrt(sum(g**2) + 1e-12) first.": {"squared_norm": True},
        "wrong reduction axis: the norm must run over a sample's height, width and channels "
        "(axes 1, 2, 3), giving one norm per sample; yours runs over the channels only.":
            {"norm_axes": (3,)},
        "wrong reduction axis: you took one norm over the whole batch (axes 0-3); take one "
        "per sample (axes 1, 2, 3).": {"norm_axes": (0, 1, 2, 3)},
        "the interpolation is reversed: x = alpha * real + (1 - alpha) * fake.": {"swap": True},
        "you took |norm - 1|; the penalty squares it, (norm - 1)**2.": {"outer": "abs"},
        "you summed the per-sample penalties; average them over the batch (tf.reduce_mean).":
            {"batch": "sum"},
    }
    mistakes: dict[str, list[float]] = {}
    for condition, real, fake, alpha in _gp_inputs():
        args = [tf.constant(a) for a in (condition, real, fake, alpha)]
        value, err = _call(fn, (critic, *args), "your gradient penalty")
        if err:
            return CheckResult("gradient penalty", False, err)
        number, err = _as_number(value, "your gradient penalty")
        if err:
            return CheckResult("gradient penalty", False, err)
        student.append(number)
        honest = float(gradient_penalty(critic, *args[:3], alpha=args[3]))
        reference.append(honest)
        for sentence, kwargs in variants.items():
            value = -honest if kwargs is None else _gp_variant(critic, *args, **kwargs)
            mistakes.setdefault(sentence, []).append(value)
    return _diagnose("gradient penalty", student, reference, mistakes, rtol=1e-3)


# --------------------------------------------------------------------------------------
# Zero-DCE exposure loss


def _exposure_variant(x: np.ndarray, target=0.6, patch=16, *, channel_mean=True,
                      per_block=True, power=2, sign=1.0, root=False, reduce="mean"):
    x = np.asarray(x, np.float64)
    if channel_mean:
        x = x.mean(-1, keepdims=True)
    n, h, w, c = x.shape
    if per_block:
        hb, wb = h // patch, w // patch
        blocks = x[:, : hb * patch, : wb * patch].reshape(n, hb, patch, wb, patch, c)
        means = blocks.mean(axis=(2, 4))
    else:
        means = x.mean(axis=(1, 2))
    diff = means - target if power == 0 else np.abs(means - target) ** power  # 0: signed
    value = diff.mean() if reduce == "mean" else diff.sum()
    value = math.sqrt(value) if root else value
    return sign * float(value)


def _exposure_inputs(seed: int = 0, trials: int = 3):
    rng = np.random.default_rng(seed)
    out = []
    for k in range(trials):
        x = rng.random((2, 48, 64 + 16 * k, 3)).astype(np.float32)
        # uneven brightness across blocks and channels, so each mistake changes the number
        x *= np.linspace(0.2, 1.0, x.shape[2], dtype=np.float32)[None, None, :, None]
        x *= np.array([1.0, 0.6, 0.3], np.float32) * (0.5 + 0.5 * k)
        out.append(np.clip(x, 0, 1).astype(np.float32))
    return out


def check_exposure_loss(fn: Callable) -> CheckResult:
    """Check a Zero-DCE exposure loss ``fn(enhanced) -> scalar`` (E = 0.6, 16x16 blocks).

    It must match :func:`lowlight_utils.zero_dce.exposure_loss`: average the three channels,
    take the mean of every non-overlapping 16x16 block (incomplete blocks at the edges
    dropped), and return ``mean((block mean - 0.6) ** 2)`` over blocks and images.

    Used in notebook 04, section 'Exercises'.

    Parameters
    ----------
    fn : callable
        ``fn(enhanced)`` with a float32 tensor of shape (N, H, W, 3) in [0, 1].

    Returns
    -------
    CheckResult
    """
    import tensorflow as tf

    from ..zero_dce import exposure_loss

    mistakes_spec = {
        "the sign is flipped: the loss is +mean((block mean - E)**2), smallest for a well "
        "exposed image.": {"sign": -1.0},
        "wrong reduction axis: you kept R, G and B apart; average over the channels "
        "(axis -1) before taking the block means.": {"channel_mean": False},
        "you compared the whole image's mean with E; the loss compares every 16x16 block's "
        "mean (tf.nn.avg_pool2d with a 16x16 window and stride 16).": {"per_block": False},
        "you took a square root of the loss (an RMS); the exposure loss is the mean of the "
        "squared differences.": {"root": True},
        "you took |block mean - E|; the loss squares the difference.": {"power": 1},
        "you did not square the difference (the signed mean of block mean - E).":
            {"power": 0},
        "you summed over blocks; the loss averages over blocks and images.":
            {"reduce": "sum"},
    }
    student, reference = [], []
    mistakes: dict[str, list[float]] = {}
    for x in _exposure_inputs():
        value, err = _call(fn, (tf.constant(x),), "your exposure loss")
        if err:
            return CheckResult("exposure loss", False, err)
        number, err = _as_number(value, "your exposure loss")
        if err:
            return CheckResult("exposure loss", False, err)
        student.append(number)
        reference.append(float(exposure_loss(tf.constant(x))))
        for sentence, kwargs in mistakes_spec.items():
            mistakes.setdefault(sentence, []).append(_exposure_variant(x, **kwargs))
    return _diagnose("exposure loss", student, reference, mistakes, rtol=1e-4)


__all__ = ["CheckResult", "check_exposure_loss", "check_gradient_penalty", "check_psnr"]
