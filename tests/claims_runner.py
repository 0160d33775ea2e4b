"""Runs a lesson's claims file (tests/claims/lessonNN.py) against the lesson's variables.

A lesson's text states numbers, shapes and comparisons; the cell that computes each one shows
it, and nbval checks that the shown output does not change. What the text concludes from them
("max pooling keeps the peak", "the two maps differ by one pixel", a margin over seeds) is
checked here instead of by an ``assert`` in the teaching cell, so the learner reads the
computation and not the test. tests/kernel_checks.py sends this module's source to the
notebook's kernel after its last cell and calls ``run_claims`` with the notebook's globals.

A claims file is Python, split into blocks by lines that start with ``# %%``; the rest of that
line says which cell and claim the block checks. Each block runs on its own copy of the
notebook's globals (nothing it assigns reaches the notebook or the next block), so one failing
block does not hide another, and each failure names its file, line and block.
"""

from __future__ import annotations

import linecache
import traceback

MARKER = "# %%"


def claim_blocks(source: str) -> list[tuple[int, str, str]]:
    """(first line, title, code) of each block; code before the first marker is a block titled
    'setup' that every later block sees too (imports, a helper)."""
    blocks, start, title, lines = [], 1, "setup", []
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith(MARKER):
            if "".join(lines).strip():
                blocks.append((start, title, "\n".join(lines)))
            start, title, lines = number + 1, line[len(MARKER):].strip() or f"line {number}", []
        else:
            lines.append(line)
    if "".join(lines).strip():
        blocks.append((start, title, "\n".join(lines)))
    return blocks


def run_claims(source: str, path: str, namespace: dict) -> tuple[int, list[str]]:
    """Run every block of ``source`` (the file at ``path``) on a copy of ``namespace``; return
    how many blocks ran and one line per failing block."""
    blocks = claim_blocks(source)
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)  # for the lines
    shared, failures = dict(namespace), []
    for start, title, code in blocks:
        scope = shared if title == "setup" else dict(shared)
        try:
            exec(compile("\n" * (start - 1) + code, path, "exec"), scope)
        except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the rest
            frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
            where = f"{path}:{frames[-1].lineno}" if frames else path
            text = f" `{frames[-1].line}`" if frames and frames[-1].line else ""
            message = f"{where} [{title}]{text}: {type(error).__name__}: {error}"
            failures.append(message.rstrip(": "))
    return len(blocks), failures
