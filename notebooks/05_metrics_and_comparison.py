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
# # 05 · Metrics in depth, and every method on one table
#
# What PSNR, SSIM, UQI, MAE and CIEDE2000 measure, how each can be made to lie, and an honest
# comparison of every method of the course on one split, one profile, one set of metrics,
# with the spread beside every mean; then the same comparison over every scene in turn.
#
# **Accelerator:** a CPU is enough; this notebook trains nothing and loads the models that
# notebooks 02-04 exported to `runs/models/` (run them first, as `make course` does). On
# Colab every notebook gets its own machine: set `LOWLIGHT_MODELS_DIR` to a folder on your
# mounted Google Drive in notebooks 02-05 so the exports survive.
# **Reproduces:** the metrics of all five reports (PSNR; SSIM and MAE of the slides; the
# per-channel PSNR and the Wang-Bovik UQI of the phone-to-DSLR report) and examines the
# Zero-DCE report's 28.21 dB.
#
# **Full profile:** trains nothing (`python -m lowlight_utils.bench cost --only
# 05_metrics_and_comparison` says so).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lowlight-course/lowlight-gan-course/blob/main/notebooks/05_metrics_and_comparison.ipynb)

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
# ## 1. Five metrics, one picture each
#
# We need an enhanced image to measure. Before any network, take the automatic-gamma output
# of notebook 01 on a test image, and compare it with its reference.
#
# * **MAE** = mean |x - y|: the average error in units of the [0, 1] range.
# * **PSNR** = 10 log10(MAX² / MSE) with MAX = 1 for [0, 1] images: a log-scaled MSE. +6 dB
#   means half the RMS error. It does not care *where* the error is.
# * **SSIM** (Wang et al., 2004) compares local means (luminance), standard deviations
#   (contrast) and correlation (structure) in an 11x11 Gaussian window (sigma 1.5), then
#   averages the map: `SSIM = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))`.
# * **UQI** (Wang & Bovik, 2002) is SSIM's ancestor without the constants, in 8x8 windows:
#   `Q = 4 σxy μx μy / ((σx² + σy²)(μx² + μy²))`. Without C1, C2 it is unstable on flat
#   regions (the course follows the authors' code for those windows).
# * **CIEDE2000** (ΔE00, CIE 2001) converts both images to CIELAB and measures, pixel by
#   pixel, how different the two colours *look*, weighting lightness, chroma and hue as
#   human observers do; about 1 is just noticeable, above 10 they read as different
#   colours. Lower is better. It is the one metric here built on colour perception.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lowlight_utils.classical.lowlight import gamma_correction
from lowlight_utils.config import cap_images
from lowlight_utils.data import course_splits, load_image
from lowlight_utils.metrics import mae, psnr, psnr_per_channel, ssim, uqi

splits = course_splits()
print(splits)
test_pairs = cap_images(splits.test)  # all of them, or two in a smoke run (LOWLIGHT_SMOKE=1)
test_low = [load_image(p.low) for p in test_pairs]
test_high = [load_image(p.high) for p in test_pairs]
gamma_out = [gamma_correction(x) for x in test_low]

pred, ref = gamma_out[-1], test_high[-1]
s_val, s_map = ssim(pred, ref, return_map=True)
q_val, q_map = uqi(pred, ref, return_map=True)
fig, ax = plt.subplots(1, 5, figsize=(17, 3))
for a, img, title in zip(ax, [pred, ref, np.abs(pred - ref).mean(-1), s_map.mean(-1),
                              q_map.mean(-1)],
                         ["gamma output", "reference",
                          f"|error|, MAE {mae(pred, ref):.3f}, PSNR {psnr(pred, ref):.2f} dB",
                          f"SSIM map, mean {s_val:.3f}", f"UQI map, mean {q_val:.3f}"],
                         strict=True):
    im = a.imshow(img, cmap=None if img.ndim == 3 else "magma")
    a.set_title(title, fontsize=9)
    a.axis("off")
    if img.ndim == 2:
        fig.colorbar(im, ax=a, fraction=0.046)
fig.tight_layout()
plt.show()

# %% [markdown]
# The error image shows where the pixels are off (mostly brightness on large areas); the
# SSIM map shows where *structure* is lost (noise in flat regions, edges); UQI is harsher on
# flat, noisy regions because it has no stabilising constants.
#
# ### What CIEDE2000 sees that PSNR does not
#
# PSNR adds up squared differences of R, G and B, whatever they do to the colour. Two errors
# of the same size can look very different: below, one copy of a test reference is made
# brighter, another has its hue turned by 30 degrees (in HSV), and the brightening is tuned
# so that both copies have **the same PSNR**. CIEDE2000 tells them apart, and its maps show
# where: the hue shift changes what colour things are (a tabby cat turning olive), which a
# viewer notices far more than a slightly lighter picture.

# %%
from scipy.optimize import brentq
from skimage.color import deltaE_ciede2000, hsv2rgb, rgb2hsv, rgb2lab

from lowlight_utils.metrics import ciede2000

ref = test_high[0]
hsv = rgb2hsv(ref)
hsv[..., 0] = (hsv[..., 0] + 30 / 360) % 1.0
hue_shifted = hsv2rgb(hsv).astype(np.float32)
hue_psnr = psnr(hue_shifted, ref)


def brighter(d):
    return np.clip(ref + d, 0, 1)


d_equal = brentq(lambda d: psnr(brighter(d), ref) - hue_psnr, 1e-4, 0.9)  # same PSNR
bright_shifted = brighter(d_equal)
equal_psnr = {"brighter": (bright_shifted, psnr(bright_shifted, ref), ciede2000(bright_shifted, ref)),
              "hue +30 deg": (hue_shifted, hue_psnr, ciede2000(hue_shifted, ref))}
