"""The course glossary has one source, glossary.csv; the README's table and the site's glossary
page are both written from it.

    python -m scripts.glossary          (what `make glossary` runs): rewrite the README's table
    python -m scripts.glossary --check  exit 1 and say so when the README's table differs
    python -m scripts.glossary --adopt-readme
                                        append to glossary.csv the rows someone added to the
                                        README's table by hand, then rewrite the table

glossary.csv has three columns, ``english,korean,meaning``, one key term a row, in the order the
glossary lists them. The site's page (scripts/build_site.py) uses :func:`read_glossary`;
tests/test_glossary.py checks that every key term a lesson marks is in it.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import NamedTuple

from .paths import GLOSSARY, README, relative

GLOSSARY_START, GLOSSARY_END = "<!-- glossary:start -->", "<!-- glossary:end -->"
COLUMNS = ["english", "korean", "meaning"]
HANGUL = re.compile("[\uac00-\ud7a3]")


class Term(NamedTuple):
    english: str
    korean: str
    meaning: str


def read_glossary(path: Path = GLOSSARY) -> list[Term]:
    """Every term of ``path``, checked: three non-empty columns, Korean in Hangul, no repeats."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    name = relative(path) if path.is_relative_to(GLOSSARY.parent) else str(path)
    if not rows or rows[0] != COLUMNS:
        raise ValueError(f"{name}: the first row must be {','.join(COLUMNS)}")
    terms, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3 or not all(cell.strip() for cell in row):
            raise ValueError(f"{name} line {number}: expected 3 non-empty columns "
                             f"(english,korean,meaning), got {row!r}")
        term = Term(*(cell.strip() for cell in row))
        if not HANGUL.search(term.korean):
            raise ValueError(f"{name} line {number}: {term.english!r} has no Korean (Hangul) term")
        key = term.english.lower()
        if key in seen:
            raise ValueError(f"{name} line {number}: {term.english!r} is already on line "
                             f"{seen[key]}")
        seen[key] = number
        terms.append(term)
    return terms


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


def markdown_table(terms: list[Term]) -> str:
    """The README's table: English, 한국어, Meaning."""
    rows = ["| English | 한국어 | Meaning |", "|---|---|---|"]
    rows += [f"| {_cell(t.english)} | {_cell(t.korean)} | {_cell(t.meaning)} |" for t in terms]
    return "\n".join(rows)


def readme_rows(text: str) -> list[Term]:
    """The rows of the README's table as they stand (to compare, or to adopt)."""
    block = _block(text)
    terms = []
    for line in block.splitlines():
        cells = [cell.strip().replace(r"\|", "|")
                 for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 3 and cells[0] not in ("", "English") and not set(cells[0]) <= {"-"}:
            terms.append(Term(*cells))
    return terms


def _block(text: str) -> str:
    start, end = text.find(GLOSSARY_START), text.find(GLOSSARY_END)
    if start < 0 or end < start:
        raise SystemExit(f"README.md: the markers {GLOSSARY_START} and {GLOSSARY_END} are missing")
    return text[start + len(GLOSSARY_START):end]


def synced_readme(text: str, terms: list[Term]) -> str:
    """``text`` (the README) with the table between the markers written from ``terms``."""
    _block(text)
    start, end = text.find(GLOSSARY_START), text.find(GLOSSARY_END)
    return text[: start + len(GLOSSARY_START)] + "\n" + markdown_table(terms) + "\n" + text[end:]


def adopt(readme_terms: list[Term], terms: list[Term]) -> list[Term]:
    """The README's rows that glossary.csv lacks (by English term), in the README's order."""
    known = {term.english.lower() for term in terms}
    return [term for term in readme_terms if term.english.lower() not in known]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="report, do not write")
    group.add_argument("--adopt-readme", action="store_true",
                       help="append the README's extra rows to glossary.csv first")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if args.adopt_readme:
        new = adopt(readme_rows(text), read_glossary())
        with open(GLOSSARY, "a", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(new)
        for term in new:
            print(f"{relative(GLOSSARY)}: added {term.english!r} from the README")
    terms = read_glossary()
    new_text = synced_readme(text, terms)
    if new_text == text:
        return 0
    if args.check:
        extra = [term.english for term in adopt(readme_rows(text), terms)]
        print(f"README.md: the glossary table differs from {relative(GLOSSARY)}, its source. "
              "Edit glossary.csv and run `make glossary`"
              + (f" (rows only in the README: {', '.join(extra)}; "
                 "`python -m scripts.glossary --adopt-readme` carries them over)." if extra
                 else "."))
        return 1
    README.write_text(new_text, encoding="utf-8")
    print(f"README.md: glossary table rewritten from {relative(GLOSSARY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
