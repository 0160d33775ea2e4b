"""Build the course's website into _site/ from the stored notebooks (what `make site` runs).

    python -m scripts.build_site            (from the repository root)

Nothing is executed: every page shows the outputs stored in its notebook. The generator is
Sphinx with MyST-NB and the Sphinx Book Theme (pinned in requirements-dev.txt), which builds
from installed packages alone; MathJax is bundled (sphinx-mathjax-offline), so the built site
needs no network, served from GitHub Pages or from this machine.

Sphinx reads a staged copy, build/site/, never notebooks/ itself. Staging copies site/ (the
configuration, the hand-written pages and the style sheet), writes the generated pages (the
lesson list from the notebooks' titles and summaries, the glossary from glossary.csv), and
writes each notebook as the site shows it. That rewrite depends on no lesson's exact cells, only
on what a cell contains:

* the "Open in Colab" badge in the title cell (its image lives on Google's server) becomes a
  line of links under the title: Open in Colab (course_utils/colab.py's address) and a download
  of the notebook as stored (copied to _site/notebooks/);
* a cell whose stored output is an ipywidgets view (a slider) keeps its other outputs, loses the
  widget's text stand-in, and is followed by a note that the slider is live in JupyterLab or
  Colab, naming the sliders its source creates;
* every figure gets alternative text: the cell's own, when it sets
  ``metadata.mystnb.image.alt`` (MyST-NB's key; a lesson adds it to say exactly what a figure
  shows), otherwise the titles its source gives the figure (``suptitle``, ``title=``,
  ``set_title``, ``titles=``), otherwise the first sentence of the paragraph before the cell
  (or the docstring of the course_utils plot helper it calls);
* the setup cell (the one starting with sync_badges.SETUP_MARKER) is folded (tag
  ``hide-input``): the same install code in every lesson, one click shows it;
* a relative link or image that leaves notebooks/ (``../README.md``) points at the file on
  GitHub (a link) or is copied along (an image).
"""

from __future__ import annotations

import ast
import copy
import re
import shutil
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import nbformat

from course_utils import plots
from course_utils.colab import BRANCH, REPO_SLUG, colab_url

from .glossary import read_glossary
from .paths import README, REPO_ROOT, notebook_paths, relative
from .sync_badges import BADGE_PATTERN, SETUP_MARKER, notebook_title

SITE_SOURCES = REPO_ROOT / "site"
STAGING = REPO_ROOT / "build" / "site"
DOCTREES = REPO_ROOT / "build" / "site-doctrees"
# Sphinx writes here, then the result is copied to _site/: MyST-NB puts its own working folder
# (jupyter_execute/) beside Sphinx's output folder, which must therefore be inside build/.
HTML = REPO_ROOT / "build" / "site-html"
OUTPUT = REPO_ROOT / "_site"
GITHUB = f"https://github.com/{REPO_SLUG}"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
# A relative Markdown link or image: [text](target) / ![alt](target), with no scheme and no #.
MARKDOWN_LINK = re.compile(r"(!?)\[([^\]]*)\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)")


def site_url() -> str:
    """Where GitHub Pages publishes the site: https://OWNER.github.io/NAME/."""
    owner, name = REPO_SLUG.split("/")
    return f"https://{owner.lower()}.github.io/{name}/"


# ----------------------------------------------------------------------------- lessons


def summary(notebook) -> str:
    """The lesson's one-line summary: the first paragraph of its title cell after the title."""
    source = notebook.cells[0].source if notebook.cells else ""
    for paragraph in re.split(r"\n\s*\n", BADGE_PATTERN.sub("", source)):
        text = " ".join(line.strip() for line in paragraph.strip().splitlines())
        if text and not text.startswith(("#", "-", "*", "|", "<", "By the end")):
            return text
    return ""


def lesson_links(path: Path) -> str:
    """The line of links under a lesson's title: Colab and the download of the notebook."""
    return (
        '<p class="lesson-links">'
        f'<a class="lesson-link colab" href="{escape(colab_url(relative(path)))}">'
        "Open in Colab</a> "
        f'<a class="lesson-link download" href="{escape(path.name)}" download '
        f'title="{escape(path.name)}">Download the notebook (.ipynb)</a> '
        f'<a class="lesson-link github" href="{GITHUB}/blob/{BRANCH}/{relative(path)}">'
        "View on GitHub</a></p>"
    )


