"""scripts/build_site.py (`make site`): how a stored notebook becomes a page, without building.

The built site itself is tested in a browser by tests/site/ (`make test-site`); these are the
quick checks of the rewrite rules, on small notebooks and on every stored lesson.
"""

from __future__ import annotations

import nbformat
import pytest

from course_utils.colab import colab_badge, colab_url
from scripts import build_site
from scripts.glossary import read_glossary
from scripts.paths import README, REPO_ROOT, notebook_paths, relative

C, M = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
LESSON = notebook_paths()[1]
PNG = {"output_type": "display_data", "metadata": {},
       "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480 with 1 Axes>"}}
WIDGET = {"output_type": "execute_result", "execution_count": 3, "metadata": {},
          "data": {build_site.WIDGET_MIME: {"model_id": "abc", "version_major": 2,
                                            "version_minor": 0},
                   "text/plain": "VBox(children=(IntSlider(value=7, ..."}}


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook(cells=list(cells))
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(o) for o in cell.get("outputs", [])]
    return notebook


def _with_outputs(source: str, *outputs) -> nbformat.NotebookNode:
    cell = C(source)
    cell.outputs = [nbformat.from_dict(output) for output in outputs]
    return cell


def test_the_badge_becomes_links_to_colab_and_to_the_download():
    title = M(f"# 01 · A lesson\n\n{colab_badge(relative(LESSON))}\n\nWhat it teaches.")
    staged = build_site.site_version(_notebook(title), LESSON, set())
    source = staged.cells[0].source
    assert "colab-badge.svg" not in source                 # an image on another host
    assert f'href="{colab_url(relative(LESSON))}"' in source
    assert f'href="{LESSON.name}" download' in source
    assert source.index("# 01 · A lesson") < source.index("lesson-links") < source.index("What")


def test_a_title_cell_without_badge_gets_the_links_after_the_title():
    staged = build_site.site_version(_notebook(M("# 01 · A lesson\n\nText.")), LESSON, set())
    lines = staged.cells[0].source.splitlines()
    assert lines[0] == "# 01 · A lesson" and "lesson-links" in lines[2]


def test_the_summary_is_the_first_paragraph_after_title_and_badge():
    title = M(f"# 01 · A lesson\n\n{colab_badge('notebooks/x.ipynb')}\n\nA kernel slides\nover "
              "an image.\n\nBy the end of this lesson you can:\n- do it")
    assert build_site.summary(_notebook(title)) == "A kernel slides over an image."


def test_links_that_leave_notebooks_point_at_github_and_lessons_stay_pages():
    copied = set()
    text = ("[README](../README.md#troubleshooting), [next](02_three_channel_convolution.ipynb), "
            "[gone](../no_such_file.md), [web](https://keras.io/), [here](#section)")
    out = build_site.rewrite_relative_links(text, copied)
    assert f"[README]({build_site.GITHUB}/blob/main/README.md#troubleshooting)" in out
    assert "[next](02_three_channel_convolution.ipynb)" in out
    assert "[gone](../no_such_file.md)" in out            # left for the site test to report
    assert "[web](https://keras.io/)" in out and "[here](#section)" in out
    image = "![a GIF](../course_utils/figures/conv_stride_padding.gif)"
    assert build_site.rewrite_relative_links(image, copied) == image
    assert copied == {REPO_ROOT / "course_utils" / "figures" / "conv_stride_padding.gif"}


def test_a_slider_cell_loses_its_widget_and_gains_a_note_naming_its_sliders():
    source = ('n = widgets.IntSlider(value=7, min=3, max=12, description="input size N")\n'
              'f = widgets.FloatSlider(description="scale")\nprint("Move a slider.")\n'
              "widgets.VBox([n, f])")
    stream = {"output_type": "stream", "name": "stdout", "text": "Move a slider.\n"}
    staged = build_site.site_version(
        _notebook(M("# t"), _with_outputs(source, stream, WIDGET)), LESSON, set())
    code, note = staged.cells[1], staged.cells[2]
    assert [o.output_type for o in code.outputs] == ["stream"]
    assert "Live in JupyterLab or Colab" in note.source and "slider-note" in note.source
    assert colab_url(relative(LESSON)) in note.source
    assert "2 sliders (input size N (3 to 12, starts at 7); scale)" in note.source


def test_a_cell_without_widget_output_gets_no_note():
    staged = build_site.site_version(
        _notebook(M("# t"), _with_outputs("import ipywidgets", PNG)), LESSON, set())
    assert len(staged.cells) == 2


