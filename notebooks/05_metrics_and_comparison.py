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
# What PSNR, SSIM, UQI, MAE and CIEDE2000 measure, how a score can be made to lie, the two
# ways papers score LOL, and every method of the course on one table, ending with which one
# to use and why.
#
# **Accelerator:** a CPU is enough; this notebook trains nothing and loads the models that
# notebooks 02-04 exported (run them first in the same profile, as `make course` does). On
# Colab every notebook gets its own machine: set `LOWLIGHT_MODELS_DIR` to a folder on your
# mounted Google Drive in notebooks 02-05 so the exports survive.
# **Reproduces:** the metrics of all five reports (PSNR; SSIM and MAE of the slides; the
# per-channel PSNR and the Wang-Bovik UQI of the phone-to-DSLR report) and examines the
# Zero-DCE report's 28.21 dB.
# **Full profile:** trains nothing (`python -m lowlight_utils.bench cost --only
# 05_metrics_and_comparison` says so).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lowlight-course/lowlight-gan-course/blob/main/notebooks/05_metrics_and_comparison.ipynb)

# %% [markdown]
# One setup cell. On Colab it installs the course's package first; everywhere, `setup()`
# chooses the run profile (`quick` on a CPU, `full` on a GPU; `LOWLIGHT_PROFILE` overrides
# it), the precision, quiet TensorFlow logs and, with `USE_DRIVE = True` on Colab, keeps the
# runs on Google Drive.

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
# of notebook 01 on a test image and compare it with its reference.
#
# * **MAE** = mean |x - y|: the average error in units of the [0, 1] range.
# * **PSNR** = 10 log10(MAX² / MSE), MAX = 1 for [0, 1] images: a log-scaled MSE. +6 dB
#   means half the RMS error. It does not care *where* the error is.
# * **SSIM** (Wang et al., 2004) compares local means, standard deviations and correlation
#   in an 11x11 Gaussian window (sigma 1.5), then averages the map.
# * **UQI** (Wang & Bovik, 2002) is SSIM's ancestor without the stabilising constants, in
#   8x8 windows, so it is harsh on flat regions.
# * **CIEDE2000** (ΔE00) converts both images to CIELAB and measures, pixel by pixel, how
#   different the two colours *look*; about 1 is just noticeable, above 10 they read as
#   different colours. Lower is better.

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
# Read the three maps against the photographs: the error image shows where the pixels are
# off (brightness over large areas, a colour cast), the SSIM map where *structure* is lost
# (noise in flat regions, edges), and UQI is darker still on flat, noisy regions.
#
# ### What CIEDE2000 sees that PSNR does not
#
# PSNR adds up squared differences of R, G and B, whatever they do to the colour. Below, one
# copy of a test reference is made brighter, another has its hue turned by 30 degrees (in
# HSV), and the brightening is tuned so that both copies have **the same PSNR**.

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
# The two printed PSNRs are equal; the two CIEDE2000 values are not (the last cell checks
# that the hue shift's is more than 2.5 times the brightening's), and the hue map is bright
# wherever the picture has colour to turn. An enhancer that brightens well but turns the
# colours can score well on PSNR and still look wrong, so the tables below give CIEDE2000
# beside PSNR.
#
# ## 2. SSIM on the page, checked against scikit-image and TensorFlow
#
# SSIM is short enough to write out. Each statistic is a Gaussian-weighted local average
# (sigma 1.5, truncated at 3.5 sigma: an 11x11 window); only the positions whose whole window
# lies inside the image count, so a 5-pixel border is dropped. `C1`, `C2` keep the ratio
# finite where both images are flat.

# %%
from scipy.ndimage import gaussian_filter


def my_ssim(x, y, c1=0.01 ** 2, c2=0.03 ** 2):
    """SSIM of two (H, W, C) images in [0, 1], averaged over positions and channels."""
    def local_mean(z):  # Gaussian average within each channel, valid positions only
        return gaussian_filter(z, sigma=(1.5, 1.5, 0), truncate=3.5)[5:-5, 5:-5]

    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    mx, my = local_mean(x), local_mean(y)
    vx, vy = local_mean(x * x) - mx ** 2, local_mean(y * y) - my ** 2
    cov = local_mean(x * y) - mx * my
    smap = (2 * mx * my + c1) * (2 * cov + c2) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
    return float(smap.mean())


# %% [markdown]
# The teaching version must compute what the library computes (the library is what the
# tables use), here on a random batch of image pairs:

# %%
rng = np.random.default_rng(0)
batch_x, batch_y = rng.random((2, 4, 40, 56, 3))
np.testing.assert_allclose([my_ssim(x, y) for x, y in zip(batch_x, batch_y, strict=True)],
                           ssim(batch_x, batch_y), rtol=1e-9, atol=1e-12)
print("my_ssim == lowlight_utils.metrics.ssim on", len(batch_x), "random pairs")