fig, ax = plt.subplots(1, 5, figsize=(17, 3))
ax[0].imshow(ref)
ax[0].set_title("reference", fontsize=9)
for i, (name, (img, p_, de)) in enumerate(equal_psnr.items()):
    ax[1 + i].imshow(img)
    ax[1 + i].set_title(f"{name}: PSNR {p_:.2f} dB, CIEDE2000 {de:.1f}", fontsize=9)
    de_map = deltaE_ciede2000(rgb2lab(img), rgb2lab(ref))
    im = ax[3 + i].imshow(de_map, cmap="magma", vmin=0, vmax=30)
    ax[3 + i].set_title(f"ΔE00 map, {name}", fontsize=9)
    fig.colorbar(im, ax=ax[3 + i], fraction=0.046)
for a in ax:
    a.axis("off")
fig.tight_layout()
plt.show()
for name, (_, p_, de) in equal_psnr.items():
    print(f"{name:12s} PSNR {p_:6.2f} dB   CIEDE2000 {de:5.2f}")

# %% [markdown]
# Same PSNR (22.73 dB), yet almost three times the colour difference for the hue shift
# (CIEDE2000 18.1 against 6.4, as printed; the last cell checks the factor is above 2.5),
# and its map is bright wherever the fur has colour to turn. A low-light
# enhancer that brightens well but turns the colours (a classic failure of per-channel
# curves and of GANs trained on few scenes) can score well on PSNR and still look wrong:
# the table of section 4 therefore reports CIEDE2000 beside PSNR.
#
# ## 2. Cross-check: the course's metrics against scikit-image and TensorFlow
#
# A metric implementation is only as good as its agreement with the references. The course
# computes SSIM with Gaussian weights (sigma 1.5), population covariance, per channel then
# averaged, exactly as `skimage.metrics.structural_similarity(..., gaussian_weights=True,
# sigma=1.5, use_sample_covariance=False)` and `tf.image.ssim` do.

# %%
import tensorflow as tf
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

rows = []
for p, r in zip(gamma_out, test_high, strict=True):
    rows.append([
        psnr(p, r), peak_signal_noise_ratio(r, p, data_range=1.0),
        float(tf.image.psnr(p, r, max_val=1.0)),
        ssim(p, r), structural_similarity(r, p, data_range=1.0, channel_axis=-1,
                                          gaussian_weights=True, sigma=1.5,
                                          use_sample_covariance=False),
        float(tf.image.ssim(tf.constant(p), tf.constant(r), max_val=1.0)),
    ])
rows = np.array(rows)
print(f"{'':10s} {'course':>9s} {'skimage':>9s} {'tf.image':>9s}   max |difference|")
print(f"{'PSNR (dB)':10s} {rows[:, 0].mean():9.4f} {rows[:, 1].mean():9.4f} "
      f"{rows[:, 2].mean():9.4f}   {np.abs(rows[:, 0:1] - rows[:, 1:3]).max():.2e}")
print(f"{'SSIM':10s} {rows[:, 3].mean():9.4f} {rows[:, 4].mean():9.4f} "
      f"{rows[:, 5].mean():9.4f}   {np.abs(rows[:, 3:4] - rows[:, 4:6]).max():.2e}")

# %% [markdown]
# ## 3. How a score can lie: each pitfall measured
#
# Every line below changes one thing about *how* the same gamma outputs (and, for the last
# one, the untouched dark inputs) are scored. None of them changes the images.

# %%
from lowlight_utils.notebook.plotting import luminance


def mean(fn, preds, refs=test_high):
    return float(np.mean([fn(p, r) for p, r in zip(preds, refs, strict=True)]))


def to256(x):
    return tf.image.resize(x, (256, 256), antialias=True).numpy()


def gt_mean(p, r):
    """The "GT-mean" correction: rescale the output to the reference's mean brightness."""
    return np.clip(p * luminance(r).mean() / max(luminance(p).mean(), 1e-6), 0, 1)


honest_psnr, honest_ssim = mean(psnr, gamma_out), mean(ssim, gamma_out)
pitfalls = {
    "PSNR with max_val=255 on [0, 1] data": (honest_psnr,
                                              mean(lambda p, r: psnr(p, r, 255.0), gamma_out)),
    "mean of per-channel PSNRs": (honest_psnr,
                                  mean(lambda p, r: psnr_per_channel(p, r).mean(), gamma_out)),
    "SSIM on grayscale": (honest_ssim,
                          mean(lambda p, r: ssim(luminance(p), luminance(r)), gamma_out)),
    "SSIM, 7x7 uniform window (skimage default)": (honest_ssim, mean(
        lambda p, r: structural_similarity(r, p, data_range=1.0, channel_axis=-1),
        gamma_out)),
    "PSNR after resizing to 256x256": (honest_psnr,
                                       mean(lambda p, r: psnr(to256(p), to256(r)), gamma_out)),
    "SSIM after resizing to 256x256": (honest_ssim,
                                       mean(lambda p, r: ssim(to256(p), to256(r)), gamma_out)),
    "PSNR with GT-mean correction": (honest_psnr,
                                     mean(lambda p, r: psnr(gt_mean(p, r), r), gamma_out)),
    "PSNR of the dark INPUT with GT-mean": (mean(psnr, test_low),
                                            mean(lambda p, r: psnr(gt_mean(p, r), r),
                                                 test_low)),
}
print(f"{'scored as':45s} {'honest':>8s} {'reported':>9s} {'change':>8s}")
for name, (h, r) in pitfalls.items():
    print(f"{name:45s} {h:8.3f} {r:9.3f} {r - h:+8.3f}")

