# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext,colab,accelerator
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Pix2Pix: a U-Net, a PatchGAN, BCE + L1
#
# The conditional GAN every later notebook builds on: a U-Net that turns a dark photo into a
# bright one, a PatchGAN that judges (dark, bright) pairs patch by patch, trained with binary
# cross-entropy plus a large L1 term; with a best-PSNR checkpoint, resumable training and
# full-resolution inference.
#
# **Accelerator:** CPU is enough in the quick profile; a GPU for the full profile.
# **Reproduces:** the generator (54,429,315 parameters) of the Pix2Pix + WGAN-GP low-light
# report, the BCE + 100 x L1 recipe (pix2pix's lambda) and best-PSNR checkpointing of the
# Pix2Pix SIDD denoising report, and the slides report's small U-Net with its
# `MAE + 0.01 x GAN` loss.
#
# **Full profile on a Colab T4:** about 53 min in float32, 18 min in mixed precision
# (estimates for LOL's 437 training pairs; `python -m lowlight_utils.bench cost --only
# 02_pix2pix_bce` prints them with their assumptions).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lowlight-course/lowlight-gan-course/blob/main/notebooks/02_pix2pix_bce.ipynb)

# %% [markdown]
# One setup cell. On Colab it installs the course's package first; everywhere, `setup()`
# chooses the run profile (`quick` on a CPU, `full` on a GPU; `LOWLIGHT_PROFILE` overrides
# it), the precision (mixed float16 on a GPU), quiet TensorFlow logs and, with
# `USE_DRIVE = True` on Colab, keeps the runs on Google Drive so training resumes in a new
# session.

# %%
import importlib
import subprocess
import sys

# Where Colab installs the course from (`lowlight colab --repo URL` rewrites it after a fork).
COURSE_SOURCE = "git+https://github.com/lowlight-course/lowlight-gan-course@main"
if "google.colab" in sys.modules:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    f"lowlight_utils @ {COURSE_SOURCE}"], check=True)
    importlib.invalidate_caches()
USE_DRIVE = False  # True on Colab: keep the runs on Google Drive

from lowlight_utils.notebook import setup

PROFILE = setup(use_drive=USE_DRIVE)

# %% [markdown]
# ## 1. The data, before anything is trained
#
# `course_datasets` takes the course's split (LOL if present, else the embedded sample, split
# by scene so that no test photograph is seen in training) and builds the `tf.data`
# pipelines: random paired crops with flips and turns for training, whole images for
# validation. The training crops also get a random channel order and hue rotation, the same
# for both images of a pair (notebook 01, section 7), so the network learns to brighten
# whatever the colours are. Always look at what the network will see: one training batch.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lowlight_utils.notebook.plotting import show_grid
from lowlight_utils.training import course_datasets

data = course_datasets(PROFILE)
print(data.splits)
low_batch, high_batch = next(iter(data.train))
print("training batch:", low_batch.shape, low_batch.dtype,
      f"low in [{float(np.min(low_batch)):.2f}, {float(np.max(low_batch)):.2f}]")
show_grid([list(low_batch.numpy()), list(high_batch.numpy())], row_labels=["low", "high"])
plt.show()

# %% [markdown]
# ## 2. The generator: a U-Net from two blocks
#
# The pix2pix generator is built from two blocks, as in the TensorFlow tutorial. `downsample`
# halves the image with a 4x4 stride-2 convolution, normalises and applies LeakyReLU 0.2;
# `upsample` doubles it with a transposed convolution, normalises and, in the innermost
# blocks, applies dropout 0.5. Weights start at N(0, 0.02), as in the paper. The
# normalisation is batch norm in the report's network and instance norm (each image on its
# own statistics) in the quick profile.

# %%
import keras
from keras import layers

INIT = keras.initializers.RandomNormal(stddev=0.02)
NORMS = {"batch": layers.BatchNormalization,
         "instance": lambda: layers.GroupNormalization(groups=-1)}  # one group per channel


def downsample(filters, norm="batch", bias=True):
    block = keras.Sequential([layers.Conv2D(filters, 4, strides=2, padding="same",
                                            use_bias=bias, kernel_initializer=INIT)])
    if norm:
        block.add(NORMS[norm]())
    block.add(layers.LeakyReLU(0.2))
    return block


def upsample(filters, norm="batch", dropout=False):
    block = keras.Sequential([layers.Conv2DTranspose(filters, 4, strides=2, padding="same",
                                                     kernel_initializer=INIT),
                              NORMS[norm]()])
    if dropout:
        block.add(layers.Dropout(0.5))
    return block


