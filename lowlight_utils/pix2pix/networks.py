"""Pix2Pix's networks: the U-Net generator, the PatchGAN discriminators, the slides' small U-Net.

All take images in [0, 1]; the rescaling to [-1, 1] happens inside with Keras' own
``Rescaling`` layer (no Lambda, so saved models load with ``safe_mode=True``).
"""

from __future__ import annotations

import keras
from keras import layers

from .heads import output_head


def _init():
    """The pix2pix paper's weight initialisation: N(0, 0.02)."""
    return keras.initializers.RandomNormal(stddev=0.02)


def _to_symmetric(name: str):
    """[0, 1] -> [-1, 1] as a layer (serialisable, unlike a Lambda)."""
    return layers.Rescaling(2.0, offset=-1.0, name=name)


def _input_shape(image_size: int | None, channels: int) -> tuple:
    return (image_size, image_size, channels)


def _norm_layer(norm: str, momentum: float, name: str):
    if norm == "none":
        return layers.Identity(name=name)
    if norm == "batch":
        return layers.BatchNormalization(momentum=momentum, name=name)
    if norm == "instance":
        return layers.GroupNormalization(groups=-1, name=name)
    raise ValueError(f"unknown norm {norm!r}; choose 'batch', 'instance' or 'none'")


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
    output: str = "direct",
) -> keras.Model:
    """The pix2pix U-Net generator.

    With the defaults this is exactly the generator of the Pix2Pix + WGAN-GP low-light
    report: encoder C64 (no batch norm) - C128 - C256 - C512 x 4 (4x4 convolutions, stride 2,
    LeakyReLU 0.2), a bottleneck convolution C512 with ReLU and no batch norm, decoder
    CD512 x 3 - C512 - C256 - C128 - C64 (4x4 transposed convolutions, stride 2, batch norm,
    dropout 0.5 on the first three, concatenation with the mirror encoder layer, ReLU), and
    an output transposed convolution to 3 channels with tanh; N(0, 0.02) initialisation.
    That is 54,429,315 parameters (54,419,459 trainable).

    Taught in notebook 02, section 'The generator: a U-Net from two blocks'.

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
    norm : {"batch", "instance", "none"}
        ``"batch"`` (the report's), ``"instance"`` (each image normalised by its own
        statistics, in training and at inference alike: ``GroupNormalization`` with one
        group per channel, which has no moving statistics to go stale) or ``"none"``
        (no normalisation, as in restoration networks like EDSR: the features keep the
        image's absolute brightness, which an exposure correction needs).
    channels : int
        Image channels.
    name : str
        Model name.
    output : {"direct", "residual", "refine", "curve"}
        The output head (:mod:`lowlight_utils.pix2pix.heads`): ``"direct"`` (the report's
        ``tanh`` image), ``"residual"`` (input + a correction that starts at zero),
        ``"refine"`` (the same with the correction computed by convolutions at full
        resolution) or ``"curve"`` (Zero-DCE curves with predicted parameters, plus a
        residual). The last three start at their input.

    Returns
    -------
    keras.Model
        Maps an image batch in [0, 1] to an image batch in [0, 1] of the same shape.

    References
    ----------
    P. Isola, J.-Y. Zhu, T. Zhou and A. A. Efros, "Image-to-Image Translation with Conditional
    Adversarial Networks", CVPR 2017, section 3.2.1 and appendix 6.1.1 (the U-Net with skips,
    dropout 0.5 in the first three decoder blocks); O. Ronneberger, P. Fischer and T. Brox,
    "U-Net: Convolutional Networks for Biomedical Image Segmentation", MICCAI 2015.

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
    # the head computes in float32: float32 images under a mixed-float16 policy
    outputs = output_head(x, inputs, output, channels, init=_init())
    return keras.Model(inputs, outputs, name=name)


def _disc_block(x, filters, stride, norm, index, padding="same"):
    use_bias = norm is None
    x = layers.Conv2D(filters, 4, stride, padding, use_bias=use_bias,
                      kernel_initializer=_init(), name=f"conv{index}")(x)
    if norm == "batch":
        x = layers.BatchNormalization(name=f"conv{index}_bn")(x)
    elif norm == "layer":
        x = layers.GroupNormalization(groups=1, epsilon=1e-5, name=f"conv{index}_ln")(x)
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

    Taught in notebook 02, section 'The discriminator: a PatchGAN'; notebook 03's critic
    (:func:`lowlight_utils.wgan.critic`) has its layers.

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
        ``"layer"`` normalises each sample over its positions and channels with one scale
        and offset per channel (``GroupNormalization(groups=1)``), so it builds at any size.
    channels : int
        Channels of one image (the input has twice as many).
    name : str, optional

    Returns
    -------
    keras.Model

    References
    ----------
    P. Isola, J.-Y. Zhu, T. Zhou and A. A. Efros, "Image-to-Image Translation with Conditional
    Adversarial Networks", CVPR 2017, section 3.2.2 and appendix 6.1.2 (the 70x70 PatchGAN:
    C64-C128-C256-C512, no batch norm on C64); C. Li and M. Wand, "Precomputed Real-Time
    Texture Synthesis with Markovian Generative Adversarial Networks", ECCV 2016.

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
                x = layers.GroupNormalization(groups=1, epsilon=1e-5, name=f"conv{i}_ln")(x)
            x = layers.LeakyReLU(0.2, name=f"conv{i}_lrelu")(x)
        x = layers.Conv2D(1, 4, 1, "same", kernel_initializer=_init(), name="patch_logits",
                          dtype="float32")(x)  # float32 logits under mixed float16
    else:
        x = _disc_block(x, f, 2, None, 1)
        x = _disc_block(x, 2 * f, 2, norm, 2)
        x = _disc_block(x, 4 * f, 2, norm, 3)
        x = layers.ZeroPadding2D(1, name="pad4")(x)
        x = _disc_block(x, 8 * f, 1, norm, 4, padding="valid")
        x = layers.ZeroPadding2D(1, name="pad5")(x)
        x = layers.Conv2D(1, 4, 1, "valid", kernel_initializer=_init(), name="patch_logits",
                          dtype="float32")(x)  # float32 logits under mixed float16
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
    x = layers.Conv2DTranspose(channels, 3, padding="same", name="tconv3", dtype="float32")(x)
    outputs = layers.Activation("sigmoid", name="sigmoid", dtype="float32")(x)
    return keras.Model(inputs, outputs, name=name)


def receptive_field(network: keras.Model) -> int:
    """Side of the input patch that one output of a plain convolution stack sees.

    Walks the ``Conv2D`` layers (padding layers do not change it) from the output back:
    ``r <- (r - 1) * stride + kernel``.

    Taught in notebook 02, section 'The discriminator: a PatchGAN'.

    Parameters
    ----------
    network : keras.Model
        A stack of ``Conv2D`` layers with square kernels and strides (a PatchGAN).

    Returns
    -------
    int
        The receptive field's side in input pixels.

    Raises
    ------
    ValueError
        If the network has transposed convolutions (a generator, not a plain stack).

    References
    ----------
    P. Isola, J.-Y. Zhu, T. Zhou and A. A. Efros, "Image-to-Image Translation with
    Conditional Adversarial Networks", CVPR 2017, section 3.2.2 and appendix 6.1.2 (the
    70x70 PatchGAN).

    Examples
    --------
    >>> receptive_field(patchgan_discriminator("70x70", image_size=None, base_filters=8))
    70
    """
    if any(isinstance(la, layers.Conv2DTranspose) for la in network.layers):
        raise ValueError("receptive_field is for plain convolution stacks (discriminators)")
    r = 1
    for layer in reversed([la for la in network.layers if isinstance(la, layers.Conv2D)]):
        r = (r - 1) * int(layer.strides[0]) + int(layer.kernel_size[0])
    return r


def stride_of(generator: keras.Model) -> int:
    """Product of the strides of the stride>1 convolutions on the way down."""
    stride = 1
    for layer in generator.layers:
        if isinstance(layer, layers.Conv2D) and not isinstance(layer, layers.Conv2DTranspose):
            stride *= int(layer.strides[0])
    return stride
