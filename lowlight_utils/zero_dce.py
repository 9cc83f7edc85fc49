"""Zero-DCE: brighten a photograph with pixel-wise curves learned without reference images.

Zero-DCE (Guo et al., CVPR 2020) does not predict pixels. A small network, DCE-Net, looks at
the dark image and predicts, for every pixel and colour channel, the parameter ``alpha`` of a
quadratic *light-enhancement curve*

    LE(x) = x + alpha * x * (1 - x),        alpha in [-1, 1],

which maps [0, 1] onto [0, 1], is monotonic, and brightens for ``alpha > 0`` (darkens for
``alpha < 0``). Applying eight such curves one after another (each with its own map) gives a
curve flexible enough to lift deep shadows while leaving highlights alone.

Sign convention: this module uses the paper's ``x + alpha * x * (1 - x)``. The official code
writes ``x + r * (x**2 - x)``, i.e. ``r = -alpha``; a network trained with one convention
works with the other after negating its last layer.

Training needs no normal-light references: four non-reference losses judge the output alone
(:func:`spatial_consistency_loss`, :func:`exposure_loss`, :func:`color_constancy_loss`,
:func:`illumination_smoothness_loss`), weighted 1 / 10 / 5 / 200 as in the official code's
``lowlight_train.py`` (``LOSS_WEIGHTS``). The paper writes some losses in other forms
(|Y - E| for exposure, squared channel differences for colour, (|grad x| + |grad y|)^2 for
smoothness); the course follows the official code, which is what produced the published
numbers. Not reproduced: the official Adam's coupled L2 weight decay of 1e-4 (Keras' decay is
decoupled, so it would not be the same thing; its effect is small).

:class:`ZeroDCE` wraps DCE-Net (79,416 parameters) in a ``keras.Model`` whose ``train_step``
uses only the low-light image; :class:`ZeroDCEPlusPlus` is the fast Zero-DCE++ variant
(10,561 parameters: depthwise-separable convolutions, one 3-channel curve map reused for
all eight steps, curves estimated on a downscaled copy and upsampled back).

Both models map an image batch in [0, 1] of any size to the enhanced batch in [0, 1]. At
inference the curve steps (and Zero-DCE++'s bilinear upsampling of the curve maps) run as one
XLA-fused kernel, so the full-resolution part reads each pixel once instead of ~30 times.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

#: Number of curve applications (the paper's n).
ITERATIONS = 8

#: Loss weights of the official code (``lowlight_train.py``).
LOSS_WEIGHTS = {"smoothness": 200.0, "spatial": 1.0, "color": 5.0, "exposure": 10.0}

#: Zero-DCE++'s official training weights (its smoothness weight is 1600).
PLUSPLUS_LOSS_WEIGHTS = {"smoothness": 1600.0, "spatial": 1.0, "color": 5.0, "exposure": 10.0}

#: Official gradient clipping: ``clip_grad_norm(parameters, 0.1)``, a global-norm clip.
GRAD_CLIP_NORM = 0.1

#: Zero-DCE++ with ``downscale="auto"`` estimates curves with the longest side near this.
AUTO_ESTIMATION_SIDE = 100

SMOOTHNESS_NORMALIZATIONS = ("official", "keras-example")

#: The paper's loss ablation: drop one loss at a time (``loss_weights`` overrides).
ABLATIONS = {
    "all four losses": {},
    "without spatial": {"spatial": 0.0},
    "without exposure": {"exposure": 0.0},
    "without colour": {"color": 0.0},
    "without smoothness": {"smoothness": 0.0},
}

#: Method-specific sizes per profile. ``full`` is the Zero-DCE report's setup (256 px,
#: batch 16, Adam 1e-4, 70 epochs); ``quick`` is sized for minutes on a 2-core CPU and uses a
#: larger learning rate (1e-3) so that 150 steps are enough. ``ablation_*`` size the short
#: runs of notebook 04's loss ablation.
PROFILE_SETTINGS = {
    "quick": {
        "crop": 64,
        "batch_size": 8,
        "epochs": 5,
        "steps_per_epoch": 30,
        "learning_rate": 1e-3,
        "ablation_steps": 30,
        "ablation_batch_size": 4,
    },
    "full": {
        "crop": 256,
        "batch_size": 16,
        "epochs": 70,
        "steps_per_epoch": None,
        "learning_rate": 1e-4,
        "ablation_steps": 2000,
        "ablation_batch_size": 8,
    },
}

_TRAINING_KEYS = (
    "crop", "batch_size", "epochs", "steps_per_epoch", "ablation_steps", "ablation_batch_size"
)


# --------------------------------------------------------------------------------------
# Curves


def le_curve(x, alpha):
    """One light-enhancement curve, ``LE(x) = x + alpha * x * (1 - x)``.

    Works on NumPy arrays, tensors and scalars alike.

    Parameters
    ----------
    x : array_like
        Values in [0, 1].
    alpha : array_like
        Curve parameter in [-1, 1], broadcast against ``x``; positive brightens.

    Returns
    -------
    array_like
        Values in [0, 1] (for ``x`` in [0, 1] and ``|alpha| <= 1``).

    Examples
    --------
    >>> float(le_curve(0.25, 1.0))
    0.4375
    """
    return x + alpha * x * (1.0 - x)


def _curve_maps(curves, iterations: int | None):
    channels = curves.shape[-1]
    if channels is None or channels % 3:
        raise ValueError(f"curve maps need 3 * k channels, got shape {curves.shape}")
    if channels == 3:
        return [curves] * (ITERATIONS if iterations is None else iterations)
    if iterations is not None and iterations != channels // 3:
        raise ValueError(f"{channels} curve channels hold {channels // 3} maps, not {iterations}")
    return [curves[..., 3 * i : 3 * i + 3] for i in range(channels // 3)]


def apply_curves(image, curves, iterations: int | None = None):
    """Apply the curve maps one after another: ``x <- x + alpha_n * x * (1 - x)``.

    Parameters
    ----------
    image : tensor, shape (N, H, W, 3)
        Low-light images in [0, 1].
    curves : tensor, shape (N, H, W, 3 * k)
        ``k`` three-channel maps of ``alpha`` (Zero-DCE: k = 8, applied in order), or a single
        three-channel map reused ``iterations`` times (Zero-DCE++).
    iterations : int, optional
        Number of steps for a single reused map (default 8); must equal ``k`` otherwise.

    Returns
    -------
    tensor, shape (N, H, W, 3)
        The enhanced images.

    Examples
    --------
    >>> x = tf.fill([1, 1, 1, 3], 0.25)
    >>> round(float(apply_curves(x, tf.ones([1, 1, 1, 3]), iterations=1)[0, 0, 0, 0]), 4)
    0.4375
    """
    x = tf.convert_to_tensor(image)
    for alpha in _curve_maps(tf.convert_to_tensor(curves), iterations):
        x = le_curve(x, alpha)
    return x


def _fast_curves(x, alpha_maps):
    """The curve steps written as ``x * ((1 + a) - a * x)``: two multiplies and a subtract."""
    for alpha in alpha_maps:
        x = x * ((1.0 + alpha) - alpha * x)
    return tf.clip_by_value(x, 0.0, 1.0)


def upsample_bilinear(maps, height, width):
    """Bilinear resize of ``maps`` to ``(height, width)`` written as two gathers and lerps.

    Same sampling as ``tf.image.resize(..., "bilinear")`` (half-pixel centres; the official
    Zero-DCE++ uses PyTorch's ``UpsamplingBilinear2d``, i.e. align_corners=True, a
    sub-pixel difference), but made of
    gathers and elementwise arithmetic that XLA fuses with the curve steps, so the
    full-resolution curve map is never written to memory.

    Parameters
    ----------
    maps : tensor, shape (N, h, w, C)
    height, width : int or scalar tensor

    Returns
    -------
    tensor, shape (N, height, width, C)
    """

    def along(a, out, axis):
        n = tf.shape(a)[axis]
        scale = tf.cast(n, tf.float32) / tf.cast(out, tf.float32)
        pos = (tf.cast(tf.range(out), tf.float32) + 0.5) * scale - 0.5
        pos = tf.clip_by_value(pos, 0.0, tf.cast(n - 1, tf.float32))
        lo = tf.cast(tf.floor(pos), tf.int32)
        hi = tf.minimum(lo + 1, n - 1)
        weight = pos - tf.cast(lo, tf.float32)
        weight = tf.reshape(weight, [1, -1, 1, 1] if axis == 1 else [1, 1, -1, 1])
        return tf.gather(a, lo, axis=axis) * (1.0 - weight) + tf.gather(a, hi, axis=axis) * weight

    return along(along(maps, height, 1), width, 2)


@tf.function(jit_compile=True, reduce_retracing=True)
def _fused_enhance(image, curves):
    """Zero-DCE inference tail: 8 curve steps in one XLA kernel."""
    return _fast_curves(image, _curve_maps(curves, None))


@tf.function(jit_compile=True, reduce_retracing=True)
def _fused_upsample_enhance(image, small_curves, iterations):
    """Zero-DCE++ inference tail: upsample the 3-channel map and apply it, in one kernel."""
    shape = tf.shape(image)
    alpha = upsample_bilinear(small_curves, shape[1], shape[2])
    return _fast_curves(image, [alpha] * iterations)


# --------------------------------------------------------------------------------------
# Networks


def _torch_bias(fan_in: int):
    """PyTorch's default bias initialiser, U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1.0 / math.sqrt(fan_in)
    return keras.initializers.RandomUniform(-bound, bound)


