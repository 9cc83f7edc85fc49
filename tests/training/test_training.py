"""Tests of lowlight_utils.training: callbacks, resume after SIGKILL, NaN guard, strategies."""

from __future__ import annotations

import inspect
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest
import tensorflow as tf

from lowlight_utils import pix2pix, training
from lowlight_utils.pix2pix import Pix2Pix, patchgan_discriminator, unet_generator

REPO = Path(__file__).resolve().parents[2]



def tiny_model():
    model = Pix2Pix(
        unet_generator(image_size=None, base_filters=4, depth=3, bn_momentum=0.5),
        patchgan_discriminator("70x70", image_size=None, base_filters=4),
    )
    model.compile(keras.optimizers.Adam(1e-3, beta_1=0.5),
                  keras.optimizers.Adam(1e-3, beta_1=0.5))
    return model


TINY_MODEL = inspect.getsource(tiny_model)  # the subprocesses build the same model


def smooth_images(n: int, size: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return tf.image.resize(rng.random((n, 4, 4, 3), dtype=np.float32), (size, size)).numpy()


def datasets(batch: int = 4):
    low = smooth_images(8) * 0.3
    high = np.clip(low * 3, 0, 1)
    train_ds = tf.data.Dataset.from_tensor_slices((low, high)).batch(batch).repeat()
    val_ds = tf.data.Dataset.from_tensor_slices((low[:2], high[:2])).batch(2)
    return train_ds, val_ds, low, high


def test_methods_registry_and_clear_errors():
    from lowlight_utils import wgan, zero_dce

    # each method module declares its methods; the registry is their union
    assert training.METHODS == {**pix2pix.METHODS, **wgan.METHODS, **zero_dce.METHODS}
    assert training.METHODS["pix2pix-bce"].model_class is pix2pix.Pix2Pix
    assert training.METHODS["pix2pix-wgan-gp"].model_class is wgan.WGANGP
    assert training.METHODS["zero-dce++"].model_class is zero_dce.ZeroDCEPlusPlus
    assert training.METHODS["zero-dce"].profile_settings is zero_dce.PROFILE_SETTINGS
    assert all(name == m.name for name, m in training.METHODS.items())
    assert training.get_builder("pix2pix-bce") is pix2pix.build
    assert training.get_builder("pix2pix-wgan-gp") is wgan.build
    assert training.get_builder("zero-dce++") is zero_dce.build_plusplus
    with pytest.raises(ValueError, match="pix2pix-bce"):
        training.get_builder("cyclegan")
    with pytest.raises(ValueError, match="zero-dce"):
        training.method_profile("cyclegan", None)


def test_train_writes_best_checkpoint_history_samples_and_logs(tmp_path):
    keras.utils.set_random_seed(0)
    train_ds, val_ds, low, high = datasets()
    run = tmp_path / "run"
    result = training.train(tiny_model, train_ds, val_ds, run, epochs=3, steps_per_epoch=4,
                            sample_pairs=[(low[0], high[0]), (low[1], high[1])], verbose=0)
    assert result.initial_epoch == 0 and result.stopped_on_nan is None
    assert result.history["epoch"] == [0, 1, 2]
    assert {"val_psnr", "val_ssim", "g_loss", "d_loss"} <= set(result.history)
    assert sorted(p.name for p in (run / "samples").iterdir()) == [
        "epoch_0001.png", "epoch_0002.png", "epoch_0003.png"]
    if training.tensorboard_available():
        assert any((run / "logs").rglob("events.out.tfevents*"))
    # best.keras is the epoch with the highest validation PSNR, loadable in safe mode
    best = training.load_model(result.best_model)
    logs = best.evaluate(val_ds, return_dict=True, verbose=0)
    assert logs["psnr"] == pytest.approx(max(result.history["val_psnr"]), abs=1e-3)
    np.testing.assert_array_equal(
        keras.models.load_model(result.best_model, safe_mode=True)(low).numpy(),
        best(low).numpy(),
    )


def test_sample_grids_never_overwrite(tmp_path):
    model = tiny_model()
    pairs = [(smooth_images(1)[0], smooth_images(1, seed=1)[0])]
    first = training.save_sample_grid(model, pairs, tmp_path, "epoch_0001")
    second = training.save_sample_grid(model, pairs, tmp_path, "epoch_0001")
    assert first.name == "epoch_0001.png" and second.name == "epoch_0001_1.png"
    grid = training.sample_grid(model, pairs)
    assert grid.shape == (32, 3 * 32 + 2 * 4, 3)


def test_read_history_keeps_one_row_per_epoch(tmp_path):
    (tmp_path / "history.csv").write_text(
        "epoch,g_loss,val_psnr\n0,5.0,10.0\n1,4.0,11.0\n1,3.5,11.5\n2,3.0,12.0\n"
    )
    hist = training.read_history(tmp_path)
    assert hist["epoch"] == [0, 1, 2]
    assert hist["val_psnr"] == [10.0, 11.5, 12.0]


def test_read_history_of_a_run_without_validation(tmp_path):
    """Keras' CSVLogger adds ``val_`` columns of ``NA`` when there is no validation."""
    (tmp_path / "history.csv").write_text(
        "epoch,g_loss,psnr,val_g_loss,val_psnr\n0,5.0,NA,NA,NA\n1,4.0,12.0,NA,NA\n")
    hist = training.read_history(tmp_path)
    assert list(hist) == ["epoch", "g_loss", "psnr"]
    assert np.isnan(hist["psnr"][0]) and hist["psnr"][1] == 12.0


def test_nan_stops_training_and_keeps_the_last_good_checkpoints(tmp_path, capsys):
    keras.utils.set_random_seed(0)
    _, val_ds, low, high = datasets()
    clean = tf.data.Dataset.from_tensor_slices((low, high)).batch(4).repeat().take(4)
    poison = tf.data.Dataset.from_tensor_slices(
        (np.full_like(low, np.nan), high)).batch(4).repeat()
    run = tmp_path / "run"
    result = training.train(tiny_model, clean.concatenate(poison), val_ds, run, epochs=5,
                            steps_per_epoch=2, tensorboard=False, verbose=0)
    assert result.stopped_on_nan is not None
    assert "epoch 3" in result.stopped_on_nan and "NaN" in capsys.readouterr().out
    meta = json.loads((run / "backup" / "training_metadata.json").read_text())
    assert meta["epoch"] == 2  # the NaN epoch was not backed up
    best = training.load_model(run / "best.keras")
    assert np.isfinite(best(low).numpy()).all()
    assert not np.isfinite(result.model(low).numpy()).all()  # the live model is ruined


RESUME_SCRIPT = """
import json, os, sys, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
import keras, numpy as np, tensorflow as tf
from lowlight_utils.pix2pix import Pix2Pix, patchgan_discriminator, unet_generator
from lowlight_utils.training import train
{tiny_model}
run_dir, mode = sys.argv[1], sys.argv[2]
probe = os.path.join(os.path.dirname(run_dir), "probe.jsonl")
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
low = tf.image.resize(rng.random((8, 4, 4, 3), dtype=np.float32), (32, 32)).numpy() * 0.3
ds = tf.data.Dataset.from_tensor_slices((low, low * 3)).batch(4).repeat()
val = tf.data.Dataset.from_tensor_slices((low[:2], low[:2] * 3)).batch(2)

def digest(model):
    return float(sum(np.sum(np.abs(v.numpy()), dtype=np.float64)
                     for v in model.generator.weights))

def record(**kw):
    with open(probe, "a") as f:
        f.write(json.dumps(dict(kw, pid=os.getpid())) + "\\n")

class Probe(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        record(event="begin", digest=digest(self.model),
               steps=int(self.model.generator_optimizer.iterations))
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        record(event="epoch_begin", epoch=epoch)
    def on_epoch_end(self, epoch, logs=None):
        record(event="epoch_end", epoch=epoch, digest=digest(self.model))
    def on_train_batch_end(self, batch, logs=None):
        if mode == "pause" and self.epoch == 2 and batch == 1:
            record(event="paused")
            time.sleep(600)  # the test kills us here, in the middle of epoch 3

train(tiny_model, ds, val, run_dir, epochs=4, steps_per_epoch=3, callbacks=[Probe()],
      tensorboard=False, verbose=0)
record(event="done")
"""


def _events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _script(tmp_path: Path, text: str) -> Path:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(text))
    return script


