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
# Replace the BCE discriminator of notebook 02 by a Wasserstein critic held in check by a
# gradient penalty, watch the critic learn, and compare with BCE on the same budget.
#
# **Accelerator:** a CPU runs the quick profile in a few minutes; use a GPU for the full
# profile (the report's U-Net, 54,429,315 parameters).
# **Reproduces:** WGAN-GP as Gulrajani et al. define it (the course's default), on the
# Pix2Pix + WGAN-GP low-light report's U-Net and 16x16 critic; the report's own configuration
# (an SGD critic with batch norm, clip norm 1) as the `report` variant, in a short run.
#
# **Full profile on a Colab T4:** about 5.1 h in float32, 108 min in mixed precision
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

# %% [markdown]
# A fixed seed, so that every run starts from the same weights and random draws.

# %%
import keras

from lowlight_utils.config import resolve_precision

keras.utils.set_random_seed(0)
PRECISION = resolve_precision()

# %% [markdown]
# ## 1. Why leave BCE?
#
# A BCE discriminator outputs a probability. Once it is sure a generated image is fake, the
# original minimax loss `log(1 - D(G(x)))` gives the generator almost no gradient. The
# "non-saturating" loss of notebook 02 keeps a gradient, but not the stability the report
# was after. The plot shows both gradients against the discriminator's logit.

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
# A Wasserstein **critic** outputs an unbounded score. If it is 1-Lipschitz, the gap
# `mean(critic(real)) - mean(critic(fake))` is a lower bound on the Wasserstein-1 ("earth
# mover's") distance between real and generated pairs, and the best such critic reaches it.
# This gap is the **Wasserstein estimate**: positive when the critic scores real pairs above
# generated ones, and shrinking as the generator catches up. The losses:
#
# * critic: `mean(critic(fake)) - mean(critic(real)) + 10 * GP`
# * generator: `-mean(critic(fake)) + 100 * L1` (pix2pix's lambda, on images in [-1, 1];
#   the course's images are in [0, 1], so the weight is 200 there)
#
# ## 2. The gradient penalty, written out
#
# The Lipschitz condition is asked for softly (Gulrajani et al., eq. 3): at a random point
# `x = alpha * real + (1 - alpha) * fake` between a real and a generated pair, the critic's
# gradient norm should be 1. The critic sees the low-light input and an image side by side
# and outputs a grid of patch scores; a sample's score is their mean.

# %%
import tensorflow as tf


def gradient_penalty(critic, low, real, fake, alpha):
    pair = tf.concat([low, alpha * real + (1.0 - alpha) * fake], axis=-1)
    with tf.GradientTape() as tape:
        tape.watch(pair)
        score = tf.reduce_mean(critic(pair, training=True), axis=[1, 2, 3])  # one per sample
    grads = tape.gradient(score, pair)
    norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-12)
    return tf.reduce_mean(tf.square(norm - 1.0))


# %% [markdown]
# Is it the course's? The library's `wgan.gradient_penalty` draws `alpha` itself unless it
# is given one, so both get the same critic, the same random batch and the same `alpha`.

# %%
from lowlight_utils import wgan

rng = np.random.default_rng(0)
batch = [tf.constant(rng.uniform(0, 1, (4, 32, 32, 3)), tf.float32) for _ in range(3)]
alpha = tf.random.uniform([4, 1, 1, 1])
small_critic = wgan.critic(base_filters=8)
gp_mine = float(gradient_penalty(small_critic, *batch, alpha))
gp_library = float(wgan.gradient_penalty(small_critic, *batch, alpha=alpha))
np.testing.assert_allclose(gp_mine, gp_library, rtol=1e-5)
print(f"penalty: ours {gp_mine:.6f}, the library's {gp_library:.6f}")

# %% [markdown]
# On a picture: a test pair, the "generated" image stood in for by the low image itself, the
# interpolates the penalty looks at, and the gradient norm of an untrained critic along
# that line (the library's `wgan.gradient_norms`).

# %%
from lowlight_utils.data import course_splits, load_image
from lowlight_utils.notebook.plotting import show_grid

