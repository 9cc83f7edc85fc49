"""Low light as a camera makes it: unprocess a photograph to raw, darken and light it there,
add the sensor's noise, and process it back as a camera would.

The pipeline follows Brooks et al., "Unprocessing Images for Learned Raw Denoising" (CVPR
2019) and its official code (``unprocess.py`` and ``process.py`` in
github.com/timothybrooks/unprocessing, also ``unprocessing/`` in
google-research/google-research). Each stage is a
small function below, in the order :func:`synthesize_camera_low_light` runs them:

unprocess (the paper's raw image pipeline, inverted)
    :func:`inverse_smoothstep` (tone curve), :func:`gamma_expansion`, :func:`apply_ccm` with
    :func:`random_ccm` (sRGB -> camera colour), :func:`safe_invert_gains` with
    :func:`random_gains` (white balance and brightening), :func:`mosaic` (Bayer RGGB).
capture in low light (this course's addition; the paper's images are normally exposed)
    :func:`illumination_field` (a lamp's light falloff plus ambient light, times lens
    vignetting), :func:`light_in_camera` (the colour of the light: tungsten, fluorescent,
    daylight), :func:`relight` (both applied to the mosaic), :func:`add_noise` with
    :func:`random_noise_levels` (shot and read noise at the paper's levels),
    :func:`underexpose` (recorded darker, noise included).
process (the camera)
    :func:`gray_world_gains` (a white balance *measured* from the dark image, so it can be
    wrong), :func:`apply_gains`, :func:`demosaic` (OpenCV's bilinear Bayer demosaic),
    :func:`apply_ccm` with the inverse matrix, :func:`gamma_compression`, :func:`smoothstep`
    (tone curve), :func:`finish` (8-bit, optionally JPEG).

:func:`unprocess` and :func:`process` chain the first and last groups; without exposure and
noise, and with the true gains, ``process(unprocess(x))`` returns ``x`` (up to the demosaic's
interpolation error, zero on flat colour, and 8-bit rounding).

Departures from the official code, each with its reason, are listed in the docstring of the
stage they concern; in short: NumPy and OpenCV instead of TensorFlow; a full-resolution CFA
image instead of four packed planes (OpenCV's demosaic takes it, and odd sizes work); the
forward process applies the brightening gain and the smoothstep tone curve, which the
official ``process.py`` leaves out, so that it inverts ``unprocess``; the white balance is
measured (gray world), not the true one; the low-light stages are new, and the paper's
noise levels are added at a normal exposure's brightness, before the camera records the
image darker (:func:`underexpose` says why).

References
----------
.. [1] T. Brooks, B. Mildenhall, T. Xue, J. Chen, D. Sharlet, J. T. Barron, "Unprocessing
   Images for Learned Raw Denoising", CVPR 2019. https://arxiv.org/abs/1811.11127
.. [2] CIE 15:2004, Colorimetry, 3rd ed. (chromaticities of illuminants A, D50, D65, F2, F11).
.. [3] IEC 61966-2-1:1999 (sRGB; its XYZ <-> linear RGB matrices).
"""

from __future__ import annotations

import dataclasses

import numpy as np

# ------------------------------------------------------------------------------ constants

#: XYZ -> camera matrices of four cameras, from the official ``unprocess.py`` [1]_.
XYZ2CAMS = np.array([
    [[1.0234, -0.2969, -0.2266], [-0.5625, 1.6328, -0.0469], [-0.0703, 0.2188, 0.6406]],
    [[0.4913, -0.0541, -0.0202], [-0.613, 1.3513, 0.2906], [-0.1564, 0.2151, 0.7183]],
    [[0.838, -0.263, -0.0639], [-0.2887, 1.0725, 0.2496], [-0.0627, 0.1427, 0.5438]],
    [[0.6596, -0.2079, -0.0562], [-0.4782, 1.3016, 0.1933], [-0.097, 0.1581, 0.5181]],
])

#: Linear sRGB -> XYZ (D65), as in the official code and IEC 61966-2-1 [3]_.
RGB2XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                    [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]])

