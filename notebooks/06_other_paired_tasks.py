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
# # 06 · One conditional GAN, other paired tasks: denoising and deblurring
#
# Nothing in Pix2Pix knows about low light: it learns whatever maps the first image of a
# pair to the second. Here the same network and loss (notebook 02's BCE + 100 x L1) learn to
# remove sensor noise and to undo a Gaussian blur, each against the classical methods that
# already do those jobs, scored with PSNR, SSIM, UQI and CIEDE2000 with their spreads.
#
# **Accelerator:** CPU is enough in the quick profile; a GPU for the full profile.
# **Reproduces:** the Pix2Pix SIDD denoising report's task (BCE + 100 x L1, best-PSNR
# checkpoint), on synthetic sensor noise instead of SIDD's real phone noise; the
# phone-to-DSLR report's deblurring task (Gaussian blur, sigma 1, on clean images) and its
# observation that the GAN raised SSIM (0.70 -> 0.86) while PSNR fell (22.68 -> 20.32 dB);
# and that report's LDR-to-HDR task, discussed in section 7.
#
# **Full profile on a Colab T4:** about 6 min in float32, 2 min in mixed precision
# (estimates for LOL's 437 training pairs; `python -m lowlight_utils.bench cost --only
# 06_other_paired_tasks` prints them with their assumptions). LOL has no noise or blur
# pairs, so this notebook trains on the embedded sample's 24 training pairs of each task
# whatever data is present: the estimate is for those, not for LOL.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lowlight-course/lowlight-gan-course/blob/main/notebooks/06_other_paired_tasks.ipynb)

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
# ## 1. One photograph, three ways to spoil it
#
# `lowlight_utils.data.degradations` makes the degraded half of every pair the course trains on;
# the *task* says which degradation. `degrade(image, task, seed)` gives, for the same clean
# photograph: **low-light** (3-5 stops under-exposed, with the shot and read noise of few
# photons; notebooks 01-05), **noise** (the same sensor model at normal exposure but a high
# gain, i.e. a high ISO; the SIDD report's task) and **blur** (a Gaussian of sigma 1 pixel,
# the phone-to-DSLR report's, plus a little noise). Look at the whole images, then at a crop
# of each, where the difference between the tasks is visible.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lowlight_utils.data import course_splits, load_image
from lowlight_utils.data.degradations import BLUR_NOISE, TASKS, degrade, gaussian_kernel
from lowlight_utils.metrics import psnr, ssim
from lowlight_utils.notebook.plotting import show_grid

splits = {task: course_splits(task=task) for task in ("noise", "blur")}
clean = load_image(splits["noise"].test[-1].high)  # a test photograph (coffee)
spoilt = {task: degrade(clean, task, seed=0) for task in TASKS}
for task, img in spoilt.items():
    print(f"{task:9s} PSNR {psnr(img, clean):5.2f} dB, SSIM {ssim(img, clean):.3f} "
          "against the clean photograph")


def crop(img, top=120, left=250, side=96):
    """A square crop (the default one: the coffee's surface and the rim of the cup)."""
    return img[top:top + side, left:left + side]


show_grid([[clean, *spoilt.values()], [crop(clean), *(crop(v) for v in spoilt.values())]],
          titles=["clean", *TASKS], row_labels=["whole", "96x96 crop"])
plt.show()

# %% [markdown]
# The blur task applies a known kernel, `gaussian_kernel(1.0)`: 7x7, the side OpenCV picks
# for sigma 1, summing to 1. A classical deblurring method that is told this kernel
# (non-blind deconvolution) has an advantage no GAN trained from pairs has: it is given the
# exact cause. The pairs also carry Gaussian noise of `BLUR_NOISE` (about 1.3 levels of 8
# bits), as a real camera is never noise-free; deconvolution amplifies it.

# %%
kernel = gaussian_kernel(1.0)
print(f"kernel {kernel.shape}, sum {kernel.sum():.6f}, centre weight {kernel[3, 3]:.4f}, "
      f"corner weight {kernel[0, 0]:.2e}; added noise sigma {BLUR_NOISE} "
      f"= {BLUR_NOISE * 255:.2f} levels of 255")
print(np.array2string(kernel, precision=4, suppress_small=True))

# %% [markdown]
# ## 2. Our noise and SIDD's real noise
#
# The SIDD report trained on 160 pairs of real smartphone photographs (a noisy one, and a
# clean one made by averaging many captures). The noise task here imitates their physics: the
# sensor counts photo-electrons (Poisson shot noise, growing as the square root of the
# light), adds Gaussian read noise, and the gain (ISO) divides the electrons a white pixel
# collects, so the noise grows with the gain. Two things follow and can be measured: the noise
# depends on the brightness (it is not one sigma for the whole image), and it is **white**:
# independent from pixel to pixel and from channel to channel.
#
# Real phone noise is not white. The camera demosaicks a Bayer mosaic (each pixel's two
# missing colours are interpolated from its neighbours, which spreads one pixel's noise over
# a few), then denoises and sharpens it itself, and a sensor has fixed-pattern noise and clips
# in the raw domain; none of that is modelled here. So our noisy images are easier than
# SIDD's for classical denoisers, which assume white noise, and numbers on them say nothing
# about SIDD's. The cell measures the noise's standard deviation against brightness on a grey
# ramp, at three gains, and the correlation between horizontal neighbours, next to the same
# noise after a 3x3 box average (a crude stand-in for what demosaicking does).

