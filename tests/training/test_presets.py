"""Every report's preset builds, and says where it departs from its report."""

from __future__ import annotations

import pytest

from lowlight_utils.training import METHODS, get_builder
from lowlight_utils.training.presets import PRESETS, get_preset, list_presets

REPORT_PRESETS = {"wgan-gp-report", "bce-sidd-report", "slides-small-unet", "zero-dce-report",
                  "dped-wgan-clip", "dped-deblur"}


def test_one_preset_per_report():
    assert set(PRESETS) == REPORT_PRESETS
    assert all(p.method in METHODS for p in PRESETS.values())
    assert all(p.departures for p in PRESETS.values())


@pytest.mark.parametrize("name", sorted(REPORT_PRESETS))
def test_preset_settings_are_accepted_by_its_builder(name):
    preset = get_preset(name)
    # quick-profile networks keep this fast; the overrides are what is being checked
    model = get_builder(preset.method)("quick", **preset.build)
    assert model.optimizer is not None


def test_report_details_carried_over():
    wgan = get_preset("wgan-gp-report")
    assert (wgan.crop, wgan.batch_size, wgan.epochs) == (256, 4, 34)
    dped = get_preset("dped-wgan-clip")
    assert dped.postprocess == "contrast-stretch" and dped.build["variant"] == "weight-clipping"
    assert get_preset("zero-dce-report").split == (30, 370, None)
    assert get_preset("slides-small-unet").build["gan_weight"] == 0.01


def test_wgan_gp_report_preset_keeps_the_reports_critic_and_optimisers():
    """The course's default WGAN-GP is the paper's; the preset keeps the report's choices."""
    import keras

    preset = get_preset("wgan-gp-report")
    model = get_builder(preset.method)("quick", base_filters=4, depth=3, critic_filters=4,
                                       **preset.build)
    assert isinstance(model.critic_optimizer, keras.optimizers.SGD)
    assert model.critic_optimizer.clipnorm == model.generator_optimizer.clipnorm == 1.0
    assert model.generator_optimizer.beta_1 == 0.5 and model.gp_reduce == "sum"
    assert any(isinstance(layer, keras.layers.BatchNormalization)
               for layer in model.critic.layers)
    assert any("Gulrajani" in d for d in preset.departures)
    default = get_builder(preset.method)("quick", base_filters=4, depth=3, critic_filters=4)
    assert isinstance(default.critic_optimizer, keras.optimizers.Adam)


def test_unknown_preset_and_listing():
    with pytest.raises(ValueError, match="wgan-gp-report"):
        get_preset("nope")
    text = list_presets()
    assert all(name in text for name in REPORT_PRESETS) and "departs:" in text


def test_dped_preset_generator_fits_its_64_pixel_crops():
    """The 8-level U-Net needs inputs divisible by 256; the preset's 64x64 crops crashed at
    the first skip connection. Its full-profile generator must now run on one."""
    import numpy as np

    preset = get_preset("dped-wgan-clip")
    assert any("6 down / 6 up" in d for d in preset.departures)
    model = get_builder(preset.method)("full", **preset.build)
    crop = np.zeros((1, preset.crop, preset.crop, 3), np.float32)
    assert tuple(model.generator(crop).shape) == crop.shape
    scores = model.critic(np.concatenate([crop, crop], -1))
    assert np.isfinite(np.asarray(scores)).all()


@pytest.mark.parametrize("name", sorted(REPORT_PRESETS))
def test_preset_crop_is_a_multiple_of_its_generator_stride(name):
    from lowlight_utils.pix2pix import PROFILE_SETTINGS

    preset = get_preset(name)
    if preset.method.startswith("zero-dce") or preset.build.get("generator") == "small":
        return  # no down-sampling: any size fits
    depth = preset.build.get("depth", PROFILE_SETTINGS["full"]["depth"])
    assert preset.crop % 2 ** depth == 0, (preset.crop, depth)


def test_each_preset_trains_on_its_reports_task():
    from lowlight_utils.data.degradations import TASKS

    tasks = {name: p.task for name, p in PRESETS.items()}
    assert set(tasks.values()) <= set(TASKS)
    assert tasks == {"wgan-gp-report": "low-light", "bce-sidd-report": "noise",
                     "slides-small-unet": "low-light", "zero-dce-report": "low-light",
                     "dped-wgan-clip": "low-light", "dped-deblur": "blur"}
    assert all(f"task {p.task}" in p.describe() for p in PRESETS.values())
    sidd = get_preset("bce-sidd-report")
    assert any("SIDD" in d and "white" in d for d in sidd.departures)
    deblur = get_preset("dped-deblur")  # report 004, section 3.3: batch 8 at 256x256, 400 epochs
    assert (deblur.method, deblur.crop, deblur.batch_size, deblur.epochs) == (
        "pix2pix-bce", 256, 8, 400)
    assert deblur.postprocess == "contrast-stretch" and deblur.build["l1_weight"] == 100.0
    assert any("VGG" in d for d in deblur.departures)
