"""The Pix2Pix ``keras.Model``: one discriminator and one generator update per ``train_step``.

:func:`record_train_step` and :func:`generator_test_step` are shared with
:class:`lowlight_utils.wgan.WGANGP`, which judges the same generator with a critic.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from ..metrics.window import ssim_tf
from .networks import stride_of

#: The weight of the L1 term, in the course's units. pix2pix's lambda (Isola et al. 2017,
#: eq. 4: 100) and the TensorFlow tutorial's ``LAMBDA = 100`` weigh an L1 computed on images
#: in [-1, 1]. The course computes L1 on images in [0, 1] (images are in [0, 1] outside the
#: networks), where every difference is half as large, so the paper's lambda = 100 is
#: ``l1_weight = 200`` here; ``l1_weight = 100`` would be the paper's lambda = 50.
L1_WEIGHT = 200.0
#: ``l1_weight`` per unit of the paper's lambda: L1 on [0, 1] is half L1 on [-1, 1].
PAPER_LAMBDA_SCALE = 2.0


@keras.saving.register_keras_serializable(package="lowlight_utils")
class Pix2Pix(keras.Model):
    """Conditional GAN for paired image-to-image translation (Isola et al., 2017).

    ``model(x)`` is the generator: a low-light batch in [0, 1] in, an enhanced batch out.
    ``fit()`` runs :meth:`train_step` (one discriminator and one generator update per batch,
    each with its own gradient tape), ``evaluate()``/validation run :meth:`test_step`
    (PSNR and SSIM of the generator's output, ``max_val=1``).

    Taught in notebook 02, section 'The training step: two tapes'.

    Parameters
    ----------
    generator : keras.Model
        Image in [0, 1] -> image in [0, 1].
    discriminator : keras.Model
        (low, image) concatenated on channels -> patch logits.

    Attributes
    ----------
    size_multiple : int
        Inputs must be divisible by this (``2 ** depth`` for the U-Net);
        :func:`lowlight_utils.inference.enhance_image` pads to it.

    References
    ----------
    P. Isola, J.-Y. Zhu, T. Zhou and A. A. Efros, "Image-to-Image Translation with Conditional
    Adversarial Networks", CVPR 2017, section 3.1 (the objective: conditional GAN + lambda L1) and
    section 3.3 (one discriminator step, then one generator step, the non-saturating loss);
    TensorFlow's pix2pix tutorial (tensorflow.org/tutorials/generative/pix2pix), whose
    ``train_step`` takes the two gradients from two tapes.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.size_multiple = stride_of(generator)
        self.gan_weight = 1.0
        self.l1_weight = L1_WEIGHT
        self.generator_optimizer = None
        self.discriminator_optimizer = None
        names = ["d_loss", "g_loss", "g_gan", "g_l1", "psnr", "ssim"]
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self.built = True  # both networks are functional models, built at construction

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def compile(
        self,
        generator_optimizer=None,
        discriminator_optimizer=None,
        gan_weight: float = 1.0,
        l1_weight: float = L1_WEIGHT,
        **kwargs,
    ):
        """Set the optimizers and loss weights.

        Parameters
        ----------
        generator_optimizer, discriminator_optimizer : keras.optimizers.Optimizer, optional
            Default: Adam(2e-4, beta_1=0.5) each, as in pix2pix (the course's
            :class:`~lowlight_utils._shared.fused_adam.FusedAdam`: the same update in one kernel).
        gan_weight, l1_weight : float
            Generator loss = ``gan_weight * BCE + l1_weight * L1``, with L1 the mean absolute
            difference of images in **[0, 1]**. ``l1_weight`` is therefore twice the paper's
            lambda, which weighs an L1 on [-1, 1]: the default 1 and 200
            (:data:`L1_WEIGHT`) are pix2pix's 1 and lambda = 100 (Isola et al. 2017, eq. 4;
            the TensorFlow tutorial's ``LAMBDA``); the slides report's ``MAE + 0.01 * GAN``
            (MAE on [0, 1]) is 0.01 and 1.

        Under a mixed-float16 policy both optimizers are wrapped in a
        ``keras.optimizers.LossScaleOptimizer`` (:func:`lowlight_utils.config.with_loss_scaling`).
        """
        from .._shared.fused_adam import FusedAdam
        from ..config import with_loss_scaling

        self.generator_optimizer = with_loss_scaling(
            generator_optimizer or FusedAdam(2e-4, beta_1=0.5), self.dtype_policy)
        self.discriminator_optimizer = with_loss_scaling(
            discriminator_optimizer or FusedAdam(2e-4, beta_1=0.5), self.dtype_policy)
        self.gan_weight = float(gan_weight)
        self.l1_weight = float(l1_weight)
        # model.optimizer is the generator's, so callbacks that read it (TensorBoard's step,
        # learning-rate schedulers) follow generator updates.
        super().compile(optimizer=self.generator_optimizer, **kwargs)
        # Build the slot variables now, on the right variables, so that a restored backup
        # finds them (Keras would otherwise build one optimizer on all trainable variables).
        self.generator_optimizer.build(self.generator.trainable_variables)
        self.discriminator_optimizer.build(self.discriminator.trainable_variables)

    @property
    def metrics(self):
        return list(self.trackers.values())

    @staticmethod
    def _bce(logits, value: float):
        labels = tf.fill(tf.shape(logits), value)
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels, logits))

    def discriminator_loss(self, real_logits, fake_logits):
        """BCE with all ones for real pairs and all zeros for generated ones."""
        return self._bce(real_logits, 1.0) + self._bce(fake_logits, 0.0)

    def generator_loss(self, fake_logits, fake, target):
        """Returns ``(total, gan, l1)``: the generator wants its patches called real.

        ``l1`` is the mean absolute difference of ``fake`` and ``target`` in [0, 1] (what the
        training log calls ``g_l1``, in the units of the validation's ``val_g_l1``); with
        the default :data:`L1_WEIGHT` the total equals the TensorFlow tutorial's
        ``gan + LAMBDA * mean|target - fake|`` on images in [-1, 1] with ``LAMBDA = 100``.

        References
        ----------
        Isola, Zhu, Zhou, Efros, "Image-to-Image Translation with Conditional Adversarial
        Networks", CVPR 2017, eq. 4. TensorFlow tutorial "pix2pix", ``generator_loss``.
        """
        gan = self._bce(fake_logits, 1.0)
        l1 = tf.reduce_mean(tf.abs(target - fake))
        return self.gan_weight * gan + self.l1_weight * l1, gan, l1

    def train_step(self, data):
        low, high = data
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(low, training=True)
            real_logits = self.discriminator(tf.concat([low, high], -1), training=True)
            fake_logits = self.discriminator(tf.concat([low, fake], -1), training=True)
            d_loss = self.discriminator_loss(real_logits, fake_logits)
            g_loss, g_gan, g_l1 = self.generator_loss(fake_logits, fake, high)
            # Gradients are summed over replicas; scale so that they average instead. Under
            # mixed float16, scale_loss multiplies by the loss scale (the optimizers divide the
            # gradients by it again); under float32 it changes nothing.
            d_scaled = self.discriminator_optimizer.scale_loss(d_loss / replicas)
            g_scaled = self.generator_optimizer.scale_loss(g_loss / replicas)
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables
        d_grads = d_tape.gradient(d_scaled, d_vars)
        g_grads = g_tape.gradient(g_scaled, g_vars)
        self.discriminator_optimizer.apply_gradients(zip(d_grads, d_vars, strict=True))
        self.generator_optimizer.apply_gradients(zip(g_grads, g_vars, strict=True))
        return record_train_step(self, fake, high, {"d_loss": d_loss, "g_loss": g_loss,
                                                    "g_gan": g_gan, "g_l1": g_l1})

    def test_step(self, data):
        return generator_test_step(self, data)

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        generator = keras.saving.deserialize_keras_object(config.pop("generator"))
        discriminator = keras.saving.deserialize_keras_object(config.pop("discriminator"))
        return cls(generator, discriminator, **config)

    def get_compile_config(self):
        if self.generator_optimizer is None:
            return None
        return {
            "generator_optimizer": keras.saving.serialize_keras_object(self.generator_optimizer),
            "discriminator_optimizer": keras.saving.serialize_keras_object(
                self.discriminator_optimizer
            ),
            "gan_weight": self.gan_weight,
            "l1_weight": self.l1_weight,
        }

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("generator_optimizer", "discriminator_optimizer"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        self.compile(**config)


def record_train_step(model, fake, high, losses: dict) -> dict:
    """Add the training PSNR of ``fake`` to ``losses``, update ``model.trackers``, return
    the running means (what ``fit`` shows). Shared by :class:`Pix2Pix` and ``wgan.WGANGP``."""
    psnr = tf.image.psnr(tf.clip_by_value(fake, 0.0, 1.0), high, max_val=1.0)
    values = {**losses, "psnr": tf.reduce_mean(psnr)}
    for k, v in values.items():
        model.trackers[k].update_state(v)
    return {k: model.trackers[k].result() for k in values}


def generator_test_step(model, data) -> dict:
    """Validation for a conditional GAN: PSNR, SSIM and L1 of ``model.generator``'s output.

    The generator runs at the validation image's full size (reflect-padded to
    ``model.size_multiple``) in inference mode; ``model.trackers`` must hold ``psnr``,
    ``ssim`` and ``g_l1`` means. Shared by :class:`Pix2Pix` and ``wgan.WGANGP``.
    """
    low, high = data
    fake = tf.clip_by_value(_padded_call(model.generator, low, model.size_multiple), 0.0, 1.0)
    model.trackers["psnr"].update_state(tf.image.psnr(fake, high, max_val=1.0))
    model.trackers["ssim"].update_state(ssim_tf(fake, high))
    model.trackers["g_l1"].update_state(tf.reduce_mean(tf.abs(fake - high), axis=[1, 2, 3]))
    return {k: model.trackers[k].result() for k in ("psnr", "ssim", "g_l1")}


def _padded_call(network, images, multiple: int):
    """Run ``network`` on ``images`` reflect-padded to ``multiple``, cropped back."""
    from ..inference import pad_to_multiple

    height, width = tf.shape(images)[1], tf.shape(images)[2]
    out = network(pad_to_multiple(images, multiple), training=False)
    return out[:, :height, :width, :]
