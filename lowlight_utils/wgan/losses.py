"""The critic's gradient penalty, the gradient norms it looks at, and the colour loss."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def gradient_penalty(critic, condition, real, fake, wrt: str = "pair", alpha=None,
                     reduce: str = "mean", epsilon: float = 1e-12, loss_scale=None):
    """WGAN-GP penalty on interpolates between real and generated pairs.

    With ``alpha ~ U(0, 1)`` drawn per sample, ``x = alpha * real + (1 - alpha) * fake``; the
    critic sees ``concat(condition, x)`` and its patch scores are reduced to one value per
    sample, ``reduce="mean"`` by default: the same mean over patches that the losses use, so
    the function held to norm 1 is the one whose gap estimates the Wasserstein distance.
    ``reduce="sum"`` is what the report's code does (it differentiates the whole patch map,
    i.e. its sum), which holds the *mean* score to 1/N-Lipschitz for N patches. The gradient
    is taken with respect to the concatenated pair (``wrt="pair"``, as the report does) or
    the image alone (``wrt="image"``); its L2 norm over all but the batch axis has
    ``epsilon`` inside the square root, which keeps the *gradient* of the norm finite when the
    critic's gradient is zero; the penalty is ``mean((norm - 1) ** 2)``.

    Taught in notebook 03, section 'The gradient penalty, written out', where it is written in a
    cell and checked against this function.

    Parameters
    ----------
    critic : callable
        ``critic(pair, training=True)`` -> scores, pair = condition and image on channels.
    condition, real, fake : tf.Tensor, (B, H, W, C)
        The low-light input, its reference, and the generator's output.
    wrt : {"pair", "image"}
    alpha : tf.Tensor, optional
        (B, 1, 1, 1) interpolation weights; drawn uniformly when omitted.
    reduce : {"mean", "sum"}
        How a sample's patch scores become the scalar whose gradient is penalised.
    epsilon : float
    loss_scale : float or tf.Variable, optional
        Under mixed float16, the critic optimizer's loss scale
        (:func:`lowlight_utils.config.loss_scale`): the patch scores are multiplied by it
        before the inner gradient is taken, and the gradient divided by it after, so that
        small gradients do not underflow in the critic's float16 layers. ``None``: no scaling.

    Returns
    -------
    tf.Tensor
        Scalar penalty (float32).

    Notes
    -----
    The norm is per sample only if the critic scores each sample on its own: with batch
    normalization (``training=True``) a sample's score depends on the whole batch and the
    gradient taken here mixes samples; the course's default critic has no batch norm
    (:func:`lowlight_utils.wgan.critic`).

    References
    ----------
    Gulrajani, Ahmed, Arjovsky, Dumoulin and Courville, "Improved Training of Wasserstein
    GANs", NeurIPS 2017, eq. (3) and Algorithm 1. Official code:
    github.com/igul222/improved_wgan_training, ``gan_64x64.py`` (``interpolates = real_data
    + alpha * (fake_data - real_data)``, ``slopes = sqrt(sum(gradients ** 2))``,
    ``gradient_penalty = mean((slopes - 1) ** 2)``).
    """
    if wrt not in ("pair", "image"):
        raise ValueError(f"wrt must be 'pair' or 'image', got {wrt!r}")
    if reduce not in ("mean", "sum"):
        raise ValueError(f"reduce must be 'mean' or 'sum', got {reduce!r}")
    if alpha is None:
        alpha = tf.random.uniform([tf.shape(real)[0], 1, 1, 1], 0.0, 1.0)
    mixed = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        if wrt == "pair":
            # Interpolating the concatenated pairs: the condition is the same on both sides.
            watched = tf.concat([condition, mixed], axis=-1)
            tape.watch(watched)
            scores = critic(watched, training=True)
        else:
            watched = mixed
            tape.watch(watched)
            scores = critic(tf.concat([condition, watched], axis=-1), training=True)
        per_sample = tf.reshape(scores, [tf.shape(scores)[0], -1])
        per_sample = (tf.reduce_mean(per_sample, axis=1) if reduce == "mean"
                      else tf.reduce_sum(per_sample, axis=1))
        per_sample = tf.cast(per_sample, tf.float32)
        if loss_scale is not None:
            per_sample = per_sample * tf.cast(loss_scale, tf.float32)
    grads = tf.cast(tape.gradient(per_sample, watched), tf.float32)
    if loss_scale is not None:
        grads = grads / tf.cast(loss_scale, tf.float32)
    norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + epsilon)
    return tf.reduce_mean(tf.square(norm - 1.0))


def gaussian_blur(images, sigma: float = 3.0):
    """Blur each channel of an NHWC batch with a Gaussian of ``sigma`` pixels (3-sigma taps)."""
    radius = max(1, int(round(3 * sigma)))
    x = tf.range(-radius, radius + 1, dtype=tf.float32)
    taps = tf.exp(-0.5 * tf.square(x / sigma))
    taps /= tf.reduce_sum(taps)
    channels = images.shape[-1]
    row = tf.tile(tf.reshape(taps, [1, -1, 1, 1]), [1, 1, channels, 1])
    col = tf.tile(tf.reshape(taps, [-1, 1, 1, 1]), [1, 1, channels, 1])
    out = tf.nn.depthwise_conv2d(images, row, [1, 1, 1, 1], "SAME")
    return tf.nn.depthwise_conv2d(out, col, [1, 1, 1, 1], "SAME")


def color_loss(output, target, sigma: float = 3.0):
    """The phone-to-DSLR report's colour loss: squared distance between blurred images.

    Blurring (Gaussian, ``sigma`` = 3 px) removes texture and noise, so what is left to
    compare is brightness and colour. Averaged over pixels and channels (the report writes a
    sum; a mean keeps the weight independent of the crop size).
    """
    return tf.reduce_mean(tf.square(gaussian_blur(output, sigma) - gaussian_blur(target, sigma)))


def gradient_norms(critic, condition, real, fake, alphas=(0.0, 0.25, 0.5, 0.75, 1.0),
                   training: bool = True, reduce: str = "mean"):
    """Per-sample gradient norms of the critic at interpolates ``alpha*real + (1-alpha)*fake``.

    What the penalty looks at, for a picture: one row per alpha, one column per sample.
    ``training=True`` (the default) is how the penalty calls the critic, so batch norm uses
    the statistics of the batch, as during training; ``reduce`` as in
    :func:`gradient_penalty`.

    Taught in notebook 03, section 'The gradient penalty, written out'.

    Parameters
    ----------
    critic : callable
        ``critic(pair, training=...)`` -> patch scores, pair = condition and image on
        channels.
    condition, real, fake : tf.Tensor, (B, H, W, C)
        The low-light input, its reference, and the generator's output.
    alphas : sequence of float
        Interpolation weights: 0 is the generated image, 1 the real one.
    training : bool, default True
        Passed to the critic.
    reduce : {"mean", "sum"}
        How a sample's patch scores become the scalar whose gradient is measured.

    Returns
    -------
    numpy.ndarray, (len(alphas), B)
        The L2 norm, per sample, of the gradient with respect to the (condition, image)
        pair, as :func:`gradient_penalty` with ``wrt="pair"`` takes it; the penalty pulls
        it to 1.

    References
    ----------
    Gulrajani, Ahmed, Arjovsky, Dumoulin and Courville, "Improved Training of Wasserstein
    GANs", NeurIPS 2017, section 4 (an optimal critic has gradient norm 1 on the lines
    between real and generated samples).

    Examples
    --------
    A critic that sums its input has a gradient of 1 per value, so its norm is the square
    root of the number of values (2 x 2 pixels x 6 channels):

    >>> x = tf.zeros([2, 2, 2, 3])
    >>> total = lambda pair, training: tf.reduce_sum(pair, axis=[1, 2, 3], keepdims=True)
    >>> norms = gradient_norms(total, x, x, x, alphas=(0.0, 1.0))
    >>> norms.shape, bool(np.allclose(norms, np.sqrt(24)))
    ((2, 2), True)
    """
    rows = []
    for a in alphas:
        pair = tf.concat([condition, a * real + (1.0 - a) * fake], axis=-1)
        with tf.GradientTape() as tape:
            tape.watch(pair)
            scores = tf.reshape(critic(pair, training=training), [tf.shape(pair)[0], -1])
            scores = (tf.reduce_mean(scores, axis=1) if reduce == "mean"
                      else tf.reduce_sum(scores, axis=1))
        grads = tape.gradient(scores, pair)
        rows.append(tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3])).numpy())
    return np.stack(rows)
