"""Every report's configuration, runnable by name.

``python -m lowlight_utils train --preset wgan-gp-report`` trains what the Pix2Pix + WGAN-GP
low-light report trained, on whatever data is present (LOL if you have it). Each preset
lists where it departs from its report and why: a reproduction that hides its differences
is not one.

Each preset also names its *task* (:data:`lowlight_utils.data.degradations.TASKS`): the SIDD
report denoised, so ``bce-sidd-report`` trains on the ``noise`` sample; the phone-to-DSLR
report's deblurring experiment is ``dped-deblur`` on the ``blur`` sample (Gaussian sigma 1,
as that report made its pairs). The phone-to-DSLR mapping itself (``dped-wgan-clip``) has no
synthetic counterpart and stays on low-light pairs.

``python -m lowlight_utils train --list-presets`` prints them.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Preset:
    """A report's setup.

    Attributes
    ----------
    name : str
        What you type after ``--preset``.
    report : str
        The report it reproduces (by subject).
    method : str
        A method of :data:`lowlight_utils.training.METHODS`.
    build : dict
        Overrides for the method's ``build(profile="full", **build)``.
    crop, batch_size, epochs : int
        Training crop side, batch size and epochs.
    augment : str or None
        ``"report"`` (flips, 10 % crop-and-resize, colour jitter), ``"flips"``, ``"jitter"``
        (colour jitter only, on half the pairs) or None.
    split : tuple
        Arguments for :func:`lowlight_utils.data.pairs.split_pairs` on the training pool when the
        report's split is reproduced: fractions, or counts with ``shuffle=False``.
    postprocess : str or None
        ``"contrast-stretch"`` (Gmin 10, Gmax 240) applied to outputs at inference.
    departures : tuple of str
        Where the preset differs from the report, and why.
    task : str
        The paired task it trains on: ``"low-light"``, ``"noise"`` or ``"blur"``.
    """

    name: str
    report: str
    method: str
    build: dict
    crop: int
    batch_size: int
    epochs: int
    augment: str | None
    split: tuple
    postprocess: str | None = None
    departures: tuple[str, ...] = ()
    task: str = "low-light"

    def describe(self) -> str:
        """A few lines for ``--list-presets``."""
        lines = [
            f"{self.name}: {self.report}",
            f"  task {self.task}",
            f"  method {self.method} {self.build or ''}".rstrip(),
            f"  crop {self.crop}, batch {self.batch_size}, {self.epochs} epochs, "
            f"augment {self.augment}, report's split {self.split}"
            + (f", post-processing {self.postprocess}" if self.postprocess else ""),
        ]
        lines += [f"  departs: {d}" for d in self.departures]
        return "\n".join(lines)


_SPLIT_FIRST = (
    "splits by scene before augmenting; the report augmented x4 and then split, which puts "
    "copies of validation scenes in training (notebook 01 measures the effect)"
)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            name="wgan-gp-report",
            report="Pix2Pix + WGAN-GP, low light (report 000)",
            method="pix2pix-wgan-gp",
            build={"variant": "report-exact"},
            crop=256, batch_size=4, epochs=34, augment="report", split=(0.8, 0.2),
            departures=(
                _SPLIT_FIRST,
                "keeps the report's gradient penalty on the SUM of the critic's patch scores "
                "(variant report-exact); the course's default penalises the mean that the "
                "losses use (see notebook 03)",
                "keeps the report's SGD critic with batch norm, clipnorm 1 and decay x0.7; "
                "the course's default (variant paper) is Gulrajani et al.'s: no batch norm "
                "in the critic, Adam(beta_1 0, beta_2 0.9) for both networks at one rate, "
                "no clipping, because the report's critic barely learns (notebook 03)",
                "augments on the fly every epoch instead of a fixed x4 copy of the data",
                "the critic's learning rate decays every 6 epochs of its own steps; the "
                "report's code counted generator steps, which decays it every 1.2 epochs "
                "with n_critic 5",
                "trains on 256x256 random crops of the 600x400 images; the report resized",
            ),
        ),
        Preset(
            name="bce-sidd-report",
            report="Pix2Pix BCE + L1, denoising on SIDD (report 001)",
            method="pix2pix-bce",
            build={"disc_variant": "70x70", "l1_weight": 100.0, "learning_rate": 2e-4},
            crop=256, batch_size=1, epochs=100, augment="flips", split=(0.8, 0.2),
            task="noise",
            departures=(
                "trains on synthetic noise (the noise task: the embedded photographs with "
                "Poisson-Gaussian sensor noise at a gain of 4-32), not SIDD's noisy/clean "
                "smartphone pairs, which cannot be downloaded here. Real phone noise is "
                "spatially correlated by demosaicking and shaped by the camera's own "
                "denoising and sharpening; ours is white and independent per channel, which "
                "is easier, for classical denoisers too",
                "9 photographs (5 training scenes, 24 pairs) instead of SIDD's 160 scenes; "
                "the recipe (BCE + 100 L1, 70x70 PatchGAN, Adam 2e-4/0.5, best-PSNR "
                "checkpoint) is the report's",
                "batch 1 and 100 epochs follow the pix2pix paper; the report does not state "
                "them",
            ),
        ),
        Preset(
            name="slides-small-unet",
            report="LOL GAN slides: small U-Net, MAE + 0.01 x GAN (report 002)",
            method="pix2pix-bce",
            build={"generator": "small", "gan_weight": 0.01, "l1_weight": 1.0,
                   "learning_rate": 1e-4},
            crop=256, batch_size=8, epochs=100, augment="flips", split=(0.7, 0.2, 0.1),
            departures=(
                "uses the 70x70 PatchGAN instead of the slides' 5-convolution discriminator, "
                "whose exact layers the slides do not give",
                "RGB only; the slides' YCrCb experiments are discussed in notebook 01",
            ),
        ),
        Preset(
            name="zero-dce-report",
            report="Zero-DCE, low light (report 003)",
            method="zero-dce",
            build={"learning_rate": 1e-4},
            crop=256, batch_size=16, epochs=70, augment=None, split=(30, 370, None),
            departures=(
                "illumination smoothness normalised as the official Zero-DCE code does; the "
                "Keras example the report follows makes that term about 11x larger at "
                "256x256 (notebook 04 shows the effect)",
                "trains on 256x256 random crops; the report resized whole images to 256x256",
                "its split (first 30 test, 31-400 train, the rest validation) is available "
                "as split_pairs(pairs, (30, 370, None), shuffle=False); the course's own "
                "splits keep eval15 as the test set",
            ),
        ),
        Preset(
            name="dped-wgan-clip",
            report="Pix2Pix phone-to-DSLR, weight-clipped WGAN + colour loss (report 004)",
            method="pix2pix-wgan-gp",
            build={"variant": "weight-clipping", "color_weight": 0.3, "critic_optimizer": "adam",
                   "generator_lr": 2e-4, "critic_lr": 2e-4, "beta_2": 0.99, "n_critic": 1,
                   "critic_variant": "70x70", "decay_rate": 1.0, "clipnorm": None,
                   "depth": 6},
            crop=64, batch_size=32, epochs=100, augment="flips", split=(0.8, 0.2),
            postprocess="contrast-stretch",
            departures=(
                "no VGG perceptual or texture loss: pretrained VGG weights cannot be "
                "downloaded here; L1 (pix2pix's lambda 100 on [-1, 1], l1_weight 200 on "
                "[0, 1]) stands in for the content term",
                "colour loss weight 0.3 = the report's 2 x 0.15; mean instead of sum over "
                "pixels, so the weight does not depend on the crop size",
                "trains on low-light pairs, not DPED phone/DSLR pairs (not downloadable here); "
                "no synthetic degradation stands in for a phone camera (the report's "
                "deblurring experiment is the preset dped-deblur)",
                "a U-Net of 6 down / 6 up levels instead of the report's 8 / 8: eight stride-2 "
                "levels need inputs divisible by 256, and its 64x64 crops reach 1x1 after 6 "
                "(the 8-level net crashes at its first skip connection, 2x2 against 1x1)",
            ),
        ),
        Preset(
            name="dped-deblur",
            report="Pix2Pix deblurring, DPED DSLR images blurred with a Gaussian of "
            "sigma 1 (report 004, section 3.3)",
            method="pix2pix-bce",
            build={"disc_variant": "70x70", "l1_weight": 100.0, "learning_rate": 2e-4},
            crop=256, batch_size=8, epochs=400, augment="jitter", split=(2800, 50, 50),
            postprocess="contrast-stretch", task="blur",
            departures=(
                "blurs the embedded photographs (9, 5 training scenes) instead of DPED's "
                "DSLR images (not downloadable here); the blur is the report's (Gaussian, "
                "sigma 1) plus a little noise (sigma 0.005) and 8-bit quantisation",
                "no VGG perceptual loss (weight 1 in the report): pretrained VGG weights "
                "cannot be downloaded here; BCE + 100 L1 is the rest of its generator loss",
                "Adam beta_2 is Keras' 0.999, not the report's 0.99 (the pix2pix builder "
                "does not expose it)",
                "colour jitter of contrast, saturation and hue on half the pairs (the "
                "WGAN-GP report's ranges); the report jittered contrast, brightness and "
                "saturation with ranges it does not give",
                "trains on 256x256 random crops and tests at full size; the report's "
                "images were 256x256 (how it made them from DPED's photographs, it does not "
                "say)",
            ),
        ),
    ]
}


def get_preset(name: str) -> Preset:
    """Look a preset up by name.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}") from None


def list_presets() -> str:
    """All presets, described."""
    return "\n\n".join(p.describe() for p in PRESETS.values())