def dce_net(filters: int = 32, iterations: int = ITERATIONS, name: str = "dce_net") -> keras.Model:
    """DCE-Net: seven 3x3 convolutions with symmetric skip concatenations.

    conv1..conv4 run in sequence; conv5 sees [conv3, conv4], conv6 sees [conv2, conv5] and
    conv7 (``3 * iterations`` filters, tanh) sees [conv1, conv6]. No pooling, so any input
    size works and the output has the input's size. Initialisation follows the official
    code: kernels N(0, 0.02), biases PyTorch's default.

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
        )

    image = keras.Input((None, None, 3), name="image")
    x1 = conv(filters, 3, 1)(image)
    x2 = conv(filters, filters, 2)(x1)
    x3 = conv(filters, filters, 3)(x2)
    x4 = conv(filters, filters, 4)(x3)
    x5 = conv(filters, 2 * filters, 5)(keras.layers.Concatenate(name="cat34")([x3, x4]))
    x6 = conv(filters, 2 * filters, 6)(keras.layers.Concatenate(name="cat25")([x2, x5]))
    cat = keras.layers.Concatenate(name="cat16")([x1, x6])
    curves = conv(3 * iterations, 2 * filters, 7, activation="tanh")(cat)
    return keras.Model(image, curves, name=name)


def dce_net_plusplus(filters: int = 32, name: str = "dce_net_plusplus") -> keras.Model:
    """Zero-DCE++'s network: DCE-Net's layout with depthwise-separable layers, 3 outputs.

    Each layer is a 3x3 depthwise convolution (with bias) followed by a 1x1 convolution,
    as in the official ``CSDN_Tem``; initialisation is PyTorch's default, which the official
    Zero-DCE++ training keeps (for the depthwise kernels PyTorch's fan-in is 9, one input
    channel per group; Keras would count 9 x channels).

    Parameters
    ----------
    filters : int
        Width of the hidden layers (32 in the paper).
    name : str

    Returns
    -------
    keras.Model
        ``(N, h, w, 3)`` -> ``(N, h, w, 3)``: one curve map, reused for every iteration.

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
            )(x)

        return apply

    image = keras.Input((None, None, 3), name="image")
    x1 = layer(filters, 3, 1)(image)
    x2 = layer(filters, filters, 2)(x1)
    x3 = layer(filters, filters, 3)(x2)
    x4 = layer(filters, filters, 4)(x3)
    x5 = layer(filters, 2 * filters, 5)(keras.layers.Concatenate(name="cat34")([x3, x4]))
    x6 = layer(filters, 2 * filters, 6)(keras.layers.Concatenate(name="cat25")([x2, x5]))
    cat = keras.layers.Concatenate(name="cat16")([x1, x6])
    curves = layer(3, 2 * filters, 7, activation="tanh")(cat)
    return keras.Model(image, curves, name=name)