# %% [markdown]
# The U-Net stacks them: `depth - 1` downsamples (the first without normalisation), a
# bottleneck convolution with ReLU, then as many upsamples. The **skip connections**
# concatenate each decoder level with the encoder level of the same size (then ReLU, as in
# pix2pix's code), so a pixel's
# position and edges travel along the skip while the bottleneck carries global facts such as
# "this image is very dark". A last transposed convolution with `tanh` draws the image in
# [-1, 1]; the course's images are in [0, 1], so the model rescales on the way in and out.
# With the report's sizes (64 filters doubling to 512, depth 8) it has the report's
# parameter count:

# %%
def teaching_unet(image_size=256, base_filters=64, depth=8, norm="batch"):
    filters = [min(base_filters * 2**i, 512) for i in range(depth)]
    low = keras.Input((image_size, image_size, 3))
    x = low * 2.0 - 1.0  # [0, 1] -> [-1, 1]
    skips = []
    for i, f in enumerate(filters[:-1]):
        x = downsample(f, norm if i > 0 else None)(x)
        skips.append(x)
    x = layers.Conv2D(filters[-1], 4, strides=2, padding="same", activation="relu",
                      kernel_initializer=INIT)(x)  # the bottleneck: 1x1 at 256x256
    for j, (f, skip) in enumerate(zip(filters[-2::-1], skips[::-1], strict=True)):
        x = upsample(f, norm, dropout=j < 3)(x)
        x = layers.ReLU()(layers.Concatenate()([x, skip]))
    x = layers.Conv2DTranspose(3, 4, strides=2, padding="same", activation="tanh",
                               kernel_initializer=INIT)(x)
    return keras.Model(low, (x + 1.0) / 2.0)  # [-1, 1] -> [0, 1]


report_unet = teaching_unet()
print(f"the report's U-Net: {report_unet.count_params():,} parameters, "
      f"{report_unet.input_shape[1:]} -> {report_unet.output_shape[1:]}")

# %% [markdown]
# Training runs the library's `unet_generator`, so the teaching version must compute the same
# thing. A small U-Net of each kind, the library's weights copied into the teaching one, the
# same random batch through both (`training=False`, so dropout is off):

# %%
from lowlight_utils.pix2pix import unet_generator

ATOL = 1e-5 if keras.mixed_precision.global_policy().name == "float32" else 2e-2
random_batch = np.random.default_rng(0).random((2, 64, 64, 3), dtype=np.float32)
for norm in ("batch", "instance"):
    library = unet_generator(image_size=None, base_filters=8, depth=5, norm=norm)
    ours = teaching_unet(None, base_filters=8, depth=5, norm=norm)
    ours.set_weights(library.get_weights())
    np.testing.assert_allclose(ours(random_batch), library(random_batch), atol=ATOL)
    print(f"{norm} norm: the teaching U-Net computes what unet_generator computes")

# %% [markdown]
# **Where the generator starts: its head.** Untrained, the `tanh` head draws grey noise, so
# the first hundreds of steps go into learning to reproduce a photograph at all. Two other
# heads (`unet_generator(output=...)`, in `lowlight_utils.pix2pix.heads`) start where the
# input is: `"residual"`, `clip(input + correction)` with the correction's layer set to zero,
# and `"curve"`, Zero-DCE's curves `x <- x + alpha * x * (1 - x)` applied 8 times with
# per-pixel `alpha` predicted by the U-Net, plus a residual. Near black a curve multiplies,
# `LE(x) ~ (1 + alpha) x`, which is what an exposure correction does. The quick profile uses
# the curve head; the full profile keeps the report's `tanh`. The three heads, untrained, on
# one validation image (brightened x4 for display where it is still dark):

# %%
from lowlight_utils.data import load_image
from lowlight_utils.metrics import psnr

probe_low = load_image(data.splits.val[0].low)[:256, :256]
probe_high = load_image(data.splits.val[0].high)[:256, :256]
head_outputs = {}
for head in ("direct", "residual", "curve"):
    keras.utils.set_random_seed(0)
    g = unet_generator(image_size=None, base_filters=32, depth=5, norm="instance", output=head)
    head_outputs[head] = g(probe_low[None]).numpy()[0]
    print(f"untrained {head:8s} head: PSNR to the reference {psnr(head_outputs[head], probe_high):5.2f} "
          f"dB, max |output - input| {np.abs(head_outputs[head] - probe_low).max():.3f}")
show_grid([[probe_low * 4, head_outputs["direct"], head_outputs["residual"] * 4,
            head_outputs["curve"] * 4, probe_high]],
          titles=["input (x4)", "direct (tanh)", "residual (x4)", "curve (x4)", "reference"])
plt.show()

# %% [markdown]
# Each head trained with this notebook's recipe and scored on the test split is a benchmark
# (`python -m lowlight_utils.bench heads --output HEAD`); its figures are in
# [BENCHMARKS.md](../BENCHMARKS.md).
#
# ## 3. The discriminator: a PatchGAN
#
# A PatchGAN does not say "real or fake" for the whole image but for every patch: it sees the
# dark input and a candidate side by side (6 channels) and outputs a grid of logits. Written
# with the same `downsample` block (no biases before batch norm, as in pix2pix), then two
# stride-1 convolutions with zero padding:

# %%
def teaching_patchgan(base_filters=64):
    pair = keras.Input((None, None, 6))  # (low, candidate) on the channel axis
    x = pair * 2.0 - 1.0
    x = downsample(base_filters, norm=None)(x)
    x = downsample(2 * base_filters, bias=False)(x)
    x = downsample(4 * base_filters, bias=False)(x)
    x = layers.ZeroPadding2D()(x)
    x = layers.Conv2D(8 * base_filters, 4, use_bias=False, kernel_initializer=INIT)(x)
    x = layers.LeakyReLU(0.2)(layers.BatchNormalization()(x))
    x = layers.ZeroPadding2D()(x)
    return keras.Model(pair, layers.Conv2D(1, 4, kernel_initializer=INIT)(x))  # logits


# %% [markdown]
# Each logit's **receptive field** (the input square it depends on) follows from the kernels
# and strides, `r <- (r - 1) * stride + kernel` walking back from the output: 70x70 here,
# texture and local colour, leaving global structure to the L1 term. The WGAN-GP report's
# critic (`"16x16"`) has one more stride-2 layer. The teaching PatchGAN against the library's:

# %%
from lowlight_utils.pix2pix import patchgan_discriminator, receptive_field

patchgans = {variant: patchgan_discriminator(variant) for variant in ("70x70", "16x16")}
for variant, d in patchgans.items():
    print(f"PatchGAN {variant}: {d.count_params():,} parameters, input {d.input_shape[1:]}, "
          f"output {d.output_shape[1:]}, receptive field {receptive_field(d)}x"
          f"{receptive_field(d)}")
library = patchgan_discriminator("70x70", image_size=None, base_filters=8)
ours = teaching_patchgan(base_filters=8)
ours.set_weights(library.get_weights())
random_pairs = np.random.default_rng(1).random((2, 64, 64, 6), dtype=np.float32)
np.testing.assert_allclose(ours(random_pairs), library(random_pairs), atol=ATOL)
print(f"the teaching PatchGAN computes what patchgan_discriminator computes; at 256x256 it has "
      f"{teaching_patchgan().count_params():,} parameters")

# %% [markdown]
# ## 4. The training step: two tapes
#
# The discriminator learns BCE with ones for real pairs and zeros for generated ones. The
# generator wants its patches called real (BCE against ones) and stays close to the target:
# `gan + lambda * L1`. **Units of lambda:** pix2pix's lambda = 100 (and the TensorFlow
# tutorial's `LAMBDA = 100`) weighs an L1 on images in [-1, 1]. The course's images are in
# [0, 1], where every difference is half as large, so the same loss is
# `L1_WEIGHT = 200` times the L1 on [0, 1]. The cell shows the two are one number:

# %%
import tensorflow as tf

from lowlight_utils.pix2pix import L1_WEIGHT

bce = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    return (bce(tf.ones_like(real_logits), real_logits)
            + bce(tf.zeros_like(fake_logits), fake_logits))


def generator_loss(fake_logits, fake, high, l1_weight=L1_WEIGHT):
    gan = bce(tf.ones_like(fake_logits), fake_logits)
    l1 = tf.reduce_mean(tf.abs(high - fake))  # images in [0, 1]
    return gan + l1_weight * l1, gan, l1


fake01, high01 = np.random.default_rng(2).random((2, 4, 32, 32, 3), dtype=np.float32)
ours_l1 = L1_WEIGHT * np.mean(np.abs(high01 - fake01))
paper_l1 = 100 * np.mean(np.abs((2 * high01 - 1) - (2 * fake01 - 1)))  # lambda on [-1, 1]
print(f"L1_WEIGHT = {L1_WEIGHT:g} x L1 on [0, 1]: {ours_l1:.4f}; "
      f"lambda = 100 x L1 on [-1, 1]: {paper_l1:.4f}")
np.testing.assert_allclose(ours_l1, paper_l1, rtol=1e-5)

# %% [markdown]
# One step runs the generator once and the discriminator on the real and the generated pair,
# records both losses on two tapes, and updates each network with its own gradients
# (pix2pix: Adam with beta_1 0.5 for both):

# %%
def train_step(generator, discriminator, g_opt, d_opt, low, high):
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
        fake = generator(low, training=True)
        real_logits = discriminator(tf.concat([low, high], -1), training=True)
        fake_logits = discriminator(tf.concat([low, fake], -1), training=True)
        g_loss, g_gan, g_l1 = generator_loss(fake_logits, fake, high)
        d_loss = discriminator_loss(real_logits, fake_logits)
    g_vars, d_vars = generator.trainable_variables, discriminator.trainable_variables
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars, strict=True))
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars, strict=True))
    return {"d_loss": d_loss, "g_loss": g_loss, "g_gan": g_gan, "g_l1": g_l1}