# %% [markdown]
# * `max_val=255` on data in [0, 1] adds exactly 20 log10(255) = 48.13 dB: a dark image
#   "scores" over 50 dB. Always pass the range your data is in.
# * Averaging per-channel PSNRs is never lower than the joint PSNR (the log of a mean is at
#   least the mean of the logs); the phone-to-DSLR report's per-channel figure is biased
#   upward against joint PSNRs, usually slightly (a tenth of a dB here), more when one
#   channel is much worse than the others.
# * SSIM on grayscale ignores colour errors and usually scores higher; the 7x7 uniform window
#   gives a different number again. Say which SSIM you report.
# * Resizing both images to 256x256 before scoring blurs away noise and fine errors: the
#   score goes up without the enhancement getting better. Score at native resolution.
# * The GT-mean correction (used by some papers) rescales the output to the reference's
#   brightness before scoring, which removes exactly the error a low-light enhancer is
#   supposed to fix: the untouched dark input jumps by many dB (more than 10 on the embedded
#   sample). Report it only next
#   to the uncorrected score, clearly labelled.
#
# Two more pitfalls need trained models and come in section 5: scoring on training images,
# and the leaky split of notebook 01.
#
# ## 4. Every method on one table
#
# One split (the test split above), one profile, the same metrics at native resolution. The
# learned models are the ones notebooks 02-04 trained and exported in this profile.
# "Parameters" counts what runs at inference (the generator, not the discriminator), and
# "ms / 600x400" is the median time to enhance one LOL-sized image on this machine; it
# depends on what else the machine is doing. In our run (2026-12-02) a half-hour benchmark
# shared the 2-core CPU while the times were measured, so they are inflated (the GANs took
# about 2.5 times as long as in the run before): compare them with each other only roughly,
# and time on an idle machine before you rank speed. Beside each mean is its spread: the
# sample standard deviation **over the test images** (8 pairs, four darkenings of each of
# the two test scenes, so they are not independent; with only two scenes a spread over
# scenes would rest on two numbers).

# %%
import time

from lowlight_utils.classical.lowlight import BASELINES
from lowlight_utils.inference import enhance_image
from lowlight_utils.metrics import METRIC_NAMES, evaluate_pairs
from lowlight_utils.notebook.handoff import load_exported

LEARNED = {"Pix2Pix BCE": "pix2pix-bce", "Pix2Pix WGAN-GP": "pix2pix-wgan-gp",
           "Zero-DCE": "zero-dce", "Zero-DCE++": "zero-dce++"}
models = {label: load_exported(method, PROFILE) for label, method in LEARNED.items()}
enhancers = {name: fn for name, fn in BASELINES.items()}
for label, model in models.items():
    enhancers[label] = lambda img, m=model: enhance_image(m, img)


def parameters(label):
    if label not in models:
        return 0
    model = models[label]
    return getattr(model, "generator", model).count_params()


def ms_per_image(fn, repeats=3):
    image = np.random.default_rng(0).random((400, 600, 3)).astype(np.float32)
    fn(image)  # warm-up: traces the graph once
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(image)
        times.append(time.perf_counter() - t0)
    return 1000 * float(np.median(times))


names = [p.stem for p in test_pairs]
outputs, scores, results = {}, {}, []
for label, fn in enhancers.items():
    outputs[label] = [fn(img) for img in test_low]
    scores[label] = evaluate_pairs(outputs[label], test_high, names=names)
    m, sd = scores[label].means, scores[label].stds
    results.append({"method": label, **{k: m[k] for k in METRIC_NAMES},
                    **{f"{k}_std": sd[k] for k in METRIC_NAMES},
                    "parameters": parameters(label), "ms_600x400": ms_per_image(fn)})
print(f"{'method':17s} {'PSNR (dB)':>13s} {'SSIM':>13s} {'UQI':>13s} {'MAE':>13s} "
      f"{'CIEDE2000':>12s} {'params':>11s} {'ms/600x400':>10s}")
for r in results:
    print(f"{r['method']:17s} {r['psnr']:6.2f} ± {r['psnr_std']:4.2f} "
          f"{r['ssim']:.3f} ± {r['ssim_std']:.3f} {r['uqi']:.3f} ± {r['uqi_std']:.3f} "
          f"{r['mae']:.3f} ± {r['mae_std']:.3f} {r['ciede2000']:5.2f} ± {r['ciede2000_std']:4.2f} "
          f"{r['parameters']:11,d} {r['ms_600x400']:10.1f}")

# %% [markdown]
# A mean is only worth comparing with another when their gap is larger than the spread.
# The fairer comparison is paired: the same test image through both methods. Below, each
# learned model's per-image PSNR minus that of the best classical method (highest mean
# PSNR), as mean ± std over the test images, and in CIEDE2000 (lower is better); a gap
# smaller than its spread is called **no result**.

# %%
from lowlight_utils.metrics import paired_gap

best_classical = max(BASELINES, key=lambda k: scores[k].means["psnr"])
verdicts = {}
print(f"best classical method: {best_classical}")
for label in LEARNED:  # paired_gap: mean ± std of the per-image differences, and the verdict
    verdicts[label] = {m: paired_gap(scores[label], scores[best_classical], m)
                       for m in ("psnr", "ciede2000")}  # CIEDE2000: lower is better
    p_, c_ = verdicts[label]["psnr"], verdicts[label]["ciede2000"]
    print(f"{label:17s} PSNR {p_.mean:+6.2f} ± {p_.spread:4.2f} dB ({p_.verdict:9s})   "
          f"CIEDE2000 {c_.mean:+6.2f} ± {c_.spread:4.2f} ({c_.verdict})")

# %% [markdown]
# In our run (2026-12-03) every learned model is 0.8-1.7 dB above gamma on the mean, with
# a spread of 3.4-4.1 dB per gap: every PSNR gap is smaller than its spread, so none of them
# is a result. In CIEDE2000 they are 1.1-3.5 lower, with spreads of 3.3-5.2; one gap is a
# result, if only just: WGAN-GP's colour error is 3.54 ± 3.29 below gamma's.
#
# What CIEDE2000 adds on the learned models' outputs: each dot is one test image through
# one method. Methods sit at different heights for the same PSNR when their errors are
# colour errors rather than brightness errors; the two rankings printed under the plot are
# by mean PSNR (higher first) and by mean CIEDE2000 (lower first).

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
for label in enhancers:
    ax.scatter([row["psnr"] for row in scores[label].rows],
               [row["ciede2000"] for row in scores[label].rows], label=label, s=18)