# %%
import cv2

from lowlight_utils.data.degradations import synthesize_noise

ramp = np.repeat(np.linspace(0.02, 0.98, 25), 40)[None, :, None] * np.ones((200, 1, 3))
gains = (4.0, 8.0, 32.0)
noise_std = {}
for g in gains:
    residual = synthesize_noise(ramp, seed=1, gain=g) - ramp
    noise_std[g] = residual.reshape(200, 25, 40, 3).std(axis=(0, 2, 3))
level = ramp[0, ::40, 0]


def neighbour_correlation(residual):
    """Correlation of each pixel's residual with its right-hand neighbour's."""
    return float(np.corrcoef(residual[:, :-1].ravel(), residual[:, 1:].ravel())[0, 1])


grey = np.full((256, 256, 3), 0.5)
white_noise = synthesize_noise(grey, seed=2, gain=16.0) - grey
r_white = neighbour_correlation(white_noise)
r_boxed = neighbour_correlation(cv2.blur(white_noise, (3, 3)))
fig, ax = plt.subplots(figsize=(6, 3.2))
for g in gains:
    ax.plot(level, 255 * noise_std[g], marker=".", label=f"gain {g:g}")
ax.set_xlabel("clean sRGB value")
ax.set_ylabel("noise std (8-bit levels)")
ax.legend()
ax.set_title("synthesize_noise: noise against brightness", fontsize=9)
plt.show()
print("noise std at mid-grey (8-bit levels): " + ", ".join(
    f"gain {g:g}: {255 * noise_std[g][12]:.1f}" for g in gains))
print(f"neighbour correlation: our noise {r_white:+.3f}; after a 3x3 box average "
      f"{r_boxed:+.3f}")

# %% [markdown]
# Two things to read off the plot. The noise is largest in the shadows and falls towards
# white: in linear light the shot noise grows as the square root of the signal, but the sRGB
# curve stretches dark values and compresses bright ones, and stretches the noise with them.
# And it scales with the gain, at every brightness. The neighbour correlation is what
# "white" means: about zero for ours, large once neighbouring pixels share their noise, as
# they do after demosaicking.
#
# ## 3. The paired data of each task
#
# `course_splits(task=...)` returns the embedded sample of that task, split by scene exactly
# as the low-light one (the same photographs, test scenes never seen in training); each clean
# photograph is spoilt four times with different seeds. One training pair of each, cropped:

# %%
for task, s in splits.items():
    print(task, "->", s)
pair_crops = []
for s in splits.values():
    p = s.train[0]
    low, high = load_image(p.low), load_image(p.high)
    pair_crops.append([crop(low, 100, 100, 128), crop(high, 100, 100, 128)])
show_grid(pair_crops, titles=["degraded", "clean"], row_labels=list(splits))
plt.show()

# %% [markdown]
# ## 4. The classical baselines, tuned on validation only
#
# A GAN that removes noise or blur has to beat what a library call already does.
# `lowlight_utils.classical.restoration` wraps the standard ones from scikit-image and
# OpenCV: for noise, non-local means (two implementations), wavelet shrinkage and total
# variation; for blur, Wiener, unsupervised Wiener and Richardson-Lucy deconvolution with
# the known kernel. Each has a small grid of settings; `evaluate_task_baselines` picks each
# method's setting on the **validation** split and then scores it on the test split at native
# resolution, so no test image chooses a parameter. "identity" is the degraded input itself.
# The restorations run side by side, one thread per core (`restore_all`: the libraries
# release Python's lock while they compute), and the scores too (`evaluate_pairs`); on a
# 2-core CPU the cell took 17 s in our run of 2026-12-05 (it prints its time), about half of
# it Richardson-Lucy's iterations.

# %%
import time

from lowlight_utils.config import cap_images
from lowlight_utils.classical.restoration import evaluate_task_baselines

test_pairs = {task: cap_images(s.test) for task, s in splits.items()}  # two in a smoke run
t0 = time.perf_counter()
restored = {task: {} for task in splits}  # name -> restored test images, kept for later cells
classical = {task: evaluate_task_baselines(task, cap_images(s.val), test_pairs[task],
                                           outputs=restored[task])
             for task, s in splits.items()}
for task, results in classical.items():
    print(task + ":", "; ".join(f"{name} {params}" for name, (params, _) in results.items()
                                if params))
print(f"({time.perf_counter() - t0:.0f} s)")

