"""TensorFlow processes side by side: how many threads each should get.

``python -m lowlight_utils.bench threads [--procs 2] [--steps 20] [--rounds 2] [--threads 1]``

``make test`` runs notebooks and smoke runs in several processes at once on a 2-core
machine. Each TensorFlow process sizes its thread pools to every core of the machine, so
two of them side by side ask for twice as many threads as there are cores; this benchmark
measures what that costs. Every setting runs the course's quick-profile Pix2Pix BCE train
step (``fit()`` on random 96x96 pairs, batch 4) in fresh processes, which trace the step
first and then start their timed steps together; the figure is the total generator steps
per second of all processes. The settings alternate, round after round, in one run:

* one process, TensorFlow's default threads (every core): the reference;
* ``--procs`` processes, default threads each;
* ``--procs`` processes with ``--threads`` intra-op and inter-op threads each
  (``TF_NUM_INTRAOP_THREADS``, ``TF_NUM_INTEROP_THREADS``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def add_arguments(parser) -> None:
    parser.add_argument("--procs", type=int, default=2, help="processes side by side")
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op and inter-op threads per process in the last setting")
    parser.add_argument("--steps", type=int, default=20, help="timed steps per process")
    parser.add_argument("--rounds", type=int, default=2, help="alternated rounds (median)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)


def _child(steps: int) -> int:
    """Trace the step, say ``ready``, wait for a line on stdin, time ``steps`` steps."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    from lowlight_utils import pix2pix
    from lowlight_utils.config import get_profile

    profile = get_profile("quick")
    keras.utils.set_random_seed(0)
    model = pix2pix.build(profile)
    pairs = tf.random.stateless_uniform((2, 8, 96, 96, 3), seed=[0, 1])
    ds = tf.data.Dataset.from_tensor_slices((pairs[0], pairs[1])).batch(4).repeat()
    model.fit(ds, steps_per_epoch=2, epochs=1, verbose=0)  # traces the step
    print("ready", flush=True)
    sys.stdin.readline()
    t0 = time.perf_counter()
    model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    print(json.dumps({"seconds": time.perf_counter() - t0}), flush=True)
    return 0


def _setting(procs: int, threads: int | None, steps: int) -> float:
    """Total train steps per second of ``procs`` processes started together."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env.pop(name, None)
        if threads:
            env[name] = str(threads)
    cmd = [sys.executable, "-m", "lowlight_utils.bench", "threads", "--child",
           "--steps", str(steps)]
    logs = [tempfile.TemporaryFile("w+") for _ in range(procs)]  # TensorFlow's C++ log
    children = [subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=log, text=True) for log in logs]

    def failed(what, log):
        log.seek(0)
        return RuntimeError(f"a benchmark process {what}:\n{log.read()[-2000:]}")

    for child, log in zip(children, logs, strict=True):
        if child.stdout.readline().strip() != "ready":
            raise failed("failed before its timed steps", log)
    for child in children:  # every process is traced and waiting: start them together
        child.stdin.write("go\n")
        child.stdin.flush()
    seconds = []
    for child, log in zip(children, logs, strict=True):
        out, _ = child.communicate()
        if child.returncode:
            raise failed(f"exited with {child.returncode}", log)
        seconds.append(json.loads(out.strip().splitlines()[-1])["seconds"])
    return procs * steps / max(seconds)


def run(args) -> int:
    if args.child:
        return _child(args.steps)
    settings = {
        "1 process, default threads": (1, None),
        f"{args.procs} processes, default threads each": (args.procs, None),
        f"{args.procs} processes, {args.threads} thread(s) each": (args.procs, args.threads),
    }
    rates: dict[str, list[float]] = {name: [] for name in settings}
    for _ in range(args.rounds):
        for name, (procs, threads) in settings.items():
            rates[name].append(_setting(procs, threads, args.steps))
    print(f"Quick-profile Pix2Pix BCE train steps per second, all processes together "
          f"({os.cpu_count()} cores, {args.steps} timed steps per process, median of "
          f"{args.rounds} alternated rounds):")
    medians = {name: sorted(r)[len(r) // 2] for name, r in rates.items()}
    reference = medians["1 process, default threads"]
    for name, rate in medians.items():
        print(f"  {name:38s} {rate:6.2f} steps/s  {rate / reference:5.2f}x the single process")
    return 0
