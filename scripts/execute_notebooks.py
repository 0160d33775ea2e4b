"""Re-run notebooks in place, top to bottom, each in a fresh kernel, the way nbval checks them.

    python -m scripts.execute_notebooks notebooks/*.ipynb   (what `make execute` runs, from the
                                                             repository root)

Each notebook runs with its own folder as the working directory (as under nbval) in the kernel
of the Python running this script, and is written back with its new outputs. Execution
timestamps are not recorded, so a re-run that changes nothing leaves the file unchanged.
The time each notebook took is printed (it goes into issue notes, not into the notebook).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .harness_env import apply_test_environment

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def merged_streams(outputs: list) -> list:
    """The outputs with each run of stdout (or stderr) pieces stored as one text: a kernel may
    flush one print in pieces, which static renderers show as separate blocks. nbval joins them
    the same way before it compares.

    >>> from nbformat.v4 import new_output
    >>> [o.text for o in merged_streams([new_output("stream", name="stdout", text="a:"),
    ...                                  new_output("stream", name="stdout", text=" 1\\n")])]
    ['a: 1\\n']
    """
    merged: list = []
    for output in outputs:
        if (merged and output.get("output_type") == "stream"
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1]["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def execute(path: Path, timeout: int) -> float:
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    # Widget state saved by nbclient would make GitHub's renderer fail; the lessons show a
    # static figure where widgets cannot render.
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = merged_streams(cell.outputs)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    apply_test_environment(os.environ)
    failed = 0
    for path in args.notebooks:
        try:
            seconds = execute(path, args.timeout)
        except Exception as error:  # report every notebook, then fail
            failed += 1
            print(f"FAILED  {path}: {type(error).__name__}: {str(error)[-2000:]}")
        else:
            size_kb = path.stat().st_size / 1024
            print(f"ok      {path}  {seconds:6.1f} s  {size_kb:7.1f} KB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
