"""Tests of ``python -m lowlight_utils`` (lowlight_utils.cli)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from lowlight_utils import cli
from lowlight_utils.data import load_image
from tests.conftest import write_rgb

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def pairs_dir(tmp_path):
    """Ten smooth 100x128 pairs (dark input, brighter target) in the generic layout."""
    import tensorflow as tf
    from PIL import Image

    rng = np.random.default_rng(0)
    high = tf.image.resize(rng.random((10, 5, 6, 3), dtype=np.float32), (100, 128)).numpy()
    for i, img in enumerate(high):
        for sub, arr in (("low", img * 0.25), ("high", img)):
            (tmp_path / "data" / sub).mkdir(parents=True, exist_ok=True)
            Image.fromarray((arr * 255).round().astype(np.uint8)).save(
                tmp_path / "data" / sub / f"{i}.png")
    return tmp_path / "data"


COMMANDS = ("prepare", "train", "evaluate", "enhance", "bench", "colab", "course",
            "site-check")


def test_help_lists_the_commands_and_each_has_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"    {command}" in out and f"lowlight_utils {command}" in out, command
    # the delegated commands print their module's own options, then our examples
    own = {"prepare": "--lol", "train": "--list-presets", "evaluate": "--baseline",
           "enhance": "--test-mode", "bench": "train-step", "colab": "--repo",
           "course": "--notebooks", "site-check": "--chromium"}
    for command in COMMANDS:
        with pytest.raises(SystemExit) as exc:
            cli.main([command, "--help"])
        assert exc.value.code == 0, command
        out = capsys.readouterr().out
        assert own[command] in out, command
        examples = out.split("examples:", 1)[1]
        assert examples.count(f"python -m lowlight_utils {command}") >= 2, command


def test_delegated_commands_get_the_rest_of_the_line(tmp_path, capsys):
    from lowlight_utils.colab import install_source

    assert cli.main(["colab"]) == 0
    assert f"installs from {install_source()}" in capsys.readouterr().out
    empty = tmp_path / "site"
    empty.mkdir()
    assert cli.main(["-q", "site-check", str(empty)]) == 2  # sitecheck's own status
    assert f"{empty} has no .html pages" in capsys.readouterr().err


def test_method_names_learned_methods_only(tmp_path, capsys):
    for argv, message in [
        (["evaluate", "--method", "clahe"], "choose a classical one with --baseline clahe"),
        (["evaluate", "--method", "baselines"], "--baseline all"),
        (["evaluate", "--method", "pix2pix-bce"], "--model RUN_DIR/best.keras"),
        (["enhance", "--method", "gamma", "x.png", "--out", str(tmp_path / "o")],
         "--baseline gamma"),
        (["evaluate", "--baseline", "gamma", "--test-mode", "training"], "--model only"),
    ]:
        assert cli.main(["-q", *argv]) == 1, argv
        assert message in capsys.readouterr().err, argv
    assert not (tmp_path / "o").exists()


def test_module_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "lowlight_utils", "enhance", "--help"],
                          capture_output=True, cwd=REPO, timeout=120)
    assert done.returncode == 0 and b"--overwrite" in done.stdout


def test_enhance_with_a_baseline_names_failures_and_never_overwrites(tmp_path, capsys):
    src = tmp_path / "in"
    for i in range(2):
        write_rgb(src / f"p{i}.png", shape=(20, 30), seed=i)
    (src / "bad.jpg").write_bytes(b"not a jpeg")
    out = tmp_path / "out"
    assert cli.main(["-q", "enhance", "--baseline", "gamma", str(src), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "bad.jpg" in printed and "2 image(s) written" in printed
    assert sorted(p.name for p in out.iterdir()) == ["p0.png", "p1.png"]
    stamp = (out / "p0.png").read_bytes()
    assert cli.main(["-q", "enhance", "--baseline", "clahe", str(src / "p0.png"),
                     "--out", str(out)]) == 1
    assert "overwrite" in capsys.readouterr().err
    assert (out / "p0.png").read_bytes() == stamp
    assert cli.main(["-q", "enhance", "--baseline", "clahe", str(src / "p0.png"),
                     "--out", str(out), "--overwrite"]) == 0
    assert (out / "p0.png").read_bytes() != stamp


def test_enhance_refuses_to_write_into_an_input_folder(tmp_path, capsys):
    src = tmp_path / "in"
    write_rgb(src / "a.png")
    assert cli.main(["-q", "enhance", "--baseline", "gamma", str(src),
                     "--out", str(src / "out")]) == 1
    assert "input folder" in capsys.readouterr().err
    assert not (src / "out").exists()
    assert cli.main(["-q", "enhance", "--baseline", "gamma", str(tmp_path / "missing.png"),
                     "--out", str(tmp_path / "o")]) == 1
    assert "missing.png" in capsys.readouterr().err


def test_train_resume_evaluate_and_enhance_with_the_model(pairs_dir, tmp_path, capsys):
    run = tmp_path / "run"
    base = ["-q", "train", "--method", "pix2pix-bce", "--data", str(pairs_dir),
            "--out", str(run), "--profile", "quick"]
    assert cli.main([*base, "--epochs", "1"]) == 0
    assert "best validation PSNR" in capsys.readouterr().out
    assert cli.main([*base, "--epochs", "2"]) == 0  # the same command, one more epoch
    with open(run / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1"]

    table = tmp_path / "scores.csv"
    assert cli.main(["-q", "evaluate", "--model", str(run / "best.keras"), "--data",
                     str(pairs_dir), "--csv", str(table)]) == 0
    out = capsys.readouterr().out
    assert "| best.keras |" in out
    with open(table) as f:
        rows = list(csv.DictReader(f))
    assert rows and set(rows[0]) == {"name", "psnr", "ssim", "uqi", "mae", "ciede2000",
                                     "protocol"}
    assert cli.main(["-q", "evaluate", "--model", str(run / "best.keras"), "--data",
                     str(pairs_dir), "--csv", str(table)]) == 1  # no silent overwrite

    enhanced = tmp_path / "enhanced"
    odd = tmp_path / "odd"
    write_rgb(odd / "odd.png", shape=(37, 53))
    assert cli.main(["-q", "enhance", "--model", str(run / "best.keras"), str(odd),
                     "--out", str(enhanced)]) == 0
    assert load_image(enhanced / "odd.png").shape == (37, 53, 3)

    # --ensemble: the model averaged over the six channel orders, as the library computes it
    from lowlight_utils.inference import enhance_image
    from lowlight_utils.metrics.colour import channel_order_ensemble
    from lowlight_utils.training import load_model

    assert cli.main(["-q", "enhance", "--model", str(run / "best.keras"), str(odd),
                     "--out", str(tmp_path / "ens"), "--ensemble"]) == 0
    model = load_model(run / "best.keras")
    expected = channel_order_ensemble(lambda x: enhance_image(model, x),
                                      load_image(odd / "odd.png"))
    got = load_image(tmp_path / "ens" / "odd.png")
    assert np.abs(got - expected).max() <= 1 / 255 + 1e-6  # 8-bit rounding only
    assert np.abs(got - load_image(enhanced / "odd.png")).max() > 1 / 255  # it did something
    capsys.readouterr()
    assert cli.main(["-q", "enhance", "--baseline", "gamma", str(odd), "--out",
                     str(tmp_path / "g"), "--ensemble"]) == 1
    assert "--model only" in capsys.readouterr().err
    assert cli.main(["-q", "evaluate", "--model", str(run / "best.keras"), "--data",
                     str(pairs_dir), "--ensemble"]) == 0


def test_a_pipe_gets_plain_lines_and_the_test_mode_reaches_the_model(pairs_dir, tmp_path):
    """No progress bar (no ``\\x1b[`` escape code) when the output is captured, as in CI."""
    def run(*args):
        done = subprocess.run([sys.executable, "-m", "lowlight_utils", *args], cwd=REPO,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert "\x1b[" not in done.stdout + done.stderr, args
        return done.stdout

    out = run("train", "--method", "pix2pix-bce", "--data", str(pairs_dir), "--profile",
              "quick", "--epochs", "1", "--out", str(tmp_path / "run"))
    assert re.search(r"^\d+/\d+ - \d+s - .* - psnr: ", out, re.M)  # Keras' verbose=2 line
    model_path = str(tmp_path / "run" / "best.keras")
    out = run("evaluate", "--model", model_path, "--data", str(pairs_dir))
    assert "best.keras: 1/" in out and "| best.keras |" in out
    odd = tmp_path / "odd"
    write_rgb(odd / "odd.png", shape=(37, 53))
    out = run("enhance", "--model", model_path, str(odd), "--out", str(tmp_path / "e"),
              "--test-mode", "training")
    assert "1/1 images" in out and "1 image(s) written" in out

    from lowlight_utils.inference import enhance_image
    from lowlight_utils.training import load_model

    model, low = load_model(model_path), load_image(odd / "odd.png")
    got = load_image(tmp_path / "e" / "odd.png")
    assert np.abs(got - enhance_image(model, low, training=True)).max() <= 0.5 / 255 + 1e-6
    assert np.abs(got - enhance_image(model, low, training=False)).max() > 1 / 255


def test_evaluate_baselines_prints_one_row_each(pairs_dir, capsys):
    assert cli.main(["-q", "evaluate", "--baseline", "all", "--data", str(pairs_dir)]) == 0
    out = capsys.readouterr().out
    for name in ("identity", "gamma", "histeq", "clahe"):
        assert f"| {name} |" in out


def test_evaluate_protocol_is_in_its_help_and_in_every_row(pairs_dir, tmp_path, capsys):
    """--protocol rgb|gt-mean (issue 28): named in --help, recorded in the table and CSV,
    and the scores are evaluate_pairs' with that protocol."""
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "--help"])
    assert "--protocol {rgb,gt-mean}" in capsys.readouterr().out
    psnrs = {}
    for protocol in ("rgb", "gt-mean"):
        table = tmp_path / f"{protocol}.csv"
        assert cli.main(["-q", "evaluate", "--baseline", "gamma", "--data", str(pairs_dir),
                         "--protocol", protocol, "--csv", str(table)]) == 0
        assert f"| gamma | {protocol} |" in capsys.readouterr().out
        with open(table) as f:
            rows = list(csv.DictReader(f))
        assert rows and {r["protocol"] for r in rows} == {protocol}
        psnrs[protocol] = [float(r["psnr"]) for r in rows]
    assert psnrs["rgb"] != psnrs["gt-mean"]


