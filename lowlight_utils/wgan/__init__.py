"""Pix2Pix with a Wasserstein critic and a gradient penalty (WGAN-GP).

A BCE discriminator answers "real or fake?" and saturates once it is sure, which leaves the
generator with vanishing gradients (the Pix2Pix + WGAN-GP low-light report saw this, and mode
collapse). A Wasserstein *critic* instead outputs an unbounded score; the gap
``mean(critic(real)) - mean(critic(fake))`` estimates the Wasserstein-1 distance between the
two distributions, provided the critic is 1-Lipschitz. The gradient penalty (Gulrajani et al.,
2017) asks for that softly: the critic's gradient norm should be 1 on points between real and
fake samples.

Losses, as in the report:

* critic: ``mean(fake) - mean(real) + lambda_gp * GP`` (lambda_gp = 10);
* generator: ``-mean(fake) + 100 * L1``.

The critic is updated ``n_critic`` times per generator update, **each time on a fresh real
batch**: a training step receives ``n_critic`` batches stacked along the batch axis
(``model.batches_per_step``) and splits them.

One module per idea: :mod:`.losses` (gradient penalty, gradient norms, colour loss),
:mod:`.model` (the ``keras.Model`` and its ``train_step``) and :mod:`.method` (profile
settings, variants, the builder and ``METHODS`` for training); everything is importable
from here.
"""

from .losses import color_loss, gaussian_blur, gradient_norms, gradient_penalty
from .method import METHODS, PROFILE_SETTINGS, VARIANTS, build
from .model import WGANGP

__all__ = [
    "METHODS",
    "PROFILE_SETTINGS",
    "VARIANTS",
    "WGANGP",
    "build",
    "color_loss",
    "gaussian_blur",
    "gradient_norms",
    "gradient_penalty",
]
