"""Run notebooks the way a learner does: JupyterLab in a real (headless) Chromium.

Used by ``tests/browser/test_jupyterlab.py`` (``make test-browser``). Three pieces:

* :class:`LabServer` starts JupyterLab from the Python running the tests (the project's
  environment) on a free loopback port with a random token, serving a *temporary copy* of the
  notebooks (JupyterLab autosaves; the stored notebooks must never be touched). Its kernels get
  the environment nbval gives them (``harness_env.apply_test_environment``: MNIST from the
  bundled sample). News and update checks are switched off, so nothing reaches for the network.
* :func:`launch_chromium` starts Debian's ``/usr/bin/chromium`` through Playwright (Playwright's
  own browser download is not used) with flags that keep it off the network.
* :func:`run_notebook` opens one notebook, clears its outputs, runs *Run > Run All Cells*, waits
  until the kernel is idle and every cell has run, then reports every problem a learner would
  see: a cell showing an error, a figure that did not render as an image, an interactive explorer
  whose sliders are missing or do not update its output.

Every process started here carries a marker in its environment (:data:`MARKER`), so
:func:`processes_left_behind` can prove that none survives the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from scripts.harness_env import apply_test_environment

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "MARKER",
    "LabServer",
    "NotebookReport",
    "expected_figures",
    "launch_chromium",
    "processes_left_behind",
    "run_notebook",
    "uses_widgets",
]

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet on the network: without the background-networking flags Chromium keeps
# trying to reach Google's services and, on a closed network, retries them over and over.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every process this module starts (JupyterLab, its kernels, Playwright's driver, Chromium)
# inherits this variable; a process still carrying it after the run was left behind.
MARKER = "COURSE_BROWSER_TEST_RUN"

# JupyterLab user settings for the run: every cell attached to the page (the default windowing
# modes leave off-screen cells out of the DOM), no news, no update check.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,  # no "Select Kernel" dialog
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        # The default ("pypi") lists extensions from PyPI: a network request.
        "extension_manager": "readonly",
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
    },
}

# An error output as JupyterLab shows it: a traceback, or (SyntaxError, IndentationError, which
# have none) a last line "SomethingError: message".
ERROR_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit))\b(:.*)?$")
WIDGET_IMPORT = re.compile(r"^\s*(import ipywidgets|from ipywidgets\b)", re.MULTILINE)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
RAISES_TAGS = {"raises-exception", "nbval-raises-exception"}


# ----------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_left_behind(marker_value: str) -> list[tuple[int, str]]:
    """(pid, command line) of every process, other than this one, carrying the run's marker."""
    needle = f"{MARKER}={marker_value}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if needle not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":  # exited, waiting for its parent to reap it: not running
                continue
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        found.append((int(proc.name), cmdline.strip()[:160]))
    return found


def kill_left_behind(marker_value: str) -> list[tuple[int, str]]:
    """SIGKILL, pid by pid, every process still carrying the marker; return what was found."""
    survivors = processes_left_behind(marker_value)
    for pid, _ in survivors:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return survivors


class LabServer:
    """JupyterLab on 127.0.0.1:<free port> with a token, serving a temporary copy of notebooks.

    ``root`` is the folder served; notebooks are opened by their path relative to it. Use as a
    context manager: the server and its kernels stop on exit, also on errors and Ctrl-C.
    """

    def __init__(self, root: Path, workdir: Path, marker_value: str, startup_timeout=120.0):
        self.root = root
        self.workdir = workdir
        self.marker_value = marker_value
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "jupyterlab.log"

    # -- REST API (token in the header, never in a log) --
    def api(self, method: str, path: str, timeout: float = 10.0):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method in ("POST", "PUT") else None,
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_states(self) -> dict[str, str]:
        return {k["id"]: k["execution_state"] for k in self.api("GET", "/api/kernels")}

    def shutdown_kernels(self) -> None:
        for session in self.api("GET", "/api/sessions"):
            with contextlib.suppress(urllib.error.URLError, OSError):
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
        for kernel_id in self.kernel_states():
            with contextlib.suppress(urllib.error.URLError, OSError):
                self.api("DELETE", f"/api/kernels/{kernel_id}", timeout=30)

    def lab_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?token={self.token}&reset"

    # -- lifetime --
    def __enter__(self) -> LabServer:
        settings = self.workdir / "lab-settings"
        for name, value in LAB_SETTINGS.items():
            target = settings / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(value), encoding="utf-8")
        config = self.workdir / "jupyter-config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))

        env = dict(os.environ)
        apply_test_environment(env)  # the kernels' environment, exactly as under nbval
        env.pop("MPLBACKEND", None)  # inline figures, as a learner gets them
        env.update({
            MARKER: self.marker_value,
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.workdir / "lab-workspaces"),
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_RUNTIME_DIR": str(self.workdir / "jupyter-runtime"),
        })
        command = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.open_browser=False",
            "--ServerApp.terminals_enabled=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
            command.append("--allow-root")
        log = self.log_path.open("wb")
        # Its own process group: on the way out the whole group can be signalled.
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            with contextlib.suppress(urllib.error.URLError, OSError, ValueError):
                self.api("GET", "/api/status", timeout=2)
                return
            time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout:.0f} s:\n"
                           + self.log_tail())

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.replace(self.token, "<token>").splitlines()[-lines:])

    def stop(self) -> None:
        """Shut the kernels down, then the server: politely, then SIGTERM, then SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(Exception):
            self.shutdown_kernels()
        with contextlib.suppress(Exception):
            self.api("POST", "/api/shutdown", timeout=10)
        for sig, grace in ((None, 15), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            if sig is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue

    def __exit__(self, *exc_info) -> None:
        self.stop()


def launch_chromium(playwright, marker_value: str):
    """Debian's Chromium, headless, through Playwright, in a fresh profile (Playwright's own)."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: install it with `apt-get install chromium`")
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        env={**os.environ, MARKER: marker_value},
    )