def _env():
    return {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "2"}


def test_sigkill_mid_epoch_then_same_command_resumes(tmp_path):
    script = _script(tmp_path, RESUME_SCRIPT.format(tiny_model=TINY_MODEL))
    run, probe = tmp_path / "run", tmp_path / "probe.jsonl"
    cmd = [sys.executable, str(script), str(run)]
    proc = subprocess.Popen([*cmd, "pause"], env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.time() + 180
    while not any(e["event"] == "paused" for e in _events(probe)):
        assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
        assert time.time() < deadline, "training never reached the pause point"
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    first = _events(probe)
    assert [e["epoch"] for e in first if e["event"] == "epoch_end"] == [0, 1]

    done = subprocess.run([*cmd, "run"], env=_env(), capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    second = [e for e in _events(probe) if e["pid"] != first[0]["pid"]]
    begin = second[0]
    assert begin["event"] == "begin"
    # weights are those saved after epoch 2, not a fresh initialisation
    saved = next(e for e in first if e["event"] == "epoch_end" and e["epoch"] == 1)
    assert begin["digest"] == pytest.approx(saved["digest"], rel=1e-12)
    assert begin["steps"] == 2 * 3  # optimizer state restored too
    # the epoch count continues where the backup left it, and the run finishes
    assert [e["epoch"] for e in second if e["event"] == "epoch_begin"] == [2, 3]
    assert second[-1]["event"] == "done"
    assert training.read_history(run)["epoch"] == [0, 1, 2, 3]
    assert (run / "best.keras").exists()


MIRRORED_SCRIPT = """
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
import keras, numpy as np
from lowlight_utils.pix2pix import Pix2Pix, patchgan_discriminator, unet_generator
from lowlight_utils.training import train
{tiny_model}
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
rng = np.random.default_rng(0)
low = rng.random((8, 32, 32, 3), dtype=np.float32)
ds = tf.data.Dataset.from_tensor_slices((low, low)).batch(4).repeat()
val = tf.data.Dataset.from_tensor_slices((low[:2], low[:2])).batch(2)
result = train(tiny_model, ds, val, sys.argv[1], epochs=1, steps_per_epoch=2,
               strategy=strategy, tensorboard=False, verbose=0)
model = result.model
print(json.dumps(dict(
    replicas=strategy.num_replicas_in_sync,
    same_strategy=model.distribute_strategy is strategy,
    distributed=isinstance(model.generator.weights[0].value, tf.distribute.DistributedValues),
    steps=int(model.generator_optimizer.iterations.numpy()),
    history={{k: v for k, v in result.history.items()}},
)))
"""


def test_two_steps_under_mirrored_strategy_on_two_logical_cpus(tmp_path):
    script = _script(tmp_path, MIRRORED_SCRIPT.format(tiny_model=TINY_MODEL))
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "run")], env=_env(),
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    out = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert out["replicas"] == 2 and out["same_strategy"] and out["distributed"]
    assert out["steps"] == 2
    assert all(np.isfinite(v).all() for v in out["history"].values())


def test_method_profile_uses_each_methods_sizes():
    from lowlight_utils.config import get_profile
    from lowlight_utils.training import METHODS, method_profile

    assert "zero-dce++" in METHODS
    full = get_profile("full")
    zd = method_profile("zero-dce", full)
    assert (zd.crop, zd.batch_size, zd.epochs) == (256, 16, 70)  # the Zero-DCE report's
    assert method_profile("pix2pix-wgan-gp", full).epochs == 34  # the WGAN-GP report's
    assert method_profile("pix2pix-bce", full).crop == full.crop


def test_epoch_timer_records_each_epochs_wall_clock_seconds():
    class Slow(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            time.sleep(0.02)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    timer = training.EpochTimer()
    x = np.zeros((8, 2), np.float32)
    model.fit(x, x[:, :1], batch_size=2, epochs=3, verbose=0, callbacks=[Slow(), timer])
    assert len(timer.seconds) == 3
    assert all(s >= 4 * 0.02 for s in timer.seconds), timer.seconds  # 4 batches per epoch
