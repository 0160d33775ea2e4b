"""Checks that run inside each notebook's own kernel, the way a learner meets the lesson.

nbval runs every notebook cell by cell in one kernel. This plugin (loaded by the root
conftest.py) adds three items to each notebook, in the same kernel, so nothing runs twice:

* ``figure checks installed`` before the first cell: from then on, every figure the notebook
  displays is measured (tests/figure_text.py) before it is drawn;
* ``learner path`` after the last cell: each "Check yourself" exercise is answered as a
  learner would, cell by cell: the stored cell (prints "Not answered yet"), every right answer
  of tests/test_exercises_lessonNN.py's LEARNER_ANSWERS and the stored solution typed in
  (print "Correct!"), every wrong answer there (prints "Not quite:" and the message that names
  that mistake), every call a feedback or the lesson's text tells the learner to type
  (``q1.hint()``, ``q1.solution()``: each must run), and the solution text itself when it is
  code a learner could paste (it must run, and as an answer it must be right);
* ``claims`` after the last cell, before the learner path: tests/claims/lessonNN.py, the checks
  of what the lesson's text concludes from its cells, run on the notebook's variables
  (tests/claims_runner.py says how); a lesson whose text states no conclusion has no file;
* ``figure text`` after the last cell: no text of any figure the lesson drew overlaps another
  text or leaves the figure;
* ``TensorFloat-32 off`` after the last cell: full float32 precision, as setup_notebook() set
  it, so the lessons' checks hold on a GPU too.

A failure names the notebook, the exercise, what was typed and what was printed.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from course_utils.exercises import NOT_ANSWERED, exercises_in
from tests import claims_runner

FIGURE_TEXT_SOURCE = (Path(__file__).parent / "figure_text.py").read_text(encoding="utf-8")
CLAIMS_DIR = Path(__file__).parent / "claims"
TIMEOUT = 600

CHECK_CALL = re.compile(r"\b(q\d+)\.check\(")
NAMED_CALL = re.compile(r"\b(q\d+)\.(hint|solution)\(\)")
PRINT_CALL = re.compile(r"`(print\([^`]*\))`")


# --- running code in a kernel --------------------------------------------------------------------


class KernelRunner:
    """Runs code in a running nbval kernel and returns (printed text, error or None)."""

    def __init__(self, kernel):
        self.kernel = kernel

    def __call__(self, code: str) -> tuple[str, str | None]:
        msg_id = self.kernel.execute_cell_input(code, allow_stdin=False)
        self.kernel.await_reply(msg_id, timeout=TIMEOUT)
        printed, error = [], None
        while True:
            msg = self.kernel.get_message(stream="iopub", timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content["execution_state"] == "idle":
                break
            if kind == "stream":
                printed.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                printed.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
        return "".join(printed), error


# --- the figure checks --------------------------------------------------------------------------

INSTALL_FIGURE_CHECKS = textwrap.dedent('''
    def _course_install_figure_checks(source):
        import matplotlib.backend_bases

        checks = {}
        exec(compile(source, "tests/figure_text.py", "exec"), checks)
        problems, current = [], {"cell": ""}

        def remember_cell(info=None):
            lines = (getattr(info, "raw_cell", "") or "").strip().splitlines()
            current["cell"] = lines[0][:70] if lines else ""

        get_ipython().events.register("pre_run_cell", remember_cell)
        original = matplotlib.backend_bases.FigureCanvasBase.print_figure

        def print_figure(self, *args, **kwargs):
            try:
                for problem in checks["text_problems"](self.figure):
                    problems.append([current["cell"], checks["figure_name"](self.figure),
                                     problem])
            except Exception as error:
                problems.append([current["cell"], "?", f"figure check failed: {error!r}"])
            return original(self, *args, **kwargs)

        matplotlib.backend_bases.FigureCanvasBase.print_figure = print_figure
        return problems

    _course_figure_problems = _course_install_figure_checks(%r)
    del _course_install_figure_checks
''')


def figure_problems(run) -> list[str]:
    printed, error = run("import json as _json; print(_json.dumps(_course_figure_problems))")
    if error:
        return [f"could not read the figure checks: {error}"]
    return [f"cell starting {cell!r}, figure {figure}: {problem}"
            for cell, figure, problem in json.loads(printed)]


# --- the claims ---------------------------------------------------------------------------------


def claims_file(notebook_path: Path) -> Path | None:
    lesson = lesson_of(notebook_path)
    path = CLAIMS_DIR / f"lesson{lesson}.py"
    return path if lesson and path.exists() else None


def claims_problems(run, path: Path) -> list[str]:
    """Run the claims file at ``path`` in the kernel, on a copy of the notebook's globals."""
    shown = f"tests/claims/{path.name}"
    code = (f"_course_claims = {{}}\n"
            f"exec({inspect.getsource(claims_runner)!r}, _course_claims)\n"
            f"print(__import__('json').dumps(_course_claims['run_claims']("
            f"{path.read_text(encoding='utf-8')!r}, {shown!r}, globals())))\n"
            f"del _course_claims\n")
    printed, error = run(code)
    if error:
        return [f"could not run {shown}: {error}"]
    blocks, failures = json.loads(printed.strip().splitlines()[-1])
    if not blocks:
        return [f"{shown} has no claims"]
    return failures


