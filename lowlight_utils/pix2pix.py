"""Pix2Pix: a U-Net generator, a PatchGAN discriminator and their two-tape training step.

The generator is the U-Net of the Pix2Pix + WGAN-GP low-light report (and of the
phone-to-DSLR report's table): eight stride-2 4x4 convolutions down, eight transposed ones
up, skip connections between mirror layers. The discriminator is a PatchGAN: it looks at the
low-light input and a candidate output side by side (6 channels) and scores every patch.

Every network here takes images in [0, 1] and returns images in [0, 1]; the rescaling to the
[-1, 1] that a tanh output wants happens inside, with Keras' own ``Rescaling`` layer (no
Lambda, so saved models load with ``safe_mode=True``).
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

#: Method-specific settings per profile. ``quick`` trains in a couple of minutes on a laptop
#: CPU on the profile's 96-px crops: a U-Net of depth 5 (a stride of 32 divides 96) and width
#: 32 with instance normalisation (see :func:`unet_generator`; with batch norm, a few hundred
#: steps leave moving statistics that make validation PSNR jump by +-4 dB from one epoch to
#: the next), a 10x higher learning rate and 20 epochs. Width 16 trains 2-3x faster but its
#: test PSNR on the embedded sample varied from 17.3 to 19.8 dB with the seed (width 32:
#: 20.1 and 20.5 dB for seeds 1 and 2). ``full`` is the report's network (54,429,315
#: parameters), the pix2pix 70x70 PatchGAN and pix2pix's optimiser settings.
PROFILE_SETTINGS = {
    "quick": {
        "base_filters": 32,
        "depth": 5,
        "norm": "instance",
        "bn_momentum": 0.9,
        "disc_variant": "70x70",
        "disc_filters": 32,
        "learning_rate": 1e-3,
        "beta_1": 0.5,
        "gan_weight": 1.0,
        "l1_weight": 100.0,
        "epochs": 20,
    },
    "full": {
        "base_filters": 64,
        "depth": 8,
        "norm": "batch",
        "bn_momentum": 0.99,
        "disc_variant": "70x70",
        "disc_filters": 64,
        "learning_rate": 2e-4,
        "beta_1": 0.5,
        "gan_weight": 1.0,
        "l1_weight": 100.0,
        "epochs": 100,
    },
}


def _init():
    """The pix2pix paper's weight initialisation: N(0, 0.02)."""
    return keras.initializers.RandomNormal(stddev=0.02)


def _to_symmetric(name: str):
    """[0, 1] -> [-1, 1] as a layer (serialisable, unlike a Lambda)."""
    return layers.Rescaling(2.0, offset=-1.0, name=name)


def _to_unit(name: str):
    """[-1, 1] -> [0, 1] as a layer."""
    return layers.Rescaling(0.5, offset=0.5, name=name)


def _input_shape(image_size: int | None, channels: int) -> tuple:
    return (image_size, image_size, channels)


def _norm_layer(norm: str, momentum: float, name: str):
    if norm == "batch":
        return layers.BatchNormalization(momentum=momentum, name=name)
    if norm == "instance":
        return layers.GroupNormalization(groups=-1, name=name)
    raise ValueError(f"unknown norm {norm!r}; choose 'batch' or 'instance'")