# ----------------------------------------------------------------------------- notebooks


def _code_sources(notebook: dict) -> list[str]:
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def uses_widgets(path: Path) -> bool:
    """Does the notebook show ipywidgets? (imports them, or its stored outputs hold widgets)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    if any(WIDGET_IMPORT.search(source) for source in _code_sources(notebook)):
        return True
    return any(WIDGET_MIME in output.get("data", {})
               for cell in notebook["cells"] for output in cell.get("outputs", []))


def expected_figures(path: Path) -> dict[int, int]:
    """{cell index: number of image outputs} in the stored notebook."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    counts = {}
    for index, cell in enumerate(notebook["cells"]):
        images = sum(1 for output in cell.get("outputs", [])
                     if any(mime in output.get("data", {}) for mime in IMAGE_MIMES))
        if images:
            counts[index] = images
    return counts


def _cells_raising_on_purpose(path: Path) -> set[int]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return {i for i, cell in enumerate(notebook["cells"])
            if RAISES_TAGS & set(cell.get("metadata", {}).get("tags", []))}


@dataclass
class NotebookReport:
    name: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    images: int = 0
    sliders: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    # Filled by run_notebook: how each cell is named in a message (prompt and first line).
    cell_names: dict[int, str] = field(default_factory=dict)

    def fail(self, cell: int | None, message: str) -> None:
        where = self.name if cell is None else f"{self.name} {self.cell_names.get(cell, cell)}"
        self.problems.append(f"{where}: {message}")


def _cell_name(index: int, prompt: str, source: str) -> str:
    """'cell 3 [3] `raise ValueError(...)`': index from 0 counting markdown, prompt, 1st line."""
    lines = [line for line in source.splitlines() if line.strip()]
    first = lines[0].strip() if lines else ""
    first = first if len(first) <= 90 else first[:89] + "…"
    prompt = prompt.rstrip(":").strip()
    return f"cell {index}" + (f" {prompt}" if prompt else "") + (f" `{first}`" if first else "")


# The notebook in front of the learner (JupyterLab keeps closed tabs hidden, not removed).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# Read the notebook as the learner sees it: one entry per cell, in order.
_READ_CELLS_JS = """
() => Array.from(document.querySelectorAll('PANEL .jp-Cell')).map((cell, index) => {
  const prompt = cell.querySelector('.jp-InputArea-prompt');
  const outputs = Array.from(cell.querySelectorAll('.jp-OutputArea-output'));
  // Images the course ships or draws (data: URIs, files next to the notebook); a remote one
  // such as the Colab badge cannot load offline and is not a figure of the lesson.
  const local = (i) => !/^[a-z]+:\\/\\//i.test(i.getAttribute('src') || '')
                       || (i.getAttribute('src') || '').startsWith(location.origin);
  const images = Array.from(cell.querySelectorAll('.jp-OutputArea img, .jp-RenderedMarkdown img'))
    .filter(local);
  const loaded = (i) => i.complete && i.naturalWidth > 0;
  const text = (e) => e ? (e.innerText || e.value || '').trim() : '?';
  return {
    index,
    code: cell.classList.contains('jp-CodeCell'),
    prompt: prompt ? prompt.textContent.trim() : '',
    stderr: outputs
      .filter(o => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr')
      .map(o => o.innerText),
    imagesRendered: images.filter(loaded).length,
    imagesBroken: images.filter(i => !loaded(i))
      .map(i => (i.getAttribute('src') || '').slice(0, 60)),
    sliders: Array.from(cell.querySelectorAll('.widget-slider')).map(s =>
      text(s.querySelector('.widget-label')) + ' = ' + text(s.querySelector('.widget-readout'))),
  };
})
""".replace("PANEL", PANEL)

