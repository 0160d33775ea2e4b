"""Time the course's NumPy convolutions against tf.nn.conv2d on the same arrays.

    python -m benchmarks.bench_conv                  # print the tables
    python -m benchmarks.bench_conv --update-readme  # also write them into DEVELOPING.md
    python -m benchmarks.bench_conv --tables backward --update-readme   # one table only

Three ways to compute the same float32 convolution, in one process, on the same arrays:

* ``conv2d``: the loops of course_utils (written to be read, not to be fast);
* ``conv2d_im2col``: the patch matrix times the kernel matrix, one matrix product;
* ``tf.nn.conv2d``: TensorFlow, with the settings the lessons use (oneDNN off, as
  ``setup_notebook()`` sets it), inputs already converted to tensors.

Each function is warmed up once, then run repeatedly in a block of its own; the table shows
the median time and its ratio to TensorFlow's (below 1.0: faster than TensorFlow). Before
timing, every result is checked against TensorFlow's.

A second table (lesson 06) times the backward pass the same way: ``conv2d_backward`` (loops),
``conv2d_backward_im2col`` and TensorFlow's gradient ops for a convolution
(``Conv2DBackpropInput`` and ``Conv2DBackpropFilter``, plus the sum for the bias), on the
lesson's sizes, each result checked against TensorFlow's first.

A third table (lesson 07) times a standard 3x3 convolution against the depthwise-separable
one that replaces it in MobileNet (``conv2d_im2col`` against ``separable_conv2d``, and
``tf.nn.conv2d`` against ``tf.nn.separable_conv2d``), next to the ratio of their
multiplications: fewer multiplications do not give a proportional speed-up.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

from course_utils.arithmetic import conv_mults, separable_mults  # noqa: E402
from course_utils.backward import conv2d_backward, conv2d_backward_im2col  # noqa: E402
from course_utils.ops import conv2d, conv2d_im2col, separable_conv2d  # noqa: E402
from scripts.paths import DEVELOPING  # noqa: E402

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
BACKWARD_START, BACKWARD_END = "<!-- bench-backward:start -->", "<!-- bench-backward:end -->"
SEPARABLE_START, SEPARABLE_END = ("<!-- bench-separable:start -->",
                                  "<!-- bench-separable:end -->")

# (what, x shape (N, H, W, C_in), kernel shape (F, F, C_in, C_out), stride, padding)
CASES = [
    ("lesson 01: 4x4, one 3x3 kernel", (1, 4, 4, 1), (3, 3, 1, 1), 1, "valid"),
    ("lesson 01: one digit 28x28, 3x3", (1, 28, 28, 1), (3, 3, 1, 1), 1, "valid"),
    ("lesson 02: 7x7x3, one 3x3x3 filter", (1, 7, 7, 3), (3, 3, 3, 1), 1, "valid"),
    ("lesson 05: 32 digits, Conv2D(3, 5)", (32, 28, 28, 1), (5, 5, 1, 3), 1, "valid"),
    ("lesson 05: 32x24x24x3, Conv2D(6, 5)", (32, 24, 24, 3), (5, 5, 3, 6), 1, "valid"),
    ("lesson 04: 28x28x192 -> 32, 5x5 same", (1, 28, 28, 192), (5, 5, 192, 32), 1, "same"),
    ("larger: 16x56x56x32 -> 64, 3x3 same", (16, 56, 56, 32), (3, 3, 32, 64), 1, "same"),
]

# The loops compute one np.sum per output value. When there are more than this many, they
# would take minutes: they run on the first image only and the table shows that time
# multiplied by the number of images (marked "est.").
LOOP_MAX_SUMS = 200_000


ROUNDS = 3  # each function is timed in this many blocks, spread over the run


def time_block(function, budget: float, min_repeats: int, max_repeats: int) -> list[float]:
    """Run times of ``function()`` in one block, after one warm-up call."""
    start = time.perf_counter()
    function()  # warm-up: first-call costs (allocation, TensorFlow kernel selection)
    first = time.perf_counter() - start
    repeats = int(min(max(budget / max(first, 1e-9), min_repeats), max_repeats))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def median_times(functions: dict, rounds: int = ROUNDS) -> dict:
    """Median run time of each function, over ``rounds`` blocks of runs taken in turn.

    Blocks rather than single runs in turn: a run straight after another library's would
    pay for its idle threads. Several rounds: the machine's other load changes over time.
    """
    samples = {name: [] for name in functions}
    for _ in range(rounds):
        for name, (function, budget, min_repeats, max_repeats) in functions.items():
            samples[name] += time_block(function, budget, min_repeats, max_repeats)
    return {name: (statistics.median(times), len(times)) for name, times in samples.items()}


def format_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def run(cases=CASES) -> list[dict]:
    import tensorflow as tf

    rng = np.random.default_rng(0)
    rows = []
    for what, x_shape, kernel_shape, stride, padding in cases:
        x = rng.standard_normal(x_shape).astype(np.float32)
        kernel = rng.standard_normal(kernel_shape).astype(np.float32)
        x_tf, kernel_tf = tf.constant(x), tf.constant(kernel)

        def tensorflow(x_tf=x_tf, kernel_tf=kernel_tf, stride=stride, padding=padding):
            return tf.nn.conv2d(x_tf, kernel_tf, stride, padding.upper()).numpy()

        expected = tensorflow()
        fast = conv2d_im2col(x, kernel, stride=stride, padding=padding)
        scale = float(np.abs(expected).max())
        np.testing.assert_allclose(fast, expected, rtol=1e-4, atol=1e-4 * scale)

        loop_images = x.shape[0] if expected.size <= LOOP_MAX_SUMS else 1
        loop_x = x[:loop_images]
        np.testing.assert_allclose(conv2d(loop_x, kernel, stride=stride, padding=padding),
                                   expected[:loop_images], rtol=1e-4, atol=1e-4 * scale)

        def fast(x=x, kernel=kernel, stride=stride, padding=padding):
            return conv2d_im2col(x, kernel, stride=stride, padding=padding)

        def loops(x=loop_x, kernel=kernel, stride=stride, padding=padding):
            return conv2d(x, kernel, stride=stride, padding=padding)

        medians = median_times({
            "tf": (tensorflow, 0.3, 5, 200),
            "im2col": (fast, 0.3, 5, 200),
            "loop": (loops, 0.5, 1, 50),
        })
        (tf_time, tf_runs), (fast_time, fast_runs) = medians["tf"], medians["im2col"]
        loop_time, loop_runs = medians["loop"]
        loop_time *= x.shape[0] / loop_images
        rows.append({
            "what": what,
            "mults": int(np.prod(expected.shape)) * int(np.prod(kernel_shape[:3])),
            "loop": loop_time,
            "loop_note": "" if loop_images == x.shape[0]
            else f" (est.: 1 of {x.shape[0]} images x {x.shape[0]})",
            "loop_runs": loop_runs,
            "im2col": fast_time,
            "im2col_runs": fast_runs,
            "tf": tf_time,
            "tf_runs": tf_runs,
        })
        print(f"  timed {what}", file=sys.stderr)
    return rows


def load_average() -> str:
    """The machine's 1-minute load average: other programs' work slows every timing."""
    return f"{os.getloadavg()[0]:.1f}"


def table(rows: list[dict], load_before: str) -> str:
    import tensorflow as tf

    lines = [
        f"Measured {datetime.date.today().isoformat()} by `make bench` "
        f"({os.cpu_count()} CPU cores, 1-minute load average {load_before} before and "
        f"{load_average()} after; "
        f"Python {platform.python_version()}, NumPy {np.__version__}, TensorFlow "
        f"{tf.__version__}, oneDNN "
        f"{'off' if os.environ.get('TF_ENABLE_ONEDNN_OPTS') == '0' else 'on'}; float32; "
        f"median of all runs, timed in {ROUNDS} rounds; ratio = time / tf.nn.conv2d time).",
        "",
        "| convolution | multiplications | `conv2d` (loops) | `conv2d_im2col` "
        "| `tf.nn.conv2d` | loops / TF | im2col / TF |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['what']} | {row['mults']:,} | {format_time(row['loop'])}{row['loop_note']} "
            f"| {format_time(row['im2col'])} | {format_time(row['tf'])} "
            f"| {row['loop'] / row['tf']:,.0f} | {row['im2col'] / row['tf']:.2f} |"
        )
    busy = max(float(load_before), os.getloadavg()[0]) >= (os.cpu_count() or 1)
    slow = [row["what"] for row in rows if row["im2col"] > row["tf"]]
    lines += [
        "",
        "`conv2d_im2col` is slower than `tf.nn.conv2d` for: " + "; ".join(slow) + "."
        if slow else "`conv2d_im2col` is no slower than `tf.nn.conv2d` at every size above.",
    ]
    if busy:
        lines += [
            "",
            "Other programs kept the CPU cores busy during this run (load average >= cores). "
            "NumPy's matrix product (OpenBLAS) splits its work evenly between its threads and "
            "waits for the slowest, so it suffers more from a busy machine than TensorFlow's "
            "work-stealing thread pool; run `make bench` on a quiet machine for a fair ratio.",
        ]
    lines += [
        "",
        "Runs per median: "
        + ", ".join(f"{label} {min(row[key] for row in rows)}-{max(row[key] for row in rows)}"
                    for label, key in [("loops", "loop_runs"), ("im2col", "im2col_runs"),
                                       ("TF", "tf_runs")])
        + ".",
    ]
    return "\n".join(lines)


# Lesson 06's sizes for the backward pass: (what, x shape, kernel shape, stride, padding)
BACKWARD_CASES = [
    ("lesson 06, section 2: 4x4, 3x3 kernel", (1, 4, 4, 1), (3, 3, 1, 1), 1, "valid"),
    ("lesson 06, section 4: 2x5x5x3 -> 4, stride 2 same", (2, 5, 5, 3), (3, 3, 3, 4), 2, "same"),
    ("lesson 06, section 7: the CNN's Conv2D(8, 3), 64 digits", (64, 28, 28, 1), (3, 3, 1, 8), 1,
     "valid"),
    ("lesson 06, section 8: 16x28x28x8 -> 16, 3x3 same", (16, 28, 28, 8), (3, 3, 8, 16), 1,
     "same"),
]


def run_backward(cases=BACKWARD_CASES) -> list[dict]:
    """Median times of the three backward passes on each case, results checked first."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    rows = []
    for what, x_shape, kernel_shape, stride, padding in cases:
        x = rng.standard_normal(x_shape).astype(np.float32)
        kernel = rng.standard_normal(kernel_shape).astype(np.float32)
        grad = rng.standard_normal(
            conv2d_im2col(x, kernel, stride=stride, padding=padding).shape).astype(np.float32)
        strides, tf_padding = [1, stride, stride, 1], padding.upper()

        def tf_gradients(x, kernel, grad, strides=strides, padding=tf_padding):
            grad_x = tf.raw_ops.Conv2DBackpropInput(
                input_sizes=x.shape, filter=kernel, out_backprop=grad, strides=strides,
                padding=padding)
            grad_kernel = tf.raw_ops.Conv2DBackpropFilter(
                input=x, filter_sizes=kernel.shape, out_backprop=grad, strides=strides,
                padding=padding)
            grad_bias = tf.reduce_sum(grad, axis=(0, 1, 2))
            return grad_x.numpy(), grad_kernel.numpy(), grad_bias.numpy()

        x_tf, kernel_tf, grad_tf = tf.constant(x), tf.constant(kernel), tf.constant(grad)

        def tensorflow(x_tf=x_tf, kernel_tf=kernel_tf, grad_tf=grad_tf):
            return tf_gradients(x_tf, kernel_tf, grad_tf)

        loop_images = x.shape[0] if grad.size <= LOOP_MAX_SUMS else 1
        checks = [
            (conv2d_backward_im2col(x, kernel, grad, stride, padding), tensorflow()),
            (conv2d_backward(x[:loop_images], kernel, grad[:loop_images], stride, padding),
             tf_gradients(tf.constant(x[:loop_images]), kernel_tf,
                          tf.constant(grad[:loop_images]))),
        ]
        for result, expected in checks:
            for mine, theirs in zip(result, expected, strict=True):
                scale = max(1.0, float(np.abs(theirs).max()))
                np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4 * scale)

        def fast(x=x, kernel=kernel, grad=grad, stride=stride, padding=padding):
            return conv2d_backward_im2col(x, kernel, grad, stride, padding)

        def loops(x=x[:loop_images], kernel=kernel, grad=grad[:loop_images], stride=stride,
                  padding=padding):
            return conv2d_backward(x, kernel, grad, stride, padding)

        medians = median_times({
            "tf": (tensorflow, 0.3, 5, 200),
            "im2col": (fast, 0.3, 5, 200),
            "loop": (loops, 0.5, 1, 50),
        })
        rows.append({
            "what": what,
            "mults": 2 * int(grad.size) * int(np.prod(kernel_shape[:3])),  # dL/dK and dL/dX
            "loop": medians["loop"][0] * x.shape[0] / loop_images,
            "im2col": medians["im2col"][0],
            "tf": medians["tf"][0],
        })
        print(f"  timed the backward pass of {what}", file=sys.stderr)
    return rows