def unet_generator(
    image_size: int | None = 256,
    base_filters: int = 64,
    depth: int = 8,
    max_filters: int = 512,
    dropout_blocks: int = 3,
    dropout_rate: float = 0.5,
    bn_momentum: float = 0.99,
    norm: str = "batch",
    channels: int = 3,
    name: str = "unet_generator",
) -> keras.Model:
    """The pix2pix U-Net generator.

    With the defaults this is exactly the generator of the Pix2Pix + WGAN-GP low-light
    report: encoder C64 (no batch norm) - C128 - C256 - C512 x 4 (4x4 convolutions, stride 2,
    LeakyReLU 0.2), a bottleneck convolution C512 with ReLU and no batch norm, decoder
    CD512 x 3 - C512 - C256 - C128 - C64 (4x4 transposed convolutions, stride 2, batch norm,
    dropout 0.5 on the first three, concatenation with the mirror encoder layer, ReLU), and
    an output transposed convolution to 3 channels with tanh; N(0, 0.02) initialisation.
    That is 54,429,315 parameters (54,419,459 trainable).

    Parameters
    ----------
    image_size : int or None
        Side of the square input; ``None`` accepts any size divisible by ``2 ** depth``
        (what training on crops and inference at full resolution need).
    base_filters : int
        Filters of the first encoder layer (64 in the report); doubled per level up to
        ``max_filters``.
    depth : int
        Number of stride-2 levels, bottleneck included (8 in the report). Inputs must be
        divisible by ``2 ** depth``.
    max_filters : int
        Cap on the number of filters (512 in the report).
    dropout_blocks : int
        How many of the innermost decoder blocks use dropout.
    dropout_rate : float
        Dropout probability in those blocks.
    bn_momentum : float
        Momentum of the batch-norm moving statistics (Keras' default 0.99; a short run
        wants a faster-moving average, e.g. 0.9, or inference sees stale statistics).
    norm : {"batch", "instance"}
        ``"batch"`` (the report's) or ``"instance"`` (each image normalised by its own
        statistics, in training and at inference alike: ``GroupNormalization`` with one
        group per channel, which has no moving statistics to go stale).
    channels : int
        Image channels.
    name : str
        Model name.

    Returns
    -------
    keras.Model
        Maps an image batch in [0, 1] to an image batch in [0, 1] of the same shape.

    Examples
    --------
    >>> unet_generator().count_params()  # doctest: +SKIP
    54429315
    """
    if depth < 2:
        raise ValueError(f"depth must be at least 2, got {depth}")
    filters = [min(base_filters * 2**i, max_filters) for i in range(depth)]
    inputs = keras.Input(_input_shape(image_size, channels), name="low")
    x = _to_symmetric("to_symmetric")(inputs)
    skips = []
    for i, f in enumerate(filters[:-1]):
        x = layers.Conv2D(f, 4, 2, "same", kernel_initializer=_init(), name=f"down{i + 1}")(x)
        if i > 0:
            x = _norm_layer(norm, bn_momentum, f"down{i + 1}_{norm}norm")(x)
        x = layers.LeakyReLU(0.2, name=f"down{i + 1}_lrelu")(x)
        skips.append(x)
    x = layers.Conv2D(filters[-1], 4, 2, "same", kernel_initializer=_init(), name="bottleneck")(x)
    x = layers.ReLU(name="bottleneck_relu")(x)
    for j, (f, skip) in enumerate(zip(reversed(filters[:-1]), reversed(skips), strict=True)):
        x = layers.Conv2DTranspose(f, 4, 2, "same", kernel_initializer=_init(), name=f"up{j + 1}")(
            x
        )
        x = _norm_layer(norm, bn_momentum, f"up{j + 1}_{norm}norm")(x)
        if j < dropout_blocks:
            x = layers.Dropout(dropout_rate, name=f"up{j + 1}_dropout")(x)
        x = layers.Concatenate(name=f"up{j + 1}_skip")([x, skip])
        x = layers.ReLU(name=f"up{j + 1}_relu")(x)
    x = layers.Conv2DTranspose(channels, 4, 2, "same", kernel_initializer=_init(), name="output")(x)
    x = layers.Activation("tanh", name="tanh")(x)
    outputs = _to_unit("to_unit")(x)
    return keras.Model(inputs, outputs, name=name)


def _disc_block(x, filters, stride, norm, index, padding="same"):
    use_bias = norm is None
    x = layers.Conv2D(filters, 4, stride, padding, use_bias=use_bias,
                      kernel_initializer=_init(), name=f"conv{index}")(x)
    if norm == "batch":
        x = layers.BatchNormalization(name=f"conv{index}_bn")(x)
    elif norm == "layer":
        x = layers.LayerNormalization(axis=[1, 2, 3], name=f"conv{index}_ln")(x)
    return layers.LeakyReLU(0.2, name=f"conv{index}_lrelu")(x)


