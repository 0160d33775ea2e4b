"""Every lesson, run the way a learner meets it: JupyterLab in a real browser.

``make test-browser`` (``pytest tests/browser --browser``). One JupyterLab server (from this
Python's environment, loopback only, random token, serving a temporary copy of ``notebooks/``)
and one headless Chromium serve all tests. For each ``notebooks/*.ipynb``: open it, clear the
outputs, *Run > Run All Cells*, wait for the kernel, then fail if a cell shows an error, a
figure did not render as an image, or (lesson 01 and any notebook using ipywidgets) the sliders
are missing or moving one does not update the output it drives. A screenshot of each notebook
goes to ``screenshots/`` (git-ignored). The server, its kernels and the browser are stopped
after the run, also on failure or Ctrl-C, and the run fails if any process it started survives.

The last tests run throwaway notebooks that are broken on purpose, to prove that each check
can fail and that its message names the notebook and the cell.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import nbformat
import pytest

from scripts.paths import REPO_ROOT, notebook_paths

from .conftest import TIMINGS
from .lab_driver import (
    MARKER,
    LabServer,
    copy_notebooks,
    kill_left_behind,
    launch_chromium,
    processes_left_behind,
    run_notebook,
    uses_widgets,
)

NOTEBOOKS = notebook_paths()
SCREENSHOTS = REPO_ROOT / "screenshots"
# Lesson 01's interactive explorer must be there and work, whatever its source looks like.
WIDGETS_REQUIRED = ("01_",)
NOTEBOOK_TIMEOUT_S = 300


@pytest.fixture(scope="module")
def lab(tmp_path_factory, request):
    """(server, browser, served root): started once, always stopped, nothing left behind."""
    from playwright.sync_api import sync_playwright

    marker = secrets.token_hex(8)
    work = tmp_path_factory.mktemp("jupyterlab")
    root = work / "root"
    copy_notebooks(REPO_ROOT / "notebooks", root / "notebooks")
    (root / "selftest").mkdir()
    timings: list[tuple[str, float]] = []
    request.config.stash[TIMINGS] = timings
    started = time.monotonic()
    server = LabServer(root, work, marker)
    playwright = browser = None
    try:
        server.__enter__()
        playwright = sync_playwright().start()
        browser = launch_chromium(playwright, marker)
        yield server, browser, root, timings
    finally:
        try:
            if browser is not None:
                browser.close()
        finally:
            try:
                if playwright is not None:
                    playwright.stop()
            finally:
                server.stop()
        survivors = []
        for _ in range(20):  # give exiting processes a moment to be reaped
            survivors = processes_left_behind(marker)
            if not survivors:
                break
            time.sleep(0.5)
        killed = kill_left_behind(marker) if survivors else []
        timings.append(("all, with server and browser start and stop",
                        time.monotonic() - started))
        assert not killed, f"processes left behind by the browser test (now killed): {killed}"


def _run(lab, served_path: str, stored: Path, widgets_required: bool, screenshot: Path,
         **options):
    server, browser, _, timings = lab
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    # Loopback only: anything else (fonts, news, trackers) is refused, never waited for.
    context.route(lambda url: not url.startswith(server.url), lambda route: route.abort())
    try:
        page = context.new_page()
        report = run_notebook(page, server, served_path, stored,
                              widgets_required=widgets_required, screenshot=screenshot,
                              timeout_s=NOTEBOOK_TIMEOUT_S, **options)
    finally:
        context.close()
        server.shutdown_kernels()
    timings.append((served_path, report.seconds))
    return report


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_jupyterlab(lab, path):
    required = uses_widgets(path) or path.name.startswith(WIDGETS_REQUIRED)
    report = _run(lab, f"notebooks/{path.name}", path, required,
                  SCREENSHOTS / f"{path.stem}.png")
    if report.problems:
        pytest.fail(f"{len(report.problems)} problem(s) running {path.name} in JupyterLab "
                    f"(cells counted from 0, markdown included; screenshot "
                    f"{report.screenshot.relative_to(REPO_ROOT)}):\n  "
                    + "\n  ".join(report.problems), pytrace=False)
    if required:
        assert report.sliders, f"{path.name}: no slider found"
    print(f"{path.name}: {report.seconds:.1f} s, {report.images} images, "
          f"sliders {report.sliders}")


def test_every_lesson_is_covered():
    assert NOTEBOOKS, "notebooks/ holds no notebook"
    assert any(p.name.startswith("00_") for p in NOTEBOOKS)


# ----------------------------------------------------------------- the checks can fail

C, M = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
PNG_1PX = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGA"
           "WjR9awAAAABJRU5ErkJggg==")


def _throwaway(lab, name: str, cells) -> tuple[str, Path]:
    _, _, root, _ = lab
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)",
                                       "language": "python", "name": "python3"}
    path = root / "selftest" / name
    nbformat.write(notebook, path)
    return f"selftest/{name}", path


def test_a_raising_cell_is_reported_with_notebook_and_cell(lab):
    served, path = _throwaway(lab, "98_raises.ipynb", [
        M("# A lesson with a bug"),
        C("x = 1"),
        C("print(x)"),
        C("raise ValueError('boom, made to raise')"),
        C("print('never reached')"),
    ])
    report = _run(lab, served, path, False, SCREENSHOTS / "selftest" / "98_raises.png")
    assert report.problems[0] == (
        "selftest/98_raises.ipynb cell 3 [3] `raise ValueError('boom, made to raise')`: "
        "shows an error: ValueError: boom, made to raise"), report.problems
    assert any("cell 4" in p and "not run" in p for p in report.problems), report.problems
    assert len(report.problems) == 2, report.problems


def test_missing_figure_and_dead_slider_are_reported(lab):
    figure = C("import matplotlib.pyplot as plt\n\n"
               "fig, ax = plt.subplots(figsize=(2, 2))\nax.plot([1, 2, 3]);")
    # Stored with a figure, but the code no longer draws one.
    no_longer_draws = C("print('no figure here')")
    no_longer_draws.outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": PNG_1PX, "text/plain": "<Figure>"})]
    explorer = C("import ipywidgets as widgets\n\n"
                 "def show(n=5, f=3):\n    print('output size O =', n - f + 1)\n\n"
                 "widgets.interact(show, n=widgets.IntSlider(5, 3, 9, description='input size N'),"
                 " f=widgets.IntSlider(3, 1, 3, description='kernel size F'));")
    dead = C("widgets.interact(lambda s: None, "
             "s=widgets.IntSlider(1, 1, 3, description='stride S'))")
    served, path = _throwaway(lab, "99_checks.ipynb",
                              [M("# Checks"), figure, no_longer_draws, explorer, dead])
    assert uses_widgets(path)
    # A working slider updates within a second; waiting 5 s (not 20) for the dead one is plenty.
    report = _run(lab, served, path, True, SCREENSHOTS / "selftest" / "99_checks.png",
                  slider_timeout_s=5)
    assert report.images >= 1
    assert report.sliders[:2] == ["input size N = 5", "kernel size F = 3"], report.sliders
    assert sorted(report.problems) == sorted([
        "selftest/99_checks.ipynb cell 2 [2] `print('no figure here')`: "
        "1 figure(s) expected, 0 rendered as an image",
        "selftest/99_checks.ipynb cell 4 [4] `widgets.interact(lambda s: None, "
        "s=widgets.IntSlider(1, 1, 3, description='stride S'))`: moving slider "
        "'stride S' from 1 to 2 did not change the output it drives",
    ]), report.problems


def test_a_widget_notebook_without_sliders_is_reported(lab):
    served, path = _throwaway(lab, "97_no_sliders.ipynb", [
        M("# Explorer gone"), C("import ipywidgets as widgets\n\nwidgets.HTML('no sliders')")])
    report = _run(lab, served, path, uses_widgets(path),
                  SCREENSHOTS / "selftest" / "97_no_sliders.png")
    assert report.problems == ["selftest/97_no_sliders.ipynb: shows ipywidgets, but no slider "
                               "(.widget-slider) rendered"], report.problems


def test_the_server_runs_on_a_copy_outside_the_repository(lab):
    """JupyterLab autosaves: it must only ever see a copy, never the stored notebooks."""
    server, _, root, _ = lab
    assert not root.resolve().is_relative_to(REPO_ROOT.resolve())
    listing = server.api("GET", "/api/contents/notebooks")["content"]
    served = {item["name"] for item in listing if item["name"].endswith(".ipynb")}
    assert {path.name for path in NOTEBOOKS} <= served


def test_marker_is_set_on_what_we_start(lab):
    server, _, _, _ = lab
    env = (Path("/proc") / str(server.process.pid) / "environ").read_bytes().split(b"\0")
    assert any(item.startswith(MARKER.encode() + b"=") for item in env)