# --- the learner path ---------------------------------------------------------------------------


def lesson_of(path: Path) -> str | None:
    match = re.match(r"(\d\d)_", path.name)
    return match.group(1) if match else None


def exercise_cells(notebook) -> dict[str, str]:
    """The stored source of each exercise cell, by exercise name, in notebook order: the first
    cell that checks the exercise with the blank ____ in it (a cell that only shows a check,
    such as lesson 00's q1.check(6) before its exercise cell, is not the exercise cell), or the
    first that checks it when none has the blank."""
    cells = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for name in CHECK_CALL.findall(cell.source):
                if name not in cells or ("____" in cell.source and "____" not in cells[name]):
                    cells[name] = cell.source
    return cells


def typed_cell(stored: str, name: str, typed: str) -> str:
    """The cell as the learner runs it: a one-line answer replaces ____; a block (a function)
    is typed above the cell's check line; a line that calls the check itself, such as
    ``q1.check(16,448)``, is the whole cell."""
    if CHECK_CALL.search(typed) and f"{name}.check(" in typed:
        return typed
    if "\n" not in typed.strip() and "____" in stored:
        return stored.replace("____", typed, 1)
    check_lines = [line for line in stored.splitlines() if f"{name}.check(" in line]
    return typed.rstrip() + "\n\n" + "\n".join(check_lines)


def solution_typed(exercise, stored: str) -> str:
    """The stored solution answer, written as a learner would type it."""
    answer = exercise.solution_answer
    if callable(answer):
        source = textwrap.dedent(inspect.getsource(answer))
        check_lines = [re.sub(rf"{exercise.name}\.check\([^)]*\)",
                              f"{exercise.name}.check({answer.__name__})", line)
                       for line in stored.splitlines() if f"{exercise.name}.check(" in line]
        return source.rstrip() + "\n\n" + "\n".join(check_lines)
    if isinstance(answer, np.ndarray):
        return typed_cell(stored, exercise.name, f"np.array({answer.tolist()!r})")
    return typed_cell(stored, exercise.name, repr(answer))


def _pasteable(text: str) -> str | None:
    """'eval' or 'exec' when the solution text is Python a learner could paste, else None."""
    for mode in ("eval", "exec"):
        try:
            compile(text, "<solution>", mode)
            return mode
        except SyntaxError:
            continue
    return None