def patchgan_discriminator(
    variant: str = "70x70",
    image_size: int | None = 256,
    base_filters: int = 64,
    norm: str | None = "batch",
    channels: int = 3,
    name: str | None = None,
) -> keras.Model:
    """A PatchGAN that scores (low-light input, candidate output) pairs patch by patch.

    The input is the low-light image and the candidate concatenated on the channel axis
    (``2 * channels`` channels, each in [0, 1]); the output is a grid of logits, one per
    patch, with no activation (BCE takes logits; a Wasserstein critic wants a linear
    output).

    * ``"70x70"``: the pix2pix paper's discriminator (and the SIDD report's): C64 (no norm)
      - C128 - C256 with stride 2, C512 with stride 1, then a 1-filter convolution, the last
      two with zero padding 1 and no "same" padding. Every output sees a 70x70 input patch;
      at 256x256 the output is 30x30.
    * ``"16x16"``: the critic of the Pix2Pix + WGAN-GP low-light report, exactly: C64 (no
      norm) - C128 - C256 - C512 with stride 2, C512 stride 1, a 1-filter convolution, all
      "same" padding and with biases: 16x16 outputs at 256x256, 6,968,257 parameters.

    Parameters
    ----------
    variant : {"70x70", "16x16"}
    image_size : int or None
        Side of the square input; ``None`` accepts any size.
    base_filters : int
        Filters of the first layer (64); doubled per layer up to 8x.
    norm : {"batch", "layer", None}
        Normalisation after every convolution but the first and the last. The WGAN-GP
        paper advises against batch norm in a critic trained with a gradient penalty
        (the penalty is per sample; batch norm mixes samples): use ``"layer"`` or ``None``.
    channels : int
        Channels of one image (the input has twice as many).
    name : str, optional

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> patchgan_discriminator("16x16").count_params()  # doctest: +SKIP
    6968257
    >>> patchgan_discriminator("70x70").output_shape  # doctest: +SKIP
    (None, 30, 30, 1)
    """
    if variant not in ("70x70", "16x16"):
        raise ValueError(f"unknown PatchGAN variant {variant!r}; choose '70x70' or '16x16'")
    if norm not in ("batch", "layer", None):
        raise ValueError(f"unknown norm {norm!r}; choose 'batch', 'layer' or None")
    f = base_filters
    inputs = keras.Input(_input_shape(image_size, 2 * channels), name="low_and_image")
    x = _to_symmetric("to_symmetric")(inputs)
    if variant == "16x16":
        # The report's critic keeps biases even before batch norm; kept for its count.
        x = layers.Conv2D(f, 4, 2, "same", kernel_initializer=_init(), name="conv1")(x)
        x = layers.LeakyReLU(0.2, name="conv1_lrelu")(x)
        for i, (mult, stride) in enumerate([(2, 2), (4, 2), (8, 2), (8, 1)], start=2):
            x = layers.Conv2D(f * mult, 4, stride, "same", kernel_initializer=_init(),
                              name=f"conv{i}")(x)
            if norm == "batch":
                x = layers.BatchNormalization(name=f"conv{i}_bn")(x)
            elif norm == "layer":
                x = layers.LayerNormalization(axis=[1, 2, 3], name=f"conv{i}_ln")(x)
            x = layers.LeakyReLU(0.2, name=f"conv{i}_lrelu")(x)
        x = layers.Conv2D(1, 4, 1, "same", kernel_initializer=_init(), name="patch_logits")(x)
    else:
        x = _disc_block(x, f, 2, None, 1)
        x = _disc_block(x, 2 * f, 2, norm, 2)
        x = _disc_block(x, 4 * f, 2, norm, 3)
        x = layers.ZeroPadding2D(1, name="pad4")(x)
        x = _disc_block(x, 8 * f, 1, norm, 4, padding="valid")
        x = layers.ZeroPadding2D(1, name="pad5")(x)
        x = layers.Conv2D(1, 4, 1, "valid", kernel_initializer=_init(), name="patch_logits")(x)
    return keras.Model(inputs, x, name=name or f"patchgan_{variant}")