# What a slider drives: the cell's output without the controls themselves (their readouts
# change with the slider by construction, so they must not count as "the output changed").
_CONTROLS = ".widget-slider, .widget-readout, .widget-dropdown, .widget-toggle-buttons, " \
            ".widget-checkbox, .widget-text, button, input, select"
_DRIVEN_OUTPUT_JS = """
(cell) => {
  const area = cell.querySelector('.jp-OutputArea');
  if (!area) return '';
  const clone = area.cloneNode(true);
  clone.querySelectorAll('CONTROLS').forEach(e => e.remove());
  const images = Array.from(area.querySelectorAll('img')).map(i => i.getAttribute('src') || '');
  return clone.innerText + '\\n' + images.join('|') + '\\n' + clone.innerHTML.length;
}
""".replace("CONTROLS", _CONTROLS)

_KERNEL_IDLE_JS = """
() => { const s = document.querySelector('PANEL .jp-Notebook-ExecutionIndicator');
        return !!s && s.getAttribute('data-status') === 'idle'; }
""".replace("PANEL", PANEL)

_CLEARED_JS = """
() => document.querySelectorAll('PANEL .jp-OutputArea-output').length === 0
      && !Array.from(document.querySelectorAll('PANEL .jp-InputArea-prompt'))
           .some(p => /\\d/.test(p.textContent))
""".replace("PANEL", PANEL)


def _error_line(text: str) -> str | None:
    """The error a stderr output shows ("ValueError: boom"), or None for a plain warning."""
    lines = [line for line in text.splitlines() if line.strip()]
    errors = [line.strip() for line in lines if ERROR_LINE.match(line)]
    if "Traceback (most recent call last)" in text or errors:
        return errors[-1] if errors else lines[-1].strip()
    return None


def _click_menu(page, menu: str, item: str) -> None:
    page.locator(f'.lm-MenuBar-itemLabel:text-is("{menu}")').click()
    page.locator(f'.lm-Menu-itemLabel:text-is("{item}")').click()


def _notebook_cells(page) -> list[dict]:
    return page.evaluate(_READ_CELLS_JS)


def _open_dialog(page) -> str | None:
    dialog = page.locator(".jp-Dialog")
    return dialog.first.inner_text()[:200] if dialog.count() else None


def _wait_for_notebook(page, server: LabServer, served_path: str, timeout_s: float) -> None:
    """The notebook is shown and its kernel has started and is idle."""
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        states = [s["kernel"]["execution_state"] for s in server.api("GET", "/api/sessions")
                  if s["path"] == served_path and s.get("kernel")]
        if states == ["idle"] and page.evaluate(_KERNEL_IDLE_JS):
            return
        dialog = _open_dialog(page)
        if dialog:
            raise RuntimeError(f"{served_path}: JupyterLab shows a dialog: {dialog!r}")
        time.sleep(0.3)
    raise TimeoutError(f"{served_path}: no idle kernel within {timeout_s:.0f} s")


def _wait_until_done(page, server: LabServer, timeout_s: float) -> tuple[bool, list[dict]]:
    """Poll until no cell is queued or running ([*]) and the kernel is idle, twice in a row.

    Returns (finished, cells). Run All stops at a cell that raises, so "finished" does not mean
    every cell ran: the caller checks that.
    """
    deadline = time.monotonic() + timeout_s
    steady = 0
    cells = _notebook_cells(page)
    while time.monotonic() < deadline:
        cells = _notebook_cells(page)
        running = any("*" in c["prompt"] for c in cells if c["code"])
        started = any(re.search(r"\d", c["prompt"]) for c in cells if c["code"])
        if _open_dialog(page):
            return True, cells
        idle = all(state == "idle" for state in server.kernel_states().values())
        steady = steady + 1 if (started and not running and idle) else 0
        if steady >= 3:
            return True, cells
        time.sleep(0.5)
    return False, cells