#: Chromaticities (x, y) of the light sources a pair can be lit by (CIE 15:2004 [2]_).
LIGHTS = {
    "daylight (D65)": (0.31271, 0.32902),
    "horizon daylight (D50)": (0.34567, 0.35850),
    "tungsten (A)": (0.44757, 0.40745),
    "cool white fluorescent (F2)": (0.37208, 0.37529),
    "tri-band fluorescent (F11)": (0.38052, 0.37713),
}

#: Defaults of :func:`synthesize_camera_low_light` (what the embedded sample uses).
EXPOSURE = (0.15, 0.6)
AMBIENT = (0.2, 0.6)
LAMP_HEIGHT = (0.4, 1.2)
VIGNETTING = (1.5, 3.0)
AWB_GAIN_RANGE = (1.0, 4.0)


def _f32(x) -> np.ndarray:
    """The pipeline computes in float32: ten times faster than float64 for the curves, and
    far finer than the 8-bit file it writes."""
    return np.asarray(x, dtype=np.float32)


# ------------------------------------------------------------------------------ tone and gamma

def smoothstep(image: np.ndarray) -> np.ndarray:
    """The global tone curve ``3x^2 - 2x^3`` on [0, 1] (the curve the paper inverts).

    Departure: the official ``process.py`` leaves the tone curve out (its outputs only feed a
    loss); here it is applied, so that :func:`process` inverts :func:`unprocess` and the
    dark image is rendered like the reference photograph.

    Parameters
    ----------
    image : ndarray
        Values in [0, 1] (clipped).

    Returns
    -------
    ndarray, float32, same shape.
    """
    x = np.clip(_f32(image), 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def inverse_smoothstep(image: np.ndarray) -> np.ndarray:
    """Exact inverse of :func:`smoothstep` on [0, 1]: ``0.5 - sin(asin(1 - 2y) / 3)`` [1]_.

    Parameters
    ----------
    image : ndarray
        sRGB values in [0, 1] (clipped, as the official code does).

    Returns
    -------
    ndarray, float32, same shape.
    """
    y = np.clip(_f32(image), 0.0, 1.0)
    return 0.5 - np.sin(np.arcsin(1.0 - 2.0 * y) / 3.0)


def gamma_expansion(image: np.ndarray, gamma: float = 2.2) -> np.ndarray:
    """Gamma-encoded values to linear light: ``max(x, 1e-8) ** gamma`` [1]_.

    The paper uses a plain 2.2 power, not the sRGB curve's linear toe; so does this.

    Parameters
    ----------
    image : ndarray
    gamma : float

    Returns
    -------
    ndarray, float32, same shape.
    """
    return np.maximum(_f32(image), np.float32(1e-8)) ** np.float32(gamma)


def gamma_compression(image: np.ndarray, gamma: float = 2.2) -> np.ndarray:
    """Linear light to gamma-encoded values: ``max(x, 1e-8) ** (1 / gamma)`` [1]_.

    Parameters
    ----------
    image : ndarray
    gamma : float

    Returns
    -------
    ndarray, float32, same shape.
    """
    return np.maximum(_f32(image), np.float32(1e-8)) ** np.float32(1.0 / gamma)


# ------------------------------------------------------------------------------ colour

def random_ccm(rng: np.random.Generator) -> np.ndarray:
    """A random linear-sRGB -> camera colour matrix, as the official ``random_ccm`` [1]_.

    A random convex combination of the four cameras' XYZ -> camera matrices
    (:data:`XYZ2CAMS`, weights uniform in [1e-8, 1e8] as in the official code), times
    sRGB -> XYZ, each row normalised to sum to 1 (so white stays white).

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, (3, 3)
        ``rgb2cam``; its inverse is the camera's colour correction matrix ``cam2rgb``.
    """
    weights = rng.uniform(1e-8, 1e8, size=(len(XYZ2CAMS), 1, 1))
    xyz2cam = (XYZ2CAMS * weights).sum(axis=0) / weights.sum(axis=0)
    rgb2cam = xyz2cam @ RGB2XYZ
    return rgb2cam / rgb2cam.sum(axis=-1, keepdims=True)


def apply_ccm(image: np.ndarray, ccm: np.ndarray) -> np.ndarray:
    """Apply a 3x3 colour matrix to every pixel: ``out[..., i] = sum_j ccm[i, j] x[..., j]``.

    Parameters
    ----------
    image : ndarray, (..., 3)
    ccm : ndarray, (3, 3)

    Returns
    -------
    ndarray, float32, same shape.
    """
    return _f32(image) @ np.asarray(ccm, dtype=np.float32).T


def random_gains(rng: np.random.Generator) -> tuple[float, float, float]:
    """Brightening and white-balance gains at the paper's ranges [1]_.

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    rgb_gain, red_gain, blue_gain : float
        ``1 / N(0.8, 0.1)``, uniform [1.9, 2.4], uniform [1.5, 1.9].
    """
    rgb_gain = 1.0 / rng.normal(0.8, 0.1)
    red_gain = rng.uniform(1.9, 2.4)
    blue_gain = rng.uniform(1.5, 1.9)
    return float(rgb_gain), float(red_gain), float(blue_gain)


def safe_invert_gains(image: np.ndarray, rgb_gain: float, red_gain: float,
                      blue_gain: float) -> np.ndarray:
    """Undo white balance and brightening, sparing near-white pixels, as the official code [1]_.

    Gains ``[1/red, 1, 1/blue] / rgb_gain``; where the grey level exceeds 0.9 they are
    blended towards 1 (``mask = ((grey - 0.9) / 0.1)^2``) so saturated pixels stay
    saturated instead of turning dim and coloured.

    Parameters
    ----------
    image : ndarray, (H, W, 3), linear camera RGB
    rgb_gain, red_gain, blue_gain : float

    Returns
    -------
    ndarray, float32, same shape.
    """
    img = _f32(image)
    gains = (np.array([1.0 / red_gain, 1.0, 1.0 / blue_gain]) / rgb_gain).astype(np.float32)
    grey = img.mean(axis=-1, keepdims=True)
    mask = (np.maximum(grey - 0.9, 0.0) / 0.1) ** 2
    safe = np.maximum(mask + (1.0 - mask) * gains, gains)
    return img * safe


# ------------------------------------------------------------------------------ Bayer

def _cfa_channel(shape: tuple[int, int]) -> np.ndarray:
    """Index (0 R, 1 G, 2 B) of the colour each pixel of an RGGB mosaic records."""
    h, w = shape
    idx = np.ones((h, w), dtype=np.intp)
    idx[0::2, 0::2] = 0
    idx[1::2, 1::2] = 2
    return idx


def mosaic(image: np.ndarray) -> np.ndarray:
    """Keep, at each pixel, the one colour an RGGB Bayer filter lets through [1]_.

    Departure: the official ``mosaic`` packs the four planes into an (H/2, W/2, 4) array (its
    network's input); this keeps the full-resolution (H, W) colour-filter-array image, the
    form OpenCV's demosaic takes, and works for odd sizes (several of the sample's
    photographs have one). The values are the same.

    Parameters
    ----------
    image : ndarray, (H, W, 3)

    Returns
    -------
    ndarray, float32, (H, W)
        R at even rows and columns, B at odd rows and columns, G elsewhere.
    """
    img = _f32(image)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"mosaic: expected an (H, W, 3) image, got shape {img.shape}")
    idx = _cfa_channel(img.shape[:2])
    return np.take_along_axis(img, idx[..., None], axis=-1)[..., 0]