# %% [markdown]
# And the library against the references: per channel, Gaussian weights, population
# covariance, as `skimage.metrics.structural_similarity(..., gaussian_weights=True,
# sigma=1.5, use_sample_covariance=False)` and `tf.image.ssim` compute it.

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
# Papers score LOL in two ways. **Plain RGB** scores the output as it is. **GT-mean**
# (KinD, LLFlow, Retinexformer's `--GT_mean`) first scales the output so that its mean grey
# level equals the *reference's*, then scores it. Here is Retinexformer's step; note that
# it runs OpenCV's BGR-to-grey weights on RGB arrays, so R gets 0.114 and B 0.299:

# %%
from lowlight_utils.metrics import gt_mean


def my_gt_mean(pred, ref):
    """Scale ``pred`` so its mean grey level is the reference's, then clip to [0, 1]."""
    def grey(z):  # cv2.COLOR_BGR2GRAY's weights, applied to RGB as Retinexformer does
        return (np.asarray(z, np.float64) * [0.114, 0.587, 0.299]).sum(-1).mean()

    return np.clip(pred * (grey(ref) / grey(pred)), 0, 1)


for x, y in zip(batch_x.astype(np.float32) * 0.3, batch_y.astype(np.float32), strict=True):
    np.testing.assert_allclose(my_gt_mean(x, y), gt_mean(x, y), rtol=1e-5, atol=1e-6)
print("my_gt_mean == lowlight_utils.metrics.gt_mean on", len(batch_x), "random pairs")

# %% [markdown]
# Every line below changes one thing about *how* the same gamma outputs (and, for the last
# one, the untouched dark inputs) are scored. None of them changes the images.

# %%
from lowlight_utils.notebook.plotting import luminance


def mean(fn, preds, refs=test_high):
    return float(np.mean([fn(p, r) for p, r in zip(preds, refs, strict=True)]))


def to256(x):
    return tf.image.resize(x, (256, 256), antialias=True).numpy().clip(0, 1)


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
    "PSNR with the GT-mean protocol": (honest_psnr,
                                       mean(lambda p, r: psnr(gt_mean(p, r), r), gamma_out)),
    "PSNR of the dark INPUT with GT-mean": (mean(psnr, test_low),
                                            mean(lambda p, r: psnr(gt_mean(p, r), r),
                                                 test_low)),
}
print(f"{'scored as':45s} {'honest':>8s} {'reported':>9s} {'change':>8s}")
for name, (h, r) in pitfalls.items():
    print(f"{name:45s} {h:8.3f} {r:9.3f} {r - h:+8.3f}")

# %% [markdown]
# * `max_val=255` on [0, 1] data adds exactly 20 log10(255) = 48.13 dB to every score.
#   Always pass the range your data is in.
# * The mean of per-channel PSNRs is never below the joint PSNR (the phone-to-DSLR report's
#   figure is biased upward); SSIM on grayscale ignores colour; the 7x7 uniform window gives
#   another number again. Say which one you report.
# * Resizing to 256x256 before scoring blurs away noise: the score rises, the image does not
#   improve. Score at native resolution.
# * GT-mean hands the method the reference's brightness, the very thing a low-light
#   enhancer has to find: read the last line's change for the untouched dark input. It is a
#   protocol, not a mistake, as long as the number says it used it.

# %% [markdown]
# ## 4. Every method on one table, scored both ways
#
# One split (the test split above), one profile, the same metrics at native resolution,
# every output rounded to 8-bit levels as a saved PNG would be. The learned models are the
# ones notebooks 02-04 exported in this profile; Zero-DCE++'s label names the factor its
# curves were estimated at. "Parameters" counts what runs at inference (the generator, not
# the discriminator); "ms / 600x400" is the median time to enhance one LOL-sized image on
# this machine, so it moves with whatever else the machine is doing. Beside each mean is
# its spread, the sample standard deviation over the test images (four darkenings of each
# of two scenes, so not independent).

# %%
import time

from lowlight_utils.classical.lowlight import BASELINES
from lowlight_utils.inference import enhance_image
from lowlight_utils.metrics import METRIC_NAMES, PROTOCOLS, evaluate_pairs
from lowlight_utils.notebook.handoff import load_exported


def zero_dce_pp_label(model):
    """Zero-DCE++'s row label, naming the curve-estimation factor(s) of the test images."""
    factors = sorted({model.factor_for(*x.shape[:2]) for x in test_low})
    return "Zero-DCE++ (curves at " + ", ".join(f"1/{f}" for f in factors) + ")"


models = {method: load_exported(method, PROFILE) for method in
          ("pix2pix-bce", "pix2pix-wgan-gp", "zero-dce", "zero-dce++")}
LEARNED = {"Pix2Pix BCE": "pix2pix-bce", "Pix2Pix WGAN-GP": "pix2pix-wgan-gp",
           "Zero-DCE": "zero-dce", zero_dce_pp_label(models["zero-dce++"]): "zero-dce++"}
NEEDS_PAIRS = {"pix2pix-bce": True, "pix2pix-wgan-gp": True, "zero-dce": False,
               "zero-dce++": False}  # the GANs learn from (low, reference) pairs
