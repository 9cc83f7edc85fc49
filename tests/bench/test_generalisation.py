"""The leave-scenes-out benchmark (python -m lowlight_utils.bench generalisation): its folds,
its table and its refusals. No timings."""

from __future__ import annotations

import pytest

from lowlight_utils.bench import generalisation as gen
from lowlight_utils.bench.__main__ import main
from lowlight_utils.data.synthetic import SAMPLE_SPLIT, SCENES, sample_dataset, scene_of


@pytest.fixture(scope="module")
def sample_root():
    """The embedded low-light sample (written once to the cache, as the benchmark does)."""
    return sample_dataset()


@pytest.mark.parametrize("n_folds", [2, 3, 4, 8])
def test_folds_hold_out_every_scene_once_and_never_train_or_validate_on_it(n_folds):
    folds = gen.scene_folds(n_folds)
    assert sorted(gen.SCENE_ORDER) == sorted(set(SCENES.values()))
    held = [s for f in folds for s in f.test]
    assert sorted(held) == sorted(set(SCENES.values()))  # each scene exactly once
    for f in folds:
        assert f.val not in f.test and f.val not in f.train
        assert not set(f.test) & set(f.train)
        assert set(f.test) | {f.val} | set(f.train) == set(gen.SCENE_ORDER)


def test_four_folds_start_with_the_course_split():
    first = gen.scene_folds(4)[0]
    assert set(first.test) == set(SAMPLE_SPLIT["test"])
    assert (first.val,) == SAMPLE_SPLIT["val"]
    assert set(first.train) == set(SAMPLE_SPLIT["train"])


def test_fold_splits_put_each_pair_where_its_scene_goes(sample_root):
    from lowlight_utils.data import find_pairs

    pairs = find_pairs(sample_root)
    for fold in gen.scene_folds(4):
        splits = gen.fold_splits(fold, pairs, sample_root)
        assert {scene_of(p) for p in splits.test} == set(fold.test)
        assert {scene_of(p) for p in splits.val} == {fold.val}
        assert {scene_of(p) for p in splits.train} == set(fold.train)
        assert len(splits.train) + len(splits.val) + len(splits.test) == len(pairs)


@pytest.mark.parametrize("n_folds, scenes, match", [
    (1, gen.SCENE_ORDER, "between 2 and 8"),
    (9, gen.SCENE_ORDER, "between 2 and 8"),
    (2, ("chelsea", "coffee"), "nothing to train on"),
    (2, ("chelsea", "chelsea", "coffee"), "repeat"),
    (2, ("chelsea", "lena", "coffee"), "unknown scenes"),
])
def test_impossible_folds_are_refused_with_the_reason(n_folds, scenes, match):
    with pytest.raises(ValueError, match=match):
        gen.scene_folds(n_folds, scenes)


def _score(fold, scene, method, psnr):
    return gen.SceneScore(fold, scene, method, psnr, 10.0 - psnr / 10, 4)


def test_summary_picks_the_best_classical_counts_folds_and_says_no_result():
    scores = []
    # gamma beats histeq on average; "net" is 1 dB above gamma in fold 0, 0.1 below in fold 1
    for (f, scene), (g, h, n) in {(0, "a"): (20, 15, 21), (0, "b"): (18, 14, 19),
                                  (1, "c"): (16, 17, 15.9), (1, "d"): (14, 13, 13.9)}.items():
        scores += [_score(f, scene, "gamma", g), _score(f, scene, "histeq", h),
                   _score(f, scene, "net", n)]
    rows, best = gen.summarise(scores, {"gamma": None, "histeq": None})
    assert best == "gamma"
    net = next(r for r in rows if r["method"] == "net")
    assert net["wins"] == 1 and net["folds"] == 2
    assert net["delta"] == pytest.approx((1 + 1 - 0.1 - 0.1) / 4)
    assert net["verdict"] == "no result"  # 0.45 dB mean, 0.64 dB spread
    assert net["psnr_std"] > 0 and "delta" not in rows[0]
    table = gen.format_table(rows, best, markdown=True)
    assert "mean ± std over scenes" in table and "no result" in table and "1/2" in table


def test_a_tiny_run_prints_the_table_with_its_spread(sample_root, tmp_path, capsys):
    """Two folds of four scenes, two baselines and Zero-DCE++ trained for one step."""
    out = tmp_path / "scores.csv"
    argv = ["generalisation", "--scenes", "chelsea", "coffee", "grace_hopper", "astronaut",
            "--folds", "2", "--methods", "identity", "gamma", "zero-dce++", "--epochs", "1",
            "--steps", "1", "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "PSNR (dB), mean ± std over scenes" in text and "CIEDE2000, mean ± std" in text
    assert "folds beating gamma" in text
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert "zero-dce++" in rows and "learned" in rows["zero-dce++"] and "/2" in rows["zero-dce++"]
    lines = out.read_text().splitlines()
    assert lines[0] == "fold,scene,method,psnr,ciede2000,pairs"
    assert len(lines) == 1 + 4 * 3  # four held-out scenes x three methods
    with pytest.raises(SystemExit, match="exists"):  # never overwritten
        main(argv)


def test_both_test_modes_score_the_same_trained_model(sample_root, capsys):
    """``--test-mode both``: one training per fold, scored in inference and training mode,
    with their scene-by-scene gap. Zero-DCE++ has no batch norm and no dropout: its two modes
    differ only in the factor its curves are estimated at (12 at inference, its training
    factor in training mode), so the two rows of the same trained network stay close."""
    argv = ["generalisation", "--scenes", "chelsea", "coffee", "grace_hopper", "astronaut",
            "--folds", "2", "--methods", "gamma", "zero-dce++", "--epochs", "1", "--steps", "1",
            "--test-mode", "both"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    label = gen.TRAINING_MODE_LABEL.format(method="zero-dce++")
    assert label in text
    gap_line = next(line for line in text.splitlines() if "minus inference mode" in line)
    assert gap_line.startswith(label) and "dB over 4" in gap_line
    mean = float(gap_line.split("scene by scene: ")[1].split(" ± ")[0])
    assert abs(mean) < 0.5
