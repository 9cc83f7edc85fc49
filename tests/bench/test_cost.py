"""The cost benchmark (python -m lowlight_utils.bench cost): FLOP counts, steps, estimates.

FLOP counts are checked against small networks counted by hand; no timing is asserted.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import keras
import pytest

from lowlight_utils.bench import cost, cost_plans
from lowlight_utils.bench.train_step import forward_macs, train_step_flops
from lowlight_utils.pix2pix import Pix2Pix
from lowlight_utils.training.presets import PRESETS
from lowlight_utils.wgan import WGANGP
from lowlight_utils.zero_dce import ZeroDCE

ROOT = Path(__file__).resolve().parents[2]


def tiny_generator():
    """8x8x3 -> Conv2D(4, 3x3, stride 2) -> 4x4x4 -> Conv2DTranspose(3, 3x3, stride 2) -> 8x8x3."""
    x = keras.Input((8, 8, 3))
    h = keras.layers.Conv2D(4, 3, 2, "same")(x)
    return keras.Model(x, keras.layers.Conv2DTranspose(3, 3, 2, "same")(h))


def tiny_critic():
    """8x8x6 -> Conv2D(1, 4x4, stride 2) -> 4x4x1."""
    x = keras.Input((8, 8, 6))
    return keras.Model(x, keras.layers.Conv2D(1, 4, 2, "same")(x))


# By hand, multiply-adds of one forward pass on one 8x8 image:
#   generator: conv 4*4 outputs x 4 filters x 3*3*3 = 1,728; transposed conv 4*4 inputs x
#   4 channels x 3*3 x 3 filters = 1,728; G = 3,456
#   critic: 4*4 outputs x 1 filter x 4*4*6 = 1,536; C = 1,536
G, C = 3456, 1536


def test_forward_macs_of_small_networks_counted_by_hand():
    assert forward_macs(tiny_generator(), 8) == G
    assert forward_macs(tiny_critic(), 8) == C
    # DCE-Net with 2 filters and 1 iteration, per pixel: conv1 3->2: 9*3*2 = 54; conv2-4
    # 2->2: 3 x 36 = 108; conv5, conv6 4->2: 2 x 72 = 144; conv7 4->3: 108; 414 per pixel
    assert forward_macs(ZeroDCE(filters=2, iterations=1).net, 8) == 414 * 64


def test_train_step_flops_of_each_method_counted_by_hand():
    batch = 3
    p2p = Pix2Pix(tiny_generator(), tiny_critic())
    assert train_step_flops(p2p, 8, batch)[0] == 2 * batch * (3 * G + 7 * C)  # 126,720
    wgan = WGANGP(tiny_generator(), tiny_critic(), n_critic=2, gp_weight=10.0)
    # n_critic x (G + 12C) + 3G + 2C = 2 x (3,456 + 18,432) + 10,368 + 3,072 = 57,216
    flops, how = train_step_flops(wgan, 8, batch)
    assert flops == 2 * batch * 57216 and "2 x (G + 12C) + 3G + 2C" in how
    clipped = WGANGP(tiny_generator(), tiny_critic(), n_critic=2, gp_weight=0.0)
    # no penalty: 2 x (3,456 + 9,216) + 13,440 = 38,784
    assert train_step_flops(clipped, 8, batch)[0] == 2 * batch * 38784
    dce = ZeroDCE(filters=2, iterations=1)
    assert train_step_flops(dce, 8, batch)[0] == 2 * batch * 3 * 414 * 64


def test_gpu_minutes_are_flops_over_peak_times_fraction():
    gpu = cost.GPU("X", "float32", peak_tflops=2.0, fraction=0.25, source="test")
    assert gpu.minutes(60 * 0.5e12) == pytest.approx(1.0)  # 0.5 TFLOP/s achieved
    assert [g.label for g in cost.GPUS] == ["T4 float32", "T4 mixed", "A100 mixed"]


def test_lol_split_and_preset_steps():
    # 485 our485 pairs, 90/10 by largest remainder: 436.5 + 48.5 -> 437 + 48
    assert cost_plans.lol_train_pairs() == 437
    for name, preset in PRESETS.items():
        plan = cost_plans.preset_plan(name, 437)
        (run,) = plan.runs
        assert run.steps == preset.epochs * math.ceil(437 / preset.batch_size)
        assert (run.crop, run.batch, run.method) == (preset.crop, preset.batch_size,
                                                     preset.method)


@pytest.mark.parametrize("name", list(cost_plans.NOTEBOOKS))
def test_each_notebook_plan_matches_what_the_notebook_trains(name):
    """The plan's step counts are read from lines that must still be in the notebook, and
    the notebook makes exactly as many training calls as the plan accounts for."""
    source = (ROOT / "notebooks" / f"{name}.py").read_text()
    plan = cost_plans.NOTEBOOKS[name](437)
    missing = [a for a in plan.anchors if a not in source]
    assert not missing, f"{name} changed; update lowlight_utils/bench/cost_plans.py: {missing}"
    calls = [line for line in source.splitlines() if not line.lstrip().startswith("#")
             and re.search(r"(?<![\w.])train\(|\.fit\(", line)]
    assert len(calls) == plan.train_calls, (
        f"{name} makes {len(calls)} training calls; the cost plan knows of "
        f"{plan.train_calls}: {calls}")
    assert bool(plan.runs) == bool(plan.train_calls)


def test_notebook_03_steps_and_the_session_flag():
    plan = cost_plans.NOTEBOOKS["03_pix2pix_wgan_gp"](437)
    # full: 100 epochs x 100 steps, twice; the report's short run: 1 epoch of 40 steps; the
    # exercise: 2 epochs x 5 steps
    assert [r.steps for r in plan.runs] == [100 * 100, 40, 100 * 100, 10]
    long_row = cost.Row("x", "total", None, 1, {"T4 float32": cost.SESSION_HOURS * 60 + 1})
    short_row = cost.Row("x", "total", None, 1, {"T4 float32": cost.SESSION_HOURS * 60 - 1})
    assert cost.over_session(long_row) and not cost.over_session(short_row)
    table = cost.format_table([long_row, short_row], markdown=True)
    assert "| x | total * |" in table and "| x | total |" in table
    # a notebook over the limit says so in its header, and that it resumes
    assert "resume" in cost.header_line("x", [long_row], 437)
    assert "longer than a free Colab session" in cost.header_line("x", [long_row], 437)
    assert "longer" not in cost.header_line("x", [short_row], 437)


def test_cost_rows_count_measure_and_total_a_small_plan():
    run = cost_plans.Run("tiny Zero-DCE", "zero-dce", {}, crop=16, batch=1, steps=10)
    plan = cost_plans.Plan("p", (run, dataclass_replace(run, label="again", steps=30)))
    rows = cost.cost_rows([plan, cost_plans.Plan("none", (), "trains nothing")], measure=True,
                          repeats=1)
    assert [r.label for r in rows] == ["tiny Zero-DCE", "again", "total", "-"]
    flops = 2 * 1 * 3 * forward_macs(ZeroDCE().net, 16)
    assert rows[0].gflop_per_step == pytest.approx(flops / 1e9)
    assert rows[2].steps == 40
    t4 = cost.GPUS[0]
    assert rows[2].minutes[t4.label] == pytest.approx(t4.minutes(flops * 40))
    assert rows[0].minutes["CPU"] > 0  # measured (its value is not asserted)
    assert rows[2].minutes["CPU"] == pytest.approx(4 * rows[0].minutes["CPU"])
    assert rows[3].note == "trains nothing" and rows[3].minutes == {}


def test_a_configuration_that_cannot_be_built_is_reported_not_raised():
    bad = cost_plans.Run("broken", "pix2pix-bce", {"no_such_setting": 1}, 16, 1, 5)
    (row,) = cost.cost_rows([cost_plans.Plan("p", (bad,))], measure=False)
    assert row.gflop_per_step is None and "Error" in row.note


def dataclass_replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


def test_headers_and_readme_state_what_the_cost_command_prints():
    """Each notebook header's T4 estimate (``bench cost --headers``) and BENCHMARKS.md's table
    (``bench cost --no-measure --markdown``) are the command's output, recomputed."""
    import nbformat

    from lowlight_utils.training.presets import PRESETS

    n_train = cost_plans.lol_train_pairs()
    plans = [make(n_train) for make in cost_plans.NOTEBOOKS.values()]
    plans += [cost_plans.preset_plan(name, n_train) for name in PRESETS]
    rows = cost.cost_rows(plans, measure=False)
    for name in cost_plans.NOTEBOOKS:
        header = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells[0]
        expected = cost.header_line(name, rows, n_train)
        assert " ".join(expected.split()) in " ".join(header.source.split()), (
            f"{name}'s header must say: {expected}  (python -m lowlight_utils.bench cost "
            "--headers prints it)")
    benchmarks = (ROOT / "BENCHMARKS.md").read_text()
    assert cost.format_table(rows, markdown=True) in benchmarks, (
        "BENCHMARKS.md's cost table is stale: paste `python -m lowlight_utils.bench cost "
        "--no-measure --markdown`")
    readme = (ROOT / "README.md").read_text()
    assert "lowlight colab --repo" in readme  # the fork command, through the front door