# --------------------------------------------------------------------------------------
# The four non-reference losses


def _neighbour_differences(p):
    """Differences of each cell to its left, right, upper and lower neighbour (zero outside).

    The zero border is the official code's ``conv2d(..., padding=1)``.
    """
    padded = tf.pad(p, [[0, 0], [1, 1], [1, 1], [0, 0]])
    centre = padded[:, 1:-1, 1:-1, :]
    return (
        centre - padded[:, 1:-1, :-2, :],
        centre - padded[:, 1:-1, 2:, :],
        centre - padded[:, :-2, 1:-1, :],
        centre - padded[:, 2:, 1:-1, :],
    )


def spatial_consistency_loss(original, enhanced, region: int = 4):
    """Spatial consistency: neighbouring regions keep their contrast.

    Both images are averaged over channels and over ``region x region`` blocks; each block's
    differences to its 4 neighbours in the input must match those in the output:
    ``mean over blocks of sum_j (D_in(i, j) - D_out(i, j))**2``. As in the official code the
    blocks at the border are compared with zero outside the image, and the paper's absolute
    values are not taken.

    Parameters
    ----------
    original, enhanced : tensor, shape (N, H, W, 3)
    region : int
        Block size (4 in the paper).

    Returns
    -------
    scalar tensor
    """
    pool = [1, region, region, 1]
    p_in = tf.nn.avg_pool2d(tf.reduce_mean(original, -1, keepdims=True), pool, pool, "VALID")
    p_out = tf.nn.avg_pool2d(tf.reduce_mean(enhanced, -1, keepdims=True), pool, pool, "VALID")
    pairs = zip(_neighbour_differences(p_in), _neighbour_differences(p_out), strict=True)
    terms = [tf.square(d_in - d_out) for d_in, d_out in pairs]
    return tf.reduce_mean(tf.add_n(terms))


