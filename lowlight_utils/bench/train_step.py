"""Time one training step of a method and compare its FLOP rate with this machine's matmul peak.

``python -m lowlight_utils.bench train-step --method pix2pix-bce --size 256 --batch 4``

How the FLOPs are counted: analytically, from the shapes of the convolutions (2 FLOPs per
multiply-add; ``Conv2D``: output pixels x output channels x kernel area x input channels;
``Conv2DTranspose``: input pixels x input channels x kernel area x output channels; dense and
depthwise layers likewise). Batch norm, activations, concatenations and the optimizer update
are not counted, so the achieved GFLOP/s is a slight underestimate. A backward pass costs
twice its forward pass (gradients with respect to activations and to weights). For Pix2Pix one
step is: generator forward (G), discriminator forward on the real and the generated pair (2D),
discriminator backward for both (4D), the generator loss's backward through the
discriminator to the generated image (1D, activations only) and through the generator (2G):
3G + 7D in all.

WGAN-GP (critic C, generator G, per image of a sub-batch): each of the ``n_critic`` critic
updates runs the generator forward (G), the critic on the real and the generated pair (2C)
and back (4C), and the gradient penalty: the critic on the interpolates (C), its gradient with
respect to them (C, activations only), and the second backward pass that differentiates
that gradient with respect to the weights, counted as twice the forward-plus-input-gradient
graph it goes back through (4C): 6C, so G + 12C per critic update (G + 6C without a
penalty, the weight-clipping variant). The generator update is G forward, C forward and back
to the image (2C) and G back (2G): 3G + 2C. One step is ``n_critic (G + 12C) + 3G + 2C``.

Zero-DCE (DCE-Net F): forward F, backward 2F; the curve iterations and the four losses are
elementwise (tens of FLOPs per pixel against DCE-Net's ~160,000) and not counted: 3F.
Zero-DCE++ runs its network on the input downscaled by ``train_downscale`` (1, full
resolution, in training).
"""

from __future__ import annotations

import argparse

#: XLA per device. On the course's 2-core CPU the XLA-compiled Pix2Pix step is slower than
#: the plain graph (two runs of this benchmark, 256x256, batch 4: 2831 ms per step with
#: ``--jit on`` against 2124 ms with ``--jit off``, 1.33x; an earlier measurement on the same
#: machine, cited in the course's issue tracker, found 2.5x). The step is almost all
#: convolutions, which the plain graph runs with TensorFlow's oneDNN kernels, while XLA's CPU
#: backend compiles its own, slower, convolution code, and there is little elementwise work
#: left for XLA's fusion to save. On a GPU both paths call cuDNN for the convolutions and XLA
#: fuses the batch-norm, activation and loss ops between them, saving memory traffic, so it
#: is on there.
JIT_BY_DEVICE = {"GPU": True, "CPU": False}


def device_kind() -> str:
    """``"GPU"`` if TensorFlow sees a GPU, else ``"CPU"``."""
    import tensorflow as tf

    return "GPU" if tf.config.list_physical_devices("GPU") else "CPU"


def _fixed_clone(network, size: int):
    """A copy of a functional ``network`` with a fixed (1, size, size, C) input, so every
    layer has concrete shapes."""
    import keras

    channels = network.input_shape[-1]
    return keras.models.clone_model(network, input_tensors=keras.Input((size, size, channels)))


def forward_macs(network, size: int) -> int:
    """Multiply-adds of one forward pass of a functional ``network`` on a size x size image.

    Parameters
    ----------
    network : keras.Model
        A functional model (nested functional models are counted too).
    size : int
        Side of the square input.

    Returns
    -------
    int
        Multiply-adds of the convolution, transposed convolution, depthwise and dense layers.
    """
    from keras import layers

    clone = _fixed_clone(network, size)
    macs = 0
    for layer in clone.layers:
        counted = (layers.Conv2D, layers.Conv2DTranspose, layers.DepthwiseConv2D,
                   layers.SeparableConv2D, layers.Dense)
        if not isinstance(layer, counted):
            continue
        in_shape, out_shape = tuple(layer.input.shape), tuple(layer.output.shape)
        if isinstance(layer, layers.Conv2DTranspose):
            kh, kw = layer.kernel_size
            macs += in_shape[1] * in_shape[2] * in_shape[3] * kh * kw * layer.filters
        elif isinstance(layer, layers.DepthwiseConv2D):
            kh, kw = layer.kernel_size
            macs += out_shape[1] * out_shape[2] * out_shape[3] * kh * kw
        elif isinstance(layer, layers.SeparableConv2D):
            kh, kw = layer.kernel_size
            mid = in_shape[3] * layer.depth_multiplier
            macs += out_shape[1] * out_shape[2] * (mid * kh * kw + mid * layer.filters)
        elif isinstance(layer, layers.Conv2D):
            kh, kw = layer.kernel_size
            macs += out_shape[1] * out_shape[2] * layer.filters * kh * kw * in_shape[3] // layer.groups
        elif isinstance(layer, layers.Dense):
            macs += int(_prod(out_shape[1:-1])) * in_shape[-1] * layer.units
    return int(macs)


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= int(v)
    return out