ax.set_xlabel("PSNR (dB), higher is better")
ax.set_ylabel("CIEDE2000, lower is better")
ax.set_title("every test image through every method")
ax.legend(fontsize=8, ncol=2)
plt.show()
rank_psnr = sorted(enhancers, key=lambda k: -scores[k].means["psnr"])
rank_de = sorted(enhancers, key=lambda k: scores[k].means["ciede2000"])
print("by PSNR:     ", " > ".join(rank_psnr))
print("by CIEDE2000:", " > ".join(rank_de))
print("the rankings", "agree" if rank_psnr == rank_de else "differ")

# %% [markdown]
# The same test images through every method:

# %%
picks = [0, len(test_low) - 1]
labels = list(enhancers)
show = [[np.clip(test_low[i] * 4, 0, 1)] + [outputs[k][i] for k in labels if k != "identity"]
        + [test_high[i]] for i in picks]
from lowlight_utils.notebook.plotting import show_grid

show_grid(show, titles=["low (x4)"] + [k for k in labels if k != "identity"] + ["reference"],
          size=2.2)
plt.show()

# %% [markdown]
# What our run's figure shows (2026-12-03; look at yours, the learned rows depend on the
# run). Gamma lifts everything evenly and leaves the photo faded; histogram equalisation
# drains the colour. The two GANs are a little more contrasted than the reference, and
# their cat is brighter than it; their whites (the cup's rim, the cat's pale fur) are
# cooler than the reference's warm cream, and BCE's cat has a pink tint. The two Zero-DCE
# models are lighter and yellower than the reference, most visibly on the cat.
# Compare each with the reference before the table: a colour cast costs a viewer more than
# the dB suggest.

# %% [markdown]
# **Before ranking the two GANs against each other:** they were not trained on the same
# budget. Each follows its own report's schedule: in the quick profile notebook 02 trains
# Pix2Pix BCE for 20 epochs of 20 generator steps, notebook 03 trains WGAN-GP for 10 epochs
# of 20 (each notebook prints its budget as it trains). In our run WGAN-GP's row is ahead
# (20.51 against 20.10 dB), by less than either spread; any gap between them mixes the
# method with the length of training. Notebook 03 compares them fairly, with the same generator updates, data and
# initial weights.

# %% [markdown]
# ### Every scene held out once (a copied benchmark run)
#
# The table above rests on two test scenes. `python -m lowlight_utils.bench
# generalisation` asks the broader question: it cuts the eight scenes into four folds, and
# in each fold trains every learned method (quick profile, each method's own budget, the
# checkpoint chosen on one validation scene) on the remaining five scenes and scores it on
# the two it never saw, so every scene is held out exactly once. Fold 0 is the course's
# own split. That takes about half an hour on a 2-core CPU, too long for this notebook, so
# the tables below are **copied** from runs of
# `python -m lowlight_utils.bench generalisation --markdown --out scores.csv` (2-core CPU,
# seed 0): the classical and GAN columns from a run of 2026-12-02, 12:35-13:12 UTC, with
# the GANs' curve head (`--methods identity gamma histeq clahe pix2pix-bce
# pix2pix-wgan-gp`), the Zero-DCE columns from the run of 01:49-02:19 UTC the same day
# (Zero-DCE's code has not changed since; the classical columns of both runs are
# identical). They are not recomputed here and will not change when you rerun this notebook.
#
# PSNR (dB) of each held-out scene (the mean over its four darkenings):
#
# | fold | held-out scene | identity | gamma | histeq | clahe | pix2pix-bce | pix2pix-wgan-gp | zero-dce | zero-dce++ |
# |---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
# | 0 | chelsea | 8.90 | 21.00 | 14.04 | 11.86 | 19.66 | 19.34 | 18.58 | 18.92 |
# | 0 | coffee | 8.88 | 16.65 | 13.99 | 11.16 | 21.68 | 21.19 | 20.61 | 20.80 |
# | 1 | astronaut | 7.48 | 16.06 | 18.80 | 9.98 | 21.80 | 21.62 | 20.30 | 20.58 |
# | 1 | grace_hopper | 9.74 | 15.06 | 13.10 | 12.00 | 21.29 | 21.09 | 20.24 | 20.16 |
# | 2 | ihc | 6.15 | 14.33 | 15.30 | 8.66 | 22.77 | 19.85 | 18.07 | 18.60 |
# | 2 | motorcycle | 9.23 | 18.04 | 17.52 | 12.68 | 18.45 | 19.97 | 21.23 | 21.35 |
# | 3 | retina | 9.50 | 15.69 | 11.77 | 11.21 | 20.14 | 21.09 | 19.94 | 19.95 |
# | 3 | rocket | 12.57 | 12.70 | 9.36 | 14.78 | 17.61 | 18.97 | 20.80 | 19.96 |
#
# Over the eight held-out scenes (± = sample standard deviation over scenes; the best
# classical method is the one with the best mean PSNR over all scenes, gamma; a fold counts
# as beating it when the method's mean PSNR over the fold's two scenes is higher):
#
# | method | kind | PSNR (dB), mean ± std over scenes | CIEDE2000, mean ± std | PSNR − gamma (dB) | folds beating gamma | verdict |
# |---|---|---:|---:|---:|---:|---|
# | identity | classical | 9.06 ± 1.85 | 30.68 ± 7.90 |  |  |  |
# | gamma | classical | 16.19 ± 2.51 | 16.81 ± 3.89 | best classical |  |  |
# | histeq | classical | 14.23 ± 3.02 | 17.27 ± 5.52 |  |  |  |
# | clahe | classical | 11.54 ± 1.82 | 23.97 ± 5.12 |  |  |  |
# | pix2pix-bce | learned | 20.42 ± 1.78 | 11.77 ± 2.04 | +4.23 ± 3.18 | 4/4 | better |
# | pix2pix-wgan-gp | learned | 20.39 ± 0.98 | 12.78 ± 2.66 | +4.20 ± 2.73 | 4/4 | better |
# | zero-dce | learned | 19.97 ± 1.10 | 11.95 ± 1.09 | +3.78 ± 2.93 | 4/4 | better |
# | zero-dce++ | learned | 20.04 ± 0.92 | 11.98 ± 1.27 | +3.85 ± 2.66 | 4/4 | better |
#
# What it says. Every learned method beats gamma in all four folds, and by more than the
# scene-to-scene spread of the gap: a result, over eight scenes, where the two test scenes
# of the table above could not give one. The course's target (Pix2Pix BCE ahead of the best
# classical method in at least 80 % of folds) is met. Gamma still wins on one scene, the
# cat (`chelsea`, 21.00 dB against 19.66 for Pix2Pix BCE), where automatic gamma lands
# close to the reference's exposure. The GAN rows changed with one thing, the
# generator's head: with the report's `tanh` head (the run of 01:49 UTC) Pix2Pix BCE scored
# 17.36 ± 3.58 dB, +1.16 ± 3.67 over gamma in 3/4 folds (no result), and collapsed to 10.10
# dB on the microscope slide `ihc`; WGAN-GP scored 16.59 ± 2.13. With the curve head the
# slide scores 22.77 dB. Why: a `tanh` head draws its output from what it learned on five
# photographs, and a slide, mostly near-white background, is unlike any of them; a curve
# head can only brighten each pixel of the input along a smooth curve (plus a correction
# that starts at zero), so the slide's own structure and colours come through, as they do
# for Zero-DCE, which has always been the steadiest across scenes. Two cautions: the
# benchmark keeps each method's best-validation-PSNR checkpoint (so Zero-DCE, though
# trained without references, has its checkpoint picked with one), whereas notebook 04
# exports Zero-DCE's last epoch, so the Zero-DCE rows of the table above can differ from
# these; and one seed per method, so the run-to-run noise of training is not in the spread.

