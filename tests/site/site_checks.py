"""Open the built website in headless Chromium and report what a reader would meet.

Used by ``tests/site/test_site.py`` (``make test-site``). :class:`SiteServer` serves a folder
(the built _site/, or a copy broken on purpose) on a free loopback port; :func:`open_page`
loads one page in a browser context where every request to another host is refused and
recorded; :func:`page_problems` lists what is wrong with the page once it is loaded.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

__all__ = ["PageReport", "SiteServer", "open_page", "page_problems", "search_results",
           "unresolved_links"]

LOAD_TIMEOUT_MS = 30_000
PHONE_WIDTH = 390            # CSS pixels: an iPhone 12 to 15, held upright


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test reports problems, not every request
        pass


class SiteServer:
    """``root`` over HTTP on 127.0.0.1 (a free port), in a thread, for a ``with`` block."""

    def __init__(self, root: Path):
        self.root = Path(root)
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@dataclass
class PageReport:
    """What one page did while it loaded, and what was found on it afterwards."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    other_hosts: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)     # every href, made absolute
    ids: set[str] = field(default_factory=set)
    prev: str = ""                                      # the previous/next page links
    next: str = ""
    slider_notes: list[tuple[str, list[str]]] = field(default_factory=list)
    images: int = 0
    math: int = 0


@contextlib.contextmanager
def open_page(browser, server: SiteServer, path: str, *, width: int = 1280,
              color_scheme: str = "light"):
    """Yield (page, report) for ``path`` loaded from ``server``; only loopback is reachable."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=color_scheme)
    report = PageReport(urljoin(server.url, path))

    def route(route):
        if route.request.url.startswith(server.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            report.other_hosts.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: report.console_errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: report.console_errors.append(f"uncaught: {error}"))
    page.on("response", lambda response: report.failed.append(
        f"{response.status} {response.url}") if response.status >= 400 else None)
    try:
        page.goto(report.url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
        _settle(page)
        yield page, report
    finally:
        context.close()


def _settle(page) -> None:
    """Wait for MathJax to finish typesetting and for every image to load or fail."""
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
            await MathJax.startup.promise;
        }
        await Promise.all(Array.from(document.images).map(img => img.complete ? null :
            new Promise(done => { img.addEventListener('load', done);
                                  img.addEventListener('error', done); })));
    }""")


_INSPECT = """() => {
  const article = document.querySelector('main article') || document.querySelector('main')
                  || document.body;
  const skip = 'pre, code, script, style, mjx-container, .highlight, textarea, kbd';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest(skip) && node.textContent.trim()) texts.push(node.textContent);
  }
  const images = Array.from(article.querySelectorAll('img')).map(img => ({
    src: img.getAttribute('src'), alt: img.getAttribute('alt'),
    loaded: img.complete && img.naturalWidth > 0}));
  const math = Array.from(article.querySelectorAll('.math'));
  return {
    texts,
    images,
    math: math.length,
    mathUnrendered: math.filter(el => !el.querySelector('mjx-container')).map(
        el => el.textContent.trim().slice(0, 60)),
    mathErrors: Array.from(document.querySelectorAll('mjx-merror')).map(
        el => el.getAttribute('data-mjx-error') || el.textContent.slice(0, 60)),
    headings: Array.from(article.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(
        h => [Number(h.tagName[1]), h.textContent.replace('#', '').trim().slice(0, 60)]),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    ids: Array.from(document.querySelectorAll('[id], a[name]')).map(el => el.id || el.name),
    prev: document.querySelector('a.left-prev')?.href || '',
    next: document.querySelector('a.right-next')?.href || '',
    notes: Array.from(document.querySelectorAll('.slider-note')).map(note => [
        note.textContent, Array.from(note.querySelectorAll('a')).map(a => a.href)]),
  };
}"""

_RAW_MATH = ("$", "\\(", "\\)", "\\[", "\\]", "\\begin{")