@pytest.mark.parametrize("source,expected", [
    ('fig.suptitle("Four kernels")\nshow_matrix(x, ax=a, title="input")',
     "Four kernels (panels: input)"),
    ('show_matrix(x, title="the 3x3 feature map")', "Figure: the 3x3 feature map"),
    ('ax.set(title="loss per epoch")', "Figure: loss per epoch"),
    ('show_feature_maps(m, titles=["red", "green"], suptitle="One filter")',
     "One filter (panels: red; green)"),
    ('def explore(n, f):\n    show(title=f"N={n}, F={f}: output {o}")\nexplore(n=7, f=3)',
     "Figure: What the text says (titles: N=7, F=3: output …)"),
    ("show_gif(CONV_GIF)", "Figure: What the text says"),
    # lesson 05: a main title made of replacement fields says nothing before them
    ('for name in names:\n    fig.suptitle(f"after {name}: {n} maps of {h}x{w}")',
     "Figure: What the text says"),
])
def test_figure_alt_text_comes_from_the_titles_or_the_text_before(source, expected):
    before = "## 7. A section\n\nWhat the text says. And more:"
    assert build_site.figure_alt(C(source), before) == expected


def test_a_cell_s_own_alt_text_wins():
    cell = _with_outputs('show_matrix(x, title="from the source")', PNG)
    cell.metadata["mystnb"] = {"image": {"alt": "Set by the lesson"}}
    staged = build_site.site_version(_notebook(M("# t"), cell), LESSON, set())
    assert staged.cells[1].metadata["mystnb"]["image"]["alt"] == "Set by the lesson"


def test_the_setup_cell_is_folded():
    from scripts.sync_badges import setup_cell_source

    staged = build_site.site_version(_notebook(M("# t"), C(setup_cell_source())), LESSON, set())
    assert "hide-input" in staged.cells[1].metadata["tags"]


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_every_stored_figure_gets_alt_text_and_every_slider_a_note(path):
    stored = nbformat.read(path, as_version=4)
    staged = build_site.stage_notebook(path, set())
    for cell in staged.cells:
        if build_site.has_image(cell):
            alt = cell.metadata["mystnb"]["image"]["alt"]
            assert len(alt) >= 12 and "…" not in alt.split("(")[0], alt
    sliders = sum(any(build_site.WIDGET_MIME in o.get("data", {}) for o in cell.outputs)
                  for cell in stored.cells if cell.cell_type == "code")
    notes = sum("slider-note" in cell.source for cell in staged.cells
                if cell.cell_type == "markdown")
    assert notes == sliders
    assert not any(build_site.WIDGET_MIME in o.get("data", {}) for cell in staged.cells
                   if cell.cell_type == "code" for o in cell.outputs)


def test_the_glossary_page_lists_every_term_of_the_source():
    page = build_site.glossary_page()
    for term in read_glossary():
        assert f"\n{term.english}\n  **{term.korean}** · {term.meaning}\n" in page


def test_the_readme_links_to_the_site():
    url = build_site.site_url()
    assert url == "https://conv-course.github.io/how-conv2d-works/"
    assert url in README.read_text(encoding="utf-8")


def test_the_workflow_publishes_the_built_site_from_main():
    import yaml

    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/site.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))        # YAML 1.1 reads `on` as True
    assert triggers["push"]["branches"] == ["main"]
    steps = workflow["jobs"]["build"]["steps"]
    assert any(step.get("run") == "make site" for step in steps)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == build_site.OUTPUT.name == "_site"
    deploy = workflow["jobs"]["deploy"]
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_make_site_installs_the_site_generator_requirements_dev_pins():
    """requirements-site.txt (what `make site` installs, locked in requirements-site.lock) names
    every package requirements-dev.txt pins for the site, and nbformat; its lock holds them at
    the checking tools' versions (tests/test_locks.py checks the lock itself)."""
    from tests.pins import dev_pins, normalise

    site = {normalise(line.strip()) for line in
            (REPO_ROOT / "requirements-site.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}
    dev = (REPO_ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    block = dev[dev.index("# make site:"):]
    pinned_for_site = {normalise(line.split("==")[0]) for line in block.splitlines()
                       if "==" in line and not line.startswith("#")}
    assert pinned_for_site | {"nbformat"} <= site
    assert all(name in dev_pins() for name in pinned_for_site)
