"""The WGAN-GP ``keras.Model``: ``n_critic`` critic updates, each on a fresh batch, per generator update."""

from __future__ import annotations

import keras
import tensorflow as tf

from ..pix2pix.model import L1_WEIGHT, generator_test_step, record_train_step
from ..pix2pix.networks import stride_of
from .losses import color_loss, gradient_penalty

#: Under mixed float16, the most the gradient penalty's inner gradient is scaled by
#: (see ``WGANGP._critic_update``): enough to lift float16 gradients out of underflow.
GP_INNER_SCALE = 256.0


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
        Weight of the L1 term of the generator loss, on images in [0, 1]
        (``pix2pix.model.L1_WEIGHT`` = 200: lambda = 100 on [-1, 1], as in pix2pix).
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
                 l1_weight: float = L1_WEIGHT, clip_value: float | None = None,
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
        self.size_multiple = stride_of(generator)
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
        """Set the two optimisers, each wrapped in a ``LossScaleOptimizer`` under mixed
        float16. Default: the paper's Adam(1e-4, beta_1=0, beta_2=0.9) for each (Gulrajani et
        al., 2017, Algorithm 1); :func:`lowlight_utils.wgan.build` passes a profile's."""
        from .._shared.fused_adam import FusedAdam
        from ..config import with_loss_scaling

        self.generator_optimizer = with_loss_scaling(generator_optimizer or FusedAdam(
            1e-4, beta_1=0.0, beta_2=0.9), self.dtype_policy)
        self.critic_optimizer = with_loss_scaling(
            critic_optimizer or FusedAdam(1e-4, beta_1=0.0, beta_2=0.9), self.dtype_policy)
        super().compile(optimizer=self.generator_optimizer, **kwargs)
        self.generator_optimizer.build(self.generator.trainable_variables)
        self.critic_optimizer.build(self.critic.trainable_variables)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _critic_update(self, low, high):
        from ..config import loss_scale

        fake = self.generator(low, training=True)
        with tf.GradientTape() as tape:
            real_score = tf.reduce_mean(self.critic(tf.concat([low, high], -1), training=True))
            fake_score = tf.reduce_mean(self.critic(tf.concat([low, fake], -1), training=True))
            wasserstein = real_score - fake_score
            # The penalty's inner gradient (critic score -> input) runs through the critic's
            # float16 layers under mixed precision: scale it too, but by at most
            # GP_INNER_SCALE: at the optimizer's initial 2**15 it overflows float16, and an
            # infinite penalty would be logged and stop training (NaN guard).
            scale = loss_scale(self.critic_optimizer)
            gp = (gradient_penalty(self.critic, low, high, fake, wrt=self.gp_wrt,
                                   reduce=self.gp_reduce,
                                   loss_scale=None if scale is None else tf.minimum(
                                       tf.cast(scale, tf.float32), GP_INNER_SCALE))
                  if self.gp_weight > 0 else tf.constant(0.0))
            loss = -wasserstein + self.gp_weight * gp
            # scale_loss: times the loss scale under mixed float16, unchanged under float32
            scaled = self.critic_optimizer.scale_loss(
                loss / tf.distribute.get_strategy().num_replicas_in_sync)
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
            scaled = self.generator_optimizer.scale_loss(
                g_loss / tf.distribute.get_strategy().num_replicas_in_sync)
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