def test_bad_arguments_fail_clearly(tmp_path, capsys):
    # methods are checked after parsing, so that --help need not import TensorFlow
    assert cli.main(["train", "--method", "cyclegan", "--out", str(tmp_path / "r")]) == 1
    assert "unknown method 'cyclegan'; choose one of pix2pix-bce" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli.main(["train", "--method", "pix2pix-bce", "--task", "haze", "--out", "r"])
    assert exc.value.code == 2
    assert cli.main(["-q", "train", "--method", "pix2pix-bce", "--data",
                     str(tmp_path / "nowhere"), "--out", str(tmp_path / "r")]) == 1
    assert "nowhere" in capsys.readouterr().err
    assert cli.main(["-q", "evaluate", "--model", str(tmp_path / "none.keras")]) == 1
    assert "none.keras" in capsys.readouterr().err


def test_prepare_writes_the_sample_or_downloads_lol(tmp_path, capsys, monkeypatch):
    assert cli.main(["prepare", "--root", str(tmp_path / "sample")]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "sample") in out and "pairs" in out
    assert any((tmp_path / "sample" / "low").iterdir())

    calls = []
    from lowlight_utils.data import download

    monkeypatch.setattr(download, "download_lol", lambda dest: calls.append(dest) or dest)
    assert cli.main(["prepare", "--lol", str(tmp_path / "LOL")]) == 0
    assert calls == [tmp_path / "LOL"]