# %% [markdown]
# ## 5. Two pitfalls that need a trained model
#
# **Scoring on training images.** The same models on the images they were trained on (the
# training split) and on the test split. A gap is memory, not skill. One darkening of each
# training scene is enough to see it (the training split also holds a 1411x1411 retina, so
# all 24 pairs would take most of this notebook's time), and PSNR alone is what we compare.

# %%
from lowlight_utils.data.synthetic import scene_of

train_pairs = cap_images(list({scene_of(p): p for p in reversed(splits.train)}.values()))
train_low = [load_image(p.low) for p in train_pairs]
train_high = [load_image(p.high) for p in train_pairs]
seen_vs_unseen = {}
for label in LEARNED:
    on_train = float(np.mean([psnr(enhancers[label](x), h)
                              for x, h in zip(train_low, train_high, strict=True)]))
    seen_vs_unseen[label] = (on_train, scores[label].means["psnr"])
    print(f"{label:17s} training images {on_train:6.2f} dB, test images "
          f"{scores[label].means['psnr']:6.2f} dB")

# %% [markdown]
# In the quick profile the two columns are close: in our run every learned model scores
# 0.63-1.81 dB higher on the training images (Pix2Pix BCE 21.91 against 20.10 dB), less
# than the spread over the test images, and Zero-DCE, which never sees a reference, shows
# a gap of 0.63 dB, so part of it is that the scenes differ. A few hundred
# steps on colour-augmented crops leave these networks no time to memorise five scenes, so
# here the pitfall costs little. A long run can memorise; the check is one cell, so run it
# on your own models.
#
# **Augment, then split.** Notebook 01 measured it with a model that only memorises: the
# same validation images scored several dB higher when copies of their scenes were in the
# training set. The mistake flatters whatever can memorise, which includes a 54-million-
# parameter U-Net.
#
# ## 6. How can a report get 28.21 dB?
#
# The Zero-DCE report says its model averaged 28.21 dB PSNR on LOL images it held out. The
# published Zero-DCE figure on LOL is about 14.9 dB. We score our Zero-DCE outputs with
# each mistake from section 3, alone and combined, and with one more: a slip in the formula
# itself, `20 log10(MAX / MSE)` instead of `10 log10(MAX^2 / MSE)` (or 20 log10 of MAX over
# the MSE instead of the RMSE), which exactly doubles the PSNR. Which lands near 28.21 dB?

# %%
zd = outputs["Zero-DCE"]
honest = mean(psnr, zd)
candidates = {
    "honest (native size, max 1)": honest,
    "resize to 256x256 (as the report's pipeline did)": mean(
        lambda p, r: psnr(to256(p), to256(r)), zd),
    "GT-mean brightness correction": mean(lambda p, r: psnr(gt_mean(p, r), r), zd),
    "resize to 256 + GT-mean": mean(lambda p, r: psnr(to256(gt_mean(p, r)), to256(r)), zd),
    "max_val=255 on [0, 1] data": mean(lambda p, r: psnr(p, r, 255.0), zd),
    "scored against its own input": mean(psnr, zd, test_low),
    "20 log10 of MSE instead of RMSE (PSNR doubled)": 2 * honest,
}
for name, value in candidates.items():
    print(f"{name:50s} {value:7.2f} dB  ({value - honest:+6.2f})")
# The report's model would have to gain 28.21 - 14.86 dB over the published score. Each
# mistake's gain is measured on our model; doubling adds what the model scores, so on a
# model at the published 14.86 dB it adds 14.86 dB.
needed = 28.21 - 14.86
gain_at_published = {k: v - honest for k, v in candidates.items() if not k.startswith("honest")}
gain_at_published["20 log10 of MSE instead of RMSE (PSNR doubled)"] = 14.86
closest = min(gain_at_published, key=lambda k: abs(gain_at_published[k] - needed))
print(f"\nneeded: {needed:+.2f} dB over the published 14.86 dB; closest gain: {closest} "
      f"({gain_at_published[closest]:+.2f} dB, so {14.86 + gain_at_published[closest]:.2f} dB)")

