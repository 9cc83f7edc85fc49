"""Tests of the learning-rate schedules (lowlight_utils._shared.schedules) and where they are used."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest

from lowlight_utils import pix2pix
from lowlight_utils._shared.schedules import HoldThenLinear


def test_hold_then_linear_holds_then_falls_to_its_final_value():
    s = HoldThenLinear(1e-3, total_steps=100, hold_fraction=0.5, final_fraction=0.1)
    rates = [float(s(step)) for step in (0, 49, 50, 75, 100, 1000)]
    np.testing.assert_allclose(rates, [1e-3, 1e-3, 1e-3, 5.5e-4, 1e-4, 1e-4], rtol=1e-5)


def test_hold_then_linear_round_trips_through_its_config():
    s = HoldThenLinear(2e-4, total_steps=40, hold_fraction=0.25)
    t = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(s))
    assert isinstance(t, HoldThenLinear) and float(t(30)) == pytest.approx(float(s(30)))


@pytest.mark.parametrize("kwargs", [{"total_steps": 0}, {"total_steps": 10, "hold_fraction": 2}])
def test_hold_then_linear_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        HoldThenLinear(1e-3, **kwargs)


def test_pix2pix_lr_hold_spans_the_profiles_epochs_times_steps():
    model = pix2pix.build("quick", base_filters=8, depth=3, disc_filters=8, lr_hold=0.5,
                          steps_per_epoch=10, epochs=4)
    schedule = model.generator_optimizer._learning_rate  # the schedule object itself
    assert isinstance(schedule, HoldThenLinear) and schedule.total_steps == 40
    constant = pix2pix.build("quick", base_filters=8, depth=3, disc_filters=8)
    assert float(constant.generator_optimizer.learning_rate) == pytest.approx(1e-3)


def test_fit_method_picks_the_full_resolution_residual_head_for_noise(tmp_path, monkeypatch):
    from lowlight_utils.training import loop

    built = {}

    def fake_train(model, *args, **kwargs):
        built["layers"] = [la.name for la in model.generator.layers]
        raise StopIteration

    monkeypatch.setattr(loop, "train", fake_train)
    with pytest.raises(StopIteration):
        loop.fit_method("pix2pix-bce", tmp_path, profile="quick", task="noise",
                        build_kwargs={"base_filters": 8, "disc_filters": 8})
    assert {"input_plus_residual", "refine_with_input"} <= set(built["layers"])
    with pytest.raises(StopIteration):
        loop.fit_method("pix2pix-bce", tmp_path, profile="quick", task="low-light",
                        build_kwargs={"base_filters": 8, "disc_filters": 8})
    assert "curves_plus_residual" in built["layers"]