enhancers = dict(BASELINES)
for label, method in LEARNED.items():
    enhancers[label] = lambda img, m=models[method]: enhance_image(m, img)


def parameters(label):
    if label not in LEARNED:
        return 0
    model = models[LEARNED[label]]
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
outputs = {label: [fn(img) for img in test_low] for label, fn in enhancers.items()}
scores = {protocol: {label: evaluate_pairs(outs, test_high, names=names, protocol=protocol)
                     for label, outs in outputs.items()} for protocol in PROTOCOLS}
timing = {label: ms_per_image(fn) for label, fn in enhancers.items()}


def print_table(protocol):
    print(f"protocol {protocol!r}: mean ± std over {len(names)} test images")
    print(f"{'method':28s} {'PSNR (dB)':>13s} {'SSIM':>13s} {'MAE':>13s} {'CIEDE2000':>13s} "
          f"{'params':>10s} {'ms/600x400':>10s}")
    for label, ev in scores[protocol].items():
        m, sd = ev.means, ev.stds
        print(f"{label:28s} {m['psnr']:6.2f} ± {sd['psnr']:4.2f} {m['ssim']:.3f} ± "
              f"{sd['ssim']:.3f} {m['mae']:.3f} ± {sd['mae']:.3f} {m['ciede2000']:6.2f} ± "
              f"{sd['ciede2000']:4.2f} {parameters(label):10,d} {timing[label]:10.1f}")


print_table("rgb")

# %% [markdown]
# The same outputs under the GT-mean protocol (each scaled to its reference's mean grey
# level before scoring):

# %%
print_table("gt-mean")
for label in enhancers:
    gain = scores["gt-mean"][label].means["psnr"] - scores["rgb"][label].means["psnr"]
    print(f"GT-mean minus RGB PSNR, {label:28s} {gain:+6.2f} dB")

# %% [markdown]
# How to read the two tables: GT-mean removes each output's error in overall brightness,
# so a method gains most when brightness was its main error (the dark input first of all)
# and little or nothing when it already found the reference's level. A ranking can change
# between the two; quote the protocol with every number.
#
# A mean is only worth comparing with another when their gap is larger than the spread.
# The fair comparison is paired: the same test image through both methods, the difference
# taken image by image. `paired_gap` reports its mean and sample standard deviation and
# calls a gap no larger than its spread **no result**. In a few lines:

# %%
from lowlight_utils.metrics import paired_gap


def my_paired_gap(a, b, higher_is_better=True):
    """Mean and spread of the per-item differences a - b, and the verdict."""
    d = np.asarray(a, np.float64) - np.asarray(b, np.float64)
    gap, spread = d.mean(), d.std(ddof=1)
    if abs(gap) <= spread:
        return gap, spread, "no result"
    return gap, spread, "better" if (gap > 0) == higher_is_better else "worse"


for a, b in zip(rng.normal(20, 2, (5, 8)), rng.normal(19, 2, (5, 8)), strict=True):
    g = paired_gap(a, b, "psnr")
    assert my_paired_gap(a, b)[2] == g.verdict
    np.testing.assert_allclose(my_paired_gap(a, b)[:2], (g.mean, g.spread))
print("my_paired_gap == lowlight_utils.metrics.paired_gap on 5 random pairs of score lists")

# %% [markdown]
# Each learned model against the best classical method (the one with the highest mean RGB
# PSNR), per image, in PSNR under both protocols and in CIEDE2000 (lower is better):

# %%
best_classical = max((k for k in BASELINES if k != "identity"),
                     key=lambda k: scores["rgb"][k].means["psnr"])
verdicts = {label: {"psnr": paired_gap(scores["rgb"][label], scores["rgb"][best_classical]),
                    "psnr gt-mean": paired_gap(scores["gt-mean"][label],
                                               scores["gt-mean"][best_classical]),
                    "ciede2000": paired_gap(scores["rgb"][label], scores["rgb"][best_classical],
                                            "ciede2000")} for label in LEARNED}
print(f"best classical method: {best_classical}")
for label, v in verdicts.items():
    print(f"{label:28s} " + "   ".join(
        f"{k} {g.mean:+6.2f} ± {g.spread:4.2f} ({g.verdict})" for k, g in v.items()))
beats_classical = [label for label, v in verdicts.items() if v["psnr"].verdict == "better"]
if beats_classical:
    print(f"beat {best_classical} by more than the spread (RGB PSNR):", ", ".join(beats_classical))
else:
    print(f"on this test split no learned model beats {best_classical} by more than the spread "
          "(RGB PSNR)")

# %% [markdown]
# Read the verdicts, not the means. "better" says the model wins by more than the
# image-to-image spread of the gap; "no result" says these few images cannot tell the two
# apart, whichever mean is higher. A model can be "no result" in PSNR and "better" in
# CIEDE2000: it gets the brightness about as right but the colour more right.
#
# Each dot below is one test image through one method; methods sit at different heights
# for the same PSNR when their errors are colour errors rather than brightness errors.

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
for label in enhancers:  # circles: classical methods, triangles: learned models
    ax.scatter([row["psnr"] for row in scores["rgb"][label].rows],
               [row["ciede2000"] for row in scores["rgb"][label].rows], label=label, s=22,
               marker="o" if label in BASELINES else "^")
