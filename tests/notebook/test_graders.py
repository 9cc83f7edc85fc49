"""The exercise checkers accept the course's own functions and name each deliberate mistake."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from lowlight_utils.metrics import psnr
from lowlight_utils.notebook.graders import (
    CheckResult,
    check_exposure_loss,
    check_gradient_penalty,
    check_psnr,
)
from lowlight_utils.wgan import gradient_penalty
from lowlight_utils.zero_dce import exposure_loss

# ------------------------------------------------------------------------------ PSNR


def test_psnr_checker_accepts_the_course_psnr_and_a_plain_numpy_one():
    assert check_psnr(psnr).passed
    result = check_psnr(lambda p, r: 10 * np.log10(1.0 / np.mean((p - r) ** 2)))
    assert result.passed and bool(result)
    assert str(result).startswith("PASS (psnr): matches")


@pytest.mark.parametrize("broken, phrase", [
    (lambda p, r: psnr(p, r, data_range=255), "data_range=255"),
    (lambda p, r: 20 * np.log10(1.0 / np.mean((p - r) ** 2)), "missing square root"),
    (lambda p, r: -psnr(p, r), "sign is flipped"),
    (lambda p, r: np.mean([psnr(p[..., c], r[..., c]) for c in range(3)]), "per-channel"),
    (lambda p, r: 10 * np.log(1.0 / np.mean((p - r) ** 2)), "natural logarithm"),
    (lambda p, r: 10 * np.log10(1.0 / np.mean((p - r) ** 2, axis=-1)), "wrong axis"),
])
def test_psnr_checker_names_each_mistake(broken, phrase):
    result = check_psnr(broken)
    assert not result.passed and not bool(result)
    assert phrase in result.message, result.message
    with pytest.raises(AssertionError, match="NOT YET"):
        result.assert_ok()


def test_psnr_checker_reports_errors_and_input_changes():
    def raises(p, r):
        raise ValueError("boom")

    assert "raised ValueError: boom" in check_psnr(raises).message

    def in_place(p, r):
        p -= r
        return 10 * np.log10(1.0 / np.mean(p ** 2))

    assert "modified its input" in check_psnr(in_place).message
    unknown = check_psnr(lambda p, r: psnr(p, r) + 1.0)
    assert not unknown.passed and "does not recognise" in unknown.message


# ------------------------------------------------------------------- gradient penalty


def _gp_by_hand(critic, condition, real, fake, alpha, *, sign=1.0, axes=(1, 2, 3),
                sqrt=True, reduce_scores=tf.reduce_mean):
    """A student's penalty written out, with switches for the deliberate mistakes."""
    x = tf.concat([condition, alpha * real + (1 - alpha) * fake], -1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = critic(x, training=True)
        score = reduce_scores(tf.reshape(scores, [tf.shape(scores)[0], -1]), axis=1)
    g = tape.gradient(score, x)
    sq = tf.reduce_sum(tf.square(g), axis=list(axes))
    norm = tf.sqrt(sq + 1e-12) if sqrt else sq
    return sign * tf.reduce_mean(tf.square(norm - 1.0))


def test_gp_checker_accepts_the_course_penalty_and_one_written_by_hand():
    assert check_gradient_penalty(
        lambda c, x, r, f, a: gradient_penalty(c, x, r, f, alpha=a)).passed
    assert check_gradient_penalty(_gp_by_hand).passed


@pytest.mark.parametrize("kwargs, phrase", [
    ({"sign": -1.0}, "sign is flipped"),
    ({"sqrt": False}, "missing square root"),
    ({"axes": (3,)}, "wrong reduction axis"),
    ({"axes": (0, 1, 2, 3)}, "whole batch"),
    ({"reduce_scores": tf.reduce_sum}, "sum of the critic's patch scores"),
])
def test_gp_checker_names_each_mistake(kwargs, phrase):
    result = check_gradient_penalty(lambda *args: _gp_by_hand(*args, **kwargs))
    assert not result.passed
    assert phrase in result.message, result.message


def test_gp_checker_names_wrt_image_and_a_reversed_interpolation():
    wrt = check_gradient_penalty(
        lambda c, x, r, f, a: gradient_penalty(c, x, r, f, alpha=a, wrt="image"))
    assert "image alone" in wrt.message
    swapped = check_gradient_penalty(lambda c, x, r, f, a: gradient_penalty(c, x, f, r, alpha=a))
    assert "reversed" in swapped.message


# ---------------------------------------------------------------------- exposure loss


def _exposure_by_hand(x, axis=-1, sign=1.0):
    means = tf.nn.avg_pool2d(tf.reduce_mean(x, axis, keepdims=True), 16, 16, "VALID")
    return sign * tf.reduce_mean(tf.square(means - 0.6))


def test_exposure_checker_accepts_the_course_loss_and_one_written_by_hand():
    assert check_exposure_loss(exposure_loss).passed
    assert check_exposure_loss(_exposure_by_hand).passed


@pytest.mark.parametrize("broken, phrase", [
    (lambda x: _exposure_by_hand(x, sign=-1.0), "sign is flipped"),
    (lambda x: tf.reduce_mean(tf.square(
        tf.nn.avg_pool2d(x, 16, 16, "VALID") - 0.6)), "wrong reduction axis"),
    (lambda x: tf.sqrt(exposure_loss(x)), "square root"),
    (lambda x: tf.reduce_mean(tf.square(tf.reduce_mean(x, [1, 2, 3]) - 0.6)), "whole image"),
    (lambda x: tf.reduce_mean(tf.reduce_mean(x, -1), [1, 2]), "not one number"),
])
def test_exposure_checker_names_each_mistake(broken, phrase):
    result = check_exposure_loss(broken)
    assert not result.passed
    assert phrase in result.message, result.message


def test_check_result_shows_as_its_sentence():
    ok = CheckResult("psnr", True, "matches.")
    assert repr(ok) == "PASS (psnr): matches." and ok.assert_ok() is ok