def test_list_presets_and_preset_training(tmp_path):
    import subprocess
    import sys

    def cli(*args):  # a smoke run: the preset's sizes, one epoch of two steps, two images
        env = dict(os.environ, LOWLIGHT_SMOKE="1")
        return subprocess.run([sys.executable, "-m", "lowlight_utils", "-q", *args],
                              capture_output=True, text=True, timeout=600, env=env)

    listed = cli("train", "--list-presets")
    assert listed.returncode == 0
    assert "wgan-gp-report" in listed.stdout and "departs:" in listed.stdout
    bad = cli("train", "--preset", "wgan-gp-report", "--method", "pix2pix-bce",
              "--out", str(tmp_path / "x"))
    assert bad.returncode != 0 and "exactly one of --method or --preset" in bad.stderr
    run = cli("train", "--preset", "dped-wgan-clip", "--profile", "quick", "--epochs", "1",
              "--out", str(tmp_path / "run"))
    assert run.returncode == 0, run.stderr
    assert "crop 64px, batch 32" in run.stdout and (tmp_path / "run" / "best.keras").is_file()
    ev = cli("evaluate", "--model", str(tmp_path / "run" / "best.keras"),
             "--postprocess", "contrast-stretch")
    assert ev.returncode == 0, ev.stderr
    assert "best.keras + stretch" in ev.stdout


