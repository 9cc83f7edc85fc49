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
# # 03 · Pix2Pix with a Wasserstein critic and gradient penalty (WGAN-GP)
#
# Replace the BCE discriminator of notebook 02 by a Wasserstein critic kept in check by a
# gradient penalty, train it on the same split and budget as the BCE baseline, and compare
# the two honestly.
#
# **Accelerator:** a CPU runs the quick profile in a few minutes; use a GPU for the full
# profile (the report's 54.4 M-parameter U-Net).
# **Reproduces:** the Pix2Pix + WGAN-GP low-light report: its 16x16 critic, its losses, its
# best configuration (Adam 1.2e-4 for the generator, SGD 1e-4 for the critic, x0.7 every 6
# epochs, clip norm 1, n_critic 5, batch 4), and the weight-clipped WGAN of the phone-to-DSLR
# report as a variant.
#
# **Full profile on a Colab T4:** about 5.1 h in float32, 107 min in mixed precision
# (estimates for LOL's 437 training pairs; `python -m lowlight_utils.bench cost --only
# 03_pix2pix_wgan_gp` prints them with their assumptions).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lowlight-course/lowlight-gan-course/blob/main/notebooks/03_pix2pix_wgan_gp.ipynb)

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

# %%
import keras

from lowlight_utils.config import resolve_precision

keras.utils.set_random_seed(0)  # same initial weights and draws on every run
PRECISION = resolve_precision()

# %% [markdown]
# ## 1. Why leave BCE?
#
# The BCE discriminator outputs a probability. Once it separates real from fake well, the
# original minimax generator loss `log(1 - D(G(x)))` is flat: its gradient with respect to
# the discriminator's logit is `-sigmoid(logit)`, which vanishes as the logit of a fake goes
# to minus infinity. (The "non-saturating" loss `-log D(G(x))` used in practice and in
# notebook 02 has gradient `sigmoid(logit) - 1`, which stays near -1 there; it fixes the
# vanishing but not the instability or mode collapse that the report ran into.)

# %%
import matplotlib.pyplot as plt
import numpy as np

logit = np.linspace(-8, 8, 200)
sig = 1 / (1 + np.exp(-logit))
plt.figure(figsize=(6, 3))
plt.plot(logit, -sig, label="d/dlogit of log(1 - D)  (minimax)")
plt.plot(logit, sig - 1, label="d/dlogit of -log D  (non-saturating)")
plt.axvspan(-8, -3, alpha=0.1, color="red", label="discriminator sure it is fake")
plt.xlabel("discriminator logit for a generated image")
plt.ylabel("gradient reaching the generator")
plt.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# A Wasserstein critic outputs an unbounded score instead. If it is 1-Lipschitz (its output
# changes by at most the distance between its inputs), then
# `mean(critic(real)) - mean(critic(fake))` is a lower bound on the Wasserstein-1 ("earth
# mover's") distance between real and generated pairs, reached by the best such critic: a
# number that shrinks as the generator improves and gives useful gradients everywhere. The losses, as in the report:
#
# * critic: `mean(critic(fake)) - mean(critic(real)) + 10 * GP`
# * generator: `-mean(critic(fake)) + 100 * L1`
#
# ## 2. The gradient penalty, on a picture
#
# The Lipschitz condition is asked for softly: on random points between a real pair and a
# generated pair, the critic's gradient norm should be 1, and `GP = mean((norm - 1)^2)`.
# Below: a test pair, the "generated" image stood in for by the low image itself, and the
# interpolates the penalty looks at; then the gradient norm of an untrained critic along that
# line.

# %%
import tensorflow as tf

from lowlight_utils.data import course_splits, load_image
from lowlight_utils.pix2pix import patchgan_discriminator
from lowlight_utils.notebook.plotting import show_grid
from lowlight_utils.wgan import gradient_norms, gradient_penalty

splits = course_splits()
print(splits)
low = tf.image.resize(load_image(splits.test[0].low)[None], (128, 192)).numpy()
high = tf.image.resize(load_image(splits.test[0].high)[None], (128, 192)).numpy()
alphas = [0.0, 0.25, 0.5, 0.75, 1.0]
show_grid([[a * high[0] + (1 - a) * low[0] for a in alphas]],
          titles=[f"alpha = {a}" for a in alphas])