# %% [markdown]
# `max_val=255` on [0, 1] data adds 48.13 dB, far too much; scoring against the input goes
# the wrong way; resizing adds a little. The brightness (GT-mean) correction is the largest of
# the "method" mistakes, because Zero-DCE's main error is global brightness (it never sees a
# reference) and that is what the correction removes, yet even with resizing it stays well
# short of the +13 dB needed. The formula slip, on the other hand, adds as much as the
# model scores: on the published Zero-DCE score it gives 29.72 dB, 1.5 dB from the report's
# number and the closest of all. (Our model scores differently on this different test
# split, so doubling its score lands elsewhere; what matters is the gain the report needs.)
# It is the most likely
# explanation, but the report gives no code for its metric, so it cannot be confirmed. The
# lessons: publish the metric code with the number, check it against a reference
# implementation (section 2), and report the uncorrected, native-resolution score first.
#
# ## 7. Published numbers on LOL, for orientation
#
# These are from the papers (LOL-v1 `eval15`, RGB, no brightness correction), on real LOL
# photographs: **different data** from the embedded sample above, so they cannot be ranked
# against our table. They show what the methods reach on the benchmark.

# %%
published = {"Zero-DCE": (14.86, 0.562), "RetinexNet": (16.77, 0.56),
             "EnlightenGAN": (17.48, 0.65), "KinD": (20.87, 0.80),
             "SNR-Aware": (24.61, 0.842), "Retinexformer": (25.16, 0.845)}
print(f"{'method (published, LOL eval15)':32s} {'PSNR':>6s} {'SSIM':>6s}")
for name, (p_, s_) in published.items():
    print(f"{name:32s} {p_:6.2f} {s_:6.3f}")
print("\nReports reproduced here (their own data and splits): WGAN-GP report best validation "
      "21.4 dB (LOL, leaky split); SIDD report 23.86 dB (denoising, SIDD); Zero-DCE report "
      "28.21 dB (see section 6).")

# %% [markdown]
# ## 8. The results, written down
#
# The table goes to `results.csv` and `results.md` in `$LOWLIGHT_RESULTS_DIR` (the course
# runner sets it to `build/course/`), or in a new folder under `results/` of the runs root
# (`runs/`, or `LOWLIGHT_RUNS_DIR`). The README's
# results table is generated from `results.md` of a quick-profile run.

# %%
import csv
import os
import platform
from datetime import datetime
from pathlib import Path

from lowlight_utils.config import runs_dir

out_dir = Path(os.environ.get("LOWLIGHT_RESULTS_DIR") or
               runs_dir() / "results" / f"{PROFILE.name}-{datetime.now():%Y%m%d-%H%M%S}")
out_dir.mkdir(parents=True, exist_ok=True)
with open(out_dir / "results.csv", "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=list(results[0]))
    writer.writeheader()
    writer.writerows(results)
machine = f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.python_version()}"
lines = [f"Profile `{PROFILE.name}`{' (SMOKE RUN)' if PROFILE.smoke else ''}, "
         f"{splits.source} test split ({len(test_pairs)} pairs, "
         f"native resolution), {datetime.now():%Y-%m-%d}, {machine}. Each cell is the mean "
         f"± the sample standard deviation over the {len(test_pairs)} test images; "
         "CIEDE2000: lower is better.", "",
         "| method | PSNR (dB) | SSIM | UQI | MAE | CIEDE2000 | parameters | ms / 600x400 |",
         "|---|---:|---:|---:|---:|---:|---:|---:|"]
lines += [f"| {r['method']} | {r['psnr']:.2f} ± {r['psnr_std']:.2f} | "
          f"{r['ssim']:.4f} ± {r['ssim_std']:.4f} | {r['uqi']:.4f} ± {r['uqi_std']:.4f} | "
          f"{r['mae']:.4f} ± {r['mae_std']:.4f} | {r['ciede2000']:.2f} ± {r['ciede2000_std']:.2f} | "
          f"{r['parameters']:,} | {r['ms_600x400']:.1f} |" for r in results]
(out_dir / "results.md").write_text("\n".join(lines) + "\n")
print(f"wrote {out_dir / 'results.csv'} and {out_dir / 'results.md'}")

# %% [markdown]
# ## Exercises
#
# Each exercise changes one thing and measures what it does. Try it in a new cell first; the
# worked solution follows each one (collapsed on the course site). None of them trains; all
# reuse the outputs of section 4.

# %% [markdown] tags=["exercise"]
# **Exercise 1: write PSNR yourself.** Write `my_psnr(pred, ref)` for images in [0, 1]
# from the definition in section 1, and check it with `check_psnr`, which compares it with
# the course's on random images and names the mistake if there is one. Then pass the
# checker a PSNR with the classic mistake of section 3, a peak of 255 on [0, 1] data.

# %% tags=["solution"]
from lowlight_utils.notebook.graders import check_psnr


def my_psnr(pred, ref, peak=1.0):
    mse = np.mean((np.asarray(pred, np.float64) - np.asarray(ref, np.float64)) ** 2)
    return 10 * np.log10(peak ** 2 / mse)


print(check_psnr(my_psnr))
print(check_psnr(lambda pred, ref: my_psnr(pred, ref, peak=255.0)))

# %% [markdown] tags=["solution"]
# `my_psnr` passes. With a peak of 255 the checker recognises the mistake of section 3 and
# names it: every value is the course's plus exactly 20 log10(255) = 48.13 dB, whatever the
# images. It also recognises a doubled PSNR (the formula slip of section 6), a flipped sign,
# per-channel averaging and the natural logarithm.

# %% [markdown] tags=["exercise"]
# **Exercise 2: does the SSIM variant change the ranking?** Rank the methods of section 4 by
# the course's SSIM and by scikit-image's default SSIM (7x7 uniform window), and list where
# the two orders differ.

# %% tags=["solution"]
ex_ssim = {label: (scores[label].means["ssim"], mean(
    lambda p, r: structural_similarity(r, p, data_range=1.0, channel_axis=-1), outs))
    for label, outs in outputs.items()}
