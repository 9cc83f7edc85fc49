"""WGAN-GP: the gradient penalty in closed form, the n_critic schedule, variants, saving."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from lowlight_utils import wgan
from lowlight_utils.wgan import WGANGP, gradient_penalty

H, W = 8, 8


def _linear_critic(kernel):
    """critic(pair) = <kernel, pair>: its gradient is ``kernel`` wherever it is taken."""
    layer = keras.layers.Conv2D(1, (H, W), use_bias=False, padding="valid")
    model = keras.Sequential([keras.Input((H, W, 6)), layer])
    layer.set_weights([kernel[..., None]])
    return model


def _images(seed, b=3):
    rng = np.random.default_rng(seed)
    return [tf.constant(rng.random((b, H, W, 3)), tf.float32) for _ in range(3)]


@pytest.mark.parametrize("wrt", ["pair", "image"])
def test_penalty_matches_closed_form_for_a_linear_critic(wrt):
    kernel = np.random.default_rng(0).normal(size=(H, W, 6)).astype(np.float32) * 0.1
    critic = _linear_critic(kernel)
    cond, real, fake = _images(1)
    part = kernel if wrt == "pair" else kernel[..., 3:]
    expected = (np.sqrt(np.sum(part.astype(np.float64) ** 2)) - 1.0) ** 2
    for _ in range(3):  # any alpha gives the same value for a linear critic
        got = float(gradient_penalty(critic, cond, real, fake, wrt=wrt))
        assert got == pytest.approx(expected, rel=1e-4)


def test_penalty_is_zero_for_unit_gradient_and_finite_for_zero_gradient():
    kernel = np.random.default_rng(2).normal(size=(H, W, 6)).astype(np.float32)
    kernel /= np.linalg.norm(kernel)
    cond, real, fake = _images(3)
    assert float(gradient_penalty(_linear_critic(kernel), cond, real, fake)) < 1e-8
    zero = _linear_critic(np.zeros((H, W, 6), np.float32))
    with tf.GradientTape() as tape:
        gp = gradient_penalty(zero, cond, real, fake)
    grads = tape.gradient(gp, zero.trainable_variables)
    assert float(gp) == pytest.approx(1.0, abs=1e-5)
    assert all(np.isfinite(g.numpy()).all() for g in grads)  # no NaN from sqrt(0)


def test_penalty_rejects_unknown_wrt():
    cond, real, fake = _images(4)
    with pytest.raises(ValueError, match="wrt"):
        gradient_penalty(_linear_critic(np.zeros((H, W, 6), np.float32)), cond, real, fake,
                         wrt="condition")


def _tiny(variant="report", **kw):
    settings = dict(base_filters=4, depth=3, critic_filters=4, n_critic=3, decay_epochs=1)
    settings.update(kw)
    return wgan.build("quick", variant=variant, steps_per_epoch=2, **settings)


def _data(model, steps, b=2, size=16, seed=0):
    rng = np.random.default_rng(seed)
    n = steps * model.batches_per_step * b
    low = rng.random((n, size, size, 3)).astype(np.float32) * 0.2
    return tf.data.Dataset.from_tensor_slices((low, np.clip(low * 4, 0, 1))).batch(
        model.batches_per_step * b)


def test_critic_takes_n_critic_steps_per_generator_step_and_schedules_decay():
    model = _tiny()
    k = 5
    hist = model.fit(_data(model, k), epochs=1, verbose=0)
    assert int(model.generator_optimizer.iterations) == k
    assert int(model.critic_optimizer.iterations) == model.n_critic * k
    # decay x0.7 every epoch of 2 generator steps (decay_epochs=1, steps_per_epoch=2)
    g = wgan.PROFILE_SETTINGS["quick"]["generator_lr"]
    c = wgan.PROFILE_SETTINGS["quick"]["critic_lr"]
    g_lr = model.generator_optimizer.learning_rate
    c_lr = model.critic_optimizer.learning_rate
    assert float(g_lr) == pytest.approx(g * 0.7 ** (k // 2), rel=1e-5)
    assert float(c_lr) == pytest.approx(c * 0.7 ** ((model.n_critic * k) // (2 * 3)), rel=1e-5)
    assert {"c_loss", "wasserstein", "gp", "g_loss", "g_l1", "psnr"} <= set(hist.history)
    assert all(np.isfinite(v[-1]) for v in hist.history.values())


def test_report_preset_uses_sgd_critic_adam_generator_and_clipnorm():
    model = _tiny()
    assert isinstance(model.critic_optimizer, keras.optimizers.SGD)
    assert isinstance(model.generator_optimizer, keras.optimizers.Adam)
    assert model.generator_optimizer.clipnorm == 1.0 and model.critic_optimizer.clipnorm == 1.0
    assert model.n_critic == 3 and model.gp_weight == 10.0
    assert isinstance(_tiny("adam").critic_optimizer, keras.optimizers.Adam)


def test_weight_clipping_variant_keeps_critic_weights_small():
    model = _tiny("weight-clipping")
    assert model.gp_weight == 0.0
    model.fit(_data(model, 2), epochs=1, verbose=0)
    for v in model.critic.trainable_variables:
        assert float(tf.reduce_max(tf.abs(v))) <= 0.01 + 1e-7


def test_no_bn_critic_has_no_batch_norm():
    critic = _tiny("no-bn-critic").critic
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in critic.layers)
    critic = _tiny().critic
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in critic.layers)


def test_unknown_variant_or_setting():
    with pytest.raises(ValueError, match="variant"):
        wgan.build("quick", variant="nope")
    with pytest.raises(TypeError, match="lamda"):
        wgan.build("quick", lamda=3)


def test_full_preset_is_the_reports_critic():
    s = wgan.PROFILE_SETTINGS["full"]
    assert (s["generator_lr"], s["critic_lr"], s["n_critic"], s["critic_variant"]) == (
        1.2e-4, 1e-4, 5, "16x16")


def test_save_and_load_safe_mode(tmp_path):
    model = _tiny()
    model.fit(_data(model, 1), epochs=1, verbose=0)
    x = tf.random.uniform((1, 24, 16, 3))
    path = tmp_path / "wgan.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, WGANGP) and loaded.n_critic == model.n_critic
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-6)


def test_gaussian_blur_preserves_mean_and_matches_scipy():
    from scipy.ndimage import gaussian_filter

    img = np.random.default_rng(0).random((1, 40, 40, 3)).astype(np.float32)
    ours = wgan.gaussian_blur(tf.constant(img), 3.0).numpy()[0]
    ref = gaussian_filter(img[0], sigma=(3, 3, 0), truncate=3.0, mode="constant")
    np.testing.assert_allclose(ours[10:-10, 10:-10], ref[10:-10, 10:-10], atol=1e-5)


def test_color_loss_sees_colour_not_texture():
    rng = np.random.default_rng(1)
    base = np.full((1, 32, 32, 3), 0.5, np.float32)
    noisy = base + rng.choice([-0.2, 0.2], size=base.shape).astype(np.float32)  # texture
    tinted = base * np.array([1.2, 1.0, 0.8], np.float32)  # colour cast
    texture = float(wgan.color_loss(tf.constant(noisy), tf.constant(base)))
    colour = float(wgan.color_loss(tf.constant(tinted), tf.constant(base)))
    assert float(wgan.color_loss(tf.constant(base), tf.constant(base))) == 0.0
    assert colour > 10 * texture


def test_color_weight_enters_the_generator_loss():
    model = _tiny(color_weight=5.0)
    assert model.color_weight == 5.0
    hist = model.fit(_data(model, 1), epochs=1, verbose=0)
    assert np.isfinite(hist.history["g_loss"][-1])


def test_penalty_reduce_mean_vs_sum_on_a_patch_critic():
    """A critic with N = 4 identical linear patches: sum has N times the gradient of mean."""
    kernel = np.random.default_rng(5).normal(size=(H // 2, W // 2, 6)).astype(np.float32)
    layer = keras.layers.Conv2D(1, (H // 2, W // 2), strides=H // 2, use_bias=False)
    critic = keras.Sequential([keras.Input((H, W, 6)), layer])  # 2x2 output map
    layer.set_weights([kernel[..., None]])
    cond, real, fake = _images(6)
    norm_one_patch = np.sqrt(np.sum(kernel.astype(np.float64) ** 2))
    # each patch sees its own quarter: the gradient of the sum has norm 2x one patch's,
    # the gradient of the mean has norm 1/2 of it
    got_sum = float(gradient_penalty(critic, cond, real, fake, reduce="sum"))
    got_mean = float(gradient_penalty(critic, cond, real, fake, reduce="mean"))
    assert got_sum == pytest.approx((2 * norm_one_patch - 1) ** 2, rel=1e-4)
    assert got_mean == pytest.approx((norm_one_patch / 2 - 1) ** 2, rel=1e-4)
    with pytest.raises(ValueError, match="reduce"):
        gradient_penalty(critic, cond, real, fake, reduce="max")
