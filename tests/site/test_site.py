"""The course's website, as a reader meets it: every page of the built _site/ in headless Chromium.

``make test-site`` (``make site``, then ``pytest tests/site --site``). The site is served from
this machine (loopback, a free port); every request to another host is refused and fails the
page, so the test proves the site reads offline (the math renderer included). For every page:
no console error, no HTTP error, every image loads (naturalWidth > 0) and has alternative text,
no math left unrendered (no raw ``$`` or ``\\(`` outside code), headings in order, nothing that
makes the page wider than a phone (390 px). Across the site: every internal link and #anchor
resolves, every notebook has its page with an "Open in Colab" link, a download of its notebook
and previous/next links, a page with a slider says where it is live, and the site's search for
"stride" lists lesson 01 and every other lesson that teaches it.

The screenshots (home page and lesson 04, 390 and 1280 px wide, light and dark) go to
screenshots/site/, after checking that the theme follows the reader's light or dark preference.

The last tests break a copy of the site on purpose, one fault per page, to prove each check
can fail.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from course_utils.colab import colab_url
from scripts.build_site import OUTPUT as SITE
from scripts.paths import REPO_ROOT, notebook_paths, relative

from .site_checks import SiteServer, open_page, page_problems, search_results, unresolved_links

NOTEBOOKS = notebook_paths()
SCREENSHOTS = REPO_ROOT / "screenshots" / "site"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SEARCH_WORD = "stride"
MUST_FIND = "01_"          # the issue's own example: "stride" must find lesson 01


def _pages(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if not p.relative_to(root).parts[0].startswith("_"))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser.lab_driver import launch_chromium

    if not (SITE / "index.html").is_file():
        pytest.fail("_site/ is not built: run `make site` (or `make test-site`, which does)",
                    pytrace=False)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, "site-test")
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def server():
    with SiteServer(SITE) as running:
        yield running


@pytest.fixture(scope="module")
def reports(browser, server):
    """Every page of the site, opened once: {page path: PageReport}."""
    found = {}
    for path in _pages(SITE):
        with open_page(browser, server, path) as (page, report):
            found[path] = page_problems(page, report)
    return found


def _fail_if(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} problem(s) {what}:\n  " + "\n  ".join(problems),
                    pytrace=False)


def test_every_page_loads_cleanly(reports):
    problems = [f"{path}: {problem}" for path, report in reports.items()
                for problem in report.problems]
    _fail_if(problems, "on the site's pages")
    # What was checked, for the log: pages, images, math blocks.
    for path, report in reports.items():
        print(f"{path:50s} {report.images:3d} images {report.math:3d} math")


def test_every_internal_link_and_anchor_resolves(reports, server):
    _fail_if(unresolved_links(reports, server), "with internal links")


def lesson_page_problems(reports: dict, root: Path) -> list[str]:
    """Each notebook has its page, linked from the home page, with its Colab and download links."""
    problems = []
    for notebook in NOTEBOOKS:
        page = f"notebooks/{notebook.stem}.html"
        if page not in reports:
            problems.append(f"{relative(notebook)}: no page {page} in the site")
            continue
        links = reports[page].links
        colab = colab_url(relative(notebook))
        if colab not in links:
            problems.append(f"{page}: no 'Open in Colab' link to {colab}")
        if not any(link.endswith(f"/notebooks/{notebook.name}") for link in links):
            problems.append(f"{page}: no download link to {notebook.name}")
        download = root / "notebooks" / notebook.name
        if not download.is_file() or download.read_bytes() != notebook.read_bytes():
            problems.append(f"notebooks/{notebook.name} (the download) is not the stored notebook")
        if not any(link.endswith(page) for link in reports["index.html"].links):
            problems.append(f"index.html does not link to {page}")
    return problems


def test_every_notebook_has_its_page(reports):
    _fail_if(lesson_page_problems(reports, SITE), "with the lesson pages")


def prev_next_problems(reports: dict) -> list[str]:
    """Each lesson page links to the page before and after it, in lesson order."""
    problems = []
    pages = [f"notebooks/{notebook.stem}.html" for notebook in NOTEBOOKS]
    for index, path in enumerate(pages):
        if path not in reports:
            continue                               # lesson_page_problems reports it
        prev, nxt = reports[path].prev, reports[path].next
        if not prev or (index > 0 and not prev.endswith(pages[index - 1])):
            problems.append(f"{path}: previous link {prev!r}"
                            + (f", expected {pages[index - 1]}" if index else ""))
        if not nxt or (index < len(pages) - 1 and not nxt.endswith(pages[index + 1])):
            problems.append(f"{path}: next link {nxt!r}"
                            + (f", expected {pages[index + 1]}" if index < len(pages) - 1
                               else ""))
    return problems


def test_lesson_pages_link_to_the_previous_and_next_page(reports):
    _fail_if(prev_next_problems(reports), "with previous/next links")


def _has_slider(notebook: Path) -> bool:
    stored = nbformat.read(notebook, as_version=4)
    return any(WIDGET_MIME in output.get("data", {}) for cell in stored.cells
               if cell.cell_type == "code" for output in cell.outputs)


def slider_note_problems(reports: dict) -> list[str]:
    """A lesson whose stored notebook shows a slider says on its page where the slider is live."""
    problems = []
    for notebook in NOTEBOOKS:
        path = f"notebooks/{notebook.stem}.html"
        if not _has_slider(notebook) or path not in reports:
            continue
        notes = reports[path].slider_notes
        if not notes:
            problems.append(f"{notebook.name}: the slider's cell has no note")
        for text, links in notes:
            if "JupyterLab" not in text or colab_url(relative(notebook)) not in links:
                problems.append(f"{notebook.name}: the note does not link to Colab and name "
                                f"JupyterLab: {' '.join(text.split())[:200]!r}")
    return problems


def test_a_slider_says_where_it_is_live(reports):
    assert any(_has_slider(n) for n in NOTEBOOKS), (
        "no stored notebook shows a slider: is this check still needed?")
    _fail_if(slider_note_problems(reports), "with the slider notes")


def _lessons_mentioning(word: str) -> list[str]:
    found = []
    for notebook in NOTEBOOKS:
        stored = nbformat.read(notebook, as_version=4)
        text = " ".join(cell.source for cell in stored.cells if cell.cell_type == "markdown")
        if re.search(rf"\b{word}", text, flags=re.IGNORECASE):
            found.append(f"notebooks/{notebook.stem}.html")
    return found


def test_search_finds_every_lesson_that_teaches_stride(browser, server):
    started = time.monotonic()
    hits, report = search_results(browser, server, SEARCH_WORD)
    _fail_if(report.problems, "on the search page")
    expected = _lessons_mentioning(SEARCH_WORD)
    assert any(MUST_FIND in hit for hit in hits), (
        f"searching {SEARCH_WORD!r} does not list lesson {MUST_FIND[:2]}: {hits}")
    missing = [page for page in expected if not any(hit.endswith(page) for hit in hits)]
    assert not missing, f"searching {SEARCH_WORD!r} misses {missing} (found {hits})"
    print(f"search {SEARCH_WORD!r}: {len(hits)} pages in {time.monotonic() - started:.1f} s: "
          + ", ".join(hit.rsplit("/", 1)[-1] for hit in hits))


# ----------------------------------------------------------------------------- screenshots

SHOTS = [("index.html", "home"),
         *[(f"notebooks/{n.stem}.html", "lesson04") for n in NOTEBOOKS if n.name[:3] == "04_"]]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_and_no_page_wider_than_the_screen(browser, server, width, color_scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for path, name in SHOTS:
        with open_page(browser, server, path, width=width,
                       color_scheme=color_scheme) as (page, _):
            theme = page.evaluate("() => document.documentElement.dataset.theme")
            if theme != color_scheme:
                problems.append(f"{path}: the theme shows {theme!r} mode for a reader "
                                f"who prefers {color_scheme!r}")
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            if overflow > width:
                problems.append(f"{path} at {width} px: the page is {overflow} px wide "
                                "(something does not fit and the whole page scrolls sideways)")
            shot = SCREENSHOTS / f"{name}-{width}-{color_scheme}.png"
            page.screenshot(path=str(shot), full_page=False)
            if name == "lesson04":
                # Further down: a figure and a table, where dark mode and small screens bite.
                page.evaluate("""() => document.querySelectorAll('.cell_output img')[0]
                                          ?.scrollIntoView()""")
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{color_scheme}"
                                                      "-figure.png"))
                page.evaluate("""() => document.querySelectorAll('.cell_output table')[0]
                                          ?.scrollIntoView()""")
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{color_scheme}"
                                                      "-table.png"))
    _fail_if(problems, "in the screenshots' pages")


# ----------------------------------------------------------------- the checks can fail


def _broken_copy(tmp: Path) -> tuple[Path, dict[str, str]]:
    """A copy of _site/ with one fault per page: {page: the problem its check must report}."""
    root = tmp / "site"
    shutil.copytree(SITE, root)
    lessons = sorted((root / "notebooks").glob("*.html"))
    assert len(lessons) >= 4, "the self-test breaks four lesson pages; fewer are built"
    faults = {}

    def edit(page: Path, old: str, new: str, expected: str) -> None:
        text = page.read_text(encoding="utf-8")
        assert old in text, f"{page.name}: {old!r} not found to break"
        page.write_text(text.replace(old, new, 1), encoding="utf-8")
        faults[page.relative_to(root).as_posix()] = expected

    body = "</article>"
    edit(root / "exercises.html", body,
         '<script>console.error("broken on purpose")</script>' + body, "console error")
    edit(root / "glossary.html", body,
         '<p>A raw formula: $O = N - F + 1$ and \\(S\\).</p>' + body, "raw '$' in the text")
    edit(root / "index.html", body, '<p style="width: 1500px">Too wide for a phone.</p>' + body,
         "wider than a phone")
    edit(lessons[0], body, '<img src="https://example.com/figure.png" alt="a figure from '
         'another host">' + body, "request to another host")
    edit(lessons[1], body, '<p><a href="no_such_page.html">gone</a> '
         '<a href="#no-such-anchor">nowhere</a></p>' + body, "")  # unresolved_links finds it
    edit(lessons[2], body, '<h4>A heading two levels too deep</h4>' + body,
         "heading out of order")
    # The slider's note, the previous link and the Colab link, each gone from one lesson.
    slider_lesson = next(p for p in lessons if "slider-note" in p.read_text(encoding="utf-8"))
    text = slider_lesson.read_text(encoding="utf-8")
    slider_lesson.write_text(text.replace("slider-note", "some-note"), encoding="utf-8")
    faults["no-slider-note"] = slider_lesson.name
    text = lessons[2].read_text(encoding="utf-8")
    colab = colab_url(f"notebooks/{lessons[2].stem}.ipynb")
    assert 'class="left-prev"' in text and colab in text
    lessons[2].write_text(text.replace('class="left-prev"', 'class="gone"').replace(
        f'href="{colab}"', 'href="https://colab.research.google.com/"'), encoding="utf-8")
    faults["no-prev-no-colab"] = f"notebooks/{lessons[2].name}"
    # An image whose file is gone, and one without alternative text.
    images = re.findall(r'<img alt="([^"]*)" src="\.\./(_images/[^"]+)"',
                        lessons[3].read_text(encoding="utf-8"))
    assert len(images) >= 2, f"{lessons[3].name}: fewer than two figures to break"
    (root / images[0][1]).unlink()
    edit(lessons[3], f'alt="{images[1][0]}"', 'alt=""', "image does not load")
    faults["missing-image-alt"] = "image without alternative text"
    # Math whose renderer never runs: MathJax's file is gone.
    (root / "_static" / "mathjax" / "tex-chtml.js").unlink()
    math_page = next(p for p in lessons if "MathJax" in p.read_text(encoding="utf-8")
                     and "math notranslate" in p.read_text(encoding="utf-8"))
    faults["math"] = f"{math_page.relative_to(root).as_posix()}"
    # A lesson without its page, and a search index that no longer knows the word.
    (root / "notebooks" / f"{NOTEBOOKS[-1].stem}.html").unlink()
    index = root / "searchindex.js"
    data = json.loads(index.read_text(encoding="utf-8")[len("Search.setIndex("):-1])
    for key in ("terms", "titleterms", "alltitles", "indexentries"):
        data[key] = {term: docs for term, docs in data[key].items()
                     if SEARCH_WORD[:5] not in term.lower()}
    index.write_text("Search.setIndex(" + json.dumps(data) + ")", encoding="utf-8")
    return root, faults


def test_each_check_can_fail(browser, tmp_path):
    root, faults = _broken_copy(tmp_path)
    with SiteServer(root) as broken:
        reports = {}
        for path in _pages(root):
            with open_page(browser, broken, path) as (page, report):
                reports[path] = page_problems(page, report)
        text = {path: "\n".join(report.problems) for path, report in reports.items()}
        for path, expected in faults.items():
            if path in text and path.endswith(".html"):
                assert expected in text[path], f"{path}: expected {expected!r}, got {text[path]}"
        lesson3 = f"notebooks/{sorted(p.stem for p in NOTEBOOKS)[3]}.html"
        assert faults["missing-image-alt"] in text[lesson3], text[lesson3]
        assert "math left unrendered" in text[faults["math"]], text[faults["math"]]
        links = "\n".join(unresolved_links(reports, broken))
        assert "link to a missing file: /notebooks/no_such_page.html" in links, links
        assert "#no-such-anchor" in links, links
        assert f"notebooks/{NOTEBOOKS[-1].stem}.html" in links, links  # the prev link to it
        pages = "\n".join(lesson_page_problems(reports, root))
        assert f"no page notebooks/{NOTEBOOKS[-1].stem}.html" in pages, pages
        assert f"{faults['no-prev-no-colab']}: no 'Open in Colab' link" in pages, pages
        navigation = "\n".join(prev_next_problems(reports))
        assert f"{faults['no-prev-no-colab']}: previous link ''" in navigation, navigation
        notes = "\n".join(slider_note_problems(reports))
        assert f"{faults['no-slider-note'].replace('.html', '.ipynb')}: the slider's cell has no " \
            "note" in notes, notes
        hits, _ = search_results(browser, broken, SEARCH_WORD)
        assert not any(MUST_FIND in hit for hit in hits), hits
