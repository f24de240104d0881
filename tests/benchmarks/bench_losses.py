"""Time and peak memory of the cross-entropies: course_lib.numpy and course_lib.tf against Keras 3.

    python tests/benchmarks/bench_losses.py [--rows 1000000] [--classes 10] [--repeat 5]

Every (implementation, loss) pair runs in a fresh process on the same
inputs (float32, seeded), so that one measurement's memory cannot hide
another's. Time is the best of `--repeat` calls after a warm-up; peak
memory is how far the resident size rose during the first call: the
kernel's high-water mark (VmHWM) is reset just before the call, and the
resident size at that moment (inputs included) is subtracted. Ratios are to Keras, side
by side, from this one run.

Targets (issue: foundation): the NumPy reference within 2x of Keras's time
and 1.5x its peak memory. The sparse loss never builds a one-hot matrix,
which its peak (below the one-hot's own size) shows.
"""

import argparse
import json
import os
import subprocess
import sys

LOSSES = {
    "categorical (probabilities)": "categorical_probs",
    "categorical (logits)": "categorical_logits",
    "sparse categorical (logits)": "sparse_logits",
    "binary (probabilities)": "binary_probs",
    "binary (logits)": "binary_logits",
}
IMPLEMENTATIONS = ("keras", "course_lib.numpy", "course_lib.tf")

CHILD = r'''
import json, sys, time
import numpy as np
implementation, loss, rows, classes, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
if implementation != "course_lib.numpy":
    import course_lib.quiet  # noqa: F401
if implementation == "keras":
    import keras
    losses = keras.losses
    def to_numpy(x): return np.asarray(x)
elif implementation == "course_lib.tf":
    from course_lib.tf import losses
    def to_numpy(x): return x.numpy()
else:
    from course_lib.numpy import losses
    def to_numpy(x): return np.asarray(x)

rng = np.random.default_rng(0)
logits = rng.standard_normal((rows, classes), dtype=np.float32) * 3
labels = rng.integers(0, classes, size=rows)
probs = np.exp(logits - logits.max(-1, keepdims=True)); probs /= probs.sum(-1, keepdims=True)
one_hot = np.eye(classes, dtype=np.float32)[labels]
binary = (rng.random((rows, classes)) < 0.5).astype(np.float32)
calls = {
    "categorical_probs": lambda: losses.categorical_crossentropy(one_hot, probs),
    "categorical_logits": lambda: losses.categorical_crossentropy(one_hot, logits, from_logits=True),
    "sparse_logits": lambda: losses.sparse_categorical_crossentropy(labels, logits, from_logits=True),
    "binary_probs": lambda: losses.binary_crossentropy(binary, probs),
    "binary_logits": lambda: losses.binary_crossentropy(binary, logits, from_logits=True),
}
call = calls[loss]

def status(field):
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith(field + ":"))

with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # reset the peak resident size (VmHWM) to the current one
before = status("VmRSS")
result = to_numpy(call())
peak = status("VmHWM") - before
times = []
for _ in range(repeat):
    start = time.perf_counter(); to_numpy(call()); times.append(time.perf_counter() - start)
print(json.dumps({"seconds": min(times), "peak_mib": peak / 1024, "checksum": float(np.sum(result, dtype=np.float64))}))
'''


def measure(implementation, loss, rows, classes, repeat):
    output = subprocess.run(
        [sys.executable, "-c", CHILD, implementation, loss, str(rows), str(classes), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    one_hot_mib = args.rows * args.classes * 4 / 2**20
    print(f"Cross-entropy losses on {args.rows:,} x {args.classes} float32 inputs (one {args.rows:,}x{args.classes} float32 matrix = {one_hot_mib:.0f} MiB)")
    print(f"{'loss':30s} {'implementation':18s} {'time':>9s} {'x Keras':>8s} {'peak MiB':>9s} {'x Keras':>8s}")
    verdicts = []
    for title, loss in LOSSES.items():
        results = {impl: measure(impl, loss, args.rows, args.classes, args.repeat) for impl in IMPLEMENTATIONS}
        keras = results["keras"]
        for impl in IMPLEMENTATIONS:
            r = results[impl]
            time_ratio = r["seconds"] / keras["seconds"]
            memory_ratio = r["peak_mib"] / keras["peak_mib"] if keras["peak_mib"] > 0 else float("nan")
            agree = abs(r["checksum"] - keras["checksum"]) <= 1e-4 * abs(keras["checksum"]) + 1e-3
            print(
                f"{title:30s} {impl:18s} {r['seconds'] * 1000:7.1f}ms {time_ratio:8.2f} {r['peak_mib']:9.1f} {memory_ratio:8.2f}"
                + ("" if agree else "  (values differ from Keras!)")
            )
            if impl == "course_lib.numpy":
                verdicts.append((title, time_ratio <= 2.0, memory_ratio <= 1.5))
        if loss == "sparse_logits":
            numpy_peak = results["course_lib.numpy"]["peak_mib"]
            print(f"{'':30s} sparse NumPy peak {numpy_peak:.0f} MiB vs one one-hot matrix {one_hot_mib:.0f} MiB + its log-softmax")
        print()
    print("NumPy reference against the targets (time <= 2x Keras, peak memory <= 1.5x Keras):")
    for title, time_ok, memory_ok in verdicts:
        print(f"  {title:30s} time {'ok' if time_ok else 'MISSED'}   memory {'ok' if memory_ok else 'MISSED'}")


if __name__ == "__main__":
    main()