def place_links(source: str, links: str) -> str:
    """The title cell with its Colab badge replaced by ``links`` (put after the title if none)."""
    if BADGE_PATTERN.search(source):
        return BADGE_PATTERN.sub(lambda _: "\n" + links + "\n", source, count=1)
    lines = source.split("\n")
    heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    return "\n".join(lines[: heading + 1] + ["", links, ""] + lines[heading + 1:])


def rewrite_relative_links(source: str, copied: set[Path]) -> str:
    """Point relative links that leave notebooks/ at GitHub; note images to copy along."""

    def replace(match: re.Match) -> str:
        bang, text, target = match.groups()
        path, _, anchor = target.partition("#")
        resolved = (REPO_ROOT / "notebooks" / path).resolve()
        if resolved.parent == (REPO_ROOT / "notebooks").resolve() and resolved.suffix == ".ipynb":
            return match.group(0)                               # another lesson: a site page
        if not resolved.exists() or not resolved.is_relative_to(REPO_ROOT):
            return match.group(0)                               # left for the site test to find
        if bang:
            copied.add(resolved)
            return match.group(0)
        kind = "tree" if resolved.is_dir() else "blob"
        url = f"{GITHUB}/{kind}/{BRANCH}/{relative(resolved)}" + (f"#{anchor}" if anchor else "")
        return f"[{text}]({url})"

    return MARKDOWN_LINK.sub(replace, source)


# ----------------------------------------------------------------------------- sliders


def slider_descriptions(source: str) -> list[str]:
    """"input size N (3 to 12, starts at 7)" for each ``...Slider(...)`` call in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
            node.func, "id", "")
        if not name.endswith("Slider"):
            continue
        values = {k.arg: k.value.value for k in node.keywords
                  if isinstance(k.value, ast.Constant)}
        label = values.get("description") or "a slider"
        if "min" in values and "max" in values:
            label += f" ({values['min']} to {values['max']}"
            label += f", starts at {values['value']})" if "value" in values else ")"
        found.append(str(label))
    return found


def slider_note(cell, path: Path) -> str:
    """The note under a slider's cell: where the slider is live, with the link."""
    sliders = slider_descriptions(cell.source)
    if len(sliders) > 1:
        what, them = f"{len(sliders)} sliders ({'; '.join(sliders)})", "them"
    else:
        what, them = "a slider" + (f" ({sliders[0]})" if sliders else ""), "it"
    return "\n".join([
        ":::{admonition} Live in JupyterLab or Colab",
        ":class: tip slider-note",
        f"The cell above makes {what}. A slider needs a running Python kernel, so this page "
        "shows only the outputs stored in the notebook. "
        f"To move {them}, [open this lesson in Colab]({colab_url(relative(path))}) or run it in "
        "JupyterLab on your machine (`make lab`, see [how to start](../index.md#how-to-start)).",
        ":::",
    ])


# ----------------------------------------------------------------------------- figures


def _literals(tree: ast.AST) -> dict[str, object]:
    """Names the cell binds to a literal: ``n = 7``, or ``explore(n=7)``'s keyword arguments."""
    known: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    known[target.id] = node.value.value
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and isinstance(keyword.value, ast.Constant):
                    known.setdefault(keyword.arg, keyword.value.value)
    return known