def demosaic(bayer: np.ndarray) -> np.ndarray:
    """Bilinear demosaic of an RGGB mosaic with OpenCV (``cv2.COLOR_BayerRGGB2RGB``).

    Departure: the official code's bilinear demosaic is written in TensorFlow; OpenCV's
    default Bayer conversion is also bilinear. OpenCV takes integers, so the mosaic (clipped
    to [0, 1]) is rounded to 16 bits first (steps of 1.5e-5, below any noise level drawn).

    Parameters
    ----------
    bayer : ndarray, (H, W), values in [0, 1]

    Returns
    -------
    ndarray, float32, (H, W, 3)
    """
    import cv2

    b = _f32(bayer)
    if b.ndim != 2:
        raise ValueError(f"demosaic: expected an (H, W) mosaic, got shape {b.shape}")
    u16 = np.round(np.clip(b, 0.0, 1.0) * 65535.0).astype(np.uint16)
    return cv2.cvtColor(u16, cv2.COLOR_BayerRGGB2RGB).astype(np.float32) / np.float32(65535.0)


# ------------------------------------------------------------------------------ low light

def light_rgb(name: str) -> np.ndarray:
    """Linear-sRGB colour of a light source of :data:`LIGHTS`, luminance 1.

    Its chromaticity (x, y) becomes XYZ with Y = 1, then linear sRGB (inverse of
    :data:`RGB2XYZ`); D65, sRGB's white, gives about (1, 1, 1), tungsten about (2.2, 0.83,
    0.23): much more red than blue.

    Parameters
    ----------
    name : str
        A key of :data:`LIGHTS`.

    Returns
    -------
    ndarray, (3,)
    """
    if name not in LIGHTS:
        raise ValueError(f"unknown light {name!r}; choose one of {', '.join(LIGHTS)}")
    x, y = LIGHTS[name]
    xyz = np.array([x / y, 1.0, (1.0 - x - y) / y])
    return np.linalg.solve(RGB2XYZ, xyz)


