"""Learning-rate schedules of the course's GANs.

:class:`HoldThenLinear` is pix2pix's (and CycleGAN's) schedule: the learning rate is held for
the first part of training, then decays linearly to zero at the last step ("niter" +
"niter_decay" in the authors' code, half and half by default). Ending at zero lets the last
steps settle instead of jumping around the optimum with the full step size, which is what
a short run most needs.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="lowlight_utils")
class HoldThenLinear(keras.optimizers.schedules.LearningRateSchedule):
    """``rate`` for ``hold_steps`` steps, then linearly down to ``final_fraction * rate``.

    Parameters
    ----------
    rate : float
        The initial learning rate.
    total_steps : int
        Steps of the whole run; from there on the rate stays at its final value.
    hold_fraction : float
        Share of ``total_steps`` at the full rate (pix2pix: 0.5).
    final_fraction : float
        The last rate as a share of ``rate`` (pix2pix: 0).

    Examples
    --------
    >>> schedule = HoldThenLinear(1e-3, total_steps=100)
    >>> [round(float(schedule(s)), 6) for s in (0, 50, 75, 100, 200)]
    [0.001, 0.001, 0.0005, 0.0, 0.0]
    """

    def __init__(self, rate: float, total_steps: int, hold_fraction: float = 0.5,
                 final_fraction: float = 0.0):
        if total_steps < 1:
            raise ValueError(f"total_steps must be at least 1, got {total_steps}")
        if not 0 <= hold_fraction <= 1 or not 0 <= final_fraction <= 1:
            raise ValueError("hold_fraction and final_fraction must be in [0, 1], got "
                             f"{hold_fraction} and {final_fraction}")
        self.rate = float(rate)
        self.total_steps = int(total_steps)
        self.hold_fraction = float(hold_fraction)
        self.final_fraction = float(final_fraction)

    def __call__(self, step):
        from keras import ops

        step = ops.cast(step, "float32")
        hold = self.hold_fraction * self.total_steps
        span = max(self.total_steps - hold, 1.0)
        progress = ops.clip((step - hold) / span, 0.0, 1.0)
        return self.rate * (1.0 - (1.0 - self.final_fraction) * progress)

    def get_config(self):
        return {"rate": self.rate, "total_steps": self.total_steps,
                "hold_fraction": self.hold_fraction, "final_fraction": self.final_fraction}