def test_help_does_not_import_tensorflow():
    code = ("import sys; from lowlight_utils import cli; cli.build_parser(); "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


@pytest.fixture
def noisy_dir(tmp_path):
    """14 64x80 crops of a photograph with the noise task's sensor noise, generic layout
    (split 10 / 2 / 2)."""
    from skimage import data

    from lowlight_utils.data import save_image
    from lowlight_utils.data.degradations import synthesize_noise

    photo = data.chelsea() / 255.0
    for i in range(14):
        clean = photo[15 * i:15 * i + 64, 25 * i:25 * i + 80]
        save_image(tmp_path / "noisy" / "low" / f"{i}.png", synthesize_noise(clean, seed=i))
        save_image(tmp_path / "noisy" / "high" / f"{i}.png", clean)
    return tmp_path / "noisy"


def test_evaluate_task_baselines_tuned_on_val_with_spread_and_ciede(noisy_dir, capsys):
    assert cli.main(["-q", "evaluate", "--baseline", "all", "--task", "noise",
                     "--data", str(noisy_dir)]) == 0
    out = capsys.readouterr().out
    from lowlight_utils.classical.restoration import TASK_BASELINES

    assert "| method | protocol | PSNR (dB) | SSIM | UQI | MAE | CIEDE2000 |" in out
    for name in ("identity", *TASK_BASELINES["noise"]):
        row = next(line for line in out.splitlines() if line.startswith(f"| {name} |"))
        assert row.count("±") == 5, row
    for name in TASK_BASELINES["noise"]:
        assert f"{name}: {{" in out and "validation pairs" in out
    assert "mean ± sample std over the 2 images of the test split" in out


def test_task_and_method_must_match(tmp_path, capsys):
    from lowlight_utils.data.synthetic import sample_dataset

    src = tmp_path / "in"
    write_rgb(src / "a.png")
    for argv, message in [
        (["evaluate", "--baseline", "clahe", "--task", "noise"],
         "--baseline clahe is a low-light baseline; --task noise takes identity, nl-means"),
        (["evaluate", "--baseline", "nl-means"], "--task low-light takes identity"),
        (["enhance", "--baseline", "wiener", "--task", "noise", str(src), "--out",
          str(tmp_path / "o")], "--baseline wiener is a blur baseline"),
        (["evaluate", "--baseline", "all", "--task", "blur", "--data",
          str(sample_dataset())], "embedded low-light sample, not a blur one"),
        (["train", "--preset", "bce-sidd-report", "--task", "blur", "--out",
          str(tmp_path / "r")], "preset bce-sidd-report trains on the noise task"),
    ]:
        assert cli.main(["-q", *argv]) == 1, argv
        assert message in capsys.readouterr().err, argv
    assert not (tmp_path / "o").exists() and not (tmp_path / "r").exists()


@pytest.mark.parametrize("argv, task", [
    (["--method", "pix2pix-bce", "--task", "noise"], "noise"),
    (["--method", "zero-dce"], "low-light"),
    (["--preset", "bce-sidd-report"], "noise"),
    (["--preset", "dped-deblur"], "blur"),
    (["--preset", "wgan-gp-report"], "low-light"),
])
def test_train_passes_the_task_on(argv, task, tmp_path, monkeypatch, capsys):
    from types import SimpleNamespace

    from lowlight_utils import training

    calls = []

    def fake_fit_method(method, run_dir, **kwargs):
        calls.append(kwargs["task"])
        return SimpleNamespace(stopped_on_nan=None, history={})

    monkeypatch.setattr(training, "fit_method", fake_fit_method)
    assert cli.main(["-q", "train", *argv, "--out", str(tmp_path / "r")]) == 0
    assert calls == [task] and f"task: {task}" in capsys.readouterr().out


def test_enhance_with_a_tuned_blur_baseline_sharpens(tmp_path, capsys):
    from skimage import data

    from lowlight_utils.data import save_image
    from lowlight_utils.data.degradations import BLUR_NOISE, synthesize_blur
    from lowlight_utils.metrics import psnr

    clean = data.astronaut()[100:196, 150:278] / 255.0  # detailed: every grid setting helps
    blurred = synthesize_blur(clean, seed=0, noise=BLUR_NOISE)
    save_image(tmp_path / "in" / "cat.png", blurred)
    assert cli.main(["-q", "enhance", "--task", "blur", "--baseline", "wiener",
                     str(tmp_path / "in" / "cat.png"), "--out", str(tmp_path / "out")]) == 0
    assert "wiener: {'balance':" in capsys.readouterr().out
    sharp = load_image(tmp_path / "out" / "cat.png")
    assert psnr(sharp, clean) > psnr(blurred, clean) + 1