def light_in_camera(name: str, rgb2cam: np.ndarray) -> np.ndarray:
    """What a light source multiplies each raw channel by, relative to sRGB's white (D65).

    A white surface under the light has linear sRGB :func:`light_rgb`; the camera sees
    ``rgb2cam @ light_rgb``, and sees ``rgb2cam @ (1, 1, 1) = (1, 1, 1)`` under D65 (rows
    sum to 1). Treating the light as per-channel multipliers in camera space is the von
    Kries approximation.

    Parameters
    ----------
    name : str
        A key of :data:`LIGHTS`.
    rgb2cam : ndarray, (3, 3)

    Returns
    -------
    ndarray, (3,)
        Multipliers of the R, G, B raw channels.
    """
    return np.asarray(rgb2cam, dtype=np.float64) @ light_rgb(name)


def illumination_field(shape: tuple[int, int], lamp_xy: tuple[float, float],
                       lamp_height: float, ambient: float, vignetting: float) -> np.ndarray:
    """Smooth spatially varying light: a lamp over the scene plus ambient light, vignetted.

    Coordinates are in units of the image's half-diagonal, origin at its centre. A point
    lamp at height ``h`` above the point ``lamp_xy`` lights a flat scene with the
    inverse-square and cosine law, ``h^3 / (d^2 + h^2)^{3/2}`` (1 under the lamp); the
    ambient light is uniform; the lens darkens the corners by the cos^4 law,
    ``1 / (1 + (r / f)^2)^2`` with ``f = vignetting``::

        field = (ambient + (1 - ambient) * lamp) * vignette

    Its values lie in ``[ambient * 1 / (1 + 1/f^2)^2, 1]`` and its slope (per half-diagonal)
    is at most ``(1 - ambient) * 0.86 / h + 1.04 / f``, so it is smooth.

    Parameters
    ----------
    shape : (int, int)
        Height and width.
    lamp_xy : (float, float)
        Where the lamp stands (x right, y down); may lie outside the frame (|x|, |y| > ~0.8).
    lamp_height : float
        Height of the lamp above the scene, > 0; lower is a tighter, brighter spot.
    ambient : float
        Share of uniform light, in [0, 1].
    vignetting : float
        Focal length over half-diagonal, > 0; lower is stronger vignetting.

    Returns
    -------
    ndarray, float32, (H, W), values in (0, 1].
    """
    h, w = shape
    if lamp_height <= 0 or vignetting <= 0 or not 0 <= ambient <= 1:
        raise ValueError(
            f"illumination_field: need lamp_height > 0, vignetting > 0 and ambient in [0, 1], "
            f"got {lamp_height}, {vignetting}, {ambient}")
    half_diag = np.hypot(h, w) / 2.0
    ys = (np.arange(h) - (h - 1) / 2.0) / half_diag
    xs = (np.arange(w) - (w - 1) / 2.0) / half_diag
    d2 = (xs[None, :] - lamp_xy[0]) ** 2 + (ys[:, None] - lamp_xy[1]) ** 2
    lamp = lamp_height**3 / (d2 + lamp_height**2) ** 1.5
    r2 = xs[None, :] ** 2 + ys[:, None] ** 2
    vignette = 1.0 / (1.0 + r2 / vignetting**2) ** 2
    return ((ambient + (1.0 - ambient) * lamp) * vignette).astype(np.float32)