ax.set_xlabel("PSNR (dB, RGB protocol), higher is better")
ax.set_ylabel("CIEDE2000, lower is better")
ax.set_title("every test image through every method")
ax.legend(fontsize=8, ncol=2)
plt.show()
rank_psnr = sorted(enhancers, key=lambda k: -scores["rgb"][k].means["psnr"])
rank_de = sorted(enhancers, key=lambda k: scores["rgb"][k].means["ciede2000"])
print("by PSNR:     ", " > ".join(rank_psnr))
print("by CIEDE2000:", " > ".join(rank_de))

# %% [markdown]
# The same two test images (one of each scene) through every method. Look at the shadows
# (noise lifted with the light?), the whites (a cast?) and the overall level against the
# reference: a colour cast costs a viewer more than the dB suggest.

# %%
from lowlight_utils.notebook.plotting import show_grid

picks = [0, len(test_low) - 1]
shown = [k for k in enhancers if k != "identity"]
show_grid([[np.clip(test_low[i] * 4, 0, 1)] + [outputs[k][i] for k in shown] + [test_high[i]]
           for i in picks],
          titles=["low (x4, display only)"] + [k.replace(" (", "\n(") for k in shown]
          + ["reference"], size=2.2)
plt.show()

# %% [markdown]
# **Before ranking the two GANs against each other:** each follows its own report's
# schedule (each notebook prints its budget as it trains), so a gap between them mixes the
# method with the length of training. Notebook 03 compares them with the same generator
# updates, data and initial weights.
#
# ## 5. Two pitfalls that need a trained model
#
# **Scoring on training images.** The same models on images they were trained on (one
# darkening of each training scene) and on the test split. A gap is memory, not skill.

# %%
from lowlight_utils.data.synthetic import scene_of

train_pairs = cap_images(list({scene_of(p): p for p in reversed(splits.train)}.values()))
train_low = [load_image(p.low) for p in train_pairs]
train_high = [load_image(p.high) for p in train_pairs]
seen_vs_unseen = {}
for label in LEARNED:
    on_train = float(np.mean([psnr(enhancers[label](x), h)
                              for x, h in zip(train_low, train_high, strict=True)]))
    seen_vs_unseen[label] = (on_train, scores["rgb"][label].means["psnr"])
    print(f"{label:28s} training images {on_train:6.2f} dB, test images "
          f"{seen_vs_unseen[label][1]:6.2f} dB")

# %% [markdown]
# Compare each model's gap with the test spread of section 4. Zero-DCE never sees a
# reference, so its gap measures how much the scenes differ, not memory: a GAN's gap is
# worth worrying about only where it clearly exceeds Zero-DCE's. A few hundred steps on
# augmented crops leave little time to memorise; a long run can, and this check is one cell.
#
# **Augment, then split.** Notebook 01 measured it: the same validation images scored
# higher when copies of their scenes were in the training set. The mistake flatters whatever
# can memorise, a 54-million-parameter U-Net included.
#
# ## 6. How can a report get 28.21 dB?
#
# The Zero-DCE report says its model averaged 28.21 dB PSNR on LOL images it held out; the
# published Zero-DCE figure on LOL is 14.86 dB. We score our Zero-DCE outputs with each
# mistake of section 3, alone and combined, and with a slip in the formula itself,
# `20 log10(MAX / MSE)` instead of `10 log10(MAX² / MSE)`, which exactly doubles the PSNR.
# Which lands nearest 28.21 dB?

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
# Read the gains against the needed one printed last. `max_val=255` adds far too much;
# scoring against the input goes the wrong way; resizing adds a little; GT-mean adds the
# most of the honest-looking choices, because a model trained without references mostly
# misses the global brightness, yet it stays short. The formula slip adds as much as the
# model scores, which on the published score lands nearest the report's number. It is the
# likeliest explanation, but the report gives no metric code, so it cannot be confirmed.
# Publish the metric code with the number, check it against a reference implementation
# (section 2), and report the uncorrected, native-resolution score first.
#
# ## 7. Published numbers on LOL, each with its protocol
#
# From the papers, on LOL-v1's 15 `eval15` photographs: **different data** from the
# embedded sample, so they cannot be ranked against our tables. They show what methods
# reach on the benchmark, and how far apart the two protocols put the same model.

# %%
published = [  # (method, PSNR in dB, SSIM or None where not quoted, protocol), LOL-v1 eval15
    ("Zero-DCE", 14.86, 0.562, "rgb"), ("RetinexNet", 16.77, 0.56, "rgb"),
    ("EnlightenGAN", 17.48, 0.65, "rgb"), ("KinD", 20.87, 0.80, "rgb"),
    ("LLFlow", 21.15, None, "rgb"), ("LLFlow", 25.19, None, "gt-mean"),
    ("SNR-Aware", 24.61, 0.842, "rgb"), ("Retinexformer", 25.16, 0.845, "rgb"),
    ("Retinexformer", 27.18, None, "gt-mean")]
