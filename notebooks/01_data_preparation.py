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
# # 01 · Data preparation for low-light enhancement
#
# What a low-light pair is, how a camera makes one, how to split and augment pairs without
# fooling yourself, how to feed them to TensorFlow quickly, and the classical baselines every
# learned model must beat.
#
# **Accelerator:** none needed, a CPU is enough for this notebook in every profile.
# **Reproduces:** the data handling of the Pix2Pix + WGAN-GP low-light report (its
# augmentation ranges, and what its augment-then-split order did), the slides report's move to
# YCrCb, and the phone-to-DSLR report's contrast stretch.
#
# **Full profile:** trains nothing (`python -m lowlight_utils.bench cost --only
# 01_data_preparation` says so).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/lowlight-course/lowlight-gan-course/blob/main/notebooks/01_data_preparation.ipynb)

# %% [markdown]
# One setup cell: on Colab it installs the course's package; `setup()` chooses the profile
# (`quick` on a CPU, `full` on a GPU; `LOWLIGHT_PROFILE` overrides it), the precision and quiet
# logs, and with `USE_DRIVE = True` keeps the runs on Google Drive.

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
# ## 1. The data
#
# The course runs on LOL (485 training + 15 test pairs of real photographs, each scene shot
# with a short and a normal exposure) when you have it in `data/LOL` (see `data/README.md`).
# Without it, it uses its **embedded sample**: nine photographs that ship inside
# scikit-image and matplotlib (the motorcycle's left and right views show one scene), each
# photographed four times in low light by a simulated camera (section 2). Nothing is
# downloaded. `course_splits` finds whichever is present and splits it; every notebook calls
# it, so they all see the same split.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lowlight_utils.data import course_splits, load_image
from lowlight_utils.notebook.plotting import luminance, luminance_histograms, show_grid

splits = course_splits()
print(splits)
test_low = [load_image(p.low) for p in splits.test]
test_high = [load_image(p.high) for p in splits.test]

# %% [markdown]
# Look before you train: what the camera gave, the same multiplied up to the reference's mean
# brightness (only to *see* it: notice the coloured grain and the uneven light), and the
# reference.