def illumination_slope_bound(lamp_height: float, ambient: float, vignetting: float) -> float:
    """Upper bound of :func:`illumination_field`'s gradient, per half-diagonal.

    ``(1 - ambient) * 0.859 / lamp_height + 1.035 / vignetting``: the steepest slopes of the
    lamp term (at distance ``h / 2``) and of the cos^4 term (at ``r = f / sqrt(5)``), added.
    """
    return (1.0 - ambient) * 0.859 / lamp_height + 1.035 / vignetting


def relight(bayer: np.ndarray, field: np.ndarray, light: np.ndarray) -> np.ndarray:
    """The raw mosaic of the scene under a dim, uneven, coloured light.

    ``bayer * field * light[colour of the pixel]``: the spatial :func:`illumination_field`
    and the light's colour in camera space (:func:`light_in_camera`). In units of a normal
    exposure: these are the photons that reach each pixel, before the sensor's noise. Not in
    the paper, whose scenes keep their light.

    Parameters
    ----------
    bayer : ndarray, (H, W)
    field : ndarray, (H, W)
    light : ndarray, (3,)

    Returns
    -------
    ndarray, float32, (H, W)
    """
    b = _f32(bayer)
    if np.shape(field) != b.shape:
        raise ValueError(f"relight: field shape {np.shape(field)} differs from the mosaic's "
                         f"{b.shape}")
    return b * _f32(field) * _f32(light)[_cfa_channel(b.shape)]


def underexpose(bayer: np.ndarray, exposure: float) -> np.ndarray:
    """The camera records the (noisy) mosaic ``exposure`` times darker than a normal exposure.

    Not in the paper (its images are normally exposed). Applied *after* :func:`add_noise`:
    the paper's noise levels were measured on normally exposed captures, so they say how
    many photons a normally lit pixel gathers; recording them darker (a lower gain) scales signal and
    noise alike. The lamp's falloff and the vignetting (:func:`relight`) act before the noise, so
    the darker parts of the scene are the noisier ones, as in a real capture. (Adding the
    paper's levels to the already darkened mosaic instead would divide the signal-to-noise
    ratio by a further ``sqrt(1 / exposure)``, beyond the paper's noisiest captures.)

    Parameters
    ----------
    bayer : ndarray, (H, W)
    exposure : float
        In (0, 1].

    Returns
    -------
    ndarray, float32, (H, W)
    """
    if not 0 < exposure <= 1:
        raise ValueError(f"underexpose: exposure must be in (0, 1], got {exposure}")
    return _f32(bayer) * np.float32(exposure)


def random_noise_levels(rng: np.random.Generator) -> tuple[float, float]:
    """Shot and read noise levels at the paper's distribution [1]_.

    ``log(shot)`` uniform in ``[log 1e-4, log 0.012]``; ``log(read)`` normal around the
    paper's linear fit ``2.18 log(shot) + 1.20`` with standard deviation 0.26.

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    shot, read : float
        The noise variance of a raw value ``x`` is ``shot * x + read`` (:func:`add_noise`).
    """
    log_shot = rng.uniform(np.log(0.0001), np.log(0.012))
    log_read = 2.18 * log_shot + 1.20 + rng.normal(0.0, 0.26)
    return float(np.exp(log_shot)), float(np.exp(log_read))


def add_noise(bayer: np.ndarray, shot: float, read: float,
              rng: np.random.Generator) -> np.ndarray:
    """Heteroscedastic Gaussian noise of variance ``shot * x + read`` [1]_.

    The Gaussian approximation of Poisson shot noise plus Gaussian read noise, as in the
    official ``add_noise``. The result is not clipped (the camera clips it, :func:`process`).

    Parameters
    ----------
    bayer : ndarray, (H, W)
        Raw values ``x`` (negative values count as 0 in the variance).
    shot, read : float
        >= 0.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, float32, (H, W)
    """
    if shot < 0 or read < 0:
        raise ValueError(f"add_noise: shot and read must be >= 0, got {shot}, {read}")
    b = _f32(bayer)
    variance = np.maximum(b, 0.0) * np.float32(shot) + np.float32(read)
    return b + rng.standard_normal(b.shape, dtype=np.float32) * np.sqrt(variance)