def exposure_loss(enhanced, target: float = 0.6, patch: int = 16):
    """Exposure control: every ``patch x patch`` block's mean intensity should be ``target``.

    Parameters
    ----------
    enhanced : tensor, shape (N, H, W, 3)
    target : float
        Well-exposedness level E (0.6 in the paper).
    patch : int
        Block size (16 in the paper); incomplete blocks at the edges are dropped.

    Returns
    -------
    scalar tensor
        ``mean over blocks of (block mean - target)**2``.
    """
    size = [1, patch, patch, 1]
    means = tf.nn.avg_pool2d(tf.reduce_mean(enhanced, -1, keepdims=True), size, size, "VALID")
    return tf.reduce_mean(tf.square(means - target))


def color_constancy_loss(enhanced):
    """Colour constancy (grey world): the three channel means should agree.

    As in the official code, with ``d_pq = (mean_p - mean_q)**2`` per image the loss is
    ``sqrt(d_rg**2 + d_rb**2 + d_gb**2)``, averaged over the batch. The square root has a
    finite (zero) gradient for a perfectly grey image.

    Parameters
    ----------
    enhanced : tensor, shape (N, H, W, 3)

    Returns
    -------
    scalar tensor
    """
    means = tf.reduce_mean(enhanced, axis=(1, 2))
    r, g, b = means[:, 0], means[:, 1], means[:, 2]
    total = tf.square(tf.square(r - g)) + tf.square(tf.square(r - b)) + tf.square(tf.square(g - b))
    positive = total > 0
    root = tf.sqrt(tf.where(positive, total, tf.ones_like(total)))
    return tf.reduce_mean(tf.where(positive, root, tf.zeros_like(total)))


def illumination_smoothness_loss(curves, normalization: str = "official"):
    """Illumination smoothness: total variation of the curve maps.

    ``2 * (h_tv / count_h + w_tv / count_w) / N`` with ``h_tv``, ``w_tv`` the summed squared
    vertical and horizontal differences over all maps.

    Parameters
    ----------
    curves : tensor, shape (N, H, W, C)
        The curve maps (C = 24 for Zero-DCE, 3 for Zero-DCE++).
    normalization : {"official", "keras-example"}
        ``"official"``: the official (NCHW) code's counts, ``count_h = (H - 1) * W`` and
        ``count_w = H * (W - 1)``. ``"keras-example"``: the widely copied Keras example, which
        reads NHWC dimensions as if they were NCHW and so uses ``count_h = (W - 1) * C`` and
        ``count_w = W * (C - 1)``; about 11x larger at 256x256x24, which over-smooths.

    Returns
    -------
    scalar tensor
    """
    if normalization not in SMOOTHNESS_NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {SMOOTHNESS_NORMALIZATIONS}, got {normalization!r}"
        )
    shape = tf.shape(curves)
    n, h, w, c = (tf.cast(shape[i], tf.float32) for i in range(4))
    h_tv = tf.reduce_sum(tf.square(curves[:, 1:, :, :] - curves[:, :-1, :, :]))
    w_tv = tf.reduce_sum(tf.square(curves[:, :, 1:, :] - curves[:, :, :-1, :]))
    if normalization == "official":
        count_h, count_w = (h - 1.0) * w, h * (w - 1.0)
    else:
        count_h, count_w = (w - 1.0) * c, w * (c - 1.0)
    return 2.0 * (h_tv / count_h + w_tv / count_w) / n