def learner_path_problems(run, notebook, module, answers: dict) -> list[str]:
    """Everything that goes wrong when a learner works through the exercises of ``module``
    (the lesson's exercise module) in the notebook's kernel."""
    lesson = module.__name__.rsplit("lesson", 1)[-1]
    exercises = {exercise.name: exercise for exercise in exercises_in(module)}
    cells = exercise_cells(notebook)
    problems, calls = [], {}

    def expect(name, typed, code, wanted, fragment=None):
        printed, error = run(code)
        shown = " ".join(printed.split())[:300]
        where = f"{name}: typed {typed.strip()[:80]!r}"
        if error:
            problems.append(f"{where} -> raised {error}")
        elif wanted not in printed or (fragment and fragment not in printed):
            missing = wanted if wanted not in printed else fragment
            problems.append(f"{where} -> expected {missing!r}, printed {shown!r}")
        elif wanted == "Not quite: " and f"Call {name}.hint()" not in printed:
            problems.append(f"{where} -> the feedback does not say how to get a hint")
        for called, method in NAMED_CALL.findall(printed):
            calls.setdefault(f"{called}.{method}()", f"the feedback of {name} to {typed[:40]!r}")
        if f"args, kwargs = {name}.failing_case" in printed:   # the rerun it tells of, now
            case_types, failed = run(f"args, kwargs = {name}.failing_case\n"
                                     "print(type(args).__name__, type(kwargs).__name__)")
            if failed or case_types.split() != ["tuple", "dict"]:
                problems.append(f"{where} -> its feedback says to type 'args, kwargs = "
                                f"{name}.failing_case', which gave {failed or case_types!r}")

    missing = sorted(set(exercises) - set(cells))
    if missing:
        problems.append(f"exercises {missing} have no cell that calls .check() in the notebook")
    unknown = sorted(set(cells) - set(exercises))
    if unknown:
        problems.append(f"cells check {unknown}, which lesson{lesson} does not define")
    if set(answers) != set(exercises):
        problems.append(f"LEARNER_ANSWERS lists {sorted(answers)}, the lesson has "
                        f"{sorted(exercises)}")
    for name, stored in cells.items():
        if name not in exercises:
            continue
        expect(name, "(the stored cell)", stored, NOT_ANSWERED)
        listed = answers.get(name, {})
        if len(listed.get("wrong", {})) < 2:
            problems.append(f"{name}: LEARNER_ANSWERS needs at least two wrong answers")
        for typed in listed.get("right", []):
            expect(name, typed, typed_cell(stored, name, typed), "Correct!")
        expect(name, "(its stored solution)", solution_typed(exercises[name], stored),
               "Correct!")
        for typed, fragment in listed.get("wrong", {}).items():
            expect(name, typed, typed_cell(stored, name, typed), "Not quite: ", fragment)

    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for called, method in NAMED_CALL.findall(cell.source):
                calls.setdefault(f"{called}.{method}()", "the lesson's text")
            for call in PRINT_CALL.findall(cell.source):
                calls.setdefault(call, "the lesson's text")
    for call, told_by in calls.items():
        printed, error = run(call)
        if error:
            problems.append(f"{call}, which {told_by} tells the learner to type, raised {error}")
        elif not printed.strip():
            problems.append(f"{call}, which {told_by} tells the learner to type, printed nothing")

    for name, exercise in exercises.items():  # last: pasting a solution may change variables
        text = exercise.solution_text()
        mode = _pasteable(text)
        if mode == "eval" and name in cells:  # parentheses keep a commented expression whole
            expect(name, f"(pasted {name}.solution()) {text}",
                   cells[name].replace("____", f"(\n{text}\n)", 1), "Correct!")
        elif mode == "exec" and name in cells and re.search(r"^\w+ = ____", cells[name], re.M):
            # pasted over the cell's `answer = ____` line: the cell's check must then pass
            blank = re.search(r"^(\w+) = ____", cells[name], re.M).group(1)
            if not re.search(rf"^{blank}\s*=", text, re.M):
                problems.append(f"{name}.solution() does not assign {blank}, the variable of "
                                f"the exercise cell ({blank} = ____): pasted over that line, "
                                "the check would read an old value")
                continue
            check_lines = [line for line in cells[name].splitlines()
                           if f"{name}.check(" in line]
            expect(name, f"(pasted {name}.solution()) {text}",
                   text + "\n" + "\n".join(check_lines), "Correct!")
        elif mode == "exec":
            printed, error = run(text)
            if error:
                problems.append(f"{name}.solution() prints code that raises {error} when pasted "
                                "into the notebook: make it runnable there, or write it as prose")
    return problems