def small_unet(
    image_size: int | None = None, filters: tuple[int, int, int] = (64, 128, 256),
    channels: int = 3, name: str = "small_unet",
) -> keras.Model:
    """The slides report's small U-Net: 3 convolutions, 3 transposed convolutions.

    All 3x3 with stride 1 (the image size never changes), ReLU, additive skips (the first
    and second decoder layers get the second and first encoder outputs added to their
    inputs), sigmoid output. Inputs and outputs are in [0, 1], as in the report.

    Parameters
    ----------
    image_size : int or None
        Side of the square input; ``None`` (default) accepts any size.
    filters : (int, int, int)
        Widths of the three encoder convolutions.
    channels : int
    name : str

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> small_unet().output_shape  # doctest: +SKIP
    (None, None, None, 3)
    """
    f1, f2, f3 = filters
    inputs = keras.Input(_input_shape(image_size, channels), name="low")
    x1 = layers.Conv2D(f1, 3, padding="same", activation="relu", name="conv1")(inputs)
    x2 = layers.Conv2D(f2, 3, padding="same", activation="relu", name="conv2")(x1)
    x3 = layers.Conv2D(f3, 3, padding="same", activation="relu", name="conv3")(x2)
    x = layers.Conv2DTranspose(f2, 3, padding="same", activation="relu", name="tconv1")(x3)
    x = layers.Add(name="skip2")([x, x2])
    x = layers.Conv2DTranspose(f1, 3, padding="same", activation="relu", name="tconv2")(x)
    x = layers.Add(name="skip1")([x, x1])
    x = layers.Conv2DTranspose(channels, 3, padding="same", name="tconv3")(x)
    outputs = layers.Activation("sigmoid", name="sigmoid")(x)
    return keras.Model(inputs, outputs, name=name)


def receptive_field(network: keras.Model) -> int:
    """Side of the input patch that one output of a plain convolution stack sees.

    Walks the ``Conv2D`` layers (padding layers do not change it) from the output back:
    ``r <- (r - 1) * stride + kernel``.

    Examples
    --------
    >>> receptive_field(patchgan_discriminator("70x70"))  # doctest: +SKIP
    70
    """
    if any(isinstance(la, layers.Conv2DTranspose) for la in network.layers):
        raise ValueError("receptive_field is for plain convolution stacks (discriminators)")
    r = 1
    for layer in reversed([la for la in network.layers if isinstance(la, layers.Conv2D)]):
        r = (r - 1) * int(layer.strides[0]) + int(layer.kernel_size[0])
    return r


def _stride_of(generator: keras.Model) -> int:
    """Product of the strides of the stride>1 convolutions on the way down."""
    stride = 1
    for layer in generator.layers:
        if isinstance(layer, layers.Conv2D) and not isinstance(layer, layers.Conv2DTranspose):
            stride *= int(layer.strides[0])
    return stride