# --------------------------------------------------------------------------------------
# Models

_LOSS_NAMES = ("smoothness", "spatial", "color", "exposure")


def _low_image(data):
    """The low-light image of a batch: ``(low, high)``, ``(low,)`` or just ``low``."""
    return data[0] if isinstance(data, (tuple, list)) else data


@keras.saving.register_keras_serializable(package="lowlight_utils")
class ZeroDCE(keras.Model):
    """Zero-DCE as a ``keras.Model``: DCE-Net + curves, trained with the four losses.

    Calling the model maps images in [0, 1] (any size) to enhanced images in [0, 1].
    ``fit`` uses only the low-light image of each ``(low, high)`` batch and reports the total
    loss and each unweighted term (``smoothness_loss``, ``spatial_loss``, ``color_loss``,
    ``exposure_loss``); validation also reports ``psnr`` and ``ssim`` against the reference.

    Parameters
    ----------
    filters : int
        DCE-Net width (32 in the paper).
    iterations : int
        Number of curve steps (8).
    loss_weights : dict, optional
        Overrides of ``LOSS_WEIGHTS``; a weight of 0 drops that loss (the paper's ablation).
    smoothness_normalization : {"official", "keras-example"}
        See :func:`illumination_smoothness_loss`.
    exposure_target : float
        E of the exposure loss (0.6).
    exposure_patch : int
        Block size of the exposure loss (16).
    fused_inference : bool
        Run the curve steps as one XLA kernel at inference (``training=False``).

    Examples
    --------
    >>> model = ZeroDCE()
    >>> model(tf.zeros([1, 37, 53, 3])).shape
    TensorShape([1, 37, 53, 3])
    """

    #: The network has no pooling: any input size works unpadded.
    size_multiple = 1
    default_loss_weights = LOSS_WEIGHTS

    def __init__(
        self,
        filters: int = 32,
        iterations: int = ITERATIONS,
        loss_weights: dict | None = None,
        smoothness_normalization: str = "official",
        exposure_target: float = 0.6,
        exposure_patch: int = 16,
        fused_inference: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        unknown = set(loss_weights or {}) - set(_LOSS_NAMES)
        if unknown:
            raise ValueError(f"unknown loss names {sorted(unknown)}; use {_LOSS_NAMES}")
        if smoothness_normalization not in SMOOTHNESS_NORMALIZATIONS:
            raise ValueError(
                f"smoothness_normalization must be one of {SMOOTHNESS_NORMALIZATIONS}, "
                f"got {smoothness_normalization!r}"
            )
        self.filters = filters
        self.iterations = iterations
        self.loss_weights = {**self.default_loss_weights, **(loss_weights or {})}
        self.smoothness_normalization = smoothness_normalization
        self.exposure_target = exposure_target
        self.exposure_patch = exposure_patch
        self.fused_inference = fused_inference
        self.net = self._make_network()
        self.built = True  # the network has its weights already; nothing depends on input shape
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("loss", *(f"{k}_loss" for k in _LOSS_NAMES), "psnr", "ssim")
        }

    def _make_network(self) -> keras.Model:
        return dce_net(self.filters, self.iterations)

    def build(self, input_shape=None):
        """Nothing to do: the network is built on creation, for any input shape."""
        self.built = True

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            filters=self.filters,
            iterations=self.iterations,
            loss_weights=dict(self.loss_weights),
            smoothness_normalization=self.smoothness_normalization,
            exposure_target=self.exposure_target,
            exposure_patch=self.exposure_patch,
            fused_inference=self.fused_inference,
        )
        return config

    # -- forward -----------------------------------------------------------------------

    def estimate_curves(self, images, training: bool = False):
        """Curve maps at the images' resolution, ``(N, H, W, 3 * iterations)``."""
        return self.net(images, training=training)

    def enhance_with(self, images, curves):
        """Apply this model's curve maps to ``images`` (the differentiable path)."""
        return apply_curves(images, curves)

    def call(self, inputs, training: bool = False):
        images = tf.convert_to_tensor(inputs, tf.float32)
        curves = self.estimate_curves(images, training=training)
        if self.fused_inference and not training:
            return _fused_enhance(images, curves)
        return self.enhance_with(images, curves)

    # -- losses ------------------------------------------------------------------------

    def loss_terms(self, low, curves, enhanced) -> dict:
        """The four unweighted losses for one batch, keyed by name."""
        return {
            "smoothness": illumination_smoothness_loss(curves, self.smoothness_normalization),
            "spatial": spatial_consistency_loss(low, enhanced),
            "color": color_constancy_loss(enhanced),
            "exposure": exposure_loss(enhanced, self.exposure_target, self.exposure_patch),
        }

    def total_loss(self, terms: dict):
        """``sum(weight * term)`` with this model's ``loss_weights``."""
        return tf.add_n([self.loss_weights[k] * terms[k] for k in _LOSS_NAMES])

    def _forward_losses(self, low, training: bool):
        curves = self.estimate_curves(low, training=training)
        enhanced = self.enhance_with(low, curves)
        terms = self.loss_terms(low, curves, enhanced)
        return enhanced, terms, self.total_loss(terms)

    # -- fit / evaluate ----------------------------------------------------------------

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _record(self, total, terms) -> None:
        self.trackers["loss"].update_state(total)
        for k in _LOSS_NAMES:
            self.trackers[f"{k}_loss"].update_state(terms[k])

    def _results(self, names) -> dict:
        return {n: self.trackers[n].result() for n in names}

    def train_step(self, data):
        low = tf.convert_to_tensor(_low_image(data), tf.float32)
        with tf.GradientTape() as tape:
            _, terms, total = self._forward_losses(low, training=True)
        variables = self.net.trainable_variables
        grads = tape.gradient(total, variables)
        self.optimizer.apply_gradients(zip(grads, variables, strict=True))
        self._record(total, terms)
        return self._results(["loss", *(f"{k}_loss" for k in _LOSS_NAMES)])

    def test_step(self, data):
        low = tf.convert_to_tensor(_low_image(data), tf.float32)
        enhanced, terms, total = self._forward_losses(low, training=False)
        self._record(total, terms)
        names = ["loss", *(f"{k}_loss" for k in _LOSS_NAMES)]
        if isinstance(data, (tuple, list)) and len(data) > 1:
            high = tf.convert_to_tensor(data[1], tf.float32)
            enhanced = tf.clip_by_value(enhanced, 0.0, 1.0)  # what calling the model returns
            self.trackers["psnr"].update_state(tf.image.psnr(enhanced, high, max_val=1.0))
            self.trackers["ssim"].update_state(tf.image.ssim(enhanced, high, max_val=1.0))
            names += ["psnr", "ssim"]
        return self._results(names)


