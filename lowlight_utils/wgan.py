"""Pix2Pix with a Wasserstein critic and a gradient penalty (WGAN-GP).

A BCE discriminator answers "real or fake?" and saturates once it is sure, which leaves the
generator with vanishing gradients (the Pix2Pix + WGAN-GP low-light report saw this, and mode
collapse). A Wasserstein *critic* instead outputs an unbounded score; the gap
``mean(critic(real)) - mean(critic(fake))`` estimates the Wasserstein-1 distance between the
two distributions, provided the critic is 1-Lipschitz. The gradient penalty (Gulrajani et al.,
2017) asks for that softly: the critic's gradient norm should be 1 on points between real and
fake samples.

Losses, as in the report:

* critic: ``mean(fake) - mean(real) + lambda_gp * GP`` (lambda_gp = 10);
* generator: ``-mean(fake) + 100 * L1``.

The critic is updated ``n_critic`` times per generator update, **each time on a fresh real
batch**: a training step receives ``n_critic`` batches stacked along the batch axis
(``model.batches_per_step``) and splits them.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from .pix2pix import (
    _stride_of,
    generator_test_step,
    patchgan_discriminator,
    record_train_step,
    unet_generator,
)

#: Critic and optimiser settings per profile. ``full`` is the report's best configuration.
#: The generator is Pix2Pix's (``pix2pix.PROFILE_SETTINGS``: same width, depth and
#: normalisation), so the two methods differ only in how the generator is judged.
PROFILE_SETTINGS = {
    "quick": {
        "critic_variant": "16x16",
        "critic_filters": 16,
        "critic_norm": "batch",
        "n_critic": 5,
        "gp_weight": 10.0,
        "l1_weight": 100.0,
        "clip_value": None,
        "generator_lr": 1e-3,
        "critic_lr": 1e-3,
        "critic_optimizer": "sgd",
        "decay_rate": 0.7,
        "decay_epochs": 6,
        "clipnorm": 1.0,
        "color_weight": 0.0,
        "beta_2": 0.999,
        "gp_reduce": "mean",
        "epochs": 10,
    },
    "full": {
        "critic_variant": "16x16",
        "critic_filters": 64,
        "critic_norm": "batch",
        "n_critic": 5,
        "gp_weight": 10.0,
        "l1_weight": 100.0,
        "clip_value": None,
        "generator_lr": 1.2e-4,
        "critic_lr": 1e-4,
        "critic_optimizer": "sgd",
        "decay_rate": 0.7,
        "decay_epochs": 6,
        "clipnorm": 1.0,
        "color_weight": 0.0,
        "beta_2": 0.999,
        "gp_reduce": "mean",
        "epochs": 34,
    },
}

#: Named variants: overrides on top of the profile's settings.
VARIANTS = {
    # The report's best configuration (the default), with one correction: the penalty is on
    # the mean patch score that the losses use ("report-exact" keeps the report's sum).
    "report": {},
    "report-exact": {"gp_reduce": "sum"},
    # The phone-to-DSLR report's original WGAN: weights clipped to [-0.01, 0.01], no penalty.
    "weight-clipping": {"clip_value": 0.01, "gp_weight": 0.0, "critic_norm": "batch"},
    # What the WGAN-GP paper recommends: no batch norm in a critic with a per-sample penalty.
    "no-bn-critic": {"critic_norm": None},
    # The report's first attempt: Adam for both networks.
    "adam": {"critic_optimizer": "adam"},
}


def gradient_penalty(critic, condition, real, fake, wrt: str = "pair", alpha=None,
                     reduce: str = "mean", epsilon: float = 1e-12):
    """WGAN-GP penalty on interpolates between real and generated pairs.

    With ``alpha ~ U(0, 1)`` drawn per sample, ``x = alpha * real + (1 - alpha) * fake``; the
    critic sees ``concat(condition, x)`` and its patch scores are reduced to one value per
    sample, ``reduce="mean"`` by default: the same mean over patches that the losses use, so
    the function held to norm 1 is the one whose gap estimates the Wasserstein distance.
    ``reduce="sum"`` is what the report's code does (it differentiates the whole patch map,
    i.e. its sum), which holds the *mean* score to 1/N-Lipschitz for N patches. The gradient
    is taken with respect to the concatenated pair (``wrt="pair"``, as the report does) or
    the image alone (``wrt="image"``); its L2 norm over all but the batch axis has
    ``epsilon`` inside the square root, which keeps the *gradient* of the norm finite when the
    critic's gradient is zero; the penalty is ``mean((norm - 1) ** 2)``.

    Parameters
    ----------
    critic : callable
        ``critic(pair, training=True)`` -> scores, pair = condition and image on channels.
    condition, real, fake : tf.Tensor, (B, H, W, C)
        The low-light input, its reference, and the generator's output.
    wrt : {"pair", "image"}
    alpha : tf.Tensor, optional
        (B, 1, 1, 1) interpolation weights; drawn uniformly when omitted.
    reduce : {"mean", "sum"}
        How a sample's patch scores become the scalar whose gradient is penalised.
    epsilon : float

    Returns
    -------
    tf.Tensor
        Scalar penalty.
    """
    if wrt not in ("pair", "image"):
        raise ValueError(f"wrt must be 'pair' or 'image', got {wrt!r}")
    if reduce not in ("mean", "sum"):
        raise ValueError(f"reduce must be 'mean' or 'sum', got {reduce!r}")
    if alpha is None:
        alpha = tf.random.uniform([tf.shape(real)[0], 1, 1, 1], 0.0, 1.0)
    mixed = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        if wrt == "pair":
            # Interpolating the concatenated pairs: the condition is the same on both sides.
            watched = tf.concat([condition, mixed], axis=-1)
            tape.watch(watched)
            scores = critic(watched, training=True)
        else:
            watched = mixed
            tape.watch(watched)
            scores = critic(tf.concat([condition, watched], axis=-1), training=True)
        per_sample = tf.reshape(scores, [tf.shape(scores)[0], -1])
        per_sample = (tf.reduce_mean(per_sample, axis=1) if reduce == "mean"
                      else tf.reduce_sum(per_sample, axis=1))
    grads = tape.gradient(per_sample, watched)
    norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + epsilon)
    return tf.reduce_mean(tf.square(norm - 1.0))


def gaussian_blur(images, sigma: float = 3.0):
    """Blur each channel of an NHWC batch with a Gaussian of ``sigma`` pixels (3-sigma taps)."""
    radius = max(1, int(round(3 * sigma)))
    x = tf.range(-radius, radius + 1, dtype=tf.float32)
    taps = tf.exp(-0.5 * tf.square(x / sigma))
    taps /= tf.reduce_sum(taps)
    channels = images.shape[-1]
    row = tf.tile(tf.reshape(taps, [1, -1, 1, 1]), [1, 1, channels, 1])
    col = tf.tile(tf.reshape(taps, [-1, 1, 1, 1]), [1, 1, channels, 1])
    out = tf.nn.depthwise_conv2d(images, row, [1, 1, 1, 1], "SAME")
    return tf.nn.depthwise_conv2d(out, col, [1, 1, 1, 1], "SAME")


def color_loss(output, target, sigma: float = 3.0):
    """The phone-to-DSLR report's colour loss: squared distance between blurred images.

    Blurring (Gaussian, ``sigma`` = 3 px) removes texture and noise, so what is left to
    compare is brightness and colour. Averaged over pixels and channels (the report writes a
    sum; a mean keeps the weight independent of the crop size).
    """
    return tf.reduce_mean(tf.square(gaussian_blur(output, sigma) - gaussian_blur(target, sigma)))


def gradient_norms(critic, condition, real, fake, alphas=(0.0, 0.25, 0.5, 0.75, 1.0),
                   training: bool = True, reduce: str = "mean"):
    """Per-sample gradient norms of the critic at interpolates ``alpha*real + (1-alpha)*fake``.

    What the penalty looks at, for a picture: one row per alpha, one column per sample.
    ``training=True`` (the default) is how the penalty calls the critic, so batch norm uses
    the statistics of the batch, as during training; ``reduce`` as in
    :func:`gradient_penalty`.

    Returns
    -------
    numpy.ndarray, (len(alphas), B)
    """
    rows = []
    for a in alphas:
        pair = tf.concat([condition, a * real + (1.0 - a) * fake], axis=-1)
        with tf.GradientTape() as tape:
            tape.watch(pair)
            scores = tf.reshape(critic(pair, training=training), [tf.shape(pair)[0], -1])
            scores = (tf.reduce_mean(scores, axis=1) if reduce == "mean"
                      else tf.reduce_sum(scores, axis=1))
        grads = tape.gradient(scores, pair)
        rows.append(tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3])).numpy())
    return np.stack(rows)


@keras.saving.register_keras_serializable(package="lowlight_utils")
class WGANGP(keras.Model):
    """Conditional WGAN-GP: a U-Net generator and a PatchGAN critic.

    ``model(x)`` is the generator ([0, 1] in and out). Each training step takes a batch of
    ``n_critic * B`` pairs (``batches_per_step = n_critic``): the critic is updated on each of
    the ``n_critic`` sub-batches in turn, then the generator once on the last one.

    Parameters
    ----------
    generator, critic : keras.Model
    n_critic : int
        Critic updates per generator update (5).
    gp_weight : float
        lambda_gp (10). 0 disables the penalty (weight clipping variant).
    l1_weight : float
        Weight of the L1 term of the generator loss (100).
    clip_value : float, optional
        Clip every critic weight to ``[-clip_value, clip_value]`` after each update (the
        original WGAN; 0.01).
    gp_wrt : {"pair", "image"}
        What the penalty differentiates with respect to.
    color_weight : float
        Weight of :func:`color_loss` in the generator loss (0: off; the phone-to-DSLR
        preset uses it).
    gp_reduce : {"mean", "sum"}
        See :func:`gradient_penalty`; "sum" reproduces the report's code.
    """

    def __init__(self, generator, critic, n_critic: int = 5, gp_weight: float = 10.0,
                 l1_weight: float = 100.0, clip_value: float | None = None,
                 gp_wrt: str = "pair", color_weight: float = 0.0, gp_reduce: str = "mean",
                 **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.critic = critic
        self.n_critic = int(n_critic)
        self.gp_weight = float(gp_weight)
        self.l1_weight = float(l1_weight)
        self.clip_value = clip_value
        self.gp_wrt = gp_wrt
        self.color_weight = float(color_weight)
        self.gp_reduce = gp_reduce
        self.size_multiple = _stride_of(generator)
        self.batches_per_step = self.n_critic
        self.generator_optimizer = None
        self.critic_optimizer = None
        names = ["c_loss", "wasserstein", "gp", "g_loss", "g_adv", "g_l1", "psnr", "ssim"]
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self.built = True  # both networks are functional models, built at construction

    def build(self, input_shape=None):
        self.built = True

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def compile(self, generator_optimizer=None, critic_optimizer=None, **kwargs):
        """Set the two optimisers (default: the report's Adam(1.2e-4, 0.5) and SGD(1e-4))."""
        self.generator_optimizer = generator_optimizer or keras.optimizers.Adam(
            1.2e-4, beta_1=0.5, clipnorm=1.0)
        self.critic_optimizer = critic_optimizer or keras.optimizers.SGD(1e-4, clipnorm=1.0)
        super().compile(optimizer=self.generator_optimizer, **kwargs)
        self.generator_optimizer.build(self.generator.trainable_variables)
        self.critic_optimizer.build(self.critic.trainable_variables)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _critic_update(self, low, high):
        fake = self.generator(low, training=True)
        with tf.GradientTape() as tape:
            real_score = tf.reduce_mean(self.critic(tf.concat([low, high], -1), training=True))
            fake_score = tf.reduce_mean(self.critic(tf.concat([low, fake], -1), training=True))
            wasserstein = real_score - fake_score
            gp = (gradient_penalty(self.critic, low, high, fake, wrt=self.gp_wrt,
                                   reduce=self.gp_reduce)
                  if self.gp_weight > 0 else tf.constant(0.0))
            loss = -wasserstein + self.gp_weight * gp
            scaled = loss / tf.distribute.get_strategy().num_replicas_in_sync
        variables = self.critic.trainable_variables
        grads = tape.gradient(scaled, variables)
        self.critic_optimizer.apply_gradients(zip(grads, variables, strict=True))
        if self.clip_value:
            for v in variables:
                v.assign(tf.clip_by_value(v, -self.clip_value, self.clip_value))
        return loss, wasserstein, gp

    def train_step(self, data):
        low, high = data
        lows = tf.split(low, self.n_critic, axis=0)
        highs = tf.split(high, self.n_critic, axis=0)
        for i in range(self.n_critic):  # each critic update sees a fresh real batch
            c_loss, wasserstein, gp = self._critic_update(lows[i], highs[i])
        low, high = lows[-1], highs[-1]
        with tf.GradientTape() as tape:
            fake = self.generator(low, training=True)
            g_adv = -tf.reduce_mean(self.critic(tf.concat([low, fake], -1), training=True))
            g_l1 = tf.reduce_mean(tf.abs(high - fake))
            g_loss = g_adv + self.l1_weight * g_l1
            if self.color_weight:
                g_loss += self.color_weight * color_loss(fake, high)
            scaled = g_loss / tf.distribute.get_strategy().num_replicas_in_sync
        variables = self.generator.trainable_variables
        grads = tape.gradient(scaled, variables)
        self.generator_optimizer.apply_gradients(zip(grads, variables, strict=True))
        return record_train_step(self, fake, high, {
            "c_loss": c_loss, "wasserstein": wasserstein, "gp": gp, "g_loss": g_loss,
            "g_adv": g_adv, "g_l1": g_l1})

    def test_step(self, data):
        return generator_test_step(self, data)

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "critic": keras.saving.serialize_keras_object(self.critic),
            "n_critic": self.n_critic,
            "gp_weight": self.gp_weight,
            "l1_weight": self.l1_weight,
            "clip_value": self.clip_value,
            "gp_wrt": self.gp_wrt,
            "color_weight": self.color_weight,
            "gp_reduce": self.gp_reduce,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        generator = keras.saving.deserialize_keras_object(config.pop("generator"))
        critic = keras.saving.deserialize_keras_object(config.pop("critic"))
        return cls(generator, critic, **config)

    def get_compile_config(self):
        if self.generator_optimizer is None:
            return None
        return {
            "generator_optimizer": keras.saving.serialize_keras_object(self.generator_optimizer),
            "critic_optimizer": keras.saving.serialize_keras_object(self.critic_optimizer),
        }

    def compile_from_config(self, config):
        self.compile(**{k: keras.saving.deserialize_keras_object(v) for k, v in config.items()})


def _schedule(lr: float, decay_rate: float, decay_steps: int):
    return keras.optimizers.schedules.ExponentialDecay(
        lr, decay_steps=max(1, int(decay_steps)), decay_rate=decay_rate, staircase=True)


def build(profile=None, variant: str = "report", steps_per_epoch: int | None = None,
          **overrides) -> WGANGP:
    """Build and compile the WGAN-GP model of a profile.

    Parameters
    ----------
    profile : str or Profile, optional
        Default ``$LOWLIGHT_PROFILE``.
    variant : {"report", "report-exact", "weight-clipping", "no-bn-critic", "adam"}
        See :data:`VARIANTS`.
    steps_per_epoch : int, optional
        Generator steps per epoch, for the learning-rate schedule ("x0.7 every 6 epochs");
        default: the profile's, else 100.
    **overrides
        Any key of :data:`PROFILE_SETTINGS`.

    Notes
    -----
    Both schedules decay every ``decay_epochs`` epochs. The critic's optimiser takes
    ``n_critic`` steps per generator step, so its ``decay_steps`` is ``n_critic`` times
    larger. (The report's code used the generator's step count for both, which decays the
    critic's rate every 1.2 epochs; its text says every 6 epochs for both, which we follow.)
    """
    from .config import Profile, get_profile

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    if variant not in VARIANTS:
        raise ValueError(f"unknown WGAN variant {variant!r}; choose from {sorted(VARIANTS)}")
    from .pix2pix import PROFILE_SETTINGS as GENERATOR_SETTINGS

    gen_keys = ("base_filters", "depth", "norm", "bn_momentum")
    s = {**{k: GENERATOR_SETTINGS[prof.name][k] for k in gen_keys},
         **PROFILE_SETTINGS[prof.name], **VARIANTS[variant]}
    s.pop("epochs")  # a training length, for training.method_profile
    unknown = set(overrides) - set(s)
    if unknown:
        raise TypeError(f"unknown WGAN-GP setting(s) {sorted(unknown)}; known: {sorted(s)}")
    s.update(overrides)
    steps = steps_per_epoch or prof.steps_per_epoch or 100
    generator = unet_generator(image_size=None, base_filters=s["base_filters"],
                               depth=s["depth"], norm=s["norm"], bn_momentum=s["bn_momentum"])
    critic = patchgan_discriminator(s["critic_variant"], image_size=None,
                                    base_filters=s["critic_filters"], norm=s["critic_norm"],
                                    name="critic")
    model = WGANGP(generator, critic, n_critic=s["n_critic"], gp_weight=s["gp_weight"],
                   l1_weight=s["l1_weight"], clip_value=s["clip_value"],
                   color_weight=s["color_weight"], gp_reduce=s["gp_reduce"], name="wgan_gp")
    g_lr = _schedule(s["generator_lr"], s["decay_rate"], s["decay_epochs"] * steps)
    c_lr = _schedule(s["critic_lr"], s["decay_rate"], s["decay_epochs"] * steps * s["n_critic"])
    clip = {"clipnorm": s["clipnorm"]} if s["clipnorm"] else {}
    betas = {"beta_1": 0.5, "beta_2": s["beta_2"]}
    critic_opt = (keras.optimizers.SGD(c_lr, **clip) if s["critic_optimizer"] == "sgd"
                  else keras.optimizers.Adam(c_lr, **betas, **clip))
    model.compile(generator_optimizer=keras.optimizers.Adam(g_lr, **betas, **clip),
                  critic_optimizer=critic_opt)
    return model