plt.show()
critic = patchgan_discriminator("16x16", image_size=None, base_filters=16, name="critic")
norms = gradient_norms(critic, low, high, low, alphas)[:, 0]
plt.figure(figsize=(5, 2.5))
plt.plot(alphas, norms, marker="o")
plt.axhline(1.0, color="grey", linestyle="--", label="target norm 1")
plt.xlabel("alpha (0 = generated, 1 = real)")
plt.ylabel("gradient norm")
plt.legend()
plt.tight_layout()
plt.show()
gp_untrained = float(gradient_penalty(critic, low, high, low))
print(f"gradient penalty of the untrained critic here: {gp_untrained:.3f}")

# %% [markdown]
# Three details matter.
#
# * **Which scalar?** The critic outputs a grid of patch scores and the losses use their
#   mean. The report's code differentiates the whole grid, i.e. its *sum*, which holds the
#   mean to 1/N-Lipschitz for N patches and shrinks the critic's say by that factor. The
#   course penalises the mean (`reduce="mean"`, the default), so the constrained function is
#   the one whose gap estimates the distance; `variant="report-exact"` keeps the sum.
# * **With respect to what?** The concatenated (low, image) pair, as the report does
#   (`wrt="image"` differentiates the image alone).
# * **Why an epsilon?** The norm is `sqrt(sum of squares + 1e-12)`: the derivative of a square
#   root is infinite at 0, so a flat critic would otherwise give NaN gradients.
#
# **Batch norm in the critic.** The penalty printed above, 0.178, fits the picture: it takes
# one random alpha, and norms between about 0.4 and 0.7 give `(norm - 1)^2` between about
# 0.1 and 0.35. Both were computed on a batch of one image, though, and in training mode
# batch norm normalises with the statistics of the batch it is given. The report's critic
# has batch norm; the WGAN-GP paper advises against it, because the penalty constrains each
# sample's gradient on its own, while batch norm makes a sample's score depend on the other
# samples of its batch.
# We see it directly: the gradient norm of the same image alone, and in a batch of four made
# of it, a darker and a brighter copy, and itself again.

# %%
batch_low = tf.concat([low, low * 0.5, low * 1.5, low], 0)
batch_high = tf.concat([high, high * 0.9, high, high * 0.8], 0)
bn_effect = {}
for norm in ("batch", None):
    c = patchgan_discriminator("16x16", image_size=None, base_filters=16, norm=norm)
    alone = gradient_norms(c, low, high, low, [0.5])[0, 0]
    in_batch = gradient_norms(c, batch_low, batch_high, batch_low, [0.5])[0, 0]
    bn_effect[norm] = (alone, in_batch)
    print(f"critic norm={norm!s:5s}: gradient norm of image 0 alone {alone:10.4f}, "
          f"in a batch of 4 {in_batch:10.4f}")

# %% [markdown]
# Without batch norm the two agree (0.0005 alone and in the batch); with it they differ
# (0.636 alone, 0.600 in the batch), so the "per-sample" constraint is not one, and its scale
# depends on the batch. The course keeps the report's critic as the default (to reproduce
# it) and offers `wgan.build(..., variant="no-bn-critic")`.
#
# ## 3. The report's critic
#
# At 256x256 the critic sees the low image and a candidate side by side (6 channels) and
# outputs a 16x16 grid of scores, one per overlapping patch, with no activation.

# %%
full_critic = patchgan_discriminator("16x16", image_size=256)
print(f"16x16 critic: {full_critic.count_params():,} parameters, "
      f"output {full_critic.output_shape[1:]}")

# %% [markdown]
# ## 4. Data and budget
#
# Both models get the same split, the same crops and augmentation, and the same number of
# generator updates. WGAN-GP takes `n_critic = 5` critic steps per generator step, each on a
# fresh real batch, so its dataset yields five batches at once (`model.batches_per_step`):
# per generator step it reads five times as many training crops as BCE. "Same budget" here
# means the same number of generator updates; the cost per update is measured below. Both
# generators also **start from the same weights** (the same seed before each is built, and
# the same architecture), so the comparison is not decided by a lucky initialisation.
#
# Both generators end in the **curve head** of notebook 02 (`output="curve"`, the quick
# profile's default): light-enhancement curves plus a residual, starting exactly at the
# input. That choice matters more here than for BCE. With the gradient penalty the critic is
# 1-Lipschitz, so the adversarial term's gradient on the generated pair has a norm of up to
# about 1, while `100 x L1` over a 96x96x3 crop gives about `100 / sqrt(27648) = 0.6`: the
# Wasserstein term pushes at least as hard as L1 from the first step, and a generator that
# starts from grey noise (the report's `tanh` head) spends a short run being pushed around
# by a critic that is itself still untrained. Measured with this notebook's budget
# (`python -m lowlight_utils.bench heads --method pix2pix-wgan-gp --output direct`, then
# `--output curve`): 15.59 ± 1.07 dB with the `tanh` head, 20.27 ± 1.59 dB with the curve
# head, on the test split (± over the 8 test images).