print(f"{'method (published, on LOL, not on this data)':46s} {'PSNR':>6s} {'SSIM':>6s}  protocol")
for name, p_, s_, protocol in published:
    print(f"{name:46s} {p_:6.2f} {'' if s_ is None else f'{s_:.3f}':>6s}  {protocol}")
print("\nReports reproduced here (their own data and splits, plain RGB): WGAN-GP report best "
      "validation 21.4 dB (LOL, leaky split); SIDD report 23.86 dB (denoising, SIDD); "
      "Zero-DCE report 28.21 dB (section 6).")

# %% [markdown]
# The same model, two numbers: Retinexformer and LLFlow each gain several dB from GT-mean;
# compare the "GT-mean minus RGB" lines our models printed in section 4. Before you compare
# your score with a paper's, find out which protocol the paper used, and score yours the
# same way (`python -m lowlight_utils evaluate --protocol gt-mean`).

# %% [markdown]
# ## 8. Which method to use, and why
#
# The cell below builds the decision from the numbers above. The rule: among the methods
# that nothing beats, take the one that asks least of you. In steps:
#
# 1. The **top** method has the highest mean RGB PSNR on the test split.
# 2. A method is **level with the top** when its paired PSNR gap to it is "no result" and
#    it is not "worse" in CIEDE2000 (colour).
# 3. Of those, choose the one that asks least: no paired references before paired ones, no
#    training before training, then fewer parameters.
#
# The same rule runs again on the methods that need no paired references, for when you only
# have dark photographs. Doing nothing (`identity`) is not a candidate.
# Two test scenes are few: [BENCHMARKS.md](../BENCHMARKS.md) holds the fold benchmark
# (`python -m lowlight_utils.bench generalisation`), which holds every scene out once; it
# trains every model four times, too long for this notebook.

# %%
from IPython.display import Markdown, display


def demands(label):
    """What a method asks of you, least first: paired references, training, parameters."""
    method = LEARNED.get(label)
    return (NEEDS_PAIRS.get(method, False), method is not None, parameters(label),
            -scores["rgb"][label].means["psnr"])


def choose(pool):
    """(top, methods level with it, the least demanding of those) within ``pool``."""
    top = max(pool, key=lambda k: scores["rgb"][k].means["psnr"])
    level = [k for k in pool if k == top or (
        paired_gap(scores["rgb"][k], scores["rgb"][top]).verdict == "no result"
        and paired_gap(scores["rgb"][k], scores["rgb"][top], "ciede2000").verdict != "worse")]
    return top, level, min(level, key=demands)


pool_all = [k for k in enhancers if k != "identity"]
pool_unpaired = [k for k in pool_all if not NEEDS_PAIRS.get(LEARNED.get(k), False)]
top, level, choice = choose(pool_all)
top_unpaired, level_unpaired, choice_unpaired = choose(pool_unpaired)


def cell(ev, metric):
    return f"{ev.means[metric]:.2f} ± {ev.stds[metric]:.2f}"


decision = ["| method | needs | PSNR RGB (dB) | PSNR GT-mean (dB) | vs " + best_classical
            + " (RGB PSNR) | CIEDE2000 | parameters | ms / 600x400 | level with top |",
            "|---|---|---:|---:|---|---:|---:|---:|---|"]
for label in pool_all:
    method = LEARNED.get(label)
    needs = ("paired references" if NEEDS_PAIRS.get(method) else "dark images only"
             if method else "nothing (no training)")
    gap = "(best classical)" if label == best_classical else "" if method is None else (
        f"{verdicts[label]['psnr'].mean:+.2f} ± {verdicts[label]['psnr'].spread:.2f} "
        f"({verdicts[label]['psnr'].verdict})")
    decision.append(
        f"| {label} | {needs} | {cell(scores['rgb'][label], 'psnr')} | "
        f"{cell(scores['gt-mean'][label], 'psnr')} | {gap} | "
        f"{cell(scores['rgb'][label], 'ciede2000')} | {parameters(label):,} | "
        f"{timing[label]:.0f} | {'top' if label == top else 'yes' if label in level else 'no'} |")
why = [reason for reason, mine, its in zip(("needs no paired references", "needs no training",
                                           "has fewer parameters"), demands(choice)[:3],
                                          demands(top)[:3], strict=True) if mine < its]
advice = [
    f"**Top by mean RGB PSNR:** {top}. Level with it: {', '.join(level)}.",
    f"**With paired references, use {choice}**: " + (
        "the top method; nothing level with it asks less." if choice == top
        else f"level with {top}, and it {' and '.join(why)}."),
    f"**With dark images only (no references), use {choice_unpaired}** (top of that group: "
    f"{top_unpaired}).",
    "**Learned against classical:** " + (
        f"{', '.join(beats_classical)} beat {best_classical} by more than the spread."
        if beats_classical else
        f"no learned model beats {best_classical} by more than the spread on this test split."),
]
display(Markdown("\n".join(decision) + "\n\n" + "\n\n".join(advice)))

