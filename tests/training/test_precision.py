"""Mixed precision (``LOWLIGHT_PRECISION=mixed``), run on the CPU for correctness.

Float16 is slower than float32 on a CPU, so these prove only that the mixed path is right
(finite losses with loss scaling, float32 outputs, checkpoints that reload in float32), with
tiny networks on 32-pixel images. Every test restores Keras' global policy.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest
import tensorflow as tf

from lowlight_utils import config


@pytest.fixture
def mixed():
    before = keras.mixed_precision.global_policy().name
    assert config.apply_precision("mixed") == "mixed_float16"
    yield
    keras.mixed_precision.set_global_policy(before)


def _pairs(n=4, size=32, batch=2):
    rng = np.random.default_rng(0)
    low = tf.image.resize(rng.random((n, 4, 4, 3), dtype=np.float32), (size, size)).numpy() * 0.3
    high = np.clip(low * 3, 0, 1)
    return low, high, tf.data.Dataset.from_tensor_slices((low, high)).batch(batch).repeat()


def _check_fit(model, ds, steps=3, keys=()):
    history = model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0).history
    for key in keys:
        assert np.isfinite(history[key]).all(), (key, history[key])
    for w in model.get_weights():
        assert np.isfinite(w).all()
    return history


def _reloads_in_float32(model, tmp_path, x):
    """Save under mixed, load under float32: same float32 outputs."""
    from lowlight_utils.training import load_model

    path = tmp_path / "mixed.keras"
    model.save(path)
    expected = np.asarray(model(x, training=False))
    keras.mixed_precision.set_global_policy("float32")
    loaded = load_model(path)
    out = loaded(x, training=False)
    assert out.dtype == tf.float32
    np.testing.assert_allclose(np.asarray(out), expected, atol=1e-3)  # float16 resolution


def test_pix2pix_mixed_scales_losses_and_outputs_float32(mixed, tmp_path):
    from lowlight_utils.pix2pix import Pix2Pix, patchgan_discriminator, unet_generator

    model = Pix2Pix(unet_generator(image_size=None, base_filters=4, depth=2),
                    patchgan_discriminator("70x70", image_size=None, base_filters=4))
    model.compile()
    assert model.generator.layers[3].compute_dtype == "float16"  # the body runs in float16
    for opt in (model.generator_optimizer, model.discriminator_optimizer):
        assert isinstance(opt, keras.optimizers.LossScaleOptimizer)
    assert model.optimizer is model.generator_optimizer  # Keras did not wrap it twice
    low, _, ds = _pairs()
    _check_fit(model, ds, keys=("d_loss", "g_loss", "g_l1"))
    out = model(low[:1])
    assert out.dtype == tf.float32 and np.isfinite(np.asarray(out)).all()
    assert model.discriminator(tf.concat([low[:1], low[:1]], -1)).dtype == tf.float32
    assert not model.jit_compile  # XLA only on a GPU (Keras' "auto")
    _reloads_in_float32(model, tmp_path, low[:1])


def test_wgan_gp_mixed_scales_the_penalty_too(mixed, tmp_path):
    from lowlight_utils import wgan

    model = wgan.build("quick", base_filters=4, depth=2, critic_filters=4, n_critic=2)
    assert isinstance(model.critic_optimizer, keras.optimizers.LossScaleOptimizer)
    low, _, ds = _pairs(batch=2 * model.batches_per_step)
    history = _check_fit(model, ds, keys=("c_loss", "gp", "wasserstein", "g_loss"))
    assert all(v >= 0 for v in history["gp"])
    assert model(low[:1]).dtype == tf.float32
    _reloads_in_float32(model, tmp_path, low[:1])


def test_gradient_penalty_loss_scale_is_divided_out():
    """Scaling the inner gradient by the loss scale and back leaves the penalty unchanged."""
    from lowlight_utils.pix2pix import patchgan_discriminator
    from lowlight_utils.wgan import gradient_penalty

    critic = patchgan_discriminator("16x16", image_size=None, base_filters=4, norm=None)
    low, high, _ = _pairs()
    fake = np.clip(low * 2, 0, 1)
    alpha = tf.constant([[[[0.3]]], [[[0.7]]]] * 2, tf.float32)
    plain = float(gradient_penalty(critic, low, high, fake, alpha=alpha))
    scaled = float(gradient_penalty(critic, low, high, fake, alpha=alpha, loss_scale=2.0 ** 15))
    assert plain > 0 and scaled == pytest.approx(plain, rel=1e-5)


def test_zero_dce_mixed_trains_with_float32_curves(mixed, tmp_path):
    from lowlight_utils import zero_dce

    model = zero_dce.build("quick", filters=4)
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    low, _, ds = _pairs()
    _check_fit(model, ds, keys=("loss", "exposure_loss", "smoothness_loss"))
    out = model(low[:1])
    assert out.dtype == tf.float32 and np.isfinite(np.asarray(out)).all()
    _reloads_in_float32(model, tmp_path, low[:1])


def test_float32_models_are_unchanged():
    """Under the float32 policy (a CPU's default) nothing is wrapped or cast."""
    from lowlight_utils import zero_dce

    before = keras.mixed_precision.global_policy().name
    try:
        config.apply_precision("float32")
        model = zero_dce.build("quick", filters=4)
        assert not isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
        assert config.loss_scale(model.optimizer) is None
        assert model.optimizer.scale_loss(tf.constant(3.0)) == 3.0
    finally:
        keras.mixed_precision.set_global_policy(before)


def test_a_mixed_run_resumes_in_float32(mixed, tmp_path):
    """A run backed up under mixed float16 (a Colab GPU) resumes under float32 (a CPU)."""
    from lowlight_utils import training
    from lowlight_utils.pix2pix import Pix2Pix, patchgan_discriminator, unet_generator

    def tiny():
        model = Pix2Pix(unet_generator(image_size=None, base_filters=4, depth=2),
                        patchgan_discriminator("70x70", image_size=None, base_filters=4))
        model.compile()
        return model

    low, high, ds = _pairs()
    val = tf.data.Dataset.from_tensor_slices((low[:2], high[:2])).batch(2)
    first = training.train(tiny(), ds, val, tmp_path, epochs=1, steps_per_epoch=2,
                           tensorboard=False, verbose=0)
    trained = first.model.generator.get_weights()
    keras.mixed_precision.set_global_policy("float32")
    again = training.train(tiny(), ds, val, tmp_path, epochs=1, steps_per_epoch=2,
                           tensorboard=False, verbose=0)
    assert again.initial_epoch == 1  # nothing left to do: the backup was restored
    for a, b in zip(trained, again.model.generator.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