splits = course_splits()
print(splits)
low = tf.image.resize(load_image(splits.test[0].low)[None], (128, 192)).numpy()
high = tf.image.resize(load_image(splits.test[0].high)[None], (128, 192)).numpy()
alphas = [0.0, 0.25, 0.5, 0.75, 1.0]
show_grid([[a * high[0] + (1 - a) * low[0] for a in alphas]],
          titles=[f"alpha = {a}" for a in alphas])
plt.show()
net = wgan.critic("16x16", base_filters=16)
norms = wgan.gradient_norms(net, low, high, low, alphas)[:, 0]
plt.figure(figsize=(5, 2.5))
plt.plot(alphas, norms, marker="o")
plt.axhline(1.0, color="grey", linestyle="--", label="target norm 1")
plt.xlabel("alpha (0 = generated, 1 = real)")
plt.ylabel("gradient norm")
plt.legend()
plt.tight_layout()
plt.show()
print(f"penalty of the untrained critic here: {float(gradient_penalty(net, low, high, low, 0.5)):.3f}")

# %% [markdown]
# Read the plot against the dashed line: where the norms sit below 1 the penalty is positive,
# and at its largest, 1, for a critic so flat that its norms are near 0 (small random weights
# and no normalisation make an untrained critic nearly flat). Training moves the norms
# towards 1. Two choices in the function above:
#
# * **The mean of the patch scores**, the score the losses use, is the function held to norm
#   1. The report's code differentiates the whole grid (its sum), which holds the mean to
#   1/N-Lipschitz for N patches (exercise 1 measures it).
# * **`1e-12` inside the square root**: the derivative of a square root is infinite at 0, so
#   a flat critic would give NaN gradients. The paper's code has no epsilon.
#
# **Batch norm in the critic.** The penalty constrains each sample's own gradient. With
# batch norm (the report's critic) a sample's score depends on the others in its batch, so
# the paper (section 4) leaves it out. We see it: the gradient norm of one image alone, and
# in a batch of four made of it, a darker and a brighter copy, and itself again.

# %%
batch_low = tf.concat([low, low * 0.5, low * 1.5, low], 0)
batch_high = tf.concat([high, high * 0.9, high, high * 0.8], 0)
bn_effect = {}
for norm in ("batch", "none"):
    c = wgan.critic("16x16", base_filters=16, norm=norm)
    alone = wgan.gradient_norms(c, low, high, low, [0.5])[0, 0]
    in_batch = wgan.gradient_norms(c, batch_low, batch_high, batch_low, [0.5])[0, 0]
    bn_effect[norm] = (alone, in_batch)
    print(f"critic norm={norm:5s}: gradient norm of image 0 alone {alone:.6f}, "
          f"in a batch of 4 {in_batch:.6f}")

# %% [markdown]
# Without batch norm the two numbers agree: the gradient is the sample's own. With it they
# differ, so the "per-sample" constraint is not one. Batch norm also normalises the real, the
# generated and the interpolated batches each on its own statistics, which hides a global
# brightness offset: the very signal a low-light critic must see.
#
# ## 3. The critic and generator steps, written out
#
# Algorithm 1 of the paper: `n_critic = 5` critic updates, each on a fresh real batch, then
# one generator update. The critic ascends the Wasserstein estimate minus the penalty; the
# generator raises the critic's score of its output, plus the L1 term of pix2pix.

# %%
def critic_step(model, low, high, gp_weight=10.0):
    fake = model.generator(low, training=True)
    with tf.GradientTape() as tape:
        real_score = tf.reduce_mean(model.critic(tf.concat([low, high], -1), training=True))
        fake_score = tf.reduce_mean(model.critic(tf.concat([low, fake], -1), training=True))
        wasserstein = real_score - fake_score
        alpha = tf.random.uniform([tf.shape(low)[0], 1, 1, 1], 0.0, 1.0)
        gp = gradient_penalty(model.critic, low, high, fake, alpha)
        loss = -wasserstein + gp_weight * gp
    variables = model.critic.trainable_variables
    grads = tape.gradient(loss, variables)
    model.critic_optimizer.apply_gradients(zip(grads, variables, strict=True))
    return wasserstein, gp


