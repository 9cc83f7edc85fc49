"""Pix2Pix with a Wasserstein critic and a gradient penalty (WGAN-GP).

A BCE discriminator answers "real or fake?" and saturates once it is sure, which leaves the
generator with vanishing gradients (the Pix2Pix + WGAN-GP low-light report saw this, and mode
collapse). A Wasserstein *critic* instead outputs an unbounded score; the gap
``mean(critic(real)) - mean(critic(fake))`` estimates the Wasserstein-1 distance between the
two distributions, provided the critic is 1-Lipschitz. The gradient penalty (Gulrajani et al.,
2017) asks for that softly: the critic's gradient norm should be 1 on points between real and
fake samples.

Losses:

* critic: ``mean(fake) - mean(real) + lambda_gp * GP`` (lambda_gp = 10);
* generator: ``-mean(fake) + lambda * L1`` (the low-light report's lambda = 100 on images in
  [-1, 1], as in pix2pix: ``l1_weight`` 200 on the course's [0, 1] images).

The critic is updated ``n_critic`` times per generator update, **each time on a fresh real
batch**: a training step receives ``n_critic`` batches stacked along the batch axis
(``model.batches_per_step``) and splits them.

The default (``variant="paper"``) is the paper's Algorithm 1 and section 4: a critic without
batch normalization, Adam(beta_1 0, beta_2 0.9) for critic and generator at the same learning
rate, no gradient clipping, n_critic 5, lambda 10. The report's configuration (an SGD critic
with batch norm, clipnorm 1, decay x0.7 every 6 epochs) is ``variant="report"`` and the
``wgan-gp-report`` preset.

One module per idea: :mod:`.losses` (gradient penalty, gradient norms, colour loss),
:mod:`.networks` (the critic and its normalisations), :mod:`.model` (the ``keras.Model`` and
its ``train_step``), :mod:`.monitor` (the per-step log of the Wasserstein estimate) and
:mod:`.method` (profile settings, variants, the builder and ``METHODS`` for training);
everything is importable from here.

References
----------
Gulrajani, Ahmed, Arjovsky, Dumoulin and Courville, "Improved Training of Wasserstein GANs",
NeurIPS 2017; official code github.com/igul222/improved_wgan_training.
"""

from .losses import color_loss, gaussian_blur, gradient_norms, gradient_penalty
from .method import METHODS, PAPER, PROFILE_SETTINGS, REPORT, VARIANTS, build, variant_settings
from .model import WGANGP
from .monitor import STEP_KEYS, StepLog, read_step_log
from .networks import CRITIC_NORMS, critic

__all__ = [
    "CRITIC_NORMS",
    "METHODS",
    "PAPER",
    "PROFILE_SETTINGS",
    "REPORT",
    "STEP_KEYS",
    "StepLog",
    "VARIANTS",
    "WGANGP",
    "build",
    "critic",
    "color_loss",
    "gaussian_blur",
    "gradient_norms",
    "gradient_penalty",
    "read_step_log",
    "variant_settings",
]