ex_rank_course = sorted(ex_ssim, key=lambda k: -ex_ssim[k][0])
ex_rank_default = sorted(ex_ssim, key=lambda k: -ex_ssim[k][1])
for i, (a, b) in enumerate(zip(ex_rank_course, ex_rank_default, strict=True), 1):
    print(f"{i}. {a:17s} {ex_ssim[a][0]:.4f}   | {b:17s} {ex_ssim[b][1]:.4f}"
          f"{'' if a == b else '   <- differs'}")

# %% [markdown] tags=["solution"]
# In this run the two orders agree row by row, and the uniform window gives every method but
# the dark input a slightly higher SSIM (Pix2Pix WGAN-GP 0.5665 -> 0.5858, CLAHE 0.5412 ->
# 0.5481). They need not agree: the two variants weight structure at different scales, so
# methods with close scores can swap, and in an earlier run of this notebook (2026-12-03,
# before the course's Adam became one kernel per variable, which moved the GANs' last
# digits) CLAHE (0.5412) and WGAN-GP (0.5378) were second and third by the course's SSIM
# and swapped places under the uniform window (0.5481 against 0.5575). Look at the top two
# here, too: 0.5665 against 0.5662, a difference no table should rank. The lesson of section 3 stands: say which SSIM you report, because the
# numbers themselves are not comparable across variants.

# %% [markdown] tags=["exercise"]
# **Exercise 3: score at 256x256.** Section 3 showed that resizing to 256x256 before scoring
# raises the gamma output's PSNR. Does it raise every method's by the same amount? Compute
# each method's PSNR gain from resizing.

# %% tags=["solution"]
ex_gain = {label: mean(lambda p, r: psnr(to256(p), to256(r)), outs) - scores[label].means["psnr"]
           for label, outs in outputs.items()}
for label, g in sorted(ex_gain.items(), key=lambda kv: kv[1]):
    print(f"{label:17s} {scores[label].means['psnr']:6.2f} dB at native size, {g:+.2f} dB "
          "at 256x256")

# %% [markdown] tags=["solution"]
# No: resizing raises every score, but unevenly, from a few hundredths of a dB for the
# dark input and CLAHE to 2.24 dB for Zero-DCE++ here, with Zero-DCE gaining 1.99 dB,
# gamma 1.67 dB and the two GANs 1.13 dB each. Downscaling averages noise away, so methods
# that amplify the sensor noise (gamma and the two Zero-DCE models) gain most. Scored at
# 256x256, the order of the learned models turns over: Zero-DCE++ and Zero-DCE (about 21.9
# and 21.7 dB) move ahead of the two GANs (about 21.6 and 21.2 dB), a change of ranking made by the
# metric alone. Gaps of a few tenths of a dB are far smaller than the spreads of section 4,
# so neither order is a result; what the resize changes is which method the table puts
# first.

# %% [markdown] tags=["exercise"]
# **Exercise 4: how far apart are the top two?** The table shows means. For the two methods
# with the highest mean PSNR, print their per-image PSNRs and count on how many test images
# the first beats the second.

# %% tags=["solution"]
ex_top = sorted(scores, key=lambda k: -scores[k].means["psnr"])[:2]
ex_per_image = {k: [row["psnr"] for row in scores[k].rows] for k in ex_top}
for k in ex_top:
    print(f"{k:17s} mean {scores[k].means['psnr']:6.2f} dB; per image "
          + " ".join(f"{v:5.2f}" for v in ex_per_image[k]))
ex_wins = sum(a > b for a, b in zip(*ex_per_image.values(), strict=True))
print(f"{ex_top[0]} beats {ex_top[1]} on {ex_wins} of {len(ex_per_image[ex_top[0]])} images")

# %% [markdown] tags=["solution"]
# In this run the top two are Pix2Pix WGAN-GP (20.51 dB) and Pix2Pix BCE (20.10 dB), and
# WGAN-GP beats BCE on 6 of the 8 test images; the per-image differences run from -0.57 to
# +1.39 dB (mean +0.41, std 0.69), so the lead is smaller than its spread: no result, and in
# the previous run of this notebook BCE led by 0.02 dB. The 8 images come from only two photographs
# (the test scenes), so they are far from independent, and the two models had different
# training budgets (see the note after the table). Even a consistent win on 8 correlated
# images would be weaker evidence than it looks; notebook 03's equal-budget comparison and
# more test scenes are what would settle it.

# %% [markdown]
# ## Your own photograph
#
# The test images are the course's. Try a dark photograph of your own: every trained model
# of notebooks 02-04 and every classical baseline enhance it **at its full resolution**
# (models run through `enhance_image`, which tiles photographs above 4 megapixels), side by
# side. Locally, set `MY_PHOTO` to the file's path; on Colab, set `UPLOAD = True` and pick
# the file when asked. With neither, the cell uses the first test image. The full-resolution
# outputs are written as PNG files to a new folder under the runs root, which is printed, so
# you can open them and zoom in; below them, a 1:1 crop from the middle of each shows the
# pixels as they are.

# %%
import sys

from lowlight_utils.data import save_image
from lowlight_utils.notebook.plotting import show_labelled

MY_PHOTO = None  # e.g. "~/Pictures/dark_kitchen.jpg"
UPLOAD = False  # on Colab: True opens a file picker

if UPLOAD and "google.colab" in sys.modules:
    from google.colab import files

    MY_PHOTO = next(iter(files.upload()))  # the uploaded file, saved in the working folder
photo_path = Path(MY_PHOTO).expanduser() if MY_PHOTO else test_pairs[0].low
photo = load_image(photo_path)  # a clear error names the file if it cannot be read
mine = {"input": photo}
for label, fn in enhancers.items():
    if label != "identity":
        mine[label] = np.clip(fn(photo), 0, 1)
photo_dir = runs_dir() / "my_photo" / f"{Path(photo_path).stem}-{datetime.now():%Y%m%d-%H%M%S}"
for label, img in mine.items():
    save_image(photo_dir / f"{label.replace(' ', '_').replace('+', 'plus')}.png", img)
print(f"{photo_path}: {photo.shape[1]}x{photo.shape[0]} pixels, enhanced by {len(mine) - 1} "
      f"methods; full-resolution outputs in {photo_dir}")
