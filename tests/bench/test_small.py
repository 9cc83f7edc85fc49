"""Tests of the small benchmarks' wiring: ``bench heads`` options and ``bench ssim``."""

from __future__ import annotations

import pytest

from lowlight_utils.bench.__main__ import main


class _Stop(Exception):
    pass


@pytest.mark.parametrize("flag, colour", [([], True), (["--no-colour-augment"], False)])
def test_bench_heads_passes_the_colour_augmentation_choice_to_fit_method(
        monkeypatch, flag, colour):
    """``--no-colour-augment`` trains with flips and turns only; the default keeps the
    colour-equivariant augmentation (``augment=True``)."""
    import lowlight_utils.training as training
    from lowlight_utils.data import Augment

    seen = {}

    def fake_fit(method, run_dir, **kwargs):
        seen.update(kwargs, method=method)
        raise _Stop

    monkeypatch.setattr(training, "fit_method", fake_fit)
    with pytest.raises(_Stop):
        main(["heads", "--set", "norm=none", *flag])
    assert seen["method"] == "pix2pix-bce" and seen["build_kwargs"] == {"norm": "none"}
    if colour:
        assert seen["augment"] is True
    else:
        assert seen["augment"] == Augment()
        assert seen["augment"].channel_permute == 0 and seen["augment"].hue_rotate == 0


def test_bench_ssim_prints_both_timings_and_a_tiny_difference(capsys):
    assert main(["ssim", "--height", "48", "--width", "40", "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert "tf.image.ssim" in out and "ssim_tf" in out and "x as fast" in out
    diff = float(out.rsplit("values ", 1)[1].split()[0])
    assert diff < 1e-4, out


def test_bench_metrics_prints_both_comparisons_and_identical_scores(capsys):
    assert main(["metrics", "--images", "3", "--height", "24", "--width", "20",
                 "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "OpenCV sepFilter2D" in out and "NumPy shifted slices" in out
    assert float(out.split("largest difference ", 1)[1].split()[0]) < 1e-12, out
    assert "scores identical" in out and "per round" in out


def test_bench_threads_alternates_its_settings(monkeypatch, capsys):
    """``bench threads`` runs every setting once per round, in order, and prints each
    setting's rate against the single process's."""
    import lowlight_utils.bench.threads as threads

    calls = []
    rates = {(1, None): 4.0, (2, None): 3.0, (2, 1): 6.0}

    def fake_setting(procs, n_threads, steps):
        calls.append((procs, n_threads, steps))
        return rates[(procs, n_threads)]

    monkeypatch.setattr(threads, "_setting", fake_setting)
    assert main(["threads", "--rounds", "2", "--steps", "3"]) == 0
    assert calls == [(1, None, 3), (2, None, 3), (2, 1, 3)] * 2
    out = capsys.readouterr().out
    assert "0.75x the single process" in out and "1.50x the single process" in out, out


@pytest.mark.parametrize("n_threads, expected", [(1, "1"), (None, None)])
def test_bench_threads_sets_the_thread_variables_of_its_processes(
        monkeypatch, n_threads, expected):
    """The processes of a setting get its thread count through TensorFlow's variables (or,
    for the default, none of them, whatever the parent has set); one that fails before its
    timed steps is an error, not a figure."""
    import subprocess

    import lowlight_utils.bench.threads as threads

    envs = []

    class Child:
        def __init__(self, cmd, env, **kwargs):
            envs.append(env)
            self.stdout = type("Out", (), {"readline": lambda _: "Traceback (most recent\n"})()

    monkeypatch.setattr(subprocess, "Popen", Child)
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "7")
    with pytest.raises(RuntimeError, match="failed before its timed steps"):
        threads._setting(2, n_threads, 3)
    assert len(envs) == 2
    for env in envs:
        assert env.get("TF_NUM_INTRAOP_THREADS") == expected
        assert env.get("TF_NUM_INTEROP_THREADS") == expected


def test_bench_heads_seeds_train_once_per_seed_on_one_split_and_print_their_spread(
        monkeypatch, capsys):
    """``--seeds`` trains once per seed on the split of ``--seed`` and ends with the mean ±
    std over seeds of the test PSNR and of every gap (here to the input and NL-means)."""
    import lowlight_utils.bench.heads as heads
    from lowlight_utils.metrics import METRIC_NAMES, Evaluation

    def ev(psnrs):
        return Evaluation([{**{k: 0.5 for k in METRIC_NAMES}, "name": f"i{i}", "psnr": p}
                           for i, p in enumerate(psnrs)])

    seen = []
    results = {0: ev([30.0, 32.0]), 1: ev([31.0, 33.0]), 2: ev([32.0, 34.0])}

    def fake_train(args, settings, seed, splits):
        seen.append((seed, tuple(p.stem for p in splits.test), settings))
        return results[seed], {"val_psnr": [29.0, 30.0]}

    monkeypatch.setattr(heads, "_train_and_score", fake_train)
    monkeypatch.setattr(heads, "_references", lambda task, splits: {
        "input": ev([25.0, 26.0]), "nl-means": ev([31.0, 33.0])})
    assert main(["heads", "--task", "noise", "--output", "refine", "--seeds", "0", "1",
                 "2"]) == 0
    out = capsys.readouterr().out
    assert [s for s, _, _ in seen] == [0, 1, 2]
    assert len({t for _, t, _ in seen}) == 1  # one split for every seed
    assert seen[0][2] == {"output": "refine"}
    assert "(training seed 1)" in out
    # mean PSNRs 31, 32, 33: 32.00 ± 1.00; gaps to NL-means -1, 0, +1: +0.00 ± 1.00
    summary = out.strip().splitlines()[-1]
    assert "test PSNR 32.00 ± 1.00 dB" in summary, summary
    assert "minus input +6.50 ± 1.00 dB" in summary and "minus nl-means +0.00 ± 1.00" in summary


def test_bench_heads_offers_every_head_the_generator_builds():
    """``--output``'s choices are written out (parsing the options imports no Keras); they
    must stay the heads :func:`lowlight_utils.pix2pix.heads.output_head` builds."""
    import argparse

    from lowlight_utils.bench.heads import add_arguments
    from lowlight_utils.pix2pix.heads import OUTPUTS

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    choices = next(a.choices for a in parser._actions if a.dest == "output")
    assert sorted(choices) == sorted(OUTPUTS)


def test_the_module_entry_point_keeps_tensorflows_start_up_log_off_stderr():
    """``python -m lowlight_utils.bench`` quiets TensorFlow itself (importing the package
    no longer does it), as the ``lowlight`` front door does."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-m", "lowlight_utils.bench", "generalisation",
                             "--help"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "oneDNN" not in result.stderr and "InitializeLog" not in result.stderr