def _check_sliders(page, report: NotebookReport, cells: list[dict], timeout_s: float) -> None:
    """Move the first slider of every cell that has sliders; its driven output must change."""
    dom_cells = page.locator(f"{PANEL} .jp-Cell")
    for cell in cells:
        if not cell["sliders"]:
            continue
        report.sliders.extend(cell["sliders"])
        element = dom_cells.nth(cell["index"])
        slider = element.locator(".widget-slider").first
        readout = slider.locator(".widget-readout")
        before_value = readout.inner_text().strip()
        before_output = element.evaluate(_DRIVEN_OUTPUT_JS)
        handle = slider.locator(".noUi-handle, .ui-slider-handle, [role=slider]").first
        handle.scroll_into_view_if_needed()
        moved = False
        for key in ("ArrowRight", "ArrowLeft"):  # at its maximum, move it down instead
            handle.focus()
            handle.press(key)
            with contextlib.suppress(Exception):
                page.wait_for_function(
                    "([el, before]) => el.innerText.trim() !== before",
                    arg=[readout.element_handle(), before_value], timeout=3000)
            if readout.inner_text().strip() != before_value:
                moved = True
                break
        label = cell["sliders"][0].split(" = ")[0]
        if not moved:
            report.fail(cell["index"], f"slider '{label}' did not move with the arrow keys")
            continue
        deadline = time.monotonic() + timeout_s
        after_output = before_output
        while time.monotonic() < deadline and after_output == before_output:
            time.sleep(0.3)
            after_output = element.evaluate(_DRIVEN_OUTPUT_JS)
        if after_output == before_output:
            report.fail(cell["index"], f"moving slider '{label}' from {before_value} to "
                        f"{readout.inner_text().strip()} did not change the output it drives")


def run_notebook(page, server: LabServer, served_path: str, stored: Path, *,
                 widgets_required: bool, screenshot: Path | None,
                 timeout_s: float = 300.0, slider_timeout_s: float = 20.0) -> NotebookReport:
    """Open, clear, Run All Cells, wait, inspect. Problems go into the report (never raised)."""
    report = NotebookReport(name=served_path)
    start = time.monotonic()
    page.goto(server.lab_url(served_path))
    _wait_for_notebook(page, server, served_path, 120)
    # Clear the stored outputs first: the figures checked below must be the ones this run drew,
    # and the prompts go back to [ ] so that a number means "ran in this run".
    _click_menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(_CLEARED_JS, timeout=30_000)
    _click_menu(page, "Run", "Run All Cells")
    finished, cells = _wait_until_done(page, server, timeout_s)
    dialog = _open_dialog(page)
    if dialog:
        report.fail(None, f"JupyterLab shows a dialog: {dialog!r}")
    if not finished:
        pending = [c["index"] for c in cells if c["code"] and "*" in c["prompt"]]
        report.fail(pending[0] if pending else None,
                    f"still running after {timeout_s:.0f} s (cells waiting: {pending})")

    sources = ["".join(c["source"]) for c in json.loads(stored.read_text("utf-8"))["cells"]]
    for cell in cells:
        source = sources[cell["index"]] if cell["index"] < len(sources) else ""
        report.cell_names[cell["index"]] = _cell_name(cell["index"], cell["prompt"], source)
    if len(cells) != len(sources):
        report.fail(None, f"JupyterLab shows {len(cells)} cells, the file has {len(sources)}")
    on_purpose = _cells_raising_on_purpose(stored)
    first_error = None
    for cell in cells:
        for text in cell["stderr"]:
            error = _error_line(text)
            if error and cell["index"] not in on_purpose:
                report.fail(cell["index"], f"shows an error: {error}")
                first_error = cell["index"] if first_error is None else first_error
    for cell in cells:
        if cell["code"] and not re.search(r"\d", cell["prompt"]) and finished:
            ran = "Run All stopped at the error above" if first_error is not None else "no error"
            report.fail(cell["index"], f"was not run ({ran})")
            break

    # Figures: every image output of the stored notebook rendered again as a loaded <img>.
    expected = expected_figures(stored)
    by_index = {c["index"]: c for c in cells}
    for index, count in expected.items():
        cell = by_index.get(index)
        got = cell["imagesRendered"] if cell else 0
        if got < count and (first_error is None or index < first_error):
            report.fail(index, f"{count} figure(s) expected, {got} rendered as an image")
    for cell in cells:
        report.images += cell["imagesRendered"]
        for src in cell["imagesBroken"]:
            report.fail(cell["index"], f"image did not load: {src}")

    if widgets_required and first_error is None and finished:
        if not any(c["sliders"] for c in cells):
            report.fail(None, "shows ipywidgets, but no slider (.widget-slider) rendered")
        else:
            _check_sliders(page, report, cells, timeout_s=slider_timeout_s)

    if screenshot is not None:
        focus = first_error if first_error is not None else next(
            (c["index"] for c in cells if c["sliders"]),
            next((c["index"] for c in cells if c["imagesRendered"]), None))
        if focus is not None:
            with contextlib.suppress(Exception):
                page.locator(f"{PANEL} .jp-Cell").nth(
                    focus).scroll_into_view_if_needed(timeout=5000)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
        report.screenshot = screenshot
    report.seconds = time.monotonic() - start
    return report


def copy_notebooks(source: Path, target: Path) -> None:
    """Copy a notebooks folder (lessons, figures) without checkpoints or caches."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(
        ".ipynb_checkpoints", "__pycache__", "*.pyc"))