# %% [markdown]
# How to read it. "level with top: yes" means the test images cannot tell that method from
# the top one, so paying for more (references, training, parameters, milliseconds) buys
# nothing you can measure here. If the last line says no learned model beats the best
# classical method, a learned model may still look better to you in the figure of section
# 4, but on these eight images of two scenes the number does not show it: prefer the
# classical curve, or measure on more scenes before you train. The time column is this
# machine's; on a GPU the networks are far faster, the classical methods are not.
#
# The table also goes to `results.csv` and `results.md` in `$LOWLIGHT_RESULTS_DIR` (the
# course runner sets it to `build/course/`), or in a new folder under `results/` of the
# runs root; RESULTS.md is generated from a quick-profile `results.md`.

# %%
import csv
import os
import platform
from datetime import datetime
from pathlib import Path

from lowlight_utils.config import runs_dir

results = [{"method": label,
            **{k: scores["rgb"][label].means[k] for k in METRIC_NAMES},
            **{f"{k}_std": scores["rgb"][label].stds[k] for k in METRIC_NAMES},
            "psnr_gt_mean": scores["gt-mean"][label].means["psnr"],
            "psnr_gt_mean_std": scores["gt-mean"][label].stds["psnr"],
            "parameters": parameters(label), "ms_600x400": timing[label]}
           for label in enhancers]
out_dir = Path(os.environ.get("LOWLIGHT_RESULTS_DIR") or
               runs_dir() / "results" / f"{PROFILE.name}-{datetime.now():%Y%m%d-%H%M%S}")