def generator_step(model, low, high, l1_weight=200.0):
    with tf.GradientTape() as tape:
        fake = model.generator(low, training=True)
        adversarial = -tf.reduce_mean(model.critic(tf.concat([low, fake], -1), training=True))
        l1 = tf.reduce_mean(tf.abs(high - fake))
        loss = adversarial + l1_weight * l1
    variables = model.generator.trainable_variables
    grads = tape.gradient(loss, variables)
    model.generator_optimizer.apply_gradients(zip(grads, variables, strict=True))
    return adversarial, l1


def train_step(model, low, high):
    lows, highs = tf.split(low, model.n_critic), tf.split(high, model.n_critic)
    for i in range(model.n_critic):  # each critic update sees a fresh real batch
        wasserstein, gp = critic_step(model, lows[i], highs[i])
    adversarial, l1 = generator_step(model, lows[-1], highs[-1])
    return {"wasserstein": wasserstein, "gp": gp, "g_adv": adversarial, "g_l1": l1}


# %% [markdown]
# Are they the course's? Two small WGAN-GP models built from the same seed have the same
# weights; one takes the library's `train_step`, the other ours, on the same random batch.
# Resetting TensorFlow's seed before each makes the random draws the same (each `alpha` is
# drawn by `tf.random.uniform` at the same point, the generator's dropout from the same
# seed). The check runs in float32: the library adds loss scaling for mixed float16, which
# the teaching version leaves out.

# %%
policy = keras.mixed_precision.global_policy()
keras.mixed_precision.set_global_policy("float32")
pair_models = []
for _ in range(2):
    keras.utils.set_random_seed(1)
    pair_models.append(wgan.build(PROFILE, base_filters=8, depth=3, critic_filters=8))
keras.mixed_precision.set_global_policy(policy)
library_model, our_model = pair_models
low_b, high_b = (tf.constant(rng.uniform(0, 1, (4 * library_model.n_critic, 32, 32, 3)),
                             tf.float32) for _ in range(2))
tf.random.set_seed(2)
library_logs = library_model.train_step((low_b, high_b))
tf.random.set_seed(2)
our_logs = train_step(our_model, low_b, high_b)
step_checks = {}
for part in ("critic", "generator"):
    for a, b in zip(getattr(library_model, part).get_weights(),
                    getattr(our_model, part).get_weights(), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6, err_msg=f"{part} step")
    step_checks[part] = True
for key in our_logs:  # after one step, the library's running means are the step's values
    np.testing.assert_allclose(float(our_logs[key]), float(library_logs[key]), rtol=1e-5)
    print(f"{key:12s} ours {float(our_logs[key]):+.6f}   library {float(library_logs[key]):+.6f}")
print("critic and generator weights after the step: equal to the library's")

# %% [markdown]
# ## 4. Where the course departs from the paper
#
# The default follows Algorithm 1 and section 4: no batch norm in the critic, Adam
# (beta_1 0, beta_2 0.9) for both networks at one learning rate, no gradient clipping,
# `n_critic` 5, lambda 10. What remains different, and why:
#
# * **A conditional, patch critic** (the report's 16x16 PatchGAN on (low, image) pairs), as
#   pix2pix's discriminator: the task is paired, and a patch critic judges local texture.
# * **The L1 term** in the generator's loss: pix2pix's, without which the output need not
#   match its input's scene.
# * **No normalisation at all in the critic**: the paper says "no batch norm" and suggests
#   layer norm, which its official code uses; `variant="layer-norm-critic"` builds it.
# * **Learning rate and batch**: the quick profile raises both rates together to 1e-3 for
#   its 200 generator steps (the paper keeps them equal); batch 4 as in the report (the
#   paper's is 64), on a CPU.
# * **`1e-12` in the norm**, and loss scaling under mixed float16 on a GPU: numerical care.
#
# The settings the builder uses in this profile, beside the report's variant:

# %%
settings = wgan.PROFILE_SETTINGS[PROFILE.name]
report = {**settings, **wgan.variant_settings("report", PROFILE.name)}
for key in ("critic_norm", "critic_optimizer", "critic_lr", "generator_lr", "beta_1",
            "beta_2", "clipnorm", "decay_rate", "n_critic", "gp_weight", "l1_weight"):
    print(f"{key:17s} paper (default): {settings[key]!s:8s} report: {report[key]!s}")