# %% [markdown]
# ## 5. The same Pix2Pix, trained twice
#
# Notebook 02's model and recipe (U-Net + PatchGAN, BCE + 100 x L1, best-PSNR checkpoint),
# once per task, from the same seed, with one change that restoration needs: the generator's
# **head**. Notebook 02's U-Net ends in light-enhancement curves plus a residual, built for
# exposure; here nothing is wrong with the exposure, so the U-Net ends in a **residual**:
# its output is `clip(input + correction)`, and the correction's last layer starts at zero,
# so the untrained network returns its input exactly. Training then only has to learn what
# the degradation added, as restoration networks since DnCNN do.
#
# Where the correction is computed matters too. In the pix2pix U-Net the correction sees the
# input only through the encoder, whose first convolution has stride 2, and the last layer
# makes the full-size correction from half-size features. Sensor noise lives at the scale
# of single pixels, so this head (`"refine"`, `pix2pix.TASK_OUTPUTS[task]`, what `python -m
# lowlight_utils train --task noise` uses too) brings 8 features up to full resolution and
# reads them together with the input image itself in two 3x3 convolutions, the second one
# started at zero. That is 9,192 more weights than the plain residual's 6,266,627 (the
# quick U-Net's `generator.count_params()` with either head).
#
# Each step, measured with `python -m lowlight_utils.bench heads --task noise --output ...`
# (test PSNR in dB, 8 images, the same 400 steps; ± is the std over three training seeds,
# `--seeds 0 1 2`, 2026-12-03, with the course's `FusedAdam`; the `tanh` row is one seed,
# 2026-12-02; the README's heads row has every setting tried):
#
# | head | noise | blur |
# |---|---:|---:|
# | the degraded input itself | 25.66 | 31.00 |
# | `tanh` (the pix2pix paper's: draws the whole image) | 26.16 | 27.09 |
# | residual, made from half-size features | 30.14 ± 0.05 | 33.44 ± 0.09 |
# | residual computed at full resolution (`refine`) | 30.79 ± 0.47 | 33.61 ± 0.13 |
# | best classical method (NL-means, Richardson-Lucy) | 31.83 | 33.45 |
#
# The `tanh` head ends below its own input on blur; the residual makes the network start at
# its input; the full-resolution head gains 0.65 dB on noise, where every pixel's error is
# its own (seed by seed +0.77, +0.16 and +1.01 dB: 0.65 ± 0.44, a result, though seed 1
# gained little), and 0.17 dB on blur (+0.29, -0.08, +0.31: 0.17 ± 0.22, no result; a
# likely reason: a blur spreads each pixel over its neighbours, which half-size features
# capture as well). With Keras' own `Adam` the same seeds had given noise 31.00 ± 0.18
# against 30.13 ± 0.16: the gain holds, its size moves with the arithmetic. One head serves
# both tasks. Only the pairs change between the two runs:
# `course_datasets(PROFILE, task=task)` builds the pipelines from that task's split. Each run
# has its own stable folder (`runs/06_other_paired_tasks-<profile>/noise` and `.../blur`),
# so running the notebook again resumes instead of retraining.

# %%
import keras

from lowlight_utils import pix2pix
from lowlight_utils.config import run_folder
from lowlight_utils.pix2pix.method import TASK_OUTPUTS
from lowlight_utils.training import course_datasets, default_epochs, load_model, train

