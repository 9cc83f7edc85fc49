"""``data.pipeline.throughput``: images per second through three input pipelines (notebook 01,
``python -m lowlight_utils.bench pipeline``)."""

from __future__ import annotations

import numpy as np
import pytest

from lowlight_utils.data import Pair, save_image
from lowlight_utils.data.pipeline import THROUGHPUT_SETTINGS, throughput


@pytest.fixture()
def pairs(tmp_path):
    rng = np.random.default_rng(0)
    out = []
    for i in range(4):
        for side in ("low", "high"):
            (tmp_path / side).mkdir(exist_ok=True)
            save_image(tmp_path / side / f"{i}.png", rng.random((24, 24, 3)).astype(np.float32))
        out.append(Pair(tmp_path / "low" / f"{i}.png", tmp_path / "high" / f"{i}.png"))
    return out


def test_throughput_reports_every_setting_and_is_bounded_by_the_simulated_step(pairs):
    work_ms, batch = 30.0, 2
    speeds = throughput(pairs, crop=16, batch_size=batch, work_ms=work_ms, epochs=2)
    assert list(speeds) == list(THROUGHPUT_SETTINGS)
    # every batch is followed by the simulated step, so no setting can beat the step alone
    ceiling = 1000.0 * batch / work_ms
    assert all(0 < ips <= ceiling for ips in speeds.values()), speeds


@pytest.mark.parametrize("kw", [dict(work_ms=-1.0), dict(epochs=0)])
def test_throughput_refuses_bad_arguments(pairs, kw):
    with pytest.raises(ValueError, match="throughput"):
        throughput(pairs, crop=16, **kw)