def page_problems(page, report: PageReport) -> PageReport:
    """Fill ``report.problems`` with everything wrong on the loaded ``page``."""
    found = page.evaluate(_INSPECT)
    report.links, report.ids = found["links"], set(found["ids"])
    report.prev, report.next = found["prev"], found["next"]
    report.slider_notes = [(text, links) for text, links in found["notes"]]
    report.images, report.math = len(found["images"]), found["math"]
    problems = report.problems
    problems += [f"console error: {text}" for text in report.console_errors]
    problems += [f"request to another host: {url}" for url in report.other_hosts]
    problems += [f"HTTP {text}" for text in report.failed]
    for image in found["images"]:
        if not image["loaded"]:
            problems.append(f"image does not load (naturalWidth 0): {image['src']}")
        alt = (image["alt"] or "").strip()
        if len(alt) < 8 or alt.lower().endswith((".png", ".gif", ".jpg", ".jpeg", ".svg")):
            problems.append(f"image without alternative text saying what it shows: "
                            f"{image['src']} (alt {image['alt']!r})")
    problems += [f"math left unrendered: {text!r}" for text in found["mathUnrendered"]]
    problems += [f"math error: {text!r}" for text in found["mathErrors"]]
    for text in found["texts"]:
        for raw in _RAW_MATH:
            if raw in text:
                start = max(text.find(raw) - 30, 0)
                problems.append(f"raw {raw!r} in the text (unrendered math?): "
                                f"{' '.join(text[start:start + 80].split())!r}")
                break
    levels = [level for level, _ in found["headings"]]
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} level-1 headings (one title per page expected)")
    for (before, _), (level, text) in zip(found["headings"], found["headings"][1:],
                                          strict=False):
        if level > before + 1:
            problems.append(f"heading out of order: h{level} {text!r} follows an h{before}")
    # On a phone: wide tables, code and figures scroll inside their own box, never the page.
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})
    width = page.evaluate("""() => new Promise(done => requestAnimationFrame(() =>
        requestAnimationFrame(() => done(document.documentElement.scrollWidth))))""")
    if width > PHONE_WIDTH:
        problems.append(f"wider than a phone: at {PHONE_WIDTH} px the page is {width} px wide "
                        "and scrolls sideways")
    return report


def unresolved_links(reports: dict[str, PageReport], server: SiteServer) -> list[str]:
    """Every same-site link whose file is missing, or whose #anchor is on no element there."""
    ids = {urlsplit(report.url).path: report.ids for report in reports.values()}
    problems = []
    for report in reports.values():
        for link in report.links:
            if not link.startswith(server.url):
                continue
            parts = urlsplit(link)
            path = unquote(parts.path)
            target = server.root / path.lstrip("/")
            if target.is_dir():
                target, path = target / "index.html", path.rstrip("/") + "/index.html"
            if not target.is_file():
                problems.append(f"{_short(report.url, server)}: link to a missing file: "
                                f"{_short(link, server)}")
            elif parts.fragment and target.suffix == ".html":
                anchors = ids.get(path)
                if anchors is None:
                    anchors = _ids_in_file(target)
                if unquote(parts.fragment) not in anchors:
                    problems.append(f"{_short(report.url, server)}: link to a missing anchor: "
                                    f"{_short(link, server)}")
    return sorted(set(problems))


def _ids_in_file(path: Path) -> set[str]:
    import re

    text = path.read_text(encoding="utf-8", errors="replace")
    return set(re.findall(r'\b(?:id|name)="([^"]+)"', text))


def _short(url: str, server: SiteServer) -> str:
    return url.replace(server.url, "/")


def search_results(browser, server: SiteServer, query: str,
                   timeout_s: float = 30.0) -> tuple[list[str], PageReport]:
    """The pages (paths) the site's own search lists for ``query``, in its order."""
    with open_page(browser, server, f"search.html?q={query}") as (page, report):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status = page.evaluate("""() => {
                const s = document.querySelector('#search-results .search-summary, '
                                                  + '#search-results p');
                return s ? s.textContent : '';
            }""")
            if status and "Preparing" not in status and "Searching" not in status:
                break
            time.sleep(0.2)
        hits = page.evaluate("""() => Array.from(
            document.querySelectorAll('#search-results ul.search li a')).map(a => a.href)""")
        page_problems(page, report)
    paths = []
    for hit in hits:
        path = urlsplit(hit).path
        if path not in paths:
            paths.append(path)
    return paths, report
