"""How the U-Net's last features become an image: four output heads.

* ``"direct"``: the pix2pix paper's head, a transposed convolution and ``tanh``. The network
  draws the whole output image; at initialisation it draws noise around mid-grey.
* ``"residual"``: the input plus a learned correction, ``clip(low + r, 0, 1)``. The
  correction's layer starts at zero, so an untrained generator returns its input exactly and
  training only has to learn what differs (noise, blur). The usual choice for restoration
  networks (DnCNN, Zhang et al. 2017, learns the noise rather than the clean image).
* ``"refine"``: the same residual, computed at full resolution. In the pix2pix U-Net the
  correction sees the input only through the encoder (its first convolution has stride 2),
  and the last layer, a transposed convolution, makes the full-size correction linearly
  from half-size features. Here that transposed convolution makes a few features instead
  (:data:`REFINE_FEATURES`), a 3x3 convolution as wide as the U-Net's first level reads
  them together with the input image itself, and a second 3x3 convolution, started at
  zero, makes the correction. Telling a pixel's noise from its neighbours' signal is
  full-resolution work: on notebook 06's noise task this head gained 0.87 dB over
  ``"residual"`` (three seeds, ``python -m lowlight_utils.bench heads --task noise --output
  refine --seeds 0 1 2``), on blur 0.11 dB (no result).
* ``"curve"``: Zero-DCE's light-enhancement curves with per-pixel parameters predicted by the
  network, ``x <- x + alpha_i * x * (1 - x)`` for ``i = 1..8``, plus a residual for what a
  curve cannot do (a curve maps each pixel on its own, so it cannot remove noise). Both
  start at zero, so it also starts at its input; a curve brightens the darkest pixels by a
  factor (``LE(x) ~ (1 + alpha) x`` near 0) where a residual must add the same value
  everywhere, so exposure is easy to learn.

All four keep the output in [0, 1] and in float32 under a mixed-precision policy.
"""

from __future__ import annotations

import keras
from keras import layers

#: The heads :func:`output_head` builds.
OUTPUTS = ("direct", "residual", "refine", "curve")
#: Curve steps of the ``"curve"`` head (Zero-DCE's n).
CURVE_ITERATIONS = 8
#: Features the ``"refine"`` head's transposed convolution brings to full resolution.
REFINE_FEATURES = 8


@keras.saving.register_keras_serializable(package="lowlight_utils")
class CurveResidual(layers.Layer):
    """``clip(curves(low; alpha) + residual, 0, 1)``: the ``"curve"`` head's last step.

    Called on ``[low, alpha, residual]``: ``low`` (N, H, W, C) in [0, 1], ``alpha``
    (N, H, W, k * C) in [-1, 1] (k curve steps), ``residual`` (N, H, W, C).
    """

    def call(self, inputs):
        import tensorflow as tf

        from ..zero_dce.curves import apply_curves  # Zero-DCE's own curve steps

        low, alpha, residual = inputs
        return tf.clip_by_value(apply_curves(low, alpha) + residual, 0.0, 1.0)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


def output_head(features, low, output: str, channels: int = 3, init=None):
    """The generator's output image from its last decoder features.

    Parameters
    ----------
    features : KerasTensor
        The decoder's last features, at half the input's resolution (the head's transposed
        convolutions upsample by 2).
    low : KerasTensor
        The generator's input image, in [0, 1].
    output : {"direct", "residual", "refine", "curve"}
        See the module docstring.
    channels : int
    init : keras.initializers.Initializer, optional
        Weights of the ``"direct"`` head's convolution (pix2pix: N(0, 0.02)).

    Returns
    -------
    KerasTensor
        Image in [0, 1], float32.
    """
    if output not in OUTPUTS:
        raise ValueError(f"unknown generator output {output!r}; choose one of {OUTPUTS}")

    def upconv(n, name, initializer):
        return layers.Conv2DTranspose(n, 4, 2, "same", kernel_initializer=initializer,
                                      name=name, dtype="float32")(features)

    if output == "direct":
        x = upconv(channels, "output", init or "glorot_uniform")
        x = layers.Activation("tanh", name="tanh", dtype="float32")(x)
        return layers.Rescaling(0.5, offset=0.5, name="to_unit", dtype="float32")(x)
    if output == "refine":
        width = max(1, int(features.shape[-1]) // 2)  # the U-Net's first-level filters
        x = layers.Concatenate(name="refine_with_input", dtype="float32")(
            [upconv(REFINE_FEATURES, "refine_up", "glorot_uniform"), low])
        x = layers.Conv2D(width, 3, padding="same", name="refine_conv", dtype="float32")(x)
        x = layers.LeakyReLU(0.2, name="refine_lrelu", dtype="float32")(x)
        residual = layers.Conv2D(channels, 3, padding="same", kernel_initializer="zeros",
                                 name="residual", dtype="float32")(x)
    else:  # zero-initialised: the untrained generator returns its input exactly
        residual = upconv(channels, "residual", "zeros")
    if output in ("residual", "refine"):
        x = layers.Add(name="input_plus_residual", dtype="float32")([low, residual])
        return layers.ReLU(max_value=1.0, name="clip", dtype="float32")(x)  # clip to [0, 1]
    alpha = upconv(CURVE_ITERATIONS * channels, "curve_params", "zeros")
    alpha = layers.Activation("tanh", name="curve_tanh", dtype="float32")(alpha)
    return CurveResidual(name="curves_plus_residual", dtype="float32")([low, alpha, residual])
