"""YCrCb conversion agrees with OpenCV and round-trips."""

import cv2
import numpy as np

from lowlight_utils.metrics.colour import rgb_to_ycrcb, ycrcb_to_rgb


def test_matches_opencv_and_roundtrips():
    img = np.random.default_rng(0).random((9, 11, 3)).astype(np.float32)
    ours = rgb_to_ycrcb(img)
    theirs = cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    np.testing.assert_allclose(ycrcb_to_rgb(ours), img, atol=1e-5)
