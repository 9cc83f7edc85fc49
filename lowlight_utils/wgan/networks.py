"""The WGAN-GP critic: a PatchGAN whose normalisation is chosen for a per-sample penalty.

The gradient penalty holds each sample's gradient norm ``||d critic(x_i) / d x_i||`` to 1.
With batch normalization in the critic a sample's score depends on the other samples of its
batch, so the gradient the penalty sees is not that one (Gulrajani et al., 2017, section 4:
"we omit batch normalization in the critic"; they recommend layer normalization as a
drop-in replacement). Batch statistics also hide a global brightness offset shared by a
batch (every real, fake or interpolated batch is normalised on its own), which is the very
signal a low-light critic must see.

Every normalisation named here works at any image size (``image_size=None``), so the
critic trains on crops and scores whole images alike.
"""

from __future__ import annotations

import keras
from keras import layers

#: The critic normalisations :func:`critic` builds. ``"none"`` is the default (the paper's
#: section 4); ``"layer"`` is the official code's layer norm; ``"batch"`` is the report's.
CRITIC_NORMS = ("none", "layer", "batch")


def check_norm(norm) -> str:
    """``norm`` as one of :data:`CRITIC_NORMS` (``None`` means ``"none"``).

    Raises
    ------
    ValueError
        For any other value, naming the choices.
    """
    value = "none" if norm is None else norm
    if value not in CRITIC_NORMS:
        raise ValueError(f"unknown critic_norm {norm!r}; choose one of {', '.join(CRITIC_NORMS)}")
    return value


def norm_layer(norm: str, name: str):
    """The normalisation layer of a critic block, or ``None`` for ``"none"``.

    ``"layer"`` normalises each sample over all its positions and channels and learns one
    scale and one offset per channel: ``GroupNormalization(groups=1)``, which is what the
    official code's ``Layernorm(name, [1, 2, 3], x)`` computes on NCHW tensors (moments over
    C, H, W; ``offset`` and ``scale`` of length C; epsilon 1e-5). Keras'
    ``LayerNormalization(axis=[1, 2, 3])`` would instead learn a scale per pixel, which ties
    the critic to one image size.
    """
    norm = check_norm(norm)
    if norm == "none":
        return None
    if norm == "layer":
        return layers.GroupNormalization(groups=1, epsilon=1e-5, name=f"{name}_ln")
    return layers.BatchNormalization(name=f"{name}_bn")


def critic(variant: str = "16x16", image_size: int | None = None, base_filters: int = 64,
           norm: str | None = "none", channels: int = 3, name: str = "critic") -> keras.Model:
    """A PatchGAN critic that scores (low-light input, candidate) pairs patch by patch.

    The input is the low-light image and the candidate concatenated on the channel axis
    (``2 * channels`` channels, each in [0, 1], rescaled to [-1, 1] inside); the output is
    one linear score per patch, no activation. The layers are those of
    :func:`lowlight_utils.pix2pix.networks.patchgan_discriminator` (same names and shapes,
    N(0, 0.02) initialisation), with the normalisation chosen here:

    * ``"16x16"``: the Pix2Pix + WGAN-GP low-light report's critic: C64 (no norm) - C128 -
      C256 - C512 with stride 2, C512 stride 1, a 1-filter convolution, "same" padding,
      biases everywhere (6,968,257 parameters with ``norm="batch"``, 16x16 scores at 256).
    * ``"70x70"``: pix2pix's discriminator (C64 - C128 - C256 stride 2, C512 stride 1, a
      1-filter convolution; zero padding 1 before the last two; no bias before a norm).

    Taught in notebook 03, section 'The gradient penalty, written out'.

    Parameters
    ----------
    variant : {"16x16", "70x70"}
    image_size : int or None
        Side of the square input; ``None`` (default) accepts any size, with every ``norm``.
    base_filters : int
        Filters of the first layer; doubled per layer up to 8x.
    norm : {"none", "layer", "batch"} or None
        Normalisation after every convolution but the first and the last (see
        :func:`norm_layer`). ``"none"`` (or ``None``) is the paper's choice.
    channels : int
        Channels of one image (the input has twice as many).
    name : str

    Returns
    -------
    keras.Model
        ``(B, H, W, 2 * channels)`` -> ``(B, h, w, 1)`` float32 patch scores.

    References
    ----------
    Gulrajani, Ahmed, Arjovsky, Dumoulin and Courville, "Improved Training of Wasserstein
    GANs", NeurIPS 2017, section 4 ("No critic batch normalization"). Official code:
    github.com/igul222/improved_wgan_training, ``gan_64x64.py`` (``Normalize``: layer norm in
    the critic when ``MODE == 'wgan-gp'``) and ``tflib/ops/layernorm.py``.

    Examples
    --------
    >>> critic(base_filters=8).output_shape
    (None, None, None, 1)
    """
    if variant not in ("70x70", "16x16"):
        raise ValueError(f"unknown critic variant {variant!r}; choose '16x16' or '70x70'")
    norm = check_norm(norm)
    init = keras.initializers.RandomNormal(stddev=0.02)
    f = base_filters
    inputs = keras.Input((image_size, image_size, 2 * channels), name="low_and_image")
    x = layers.Rescaling(2.0, offset=-1.0, name="to_symmetric")(inputs)

    def block(x, filters, stride, index, use_norm, padding="same", use_bias=True):
        x = layers.Conv2D(filters, 4, stride, padding, use_bias=use_bias,
                          kernel_initializer=init, name=f"conv{index}")(x)
        layer = norm_layer(norm, f"conv{index}") if use_norm else None
        if layer is not None:
            x = layer(x)
        return layers.LeakyReLU(0.2, name=f"conv{index}_lrelu")(x)

    if variant == "16x16":
        x = block(x, f, 2, 1, use_norm=False)
        for i, (mult, stride) in enumerate([(2, 2), (4, 2), (8, 2), (8, 1)], start=2):
            x = block(x, f * mult, stride, i, use_norm=True)
        x = layers.Conv2D(1, 4, 1, "same", kernel_initializer=init, name="patch_logits",
                          dtype="float32")(x)  # float32 scores under mixed float16
    else:
        bias = norm == "none"
        x = block(x, f, 2, 1, use_norm=False, use_bias=True)
        x = block(x, 2 * f, 2, 2, use_norm=True, use_bias=bias)
        x = block(x, 4 * f, 2, 3, use_norm=True, use_bias=bias)
        x = layers.ZeroPadding2D(1, name="pad4")(x)
        x = block(x, 8 * f, 1, 4, use_norm=True, padding="valid", use_bias=bias)
        x = layers.ZeroPadding2D(1, name="pad5")(x)
        x = layers.Conv2D(1, 4, 1, "valid", kernel_initializer=init, name="patch_logits",
                          dtype="float32")(x)
    return keras.Model(inputs, x, name=name)