# %% [markdown]
# ## 5. Data and budget
#
# Both GANs get the same split, crops, augmentation and number of generator updates. A
# WGAN-GP step reads `n_critic` batches (one per critic update), so its dataset yields five
# batches at once (`model.batches_per_step`). Both generators start from the same weights
# (the same seed before each is built), and both end in notebook 02's curve head, which
# starts at the input (`BENCHMARKS.md` measures it against the `tanh` head).

# %%
from lowlight_utils.data import make_dataset

EPOCHS, STEPS = PROFILE.epochs, PROFILE.steps_per_epoch or 100
keras.utils.set_random_seed(0)  # the BCE generator of section 8 starts from the same weights
model = wgan.build(PROFILE, steps_per_epoch=STEPS)
initial_generator = [w.copy() for w in model.generator.get_weights()]
print(f"n_critic = {model.n_critic}, generator {model.generator.count_params():,} params, "
      f"critic {model.critic.count_params():,} params")


def train_data(batches_per_step):
    return make_dataset(splits.train, crop=PROFILE.crop,
                        batch_size=PROFILE.batch_size * batches_per_step, augment=True,
                        shuffle=True, cache=True, repeat=True)


wgan_data = train_data(model.batches_per_step)  # shared by the two WGAN-GP runs
val_ds = make_dataset(splits.val, batch_size=1)
sample_pairs = [(load_image(p.low), load_image(p.high)) for p in splits.val[:2]]
print(f"{EPOCHS} epochs x {STEPS} generator steps, batch {PROFILE.batch_size}, "
      f"crop {PROFILE.crop}")

# %% [markdown]
# ## 6. Training WGAN-GP
#
# `train` wraps `fit()` with the course's callbacks (best-PSNR checkpoint, resumable backup,
# NaN guard, sample grids); running the notebook again resumes from the last completed
# epoch. Two more callbacks: `EpochTimer` times each epoch, and `wgan.StepLog` writes each
# step's Wasserstein estimate to `steps.csv` (`fit` itself only shows running means).

# %%
from lowlight_utils.config import run_folder
from lowlight_utils.training import EpochTimer, train

RUNS = run_folder("03_pix2pix_wgan_gp", PROFILE)


def ms_per_step(timer):
    """Median milliseconds per generator step, leaving out epoch 1 (which also traces the
    step into a graph) when there are later epochs; NaN if this call trained no epoch."""
    seconds = timer.seconds[1:] or timer.seconds
    return 1000 * float(np.median(seconds)) / STEPS if seconds else float("nan")


