"""Profiles and the packaging contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lowlight_utils import config

ROOT = Path(__file__).resolve().parents[1]


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("LOWLIGHT_PROFILE", "quick")
    assert config.get_profile().name == "quick"
    monkeypatch.setenv("LOWLIGHT_PROFILE", " FULL ")
    assert config.get_profile().name == "full"
    assert config.get_profile("quick").name == "quick"  # argument wins


def test_auto_follows_gpu(monkeypatch):
    monkeypatch.delenv("LOWLIGHT_PROFILE", raising=False)
    monkeypatch.setattr(config, "gpu_available", lambda: True)
    assert config.get_profile().name == "full"
    monkeypatch.setattr(config, "gpu_available", lambda: False)
    assert config.get_profile("auto").name == "quick"


def test_unknown_profile_is_named(monkeypatch):
    monkeypatch.setenv("LOWLIGHT_PROFILE", "turbo")
    with pytest.raises(ValueError, match="turbo.*LOWLIGHT_PROFILE"):
        config.get_profile()


def test_quick_is_smaller_than_full():
    q, f = config.PROFILES["quick"], config.PROFILES["full"]
    assert q.crop < f.crop and q.epochs <= f.epochs


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~\[;@]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies():
    """environment.yml (conda) and pyproject.toml must not drift apart."""
    import yaml

    tomllib = pytest.importorskip("tomllib")  # standard library from Python 3.11

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["cpu"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_name(d) for d in conda if not d.startswith(("python", "pip"))}
    listed |= {_name(d) for d in pip if not d.startswith("-e")}
    assert listed == wanted, (
        f"only in pyproject: {sorted(wanted - listed)}; only in environment.yml: "
        f"{sorted(listed - wanted)}"
    )
    assert any(str(d).startswith("python=3.11") for d in conda)
    assert any(d.startswith("-e .") for d in pip)


# --- smoke switch, precision, run folders ----------------------------------------------------


def test_smoke_keeps_sizes_and_caps_the_length(monkeypatch):
    monkeypatch.setenv("LOWLIGHT_SMOKE", "1")
    full = config.PROFILES["full"]
    smoke = config.get_profile("full")
    assert (smoke.crop, smoke.batch_size, smoke.name) == (full.crop, full.batch_size, "full")
    assert (smoke.epochs, smoke.steps_per_epoch) == (config.SMOKE_EPOCHS, config.SMOKE_STEPS)
    assert smoke.smoke and "SMOKE" in str(smoke)
    assert config.cap_epochs(34) == 1 and config.cap_steps(None) == 2
    assert config.cap_steps(500) == 2 and config.cap_steps(1) == 1
    assert config.cap_images(list("abcdef")) == ["a", "b"]
    monkeypatch.setenv("LOWLIGHT_SMOKE", "0")
    assert config.get_profile("full") == full and not full.smoke
    assert config.cap_epochs(34) == 34 and config.cap_steps(None) is None
    assert config.cap_images("abcdef") == "abcdef"


def test_bad_smoke_value_is_named(monkeypatch):
    monkeypatch.setenv("LOWLIGHT_SMOKE", "maybe")
    with pytest.raises(ValueError, match="LOWLIGHT_SMOKE"):
        config.get_profile("quick")


def test_precision_follows_the_machine(monkeypatch):
    monkeypatch.delenv("LOWLIGHT_PRECISION", raising=False)
    monkeypatch.setattr(config, "gpu_available", lambda: True)
    assert config.resolve_precision() == "mixed_float16"
    monkeypatch.setattr(config, "gpu_available", lambda: False)
    assert config.resolve_precision() == "float32"
    monkeypatch.setenv("LOWLIGHT_PRECISION", " Mixed ")
    assert config.resolve_precision() == "mixed_float16"
    assert config.resolve_precision("float32") == "float32"  # argument wins
    monkeypatch.setenv("LOWLIGHT_PRECISION", "bfloat16")
    with pytest.raises(ValueError, match="bfloat16.*LOWLIGHT_PRECISION"):
        config.resolve_precision()


def test_apply_precision_sets_the_global_policy(monkeypatch):
    import keras

    before = keras.mixed_precision.global_policy().name
    try:
        assert config.apply_precision("mixed") == "mixed_float16"
        layer = keras.layers.Dense(2)
        assert (layer.compute_dtype, layer.variable_dtype) == ("float16", "float32")
        assert config.apply_precision("float32") == "float32"
        assert keras.layers.Dense(2).compute_dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy(before)


def test_run_folder_is_stable_per_notebook_and_profile(monkeypatch, tmp_path):
    monkeypatch.setenv("LOWLIGHT_RUNS_DIR", str(tmp_path / "drive"))
    monkeypatch.delenv("LOWLIGHT_SMOKE", raising=False)
    first = config.run_folder("02_pix2pix_bce", config.get_profile("full"))
    assert first == tmp_path / "drive" / "02_pix2pix_bce-full"
    assert config.run_folder("02_pix2pix_bce", "full") == first  # no timestamp: same folder
    assert config.run_folder("02_pix2pix_bce", "quick").name == "02_pix2pix_bce-quick"
    monkeypatch.setenv("LOWLIGHT_SMOKE", "1")  # a smoke run never resumes a real run
    assert config.run_folder("02_pix2pix_bce", config.get_profile("full")).name == (
        "02_pix2pix_bce-full-smoke")