# ------------------------------------------------------------------------------ the camera

def gray_world_gains(bayer: np.ndarray,
                     gain_range: tuple[float, float] = AWB_GAIN_RANGE) -> tuple[float, float]:
    """White balance measured from the mosaic itself: the gray-world assumption.

    ``red = mean(G) / mean(R)``, ``blue = mean(G) / mean(B)`` over the (clipped) mosaic's
    sites, clipped to ``gain_range``, as a camera's auto white balance limits its guess to
    plausible lights. The scene's own colours and a coloured light both move it, so it can
    be wrong, as a camera's is. Departure: the official ``process`` is given the true gains
    (the paper's denoiser is given the metadata); a camera under unknown light must measure.

    Parameters
    ----------
    bayer : ndarray, (H, W)
    gain_range : (float, float)

    Returns
    -------
    red_gain, blue_gain : float
    """
    b = np.clip(_f32(bayer), 0.0, 1.0)
    idx = _cfa_channel(b.shape)
    means = [b[idx == c].mean() for c in range(3)]
    lo, hi = gain_range
    red = float(np.clip(means[1] / max(means[0], 1e-12), lo, hi))
    blue = float(np.clip(means[1] / max(means[2], 1e-12), lo, hi))
    return red, blue


def apply_gains(bayer: np.ndarray, red_gain: float, blue_gain: float,
                rgb_gain: float = 1.0) -> np.ndarray:
    """Multiply the R and B sites by their white-balance gains and every site by ``rgb_gain``.

    Departure: the official ``apply_gains`` leaves the brightening gain out; it is applied
    here so that :func:`process` inverts :func:`safe_invert_gains` (below its white knee).

    Parameters
    ----------
    bayer : ndarray, (H, W)
    red_gain, blue_gain, rgb_gain : float

    Returns
    -------
    ndarray, float32, (H, W)
    """
    b = _f32(bayer)
    gains = (np.array([red_gain, 1.0, blue_gain]) * rgb_gain).astype(np.float32)
    return b * gains[_cfa_channel(b.shape)]


def finish(image: np.ndarray, bits: int = 8, jpeg_quality: int | None = None) -> np.ndarray:
    """Write the image as a camera's file would hold it: ``bits``-bit levels, optionally JPEG.

    Parameters
    ----------
    image : ndarray, (H, W, 3), sRGB in [0, 1] (clipped)
    bits : int
        Quantisation; 8 for PNG/JPEG.
    jpeg_quality : int, optional
        1-100: encode and decode with OpenCV's JPEG at that quality (8-bit only).

    Returns
    -------
    ndarray, float32, same shape, on the ``2**bits - 1`` grid.
    """
    levels = 2**bits - 1
    q = np.round(np.clip(_f32(image), 0.0, 1.0) * levels)
    if jpeg_quality is None:
        return (q / levels).astype(np.float32)
    import cv2

    if bits != 8 or not 1 <= int(jpeg_quality) <= 100:
        raise ValueError(f"finish: JPEG needs bits=8 and jpeg_quality in 1-100, got "
                         f"bits={bits}, jpeg_quality={jpeg_quality}")
    ok, buf = cv2.imencode(".jpg", q.astype(np.uint8)[..., ::-1],
                           [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)])
    if not ok:
        raise RuntimeError("finish: OpenCV could not encode the JPEG")
    return (cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1] / 255.0).astype(np.float32)


# ------------------------------------------------------------------------------ pipelines

@dataclasses.dataclass(frozen=True)
class CameraParams:
    """Everything :func:`synthesize_camera_low_light` draws for one pair.

    Attributes
    ----------
    rgb2cam : ndarray (3, 3)
        From :func:`random_ccm`; ``cam2rgb`` is its inverse.
    rgb_gain, red_gain, blue_gain : float
        From :func:`random_gains`: the camera's true brightening and white balance.
    light : str
        A key of :data:`LIGHTS`.
    exposure : float
        Global fraction of a normal exposure.
    lamp_xy, lamp_height, ambient, vignetting
        Arguments of :func:`illumination_field`.
    shot, read : float
        From :func:`random_noise_levels`.
    """

    rgb2cam: np.ndarray
    rgb_gain: float
    red_gain: float
    blue_gain: float
    light: str
    exposure: float
    lamp_xy: tuple[float, float]
    lamp_height: float
    ambient: float
    vignetting: float
    shot: float
    read: float

    @property
    def cam2rgb(self) -> np.ndarray:
        """The camera's colour correction matrix (camera -> linear sRGB)."""
        return np.linalg.inv(self.rgb2cam)