show_labelled(mine, columns=4, size=3.0)
plt.show()
ph, pw = photo.shape[:2]
side = min(160, ph, pw)
top, left = (ph - side) // 2, (pw - side) // 2
show_labelled({label: img[top:top + side, left:left + side] for label, img in mine.items()},
              columns=4, one_to_one=True)
plt.show()

# %% [markdown]
# ## 9. Checks
#
# What the text above claims, asserted. In a smoke run (`LOWLIGHT_SMOKE=1`) the models were
# trained for two steps, so the checks on what they learned (beating doing nothing, how a
# report could reach 28.21 dB from their outputs) are replaced by what still holds: finite
# scores for every method.

# %%
from lowlight_utils.config import is_smoke

h, r = pitfalls["PSNR with max_val=255 on [0, 1] data"]
assert abs((r - h) - 20 * np.log10(255)) < 1e-6
h, r = pitfalls["mean of per-channel PSNRs"]
assert r >= h - 1e-9
h, r = pitfalls["PSNR of the dark INPUT with GT-mean"]
assert r - h > 5
assert np.abs(rows[:, 0:1] - rows[:, 1:3]).max() < 1e-3
assert np.abs(rows[:, 3:4] - rows[:, 4:6]).max() < 1e-4
(_, p_bright, de_bright), (_, p_hue, de_hue) = equal_psnr.values()
assert abs(p_bright - p_hue) < 0.01  # the two copies have the same PSNR ...
assert de_hue > 2.5 * de_bright  # ... and CIEDE2000 sees the hue shift as far worse
for r in results:  # every row has CIEDE2000 and a spread beside each mean
    assert all(np.isfinite(r[f"{k}_std"]) and r[f"{k}_std"] >= 0 for k in METRIC_NAMES), r
    assert np.isfinite(r["ciede2000"]), r
results_md = (out_dir / "results.md").read_text()
table_rows = [ln for ln in results_md.splitlines() if ln.startswith("| ") and " ± " in ln]
assert "| CIEDE2000 |" in results_md and len(table_rows) == len(results)
assert all(ln.count(" ± ") == len(METRIC_NAMES) for ln in table_rows)  # a spread per mean
by_name = {r["method"]: r for r in results}
gains = {k: v - honest for k, v in candidates.items() if k != "honest (native size, max 1)"}
methods_mistakes = {k: v for k, v in gains.items() if not k.startswith(("max_val", "20 log10"))}
if is_smoke():
    assert np.isfinite([r["psnr"] for r in results]).all(), results
    assert np.isfinite(list(candidates.values())).all(), candidates
else:
    for label in LEARNED:
        assert by_name[label]["psnr"] > by_name["identity"]["psnr"] + 4, label
    assert max(methods_mistakes, key=methods_mistakes.get).startswith(("GT-mean",
                                                                       "resize to 256"))
    assert max(methods_mistakes.values()) < 28.21 - 14.86  # none of them explains +13 dB
    assert closest.startswith("20 log10")  # the formula slip lands nearest to 28.21 dB
assert (out_dir / "results.md").is_file()
print("checks passed")

# %% [markdown]
# ## References
#
# * Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli. *Image Quality Assessment: From Error
#   Visibility to Structural Similarity* (SSIM). IEEE Transactions on Image Processing 13(4),
#   2004. [doi:10.1109/TIP.2003.819861](https://doi.org/10.1109/TIP.2003.819861)
# * Z. Wang, A. C. Bovik. *A Universal Image Quality Index* (UQI). IEEE Signal Processing
#   Letters 9(3), 2002. [doi:10.1109/97.995823](https://doi.org/10.1109/97.995823)
# * C. Wei, W. Wang, W. Yang, J. Liu. *Deep Retinex Decomposition for Low-Light Enhancement*
#   (the LOL data set, and RetinexNet). BMVC 2018.
#   [arXiv:1808.04560](https://arxiv.org/abs/1808.04560)
# * Published LOL figures of section 7: Zero-DCE,
#   [arXiv:2001.06826](https://arxiv.org/abs/2001.06826); EnlightenGAN (Y. Jiang et al.,
#   *EnlightenGAN: Deep Light Enhancement without Paired Supervision*, IEEE TIP 2021),
#   [arXiv:1906.06972](https://arxiv.org/abs/1906.06972); KinD (Y. Zhang, J. Zhang, X. Guo,
#   *Kindling the Darkness: A Practical Low-light Image Enhancer*, ACM MM 2019),
#   [arXiv:1905.04161](https://arxiv.org/abs/1905.04161); SNR-Aware (X. Xu, R. Wang, C.-W. Fu,
#   J. Jia, *SNR-Aware Low-Light Image Enhancement*, CVPR 2022),
#   [code](https://github.com/dvlab-research/SNR-Aware-Low-Light-Enhance); Retinexformer (Y. Cai
#   et al., *Retinexformer: One-stage Retinex-based Transformer for Low-light Image
#   Enhancement*, ICCV 2023), [arXiv:2303.06705](https://arxiv.org/abs/2303.06705).
# * scikit-image's `structural_similarity` and TensorFlow's `tf.image.ssim`, the references of
#   section 2:
#   [scikit-image.org](https://scikit-image.org/docs/stable/api/skimage.metrics.html),
#   [tensorflow.org](https://www.tensorflow.org/api_docs/python/tf/image/ssim)
# * *Project: Image Denoising*, the Zero-DCE low-light report (unpublished student project
#   report): its 28.21 dB, examined in section 6.
# * *Pix2Pix based Image Enhancement*, the phone-to-DSLR report (unpublished project report):
#   per-channel PSNR and UQI.
# * *Image Denoising*, the Pix2Pix + WGAN-GP low-light report (unpublished student project
#   report, one of the five reports this course reproduces) and *Image Denoising Using A
#   Generative Adversarial Network*, the Pix2Pix SIDD denoising report (unpublished project
#   report): their 21.4 dB and 23.86 dB.
