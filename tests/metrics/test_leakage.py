"""The memoriser used to measure augment-then-split leakage."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lowlight_utils.data import Pair
from lowlight_utils.metrics.leakage import Example, memorise_and_answer, one_pair_per_scene


def test_memoriser_recalls_a_flipped_training_scene_exactly():
    rng = np.random.default_rng(0)
    train = [Example(rng.random((16, 24, 3)), rng.random((16, 24, 3)), f"s{i}") for i in range(4)]
    query = np.flip(train[2].low, 1) * 0.5  # flipped and darker: still recognised
    np.testing.assert_array_equal(memorise_and_answer(train, query), np.flip(train[2].high, 1))


def test_one_pair_per_scene_and_limit():
    pairs = [Pair(Path(f"low/{s}__v{k}.png"), Path(f"high/{s}__v{k}.png"))
             for s in "abcde" for k in range(3)]
    scene = lambda p: p.stem.split("__")[0]  # noqa: E731
    chosen = one_pair_per_scene(pairs, scene, limit=None)
    assert [p.stem for p in chosen] == [f"{s}__v0" for s in "abcde"]
    limited = one_pair_per_scene(pairs, scene, limit=3, seed=1)
    assert len(limited) == 3 and limited == one_pair_per_scene(pairs, scene, limit=3, seed=1)


def _scene_pairs(tmp_path, n_scenes):
    from lowlight_utils.data import save_image

    rng = np.random.default_rng(1)
    pairs = []
    for s in range(n_scenes):
        high = rng.random((24, 36, 3))
        low = high * 0.2
        pairs.append(Pair(save_image(tmp_path / "low" / f"s{s}.png", low),
                          save_image(tmp_path / "high" / f"s{s}.png", high)))
    return pairs


def test_leaky_and_honest_arms_train_on_the_same_number_of_images(tmp_path):
    from lowlight_utils.metrics.leakage import leaky_vs_honest

    pairs = _scene_pairs(tmp_path, 6)
    leak = leaky_vs_honest(pairs, lambda p: p.stem, copies=4, val_fraction=0.2, seed=0,
                           size=(24, 36), draws=5)
    assert leak["n_train_leaky"] == leak["n_train_honest"] > 0
    assert leak["n_pool"] == 24 - leak["n_val"] > leak["n_train_honest"]
    assert len(leak["leaky_draws"]) == 5 and leak["leaky"] == np.mean(leak["leaky_draws"])
    assert leak["n_leaked"] > 0  # the leaky arm does hold copies of validation scenes
    assert leak["leaky"] > leak["honest"]  # and the memoriser cashes them in


def test_leaky_vs_honest_says_when_no_scene_is_left_to_train_on(tmp_path):
    import pytest

    from lowlight_utils.metrics.leakage import leaky_vs_honest

    pairs = _scene_pairs(tmp_path, 2)
    with pytest.raises(ValueError, match="honest arm has nothing to train on"):
        leaky_vs_honest(pairs, lambda p: p.stem, copies=2, val_fraction=0.5, size=(24, 36))