def _draw(rng: np.random.Generator, span) -> float:
    if isinstance(span, tuple | list):
        lo, hi = span
        return float(rng.uniform(lo, hi))
    return float(span)


def random_camera_params(rng: np.random.Generator, exposure=EXPOSURE, light: str | None = None,
                         ambient=AMBIENT, lamp_height=LAMP_HEIGHT,
                         vignetting=VIGNETTING) -> CameraParams:
    """Draw one pair's camera, light and noise (in a fixed order, so a seed fixes them all).

    Parameters
    ----------
    rng : numpy.random.Generator
    exposure : float or (float, float)
        A pair is drawn log-uniformly.
    light : str, optional
        A key of :data:`LIGHTS`; default one drawn uniformly.
    ambient, lamp_height, vignetting : float or (float, float)
        Arguments of :func:`illumination_field`; a pair is drawn uniformly. The lamp stands
        uniformly in [-1, 1]^2 half-diagonals (inside or just outside the frame).

    Returns
    -------
    CameraParams
    """
    rgb2cam = random_ccm(rng)
    rgb_gain, red_gain, blue_gain = random_gains(rng)
    names = list(LIGHTS)
    drawn = names[int(rng.integers(len(names)))]
    light = drawn if light is None else light
    if light not in LIGHTS:
        raise ValueError(f"unknown light {light!r}; choose one of {', '.join(LIGHTS)}")
    if isinstance(exposure, tuple | list):
        lo, hi = exposure
        exposure = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    lamp_xy = (float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)))
    height = _draw(rng, lamp_height)
    amb = _draw(rng, ambient)
    vig = _draw(rng, vignetting)
    shot, read = random_noise_levels(rng)
    return CameraParams(rgb2cam, rgb_gain, red_gain, blue_gain, light, float(exposure),
                        lamp_xy, height, amb, vig, shot, read)


def unprocess(image: np.ndarray, params: CameraParams) -> np.ndarray:
    """sRGB photograph -> raw RGGB mosaic, as the official ``unprocess`` [1]_.

    Inverse tone curve, inverse gamma, sRGB -> camera colour, inverse white balance and
    brightening (sparing saturated pixels), clip to [0, 1], mosaic.

    Parameters
    ----------
    image : ndarray, (H, W, 3), sRGB in [0, 1]
    params : CameraParams

    Returns
    -------
    ndarray, float32, (H, W)
    """
    x = inverse_smoothstep(image)
    x = gamma_expansion(x)
    x = apply_ccm(x, params.rgb2cam)
    x = safe_invert_gains(x, params.rgb_gain, params.red_gain, params.blue_gain)
    return mosaic(np.clip(x, 0.0, 1.0))


def process(bayer: np.ndarray, red_gain: float, blue_gain: float, cam2rgb: np.ndarray,
            rgb_gain: float = 1.0) -> np.ndarray:
    """Raw RGGB mosaic -> sRGB, as a camera does (the official ``process`` [1]_, plus the
    brightening gain and the tone curve, so that it inverts :func:`unprocess`).

    White balance and brightening, clip to [0, 1], demosaic, colour correction, clip, gamma,
    tone curve.

    Parameters
    ----------
    bayer : ndarray, (H, W)
    red_gain, blue_gain, rgb_gain : float
    cam2rgb : ndarray, (3, 3)

    Returns
    -------
    ndarray, float32, (H, W, 3), in [0, 1] (not quantised: see :func:`finish`).
    """
    x = np.clip(apply_gains(bayer, red_gain, blue_gain, rgb_gain), 0.0, 1.0)
    x = demosaic(x)
    x = np.clip(apply_ccm(x, cam2rgb), 0.0, 1.0)
    return smoothstep(gamma_compression(x))