out_dir.mkdir(parents=True, exist_ok=True)
with open(out_dir / "results.csv", "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=list(results[0]))
    writer.writeheader()
    writer.writerows(results)
machine = f"{platform.machine()}, {os.cpu_count()} CPU cores, {platform.python_version()}"
lines = [f"Profile `{PROFILE.name}`{' (SMOKE RUN)' if PROFILE.smoke else ''}, "
         f"{splits.source} test split ({len(test_pairs)} pairs, native resolution, outputs "
         f"at 8-bit levels), {datetime.now():%Y-%m-%d}, {machine}. Each cell is the mean ± "
         f"the sample standard deviation over the {len(test_pairs)} test images, scored with "
         "the plain RGB protocol except the GT-mean column; CIEDE2000: lower is better.", "",
         "| method | PSNR (dB) | PSNR GT-mean (dB) | SSIM | UQI | MAE | CIEDE2000 | parameters "
         "| ms / 600x400 |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
lines += [f"| {r['method']} | {r['psnr']:.2f} ± {r['psnr_std']:.2f} | "
          f"{r['psnr_gt_mean']:.2f} ± {r['psnr_gt_mean_std']:.2f} | "
          f"{r['ssim']:.4f} ± {r['ssim_std']:.4f} | {r['uqi']:.4f} ± {r['uqi_std']:.4f} | "
          f"{r['mae']:.4f} ± {r['mae_std']:.4f} | {r['ciede2000']:.2f} ± {r['ciede2000_std']:.2f} | "
          f"{r['parameters']:,} | {r['ms_600x400']:.1f} |" for r in results]
lines += ["", "Which method to use (notebook 05, section 8):", "", *decision, "", *advice]
(out_dir / "results.md").write_text("\n".join(lines) + "\n")
print(f"wrote {out_dir / 'results.csv'} and {out_dir / 'results.md'}")

# %% [markdown]
# ## Going further
#
# ### Your own photograph
#
# Every trained model and every classical method enhance a dark photograph of yours at its
# full resolution (models tile photographs above 4 megapixels). Locally, set `MY_PHOTO` to
# its path; on Colab, set `UPLOAD = True` and pick the file. With neither, the cell uses the
# first test image. The outputs are saved as PNGs in the printed folder; below them, a 1:1
# crop from the middle shows the pixels as they are.

# %%
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
    stem = "".join(c if c.isalnum() else "_" for c in label.replace("+", "plus"))
    save_image(photo_dir / f"{stem}.png", img)
print(f"{photo_path}: {photo.shape[1]}x{photo.shape[0]} pixels, enhanced by {len(mine) - 1} "
      f"methods; full-resolution outputs in {photo_dir}")
show_labelled(mine, columns=4, size=3.0)
plt.show()
ph, pw = photo.shape[:2]
side = min(160, ph, pw)
top_, left_ = (ph - side) // 2, (pw - side) // 2
show_labelled({label: img[top_:top_ + side, left_:left_ + side] for label, img in mine.items()},
              columns=4, one_to_one=True)
plt.show()

# %% [markdown]
# ## Exercises
#
# None of them trains; all reuse the outputs of section 4. The checker of exercise 1 is
# imported here, so it is there in the student edition too.

# %%
from lowlight_utils.notebook.graders import check_psnr

# %% [markdown] tags=["exercise"]
# **Exercise 1: write PSNR yourself.** In a new cell, write `my_psnr(pred, ref)` for images
# in [0, 1] from the definition in section 1, and pass it to `check_psnr` (imported above
# from `lowlight_utils.notebook.graders`), which compares it with the course's on random
# images and names the mistake if there is one. Then pass it a PSNR with section 3's
# classic mistake, a peak of 255 on [0, 1] data.

# %% tags=["solution"]
def my_psnr(pred, ref, peak=1.0):
    mse = np.mean((np.asarray(pred, np.float64) - np.asarray(ref, np.float64)) ** 2)
    return 10 * np.log10(peak ** 2 / mse)


print(check_psnr(my_psnr))
print(check_psnr(lambda pred, ref: my_psnr(pred, ref, peak=255.0)))

# %% [markdown] tags=["solution"]
# `my_psnr` passes. With a peak of 255 the checker recognises section 3's mistake: every
# value is the course's plus exactly 20 log10(255), whatever the images. It also recognises
# a doubled PSNR (section 6's slip), a flipped sign, per-channel averaging and the natural
# logarithm.

# %% [markdown] tags=["exercise"]
# **Exercise 2: does the SSIM variant change the ranking?** Using `scores["rgb"]` and
# `outputs` from section 4 and scikit-image's `structural_similarity` (imported in section
# 2; its default is a 7x7 uniform window), rank the methods by the course's SSIM and by
# the default one, and print where the two orders differ.

# %% tags=["solution"]
ex_ssim = {label: (scores["rgb"][label].means["ssim"], mean(
    lambda p, r: structural_similarity(r, p, data_range=1.0, channel_axis=-1), outs))
    for label, outs in outputs.items()}
ex_rank_course = sorted(ex_ssim, key=lambda k: -ex_ssim[k][0])
ex_rank_default = sorted(ex_ssim, key=lambda k: -ex_ssim[k][1])
for i, (a, b) in enumerate(zip(ex_rank_course, ex_rank_default, strict=True), 1):
    print(f"{i}. {a:28s} {ex_ssim[a][0]:.4f}   | {b:28s} {ex_ssim[b][1]:.4f}"
          f"{'' if a == b else '   <- differs'}")

# %% [markdown] tags=["solution"]
# Read the two columns: the values differ for every method, and where two methods are
# close the orders can swap, because the two windows weigh structure at different scales.
# Look also at how close the top rows are: a difference in the third decimal is no ranking.
# Say which SSIM you report; numbers from different variants are not comparable.

# %% [markdown] tags=["exercise"]
# **Exercise 3: score at 256x256.** Section 3 showed that resizing to 256x256 raises the
# gamma output's PSNR. Does it raise every method's by the same amount? With `to256` and
# `mean` (section 3) and `outputs` (section 4), print each method's PSNR gain from resizing.

# %% tags=["solution"]
ex_gain = {label: mean(lambda p, r: psnr(to256(p), to256(r)), outs)
           - scores["rgb"][label].means["psnr"] for label, outs in outputs.items()}
for label, g in sorted(ex_gain.items(), key=lambda kv: kv[1]):
    print(f"{label:28s} {scores['rgb'][label].means['psnr']:6.2f} dB at native size, "
          f"{g:+.2f} dB at 256x256")

# %% [markdown] tags=["solution"]
# Not by the same amount: downscaling averages noise away, so outputs that keep the most
# fine-grained noise gain most, while the dark input, whose error is brightness (which
# resizing keeps), gains least. Where the gains differ by more than the gaps between
# methods, the resize alone reorders the table: a ranking made by the metric, not the images.

# %% [markdown] tags=["exercise"]
# **Exercise 4: how far apart are the top two?** For the two methods with the highest mean
# RGB PSNR in `scores["rgb"]`, print their per-image PSNRs (each Evaluation's `.rows`),
# count on how many test images the first beats the second, and print `paired_gap` of the
# two (from `lowlight_utils.metrics`, imported in section 4).

# %% tags=["solution"]
ex_top = sorted(scores["rgb"], key=lambda k: -scores["rgb"][k].means["psnr"])[:2]
ex_per_image = {k: [row["psnr"] for row in scores["rgb"][k].rows] for k in ex_top}
for k in ex_top:
    print(f"{k:28s} mean {scores['rgb'][k].means['psnr']:6.2f} dB; per image "
          + " ".join(f"{v:5.2f}" for v in ex_per_image[k]))
ex_wins = sum(a > b for a, b in zip(*ex_per_image.values(), strict=True))
print(f"{ex_top[0]} beats {ex_top[1]} on {ex_wins} of {len(ex_per_image[ex_top[0]])} images; "
      f"paired gap {paired_gap(scores['rgb'][ex_top[0]], scores['rgb'][ex_top[1]])}")

# %% [markdown] tags=["solution"]
# A lead in the mean can come from one or two images; the count of wins and the paired gap
# say whether it is consistent. Even a win on most images is weak evidence here: the
# images come from two photographs, so they are far from independent. More test scenes
# (the fold benchmark in BENCHMARKS.md) are what would settle it.

# %% [markdown]
# ## What this notebook showed
#
# What the text above claims, asserted on what this notebook computed. In a smoke run
# (`LOWLIGHT_SMOKE=1`) the models trained for two steps, so the checks on what they learned
# are replaced by what still holds: finite scores for every method.

# %%
from lowlight_utils.config import is_smoke

h, r = pitfalls["PSNR with max_val=255 on [0, 1] data"]
assert abs((r - h) - 20 * np.log10(255)) < 1e-6
h, r = pitfalls["mean of per-channel PSNRs"]
assert r >= h - 1e-9  # never below the joint PSNR
h, r = pitfalls["PSNR of the dark INPUT with GT-mean"]
assert r - h > 3  # GT-mean hands the dark input the reference's brightness
assert np.abs(rows[:, 0:1] - rows[:, 1:3]).max() < 1e-3  # PSNR as skimage and tf.image
assert np.abs(rows[:, 3:4] - rows[:, 4:6]).max() < 1e-4  # SSIM as skimage and tf.image
(_, p_bright, de_bright), (_, p_hue, de_hue) = equal_psnr.values()
assert abs(p_bright - p_hue) < 0.01  # the two copies have the same PSNR ...
assert de_hue > 2.5 * de_bright  # ... and CIEDE2000 sees the hue shift as far worse
for protocol in PROTOCOLS:  # every table is labelled and has a spread beside each mean
    for ev in scores[protocol].values():
        assert ev.protocol == protocol and ev.quantized, ev.scoring
        assert all(np.isfinite(ev.stds[k]) and ev.stds[k] >= 0 for k in METRIC_NAMES)
assert all(lab.startswith("Zero-DCE++ (curves at 1/") for lab in LEARNED
           if LEARNED[lab] == "zero-dce++")  # the factor is named
assert choice in level and top in level and choice_unpaired in pool_unpaired
assert not NEEDS_PAIRS.get(LEARNED.get(choice_unpaired), False)
if not beats_classical and choice in LEARNED:  # only colour can set a classical method aside
    assert paired_gap(scores["rgb"][best_classical], scores["rgb"][top], "ciede2000").verdict \
        == "worse"
results_md = (out_dir / "results.md").read_text()
assert f"use {choice}" in results_md and "PSNR GT-mean" in results_md
gains = {k: v - honest for k, v in candidates.items() if k != "honest (native size, max 1)"}
methods_mistakes = {k: v for k, v in gains.items() if not k.startswith(("max_val", "20 log10"))}
if is_smoke():
    assert np.isfinite([ev.means["psnr"] for ev in scores["rgb"].values()]).all()
    assert np.isfinite(list(candidates.values())).all(), candidates
else:
    for label in LEARNED:  # every learned model does far better than doing nothing
        assert scores["rgb"][label].means["psnr"] > scores["rgb"]["identity"].means["psnr"] + 3
    assert max(methods_mistakes.values()) < needed  # none of them explains the report's gain
    assert closest.startswith("20 log10")  # the formula slip lands nearest to 28.21 dB
print("checks passed")

# %% [markdown]
# ## References
#
# * Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli. *Image Quality Assessment: From Error
#   Visibility to Structural Similarity* (SSIM). IEEE TIP 13(4), 2004.
#   [doi:10.1109/TIP.2003.819861](https://doi.org/10.1109/TIP.2003.819861)
# * Z. Wang, A. C. Bovik. *A Universal Image Quality Index* (UQI). IEEE Signal Processing
#   Letters 9(3), 2002. [doi:10.1109/97.995823](https://doi.org/10.1109/97.995823)
# * C. Wei et al. *Deep Retinex Decomposition for Low-Light Enhancement* (LOL, RetinexNet).
#   BMVC 2018. [arXiv:1808.04560](https://arxiv.org/abs/1808.04560)
# * Section 7's papers: Zero-DCE [arXiv:2001.06826](https://arxiv.org/abs/2001.06826);
#   EnlightenGAN [arXiv:1906.06972](https://arxiv.org/abs/1906.06972); KinD
#   [arXiv:1905.04161](https://arxiv.org/abs/1905.04161); LLFlow (GT-mean in `code/train.py`)
#   [arXiv:2109.05923](https://arxiv.org/abs/2109.05923); SNR-Aware
#   [code](https://github.com/dvlab-research/SNR-Aware-Low-Light-Enhance); Retinexformer
#   (`--GT_mean` in `Enhancement/test_from_dataset.py`)
#   [arXiv:2303.06705](https://arxiv.org/abs/2303.06705).
# * Section 2: [skimage.metrics](https://scikit-image.org/docs/stable/api/skimage.metrics.html),
#   [`tf.image.ssim`](https://www.tensorflow.org/api_docs/python/tf/image/ssim).
# * The unpublished project reports the course reproduces: Zero-DCE low light (28.21 dB,
#   section 6), phone-to-DSLR (per-channel PSNR, UQI), Pix2Pix + WGAN-GP low light
#   (21.4 dB), Pix2Pix SIDD denoising (23.86 dB).
