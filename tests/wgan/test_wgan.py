"""WGAN-GP: the gradient penalty in closed form and per sample, a critic that learns, the
n_critic schedule, the paper's default and the report's variants, the per-step log, saving."""

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


def _tiny(variant="paper", **kw):
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
    model = _tiny("report")
    k = 5
    hist = model.fit(_data(model, k), epochs=1, verbose=0)
    assert int(model.generator_optimizer.iterations) == k
    assert int(model.critic_optimizer.iterations) == model.n_critic * k
    # decay x0.7 every epoch of 2 generator steps (decay_epochs=1, steps_per_epoch=2)
    g = wgan.variant_settings("report", "quick").get(
        "generator_lr", wgan.PROFILE_SETTINGS["quick"]["generator_lr"])
    c = wgan.variant_settings("report", "quick").get(
        "critic_lr", wgan.PROFILE_SETTINGS["quick"]["critic_lr"])
    g_lr = model.generator_optimizer.learning_rate
    c_lr = model.critic_optimizer.learning_rate
    assert float(g_lr) == pytest.approx(g * 0.7 ** (k // 2), rel=1e-5)
    assert float(c_lr) == pytest.approx(c * 0.7 ** ((model.n_critic * k) // (2 * 3)), rel=1e-5)
    assert {"c_loss", "wasserstein", "gp", "g_loss", "g_l1", "psnr"} <= set(hist.history)
    assert all(np.isfinite(v[-1]) for v in hist.history.values())


def test_report_variant_uses_sgd_critic_adam_generator_and_clipnorm():
    model = _tiny("report")
    assert isinstance(model.critic_optimizer, keras.optimizers.SGD)
    assert isinstance(model.generator_optimizer, keras.optimizers.Adam)
    assert model.generator_optimizer.clipnorm == 1.0 and model.critic_optimizer.clipnorm == 1.0
    assert model.n_critic == 3 and model.gp_weight == 10.0
    assert isinstance(_tiny("adam").critic_optimizer, keras.optimizers.Adam)
    assert any(isinstance(layer, keras.layers.BatchNormalization)
               for layer in model.critic.layers)


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_default_is_the_papers_wgan_gp(profile):
    """Gulrajani et al., Algorithm 1: Adam(beta_1 0, beta_2 0.9) for both networks at one
    learning rate, no clipping, no decay, n_critic 5, lambda 10; no batch norm (section 4)."""
    s = {**wgan.PROFILE_SETTINGS[profile]}
    assert s["generator_lr"] == s["critic_lr"]
    if profile == "full":
        assert s["critic_lr"] == 1e-4
    model = wgan.build(profile, base_filters=4, depth=3, critic_filters=4, steps_per_epoch=2)
    assert model.n_critic == 5 and model.gp_weight == 10.0 and model.clip_value is None
    for opt in (model.generator_optimizer, model.critic_optimizer):
        assert isinstance(opt, keras.optimizers.Adam)
        assert (opt.beta_1, opt.beta_2) == (0.0, 0.9)
        assert opt.clipnorm is None and opt.global_clipnorm is None and opt.clipvalue is None
        assert float(opt.learning_rate) == pytest.approx(s["critic_lr"])
    norms = (keras.layers.BatchNormalization, keras.layers.GroupNormalization,
             keras.layers.LayerNormalization)
    assert not any(isinstance(layer, norms) for layer in model.critic.layers)


def test_weight_clipping_variant_keeps_critic_weights_small():
    model = _tiny("weight-clipping")
    assert model.gp_weight == 0.0
    model.fit(_data(model, 2), epochs=1, verbose=0)
    for v in model.critic.trainable_variables:
        assert float(tf.reduce_max(tf.abs(v))) <= 0.01 + 1e-7


def test_no_bn_critic_has_no_batch_norm():
    critic = _tiny("no-bn-critic").critic
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in critic.layers)
    assert isinstance(_tiny("no-bn-critic").critic_optimizer, keras.optimizers.SGD)
    critic = _tiny("batch-norm-critic").critic
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in critic.layers)


def test_unknown_variant_or_setting():
    with pytest.raises(ValueError, match="variant"):
        wgan.build("quick", variant="nope")
    with pytest.raises(TypeError, match="lamda"):
        wgan.build("quick", lamda=3)
    with pytest.raises(ValueError, match="critic_norm"):
        wgan.build("quick", critic_norm="instance")
    with pytest.raises(ValueError, match="critic_optimizer"):
        wgan.build("quick", critic_optimizer="rmsprop")


def test_full_report_variant_is_the_reports_critic():
    s = {**wgan.PROFILE_SETTINGS["full"], **wgan.variant_settings("report", "full")}
    assert (s["generator_lr"], s["critic_lr"], s["n_critic"], s["critic_variant"]) == (
        1.2e-4, 1e-4, 5, "16x16")
    assert (s["critic_optimizer"], s["critic_norm"], s["clipnorm"], s["decay_rate"]) == (
        "sgd", "batch", 1.0, 0.7)
    # the report's critic, exactly: 6,968,257 parameters
    assert wgan.critic("16x16", base_filters=64, norm="batch").count_params() == 6_968_257


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


# --- A critic that learns (issue 28): the update, the penalty per sample, any-size norms ---


def _critic_after_steps(variant, steps=100, b=4, size=32):
    """Run the course's critic update ``steps`` times against a fixed fake that is the real
    image 30 % too dark; return the Wasserstein estimates."""
    keras.utils.set_random_seed(0)
    model = wgan.build("quick", variant=variant, steps_per_epoch=10, base_filters=4, depth=3,
                       critic_filters=8)
    rng = np.random.default_rng(0)
    high = tf.constant(rng.random((b, size, size, 3)).astype(np.float32) * 0.8 + 0.1)
    low = high * 0.2
    # a generator with no weights: fake = 3.5 * low = 0.7 * high, the same at every step
    model.generator = keras.Sequential([keras.Input((None, None, 3)),
                                        keras.layers.Rescaling(3.5)])
    update = tf.function(model._critic_update)
    return np.array([float(update(low, high)[1]) for _ in range(steps)])


def test_papers_critic_learns_a_fake_30_percent_too_dark():
    paper = _critic_after_steps("paper")
    report = _critic_after_steps("report")
    # the paper's critic: a clearly positive estimate within 100 steps
    assert paper[-20:].mean() > 2.0, paper[::10]
    assert (paper[-20:] > 0).all()
    # the report's SGD batch-norm critic with clipnorm barely moves in the same steps
    assert paper[-20:].mean() > 5 * report[-20:].mean(), (paper[::10], report[::10])


def _jacobian_blocks(critic, pair):
    """d score_i / d pair_j for every i, j: (B, B, H, W, C)."""
    with tf.GradientTape() as tape:
        tape.watch(pair)
        scores = tf.reduce_mean(tf.reshape(critic(pair, training=True),
                                           [tf.shape(pair)[0], -1]), axis=1)
    return tape.jacobian(scores, pair).numpy().astype(np.float64)


def test_penalty_of_the_default_critic_is_per_sample():
    """The penalty's norms are ||d s_i / d x_i|| from the Jacobian: no cross-sample terms."""
    keras.utils.set_random_seed(1)
    critic = _tiny().critic
    rng = np.random.default_rng(7)
    b = 4
    cond, real, fake = (tf.constant(rng.random((b, 16, 16, 3)).astype(np.float32))
                        for _ in range(3))
    alpha = tf.constant(rng.random((b, 1, 1, 1)).astype(np.float32))
    pair = tf.concat([cond, alpha * real + (1 - alpha) * fake], -1)
    jac = _jacobian_blocks(critic, pair)
    own = np.array([np.sqrt(np.sum(jac[i, i] ** 2)) for i in range(b)])
    cross = max(np.abs(jac[i, j]).max() for i in range(b) for j in range(b) if i != j)
    assert cross == 0.0
    expected = np.mean((own - 1.0) ** 2)
    got = float(gradient_penalty(critic, cond, real, fake, alpha=alpha))
    assert got == pytest.approx(expected, rel=1e-4)
    # with batch norm (the report's critic) a sample's score depends on the others: the
    # test above would fail for it
    bn = _tiny("report").critic
    jac = _jacobian_blocks(bn, pair)
    assert max(np.abs(jac[i, j]).max() for i in range(b) for j in range(b) if i != j) > 1e-6


@pytest.mark.parametrize("variant", ["16x16", "70x70"])
@pytest.mark.parametrize("norm", wgan.CRITIC_NORMS)
def test_every_critic_norm_builds_at_any_size(norm, variant):
    net = wgan.critic(variant, image_size=None, base_filters=4, norm=norm)
    for h, w in [(32, 32), (48, 64)]:
        x = tf.random.uniform((2, h, w, 6))
        scores = net(x, training=True)
        assert scores.shape[0] == 2 and np.isfinite(scores.numpy()).all()
    # and through the builder, which passes image_size=None
    model = wgan.build("quick", base_filters=4, depth=3, critic_filters=4, critic_norm=norm,
                       critic_variant=variant)
    assert np.isfinite(model.critic(tf.random.uniform((1, 40, 24, 6))).numpy()).all()


def test_layer_norm_critic_learns_one_scale_per_channel():
    net = wgan.critic(base_filters=4, norm="layer")
    norms = [layer for layer in net.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert len(norms) == 4 and all(layer.groups == 1 for layer in norms)
    assert [tuple(layer.gamma.shape) for layer in norms] == [(8,), (16,), (32,), (32,)]


def test_step_log_records_each_step_and_survives_a_resume(tmp_path):
    model = _tiny()
    path = tmp_path / "steps.csv"
    log = wgan.StepLog(path=path)
    hist = model.fit(_data(model, 3).repeat(), epochs=2, steps_per_epoch=3, verbose=0,
                     callbacks=[log])
    steps = wgan.read_step_log(path)
    assert steps["step"].tolist() == [1, 2, 3, 4, 5, 6]
    assert steps["epoch"].tolist() == [1, 1, 1, 2, 2, 2]
    np.testing.assert_allclose(log.as_arrays()["wasserstein"], steps["wasserstein"])
    # each epoch's logged value is the mean of its steps
    for epoch in (1, 2):
        for key in ("wasserstein", "gp", "g_l1"):
            mean = steps[key][steps["epoch"] == epoch].mean()
            assert mean == pytest.approx(hist.history[key][epoch - 1], rel=1e-4, abs=1e-6)
    # the values differ from step to step (not a running mean repeated)
    assert len(set(np.round(steps["wasserstein"], 6))) > 1
    # a fresh model starting over drops the steps it has not done yet
    fresh = wgan.StepLog(path=path)
    again = _tiny()
    again.fit(_data(again, 2), epochs=1, verbose=0, callbacks=[fresh])
    assert wgan.read_step_log(path)["step"].tolist() == [1, 2]
    wrong = wgan.StepLog(["nope"])
    wrong.set_model(again)
    with pytest.raises(ValueError, match="no metric"):
        wrong.on_train_begin()
