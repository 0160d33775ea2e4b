"""What a stored lesson notebook must look like; each check returns the problems it finds.

Every problem says what is wrong and where ("cell 7: ..."), so a failing `make test` tells
the author which cell to fix. Used by tests/test_notebooks.py.
"""

from __future__ import annotations

import getpass
import json
import re
import socket
from pathlib import Path

MAX_BYTES = 1_000_000
IGNORE_OUTPUT_TAG = "nbval-ignore-output"
RAISES_TAGS = {"raises-exception", "nbval-raises-exception"}

# Keras names layers and models it was not given a name for by counting what was built before
# (conv2d, conv2d_1, ...), so such names depend on the order cells ran. Lessons name them.
AUTO_LAYER_TYPES = (
    "input_layer|conv2d|conv2d_transpose|dense|flatten|max_pooling2d|average_pooling2d|"
    "global_average_pooling2d|global_max_pooling2d|dropout|batch_normalization|activation|"
    "re_lu|reshape|rescaling|up_sampling2d|zero_padding2d|add|concatenate"
)
AUTO_NAME_PATTERNS = [
    (re.compile(r'Model: "(functional|sequential)(_\d+)?"'), "an automatic model name"),
    (re.compile(rf"[│|] ({AUTO_LAYER_TYPES})(_\d+)? +\("),
     "an automatic layer name (name every layer, and not with Keras's own default such as "
     "'flatten' or 'conv2d': those depend on what ran before)"),
]

# Text that must never be stored in an output of a checked cell.
UNSTABLE_PATTERNS = [
    (re.compile(r"absl::InitializeLog|^[IWEF]\d{4} \d\d:\d\d:\d\d", re.M),
     "TensorFlow's C++ start-up log (run the setup cell first: setup_notebook() silences it)"),
    (re.compile(r" at 0x[0-9a-fA-F]{4,}>"),
     "a memory address (e.g. a bare `model.fit(...)` showing <History at 0x...>: assign it)"),
    (re.compile(r"\d+(\.\d+)?m?s/step|ETA: \d"),
     "a Keras progress bar with timings (use verbose=0, or tag the cell nbval-ignore-output)"),
]


def _machine_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = [
        (re.compile(r"(?<![\w.])(/home/|/root/|/Users/|/tmp/|/work/|/private/var/|[A-Za-z]:\\\\?Users)"),
         "an absolute path"),
        (re.compile(r"site-packages|\.venv/"), "a path into an installed environment"),
    ]
    hostname = socket.gethostname().split(".")[0]
    if len(hostname) >= 4:
        patterns.append((re.compile(re.escape(hostname)), f"this machine's name ({hostname})"))
    user = getpass.getuser()
    if len(user) >= 4 and user.lower() not in {"root", "user", "runner", "jovyan"}:
        patterns.append((re.compile(rf"\b{re.escape(user)}\b"), f"the user name ({user})"))
    return patterns


def output_texts(output: dict) -> list[str]:
    """All text an output carries (streams, text/plain, text/html, error tracebacks)."""
    texts = []
    if "text" in output:
        text = output["text"]
        texts.append("".join(text) if isinstance(text, list) else text)
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime.endswith("json"):
            texts.append("".join(value) if isinstance(value, list) else json.dumps(value))
    if "traceback" in output:
        texts.append("\n".join(output["traceback"]))
    return texts


def notebook_problems(path: Path, setup_source: str, badge: str) -> list[str]:
    """Everything wrong with one stored notebook; an empty list when it is fine."""
    problems = []
    size = path.stat().st_size
    if size > MAX_BYTES:
        problems.append(f"file is {size / 1e6:.2f} MB; the limit is 1 MB (smaller figures?)")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    kernelspec = notebook.get("metadata", {}).get("kernelspec", {})
    if kernelspec.get("name") != "python3":
        problems.append(f"kernelspec name is {kernelspec.get('name')!r}, expected 'python3'")
    widgets = notebook.get("metadata", {}).get("widgets")
    if widgets is not None and "state" not in json.dumps(widgets):
        problems.append("metadata.widgets has no widget state; GitHub cannot render it (remove it)")

    cells = notebook.get("cells", [])
    if not cells or cells[0]["cell_type"] != "markdown":
        problems.append("cell 0: the first cell must be the Markdown title cell")
    else:
        first = "".join(cells[0]["source"])
        if not re.search(r"^# \S", first, re.M):
            problems.append("cell 0: the title cell has no '# Title' heading")
        if badge not in first:
            problems.append("cell 0: the 'Open in Colab' badge for this notebook is missing or "
                            "out of date (run `make badges`)")
    if len(cells) < 2 or "".join(cells[1]["source"]) != setup_source:
        problems.append("cell 1: the setup cell is missing or differs from the generated one "
                        "(run `make badges`)")

    sections = [int(match.group(1)) for cell in cells if cell["cell_type"] == "markdown"
                for match in re.finditer(r"^## (\d+)\.", "".join(cell["source"]), re.M)]
    if sections != list(range(1, len(sections) + 1)):
        # the text and the feedback refer to sections by number (a heading lost in an edit
        # left lesson 03 without its section 7)
        problems.append(f"numbered sections run {sections}, not 1, 2, 3, ...")

    expected_count = 1
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        where = f"cell {index}"
        if not "".join(cell["source"]).strip():
            problems.append(f"{where}: empty code cell")
            continue
        if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
            # JupyterLab then hides the cell's prompt too, and the browser test reads the prompt
            # to tell that Run All reached the cell (lesson 05's collapsed checks failed CI so)
            problems.append(f"{where}: its source is hidden (jupyter.source_hidden): show it")
        count = cell.get("execution_count")
        if count is None:
            problems.append(f"{where}: not executed (run `make execute`)")
        else:
            if count != expected_count:
                problems.append(f"{where}: execution count {count}, expected {expected_count}: "
                                "the notebook was not run top to bottom in one fresh kernel "
                                "(run `make execute`)")
            expected_count = count + 1
        tags = set(cell.get("metadata", {}).get("tags", []))
        ignored = IGNORE_OUTPUT_TAG in tags
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not tags & RAISES_TAGS:
                problems.append(f"{where}: stored output is an error "
                                f"({output.get('ename')}: {output.get('evalue')})")
            if output.get("output_type") == "stream" and output.get("name") == "stderr" \
                    and not ignored:
                problems.append(f"{where}: writes to stderr (warnings make nbval flaky): "
                                f"{''.join(output['text'])[:120]!r}")
            for text in output_texts(output):
                checks = list(AUTO_NAME_PATTERNS) + _machine_patterns()
                if not ignored:
                    checks += UNSTABLE_PATTERNS
                for pattern, what in checks:
                    match = pattern.search(text)
                    if match:
                        problems.append(f"{where}: output contains {what}: "
                                        f"{text[max(0, match.start() - 30):match.end() + 30]!r}")
    return problems