@keras.saving.register_keras_serializable(package="lowlight_utils")
class ZeroDCEPlusPlus(ZeroDCE):
    """Zero-DCE++: a 10,561-parameter network run on a downscaled copy, one curve map.

    The network sees the input downscaled by ``downscale`` (bilinear); its single 3-channel
    curve map is upsampled (bilinear) back to full resolution and applied ``iterations``
    times. Training follows the official code: full resolution (``train_downscale=1``) and a
    smoothness weight of 1600.

    Parameters
    ----------
    downscale : int or "auto"
        Factor for curve estimation at inference. ``"auto"`` picks
        ``ceil(longest side / 100)``: 12 for 1200x900 (the paper's setting), 6 for LOL's
        600x400, 1 for training crops. (The official test script uses a fixed factor of 12
        and crops images to a multiple of it; pass ``downscale=12`` for that.)
    train_downscale : int
        Factor used by ``fit`` (1, as in the official training).
    **kwargs
        As :class:`ZeroDCE`.

    Examples
    --------
    >>> model = ZeroDCEPlusPlus()
    >>> model.net.count_params()
    10561
    >>> model(tf.zeros([1, 90, 120, 3])).shape
    TensorShape([1, 90, 120, 3])
    """

    default_loss_weights = PLUSPLUS_LOSS_WEIGHTS

    def __init__(self, downscale: int | str = "auto", train_downscale: int = 1, **kwargs):
        if not (downscale == "auto" or (isinstance(downscale, int) and downscale >= 1)):
            raise ValueError(f"downscale must be a positive int or 'auto', got {downscale!r}")
        if not (isinstance(train_downscale, int) and train_downscale >= 1):
            raise ValueError(f"train_downscale must be a positive int, got {train_downscale!r}")
        self.downscale = downscale
        self.train_downscale = train_downscale
        super().__init__(**kwargs)

    def _make_network(self) -> keras.Model:
        return dce_net_plusplus(self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(downscale=self.downscale, train_downscale=self.train_downscale)
        return config

    def _factor(self, training: bool):
        return self.train_downscale if training else self.downscale

    def _factor_tensor(self, height, width, training: bool):
        factor = self._factor(training)
        if factor == "auto":
            longest = tf.maximum(height, width)
            return tf.maximum(1, (longest + AUTO_ESTIMATION_SIDE - 1) // AUTO_ESTIMATION_SIDE)
        return tf.constant(factor, tf.int32)

    def small_curves(self, images, training: bool = False):
        """The network's 3-channel curve map at the downscaled resolution."""
        if self._factor(training) == 1:
            return self.net(images, training=training)
        shape = tf.shape(images)
        factor = self._factor_tensor(shape[1], shape[2], training)
        small = tf.image.resize(images, [-(-shape[1] // factor), -(-shape[2] // factor)])
        return self.net(small, training=training)

    def estimate_curves(self, images, training: bool = False):
        """The curve map upsampled to the images' resolution, ``(N, H, W, 3)``."""
        small = self.small_curves(images, training=training)
        if self._factor(training) == 1:
            return small
        shape = tf.shape(images)
        return upsample_bilinear(small, shape[1], shape[2])

    def enhance_with(self, images, curves):
        return apply_curves(images, curves, self.iterations)

    def call(self, inputs, training: bool = False):
        images = tf.convert_to_tensor(inputs, tf.float32)
        if self.fused_inference and not training:
            small = self.small_curves(images)
            return _fused_upsample_enhance(images, small, self.iterations)
        return self.enhance_with(images, self.estimate_curves(images, training=training))


# --------------------------------------------------------------------------------------
# Factory for the training CLI

METHODS = {"zero-dce": ZeroDCE, "zero-dce++": ZeroDCEPlusPlus}


def build(profile=None, variant: str = "zero-dce", **overrides) -> ZeroDCE:
    """A compiled Zero-DCE (or Zero-DCE++) for a profile.

    Parameters
    ----------
    profile : Profile, str or None
        A :class:`lowlight_utils.config.Profile`, a profile name, or None for
        ``get_profile()``; selects ``PROFILE_SETTINGS[profile.name]``.
    variant : {"zero-dce", "zero-dce++"}
    **overrides
        ``learning_rate``, ``clipnorm`` (default 0.1, the official global-norm clip),
        ``jit_compile`` (Keras' ``"auto"`` by default: XLA on a GPU, not on a CPU, where
        compiling costs more than it saves in short runs) and any
        model argument (``loss_weights``, ``smoothness_normalization``, ``filters``, ...).
        Training sizes (``crop``, ``batch_size``, ``epochs``, ``steps_per_epoch``) are
        accepted and ignored here: they are for the data pipeline.

    Returns
    -------
    ZeroDCE
        Compiled with Adam and global-norm gradient clipping.

    Examples
    --------
    >>> build("quick").optimizer.global_clipnorm
    0.1
    """
    from .config import Profile, get_profile

    if variant not in METHODS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {sorted(METHODS)}")
    if not isinstance(profile, Profile):
        profile = get_profile(profile)
    settings = {**PROFILE_SETTINGS[profile.name], **overrides}
    learning_rate = settings.pop("learning_rate")
    clipnorm = settings.pop("clipnorm", GRAD_CLIP_NORM)
    jit_compile = settings.pop("jit_compile", "auto")
    for key in _TRAINING_KEYS:
        settings.pop(key, None)
    model = METHODS[variant](**settings)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate, global_clipnorm=clipnorm),
        jit_compile=jit_compile,
    )
    return model


def build_plusplus(profile=None, **overrides) -> ZeroDCEPlusPlus:
    """A compiled Zero-DCE++ for a profile: ``build(profile, variant="zero-dce++", ...)``."""
    return build(profile, variant="zero-dce++", **overrides)
