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

``--compare-plain`` (Pix2Pix): the course's step as ``fit()`` runs it (Keras' train function)
against the TensorFlow pix2pix tutorial's plain ``tf.function`` step on the same networks,
with Keras' stock ``Adam`` as the tutorial has it, alternated, once they are seen to compute
the same losses and update from the same start.
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


#: The losses both Pix2Pix steps return and :func:`same_step_check` compares.
LOSSES = ("d_loss", "g_loss", "g_gan", "g_l1")
#: Largest loss and update differences (:func:`same_step_check`) of two steps that still
#: count as one computation in float32 (other kernels, other summation orders).
LOSS_TOLERANCE, UPDATE_TOLERANCE = 1e-4, 1e-3


def plain_pix2pix_step(model, jit: bool = False):
    """The TensorFlow pix2pix tutorial's training step on ``model``'s two networks.

    A ``tf.function``: generator forward, discriminator on the real and the generated pair,
    ``BinaryCrossentropy(from_logits=True)`` + ``l1_weight`` x L1, two tapes, two
    ``apply_gradients`` with fresh Keras ``Adam`` optimizers of ``model``'s settings (the
    tutorial's; the course's ``FusedAdam`` makes the same update in one kernel per variable).
    No metrics, no distribution strategy, no loss scaling.

    Parameters
    ----------
    model : lowlight_utils.pix2pix.Pix2Pix
        A compiled Pix2Pix; its ``generator`` and ``discriminator`` are trained in place.
    jit : bool
        ``jit_compile`` of the ``tf.function``.

    Returns
    -------
    callable
        ``step(low, high)`` -> dict of :data:`LOSSES`, each a scalar tensor.
    """
    import keras
    import tensorflow as tf

    from lowlight_utils._shared.fused_adam import stock_adam

    gen, disc = model.generator, model.discriminator
    g_opt, d_opt = map(stock_adam, (model.generator_optimizer, model.discriminator_optimizer))
    g_opt.build(gen.trainable_variables)
    d_opt.build(disc.trainable_variables)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    gan_weight, l1_weight = model.gan_weight, model.l1_weight

    @tf.function(jit_compile=jit)
    def step(low, high):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = gen(low, training=True)
            real_logits = disc(tf.concat([low, high], -1), training=True)
            fake_logits = disc(tf.concat([low, fake], -1), training=True)
            g_gan = bce(tf.ones_like(fake_logits), fake_logits)
            g_l1 = tf.reduce_mean(tf.abs(high - fake))
            g_loss = gan_weight * g_gan + l1_weight * g_l1
            d_loss = (bce(tf.ones_like(real_logits), real_logits)
                      + bce(tf.zeros_like(fake_logits), fake_logits))
        g_grads = g_tape.gradient(g_loss, gen.trainable_variables)
        d_grads = d_tape.gradient(d_loss, disc.trainable_variables)
        g_opt.apply_gradients(zip(g_grads, gen.trainable_variables, strict=True))
        d_opt.apply_gradients(zip(d_grads, disc.trainable_variables, strict=True))
        return {"d_loss": d_loss, "g_loss": g_loss, "g_gan": g_gan, "g_l1": g_l1}

    return step


def same_step_check(model, course, plain) -> dict:
    """Run each step once from the same weights on the same batch and compare.

    The networks' variables (weights, batch-norm statistics, dropout seeds) are restored
    before the plain step, so both draw the same dropout masks; both optimizers should be
    fresh (their first update).

    Parameters
    ----------
    model : lowlight_utils.pix2pix.Pix2Pix
        Its trackers are reset first, so the course's running means are the step's losses.
    course, plain : callable
        No arguments -> a dict with :data:`LOSSES` (both read the same batch).

    Returns
    -------
    dict
        ``course`` and ``plain`` (loss name -> float), ``loss_diff`` (largest relative
        difference of a loss), ``update_diff`` (of the two updates,
        :func:`lowlight_utils.bench.common.update_difference`).
    """
    from lowlight_utils.bench.common import update_difference

    variables = model.generator.variables + model.discriminator.variables
    start = [v.numpy() for v in variables]
    model.reset_metrics()
    out = {"course": course()}
    course_after = [v.numpy() for v in variables]
    for v, value in zip(variables, start, strict=True):
        v.assign(value)
    out["plain"] = plain()
    out = {k: {n: float(d[n]) for n in LOSSES} for k, d in out.items()}
    out["loss_diff"] = max(abs(out["course"][n] - out["plain"][n])
                           / max(abs(out["plain"][n]), 1e-12) for n in LOSSES)
    out["update_diff"] = update_difference(start, course_after, [v.numpy() for v in variables])
    return out