def learner_answers(lesson: str) -> dict:
    try:
        module = importlib.import_module(f"tests.test_exercises_lesson{lesson}")
    except ModuleNotFoundError:
        return {}
    return getattr(module, "LEARNER_ANSWERS", {})


# --- the pytest items ----------------------------------------------------------------------------


class _KernelItem(pytest.Item):
    """An item that runs after (or before) nbval's cells, in the same kernel."""

    def runner(self) -> KernelRunner:
        kernel = self.parent.kernel
        if kernel is None or not kernel.is_alive():
            pytest.fail("the notebook's kernel is not running")
        return KernelRunner(kernel)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"


class InstallFigureChecks(_KernelItem):
    def runtest(self):
        _, error = self.runner()(INSTALL_FIGURE_CHECKS % FIGURE_TEXT_SOURCE)
        if error:
            pytest.fail(f"could not install the figure checks: {error}")


class FigureText(_KernelItem):
    def runtest(self):
        problems = figure_problems(self.runner())
        if problems:
            pytest.fail(f"{self.path.name}: figures with unreadable text:\n  "
                        + "\n  ".join(problems), pytrace=False)


class FullPrecision(_KernelItem):
    """After the last cell, TensorFloat-32 is still off (setup_notebook() turns it off, and no
    lesson may turn it back on): on an Ampere or newer GPU it would give float32 convolutions
    about 1e-3 relative error, and the lessons' NumPy-against-TensorFlow checks would fail."""

    def runtest(self):
        printed, error = self.runner()(
            "import tensorflow as _tf\n"
            "print(_tf.config.experimental.tensor_float_32_execution_enabled())")
        if error or printed.strip() != "False":
            pytest.fail(f"{self.path.name}: after the last cell TensorFloat-32 is "
                        f"{error or printed.strip()!r}, not off (False): the setup cell must call "
                        "setup_notebook(), and no cell may turn it back on", pytrace=False)


class Claims(_KernelItem):
    def runtest(self):
        path = claims_file(self.path)
        if path is None:
            pytest.skip(f"{self.path.name} has no claims file")
        problems = claims_problems(self.runner(), path)
        if problems:
            pytest.fail(f"{self.path.name}: claims that do not hold:\n  " + "\n  ".join(problems),
                        pytrace=False)


class LearnerPath(_KernelItem):
    def runtest(self):
        lesson = lesson_of(self.path)
        module_name = f"course_utils.exercises.lesson{lesson}"
        if importlib.util.find_spec(module_name) is None:
            if exercise_cells(self.parent.nb):
                pytest.fail(f"{self.path.name} checks exercises but {module_name} is missing")
            pytest.skip(f"{self.path.name} has no exercises")
        problems = learner_path_problems(self.runner(), self.parent.nb,
                                         importlib.import_module(module_name),
                                         learner_answers(lesson))
        if problems:
            pytest.fail(f"{self.path.name}: the learner path fails:\n  " + "\n  ".join(problems),
                        pytrace=False)


def pytest_collection_modifyitems(session, config, items):
    """Put the kernel items of each notebook around nbval's cells."""
    result, seen = [], set()
    for index, item in enumerate(items):
        parent = item.parent
        is_cell = isinstance(item, IPyNbCell) and isinstance(parent, IPyNbFile)
        if is_cell and id(parent) not in seen:
            seen.add(id(parent))
            result.append(InstallFigureChecks.from_parent(parent, name="figure checks installed"))
        result.append(item)
        following = items[index + 1] if index + 1 < len(items) else None
        if is_cell and (following is None or following.parent is not parent):
            result.append(FullPrecision.from_parent(parent, name="TensorFloat-32 off"))
            result.append(Claims.from_parent(parent, name="claims"))
            result.append(LearnerPath.from_parent(parent, name="learner path"))
            result.append(FigureText.from_parent(parent, name="figure text"))
    items[:] = result
