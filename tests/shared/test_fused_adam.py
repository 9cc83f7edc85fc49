"""FusedAdam makes Keras Adam's update (same slots, same settings) with one kernel per variable."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from lowlight_utils._shared.fused_adam import FusedAdam, stock_adam


def _train(optimizer, steps: int = 30, seed: int = 0, shapes=((3, 3, 4, 8), (8,))):
    """``steps`` updates of fresh variables with the same random gradients; their values."""
    rng = np.random.default_rng(seed)
    variables = [keras.Variable(rng.normal(size=s).astype("float32")) for s in shapes]
    grads = [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(steps)]
    optimizer.build(variables)

    @tf.function
    def step(gs):
        optimizer.apply_gradients(zip(gs, variables, strict=True))

    for gs in grads:
        step([tf.constant(g) for g in gs])
    return [keras.ops.convert_to_numpy(v) for v in variables], optimizer


@pytest.mark.parametrize("settings", [
    {"learning_rate": 1e-2, "beta_1": 0.5},
    {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.99, "epsilon": 1e-5},
    {"learning_rate": 1e-2, "beta_1": 0.5, "clipnorm": 1.0},
    {"learning_rate": 1e-2, "global_clipnorm": 0.5},
    {"learning_rate": keras.optimizers.schedules.ExponentialDecay(1e-2, 5, 0.5)},
])
def test_same_updates_as_keras_adam(settings):
    start = _train(keras.optimizers.Adam(learning_rate=0.0), steps=0)[0]
    fused, opt = _train(FusedAdam(**settings))
    stock, _ = _train(keras.optimizers.Adam(**settings))
    assert int(opt.iterations.numpy()) == 30
    for f, s, w0 in zip(fused, stock, start, strict=True):
        moved = np.abs(s - w0).max()
        assert moved > 1e-3  # the updates did something
        # a few float32 rounding steps of the values, and 1e-5 of how far they moved
        np.testing.assert_allclose(f, s, rtol=4e-7, atol=1e-5 * moved)


def test_moments_match_and_restore_into_keras_adam():
    _, fused = _train(FusedAdam(1e-2, beta_1=0.5))
    _, stock = _train(keras.optimizers.Adam(1e-2, beta_1=0.5))
    def slots(opt):  # what a checkpoint of the optimizer holds: slot kinds and shapes
        return [(v.path.split("/")[-1].split("_")[-1], tuple(v.shape)) for v in opt.variables]

    assert slots(fused) == slots(stock)
    for f, s in zip(fused.variables, stock.variables, strict=True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(f), keras.ops.convert_to_numpy(s),
                                   rtol=1e-4, atol=1e-6)


def test_amsgrad_falls_back_to_keras_exactly():
    fused, _ = _train(FusedAdam(1e-2, amsgrad=True))
    stock, _ = _train(keras.optimizers.Adam(1e-2, amsgrad=True))
    for f, s in zip(fused, stock, strict=True):
        np.testing.assert_array_equal(f, s)


def test_serialises_and_stock_copy_keeps_settings():
    opt = FusedAdam(3e-4, beta_1=0.5, clipnorm=2.0)
    again = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert type(again) is FusedAdam and again.get_config() == opt.get_config()
    plain = stock_adam(keras.optimizers.LossScaleOptimizer(opt))
    assert type(plain) is keras.optimizers.Adam
    assert plain.get_config() == {**opt.get_config(), "name": plain.get_config()["name"]}


def test_methods_train_with_it_and_save():
    from lowlight_utils import pix2pix, wgan, zero_dce

    p2p = pix2pix.build("quick")
    assert type(p2p.generator_optimizer) is FusedAdam
    assert type(p2p.discriminator_optimizer) is FusedAdam
    assert type(wgan.build("quick", steps_per_epoch=2).generator_optimizer) is FusedAdam
    assert type(zero_dce.build("quick").optimizer) is FusedAdam