def compare_plain(model, low, high, rounds: int = 5, jit: bool = False) -> dict:
    """Time the course's Pix2Pix step against the plain tutorial step, alternated.

    Parameters
    ----------
    model : lowlight_utils.pix2pix.Pix2Pix
        Compiled, optimizers unused; both steps train its networks in place.
    low, high : tf.Tensor
        The batch of every step of both.
    rounds : int
        Timed rounds (one step of each per round, course first).
    jit : bool
        XLA for both (sets ``model.jit_compile``).

    Returns
    -------
    dict
        :func:`same_step_check`'s keys, ``course_s`` and ``plain_s`` (median seconds per
        step), ``ratio`` (``plain_s / course_s``: above 1, the course's step is faster).
    """
    import tensorflow as tf

    from lowlight_utils.bench.common import alternate

    batch = tf.data.Dataset.from_tensors((low, high)).repeat()
    # The course's step as fit() runs it: Keras' train function on a distributed iterator
    # (the iterator, the strategy's run, the metric updates train_step returns).
    model.jit_compile = jit
    model.make_train_function(force=True)
    course_batches = iter(model.distribute_strategy.experimental_distribute_dataset(batch))
    course = lambda: model.train_function(course_batches)  # noqa: E731
    plain_step = plain_pix2pix_step(model, jit=jit)
    plain_batches = iter(batch)  # the tutorial's loop: a Python for over the dataset
    plain = lambda: plain_step(*next(plain_batches))  # noqa: E731

    out = same_step_check(model, course, plain)
    times = alternate({"course": lambda: float(course()["g_loss"]),
                       "plain": lambda: float(plain()["g_loss"])}, rounds=rounds, warmup=1)
    out.update(course_s=times["course"], plain_s=times["plain"],
               ratio=times["plain"] / times["course"])
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--method", default="pix2pix-bce", help="a name from training.METHODS")
    parser.add_argument("--profile", default="full", choices=("quick", "full"),
                        help="network sizes (default: the report's, full)")
    parser.add_argument("--size", type=int, default=256, help="crop side")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5, help="timed steps (median)")
    parser.add_argument("--jit", choices=("auto", "on", "off"), default="auto",
                        help="XLA: auto = per device (GPU on, CPU off)")
    parser.add_argument("--compare-plain", action="store_true",
                        help="pix2pix-bce: the course's step (Keras' train function) against "
                             "the TensorFlow tutorial's plain tf.function step, alternated "
                             "(--repeats rounds)")


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

    if args.compare_plain:
        return _print_compare(args, model, low, high, jit, device)

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


def _print_compare(args, model, low, high, jit: bool, device: str) -> int:
    from lowlight_utils.pix2pix import Pix2Pix

    if type(model) is not Pix2Pix:
        print(f"--compare-plain knows the plain step of pix2pix-bce only, not {args.method}")
        return 2
    r = compare_plain(model, low, high, rounds=args.repeats, jit=jit)
    print(f"{args.method} ({args.profile} networks), {args.size}x{args.size}, batch "
          f"{args.batch}, {device}, jit_compile={jit}, {args.repeats} rounds alternated")
    print("same start:    " + ", ".join(f"{n} {r['course'][n]:.6g} / {r['plain'][n]:.6g}"
                                        for n in LOSSES) + " (course / plain)")
    print(f"differences   losses {r['loss_diff']:.1e} (relative), first update "
          f"{r['update_diff']:.1e} (of its norm)")
    print(f"course step   {r['course_s'] * 1e3:.1f} ms (median; Keras' train function, as fit())")
    print(f"plain step    {r['plain_s'] * 1e3:.1f} ms (median; the tutorial's tf.function)")
    print(f"ratio         {r['ratio']:.3f}x (plain / course; above 1: the course's is faster)")
    same = r["loss_diff"] <= LOSS_TOLERANCE and r["update_diff"] <= UPDATE_TOLERANCE
    if not same:
        print("MISMATCH: the two steps do not compute the same thing")
    return 0 if same else 1