def train_step_flops(model, size: int, batch: int) -> tuple[int, str]:
    """FLOPs of one training step and a one-line statement of how they were counted.

    Uses ``model.train_step_flops(size, batch)`` when a method defines it; Pix2Pix (3G + 7D),
    WGAN-GP (``n_critic (G + 12C) + 3G + 2C``) and Zero-DCE (3F) are counted here, from the
    layer shapes (see the module docstring).

    Parameters
    ----------
    model : keras.Model
        A built method model (``training.build_method``).
    size : int
        Side of the square training crops.
    batch : int
        Images per update (for WGAN-GP: per critic sub-batch; one step reads ``n_critic``
        such batches).

    Raises
    ------
    NotImplementedError
        For a model this function does not know how to count.
    """
    from lowlight_utils.pix2pix import Pix2Pix
    from lowlight_utils.wgan import WGANGP
    from lowlight_utils.zero_dce import ZeroDCE

    if hasattr(model, "train_step_flops"):
        return model.train_step_flops(size, batch)
    if isinstance(model, Pix2Pix):
        g = forward_macs(model.generator, size)
        d = forward_macs(model.discriminator, size)
        flops = 2 * batch * (3 * g + 7 * d)
        how = (f"conv shapes: G {2 * g / 1e9:.2f} + D {2 * d / 1e9:.2f} GFLOP forward per "
               "image; step = 3G + 7D")
        return flops, how
    if isinstance(model, WGANGP):
        g = forward_macs(model.generator, size)
        c = forward_macs(model.critic, size)
        per_critic = 12 if model.gp_weight > 0 else 6
        flops = 2 * batch * (model.n_critic * (g + per_critic * c) + 3 * g + 2 * c)
        how = (f"conv shapes: G {2 * g / 1e9:.2f} + C {2 * c / 1e9:.2f} GFLOP forward per "
               f"image; step = {model.n_critic} x (G + {per_critic}C) + 3G + 2C")
        return flops, how
    if isinstance(model, ZeroDCE):
        side = max(1, size // int(getattr(model, "train_downscale", 1)))
        f = forward_macs(model.net, side)
        flops = 2 * batch * 3 * f
        how = f"conv shapes: F {2 * f / 1e9:.2f} GFLOP forward per {side}px image; step = 3F"
        return flops, how
    raise NotImplementedError(f"no FLOP count for {type(model).__name__}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--method", default="pix2pix-bce", help="a name from training.METHODS")
    parser.add_argument("--profile", default="full", choices=("quick", "full"),
                        help="network sizes (default: the report's, full)")
    parser.add_argument("--size", type=int, default=256, help="crop side")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5, help="timed steps (median)")
    parser.add_argument("--jit", choices=("auto", "on", "off"), default="auto",
                        help="XLA: auto = per device (GPU on, CPU off)")


def run(args) -> int:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    from lowlight_utils.bench.common import matmul_peak_gflops, timeit
    from lowlight_utils.training import build_method

    device = device_kind()
    jit = JIT_BY_DEVICE[device] if args.jit == "auto" else args.jit == "on"
    model = build_method(args.method, args.profile)
    # WGAN-GP consumes n_critic batches per (generator) step, each on fresh real images
    per_step = args.batch * int(getattr(model, "batches_per_step", 1))
    rng = tf.random.Generator.from_seed(0)
    low = rng.uniform([per_step, args.size, args.size, 3])
    high = rng.uniform([per_step, args.size, args.size, 3])

    def time_step(m):
        step = tf.function(m.train_step, jit_compile=jit)
        return timeit(lambda: float(next(iter(step((low, high)).values()))),
                      repeats=args.repeats, warmup=2)

    seconds = time_step(model)
    print(f"{args.method} ({args.profile} networks), {args.size}x{args.size}, batch "
          f"{args.batch}, {device}, jit_compile={jit}")
    print(f"step time      {seconds * 1e3:.1f} ms (median of {args.repeats}; one generator "
          "update" + (f" and {model.n_critic} critic updates)" if per_step > args.batch else ")"))
    print(f"throughput     {per_step / seconds:.2f} images/s")
    if getattr(model, "gp_weight", 0) > 0:
        # The same step without the penalty: the difference is the double backprop's cost.
        without = time_step(build_method(args.method, args.profile, gp_weight=0.0))
        print(f"without GP     {without * 1e3:.1f} ms per generator step")
        print(f"GP share       {(seconds - without) / seconds:.0%} of a generator step is "
              "spent in the gradient penalty (second backward pass)")
    try:
        flops, how = train_step_flops(model, args.size, args.batch)
    except NotImplementedError as err:
        print(f"FLOPs          not counted ({err})")
        flops = None
    peak = matmul_peak_gflops()
    if flops is not None:
        achieved = flops / seconds / 1e9
        print(f"FLOPs per step {flops / 1e9:.1f} GFLOP ({how})")
        print(f"achieved       {achieved:.1f} GFLOP/s")
    print(f"matmul peak    {peak:.1f} GFLOP/s (fp32, same run)")
    if flops is not None:
        print(f"ratio          {achieved / peak:.0%} of the matmul peak")
    return 0