wgan_timer = EpochTimer()
paper_log = wgan.StepLog(path=RUNS / "wgan-gp-paper" / "steps.csv")
wgan_run = train(model, wgan_data, val_ds, RUNS / "wgan-gp-paper",
                 epochs=EPOCHS, steps_per_epoch=STEPS, sample_pairs=sample_pairs,
                 sample_every=max(1, EPOCHS // 2), callbacks=[wgan_timer, paper_log],
                 verbose=2)
wgan_ms = ms_per_step(wgan_timer)
print(f"WGAN-GP: {sum(wgan_timer.seconds):.0f} s; {wgan_ms:.0f} ms per generator step")

# %% [markdown]
# A sample grid written during training (input | output | reference), from the run folder.

# %%
grids = sorted((RUNS / "wgan-gp-paper" / "samples").glob("*.png"))
plt.figure(figsize=(9, 4))
plt.imshow(load_image(grids[-1]))
plt.title(f"{grids[-1].name}: input | output | reference")
plt.axis("off")
plt.show()

# %% [markdown]
# ## 7. The report's critic, in a short run
#
# The report's configuration (`variant="report"`): batch norm in the critic, SGD for it with
# every variable's gradient clipped to norm 1, learning-rate decay. Same seed, same
# generator start, same training pairs; 40 steps, enough to see what its critic does.

# %%
from lowlight_utils.config import cap_steps

REPORT_EPOCHS, REPORT_STEPS = 1, cap_steps(40)
keras.utils.set_random_seed(0)
report_model = wgan.build(PROFILE, variant="report", steps_per_epoch=STEPS)
report_log = wgan.StepLog(path=RUNS / "wgan-gp-report" / "steps.csv")
train(report_model, wgan_data, None, RUNS / "wgan-gp-report",
      epochs=REPORT_EPOCHS, steps_per_epoch=REPORT_STEPS, callbacks=[report_log],
      tensorboard=False, verbose=2)
print(f"critic optimiser: {type(report_model.critic_optimizer).__name__}, "
      f"clipnorm {report_model.critic_optimizer.clipnorm}")

# %% [markdown]
# ## 8. Does the critic learn?
#
# Each training step's Wasserstein estimate, from both step logs (thin lines), with a
# running mean over 10 steps (thick lines). Above zero, the critic scores real pairs higher
# than generated ones: it tells them apart, and its gradient tells the generator how.

# %%
paper_steps = wgan.read_step_log(RUNS / "wgan-gp-paper" / "steps.csv")
report_steps = wgan.read_step_log(RUNS / "wgan-gp-report" / "steps.csv")
plt.figure(figsize=(8, 3.5))
for name, log, colour in (("paper's critic (default)", paper_steps, "C0"),
                          ("report's critic (batch norm, SGD, clipnorm)", report_steps, "C3")):
    w = log["wasserstein"]
    plt.plot(log["step"], w, color=colour, alpha=0.3, linewidth=0.8)
    k = min(10, len(w))
    plt.plot(log["step"][k - 1:], np.convolve(w, np.ones(k) / k, "valid"), color=colour,
             linewidth=2.5, label=name, zorder=3)
plt.axhline(0, color="grey", linestyle="--")
plt.xlabel("generator step")
plt.ylabel("Wasserstein estimate\nmean(real) - mean(fake)")
plt.legend(fontsize=8)
plt.tight_layout()
plt.show()
n = len(report_steps["step"])
early_paper = paper_steps["wasserstein"][:n].mean()
early_report = report_steps["wasserstein"].mean()
second_half = paper_steps["wasserstein"][len(paper_steps["step"]) // 2:]
print(f"mean estimate over steps 1-{n}: paper's critic {early_paper:+.3f}, "
      f"report's critic {early_report:+.3f}")
print(f"paper's critic, second half of its run: mean {second_half.mean():+.3f}, "
      f"positive at {np.mean(second_half > 0):.0%} of the steps")

# %% [markdown]
# How to read it. Above the dashed line, the critic separates real from generated pairs: it
# is an adversary that sees a difference, and the generator is pushed towards closing it.
# The estimate moves as the two take turns; what matters is which side of zero it stays on.
# The paper's critic should be above zero within its first steps and for most of the run
# (the last line says how often). The report's critic stays near zero, or below it, over
# the same steps. That is **not** because the run is short: the paper's critic
# learned in the same steps. It is the configuration: batch norm hides the brightness offset
# between real and generated batches and mixes samples in the penalty (section 2), and SGD
# with every gradient clipped to norm 1 moves the critic's weights very little (exercise 2
# separates the two). Such a critic gives the generator a push that is mostly noise.
#
# ## 9. The BCE baseline on the same budget
#
# Notebook 02's Pix2Pix, same split, crops, batch, epochs and generator steps, from the same
# initial generator weights as WGAN-GP's (checked as it is built).

# %%
from lowlight_utils import pix2pix

same_start = []


def bce_model():
    keras.utils.set_random_seed(0)  # as before wgan.build in section 5
    m = pix2pix.build(PROFILE)
    same_start.append(all(np.array_equal(a, b) for a, b in
                          zip(m.generator.get_weights(), initial_generator, strict=True)))
    return m


bce_timer = EpochTimer()
bce_run = train(bce_model, train_data(1), val_ds, RUNS / "bce", epochs=EPOCHS,
                steps_per_epoch=STEPS, profile=PROFILE, callbacks=[bce_timer], verbose=2)
print(f"BCE generator started from WGAN-GP's initial weights: {same_start}")
bce_ms = ms_per_step(bce_timer)
print(f"BCE: {sum(bce_timer.seconds):.0f} s; {bce_ms:.0f} ms per generator step")

# %% [markdown]
# ## 10. Curves, per epoch
#
# Left: the critic's epoch-mean estimate and its penalty. Middle: the generators' training
# L1. Right: validation PSNR of both.

# %%
hw, hb = wgan_run.history, bce_run.history
fig, ax = plt.subplots(1, 3, figsize=(13, 3.5))
ew, eb = np.arange(1, len(hw["g_l1"]) + 1), np.arange(1, len(hb["g_l1"]) + 1)
ax[0].plot(ew, hw["wasserstein"], label="Wasserstein estimate")
ax[0].plot(ew, hw["gp"], label="gradient penalty")
ax[0].axhline(0, color="grey", linestyle="--")
ax[1].plot(ew, hw["g_l1"], label="WGAN-GP L1")
ax[1].plot(eb, hb["g_l1"], label="BCE L1")
ax[1].set_ylabel("training L1 (mean |error|)")
ax[2].plot(ew, hw["val_psnr"], label="WGAN-GP")
ax[2].plot(eb, hb["val_psnr"], label="BCE")
ax[2].set_ylabel("validation PSNR (dB)")
for a in ax:
    a.set_xlabel("epoch")
    a.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The L1 curves say how close each generator gets to the references pixel by pixel; the
# critic's estimate says how far apart the two distributions still look to it. Validation
# PSNR moves from epoch to epoch (the validation set is one scene), so the best checkpoint
# is partly luck.
#
# ## 11. Test scores at full resolution
#
# Both best checkpoints on the test images at their native size, next to notebook 01's
# classical baselines. Each gap is taken image by image by `paired_gap`: "no result" when it
# is smaller than the spread of the per-image gaps.

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
print(f"WGAN-GP minus BCE, same generator steps: {wgan_vs_bce}")
print(f"WGAN-GP costs {wgan_ms / bce_ms:.1f}x BCE's time per generator step")

# %% [markdown]
# The two side by side on test images: look at the shadows and flat areas, where noise,
# colour casts and a fine grid pattern (the checkerboard of transposed convolutions, which
# an adversary can push) show.

# %%
show_grid([[test_low[i] * 4, outputs["Pix2Pix BCE"][i], outputs["Pix2Pix WGAN-GP"][i],
             test_high[i]] for i in (0, len(test_low) - 1)],
          titles=["low (x4)", "Pix2Pix BCE", "Pix2Pix WGAN-GP", "reference"])
plt.show()

# %% [markdown]
# **What to conclude.** Read the verdicts. "WGAN-GP minus BCE": "worse" is what a critic
# that learns can cost in a short budget (its gradient pulls the generator towards outputs
# it cannot tell from real ones, not towards the pixel-by-pixel closeness PSNR rewards); "no
# result" means these 8 test images cannot tell the two apart; "better" is a finding to
# repeat over seeds before believing it (`BENCHMARKS.md` keeps the seed studies, `lowlight
# bench generalisation` the held-out-scene folds). Against the best baseline, "worse" or
# "no result" means 200 generator steps have not yet taught a GAN more than one global curve
# does. Whatever the verdicts, a WGAN-GP generator step costs more than a BCE one (the last
# line): five critic updates, each with the penalty's second backward pass. The report's
# reason to switch, a BCE discriminator that overpowered its generator, belongs to long
# training on LOL.
#
# Notebook 05 compares every method on one table; it takes this notebook's best WGAN-GP
# model from the course's model folder, so we export it there.

# %%
from lowlight_utils.notebook.handoff import export_model

exported = export_model(wgan_run.best_model, "pix2pix-wgan-gp", PROFILE,
                        notebook="03_pix2pix_wgan_gp")

# %% [markdown]
# ## Exercises
#
# Each exercise changes one thing and measures it; try it in a new cell first. The worked
# solution follows each one (collapsed on the course site). They are cheap on purpose: the
# first needs no training, the second trains small critics for a few seconds, the third 2 x
# 5 generator steps.

# %% [markdown] tags=["exercise"]
# **Exercise 1: penalise the sum, as the report's code does.** For the untrained critic `net`
# and the test pair of section 2, print the gradient norm at alpha = 0.5 and the penalty with
# `reduce="mean"` and with `reduce="sum"`. Use `wgan.gradient_norms(..., reduce=...)` and
# `wgan.gradient_penalty(..., alpha=..., reduce=...)` (`lowlight_utils/wgan/losses.py`,
# imported in section 2), and print how many patch scores the critic outputs.

# %% tags=["solution"]
ex_alpha = tf.fill([1, 1, 1, 1], 0.5)
for reduce in ("mean", "sum"):
    n_sum = wgan.gradient_norms(net, low, high, low, [0.5], reduce=reduce)[0, 0]
    gp = float(wgan.gradient_penalty(net, low, high, low, alpha=ex_alpha, reduce=reduce))
    print(f"reduce={reduce:4s}: gradient norm {n_sum:10.4f}, penalty {gp:12.4f}")
print(f"the critic outputs {int(np.prod(net(tf.concat([low, high], -1)).shape[1:3]))} "
      "patch scores for this image")

# %% [markdown] tags=["solution"]
# With `reduce="sum"` the gradient norm is multiplied by the number of patch scores, N, so
# the penalty judges a different function. Holding the sum's norm to 1 holds the *mean*
# score, the one the Wasserstein estimate uses, to 1/N: the critic is squeezed flat, and
# how flat changes with the image size (N grows with it).

# %% [markdown] tags=["exercise"]
# **Exercise 2: which of the report's choices stops its critic?** Write
# `critic_learns(variant)`: build `wgan.build(PROFILE, variant=variant, base_filters=8,
# depth=3, critic_filters=8)`, replace its generator by a fixed darkening (`model.generator =
# keras.Sequential([keras.Input((None, None, 3)), keras.layers.Rescaling(3.5)])` turns
# `low = 0.2 * high` into a fake 30 % too dark), run your `critic_step` of section 3 sixty
# times on one batch and return the estimates. Compare the variants `"paper"`,
# `"batch-norm-critic"` (batch norm only), `"no-bn-critic"` (SGD and clipnorm only) and
# `"report"` (both); `wgan.VARIANTS` in `lowlight_utils/wgan/method.py` says what each sets.

# %% tags=["solution"]
def critic_learns(variant, steps=60):
    keras.utils.set_random_seed(0)
    m = wgan.build(PROFILE, variant=variant, base_filters=8, depth=3, critic_filters=8)
    m.generator = keras.Sequential([keras.Input((None, None, 3)), keras.layers.Rescaling(3.5)])
    ex_high = tf.constant(np.random.default_rng(0).uniform(0.1, 0.9, (4, 32, 32, 3)),
                          tf.float32)
    step = tf.function(critic_step)
    return np.array([float(step(m, 0.2 * ex_high, ex_high)[0]) for _ in range(cap_steps(steps))])


for variant in ("paper", "batch-norm-critic", "no-bn-critic", "report"):
    estimates = critic_learns(variant)
    print(f"{variant:18s} estimate after {len(estimates)} critic steps: "
          f"{estimates[-10:].mean():+.3f} (mean of the last 10)")

# %% [markdown] tags=["solution"]
# The fake differs from the real image by one thing, its brightness, the signal a low-light
# critic must catch. Compare each line with `"paper"`: the one that moves least shows which
# choice slows the critic most, and `"report"` shows both together.

# %% [markdown] tags=["exercise"]
# **Exercise 3: `n_critic = 1`.** Build the profile's WGAN-GP with `n_critic=1` and time it
# per generator step with an `EpochTimer` (`lowlight_utils/training/callbacks.py`, imported
# in section 6): 2 epochs of 5 steps, the first of which traces the step into a graph, so
# only the second counts.

# %% tags=["solution"]
EX_STEPS = cap_steps(5)
keras.utils.set_random_seed(0)
ex_model = wgan.build(PROFILE, steps_per_epoch=EX_STEPS, n_critic=1)
ex_timer = EpochTimer()
ex_model.fit(train_data(ex_model.batches_per_step), steps_per_epoch=EX_STEPS, epochs=2,
             callbacks=[ex_timer], verbose=0, shuffle=False)  # the dataset is shuffled
ex_ms = 1000 * ex_timer.seconds[-1] / EX_STEPS
print(f"n_critic=1: {ex_ms:.0f} ms per generator step;  n_critic=5 (section 6): {wgan_ms:.0f} "
      f"ms;  BCE (section 9): {bce_ms:.0f} ms")

# %% [markdown] tags=["solution"]
# Expect the order BCE < `n_critic = 1` < `n_critic = 5`: each critic update adds a
# generator forward pass and the penalty's second backward pass. Five timed steps are a
# rough measure (sections 6 and 9 include validation, this one does not). Cheaper is not better: the paper takes 5 critic steps so
# that the critic stays close to optimal, which its estimate of the distance needs.

# %% [markdown]
# ## What this notebook showed
#
# The checks below run on what this notebook computed. In a smoke run (`LOWLIGHT_SMOKE=1`:
# two training steps) nothing has been learned, so the checks on learning are replaced by
# finite scores and outputs in [0, 1].

# %%
from lowlight_utils.config import is_smoke

# the teaching penalty and steps compute what the library trains with
assert abs(gp_mine - gp_library) <= 1e-5 * max(gp_library, 1.0)
assert step_checks == {"critic": True, "generator": True}
alone, in_batch = bn_effect["none"]
assert abs(alone - in_batch) < 1e-4 * max(alone, 1e-6)  # no BN: a sample's gradient is its own
alone, in_batch = bn_effect["batch"]
assert abs(alone - in_batch) > 1e-3 * alone  # BN: it depends on the batch
if PRECISION == "float32":  # under mixed float16 the loss scaler skips overflowing steps
    assert int(model.critic_optimizer.iterations) == model.n_critic * int(
        model.generator_optimizer.iterations)
assert np.isfinite(paper_steps["wasserstein"]).all() and np.isfinite(hw["gp"]).all()
# one logged row per generator step the runs took, resumed or not
assert len(paper_steps["step"]) == int(model.generator_optimizer.iterations)
assert len(report_steps["step"]) == int(report_model.generator_optimizer.iterations)
if not is_smoke():
    # the paper's critic learns: positive on average over the second half of its run,
    # and above the report's critic over the report's steps
    assert second_half.mean() > 0, second_half.mean()
    assert early_paper > early_report, (early_paper, early_report)
for name in ("Pix2Pix BCE", "Pix2Pix WGAN-GP"):
    if is_smoke():
        assert np.isfinite(table[name].means["psnr"]), (name, table[name].means)
        assert all(0 <= o.min() <= o.max() <= 1 for o in outputs[name]), name
    else:  # both GANs beat doing nothing, image by image
        vs_identity = paired_gap(table[name], table["identity"], "psnr")
        assert vs_identity.verdict == "better", (name, vs_identity)
assert same_start and all(same_start)  # both generators started from the same weights
assert all(np.isfinite(g.mean) and g.spread >= 0 for g in [*gaps.values(), wgan_vs_bce])
assert exported.is_file()
print("checks passed")

# %% [markdown]
# ## References
#
# * M. Arjovsky, S. Chintala, L. Bottou. *Wasserstein Generative Adversarial Networks* (the
#   critic, the Wasserstein-1 distance, weight clipping). ICML 2017.
#   [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
# * I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville. *Improved Training of
#   Wasserstein GANs* (WGAN-GP: the gradient penalty on interpolates, Algorithm 1, no batch
#   norm in the critic). NeurIPS 2017. [arXiv:1704.00028](https://arxiv.org/abs/1704.00028);
#   official code: [igul222/improved_wgan_training](https://github.com/igul222/improved_wgan_training)
# * I. Goodfellow et al. *Generative Adversarial Nets* (the minimax and non-saturating losses).
#   NeurIPS 2014. [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# * P. Isola, J.-Y. Zhu, T. Zhou, A. A. Efros. *Image-to-Image Translation with Conditional
#   Adversarial Networks* (pix2pix: conditional GAN + L1, the PatchGAN). CVPR 2017.
#   [arXiv:1611.07004](https://arxiv.org/abs/1611.07004)
# * keras-io, *WGAN-GP overriding `Model.train_step`* (A. K. Nain): the gradient penalty and
#   the training step written where they are taught.
#   [keras.io/examples/generative/wgan_gp](https://keras.io/examples/generative/wgan_gp/)
# * *Image Denoising*, the Pix2Pix + WGAN-GP low-light report (unpublished student project
#   report, one of the five reports this course reproduces): the critic, the losses, the
#   optimisers and schedules, and its best validation PSNR of 21.4 dB.
