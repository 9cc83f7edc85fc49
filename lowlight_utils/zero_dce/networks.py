"""DCE-Net and Zero-DCE++'s depthwise-separable network: images in, curve maps out."""

from __future__ import annotations

import math

import keras

from .curves import ITERATIONS

#: Multiply-adds per pixel of DCE-Net (32 filters, 8 curve maps): the 3x3 kernels'
#: weights, ``9 * (3*32 + 3 * 32*32 + 2 * 64*32 + 64*24)``; biases and the curve steps are
#: not counted. Notebook 04 recomputes it from the built network's kernels.
DCE_NET_MACS_PER_PIXEL = 79_200


def _torch_bias(fan_in: int):
    """PyTorch's default bias initialiser, U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1.0 / math.sqrt(fan_in)
    return keras.initializers.RandomUniform(-bound, bound)


def _skip_layout(layer, filters: int, out_channels: int, name: str) -> keras.Model:
    """The layout both networks share: layers 1-4 in sequence, then 5, 6 and 7 each see the
    concatenation of the previous output with its mirror (4+3, 5+2, 6+1); tanh output.

    ``layer(n_out, n_in, index, activation="relu")`` returns a callable layer; the tanh
    output layer computes in float32 (``dtype="float32"``), so that under a mixed-float16
    policy the curve maps, the enhanced image and the losses stay float32.
    """
    image = keras.Input((None, None, 3), name="image")
    x1 = layer(filters, 3, 1)(image)
    x2 = layer(filters, filters, 2)(x1)
    x3 = layer(filters, filters, 3)(x2)
    x4 = layer(filters, filters, 4)(x3)
    x5 = layer(filters, 2 * filters, 5)(keras.layers.Concatenate(name="cat34")([x3, x4]))
    x6 = layer(filters, 2 * filters, 6)(keras.layers.Concatenate(name="cat25")([x2, x5]))
    cat = keras.layers.Concatenate(name="cat16")([x1, x6])
    curves = layer(out_channels, 2 * filters, 7, activation="tanh")(cat)
    return keras.Model(image, curves, name=name)


def dce_net(filters: int = 32, iterations: int = ITERATIONS, name: str = "dce_net") -> keras.Model:
    """DCE-Net: seven 3x3 convolutions with symmetric skip concatenations.

    conv1..conv4 run in sequence; conv5 sees [conv3, conv4], conv6 sees [conv2, conv5] and
    conv7 (``3 * iterations`` filters, tanh) sees [conv1, conv6]. No pooling, so any input
    size works and the output has the input's size. Initialisation follows the official
    code: kernels N(0, 0.02), biases PyTorch's default.

    Taught in notebook 04, section 'DCE-Net'.

    Parameters
    ----------
    filters : int
        Width of the hidden layers (32 in the paper).
    iterations : int
        Number of curve maps (8 in the paper).
    name : str

    Returns
    -------
    keras.Model
        ``(N, H, W, 3)`` in [0, 1] -> ``(N, H, W, 3 * iterations)`` curve maps in [-1, 1].

    References
    ----------
    C. Guo, C. Li, J. Guo, C. C. Loy, J. Hou, S. Kwong and R. Cong, "Zero-Reference Deep Curve
    Estimation for Low-Light Image Enhancement", CVPR 2020, section 3.2 (DCE-Net); official code
    github.com/Li-Chongyi/Zero-DCE, ``Zero-DCE_code/model.py`` (``enhance_net_nopool``) and
    ``lowlight_train.py`` (``weights_init``).

    Examples
    --------
    >>> dce_net().count_params()
    79416
    """
    kernel_init = keras.initializers.RandomNormal(0.0, 0.02)

    def conv(n_out, n_in, idx, activation="relu"):
        return keras.layers.Conv2D(
            n_out, 3, padding="same", activation=activation, kernel_initializer=kernel_init,
            bias_initializer=_torch_bias(9 * n_in), name=f"conv{idx}",
            dtype="float32" if activation == "tanh" else None,  # the output: float32
        )

    return _skip_layout(conv, filters, 3 * iterations, name)


def dce_net_plusplus(filters: int = 32, name: str = "dce_net_plusplus") -> keras.Model:
    """Zero-DCE++'s network: DCE-Net's layout with depthwise-separable layers, 3 outputs.

    Each layer is a 3x3 depthwise convolution (with bias) followed by a 1x1 convolution,
    as in the official ``CSDN_Tem``; initialisation is PyTorch's default, which the official
    Zero-DCE++ training keeps (for the depthwise kernels PyTorch's fan-in is 9, one input
    channel per group; Keras would count 9 x channels).

    Taught in notebook 04, section 'DCE-Net'.

    Parameters
    ----------
    filters : int
        Width of the hidden layers (32 in the paper).
    name : str

    Returns
    -------
    keras.Model
        ``(N, h, w, 3)`` -> ``(N, h, w, 3)``: one curve map, reused for every iteration.

    References
    ----------
    C. Li, C. Guo and C. C. Loy, "Learning to Enhance Low-Light Image via Zero-Reference Deep
    Curve Estimation", IEEE TPAMI 2021; official code github.com/Li-Chongyi/Zero-DCE_extension,
    ``Zero-DCE++/model.py`` (``CSDN_Tem``, ``enhance_net_nopool``).

    Examples
    --------
    >>> dce_net_plusplus().count_params()
    10561
    """
    torch_default = keras.initializers.VarianceScaling(1.0 / 3.0, "fan_in", "uniform")
    # PyTorch's default bound 1/sqrt(fan_in) with fan_in = 3 * 3 for a grouped 3x3 kernel
    torch_depthwise = keras.initializers.RandomUniform(-1.0 / 3.0, 1.0 / 3.0)

    def layer(n_out, n_in, idx, activation="relu"):
        def apply(x):
            x = keras.layers.DepthwiseConv2D(
                3, padding="same", depthwise_initializer=torch_depthwise,
                bias_initializer=_torch_bias(9), name=f"dwconv{idx}",
            )(x)
            return keras.layers.Conv2D(
                n_out, 1, activation=activation, kernel_initializer=torch_default,
                bias_initializer=_torch_bias(n_in), name=f"pwconv{idx}",
                dtype="float32" if activation == "tanh" else None,  # the output: float32
            )(x)

        return apply

    return _skip_layout(layer, filters, 3, name)
