"""``python -m lowlight_utils.bench train-step --compare-plain``: the course's Pix2Pix step
(Keras' train function) against the TensorFlow tutorial's plain step. Tiny sizes; no
wall-clock assertions."""

from __future__ import annotations

import re

import pytest
import tensorflow as tf

from lowlight_utils.bench import train_step as ts
from lowlight_utils.bench.__main__ import main
from lowlight_utils.bench.common import alternate
from lowlight_utils.pix2pix import Pix2Pix, patchgan_discriminator, unet_generator


def tiny_model():
    """A compiled Pix2Pix whose output depends on its dropout masks from the first step (the
    tanh head; a zero-initialised head would hide them), with batch norm in the
    discriminator: the check must restore the dropout seeds to see the same losses."""
    generator = unet_generator(image_size=None, base_filters=4, depth=3, norm="instance")
    model = Pix2Pix(generator, patchgan_discriminator("70x70", image_size=None, base_filters=4))
    model.compile()
    return model


def batch(n=2, size=32, seed=0):
    rng = tf.random.Generator.from_seed(seed)
    return rng.uniform([n, size, size, 3]), rng.uniform([n, size, size, 3])


def course_fn(model, low, high):
    model.make_train_function(force=True)
    batches = iter(tf.data.Dataset.from_tensors((low, high)).repeat())
    return lambda: model.train_function(batches)


def test_alternate_times_the_functions_in_turn_after_the_warmup():
    calls = []
    times = alternate({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                      rounds=3, warmup=1)
    assert calls == ["a", "b"] * 4
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())


def test_both_steps_compute_the_same_losses_and_update_from_the_same_start():
    model = tiny_model()
    low, high = batch()
    r = ts.compare_plain(model, low, high, rounds=2)
    assert r["loss_diff"] < 1e-5 and r["update_diff"] < 1e-3
    course = r["course"]
    # pix2pix's lambda 100 on [-1, 1] images is 200 on the course's [0, 1] images
    assert model.l1_weight == 200.0
    assert course["g_loss"] == pytest.approx(course["g_gan"] + 200.0 * course["g_l1"], rel=1e-5)
    assert course["d_loss"] > 0 and 0 < course["g_l1"] < 1
    assert r["course_s"] > 0 and r["plain_s"] > 0
    assert r["ratio"] == pytest.approx(r["plain_s"] / r["course_s"])
    # the check, one warm-up round and two timed rounds: four updates by the course's step
    assert int(model.generator_optimizer.iterations) == 4
    assert int(model.discriminator_optimizer.iterations) == 4


def test_the_check_sees_a_course_step_with_other_loss_weights():
    model = tiny_model()
    low, high = batch(seed=1)
    plain = ts.plain_pix2pix_step(model)  # keeps l1_weight 200
    model.l1_weight = 10.0
    r = ts.same_step_check(model, course_fn(model, low, high), lambda: plain(low, high))
    assert r["course"]["g_l1"] == pytest.approx(r["plain"]["g_l1"], rel=1e-5)
    assert r["loss_diff"] > 0.5  # g_loss: gan + 10 l1 against gan + 200 l1


def test_the_check_sees_an_update_with_another_learning_rate():
    model = tiny_model()
    low, high = batch(seed=2)
    plain = ts.plain_pix2pix_step(model)  # copies of the optimizers as they are now
    model.generator_optimizer.learning_rate.assign(
        10.0 * float(model.generator_optimizer.learning_rate))
    r = ts.same_step_check(model, course_fn(model, low, high), lambda: plain(low, high))
    assert r["loss_diff"] < 1e-5  # same start, same losses
    assert r["update_diff"] > 0.5  # but not the same step


def test_cli_prints_both_step_times_and_their_ratio(capsys):
    rc = main(["train-step", "--compare-plain", "--profile", "quick", "--size", "32",
               "--batch", "2", "--repeats", "2"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert re.search(r"^course step +\d+\.\d ms", out, re.M)
    assert re.search(r"^plain step +\d+\.\d ms", out, re.M)
    ratio = re.search(r"^ratio +(\d+\.\d+)x \(plain / course", out, re.M)
    assert ratio and float(ratio.group(1)) > 0
    assert "MISMATCH" not in out
    losses = re.search(r"^same start: +d_loss (\S+) / (\S+),", out, re.M)
    assert losses and float(losses.group(1)) == pytest.approx(float(losses.group(2)), rel=1e-4)


def test_cli_refuses_a_method_without_a_plain_step(capsys):
    rc = main(["train-step", "--compare-plain", "--method", "zero-dce", "--profile", "quick",
               "--size", "32", "--batch", "1", "--repeats", "1"])
    assert rc == 2
    assert "pix2pix-bce only" in capsys.readouterr().out


def test_update_difference_is_relative_to_the_update_and_flags_no_update():
    import numpy as np

    from lowlight_utils.bench.common import update_difference

    start = [np.zeros(4, np.float32), np.array([7, 1])]  # the int seed state is skipped
    b = [np.full(4, 0.5, np.float32), np.array([7, 2])]
    a = [np.array([0.5, 0.5, 0.5, 0.0], np.float32), np.array([7, 9])]
    assert update_difference(start, a, b) == pytest.approx(0.5)  # ||(0,0,0,.5)|| / ||.5 x 4||
    assert update_difference(start, b, b) == 0.0
    assert update_difference(start, start, start) == float("inf")