@keras.saving.register_keras_serializable(package="lowlight_utils")
class Pix2Pix(keras.Model):
    """Conditional GAN for paired image-to-image translation (Isola et al., 2017).

    ``model(x)`` is the generator: a low-light batch in [0, 1] in, an enhanced batch out.
    ``fit()`` runs :meth:`train_step` (one discriminator and one generator update per batch,
    each with its own gradient tape), ``evaluate()``/validation run :meth:`test_step`
    (PSNR and SSIM of the generator's output, ``max_val=1``).

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
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.size_multiple = _stride_of(generator)
        self.gan_weight = 1.0
        self.l1_weight = 100.0
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
        l1_weight: float = 100.0,
        **kwargs,
    ):
        """Set the optimizers and loss weights.

        Parameters
        ----------
        generator_optimizer, discriminator_optimizer : keras.optimizers.Optimizer, optional
            Default: Adam(2e-4, beta_1=0.5) each, as in pix2pix.
        gan_weight, l1_weight : float
            Generator loss = ``gan_weight * BCE + l1_weight * L1``. Pix2pix: 1 and 100;
            the slides report's ``MAE + 0.01 * GAN``: 0.01 and 1.
        """
        self.generator_optimizer = generator_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.discriminator_optimizer = discriminator_optimizer or keras.optimizers.Adam(
            2e-4, beta_1=0.5
        )
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
        """Returns ``(total, gan, l1)``: the generator wants its patches called real."""
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
            # Gradients are summed over replicas; scale so that they average instead.
            d_scaled, g_scaled = d_loss / replicas, g_loss / replicas
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
    model.trackers["ssim"].update_state(tf.image.ssim(fake, high, max_val=1.0))
    model.trackers["g_l1"].update_state(tf.reduce_mean(tf.abs(fake - high), axis=[1, 2, 3]))
    return {k: model.trackers[k].result() for k in ("psnr", "ssim", "g_l1")}


def _padded_call(network, images, multiple: int):
    """Run ``network`` on ``images`` reflect-padded to ``multiple``, cropped back."""
    from .inference import pad_to_multiple

    height, width = tf.shape(images)[1], tf.shape(images)[2]
    out = network(pad_to_multiple(images, multiple), training=False)
    return out[:, :height, :width, :]


def _settings(profile, overrides: dict) -> dict:
    from .config import Profile, resolve_profile_name

    name = profile.name if isinstance(profile, Profile) else resolve_profile_name(profile)
    settings = dict(PROFILE_SETTINGS[name])
    unknown = set(overrides) - set(settings) - {"generator"}
    if unknown:
        raise TypeError(
            f"unknown Pix2Pix setting(s) {sorted(unknown)}; known: {sorted(settings)}"
        )
    settings.update(overrides)
    return settings


def build(profile=None, method: str = "pix2pix-bce", **overrides) -> Pix2Pix:
    """Build and compile the Pix2Pix model of a profile.

    Parameters
    ----------
    profile : str or lowlight_utils.config.Profile, optional
        ``"quick"``, ``"full"``, ``"auto"`` or a Profile; default ``$LOWLIGHT_PROFILE``.
    method : {"pix2pix-bce"}
        The only method built here (WGAN-GP lives in :mod:`lowlight_utils.wgan`).
    **overrides
        Any key of :data:`PROFILE_SETTINGS` (``base_filters``, ``depth``, ``bn_momentum``,
        ``norm``,
        ``disc_variant``, ``disc_filters``, ``learning_rate``, ``beta_1``, ``gan_weight``,
        ``l1_weight``), or ``generator="small"`` for the slides report's small U-Net.
        (``epochs`` is the default training length, read by
        :func:`lowlight_utils.training.fit_method`; it does not affect the model.)

    Returns
    -------
    Pix2Pix
        Compiled, networks built for any input size (``image_size=None``).

    Examples
    --------
    >>> model = build("quick", base_filters=8)  # doctest: +SKIP
    >>> model(images)  # doctest: +SKIP
    """
    if method != "pix2pix-bce":
        raise ValueError(f"lowlight_utils.pix2pix builds 'pix2pix-bce', not {method!r}")
    s = _settings(profile, overrides)
    if s.get("generator", "unet") == "small":
        generator = small_unet()
    else:
        generator = unet_generator(
            image_size=None, base_filters=s["base_filters"], depth=s["depth"],
            bn_momentum=s["bn_momentum"], norm=s["norm"],
        )
    discriminator = patchgan_discriminator(
        s["disc_variant"], image_size=None, base_filters=s["disc_filters"]
    )
    model = Pix2Pix(generator, discriminator, name="pix2pix")
    model.compile(
        generator_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
        discriminator_optimizer=keras.optimizers.Adam(s["learning_rate"], beta_1=s["beta_1"]),
        gan_weight=s["gan_weight"],
        l1_weight=s["l1_weight"],
    )
    return model