# %%
import keras

from lowlight_utils import wgan
from lowlight_utils.data import make_dataset

EPOCHS, STEPS = PROFILE.epochs, PROFILE.steps_per_epoch or 100
keras.utils.set_random_seed(0)  # the BCE generator of section 6 starts from the same weights
model = wgan.build(PROFILE, steps_per_epoch=STEPS)
initial_generator = [w.copy() for w in model.generator.get_weights()]
print(f"n_critic = {model.n_critic}, generator {model.generator.count_params():,} params, "
      f"critic {model.critic.count_params():,} params")


def train_data(batches_per_step):
    return make_dataset(splits.train, crop=PROFILE.crop,
                        batch_size=PROFILE.batch_size * batches_per_step, augment=True,
                        shuffle=True, cache=True, repeat=True)


val_ds = make_dataset(splits.val, batch_size=1)
sample_pairs = [(load_image(p.low), load_image(p.high)) for p in splits.val[:2]]
print(f"{EPOCHS} epochs x {STEPS} generator steps, batch {PROFILE.batch_size}, "
      f"crop {PROFILE.crop}")

# %% [markdown]
# ## 5. Training WGAN-GP
#
# `train` wraps `fit()` with the course's callbacks (best-PSNR checkpoint, resumable backup,
# NaN guard, TensorBoard, sample grids). The runs live in one folder per profile that stays
# the same from one run of the notebook to the next (`runs/03_pix2pix_wgan_gp-full/` in the
# full profile, under `LOWLIGHT_RUNS_DIR` if set): running the notebook again resumes both
# trainings from their last completed epoch instead of starting over.

# %%
from lowlight_utils.bench.common import epoch_timer
from lowlight_utils.config import run_folder
from lowlight_utils.training import train

RUNS = run_folder("03_pix2pix_wgan_gp", PROFILE)


def ms_per_step(timer):
    """Median milliseconds per generator step, leaving out epoch 1 (which also traces the
    step into a graph) when there are later epochs; NaN if this call trained no epoch."""
    seconds = timer.seconds[1:] or timer.seconds
    return 1000 * float(np.median(seconds)) / STEPS if seconds else float("nan")