def synthesize_camera_low_light(
    image: np.ndarray,
    seed: int,
    exposure: float | tuple[float, float] = EXPOSURE,
    light: str | None = None,
    shot: float | None = None,
    read: float | None = None,
    bits: int = 8,
    jpeg_quality: int | None = None,
    return_stages: bool = False,
):
    """Photograph a scene in low light with a simulated camera (the embedded sample's model).

    Unprocess the photograph to raw [1]_, light it with a dim, uneven, coloured light
    (:func:`illumination_field`, :func:`light_in_camera`, :func:`relight`), add shot and read
    noise at levels drawn from the paper's distribution (:func:`add_noise`), record it darker
    (:func:`underexpose`), then process it
    as a camera would, with a white balance measured from the dark mosaic
    (:func:`gray_world_gains`), and write it as an 8-bit file. The image stays dark (no
    exposure compensation), as LOL's low images are.

    Taught in notebook 01, section 'Low light as a camera makes it'.

    Parameters
    ----------
    image : ndarray, (H, W, 3), sRGB in [0, 1]
        A normally exposed photograph.
    seed : int
        Seeds every draw (:func:`random_camera_params`) and the noise.
    exposure : float or (float, float)
        How much darker than a normal exposure the camera records the scene
        (:func:`underexpose`); a pair is drawn log-uniformly. With the default, 0.15-0.6,
        and the illumination field, the embedded sample's low images have the mean level of
        the exposure-only model's (0.099 both, data/README.md says how to measure it).
    light : str, optional
        A key of :data:`LIGHTS`; default drawn per seed.
    shot, read : float, optional
        Fix the noise levels instead of drawing them (:func:`random_noise_levels`).
    bits : int
        Quantisation of the written file.
    jpeg_quality : int, optional
        Also JPEG-compress at this quality (default: none, as the sample's PNG files).
    return_stages : bool
        Also return a dict of every stage's image and the drawn :class:`CameraParams`.

    Returns
    -------
    ndarray, float32, (H, W, 3)
        Or ``(image, stages)`` when ``return_stages``; ``stages`` holds ``"raw"`` (the clean
        mosaic), ``"field"``, ``"lit"`` (relit, noise-free), ``"noisy"`` (noisy and
        underexposed: the raw file), ``"demosaiced"`` (white-balanced
        linear camera RGB), ``"processed"`` (before quantisation), ``"params"``,
        ``"measured_gains"`` (red, blue) and ``"true_gains"`` (red, blue).

    References
    ----------
    .. [1] Brooks et al., "Unprocessing Images for Learned Raw Denoising", CVPR 2019.

    Examples
    --------
    >>> img = np.full((16, 16, 3), 0.5)
    >>> low = synthesize_camera_low_light(img, seed=0)
    >>> low.shape, low.dtype.name, bool(low.mean() < 0.25)
    ((16, 16, 3), 'float32', True)
    """
    img = _f32(image)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {img.shape}")
    rng = np.random.default_rng(seed)
    params = random_camera_params(rng, exposure=exposure, light=light)
    if shot is not None or read is not None:
        params = dataclasses.replace(params, shot=params.shot if shot is None else float(shot),
                                     read=params.read if read is None else float(read))
    raw = unprocess(img, params)
    field = illumination_field(img.shape[:2], params.lamp_xy, params.lamp_height,
                               params.ambient, params.vignetting)
    lit = relight(raw, field, light_in_camera(params.light, params.rgb2cam))
    noisy = underexpose(add_noise(lit, params.shot, params.read, rng), params.exposure)
    red, blue = gray_world_gains(noisy)
    processed = process(noisy, red, blue, params.cam2rgb, params.rgb_gain)
    out = finish(processed, bits=bits, jpeg_quality=jpeg_quality)
    if not return_stages:
        return out
    balanced = demosaic(np.clip(apply_gains(noisy, red, blue, params.rgb_gain), 0.0, 1.0))
    return out, {"raw": raw, "field": field, "lit": lit, "noisy": noisy,
                 "demosaiced": balanced, "processed": processed, "params": params,
                 "measured_gains": (red, blue),
                 "true_gains": (params.red_gain, params.blue_gain)}
