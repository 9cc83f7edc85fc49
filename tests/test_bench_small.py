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