def backward_table(rows: list[dict], load_before: str) -> str:
    """Lesson 06's table: the backward pass of a convolution, helpers against TensorFlow."""
    lines = [
        f"The backward pass (lesson 06), measured the same way (1-minute load average "
        f"{load_before} before and {load_average()} after; ratio = time / TensorFlow's time; "
        "TensorFlow: `Conv2DBackpropInput` + `Conv2DBackpropFilter` + the bias sum, what its "
        "automatic differentiation runs for a convolution).",
        "",
        "| backward pass of | multiplications | `conv2d_backward` (loops) "
        "| `conv2d_backward_im2col` | TensorFlow's gradient | loops / TF | im2col / TF |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        loops_ratio = row["loop"] / row["tf"]
        loops_text = f"{loops_ratio:,.0f}" if loops_ratio >= 10 else f"{loops_ratio:.2f}"
        lines.append(
            f"| {row['what']} | {row['mults']:,} | {format_time(row['loop'])} "
            f"| {format_time(row['im2col'])} | {format_time(row['tf'])} "
            f"| {loops_text} | {row['im2col'] / row['tf']:.2f} |"
        )
    if max(float(load_before), os.getloadavg()[0]) >= (os.cpu_count() or 1):
        lines += ["", "Other programs kept the CPU cores busy during this run (load average >= "
                  "cores): NumPy's matrix products (OpenBLAS) suffer more from that than "
                  "TensorFlow, so the NumPy columns' ratios are worse than on a quiet machine."]
    return "\n".join(lines)


# Lesson 07's sizes: (what, x shape (N, H, W, C_in), kernel size F, C_out), 'same' padding
SEPARABLE_CASES = [
    ("lesson 07: 112x112x64 -> 128, 3x3", (1, 112, 112, 64), 3, 128),
    ("lesson 07's layer on 8 images", (8, 112, 112, 64), 3, 128),
]


def run_separable(cases=SEPARABLE_CASES) -> list[dict]:
    """Median times of a standard and a separable convolution, NumPy and TensorFlow."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    rows = []
    for what, x_shape, f, c_out in cases:
        c_in = x_shape[3]
        x = rng.standard_normal(x_shape).astype(np.float32)
        kernel = rng.standard_normal((f, f, c_in, c_out)).astype(np.float32)
        depthwise = rng.standard_normal((f, f, c_in, 1)).astype(np.float32)
        pointwise = rng.standard_normal((1, 1, c_in, c_out)).astype(np.float32)
        x_tf, kernel_tf = tf.constant(x), tf.constant(kernel)
        depthwise_tf, pointwise_tf = tf.constant(depthwise), tf.constant(pointwise)

        def tf_standard(x_tf=x_tf, kernel_tf=kernel_tf):
            return tf.nn.conv2d(x_tf, kernel_tf, 1, "SAME").numpy()

        def tf_separable(x_tf=x_tf, depthwise_tf=depthwise_tf, pointwise_tf=pointwise_tf):
            return tf.nn.separable_conv2d(x_tf, depthwise_tf, pointwise_tf, [1, 1, 1, 1],
                                          "SAME").numpy()

        def numpy_standard(x=x, kernel=kernel):
            return conv2d_im2col(x, kernel, padding="same")

        def numpy_separable(x=x, depthwise=depthwise, pointwise=pointwise):
            return separable_conv2d(x, depthwise, pointwise, padding="same")

        for mine, theirs in ((numpy_standard, tf_standard), (numpy_separable, tf_separable)):
            expected = theirs()
            scale = max(1.0, float(np.abs(expected).max()))
            np.testing.assert_allclose(mine(), expected, rtol=1e-4, atol=1e-4 * scale)

        medians = median_times({name: (function, 0.3, 5, 100) for name, function in [
            ("numpy_standard", numpy_standard), ("numpy_separable", numpy_separable),
            ("tf_standard", tf_standard), ("tf_separable", tf_separable)]})
        rows.append({
            "what": what,
            "standard_mults": x_shape[0] * conv_mults(x_shape[1:], f, c_out, padding="same"),
            "separable_mults": x_shape[0] * separable_mults(x_shape[1:], f, c_out,
                                                            padding="same"),
            **{name: median for name, (median, _) in medians.items()},
        })
        print(f"  timed standard and separable {what}", file=sys.stderr)
    return rows


def separable_table(rows: list[dict], load_before: str) -> str:
    """Lesson 07's table: a standard convolution against the separable one replacing it."""
    lines = [
        f"Standard against depthwise-separable convolution (lesson 07), 'same' padding, "
        f"measured the same way (1-minute load average {load_before} before and "
        f"{load_average()} after). NumPy: `conv2d_im2col` and `separable_conv2d`; TensorFlow: "
        "`tf.nn.conv2d` and `tf.nn.separable_conv2d`. Each ratio is standard / separable.",
        "",
        "| layer | multiplications, standard | separable | ratio "
        "| NumPy standard | NumPy separable | ratio | TF standard | TF separable | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['what']} | {row['standard_mults']:,} | {row['separable_mults']:,} "
            f"| {row['standard_mults'] / row['separable_mults']:.1f} "
            f"| {format_time(row['numpy_standard'])} | {format_time(row['numpy_separable'])} "
            f"| {row['numpy_standard'] / row['numpy_separable']:.1f} "
            f"| {format_time(row['tf_standard'])} | {format_time(row['tf_separable'])} "
            f"| {row['tf_standard'] / row['tf_separable']:.1f} |"
        )
    lines += ["", "The depthwise step does 9 multiplications per number it reads, so memory, not "
              "arithmetic, limits it: the time ratios stay below the multiplication ratio."]
    if max(float(load_before), os.getloadavg()[0]) >= (os.cpu_count() or 1):
        lines += ["", "Other programs kept the CPU cores busy during this run (load average >= "
                  "cores): the times are slower and noisier than on a quiet machine."]
    return "\n".join(lines)


def update_readme(text: str, readme: Path = DEVELOPING, start: str = START, end: str = END) -> None:
    content = readme.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise SystemExit(f"{readme} has no {start} ... {end} markers to write the table between")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), flags=re.DOTALL)
    readme.write_text(pattern.sub(lambda _: f"{start}\n{text}\n{end}", content, count=1),
                      encoding="utf-8")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update-readme", action="store_true",
                        help="write the tables between their bench markers in DEVELOPING.md")
    parser.add_argument("--tables", choices=("all", "forward", "backward", "separable"),
                        default="all",
                        help="which tables to measure (default: all)")
    args = parser.parse_args(argv)
    if args.tables in ("all", "forward"):
        load_before = load_average()
        text = table(run(), load_before)
        print(text)
        if args.update_readme:
            update_readme(text)
            print("DEVELOPING.md updated.", file=sys.stderr)
    if args.tables in ("all", "backward"):
        load_before = load_average()
        text = backward_table(run_backward(), load_before)
        print(text)
        if args.update_readme:
            update_readme(text, start=BACKWARD_START, end=BACKWARD_END)
            print("DEVELOPING.md updated (backward pass).", file=sys.stderr)
    if args.tables in ("all", "separable"):
        load_before = load_average()
        text = separable_table(run_separable(), load_before)
        print(text)
        if args.update_readme:
            update_readme(text, start=SEPARABLE_START, end=SEPARABLE_END)
            print("DEVELOPING.md updated (separable convolution).", file=sys.stderr)


if __name__ == "__main__":
    main()
