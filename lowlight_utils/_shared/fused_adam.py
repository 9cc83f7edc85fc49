"""Adam whose update of each variable is one TensorFlow kernel instead of about fifteen ops.

Keras 3's ``Adam.update_step`` is written in backend-neutral ``keras.ops``: for every variable
it builds the step's powers of the betas, two ``assign_add`` for the moments, a square, a
square root, a division and an ``assign_sub``, each a separate TensorFlow op that reads its
operands from memory and writes its result back. :class:`FusedAdam` computes the same update
with TensorFlow's ``ResourceApplyAdam`` kernel (what Keras 2's ``tf.keras`` Adam called),
which reads the variable, its two moments and the gradient once and updates all three in
place.

The arithmetic is the same (Kingma and Ba's Algorithm 1 with the bias correction folded into
the step size, ``lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``, and ``epsilon`` added to
``sqrt(v)``, as Keras does); only float rounding differs (the kernel's own order of
operations). ``python -m lowlight_utils.bench train-step --compare-plain`` checks a step with
it against the same step with Keras' ``Adam`` from the same start, then times the two.

Everything else is Keras' ``Adam``: its constructor, its slots (so a backup written with one
restores into the other), clipping, weight decay, EMA, gradient accumulation, learning-rate
schedules and loss scaling happen around ``update_step`` as before. It falls back to Keras'
own update for AMSGrad, sparse gradients, non-float variables and backends other than
TensorFlow.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="lowlight_utils")
class FusedAdam(keras.optimizers.Adam):
    """``keras.optimizers.Adam`` with its per-variable update done by ``ResourceApplyAdam``.

    Same parameters and configuration as ``keras.optimizers.Adam``.

    Examples
    --------
    >>> import numpy as np
    >>> w = keras.Variable(np.ones(3, "float32"))
    >>> opt = FusedAdam(0.1)
    >>> _ = opt.apply_gradients([(np.array([1.0, -1.0, 0.0], "float32"), w)])
    >>> np.round(keras.ops.convert_to_numpy(w).astype("float64"), 4).tolist()
    [0.9, 1.1, 1.0]
    """

    def update_step(self, gradient, variable, learning_rate):
        import tensorflow as tf

        if (keras.backend.backend() != "tensorflow" or self.amsgrad
                or isinstance(gradient, tf.IndexedSlices)
                or not tf.as_dtype(variable.dtype).is_floating):
            return super().update_step(gradient, variable, learning_rate)
        dtype = tf.as_dtype(variable.dtype)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        tf.raw_ops.ResourceApplyAdam(
            var=_handle(variable), m=_handle(m), v=_handle(v),
            beta1_power=tf.pow(beta_1, step), beta2_power=tf.pow(beta_2, step),
            lr=tf.cast(learning_rate, dtype), beta1=beta_1, beta2=beta_2,
            epsilon=tf.cast(self.epsilon, dtype), grad=tf.cast(gradient, dtype))


def _handle(variable):
    """The resource handle of a Keras or TensorFlow variable (a distributed variable gives
    its local copy's inside a strategy's update)."""
    if isinstance(variable, keras.Variable):
        variable = variable.value
    return variable.handle


def stock_adam(optimizer) -> keras.optimizers.Optimizer:
    """A fresh Keras ``Adam`` with ``optimizer``'s settings (a :class:`FusedAdam`, or one
    inside a ``LossScaleOptimizer``); any other optimizer is copied as it is."""
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    if isinstance(inner, keras.optimizers.Adam):
        return keras.optimizers.Adam.from_config(inner.get_config())
    return keras.optimizers.deserialize(keras.optimizers.serialize(inner))
