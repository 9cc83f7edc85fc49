"""The memoriser used to measure augment-then-split leakage."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lowlight_utils.data import Pair
from lowlight_utils.leakage import Example, memorise_and_answer, one_pair_per_scene


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