# %% [markdown]
# Training runs `Pix2Pix.train_step` (a `keras.Model`, so `fit()` gives progress, history and
# callbacks). A small model of the profile, an exact copy of its two networks (dropout seeds
# included, so both draw the same masks), one step each on the same random batch: the losses
# and the updated weights must agree.

# %%
from lowlight_utils import pix2pix


def copy_of(network):
    twin = keras.models.clone_model(network)
    for mine, theirs in zip(twin.variables, network.variables, strict=True):
        mine.assign(theirs)
    return twin


keras.utils.set_random_seed(0)
small = pix2pix.build(PROFILE, base_filters=8, disc_filters=8)
g_copy, d_copy = copy_of(small.generator), copy_of(small.discriminator)
rate, beta_1 = (pix2pix.PROFILE_SETTINGS[PROFILE.name][k] for k in ("learning_rate", "beta_1"))
side = 2 * small.size_multiple
rng = np.random.default_rng(3)
step_low = rng.random((2, side, side, 3), dtype=np.float32) * 0.2
step_high = rng.random((2, side, side, 3), dtype=np.float32)
ours = train_step(g_copy, d_copy, keras.optimizers.Adam(rate, beta_1=beta_1),
                  keras.optimizers.Adam(rate, beta_1=beta_1), step_low, step_high)
theirs = small.train_step((step_low, step_high))
for name in ours:
    print(f"{name:7s} teaching {float(ours[name]):9.5f}   Pix2Pix.train_step {float(theirs[name]):9.5f}")
    np.testing.assert_allclose(float(ours[name]), float(theirs[name]), rtol=1e-4)
for mine, lib in zip(g_copy.weights + d_copy.weights,
                     small.generator.weights + small.discriminator.weights, strict=True):
    np.testing.assert_allclose(mine.numpy(), lib.numpy(), rtol=1e-4, atol=1e-5)
print("the same losses, the same updated weights")

# %% [markdown]
# The profile's model: in `quick`, a U-Net of depth 5 and width 32 (a stride of 32 divides the
# 96-pixel crops) with instance normalisation and the curve head, and a 32-filter PatchGAN;
# in `full`, the report's U-Net and the 70x70 PatchGAN.

# %%
print(pix2pix.PROFILE_SETTINGS[PROFILE.name])
keras.utils.set_random_seed(0)  # reproducible initial weights
model = pix2pix.build(PROFILE)
print(f"generator {model.generator.count_params():,} parameters, discriminator "
      f"{model.discriminator.count_params():,}; inputs padded to multiples of "
      f"{model.size_multiple}")

# %% [markdown]
# ## 5. Training with checkpoints, resume and samples
#
# `train` runs `fit()` with Keras' own callbacks: `ModelCheckpoint` keeps the model with the
# best validation PSNR (`best.keras`), `BackupAndRestore` saves weights, optimizer state and
# epoch after each epoch so that a killed run resumes, a NaN guard stops at the first
# non-finite loss, `CSVLogger` keeps the history, and a sample grid (input | output | target)
# is written every few epochs. The run folder is the same every time this notebook runs in
# this profile (under `LOWLIGHT_RUNS_DIR` if set), so running it again resumes the training.

# %%
import time

from lowlight_utils.config import run_folder
from lowlight_utils.training import default_epochs, train