wgan_timer = epoch_timer()
wgan_run = train(model, train_data(model.batches_per_step), val_ds, RUNS / "wgan-gp",
                 epochs=EPOCHS, steps_per_epoch=STEPS, sample_pairs=sample_pairs,
                 sample_every=max(1, EPOCHS // 2), callbacks=[wgan_timer], verbose=2)
wgan_ms = ms_per_step(wgan_timer)
print(f"WGAN-GP: {sum(wgan_timer.seconds):.0f} s in all; {wgan_ms:.0f} ms per generator step "
      "(median of epochs 2+, validation included)")

# %% [markdown]
# A sample grid written during training (input | output | reference). The runs are in
# `runs/` under the folder Jupyter was started from (`notebooks/runs/...` for `make course`).

# %%
grids = sorted((RUNS / "wgan-gp" / "samples").glob("*.png"))
plt.figure(figsize=(9, 4))
plt.imshow(load_image(grids[-1]))
plt.title(grids[-1].name)
plt.axis("off")
plt.show()

# %% [markdown]
# ## 6. The BCE baseline on the same budget
#
# Notebook 02's Pix2Pix, same split, crops, batch, epochs and generator steps, and the same
# initial generator weights as WGAN-GP's (checked as it is built).

# %%
from lowlight_utils import pix2pix

same_start = []


def bce_model():
    keras.utils.set_random_seed(0)  # as before wgan.build in section 4
    m = pix2pix.build(PROFILE)
    same_start.append(all(np.array_equal(a, b) for a, b in
                          zip(m.generator.get_weights(), initial_generator, strict=True)))
    return m


bce_timer = epoch_timer()
bce_run = train(bce_model, train_data(1), val_ds, RUNS / "bce", epochs=EPOCHS,
                steps_per_epoch=STEPS, profile=PROFILE, callbacks=[bce_timer], verbose=2)
print(f"BCE generator started from WGAN-GP's initial weights: {same_start}")
bce_ms = ms_per_step(bce_timer)
print(f"BCE: {sum(bce_timer.seconds):.0f} s in all; {bce_ms:.0f} ms per generator step")

# %% [markdown]
# ## 7. Curves
#
# Left: the critic's Wasserstein estimate `mean(real) - mean(fake)` and its penalty. Middle:
# the generators' L1 terms. Right: validation PSNR of both, per epoch.

# %%
hw, hb = wgan_run.history, bce_run.history
fig, ax = plt.subplots(1, 3, figsize=(13, 3))
ax[0].plot(hw["wasserstein"], label="Wasserstein estimate")
ax[0].plot(hw["gp"], label="gradient penalty")
ax[0].set_yscale("symlog", linthresh=1e-3)  # linear near 0, logarithmic beyond
ax[0].set_ylabel("critic terms (symlog)")
ax[1].plot(hw["g_l1"], label="WGAN-GP L1")
ax[1].plot(hb["g_l1"], label="BCE L1")
ax[1].set_ylabel("training L1 (mean |error|)")
ax[2].plot(hw["val_psnr"], label="WGAN-GP")
ax[2].plot(hb["val_psnr"], label="BCE")
ax[2].set_ylabel("validation PSNR (dB)")
for a in ax:
    a.set_xlabel("epoch")
    a.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# Read the left panel carefully (its scale is linear near zero and logarithmic beyond). In
# this run the penalty's epoch mean stays between 0.009 and 0.031, and the Wasserstein
# estimate stays near zero, its epoch mean below zero every time (from -0.011 to -0.039,
# -0.031 in the last): on average the critic scores generated pairs slightly higher than
# real ones, so it does not yet tell them apart. Its gradients still push the generator
# (section 4), but not yet towards anything L1 does not already ask for: the two training
# L1 curves fall
# together, from 0.124 and 0.121 in the first epoch to 0.085 and 0.087 in the last (WGAN-GP,
# BCE). Validation PSNR is noisier. BCE's moves between 18.9 and 21.4 dB from epoch to
# epoch. WGAN-GP's peaks at 21.7 dB in the fourth epoch, drops by 4 dB in the seventh and
# ends at 16.9 dB, while its training PSNR stays near 21 dB.
#
# ## 8. Test scores at full resolution
#
# Both best checkpoints (by validation PSNR), on the test images at their native size,
# next to the classical baselines of notebook 01. Each mean comes with its spread, the
# sample standard deviation over the test images (four darkenings of each of two scenes).
# Each gap (to the best baseline, and between the two GANs) is taken image by image by
# `lowlight_utils.metrics.paired_gap`; when it is smaller than the spread of those per-image
# gaps, the line says "no result": this test set cannot tell the two apart.

# %%
from lowlight_utils.classical.lowlight import evaluate_baselines
from lowlight_utils.config import cap_images
from lowlight_utils.inference import enhance_image
from lowlight_utils.metrics import evaluate_pairs, paired_gap
from lowlight_utils.training import load_model

test_pairs = cap_images(splits.test)  # all of them, or two in a smoke run
test_low = [load_image(p.low) for p in test_pairs]
test_high = [load_image(p.high) for p in test_pairs]
names = [p.stem for p in test_pairs]
baselines = evaluate_baselines(test_pairs, ["identity", "gamma", "histeq", "clahe"])
table = {name: ev for name, (ev, _) in baselines.items()}
outputs = {}
for name, run in (("Pix2Pix BCE", bce_run), ("Pix2Pix WGAN-GP", wgan_run)):
    best = load_model(run.best_model)
    outputs[name] = [enhance_image(best, img) for img in test_low]
    table[name] = evaluate_pairs(outputs[name], test_high, names=names)
step_ms = {"Pix2Pix BCE": bce_ms, "Pix2Pix WGAN-GP": wgan_ms}
print(f"{'method':17s} {'PSNR (dB)':>13s} {'SSIM':>15s} {'ms/gen step':>12s}")
for name, ev in table.items():
    timing = f"{step_ms[name]:12.0f}" if name in step_ms else f"{'':12s}"
    print(f"{name:17s} {ev.means['psnr']:6.2f} ± {ev.stds['psnr']:4.2f} "
          f"{ev.means['ssim']:6.3f} ± {ev.stds['ssim']:5.3f} {timing}")
best_baseline = max(baselines, key=lambda k: table[k].means["psnr"])
gaps = {}
for name in step_ms:
    gaps[name] = paired_gap(table[name], table[best_baseline], "psnr")
    print(f"{name} vs the best baseline ({best_baseline}): {gaps[name]}")
wgan_vs_bce = paired_gap(table["Pix2Pix WGAN-GP"], table["Pix2Pix BCE"], "psnr")
print(f"WGAN-GP minus BCE, same budget: {wgan_vs_bce}")
print(f"WGAN-GP costs {wgan_ms / bce_ms:.1f}x BCE's time per generator step")

# %% [markdown]
# The two side by side on test images:

# %%
show_grid([[test_low[i] * 4, outputs["Pix2Pix BCE"][i], outputs["Pix2Pix WGAN-GP"][i],
             test_high[i]] for i in (0, len(test_low) - 1)],
          titles=["low (x4)", "Pix2Pix BCE", "Pix2Pix WGAN-GP", "reference"])
plt.show()

# %% [markdown]
# **What to conclude, and what not.** A gap marked "no result" above is smaller than its own
# spread over the test images, so it is not a finding either way. With generators that start
# at their input, WGAN-GP is level with BCE after the same 200 generator steps from the same
# weights: -0.43 ± 0.71 dB, a difference well inside its spread. Level, not better, and not
# reliably so: on another machine of the same kind (2026-12-03, one thread, under `make
# test`, with Keras' own `Adam` before the course's `FusedAdam`) this cell printed BCE 20.76 and WGAN-GP 19.62 dB, -1.14 ± 1.06 dB (worse, by a
# hair), the WGAN-GP run having dropped to 17.6 dB on validation at epoch 7. Which of the two
# ends ahead in 200 steps moves with the CPU's arithmetic and with the seed: over three
# training seeds on that machine (`python -m lowlight_utils.bench heads --method
# pix2pix-wgan-gp --output curve --seeds 0 1 2`, and `--method pix2pix-bce --output curve
# --epochs 10 --seeds 0 1 2` for BCE's 200 steps) WGAN-GP scored 20.35 ± 0.65 dB (19.62,
# 20.58, 20.86) and BCE 20.61 ± 0.18 (20.76, 20.41, 20.67): a difference of 0.26 dB, smaller
# than WGAN-GP's spread over seeds, so level. The checks below assert only that WGAN-GP
# stays within 1.5 dB of BCE. Neither is above gamma by
# more than the spread on these 8 test images of 2 scenes (+2.11 ± 3.96 dB for BCE,
# +1.68 ± 3.42 dB for WGAN-GP). A learned model that does not clearly beat gamma has not
# earned its parameters yet. The validation set is one scene, batches are four crops, and the
# validation PSNR moves from epoch to epoch (by up to 2 dB for BCE, 4.5 dB for WGAN-GP), so
# the best checkpoint is partly luck. What is not noise: WGAN-GP costs about twice as much
# per generator step (2.1x here: five critic updates, each with a second backward pass for
# the penalty), and in a short run its critic's Wasserstein estimate stays near zero
# (-0.031 in the last epoch): the critic does not yet tell generated pairs from real ones,
# so its generator ends where BCE's does. The
# report's reason to switch, a BCE discriminator that overpowered its generator, belongs to
# long training on LOL (the full profile). Its best validation PSNR there, 21.4 dB, was
# measured on a split that shared scenes with training (notebook 01 shows what that does to
# a score).
#
# Notebook 05 compares every method of the course on one table. It takes this notebook's
# best WGAN-GP model from the course's model folder, so we export it there.

# %%
from lowlight_utils.notebook.handoff import export_model

exported = export_model(wgan_run.best_model, "pix2pix-wgan-gp", PROFILE,
                        notebook="03_pix2pix_wgan_gp")

# %% [markdown]
# ## Exercises
#
# Each exercise changes one thing and measures what it does. Try it in a new cell first; the
# worked solution follows each one (collapsed on the course site). This notebook's training
# already takes most of its time budget, so the exercises are cheap on purpose: the first two
# need no training at all, the third trains for 2 x 5 generator steps (a couple of steps in a
# smoke run).

# %% [markdown] tags=["exercise"]
# **Exercise 1: write the gradient penalty yourself.** Write
# `my_gradient_penalty(critic, condition, real, fake, alpha)`: interpolate
# `x = alpha * real + (1 - alpha) * fake`, let the critic score `concat(condition, x)`,
# average each sample's patch scores, take the gradient with respect to the concatenated
# pair, its L2 norm per sample, and return `mean((norm - 1) ** 2)`. Then run
# `check_gradient_penalty(my_gradient_penalty)`, which compares it with the course's on
# random inputs and names the mistake if there is one.

# %% tags=["solution"]
from lowlight_utils.notebook.graders import check_gradient_penalty


def my_gradient_penalty(critic, condition, real, fake, alpha, square_root=True):
    pair = tf.concat([condition, alpha * real + (1.0 - alpha) * fake], axis=-1)
    with tf.GradientTape() as tape:
        tape.watch(pair)
        scores = critic(pair, training=True)
        per_sample = tf.reduce_mean(tf.reshape(scores, [tf.shape(scores)[0], -1]), axis=1)
    grads = tape.gradient(per_sample, pair)
    norm = tf.reduce_sum(tf.square(grads), axis=[1, 2, 3])
    if square_root:
        norm = tf.sqrt(norm + 1e-12)
    return tf.reduce_mean(tf.square(norm - 1.0))


print(check_gradient_penalty(my_gradient_penalty))
# what the checker says about a classic slip, the squared norm without its square root:
print(check_gradient_penalty(lambda *args: my_gradient_penalty(*args, square_root=False)))

# %% [markdown] tags=["solution"]
# The checker passes the function above: on three sets of random inputs and a small fixed
# critic it gives the course's `gradient_penalty` to within float32 rounding. Leaving out the
# square root is caught and named: penalising `(sum(g**2) - 1)**2` also pushes the norm
# towards 1, but it weights large gradients much more strongly and is not the WGAN-GP
# penalty, so it trains a different critic. The same checker names a flipped sign, a norm
# over the wrong axes, the gradient of the summed patch map, or a reversed interpolation.

# %% [markdown] tags=["exercise"]
# **Exercise 2: penalise the sum, as the report's code does.** Section 2 computed the penalty
# of an untrained critic on one test pair with the course's `reduce="mean"`. Compute the
# gradient norms at alpha = 0.5 and the penalty again with `reduce="sum"` (the gradient of
# the whole patch map), for the same critic and the same pair.

# %% tags=["solution"]
ex_alpha = tf.fill([1, 1, 1, 1], 0.5)
for reduce in ("mean", "sum"):
    n = gradient_norms(critic, low, high, low, [0.5], reduce=reduce)[0, 0]
    gp = float(gradient_penalty(critic, low, high, low, alpha=ex_alpha, reduce=reduce))
    print(f"reduce={reduce:4s}: gradient norm {n:10.4f}, penalty {gp:12.4f}")
print(f"the critic outputs {int(np.prod(critic(tf.concat([low, high], -1)).shape[1:3]))} "
      "patch scores for this image")

# %% [markdown] tags=["solution"]
# The critic outputs 96 patch scores for this 128x192 image, and with `reduce="sum"` the
# gradient norm is exactly 96 times larger (48.29 instead of 0.50 here), so the penalty
# jumps from 0.247 to 2,236. Differentiating the sum asks for `sum` to be
# 1-Lipschitz, i.e. the *mean* score, the one the Wasserstein estimate uses, to be
# 1/96-Lipschitz. Trained that way the penalty dominates the critic's loss, the critic is
# squeezed flat, and the factor changes with the image size: the reason the course
# penalises the mean.

# %% [markdown] tags=["exercise"]
# **Exercise 3: `n_critic = 1`.** Build the profile's WGAN-GP with `n_critic=1` and time it
# per generator step, as section 5 did for `n_critic = 5`: 2 epochs of 5 steps, the first of
# which traces the step into a graph, so only the second counts.

# %% tags=["solution"]
from lowlight_utils.config import cap_steps

EX_STEPS = cap_steps(5)
keras.utils.set_random_seed(0)
ex_model = wgan.build(PROFILE, steps_per_epoch=EX_STEPS, n_critic=1)
ex_timer = epoch_timer()
ex_model.fit(train_data(ex_model.batches_per_step), steps_per_epoch=EX_STEPS, epochs=2,
             callbacks=[ex_timer], verbose=0, shuffle=False)  # the dataset is shuffled
ex_ms = 1000 * ex_timer.seconds[-1] / EX_STEPS
print(f"n_critic=1: {ex_ms:.0f} ms per generator step;  n_critic=5 (section 5): {wgan_ms:.0f} "
      f"ms;  BCE (section 6): {bce_ms:.0f} ms")

# %% [markdown] tags=["solution"]
# This run printed 147, 463 and 217 ms (n_critic = 1, n_critic = 5, BCE; `make notebooks`
# alone on the 2-core machine, 2026-12-03): one critic update per generator step costs no
# more than a BCE step, and five cost about three times one (3.1x; 2.1 times a BCE step), each critic update adding a generator forward pass and the penalty's
# second backward pass. Five timed steps on a busy machine are a rough measure, and the
# figures of sections 5 and 6 include validation while this one does not; the order is what
# holds. Cheaper is not better here: the WGAN-GP paper takes 5 critic steps so that the
# critic stays close to optimal, which its estimate of the distance needs.

# %% [markdown]
# ## 9. Checks
#
# In a smoke run (`LOWLIGHT_SMOKE=1`: two training steps) the models have not learned
# anything, so the check that both beat doing nothing by 5 dB is replaced by what still
# holds there: finite scores and outputs in [0, 1].

# %%
from lowlight_utils.config import is_smoke

alone, in_batch = bn_effect[None]
assert abs(alone - in_batch) < 1e-4 * max(alone, 1e-6)  # no BN: a sample's gradient is its own
alone, in_batch = bn_effect["batch"]
assert abs(alone - in_batch) > 1e-3 * alone  # BN: it depends on the batch
assert full_critic.count_params() == 6_968_257 and full_critic.output_shape[1:3] == (16, 16)
if PRECISION == "float32":  # under mixed float16 the loss scaler skips overflowing steps
    assert int(model.critic_optimizer.iterations) == model.n_critic * int(
        model.generator_optimizer.iterations)
assert np.isfinite(hw["wasserstein"]).all() and np.isfinite(hw["gp"]).all()
identity = table["identity"].means["psnr"]
for name in ("Pix2Pix BCE", "Pix2Pix WGAN-GP"):
    if is_smoke():
        assert np.isfinite(table[name].means["psnr"]), (name, table[name].means)
        assert all(0 <= o.min() <= o.max() <= 1 for o in outputs[name]), name
    else:
        assert table[name].means["psnr"] > identity + 5, (name, table[name].means)
assert same_start and all(same_start)  # both generators started from the same weights
assert all(np.isfinite(g.mean) and g.spread >= 0 for g in gaps.values())  # with a spread
if not is_smoke():  # the same budget and start: WGAN-GP within 1.5 dB of BCE (see section 8)
    assert wgan_vs_bce.mean > -1.5, wgan_vs_bce
assert exported.is_file()
print("checks passed")

# %% [markdown]
# ## References
#
# * M. Arjovsky, S. Chintala, L. Bottou. *Wasserstein Generative Adversarial Networks* (the
#   critic, the Wasserstein-1 distance, weight clipping). ICML 2017.
#   [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
# * I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville. *Improved Training of
#   Wasserstein GANs* (WGAN-GP: the gradient penalty on interpolates, n_critic = 5, no batch
#   norm in the critic). NeurIPS 2017. [arXiv:1704.00028](https://arxiv.org/abs/1704.00028)
# * I. Goodfellow et al. *Generative Adversarial Nets* (the minimax and non-saturating losses).
#   NeurIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# * P. Isola, J.-Y. Zhu, T. Zhou, A. A. Efros. *Image-to-Image Translation with Conditional
#   Adversarial Networks* (pix2pix: conditional GAN + L1, the 70x70 PatchGAN, dropout as noise).
#   CVPR 2017. [arXiv:1611.07004](https://arxiv.org/abs/1611.07004)
# * *Image Denoising*, the Pix2Pix + WGAN-GP low-light report (unpublished student project
#   report, one of the five reports this course reproduces): the critic, the losses, the
#   optimisers and schedules, and its 21.4 dB.
# * *Pix2Pix based Image Enhancement*, the phone-to-DSLR report (unpublished project report):
#   the Wasserstein loss with weight clipping.