# %%
picks = [0, len(splits.test) // 2, len(splits.test) - 1]
rows = []
for i in picks:
    low, high = test_low[i], test_high[i]
    rows.append([low, np.clip(low * high.mean() / max(low.mean(), 1e-3), 0, 1), high])
show_grid(rows, titles=["low (as captured)", "low, scaled for display", "reference"],
          row_labels=[splits.test[i].stem for i in picks])
plt.show()

# %% [markdown]
# The histograms say it in numbers: the low image's luminance is squeezed into the bottom of
# the range, where an 8-bit file has only a few dozen levels.

# %%
luminance_histograms({"low": test_low[0], "reference": test_high[0]})
plt.show()
all_pairs = splits.train + splits.val + splits.test
low_means = np.array([luminance(load_image(p.low)).mean() for p in all_pairs])
high_means = np.array([luminance(load_image(p.high)).mean() for p in all_pairs])
levels = [len(np.unique(np.round(luminance(im) * 255))) for im in test_low]
print(f"mean luminance: low {low_means.mean():.3f}, reference {high_means.mean():.3f} "
      f"({(high_means / low_means).mean():.1f}x brighter)")
print(f"distinct 8-bit luminance levels in the low test images: {min(levels)}-{max(levels)}")

# %% [markdown]
# ## 2. Low light as a camera makes it
#
# Scaling pixel values down is not what a dark scene does to a photograph. A camera counts
# photons in a raw mosaic (one colour per pixel), where the noise is added, and then
# *processes* the mosaic into the picture you see: white balance, demosaicing, a colour
# matrix, a gamma and a tone curve. To make a pair from a good photograph, we run that
# processing backwards ("unprocessing", Brooks et al. 2019), darken and light the raw scene
# there, add the sensor's noise, and process it forwards again:
# `synthesize_camera_low_light(photo, seed, return_stages=True)` returns every stage. Linear
# stages are shown with a 2.2 gamma on the raw image's scale (the underexposed one times
# 1/exposure; display only); the bottom row zooms into the centre, where the mosaic shows.

# %%
from lowlight_utils.data.camera import LIGHTS, synthesize_camera_low_light

photo = test_high[0]
low_cam, stages = synthesize_camera_low_light(photo, seed=7, return_stages=True)
params = stages["params"]
print(f"light {params.light}, exposure {params.exposure:.2f}, noise variance "
      f"{params.shot:.1e} x + {params.read:.1e}")
(true_r, true_b), (meas_r, meas_b) = stages["true_gains"], stages["measured_gains"]
print(f"white balance (red, blue gain): the camera's true {true_r:.2f}, {true_b:.2f}; "
      f"measured from the dark image {meas_r:.2f}, {meas_b:.2f}")


def as_mosaic(bayer):
    """An RGGB mosaic shown in the colour each pixel records."""
    rgb = np.zeros((*bayer.shape, 3), np.float32)
    rgb[0::2, 0::2, 0], rgb[1::2, 1::2, 2] = bayer[0::2, 0::2], bayer[1::2, 1::2]
    rgb[0::2, 1::2, 1], rgb[1::2, 0::2, 1] = bayer[0::2, 1::2], bayer[1::2, 0::2]
    return rgb


def bright(x, scale):
    """Linear light for display: divided by ``scale``, then a 2.2 gamma."""
    return np.clip(x / scale, 0, 1) ** (1 / 2.2)


scale = float(np.percentile(stages["raw"], 99))
shown = {"raw (unprocessed)": bright(as_mosaic(stages["raw"]), scale),
         "illumination field": stages["field"],
         "lit, coloured light": bright(as_mosaic(stages["lit"]), scale),
         "noisy, underexposed": bright(as_mosaic(stages["noisy"]), scale * params.exposure),
         "demosaiced, balanced": bright(stages["demosaiced"], scale * params.exposure),
         "processed (the file)": low_cam}
h, w = photo.shape[:2]
zoom = (slice(h // 2 - 24, h // 2 + 24), slice(w // 2 - 24, w // 2 + 24))
show_grid([list(shown.values()), [im[zoom] for im in shown.values()]], titles=list(shown),
          row_labels=["whole", "centre, zoomed"], size=2.2)
plt.show()

# %% [markdown]
# Read the stages left to right: the raw mosaic is green (two green pixels in four, and the
# inverse white balance); the light falls off from a lamp and towards the corners and tints
# the mosaic; the noise is added; the white balance, *measured* from the dark image by
# assuming the scene averages to grey, is not the camera's true one (compare the printed
# gains), so the file carries a cast that one brightness scale cannot remove.
#
# Where the course departs from the paper's official code (the docstrings of
# `lowlight_utils/data/camera.py` say more): NumPy and OpenCV, and a full-resolution mosaic
# instead of four packed planes (OpenCV demosaics it; odd sizes work); the forward pass also
# applies the brightening gain and the tone curve, so that it inverts the unprocessing; the
# white balance is measured, as a camera under unknown light must; the light field and the
# underexposure are new, as the paper's images are normally exposed. The paper's noise
# levels are added *before* the underexposure: they were measured on normally exposed
# captures, and added to the darkened mosaic they would exceed the paper's noisiest ones.

# %% [markdown]
# ## 3. Is it like real low light?
#
# What is known of real dark photographs after a camera's processing: the noise grows with
# the signal (shot noise), differs per channel (white balance amplifies red and blue), and is
# correlated between channels and neighbours (demosaicing, colour matrix), so it shows as
# coloured blotches: *chroma noise*. The course's sources publish no such figures for LOL's
# low images (`REPORTS.md` quotes methods' scores only; the LOL paper says how the pairs were
# shot, not what their noise is), so we measure. The cell below compares the course's data
# with the old exposure-only model (`darkening="exposure"`: one brightness scale in linear
# light plus Poisson-Gaussian noise, independent per channel). With LOL in `data/LOL`, the
# first row is LOL itself.

# %%
import cv2

from lowlight_utils.data.synthetic import sample_dataset, sample_darkening
from lowlight_utils.metrics.colour import rgb_to_ycrcb

exposure_splits = course_splits(sample_dataset(darkening="exposure"))
models = {sample_darkening(splits.root) or splits.source: splits.test,
          "exposure": exposure_splits.test}
LEVELS = np.array([0, 0.02, 0.05, 0.1, 0.2, 1.0])


def fine(x):
    """The detail a Gaussian blur (sigma 1.5) removes: noise, where the scene is flat."""
    return x - cv2.GaussianBlur(x, (0, 0), 1.5)


def noise_profile(pairs):
    """Noise of the low images where the reference is flat: std per channel and level (8-bit
    steps), correlation between the channels' noise, and chroma over luma noise."""
    noise, level, ycc = [], [], []
    for p in pairs:
        low, high = load_image(p.low), load_image(p.high)
        flat = cv2.erode((np.abs(fine(high)).max(-1) < 0.01).astype(np.uint8),
                         np.ones((5, 5), np.uint8)).astype(bool)
        noise.append(fine(low)[flat])
        level.append((low - fine(low))[flat])
        ycc.append(fine(rgb_to_ycrcb(low))[flat])
    noise, level, ycc = (np.concatenate(v) for v in (noise, level, ycc))
    std = np.full((len(LEVELS) - 1, 3), np.nan)
    for c in range(3):
        bins = np.digitize(level[:, c], LEVELS) - 1
        for k in range(len(LEVELS) - 1):
            if (bins == k).sum() >= 200:
                std[k, c] = 255 * noise[bins == k, c].std()
    corr = np.corrcoef(noise.T)
    return std, corr[[0, 0, 1], [1, 2, 2]], np.hypot(*ycc[:, 1:].std(0)) / ycc[:, 0].std()


profiles = {}
for name, pairs in models.items():
    std, corr, chroma = profiles[name] = noise_profile(pairs)
    print(f"{name}: mean level {np.mean([load_image(p.low).mean() for p in pairs]):.3f}; "
          f"noise correlation R-G {corr[0]:+.2f}, R-B {corr[1]:+.2f}, G-B {corr[2]:+.2f}; "
          f"chroma / luma noise {chroma:.2f}")
    for k in range(len(LEVELS) - 1):
        print(f"   level {LEVELS[k]:.2f}-{LEVELS[k + 1]:.2f}: noise std (8-bit steps) "
              + "  ".join(f"{c} {s:5.2f}" for c, s in zip("RGB", std[k], strict=True)))
ycc_w = rgb_to_ycrcb(np.eye(3)) - rgb_to_ycrcb(np.zeros((3, 3)))  # YCrCb of unit R, G, B steps
print(f"independent, equal noise in R, G, B would give chroma / luma "
      f"{np.hypot(*np.linalg.norm(ycc_w[:, 1:], axis=0)) / np.linalg.norm(ycc_w[:, 0]):.2f}")

# %% [markdown]
# How to read it: compare the mean levels first (equally dark or not). In the exposure model
# the channels' noise is uncorrelated and the chroma to luma ratio is what independent noise
# gives; in the camera model the colour matrix mixes the channels (correlations far from 0),
# the chroma noise is larger, and the noise grows with the level and differs per channel. The centre of one test image, each scaled to its reference's
# brightness:

# %%
lows = {name: [load_image(p.low) for p in pairs] for name, pairs in models.items()}
highs = {name: [load_image(p.high) for p in pairs] for name, pairs in models.items()}
crop = (slice(h // 2 - 48, h // 2 + 48), slice(w // 2 - 48, w // 2 + 48))
show_grid([[np.clip(lows[m][0][crop] * highs[m][0][crop].mean() / lows[m][0][crop].mean(),
                    0, 1), highs[m][0][crop]] for m in models],
          titles=["low, scaled up", "reference"], row_labels=list(models))
plt.show()

# %% [markdown]
# ## 4. What a global curve can undo
#
# A global curve maps every pixel value the same way wherever it is. The x4 multiply (used in
# this course only to display dark images) and the automatic gamma are two such curves. The
# best a global curve can possibly do is fitted *with the reference*: for each 8-bit level of
# each channel, answer the mean reference value of the pixels at that level. If even that
# oracle falls short, a curve cannot undo the darkening; a method must look at the
# neighbourhood (the light field, the noise).

# %%
from lowlight_utils.classical.lowlight import gamma_correction
from lowlight_utils.metrics import psnr


def best_curve(low, high):
    """The best global curve per channel, fitted with the reference (an oracle)."""
    out = np.empty_like(low)
    for c in range(3):
        level = np.round(low[..., c] * 255).astype(int)
        total = np.bincount(level.ravel(), high[..., c].ravel(), minlength=256)
        count = np.bincount(level.ravel(), minlength=256)
        out[..., c] = (total / np.maximum(count, 1))[level]
    return out


curves = {"identity": lambda lo, hi: lo, "x4": lambda lo, hi: np.clip(4 * lo, 0, 1),
          "gamma": lambda lo, hi: gamma_correction(lo), "best curve": best_curve}
curve_psnr = {name: {c: [psnr(f(lo, hi), hi) for lo, hi in zip(lows[name], highs[name],
                                                                  strict=True)]
                     for c, f in curves.items()} for name in models}
print(f"{'PSNR (dB)':10s}" + "".join(f"{c:>15s}" for c in curves))
for name, scores in curve_psnr.items():
    print(f"{name:10s}" + "".join(f"{np.mean(s):8.2f} ± {np.std(s, ddof=1):4.2f}"
                                  for s in scores.values()))
i = picks[1]
show_grid([[curves[c](lows[name][i], highs[name][i]) for c in curves] + [highs[name][i]]
           for name in models], titles=[*curves, "reference"], row_labels=list(models))
plt.show()

# %% [markdown]
# Read the rows against each other and against the spread (± is the standard deviation over
# the test images). Where the oracle curve scores far above x4 and gamma, most of the
# darkening is one curve, and a method only has to find it; where even the oracle stays low,
# what is left (light that falls off across the scene, chroma noise) needs a method that
# looks at each pixel's neighbourhood: the networks of notebooks 02-04. Look at the camera
# row's dark corners after the best curve.
#
# ## 5. RGB or YCrCb?
#
# The slides report first trained in RGB and got random colours, then moved to YCrCb: Y is
# brightness (luma), Cr and Cb are colour *offsets* around 0.5 (Cr grows with R - Y),
# so brightening is mostly a job on Y. Oracle experiments say what that costs: give the low
# image the *reference's* Y and keep its own colour channels, as they are or with their
# offsets scaled by the brightness gain (as a Y-only method would); and, the other way round,
# keep the low Y and give it the reference's colour.

# %%
from lowlight_utils.metrics.colour import ycrcb_to_rgb

oracle_y, oracle_y_scaled, oracle_c = [], [], []
for low, high in zip(test_low, test_high, strict=True):
    yl, yh = rgb_to_ycrcb(low), rgb_to_ycrcb(high)
    gain = yh[..., :1] / np.maximum(yl[..., :1], 1e-3)
    scaled = 0.5 + (yl[..., 1:] - 0.5) * gain
    for scores, ycc in ((oracle_y, [yh[..., :1], yl[..., 1:]]),
                        (oracle_y_scaled, [yh[..., :1], scaled]),
                        (oracle_c, [yl[..., :1], yh[..., 1:]])):
        scores.append(psnr(np.clip(ycrcb_to_rgb(np.concatenate(ycc, -1)), 0, 1), high))
identity_psnr = np.mean(curve_psnr[next(iter(models))]["identity"])
print(f"low image as is:                                   {identity_psnr:5.2f} dB")
print(f"reference Y + low Cr/Cb as they are:               {np.mean(oracle_y):5.2f} dB")
print(f"reference Y + low Cr/Cb offsets x brightness gain: {np.mean(oracle_y_scaled):5.2f} dB")
print(f"low Y + reference Cr/Cb (colour solved):           {np.mean(oracle_c):5.2f} dB")

# %% [markdown]
# Brightness carries most of the error: fixing Y gains far more than fixing colour. Compare
# the two Y oracles: where scaling the low image's colour offsets *lowers* the score, those
# offsets hold a colour cast (the white balance of section 2 missed) and chroma noise, which
# the gain amplifies; where it raises it, the colour was only faint. Either way a Y-only
# method keeps the dark image's colour errors. The networks in this course work in RGB and
# learn both.
#
# ## 6. Split by scene, before anything else
#
# The sample has several low versions of each photograph, and the two motorcycle images are
# two views of one scene. If versions of one scene sit in training *and* test, the test
# measures memory. `course_splits` therefore splits by scene, and we check it.

# %%
from lowlight_utils.data import split_pairs
from lowlight_utils.data.synthetic import scene_of

scenes = {name: sorted({scene_of(p) for p in splits[name]}) for name in ("train", "val", "test")}
for name, s in scenes.items():
    print(f"{name:5s}: {len(splits[name]):2d} pairs from scenes {s}")

# %% [markdown]
# How much does the order matter? The Pix2Pix + WGAN-GP report augmented every LOL pair four
# times (flips, a 10 % crop-and-resize, colour jitter) and *then* split 80/20. We repeat that
# with the crudest possible "model": answer each validation image with the reference of the
# most similar training image (flips allowed). It knows nothing about light. The same
# validation images are scored with the leaky training set and with the same set minus every
# copy of their scenes (what splitting first gives). For a fair comparison both arms get the
# same number of training images (ten seeded draws from the leaky set, averaged).

# %%
from lowlight_utils.metrics.leakage import leaky_vs_honest, one_pair_per_scene

one_per_scene = one_pair_per_scene(all_pairs, scene_of, limit=30, seed=0)
leak = leaky_vs_honest(one_per_scene, scene_of, copies=4, val_fraction=0.2, seed=0, draws=10)
print(f"{len(one_per_scene)} scenes x 4 copies; {leak['n_val']} validation images; "
      f"{leak['n_pool']} training images in the random split")
print(f"augment, then split (leaky):  validation PSNR {leak['leaky']:.2f} dB "
      f"({leak['n_train_leaky']} training images, on average {leak['n_leaked']:.1f} of them "
      f"copies of validation scenes; {len(leak['leaky_draws'])} draws from "
      f"{min(leak['leaky_draws']):.2f} to {max(leak['leaky_draws']):.2f} dB)")
print(f"validation scenes held out:   validation PSNR {leak['honest']:.2f} dB "
      f"({leak['n_train_honest']} training images)")

# %% [markdown]
# With the same number of training images, compare the two PSNRs against the range of the
# draws: a gap well outside it is the leak alone. A network with millions of parameters can
# memorise too, so a validation score from a leaky split cannot tell learning from recall.
# Split first; augment only what you train on.
#
# ## 7. Paired augmentation
#
# Augmentation must apply *one* random draw to both images of a pair: flip the input but not
# the target and the model is taught nonsense. `make_dataset` stacks the pair into one
# 6-channel tensor for every geometric step and draws the colour-jitter factors once. The
# report's settings are `REPORT_AUGMENT` (printed below). Each row is one draw.

# %%
from lowlight_utils.data import REPORT_AUGMENT, make_dataset

print(REPORT_AUGMENT)
ds = make_dataset(splits.train[:1], crop=None, augment=REPORT_AUGMENT, repeat=True, seed=1)
draws = [(lo[0], hi[0]) for lo, hi in ds.take(4).as_numpy_iterator()]
show_grid([[np.clip(lo * 4, 0, 1), hi] for lo, hi in draws],
          titles=["low (x4 for display)", "reference"])
plt.show()

# %% [markdown]
# The eye says each row is aligned; a number says it too: if low and reference had been
# flipped or cropped differently, their luminances would no longer correlate pixel by pixel.

# %%
alignment = [np.corrcoef(luminance(lo).ravel(), luminance(hi).ravel())[0, 1]
             for lo, hi in draws]
print("luminance correlation of each draw:", np.round(alignment, 2))

# %% [markdown]
# ### Colour-equivariant augmentation
#
# Trained on a few photographs, a network also learns *their colours* (green leaves come out
# red-brown). The exposure model treats the three channels alike, so darkening a photograph
# and then permuting its channels, or rotating its colours about the grey axis in *linear
# light*, gives (nearly) what transforming first and darkening after gives. An enhancer
# should then commute with both, and training pairs transformed by one shared random channel
# order and hue angle teach it that. `make_dataset(augment=True)` (every training run of the
# course) applies both; `Augment()` has them off. One pair, its channels B, R, G, and a
# 90-degree hue rotation:

# %%
from lowlight_utils.data.pipeline import DEFAULT_AUGMENT, grey_axis_rotation, rotate_hue

print(DEFAULT_AUGMENT)
pair_low, pair_high = load_image(splits.train[0].low), load_image(splits.train[0].high)
cycle = [2, 0, 1]
versions = {"as is": (pair_low, pair_high),
            "channels B, R, G": (pair_low[..., cycle], pair_high[..., cycle]),
            "hue +90 degrees": (rotate_hue(pair_low, 90.0).numpy(),
                                rotate_hue(pair_high, 90.0).numpy())}
show_grid([[np.clip(lo * 4, 0, 1), hi] for lo, hi in versions.values()],
          titles=["low (x4 for display)", "reference"], row_labels=list(versions))
plt.show()

# %% [markdown]
# Does the exposure model really commute with them? Darken the transformed reference and
# compare it with the transformed dark image: the noise draws differ, but the channel means
# (where the noise cancels) must agree. A hue rotation of sRGB values, for contrast, should
# not. (The camera model is not symmetric in its channels: two green pixels in four, mostly
# warm lights, a white balance that guesses. On its data the augmentation teaches a symmetry
# that holds only roughly; notebook 02 measures whether it helps.)

# %%
from lowlight_utils.data.degradations import synthesize_low_light

EXPOSURE = 0.06
dark = synthesize_low_light(pair_high, seed=0, exposure=EXPOSURE)
rot_srgb = grey_axis_rotation(90.0).numpy().T
transforms = {
    "channel permutation": lambda im: im[..., cycle],
    "hue rotation, linear light": lambda im: rotate_hue(im, 90.0).numpy(),
    "hue rotation, sRGB values": lambda im: np.clip(im @ rot_srgb, 0, 1),
}
commute_gap = {}
for name, f in transforms.items():
    after = f(dark).mean((0, 1))
    before = synthesize_low_light(f(pair_high), seed=1, exposure=EXPOSURE).mean((0, 1))
    commute_gap[name] = float(np.abs(after - before).max())
    print(f"{name:27s}: channel means differ by at most {commute_gap[name]:.4f} "
          f"(dark image mean {dark.mean():.3f})")

# %% [markdown]
# The permutation and the linear-light rotation leave differences of the size two noise draws
# and 8-bit rounding leave; the rotation of sRGB values leaves a larger one, because the sRGB
# curve bends differently at different brightnesses.
#
# ## 8. The `tf.data` pipeline and its speed
#
# Training batches come from `make_dataset`: parallel decoding, optional cache of decoded
# images, shuffling, augmentation, random crops, batching and prefetching. One training batch
# as the networks will see it:

# %%
train_ds = make_dataset(splits.train, crop=PROFILE.crop, batch_size=PROFILE.batch_size,
                        augment=True, shuffle=True, cache=True)
low_batch, high_batch = next(iter(train_ds))
print("batch:", low_batch.shape, low_batch.dtype,
      f"range [{float(low_batch.numpy().min()):.2f}, {float(high_batch.numpy().max()):.2f}]")
show_grid([list(np.clip(low_batch.numpy() * 4, 0, 1)), list(high_batch.numpy())],
          row_labels=["low x4", "reference"])
plt.show()

# %% [markdown]
# Do caching and prefetching matter? `throughput` times three pipelines over three epochs,
# each feeding a pretend training step of 20 ms per batch. Prefetching overlaps input
# preparation with the step; caching skips decoding after the first epoch. A 20 ms step alone
# would allow 200 images/s at batch 4: numbers far below that mean decoding and augmentation
# are the bottleneck. They depend on your machine and on what else it is doing.

# %%
from lowlight_utils.data.pipeline import throughput

speeds = throughput(splits.train, crop=PROFILE.crop, batch_size=PROFILE.batch_size, work_ms=20)
for name, ips in speeds.items():
    print(f"{name:15s} {ips:7.1f} images/s  (x{ips / speeds['plain']:.2f})")

# %% [markdown]
# ## 9. The bar to clear: classical baselines
#
# Before any network, four methods with no training: do nothing (identity), the automatic
# gamma curve, histogram equalisation of the luminance, and CLAHE on the lightness channel
# (OpenCV). Their scores on the test split are the bar every learned model must clear.

# %%
from lowlight_utils.classical.lowlight import BASELINES, evaluate_baselines

scored = evaluate_baselines(splits.test)
results = {name: ev for name, (ev, _) in scored.items()}
outputs = {name: images for name, (_, images) in scored.items()}
print(f"{'method':10s} {'PSNR':>7s} {'SSIM':>7s} {'UQI':>7s} {'MAE':>7s}")
for name, ev in results.items():
    m = ev.means
    print(f"{name:10s} {m['psnr']:7.2f} {m['ssim']:7.4f} {m['uqi']:7.4f} {m['mae']:7.4f}")
show_grid([[outputs[name][i] for name in BASELINES] + [test_high[i]]],
          titles=[*BASELINES, "reference"])
plt.show()

# %% [markdown]
# The phone-to-DSLR report also post-processed its outputs with a contrast stretch (values
# below 10 to black, above 240 to white, linear between). It is a finishing step, not an
# enhancer; applied to the gamma outputs:

# %%
from lowlight_utils.classical.lowlight import contrast_stretch
from lowlight_utils.metrics import evaluate_pairs

stretched = evaluate_pairs([contrast_stretch(o) for o in outputs["gamma"]], test_high)
print(f"gamma: {results['gamma'].means['psnr']:.2f} dB, "
      f"gamma + stretch: {stretched.means['psnr']:.2f} dB")

# %% [markdown]
# ## Going further
#
# The exposure model has three knobs: the exposure, the sensor's full-well capacity (how many
# photo-electrons a white pixel collects at normal exposure; fewer means more shot noise) and
# the read noise. The sliders redraw the low image, the same scaled up, and the histograms;
# where widgets cannot run (an HTML export, a test run), four fixed settings are shown.

# %%
from lowlight_utils.notebook.widgets import low_light_explorer

low_light_explorer(photo)

# %% [markdown]
# ## Exercises
#
# Each exercise asks you to write a few lines in a new cell; the worked solution follows
# (collapsed on the course site, removed in the student edition). All run in seconds.

# %% [markdown] tags=["exercise"]
# **Exercise 1: split by pair instead of by scene.** Write a loop that splits `all_pairs`
# 70/15/15 with `split_pairs` (from `lowlight_utils.data`, imported in section 6) once with
# `group=None` and once with `group=scene_of`, and prints how many test pairs have their
# scene (`scene_of`) in the training part.

# %% tags=["solution"]
for grouping in (None, scene_of):
    ex_train, _, ex_test = split_pairs(all_pairs, (0.7, 0.15, 0.15), seed=0, group=grouping)
    seen = {scene_of(p) for p in ex_train}
    twins = sum(scene_of(p) in seen for p in ex_test)
    print(f"group={getattr(grouping, '__name__', None)}: {len(ex_test)} test pairs, "
          f"{twins} with their scene in training")

# %% [markdown] tags=["solution"]
# Split pair by pair, most test pairs have a twin of their photograph in training (each
# photograph has four low versions, and a random split scatters them); with
# `group=scene_of` none has. That is the leak of section 6 without any augmentation.

# %% [markdown] tags=["exercise"]
# **Exercise 2: which light fools the white balance?** For every light in `LIGHTS` (from
# `lowlight_utils.data.camera`, imported in section 2), call
# `synthesize_camera_low_light(photo, seed=7, light=name, return_stages=True)` and print the
# true and the measured red and blue gains, and the PSNR of `best_curve` (section 4) on the
# result.

# %% tags=["solution"]
for name in LIGHTS:
    ex_low, ex_stages = synthesize_camera_low_light(photo, seed=7, light=name,
                                                    return_stages=True)
    print(f"{name:28s} true {ex_stages['true_gains'][0]:.2f}, {ex_stages['true_gains'][1]:.2f}"
          f"; measured {ex_stages['measured_gains'][0]:.2f}, "
          f"{ex_stages['measured_gains'][1]:.2f}; best curve "
          f"{psnr(best_curve(ex_low, photo), photo):.2f} dB")

# %% [markdown] tags=["solution"]
# The measured gains follow the light: under tungsten the raw red is strong, so the gray
# world gives red a smaller gain and blue a larger one than the camera's daylight setting.
# They also follow the scene's own colours, so even under daylight they miss. The best curve
# works per channel, so it can undo a global cast; what it cannot undo is the uneven light
# and the noise, which is why its score moves less between lights than the gains do.

# %% [markdown] tags=["exercise"]
# **Exercise 3: a darker camera.** Photograph the test references yourself with
# `synthesize_camera_low_light(hi, seed=i, exposure=0.05)` (the sample draws 0.15-0.6), and
# print the mean PSNR of the identity, `gamma_correction` (from
# `lowlight_utils.classical.lowlight`, imported in section 4) and `best_curve`, next to the
# same three on the sample's own low images.

# %% tags=["solution"]
ex_dark = [synthesize_camera_low_light(hi, seed=i, exposure=0.05)
           for i, hi in enumerate(test_high)]
for name, ex_lows in (("sample", test_low), ("exposure 0.05", ex_dark)):
    ex_scores = {c: np.mean([psnr(curves[c](lo, hi), hi) for lo, hi in
                             zip(ex_lows, test_high, strict=True)])
                 for c in ("identity", "gamma", "best curve")}
    print(f"{name:14s} " + ", ".join(f"{c} {s:5.2f} dB" for c, s in ex_scores.items())
          + f"; mean level {np.mean([lo.mean() for lo in ex_lows]):.3f}")

# %% [markdown] tags=["solution"]
# Darker, every score falls, the oracle's too: with fewer photons the shot noise is
# relatively larger and the 8-bit file keeps fewer levels, and no curve can give back what
# the sensor never recorded.

# %% [markdown] tags=["exercise"]
# **Exercise 4: the contrast stretch's thresholds.** The report clipped below 10 and above
# 240. Apply `contrast_stretch(o, gmin, gmax)` (from `lowlight_utils.classical.lowlight`,
# imported in section 9) to the gamma outputs with (10, 240), (30, 220) and (0, 255), and
# score each with `evaluate_pairs`.

# %% tags=["solution"]
for gmin, gmax in ((10, 240), (30, 220), (0, 255)):
    ex_eval = evaluate_pairs([contrast_stretch(o, gmin, gmax) for o in outputs["gamma"]],
                             test_high)
    print(f"stretch {gmin:3d}-{gmax:3d}: {ex_eval.means['psnr']:.2f} dB "
          f"(gamma alone {results['gamma'].means['psnr']:.2f} dB)")

# %% [markdown] tags=["solution"]
# (0, 255) is the identity, so it scores as gamma alone. The other two add contrast, which
# moves the score one way or the other depending on whether the gamma outputs lack contrast
# against their references. Choosing thresholds by the test score is tuning on the test set:
# choose them on the validation split, then report the test score once.

# %% [markdown]
# ## What this notebook showed
#
# The splits share no scene and the low images are much darker than their references. The
# camera model's noise is correlated between channels and carries more chroma noise than the
# exposure model's; even the best global curve, fitted with the reference, undoes less of it.
# Brightness carries most of the error. The leaky split flattered a model that learned
# nothing; the paired augmentation kept pairs aligned; the exposure model commutes with a
# channel permutation and a linear-light hue rotation, not with a rotation of sRGB values;
# and the simplest baselines beat doing nothing.

# %%
camera, exposure = profiles[next(iter(models))], profiles["exposure"]
best = {name: np.mean(s["best curve"]) for name, s in curve_psnr.items()}
assert not set(scenes["train"]) & (set(scenes["val"]) | set(scenes["test"]))
assert not set(scenes["val"]) & set(scenes["test"])
assert (high_means > 2 * low_means).all()
assert np.abs(exposure[1]).max() < 0.1 < np.abs(camera[1]).max()  # channels mixed by the CCM
assert camera[2] > exposure[2] + 0.3  # more chroma noise
assert best[next(iter(models))] < best["exposure"] - 2.0  # a curve undoes less of it
assert all(np.mean(s["gamma"]) > np.mean(s["identity"]) + 3 for s in curve_psnr.values())
assert np.mean(oracle_y) - identity_psnr > 3 * (np.mean(oracle_c) - identity_psnr)
assert len(one_per_scene) >= 5 and leak["n_train_leaky"] == leak["n_train_honest"]
assert leak["leaky"] > leak["honest"] + 2.0, leak
assert min(alignment) > 0.5
assert commute_gap["channel permutation"] < 0.002
assert commute_gap["hue rotation, linear light"] < 0.002
assert commute_gap["hue rotation, sRGB values"] > 2 * commute_gap["hue rotation, linear light"]
best_baseline = max(results, key=lambda n: results[n].means["psnr"])
assert best_baseline != "identity"
print(f"best classical baseline: {best_baseline}, {results[best_baseline].means['psnr']:.2f} dB")

# %% [markdown]
# ## References
#
# * C. Wei, W. Wang, W. Yang, J. Liu. *Deep Retinex Decomposition for Low-Light Enhancement*
#   (the LOL data set, and RetinexNet). BMVC 2018.
#   [arXiv:1808.04560](https://arxiv.org/abs/1808.04560)
# * T. Brooks, B. Mildenhall, T. Xue, J. Chen, D. Sharlet, J. T. Barron. *Unprocessing Images
#   for Learned Raw Denoising* (the camera model of section 2). CVPR 2019.
#   [arXiv:1811.11127](https://arxiv.org/abs/1811.11127)
# * A. Foi, M. Trimeche, V. Katkovnik, K. Egiazarian. *Practical Poissonian-Gaussian Noise
#   Modeling and Fitting for Single-Image Raw-Data* (the exposure model's noise). IEEE
#   Transactions on Image Processing 17(10), 2008.
#   [doi:10.1109/TIP.2008.2001399](https://doi.org/10.1109/TIP.2008.2001399)
# * S. M. Pizer et al. *Adaptive Histogram Equalization and Its Variations* (histogram
#   equalisation and CLAHE, section 9). Computer Vision, Graphics, and Image Processing 39(3),
#   1987.
#   [doi:10.1016/S0734-189X(87)80186-X](https://doi.org/10.1016/S0734-189X(87)80186-X)
# * ITU-R BT.601 (luma and YCrCb). [itu.int/rec/R-REC-BT.601](https://www.itu.int/rec/R-REC-BT.601)
# * Unpublished project reports this course reproduces: *Image Denoising* (Pix2Pix + WGAN-GP:
#   the x4 augmentation and augment-then-split order of section 6), *Low-light Image
#   Enhancement* (slides: RGB to YCrCb, section 5), *Pix2Pix based Image Enhancement*
#   (phone-to-DSLR: the contrast stretch of section 9).