def _text_of(node: ast.AST, known: dict[str, object]) -> str | None:
    """A string literal as written; in an f-string, a name the cell binds to a literal is
    replaced by its value and any other replacement field by '…'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value))
        elif (isinstance(part.value, ast.Name) and part.value.id in known
              and part.format_spec is None):
            parts.append(str(known[part.value.id]))
        else:
            parts.append("…")
    return "".join(parts)


def figure_titles(source: str) -> tuple[list[str], list[str]]:
    """(figure titles, panel titles) that ``source`` gives its figures, in source order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], []
    known = _literals(tree)
    main, panels = [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if method == "suptitle" and node.args:
            main.append(_text_of(node.args[0], known))
        if method == "set_title" and node.args:
            panels.append(_text_of(node.args[0], known))
        for keyword in node.keywords:
            if keyword.arg == "suptitle":
                main.append(_text_of(keyword.value, known))
            elif keyword.arg == "title":
                panels.append(_text_of(keyword.value, known))
            elif keyword.arg == "titles" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                panels.extend(_text_of(element, known) for element in keyword.value.elts)
    clean = [[" ".join(t.split()) for t in titles if t and t.strip(" …")]
             for titles in (main, panels)]
    return clean[0], clean[1]


def first_sentence(markdown: str) -> str:
    """The first sentence of a Markdown cell's last paragraph of prose, without its markup."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown):
        lines = [line.strip() for line in block.strip().splitlines()]
        if lines and not lines[0].startswith(("#", "|", "```", "$$", ":::", "<")):
            paragraphs.append(" ".join(lines))
    # The paragraph nearest the figure, or the one before it when it only continues a formula.
    while len(paragraphs) > 1 and paragraphs[-1][:1].islower():
        paragraphs.pop()
    if not paragraphs:
        return ""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", paragraphs[-1])
    text = re.sub(r"\*\*|\*|`", "", text)
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).rstrip(":.").strip()


def helper_summary(source: str) -> str:
    """The first sentence of the docstring of the course_utils plot helper the cell calls."""
    called = re.findall(r"\b([A-Za-z_]\w*)\s*\(", source)
    for name in called:
        helper = getattr(plots, name, None) if name in plots.__all__ else None
        if callable(helper) and helper.__doc__:
            paragraph = " ".join(helper.__doc__.strip().split("\n\n")[0].split())
            match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
            return (match.group(1) if match else paragraph).rstrip(".")
    return ""


def figure_alt(cell, previous_markdown: str) -> str:
    """What a figure shows, for its alt text (see the module's docstring for the order)."""
    main, panels = figure_titles(cell.source)
    whole = [title for title in panels if "…" not in title]
    if main and not any("…" in title for title in main):
        alt = "; ".join(main)
        return alt + (f" (panels: {'; '.join(whole)})" if whole else "")
    panels = main + panels  # a main title with replacement fields is read as a panel's
    if whole and len(whole) == len(panels):
        return "Figure: " + "; ".join(whole)
    sentence = (first_sentence(previous_markdown) or helper_summary(cell.source)
                or "described in the text above")
    # A title that is mostly replacement fields ("…: …x…", "after …: … maps of …x…") says
    # nothing: left out.
    readable = [title for title in panels if len(re.sub(r"[^A-Za-z]", "", title)) >= 8
                and title.count("…") <= len(re.findall(r"[A-Za-z]{3,}", title))]
    titles = f" (titles: {'; '.join(readable)})" if readable else ""
    return f"Figure: {sentence}{titles}"


def has_image(cell) -> bool:
    return any(mime in output.get("data", {}) for output in cell.get("outputs", [])
               for mime in IMAGE_MIMES)


# ----------------------------------------------------------------------------- staging


def stage_notebook(path: Path, copied: set[Path]) -> nbformat.NotebookNode:
    """The notebook at ``path`` as the site shows it (see the module's docstring)."""
    return site_version(nbformat.read(path, as_version=4), path, copied)


def site_version(notebook, path: Path, copied: set[Path]) -> nbformat.NotebookNode:
    """A copy of ``notebook`` (stored at ``path``) as the site shows it; images to copy along
    are added to ``copied``."""
    notebook = copy.deepcopy(notebook)
    cells, previous_markdown = [], ""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            if index == 0:
                cell.source = place_links(cell.source, lesson_links(path))
            cell.source = rewrite_relative_links(cell.source, copied)
            previous_markdown = cell.source
            cells.append(cell)
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        if cell.source.startswith(SETUP_MARKER):
            # The setup cell is the same in every lesson: folded, one click shows it.
            tags = cell.metadata.setdefault("tags", [])
            if "hide-input" not in tags:
                tags.append("hide-input")
        if has_image(cell):
            image = cell.metadata.setdefault("mystnb", {}).setdefault("image", {})
            image.setdefault("alt", figure_alt(cell, previous_markdown))
        widget = any(WIDGET_MIME in output.get("data", {}) for output in cell.outputs)
        if widget:
            cell.outputs = [o for o in cell.outputs if WIDGET_MIME not in o.get("data", {})]
        cells.append(cell)
        if widget:
            cells.append(nbformat.v4.new_markdown_cell(slider_note(cell, path)))
    notebook.cells = cells
    # The widget state (if a notebook stored one) would make MyST-NB load a widget manager.
    notebook.metadata.pop("widgets", None)
    return notebook


def lessons_page(paths: list[Path]) -> str:
    """The home page's list of lessons: number and title, and the lesson's summary."""
    lines = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        title = notebook_title(notebook)
        text = summary(notebook)
        lines.append(f"- **{{doc}}`{title} </notebooks/{path.stem}>`**" + (f": {text}" if text
                                                                             else ""))
    return "\n".join(lines) + "\n"


def glossary_page() -> str:
    """The glossary as a Sphinx glossary: one entry per term, each with its own anchor."""
    lines = ["```{glossary}", ":sorted:"]
    for term in read_glossary():
        lines += [term.english, f"  **{term.korean}** · {term.meaning}", ""]
    lines.append("```")
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, text: str) -> Path:
    """Write ``text`` unless ``path`` already holds it (Sphinx then skips the unchanged page)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def stage() -> list[Path]:
    """Fill build/site/ with what Sphinx reads; return the lessons staged."""
    paths = notebook_paths()
    if not paths:
        raise SystemExit("no notebooks in notebooks/: nothing to build")
    written: set[Path] = set()
    for source in SITE_SOURCES.rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            written.add(_copy(source, STAGING / source.relative_to(SITE_SOURCES)))
    copied: set[Path] = set()
    for path in paths:
        notebook = stage_notebook(path, copied)
        written.add(write_if_changed(STAGING / "notebooks" / path.name,
                                     nbformat.writes(notebook) + "\n"))
    for image in copied:
        written.add(_copy(image, STAGING / image.relative_to(REPO_ROOT)))
    generated = STAGING / "_generated"
    written.add(write_if_changed(generated / "lessons.md", lessons_page(paths)))
    written.add(write_if_changed(generated / "glossary.md", glossary_page()))
    folder = REPO_SLUG.split("/")[1]
    written.add(write_if_changed(generated / "clone.md",
                                 f"```bash\ngit clone {GITHUB}.git\ncd {folder}\nmake lab\n```\n"))
    # The home page and the exercises page include parts of the README (between its markers).
    written.add(_copy(README, generated / "README.md"))
    # Nothing removed from the sources (a lesson, a page) lingers as a page.
    for old in STAGING.rglob("*"):
        if old.is_file() and old not in written:
            old.unlink()
    return paths


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)
    return target


def build() -> None:
    started = time.monotonic()
    paths = stage()
    # Sphinx rewrites every page whose output file is missing, so nothing stale survives here
    # (a lesson renamed or removed), while its doctrees keep a rebuild from re-reading all.
    if HTML.exists():
        shutil.rmtree(HTML)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(DOCTREES),
               "-j", "auto", str(STAGING), str(HTML)]
    result = subprocess.run(command, cwd=REPO_ROOT, check=False)
    if result.returncode:
        raise SystemExit(f"sphinx-build failed (exit {result.returncode}): {' '.join(command)}")
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    shutil.copytree(HTML, OUTPUT)
    # The download link of each lesson page: the notebook exactly as stored.
    for path in paths:
        shutil.copyfile(path, OUTPUT / "notebooks" / path.name)
    (OUTPUT / ".nojekyll").touch()
    pages = sum("_static" not in page.parts for page in OUTPUT.rglob("*.html"))
    print(f"_site/: {pages} pages, {len(paths)} lessons, in {time.monotonic() - started:.1f} s; "
          f"open _site/index.html, or serve it: python -m http.server -d _site")


if __name__ == "__main__":
    build()
