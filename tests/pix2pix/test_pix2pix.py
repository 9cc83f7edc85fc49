"""Tests of the Pix2Pix networks and training step (lowlight_utils.pix2pix)."""

from __future__ import annotations

import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest
import tensorflow as tf

from lowlight_utils import pix2pix
from lowlight_utils.pix2pix import (
    Pix2Pix,
    patchgan_discriminator,
    small_unet,
    unet_generator,
)


def _count(variables) -> int:
    return sum(int(np.prod(v.shape)) for v in variables)


def tiny_pix2pix(depth: int = 3, **compile_kwargs) -> Pix2Pix:
    model = Pix2Pix(
        unet_generator(image_size=None, base_filters=8, depth=depth, bn_momentum=0.5),
        patchgan_discriminator("70x70", image_size=None, base_filters=8),
    )
    model.compile(keras.optimizers.Adam(2e-3, beta_1=0.5),
                  keras.optimizers.Adam(2e-3, beta_1=0.5), **compile_kwargs)
    return model


def test_unet_has_the_reports_parameter_count():
    g = unet_generator()
    assert g.count_params() == 54_429_315
    assert _count(g.trainable_variables) == 54_419_459
    assert g.output_shape == (None, 256, 256, 3)


def test_16x16_critic_is_the_wgan_gp_reports():
    d = patchgan_discriminator("16x16")
    assert d.count_params() == 6_968_257
    assert _count(d.trainable_variables) == 6_965_441
    assert d.input_shape == (None, 256, 256, 6)
    assert d.output_shape == (None, 16, 16, 1)