EPOCHS = default_epochs("pix2pix-bce", PROFILE)
RUNS = run_folder("06_other_paired_tasks", PROFILE)
runs, models = {}, {}
for task in ("noise", "blur"):
    data = course_datasets(PROFILE, task=task)
    keras.utils.set_random_seed(0)  # the same initial weights for both tasks
    t0 = time.perf_counter()
    model = pix2pix.build(PROFILE, output=TASK_OUTPUTS[task])  # input + full-size correction
    side = model.size_multiple  # a crop the U-Net takes as it is (32 px quick, 256 full)
    probe = load_image(splits[task].val[0].low)[None, :side, :side]
    assert np.array_equal(model(probe).numpy(), probe)  # the untrained network: its input
    runs[task] = train(model, data.train, data.val, RUNS / task,
                       epochs=EPOCHS, steps_per_epoch=data.steps_per_epoch,
                       sample_pairs=data.sample_pairs, sample_every=max(1, EPOCHS // 2),
                       verbose=0)
    models[task] = load_model(runs[task].best_model)
    hist = runs[task].history
    print(f"{task}: {EPOCHS - runs[task].initial_epoch} epochs x {data.steps_per_epoch} steps "
          f"in {time.perf_counter() - t0:.0f} s (resumed after epoch "
          f"{runs[task].initial_epoch}); best validation PSNR "
          f"{max(hist['val_psnr']):.2f} dB at epoch {int(np.argmax(hist['val_psnr'])) + 1}")

# %% [markdown]
# The validation PSNR of both runs, epoch by epoch, with what doing nothing scores on the same
# validation images (the dashed lines). The residual network starts on "identity" and climbs
# from there (after the first epoch it is already just above it on both tasks: 26.03 against
# 25.64 dB on noise, 28.70 against 28.65 on blur, in our run of 2026-12-03); a network that
# draws its output from scratch (the `tanh` head) starts far below it and must first learn to
# reproduce its input, and a mild degradation puts that bar high. The blur curve climbs
# smoothly and is flattening near 33.4 dB; the noise curve climbs in jumps and falls back by
# over 3 dB from one epoch to the next (its last epoch, 27.55 dB, is 3.4 dB below its best,
# 30.99 at epoch 19): the discriminator and generator are still pulling against each
# other, which is why the course keeps the best checkpoint, not the last.

# %%
from lowlight_utils.metrics import evaluate_pairs

fig, ax = plt.subplots(figsize=(6, 3.2))
val_identity = {}
for (task, run), colour in zip(runs.items(), ("C0", "C1"), strict=True):
    val = cap_images(splits[task].val)
    val_identity[task] = evaluate_pairs([p.low for p in val], [p.high for p in val]).means["psnr"]
    ax.plot(range(1, len(run.history["val_psnr"]) + 1), run.history["val_psnr"], marker=".",
            color=colour, label=f"{task}: pix2pix")
    ax.axhline(val_identity[task], color=colour, ls="--", label=f"{task}: identity")
ax.set_xlabel("epoch")
ax.set_ylabel("validation PSNR (dB)")
ax.legend(fontsize=8)
plt.show()
print("identity on validation: " + ", ".join(f"{t} {v:.2f} dB" for t, v in val_identity.items()))

# %% [markdown]
# ## 6. Every method on the test split
#
# The GANs' best checkpoints restore the test images at native resolution (`enhance_image`
# pads to the network's stride), scored like the baselines. Each cell is the mean over the
# test images and, after ±, their sample standard deviation **per image** (8 images of two
# scenes in the quick profile; images of one scene are not independent, so the spread is, if
# anything, optimistic). PSNR, SSIM and UQI: higher is better; CIEDE2000 (the perceptual
# colour difference, in ΔE units; below about 2 is hard to see): lower is better.

# %%
from lowlight_utils.inference import enhance_image

gan_outputs = {}
scores = {}
for task in runs:
    lows = [load_image(p.low) for p in test_pairs[task]]
    highs = [load_image(p.high) for p in test_pairs[task]]
    gan_outputs[task] = [enhance_image(models[task], x) for x in lows]
    scores[task] = {name: ev for name, (_, ev) in classical[task].items()}
    scores[task]["pix2pix (BCE + L1)"] = evaluate_pairs(
        gan_outputs[task], highs, names=[p.stem for p in test_pairs[task]])

COLUMNS = {"psnr": ("PSNR (dB)", 2), "ssim": ("SSIM", 4), "uqi": ("UQI", 4),
           "ciede2000": ("CIEDE2000", 2)}


def table(task):
    """A markdown table of every method of ``task``: mean ± per-image std of each metric."""
    head = "| method | " + " | ".join(label for label, _ in COLUMNS.values()) + " |"
    lines = [f"**{task}**, {len(test_pairs[task])} test images", head,
             "|---|" + "---:|" * len(COLUMNS)]
    for name, ev in scores[task].items():
        cells = [f"{ev.means[k]:.{d}f} ± {ev.stds[k]:.{d}f}" for k, (_, d) in COLUMNS.items()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


for task in runs:
    print(table(task), end="\n\n")

# %% [markdown]
# Which differences are results? The course's rule: a difference smaller than its spread is
# **no result**. Two methods here restored the same test images, so the spread that matters
# is that of the per-image differences: the cell takes method A's score minus method B's on
# each image and calls the mean a result only when it is larger than those differences'
# sample standard deviation. (The table's per-image spreads are larger, because they also
# hold how much harder one photograph is than another, which cancels image by image. With 8
# images of 2 scenes, even a result speaks for these two scenes only.) The cell compares
# Pix2Pix with doing nothing and with the task's best classical method by test PSNR, metric by
# metric, and prints the mean difference ± its spread and the verdict.

# %%
from lowlight_utils.metrics import paired_gap

GAN = "pix2pix (BCE + L1)"


def verdict(task, a, b, metric):
    """:func:`paired_gap` of methods ``a`` and ``b`` of the table of ``task`` on ``metric``:
    mean and spread of the per-image differences ``a - b``, and the verdict."""
    return paired_gap(scores[task][a], scores[task][b], metric)


best_classical = {task: max((n for n in scores[task] if n not in ("identity", GAN)),
                            key=lambda n: scores[task][n].means["psnr"]) for task in runs}
verdicts = {}
for task in runs:
    for other in ("identity", best_classical[task]):
        for metric in COLUMNS:
            verdicts[task, other, metric] = verdict(task, GAN, other, metric)
        print(f"{task}: pix2pix - {other}: " + "; ".join(
            f"{COLUMNS[m][0]} {verdicts[task, other, m].mean:+.{COLUMNS[m][1]}f} "
            f"± {verdicts[task, other, m].spread:.{COLUMNS[m][1]}f} "
            f"({verdicts[task, other, m].verdict})"
            for m in COLUMNS))

# %% [markdown]
# Crops of one test image per task, where the difference is visible: the input, the best
# classical method, Pix2Pix and the reference. Grain is easier to see than to measure by
# eye, so the cell also prints what is left of the error in the crop: each image's RMS
# difference from the reference, in levels of 255.

# %%
rows = []
for task in runs:
    i = len(test_pairs[task]) - 1
    low, high = load_image(test_pairs[task][i].low), load_image(test_pairs[task][i].high)
    name = best_classical[task]
    classic = restored[task][name][i]  # restored in section 4, with the tuned setting
    rows.append([crop(x) for x in (low, classic, gan_outputs[task][i], high)])
    print(f"{task}, {test_pairs[task][i].stem}: PSNR input {psnr(low, high):.2f}, {name} "
          f"{psnr(classic, high):.2f}, pix2pix {psnr(gan_outputs[task][i], high):.2f} dB")
    # what is left in the crop: RMS difference from the reference, in 8-bit levels
    left_over = {k: 255 * np.sqrt(np.mean((crop(x) - crop(high)) ** 2))
                 for k, x in (("input", low), (name, classic), ("pix2pix", gan_outputs[task][i]))}
    print("  in the crop, RMS difference from the reference (8-bit levels): " + ", ".join(
        f"{k} {v:.1f}" for k, v in left_over.items())
        + f"; pix2pix keeps {left_over['pix2pix'] / left_over['input']:.0%} of the input's")
show_grid(rows, titles=["input", "best classical", "pix2pix", "reference"],
          row_labels=list(runs))
plt.show()

# %% [markdown]
# In our run (2026-12-03, `make notebooks`) the crops show two different trade-offs. On the
# noise task NL-means smooths the coffee flat: the grain is gone, and with it the small dark
# specks of the crema that the reference has; Pix2Pix keeps the specks but leaves a visible
# grain: in the crop its RMS difference from the reference is 8.2 levels of 255 against the
# input's 15.2 and NL-means' 6.0 (the cell prints them), so about half of the input's error
# is left. On the blur task Pix2Pix and Richardson-Lucy are hard to tell apart (4.3 and 4.5
# levels, the input 5.8); both sharpen the rim and the specks.
#
# Read the table and the verdicts above together. Pix2Pix clears the **identity** bar on
# both tasks, by more than the spread (noise +4.99 ± 1.29 dB, blur +2.62 ± 0.04 dB per image
# in our run), in every metric. Against the **classical** methods, which were handed what
# the GAN has to learn (the noise is white, the kernel is known exactly) and tuned on
# validation: on blur it is level with Richardson-Lucy in PSNR (+0.17 ± 0.54 dB, no result)
# and better in SSIM, UQI and CIEDE2000; on noise it is behind NL-means by 1.19 ± 0.81 dB
# in this run (worse: the gap is larger than its spread; NL-means is also better in
# CIEDE2000, Pix2Pix in UQI). Before the full-resolution head (section 5) the same notebook
# printed NL-means ahead by 1.73-1.81 dB in three runs. How much of this is the seed? The
# same recipe trained from three seeds on the same split (`python -m lowlight_utils.bench
# heads --task noise --output refine --seeds 0 1 2`, 2026-12-03) ended 30.79 ± 0.47 dB over
# the seeds, NL-means ahead by 1.05 ± 0.47 dB (0.87, 1.58 and 0.69 dB); with Keras' own
# `Adam` instead of the course's `FusedAdam` (the same update, rounded differently) the same
# three seeds had ended 31.00 ± 0.18 dB (0.85, 1.00 and 0.64 dB behind). Over those six runs
# NL-means is about 1 dB ahead on average, and a single run lands anywhere from 0.6 to
# 1.6 dB behind it: so the last cell asserts 2 dB on noise, and the course claims no more
# than "about 1 dB behind, on average over seeds". The plain residual head, the same three
# seeds, stays 1.70 ± 0.05 dB behind.
#
# The quick profile's 400 training steps on 24 pairs are a small budget, and the noise curve
# above had not settled when it stopped: trained four times as long (80 epochs, 5.5 minutes
# on a 2-core CPU, `python -m lowlight_utils.bench heads --task noise --output residual
# --epochs 80`), even the plain residual head reached 31.15 ± 2.72 dB, 0.68 dB below
# NL-means' 31.83. The full profile trains the report's 54-million-parameter U-Net for 100
# epochs, and numbers from one profile do not carry over to the other.
#
# ## 7. SSIM up while PSNR falls?
#
# The phone-to-DSLR report found that its deblurring GAN raised SSIM from 0.70 to 0.86 while
# PSNR fell from 22.68 to 20.32 dB (UQI fell too), and argued that PSNR suits deblurring
# less. Does it happen here? The cell compares each method's change against the blurred
# input, for PSNR and SSIM.

# %%
blur_scores = scores["blur"]
pattern = {}
for name, ev in blur_scores.items():
    if name == "identity":
        continue
    d_psnr = ev.means["psnr"] - blur_scores["identity"].means["psnr"]
    d_ssim = ev.means["ssim"] - blur_scores["identity"].means["ssim"]
    pattern[name] = d_psnr < 0 < d_ssim
    print(f"{name:20s} PSNR {d_psnr:+6.2f} dB, SSIM {d_ssim:+.4f} against the blurred input: "
          f"{'the report pattern (SSIM up, PSNR down)' if pattern[name] else 'not the pattern'}")
shown = [name for name, yes in pattern.items() if yes]
print(f"methods with the report's pattern here: {', '.join(shown) or 'none'}")

# %% [markdown]
# Why can the two metrics disagree at all? PSNR is a pixel-wise error: every pixel's squared
# difference counts the same, wherever it is, so a small change of brightness or colour over
# the whole image costs many dB. SSIM compares local means, contrasts and correlations in 11x11
# windows; its structure term ignores a uniform offset and its luminance term barely moves
# for one, while it punishes lost edges. A blurred image is the opposite case: every pixel is
# close to its target (high PSNR) but the local structure is smoothed away (lower SSIM). So
# an output that is **sharp but slightly off in brightness or colour** (the report's outputs
# had a colour deviation, and it stretched their contrast afterwards) can have a higher SSIM
# and a lower PSNR than the blurred input. The cell makes such outputs from the test
# references themselves and scores them like the blurred input: the reference 4 % of the
# range brighter, 10 % more gain, and shifted by one pixel.

# %%
blur_lows = [load_image(p.low) for p in test_pairs["blur"]]
blur_highs = [load_image(p.high) for p in test_pairs["blur"]]
variants = {
    "blurred input": lambda lo, hi: lo,
    "reference + 0.04": lambda lo, hi: np.clip(hi + 0.04, 0, 1),
    "reference x 1.1": lambda lo, hi: np.clip(hi * 1.1, 0, 1),
    "reference shifted 1 px": lambda lo, hi: np.roll(hi, 1, axis=1),
}
demo = {}
for name, make in variants.items():
    outs = [make(lo, hi) for lo, hi in zip(blur_lows, blur_highs, strict=True)]
    demo[name] = evaluate_pairs(outs, blur_highs).means
    print(f"{name:24s} PSNR {demo[name]['psnr']:6.2f} dB   SSIM {demo[name]['ssim']:.4f}")

# %% [markdown]
# A perfectly sharp image a little too bright scores a few dB *below* the blurred input in
# PSNR and well *above* it in SSIM: the report's pattern, without any GAN. A one-pixel shift
# lowers both, since SSIM compares structure at the same place. Neither metric alone says
# "sharper and right": report both, look at crops, and for colour add CIEDE2000, which
# measured the colour error that PSNR mixes with everything else.
#
# **LDR to HDR**, the phone-to-DSLR report's third task, is not trained here: it needs
# multi-exposure photographs merged into HDR references (the report used 176 scenes of an
# LDR-HDR pair data set), which no installed package ships. It changes the recipe in two
# places the report names: the generator ends in a ReLU instead of a tanh, because HDR values
# exceed 1, and instance normalisation replaces batch norm. It also changes what a score
# means: PSNR needs a peak value, and HDR images have none, so the report normalised each
# image on its own before scoring; its 19.10 -> 23.94 dB and 0.864 -> 0.902 SSIM are
# measured on those normalised images, not on radiance.
#
# ## Exercises
#
# Each exercise changes one thing and measures what it does, with the models and baselines
# above (nothing is retrained). Try it in a new cell first; the worked solution follows each
# one (collapsed on the course site).

# %% [markdown] tags=["exercise"]
# **Exercise 1: the gain sets the difficulty.** Spoil one clean test photograph with
# `synthesize_noise` at a fixed gain of 4, 8 and 32, and denoise each with the best classical
# noise method at its tuned setting. How does the PSNR of the noisy input and of the result
# change with the gain?

# %% tags=["solution"]
from lowlight_utils.classical.restoration import restore

name = best_classical["noise"]
params = classical["noise"][name][0]
ex_clean = load_image(test_pairs["noise"][0].high)
ex_gain = {}
for g in gains:
    noisy = synthesize_noise(ex_clean, seed=3, gain=g)
    ex_gain[g] = (psnr(noisy, ex_clean), psnr(restore(name, noisy, **params), ex_clean))
    print(f"gain {g:4g}: noisy {ex_gain[g][0]:.2f} dB -> {name} {ex_gain[g][1]:.2f} dB "
          f"(+{ex_gain[g][1] - ex_gain[g][0]:.2f})")

# %% [markdown] tags=["solution"]
# Both fall as the gain grows, and the denoised result stays several dB above its noisy
# input at every gain, gaining more the noisier the input (the numbers above). Eight times
# the gain means eight times fewer photo-electrons per level, so sqrt(8) = 2.8 times the shot
# noise, 9 dB less PSNR, and the read noise and the clipping of dark values add to it; the
# denoiser loses less than its input, because it adapts its strength to the noise level it
# estimates. This is why the task draws a gain between 4 and 32 for each
# image: a network trained at one gain meets others in use, and a fixed-strength filter
# would suit only one of them.

# %% [markdown] tags=["exercise"]
# **Exercise 2: deconvolve with the wrong kernel.** Non-blind deconvolution is only as good as
# the kernel it is told. Deblur the blur task's test images with Wiener deconvolution
# (`skimage.restoration.wiener`, the tuned balance) assuming sigma 0.7, 1.0 and 1.4, and
# compare the PSNR and SSIM with the blurred input's.

# %% tags=["solution"]
from skimage.restoration import wiener

balance = classical["blur"]["wiener"][0]["balance"]


def wiener_deblur(img, sigma):
    """Wiener deconvolution per channel with a Gaussian kernel of ``sigma`` (mirror-padded)."""
    psf, pad = gaussian_kernel(sigma), 16
    padded = np.pad(img.astype(np.float64), ((pad, pad), (pad, pad), (0, 0)), mode="symmetric")
    out = np.stack([wiener(padded[..., c], psf, balance) for c in range(3)], axis=-1)
    return np.clip(out[pad:-pad, pad:-pad], 0, 1)


ex_sigma = {}
for sigma in (0.7, 1.0, 1.4):
    outs = [wiener_deblur(lo, sigma) for lo in blur_lows]
    ex_sigma[sigma] = evaluate_pairs(outs, blur_highs).means
    print(f"assumed sigma {sigma}: PSNR {ex_sigma[sigma]['psnr']:.2f} dB, SSIM "
          f"{ex_sigma[sigma]['ssim']:.4f}  (blurred input {demo['blurred input']['psnr']:.2f} "
          f"dB, {demo['blurred input']['ssim']:.4f})")

# %% [markdown] tags=["solution"]
# The true sigma (1.0) is best by a clear margin. Too small a kernel (0.7) undoes only part of
# the blur: the result is between the input and the correct deconvolution. Too large a kernel
# (1.4) over-sharpens: it creates ringing around edges and amplifies the noise, and it falls
# below the correct kernel on both metrics (see the numbers above). A real photograph's blur
# (defocus, shake, the lens) is not known this exactly, which is where a network that learns
# the inverse from pairs earns its place; on this synthetic task the classical method is
# handed the answer.

# %% [markdown] tags=["exercise"]
# **Exercise 3: one network per task.** Run the noise-trained Pix2Pix on the blur task's test
# images and the blur-trained one on the noise task's, and compare with each task's own
# network. Is one trained GAN a general restorer?

# %% tags=["solution"]
ex_cross = {}
for task, other in (("noise", "blur"), ("blur", "noise")):
    highs = [load_image(p.high) for p in test_pairs[task]]
    outs = [enhance_image(models[other], load_image(p.low)) for p in test_pairs[task]]
    ex_cross[task] = evaluate_pairs(outs, highs, names=[p.stem for p in test_pairs[task]])
    own = scores[task][GAN]
    gap = paired_gap(own, ex_cross[task], "psnr")
    print(f"{task} test images: its own network {own.means['psnr']:.2f} dB, the {other} "
          f"network {ex_cross[task].means['psnr']:.2f} dB (own - other {gap}), identity "
          f"{scores[task]['identity'].means['psnr']:.2f} dB")

# %% [markdown] tags=["solution"]
# In our quick-profile run (2026-12-03) each network is far better on its own task than the
# other network is: +8.44 ± 1.48 dB on the noise images (the deblurrer, 22.21 dB, makes the
# noisy input worse: it sharpens the noise), +3.49 ± 0.01 dB on the blur images (the
# denoiser, 30.14 dB, smooths the blurred input further). One trained GAN is not a general
# restorer: a residual network learns *this* degradation's correction, and applied to
# another it does harm. (With the `tanh` head of an earlier version of the course, the two
# networks were within 0.5 dB of each other, no result: neither had learned its task yet.)

# %% [markdown] tags=["exercise"]
# **Exercise 4: the report's post-processing.** The phone-to-DSLR report stretched the
# contrast of its outputs (Gmin 10, Gmax 240 in 8-bit levels;
# `lowlight_utils.classical.lowlight.contrast_stretch`). Apply it to this notebook's deblurred
# outputs (Pix2Pix and the best classical method) and to the references themselves, and
# score PSNR and SSIM before and after.

# %% tags=["solution"]
from lowlight_utils.classical.lowlight import contrast_stretch

name = best_classical["blur"]
candidates = {
    "pix2pix": gan_outputs["blur"],
    name: restored["blur"][name],  # section 4's outputs of the tuned setting
    "reference": blur_highs,
}
ex_stretch = {}
for label, outs in candidates.items():
    before = evaluate_pairs(outs, blur_highs).means
    after = evaluate_pairs([contrast_stretch(o) for o in outs], blur_highs).means
    ex_stretch[label] = (before, after)
    print(f"{label:16s} PSNR {before['psnr']:6.2f} -> {after['psnr']:6.2f} dB, "
          f"SSIM {before['ssim']:.4f} -> {after['ssim']:.4f}")

# %% [markdown] tags=["solution"]
# The stretch moves every pixel value (it maps 10..240 onto 0..255), so the reference itself
# loses its perfect score: a post-processing step that "looks better" is a difference from
# the target, and PSNR charges for it in full, while SSIM, whose structure term a linear map
# of the values leaves unchanged, falls less. In our run (2026-12-03) the stretch lowered
# both scores of every output: Pix2Pix 33.62 -> 30.15 dB and SSIM 0.916 -> 0.871,
# Richardson-Lucy 33.45 -> 30.09 dB and 0.897 -> 0.852, the reference itself to 32.75 dB and
# 0.948. With the earlier `tanh` head, whose outputs had a little less contrast than the
# references, the same stretch raised Pix2Pix's SSIM while its PSNR fell by more than a dB:
# the report's pattern, made by the post-processing alone, and only for an output that
# lacked contrast to begin with. A report that scores stretched outputs measures the
# stretch as well as the network; score the raw output, and report the post-processed one
# only beside it, labelled.

# %% [markdown]
# ## 8. What this notebook claims
#
# The blur kernel is the 7x7 Gaussian the pairs were made with; the synthetic noise is white
# (no correlation between neighbours, unlike noise spread over neighbouring pixels) and grows
# with the gain; every classical method is tuned on validation and the best one of each
# task beats doing nothing in PSNR; a sharp reference a little too bright has a lower PSNR
# and a higher SSIM than the blurred input (the mechanism of the report's observation); the
# correct kernel is the best one to deconvolve with. On the trained networks, in the quick
# profile: Pix2Pix with the full-resolution residual head beats doing nothing in PSNR on
# both tasks, image by image by more than the spread; on blur it is level with the best
# classical method or above it (asserted: less than 1 dB behind), and on noise it is about
# 1 dB behind NL-means on average over training seeds, a single run 0.6-1.6 dB (asserted:
# less than 2 dB behind). That is the bar this course sets a learned method: one that loses
# to a tuned library call by more than about a dB has not earned its place. A smoke run
# (`LOWLIGHT_SMOKE=1`, two training steps, two test images) proves only that the code runs,
# so there the claims about scores are replaced by what still holds: finite outputs in
# [0, 1] of the input's shape.

# %%
from lowlight_utils.config import is_smoke

assert kernel.shape == (7, 7) and abs(kernel.sum() - 1) < 1e-9
assert abs(r_white) < 0.05 < 0.3 < r_boxed, (r_white, r_boxed)
assert noise_std[32.0][12] > 2 * noise_std[4.0][12]
for task in runs:
    assert all(o.shape == load_image(p.low).shape and np.isfinite(o).all()
               and 0 <= o.min() <= o.max() <= 1
               for o, p in zip(gan_outputs[task], test_pairs[task], strict=True))
assert demo["reference + 0.04"]["psnr"] < demo["blurred input"]["psnr"]
assert demo["reference + 0.04"]["ssim"] > demo["blurred input"]["ssim"]
assert ex_stretch["reference"][1]["psnr"] < ex_stretch["reference"][0]["psnr"]
if not is_smoke():
    for task in runs:
        assert verdict(task, best_classical[task], "identity", "psnr").verdict == "better", task
        assert verdict(task, GAN, "identity", "psnr").verdict == "better", task
    # noise: 0.6-1.6 dB behind over six training runs, about 1 on average (section 6)
    for task, allowed in (("noise", 2.0), ("blur", 1.0)):
        assert verdict(task, GAN, best_classical[task], "psnr").mean > -allowed, task
    assert ex_sigma[1.0]["psnr"] > max(ex_sigma[0.7]["psnr"], ex_sigma[1.4]["psnr"])
print("claims hold: " + "; ".join(
    f"{task}: best classical {best_classical[task]} "
    f"{scores[task][best_classical[task]].means['psnr']:.2f} dB, pix2pix "
    f"{scores[task][GAN].means['psnr']:.2f} dB, identity "
    f"{scores[task]['identity'].means['psnr']:.2f} dB" for task in runs))

# %% [markdown]
# ## References
#
# * P. Isola, J.-Y. Zhu, T. Zhou, A. A. Efros. *Image-to-Image Translation with Conditional
#   Adversarial Networks* (pix2pix). CVPR 2017.
#   [arXiv:1611.07004](https://arxiv.org/abs/1611.07004)
# * A. Foi, M. Trimeche, V. Katkovnik, K. Egiazarian. *Practical Poissonian-Gaussian Noise
#   Modeling and Fitting for Single-Image Raw-Data* (the noise model). IEEE TIP 17(10), 2008.
#   [doi:10.1109/TIP.2008.2001399](https://doi.org/10.1109/TIP.2008.2001399)
# * T. Brooks, B. Mildenhall, T. Xue, J. Chen, D. Sharlet, J. T. Barron. *Unprocessing Images
#   for Learned Raw Denoising* (what a camera's pipeline does to sensor noise). CVPR 2019.
#   [arXiv:1811.11127](https://arxiv.org/abs/1811.11127)
# * A. Buades, B. Coll, J.-M. Morel. *A non-local algorithm for image denoising* (non-local
#   means). CVPR 2005. [doi:10.1109/CVPR.2005.38](https://doi.org/10.1109/CVPR.2005.38)
# * W. H. Richardson. *Bayesian-Based Iterative Method of Image Restoration*. JOSA 62(1), 1972.
#   [doi:10.1364/JOSA.62.000055](https://doi.org/10.1364/JOSA.62.000055)
# * O. Kupyn, V. Budzan, M. Mykhailych, D. Mishkin, J. Matas. *DeblurGAN: Blind Motion
#   Deblurring Using Conditional Adversarial Networks*. CVPR 2018.
#   [arXiv:1711.07064](https://arxiv.org/abs/1711.07064)
# * Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli. *Image Quality Assessment: From
#   Error Visibility to Structural Similarity* (SSIM). IEEE TIP 13(4), 2004.
#   [doi:10.1109/TIP.2003.819861](https://doi.org/10.1109/TIP.2003.819861)
# * G. Sharma, W. Wu, E. N. Dalal. *The CIEDE2000 color-difference formula: Implementation
#   notes, supplementary test data, and mathematical observations*. Color Research &
#   Application 30(1), 2005. [doi:10.1002/col.20070](https://doi.org/10.1002/col.20070)
# * G. Eilertsen, J. Kronander, G. Denes, R. K. Mantiuk, J. Unger. *HDR image reconstruction
#   from a single exposure using deep CNNs*. SIGGRAPH Asia 2017.
#   [arXiv:1710.07480](https://arxiv.org/abs/1710.07480)
# * *Image Denoising Using A Generative Adversarial Network*, the Pix2Pix SIDD denoising report
#   (unpublished project report): BCE + 100 x L1 on SIDD's 160 pairs, best-PSNR checkpoint.
# * The Pix2Pix phone-to-DSLR report (unpublished project report): deblurring pairs made with
#   a sigma-1 Gaussian, SSIM 0.70 -> 0.86 while PSNR fell 22.68 -> 20.32 dB, LDR to HDR.