EPOCHS = default_epochs("pix2pix-bce", PROFILE)
RUN = run_folder("02_pix2pix_bce", PROFILE)
t0 = time.perf_counter()
result = train(model, data.train, data.val, RUN, epochs=EPOCHS,
               steps_per_epoch=data.steps_per_epoch, sample_pairs=data.sample_pairs,
               sample_every=max(1, EPOCHS // 4), verbose=2)
train_seconds = time.perf_counter() - t0
print(f"{EPOCHS - result.initial_epoch} epochs x {data.steps_per_epoch} steps in "
      f"{train_seconds:.0f} s (resumed after epoch {result.initial_epoch} of {EPOCHS}); "
      f"run folder {RUN}")

# %% [markdown]
# Samples written during training, first and last (validation images the network never
# trained on):

# %%
grids = sorted((RUN / "samples").glob("*.png"))
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, path in zip(axes, [grids[0], grids[-1]], strict=True):
    ax.imshow(load_image(path))
    ax.set_title(f"{path.name}: input | output | target", fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# The curves. A GAN's losses do not fall together. A discriminator that cannot tell real from
# fake outputs 0.5 everywhere, so `d_loss` sits at 2 ln 2 = 1.39 and `g_gan` at
# ln 2 = 0.69: values near those mean the two networks are balanced, a `d_loss` falling
# towards 0 means the discriminator is winning. The L1 term and the validation PSNR tell
# whether the images get closer to the targets. Validation has few images of one scene, so
# the "best" epoch is partly chosen by noise; the honest figure is the test score below.

# %%
from lowlight_utils.notebook.plotting import plot_history

hist = result.history
plot_history(hist, groups=[["d_loss", "g_gan"], ["g_l1", "val_g_l1"], ["psnr", "val_psnr"]])
plt.show()
print(f"balanced: d_loss = 2 ln 2 = {2 * np.log(2):.2f}, g_gan = ln 2 = {np.log(2):.2f}")
best_epoch = int(np.argmax(hist["val_psnr"]))
print(f"best validation PSNR {hist['val_psnr'][best_epoch]:.2f} dB at epoch {best_epoch + 1}")

# %% [markdown]
# **Resume.** Calling `train` again on the same folder restores the backup instead of starting
# over: asked for the same number of epochs, there is nothing left to do, and the weights are
# the trained ones.

# %%
from lowlight_utils.inference import enhance_image  # pads to the network's stride

resumed = train(pix2pix.build(PROFILE), data.train, data.val, RUN, epochs=EPOCHS,
                steps_per_epoch=data.steps_per_epoch, verbose=2)
probe = data.sample_pairs[0][0]
same_weights = bool(np.allclose(enhance_image(resumed.model, probe),
                                enhance_image(result.model, probe), atol=1e-6))
print(f"resumed at epoch {resumed.initial_epoch}; history epochs {len(resumed.history['epoch'])}; "
      f"same outputs as the trained model: {same_weights}")

# %% [markdown]
# ## 6. Full-resolution inference and test-time mode
#
# The network was trained on crops, but it is fully convolutional, so `enhance_image` runs it
# on whole photographs: it reflect-pads the image to a multiple of the network's stride, runs
# it once and crops back (above 4 megapixels it blends overlapping tiles). The best
# checkpoint is a `.keras` file that loads with `safe_mode=True`:

# %%
from lowlight_utils.config import cap_images
from lowlight_utils.training import load_model

best = load_model(result.best_model)
test_pairs = cap_images(data.splits.test)  # all of them, or two in a smoke run
lows = [load_image(p.low) for p in test_pairs]
highs = [load_image(p.high) for p in test_pairs]
stems = [p.stem for p in test_pairs]
t0 = time.perf_counter()
outputs = [enhance_image(best, img) for img in lows]
seconds = (time.perf_counter() - t0) / len(lows)
deterministic = bool(np.array_equal(enhance_image(best, lows[0]), outputs[0]))
print(f"{len(lows)} test images of {lows[0].shape[1]}x{lows[0].shape[0]} and more, "
      f"{seconds:.2f} s per image; deterministic: {deterministic}")

# %% [markdown]
# **Test-time mode.** By default the course runs the generator with `training=False`:
# normalisation with the statistics kept from training, no dropout. pix2pix runs it at test
# time as in training: batch statistics of the image itself and dropout, its only source of
# randomness. `enhance_image(model, x, training=True)` does that (dropout from a fixed seed,
# so the output is still reproducible). With instance norm (the quick profile) the two modes
# differ only by dropout; with batch norm (the full profile) the statistics differ too. Both
# on the test split, the gap taken image by image with `paired_gap`:

# %%
from lowlight_utils.metrics import evaluate_pairs, paired_gap

train_mode = [enhance_image(best, lo, training=True) for lo in lows]
reproducible = bool(np.array_equal(enhance_image(best, lows[0], training=True), train_mode[0]))
print(f"training=True, called twice on one image, gives the same output: {reproducible}")
modes = {"training=False": evaluate_pairs(outputs, highs, names=stems),
         "training=True": evaluate_pairs(train_mode, highs, names=stems)}
for mode, ev in modes.items():
    print(f"{mode:15s} PSNR {ev.means['psnr']:.2f} ± {ev.stds['psnr']:.2f} dB, "
          f"SSIM {ev.means['ssim']:.4f}, CIEDE2000 {ev.means['ciede2000']:.2f}")
mode_gaps = {m: paired_gap(modes["training=True"], modes["training=False"], m)
             for m in ("psnr", "ssim", "ciede2000")}
for metric, gap in mode_gaps.items():
    print(f"training=True minus training=False, {metric}: {gap}")

# %% [markdown]
# How to read it: "better" means pix2pix's test-time mode wins by more than the spread of the
# per-image gap, "worse" that the course's default does, and "no result" that the difference
# is within what changes from image to image. The course keeps `training=False`
# (`lowlight_utils.inference.TRAINING_MODE`) unless a measurement says "better": an image
# then gives one output whatever else is in the batch. Measure your own model with
# `python -m lowlight_utils evaluate --model RUN/best.keras --test-mode training`.
#
# ## 7. Against the classical baselines
#
# The same test images through the classical methods of notebook 01, scored the same way:
# mean ± standard deviation over the test images, then the mean PSNR of each test scene.

# %%
from lowlight_utils.classical.lowlight import evaluate_baselines
from lowlight_utils.data.synthetic import scene_of

baselines = evaluate_baselines(test_pairs)
scores = {name: ev for name, (ev, _) in baselines.items()}
scores["pix2pix (BCE + L1)"] = modes["training=False"]
scenes = sorted({scene_of(p) for p in test_pairs})
print("| method | PSNR (dB) | CIEDE2000 | SSIM | " + " | ".join(scenes) + " |")
print("|---|---:|---:|---:|" + "---:|" * len(scenes))
for name, ev in scores.items():
    m, sd = ev.means, ev.stds
    per_scene = [np.mean([r["psnr"] for r, p in zip(ev.rows, test_pairs, strict=True)
                          if scene_of(p) == s]) for s in scenes]
    print(f"| {name} | {m['psnr']:.2f} ± {sd['psnr']:.2f} | {m['ciede2000']:.2f} ± "
          f"{sd['ciede2000']:.2f} | {m['ssim']:.4f} | " + " | ".join(f"{v:.2f}" for v in per_scene)
          + " |")
best_classical = max(baselines, key=lambda b: scores[b].means["psnr"])
vs_classical = {b: paired_gap(scores["pix2pix (BCE + L1)"], scores[b]) for b in baselines}
print(f"best classical method by mean PSNR: {best_classical}")
for b, gap in vs_classical.items():
    print(f"pix2pix minus {b}: {gap}")

# %% [markdown]
# Read the last lines as in section 6: a "better" against the best classical method
# (`best_classical`, usually the automatic gamma) is what a learned model has to earn; "no
# result" means the test images disagree. Then look at the images: at the noise each method
# lifts out of the shadows, and at the colours, since a cast costs little PSNR but is the
# first thing a viewer sees. Two test images:

# %%
picks = [0, len(lows) - 1]
show_grid([[lows[i], baselines["gamma"][1][i], baselines["clahe"][1][i], outputs[i], highs[i]]
           for i in picks], titles=["input", "gamma", "CLAHE", "pix2pix", "reference"])
plt.show()

# %% [markdown]
# Notebook 05 compares every method of the course on one table. It takes this notebook's best
# model from the course's model folder, so we export it there.

# %%
from lowlight_utils.notebook.handoff import export_model

exported = export_model(result.best_model, "pix2pix-bce", PROFILE, notebook="02_pix2pix_bce")

# %% [markdown]
# ## Going further
#
# **A channel-order ensemble.** If the darkening treated the three channels alike, enhancing
# an image with its channels in any of the six orders and putting them back would give the
# same result, and `enhance_image(model, img, ensemble=True)`, which averages the six
# (six forward passes), would cancel what colour preference the network learned from its
# few photographs. The symmetry is an assumption about the data: the embedded sample's
# camera pipeline (notebook 01, section 2) applies a white balance with its own gain per
# channel, so here the dark input's colour cast tells the network which channel to lift.
# The same model with and without the ensemble, image by image (CIEDE2000: lower is better):

# %%
ensembled = evaluate_pairs([enhance_image(best, lo, ensemble=True) for lo in lows], highs,
                           names=stems)
for metric in ("psnr", "ciede2000"):
    print(f"ensemble minus the plain model, {metric}: "
          f"{paired_gap(ensembled, modes['training=False'], metric)}")

# %% [markdown]
# Read it against the assumption: "worse" says the network uses which channel is which, so
# the symmetry does not hold for this data; "no result" or "better" would say it holds well
# enough. What the colour augmentation itself buys, trained with and without it, is a
# benchmark (`python -m lowlight_utils.bench heads --no-colour-augment`; figures in
# [BENCHMARKS.md](../BENCHMARKS.md)).
#
# **The slides report's recipe as a configuration.** The slides report trained a small U-Net
# (3 convolutions and 3 transposed ones at full resolution, additive skips, sigmoid output)
# with `MAE + 0.01 x GAN`. Here that is a configuration of the same `Pix2Pix`:

# %%
slides = pix2pix.build(PROFILE, generator="small", gan_weight=0.01, l1_weight=1.0,
                       learning_rate=1e-4)
print(f"small U-Net: {slides.generator.count_params():,} parameters; generator loss = "
      f"{slides.l1_weight:g} x MAE + {slides.gan_weight:g} x BCE")

# %% [markdown]
# ## Exercises
#
# Exercises 1 and 2 train with `brief_pix2pix(**settings)`, defined in the next cell: a fresh
# model of the profile with the given `pix2pix.build` settings, 60 generator steps from the
# same seed and the same batches (a couple in a smoke run), scored on the test images: it
# compares recipes at a small, equal budget. Each worked solution follows its exercise
# (collapsed on the course site).

# %%
from lowlight_utils.config import cap_steps
from lowlight_utils.data import make_dataset

BRIEF_STEPS = cap_steps(60)


def brief_pix2pix(**settings):
    """Train a fresh Pix2Pix for BRIEF_STEPS steps (same seed, same batches); score it."""
    keras.utils.set_random_seed(0)
    m = pix2pix.build(PROFILE, **settings)
    ds = make_dataset(data.splits.train, crop=PROFILE.crop, batch_size=PROFILE.batch_size,
                      augment=True, shuffle=True, cache=True, repeat=True)
    m.fit(ds, steps_per_epoch=BRIEF_STEPS, epochs=1, verbose=0, shuffle=False)  # ds shuffles
    return evaluate_pairs([enhance_image(m, lo) for lo in lows], highs, names=stems)


# %% [markdown] tags=["exercise"]
# **Exercise 1: drop the L1 term.** Write two calls of `brief_pix2pix` (the cell above): the
# profile's recipe, and `l1_weight=0` (the generator is then taught by the discriminator
# alone). Compare their test PSNR with `paired_gap` (`lowlight_utils.metrics`, imported in
# section 6).

# %% tags=["solution"]
ex_runs = {"BCE + L1": brief_pix2pix(), "BCE only": brief_pix2pix(l1_weight=0.0)}
for name, ev in ex_runs.items():
    print(f"{name:9s} test PSNR {ev.means['psnr']:6.2f} dB after {BRIEF_STEPS} steps")
print("BCE only minus BCE + L1:", paired_gap(ex_runs["BCE only"], ex_runs["BCE + L1"]))

# %% [markdown] tags=["solution"]
# Expect "worse" for BCE alone: the discriminator only asks for outputs that look like *some*
# bright photograph beside this input, while L1 ties each output pixel to *its* target,
# the strong, direct signal early in training. That is why pix2pix weights it by 100, and
# why the slides report, which trained with BCE alone, saw its training oscillate.

# %% [markdown] tags=["exercise"]
# **Exercise 2: drop the GAN term.** Now the other way: one call of `brief_pix2pix` with
# `gan_weight=0` leaves a U-Net trained on L1 alone. Compare it with the BCE + L1 run of
# exercise 1 with `paired_gap`.

# %% tags=["solution"]
ex_runs["L1 only"] = brief_pix2pix(gan_weight=0.0)
print("L1 only minus BCE + L1:", paired_gap(ex_runs["L1 only"], ex_runs["BCE + L1"]))

# %% [markdown] tags=["solution"]
# In a run this short, the L1 term does most of the work (lambda 100 in the paper's units)
# and the adversarial term mostly adds its own noise to the gradient; PSNR is an L2 measure,
# which an L1 regressor serves directly. Read the verdict: "no result" means the GAN term
# neither costs nor buys PSNR here. What it buys is sharper texture after longer training,
# which PSNR rewards little: judge that by eye.

# %% [markdown] tags=["exercise"]
# **Exercise 3: measure a receptive field.** Write `measured_field(d)`: feed a 256x256 random
# pair to a PatchGAN `d` inside a `tf.GradientTape`, take the gradient of the centre logit
# with respect to the input, and return the number of rows where it is non-zero. Compare it
# with `receptive_field(d)` (`lowlight_utils.pix2pix`, imported in section 3) for both of
# `patchgans`.

# %% tags=["solution"]
def measured_field(d):
    x = tf.constant(np.random.default_rng(0).random((1, 256, 256, 6), dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = d(x, training=False)
        centre = logits[0, logits.shape[1] // 2, logits.shape[2] // 2, 0]
    rows = np.flatnonzero(np.abs(tape.gradient(centre, x).numpy()[0]).sum(axis=(1, 2)))
    return int(rows[-1] - rows[0] + 1)


for variant, d in patchgans.items():
    print(f"{variant}: measured {measured_field(d)} rows, receptive_field {receptive_field(d)}")

# %% [markdown] tags=["solution"]
# The two agree: every logit depends on exactly the square the formula gives, and nothing
# outside it. (Near the border the zero padding cuts the square; the centre logit is far
# enough from it.)

# %% [markdown] tags=["exercise"]
# **Exercise 4: enhance at half resolution.** Write `half_res(img)`: halve the image
# (`tf.image.resize` with `antialias=True`), enhance it with `enhance_image(best, ...)`
# (section 6), resize the output back to full size. Score it on the test images with
# `evaluate_pairs` and compare with the full-resolution `modes["training=False"]` using
# `paired_gap`. What does it save in time?

# %% tags=["solution"]
def half_res(img):
    small_img = tf.image.resize(img, (img.shape[0] // 2, img.shape[1] // 2), antialias=True)
    out = enhance_image(best, np.clip(small_img.numpy(), 0, 1))
    return np.clip(tf.image.resize(out, img.shape[:2]).numpy(), 0, 1)


half_res(lows[0])  # warm up: the first call at a new size is not what we time
t0 = time.perf_counter()
ex_half = evaluate_pairs([half_res(lo) for lo in lows], highs, names=stems)
print(f"half resolution: {(time.perf_counter() - t0) / len(lows):.2f} s per image "
      f"(full: {seconds:.2f} s); half minus full: "
      f"{paired_gap(ex_half, modes['training=False'])}")

# %% [markdown] tags=["solution"]
# A quarter of the pixels, but on images this small the two resizes and the fixed cost of a
# call take much of the saving: time it on your own photographs. The images are dark and
# noisy, so downscaling first also averages noise away, which PSNR rewards; fine detail is
# lost in the upscaling. Most of what this model fixes is brightness and colour, which
# survive a lower resolution: look at a crop before deciding.

# %% [markdown]
# ## What this notebook showed
#
# The teaching U-Net, PatchGAN and training step compute what the library's do (asserted in
# their cells); the report's U-Net and both PatchGANs have the stated sizes; training resumed
# instead of restarting; inference is deterministic at full resolution, in both test-time
# modes. Outside a smoke run (two training steps prove only that the code runs), the trained
# model beats doing nothing on the held-out test scenes by more than the spread over images
# ("better"), and CLAHE in mean PSNR. Against the best classical method and between the two
# test-time modes, sections 6 and 7 print their own verdicts; nothing is claimed beyond them.

# %%
from lowlight_utils.config import is_smoke

ours_psnr = scores["pix2pix (BCE + L1)"].means["psnr"]
assert report_unet.count_params() == 54_429_315
assert patchgans["16x16"].count_params() == 6_968_257
assert patchgans["70x70"].output_shape[1:3] == (30, 30)
assert receptive_field(patchgans["70x70"]) == 70
assert resumed.initial_epoch == EPOCHS and same_weights
assert deterministic and reproducible and all(o.shape == lo.shape for o, lo in zip(outputs, lows, strict=True))
assert all(np.isfinite(o).all() and 0 <= o.min() <= o.max() <= 1 for o in outputs)
assert exported.is_file()
if not is_smoke():  # two training steps prove only that the code runs
    assert paired_gap(scores["pix2pix (BCE + L1)"], scores["identity"]).verdict == "better"
    assert ours_psnr > scores["clahe"].means["psnr"], ours_psnr
print(f"pix2pix {ours_psnr:.2f} dB on the test split; test-time mode: {mode_gaps['psnr'].verdict}")

# %% [markdown]
# ## References
#
# * P. Isola, J.-Y. Zhu, T. Zhou, A. A. Efros. *Image-to-Image Translation with Conditional
#   Adversarial Networks* (pix2pix: lambda = 100 on [-1, 1], the 70x70 PatchGAN, dropout and
#   batch statistics at test time). CVPR 2017. [arXiv:1611.07004](https://arxiv.org/abs/1611.07004)
# * TensorFlow tutorial *pix2pix* (`downsample`/`upsample`, the losses, the two-tape step).
#   [tensorflow.org/tutorials/generative/pix2pix](https://www.tensorflow.org/tutorials/generative/pix2pix)
# * C. Li, M. Wand. *Markovian Generative Adversarial Networks* (the patch discriminator
#   PatchGAN builds on). ECCV 2016. [arXiv:1604.04382](https://arxiv.org/abs/1604.04382)
# * O. Ronneberger, P. Fischer, T. Brox. *U-Net: Convolutional Networks for Biomedical Image
#   Segmentation*. MICCAI 2015. [arXiv:1505.04597](https://arxiv.org/abs/1505.04597)
# * I. Goodfellow et al. *Generative Adversarial Nets*. NeurIPS 2014.
#   [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# * D. Ulyanov, A. Vedaldi, V. Lempitsky. *Instance Normalization: The Missing Ingredient for
#   Fast Stylization*. 2016. [arXiv:1607.08022](https://arxiv.org/abs/1607.08022)
# * Unpublished reports this course reproduces: *Image Denoising*, the Pix2Pix + WGAN-GP
#   low-light report (the 54,429,315-parameter U-Net and its critic); *Image Denoising Using A
#   Generative Adversarial Network*, the SIDD report (BCE + 100 x L1, the best-PSNR
#   checkpoint); *Low-light Image Enhancement*, the slides (the small U-Net, `MAE + 0.01 x GAN`).