def test_70x70_patchgan_gives_30x30_logits_each_seeing_70x70_pixels():
    d = patchgan_discriminator("70x70", base_filters=4, norm=None)
    assert d.output_shape == (None, 30, 30, 1)
    x = tf.random.uniform([1, 256, 256, 6], seed=1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        logit = d(x)[0, 15, 15, 0]
    grad = tf.reduce_sum(tf.abs(tape.gradient(logit, x)), axis=[0, 3]).numpy()
    rows, cols = np.nonzero(grad)
    assert rows.max() - rows.min() + 1 == 70
    assert cols.max() - cols.min() + 1 == 70
    assert pix2pix.receptive_field(d) == 70
    assert pix2pix.receptive_field(patchgan_discriminator("16x16", base_filters=4)) == 142


def test_unknown_variants_are_rejected():
    with pytest.raises(ValueError, match="70x70"):
        patchgan_discriminator("32x32")
    with pytest.raises(ValueError, match="norm"):
        patchgan_discriminator(norm="instance")


def test_generator_maps_unit_range_to_unit_range_at_any_multiple():
    g = unet_generator(image_size=None, base_filters=4, depth=3)
    x = np.random.default_rng(0).random((2, 40, 24, 3), dtype=np.float32)
    y = g(x, training=False).numpy()
    assert y.shape == x.shape
    assert 0.0 <= y.min() and y.max() <= 1.0
    # the rescaling is inside: a constant mid-grey input gives outputs near 0.5 at init
    assert abs(float(g(np.full((1, 8, 8, 3), 0.5, np.float32)).numpy().mean()) - 0.5) < 0.05


def test_small_unet_is_the_slides_network():
    m = small_unet()
    expected = (27 * 64 + 64) + (9 * 64 * 128 + 128) + (9 * 128 * 256 + 256)
    expected += (9 * 256 * 128 + 128) + (9 * 128 * 64 + 64) + (9 * 64 * 3 + 3)
    assert m.count_params() == expected
    y = m(np.random.default_rng(1).random((1, 37, 53, 3), dtype=np.float32)).numpy()
    assert y.shape == (1, 37, 53, 3) and 0.0 < y.min() and y.max() < 1.0


def test_size_multiple_is_the_generators_stride():
    assert tiny_pix2pix(depth=3).size_multiple == 8
    model = pix2pix.build("quick")
    assert model.size_multiple == 2 ** pix2pix.PROFILE_SETTINGS["quick"]["depth"]
    assert isinstance(model.generator_optimizer, keras.optimizers.Adam)


def test_build_rejects_unknown_settings():
    with pytest.raises(TypeError, match="base_filter"):
        pix2pix.build("quick", base_filter=8)
    with pytest.raises(ValueError, match="pix2pix-bce"):
        pix2pix.build("quick", method="zero-dce")


def test_losses_follow_their_formulas():
    model = tiny_pix2pix(gan_weight=0.01, l1_weight=1.0)
    zeros = tf.zeros([2, 4, 4, 1])
    assert float(model.discriminator_loss(zeros, zeros)) == pytest.approx(2 * math.log(2), 1e-6)
    real = tf.fill([2, 4, 4, 1], 20.0)  # confident and right: loss ~ 0
    fake = tf.fill([2, 4, 4, 1], -20.0)
    assert float(model.discriminator_loss(real, fake)) < 1e-6
    target, out = tf.fill([1, 8, 8, 3], 0.75), tf.fill([1, 8, 8, 3], 0.5)
    total, gan, l1 = model.generator_loss(zeros, out, target)
    assert float(gan) == pytest.approx(math.log(2), 1e-6)
    assert float(l1) == pytest.approx(0.25, 1e-6)
    assert float(total) == pytest.approx(0.01 * math.log(2) + 0.25, 1e-6)


def test_train_step_updates_both_networks_and_learns():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    # smooth images (a U-Net cannot copy pixel-level noise through its stride-2 first layer)
    low = tf.image.resize(rng.random((8, 4, 4, 3), dtype=np.float32), (32, 32)).numpy() * 0.3
    high = np.clip(low * 3.0, 0.0, 1.0)
    ds = tf.data.Dataset.from_tensor_slices((low, high)).batch(4)
    model = tiny_pix2pix()
    before = model.evaluate(ds, return_dict=True, verbose=0)
    d_before = [v.numpy().copy() for v in model.discriminator.trainable_variables]
    logs = model.fit(ds.repeat(), steps_per_epoch=60, epochs=1, verbose=0).history
    after = model.evaluate(ds, return_dict=True, verbose=0)
    assert set(logs) >= {"d_loss", "g_loss", "g_gan", "g_l1", "psnr"}
    assert after["g_l1"] < 0.8 * before["g_l1"]
    assert after["psnr"] > before["psnr"] + 2.0
    assert int(model.generator_optimizer.iterations) == 60
    assert int(model.discriminator_optimizer.iterations) == 60
    changed = [not np.allclose(a, b.numpy()) for a, b in
               zip(d_before, model.discriminator.trainable_variables, strict=True)]
    assert all(changed)


def test_test_step_reports_psnr_and_ssim_with_max_val_one():
    inputs = keras.Input((None, None, 3))
    identity = keras.Model(inputs, keras.layers.Identity()(inputs))
    model = Pix2Pix(identity, patchgan_discriminator("70x70", image_size=None, base_filters=4))
    model.compile()
    rng = np.random.default_rng(2)
    low = rng.random((3, 37, 53, 3), dtype=np.float32)
    high = np.clip(low + rng.normal(0, 0.05, low.shape), 0, 1).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((low, high)).batch(1)
    logs = model.evaluate(ds, return_dict=True, verbose=0)
    mse = ((low - high) ** 2).reshape(3, -1).mean(axis=1)
    assert logs["psnr"] == pytest.approx(float(np.mean(10 * np.log10(1.0 / mse))), abs=1e-3)
    expected_ssim = float(np.mean(tf.image.ssim(low, high, max_val=1.0)))
    assert logs["ssim"] == pytest.approx(expected_ssim, abs=1e-4)


def test_test_step_pads_odd_sizes_for_a_strided_generator():
    model = tiny_pix2pix(depth=3)
    rng = np.random.default_rng(3)
    data = rng.random((2, 37, 53, 3), dtype=np.float32)
    logs = model.evaluate(tf.data.Dataset.from_tensor_slices((data, data)).batch(1),
                          return_dict=True, verbose=0)
    assert np.isfinite(logs["psnr"]) and np.isfinite(logs["ssim"])


def test_saved_model_reloads_with_safe_mode_and_identical_outputs(tmp_path):
    model = tiny_pix2pix()
    rng = np.random.default_rng(4)
    low = rng.random((4, 32, 32, 3), dtype=np.float32)
    model.fit(tf.data.Dataset.from_tensor_slices((low, low)).batch(2), epochs=1, verbose=0)
    path = tmp_path / "p2p.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert isinstance(loaded, Pix2Pix)
    np.testing.assert_array_equal(loaded(low).numpy(), model(low).numpy())
    assert loaded.size_multiple == model.size_multiple
    assert int(loaded.generator_optimizer.iterations) == 2


def test_bench_counts_convolution_flops_from_shapes():
    from lowlight_utils.bench.train_step import forward_macs, train_step_flops

    inputs = keras.Input((None, None, 3))
    a = keras.layers.Conv2D(4, 3, strides=2, padding="same")(inputs)  # 4x4x4 out of 8x8x3
    b = keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same")(a)  # from 4x4x4
    c = keras.layers.Concatenate()([b, inputs])  # a layer with two inputs is skipped
    out = keras.layers.Conv2D(1, 1)(c)  # 8x8x5 -> 8x8x1
    net = keras.Model(inputs, out)
    assert forward_macs(net, 8) == 16 * 4 * 9 * 3 + 16 * 4 * 16 * 2 + 64 * 1 * 5
    model = tiny_pix2pix()
    g, d = forward_macs(model.generator, 32), forward_macs(model.discriminator, 32)
    assert train_step_flops(model, 32, 2)[0] == 2 * 2 * (3 * g + 7 * d)


def test_default_loss_is_the_tensorflow_tutorials_on_images_in_minus_one_one():
    """lambda in the paper's units: the course's L1 on [0, 1] with ``l1_weight`` 200 is the
    tutorial's ``gan + LAMBDA * mean|target - gen_output|`` on [-1, 1] with LAMBDA = 100."""
    from lowlight_utils.pix2pix import L1_WEIGHT, PROFILE_SETTINGS

    model = tiny_pix2pix()  # compile's defaults
    assert model.l1_weight == L1_WEIGHT == 200.0 and model.gan_weight == 1.0
    assert {s["l1_weight"] for s in PROFILE_SETTINGS.values()} == {L1_WEIGHT}
    rng = np.random.default_rng(0)
    fake_logits = tf.constant(rng.normal(size=(4, 6, 6, 1)), tf.float32)
    fake = tf.constant(rng.random((4, 16, 16, 3)), tf.float32)
    target = tf.constant(rng.random((4, 16, 16, 3)), tf.float32)

    # the tutorial's generator_loss, on its images in [-1, 1]
    LAMBDA = 100
    loss_object = keras.losses.BinaryCrossentropy(from_logits=True)
    gen_output, tutorial_target = fake * 2 - 1, target * 2 - 1
    gan_loss = loss_object(tf.ones_like(fake_logits), fake_logits)
    l1_loss = tf.reduce_mean(tf.abs(tutorial_target - gen_output))
    tutorial_total = gan_loss + LAMBDA * l1_loss

    total, gan, l1 = model.generator_loss(fake_logits, fake, target)
    assert float(total) == pytest.approx(float(tutorial_total), rel=1e-5)
    assert float(gan) == pytest.approx(float(gan_loss), rel=1e-5)
    assert float(l1) == pytest.approx(float(l1_loss) / 2, rel=1e-5)  # logged on [0, 1]
    # the course's old default (100 on [0, 1]) was the paper's lambda = 50
    half = tiny_pix2pix(l1_weight=100.0).generator_loss(fake_logits, fake, target)[0]
    assert float(half) == pytest.approx(float(gan_loss + 50 * l1_loss), rel=1e-5)
    assert abs(float(half) - float(tutorial_total)) > 1.0


def test_builders_use_the_papers_lambda_and_presets_keep_their_reports_weight():
    from lowlight_utils.training.presets import PRESETS

    assert pix2pix.build("quick", base_filters=4, depth=3, disc_filters=4).l1_weight == 200.0
    kept = {p.name: p.build["l1_weight"] for p in PRESETS.values()
            if p.method == "pix2pix-bce" and "l1_weight" in p.build}
    # the presets state their weights (on [0, 1] images), so the new default leaves them
    assert kept == {"bce-sidd-report": 100.0, "slides-small-unet": 1.0, "dped-deblur": 100.0}


@pytest.mark.parametrize("norm", ["batch", "layer", None])
def test_patchgan_builds_at_any_size_with_every_norm(norm):
    """``norm="layer"`` learns one scale per channel, so one network scores any image size."""
    import numpy as np

    from lowlight_utils.pix2pix.networks import patchgan_discriminator

    disc = patchgan_discriminator(image_size=None, base_filters=8, norm=norm)
    for h, w in [(32, 32), (48, 64)]:
        x = np.random.default_rng(0).random((1, h, w, 6), dtype=np.float32)
        assert disc(x).shape[1:3] == disc.compute_output_shape((1, h, w, 6))[1:3]
    if norm == "layer":
        gammas = [v for v in disc.weights if "_ln" in v.path and "gamma" in v.path]
        assert gammas and all(len(v.shape) == 1 for v in gammas)
