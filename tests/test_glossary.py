"""The glossary lists every key term the lessons mark, with the same Korean.

Its one source is glossary.csv (scripts/glossary.py); the README's table and the site's glossary
page are written from it, and a test here fails when the README's table and the source disagree.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from scripts import glossary as glossary_source
from scripts.paths import README, notebook_paths

HANGUL = "\uac00-\ud7a3"
# How a lesson marks a key term on first use: **feature map** (특징 맵)
KEY_TERM = re.compile(rf"\*\*([^*\n]+?)\*\*\s*\(([^()\n]*[{HANGUL}][^()\n]*)\)")


def glossary() -> dict[str, str]:
    """{english term in lower case: Korean} from the glossary's source, glossary.csv."""
    return {term.english.lower(): term.korean for term in glossary_source.read_glossary()}


def marked_terms():
    for path in notebook_paths():
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "markdown":
                for english, korean in KEY_TERM.findall(cell.source):
                    yield path.name, index, english.strip(), korean.strip()


def test_glossary_is_a_well_formed_table():
    terms = glossary()
    assert len(terms) >= 10
    for english, korean in terms.items():
        assert re.search(f"[{HANGUL}]", korean), f"glossary: {english!r} has no Korean term"


def glossary_entry(english: str, terms: dict[str, str]) -> str | None:
    """The glossary's key for a marked term; a plural in the text finds its singular entry."""
    word = english.lower()
    for candidate in (word, word[:-1] if word.endswith("s") else None):
        if candidate in terms:
            return candidate
    return None


def test_every_marked_key_term_is_in_the_glossary():
    terms = glossary()
    missing = []
    for name, index, english, korean in marked_terms():
        entry = glossary_entry(english, terms)
        if entry is None:
            missing.append(f"{name} cell {index}: {english} ({korean}) is not in the glossary")
        elif terms[entry] not in korean:
            missing.append(f"{name} cell {index}: {english} is {korean!r} in the lesson but "
                           f"{terms[entry]!r} in the glossary")
    assert not missing, "\n".join(missing)


def test_plural_finds_singular_entry_and_nothing_else():
    terms = {"parameter": "파라미터", "stride": "스트라이드"}
    assert glossary_entry("Parameters", terms) == "parameter"
    assert glossary_entry("stride", terms) == "stride"
    assert glossary_entry("padding", terms) is None


def test_key_term_pattern_reads_the_lesson_markup():
    text = "A **feature map** (특징 맵) is ... and **stride** (스트라이드, S) ... **bold** (no)"
    assert KEY_TERM.findall(text) == [("feature map", "특징 맵"), ("stride", "스트라이드, S")]


def test_each_key_term_is_marked_once_in_the_course():
    """A key term gets its bold and its Korean on first use; later lessons just use the word."""
    first, repeated = {}, []
    for name, index, english, _ in marked_terms():
        key = english.lower()
        if key in first:
            repeated.append(f"{name} cell {index}: **{english}** is marked again (first in "
                            f"{first[key]}); write it without the bold and the Korean")
        else:
            first[key] = f"{name} cell {index}"
    assert not repeated, "\n".join(repeated)


def test_the_readme_table_is_written_from_the_source(capsys):
    status = glossary_source.main(["--check"])
    assert status == 0, capsys.readouterr().out


def test_a_readme_table_that_differs_from_the_source_is_caught():
    readme = README.read_text(encoding="utf-8")
    terms = glossary_source.read_glossary()
    assert glossary_source.synced_readme(readme, terms) == readme
    edited = readme.replace(f"| {terms[0].english} | {terms[0].korean} |",
                            f"| {terms[0].english} | 다른 말 |", 1)
    assert edited != readme and glossary_source.synced_readme(edited, terms) != edited
    end = glossary_source.GLOSSARY_END
    added = readme.replace(end, "| new term | 새 용어 | Added by hand. |\n" + end)
    assert glossary_source.adopt(glossary_source.readme_rows(added), terms) == [
        glossary_source.Term("new term", "새 용어", "Added by hand.")]


def test_the_source_is_checked_row_by_row(tmp_path):
    bad = tmp_path / "glossary.csv"
    for body, message in [("english,korean,meaning\nstride,stride,How far.\n", "no Korean"),
                          ("english,korean,meaning\nstride,스트라이드\n", "3 non-empty"),
                          ("english,korean,meaning\nstride,스트라이드,a\nStride,보폭,b\n",
                           "already on line 2"),
                          ("term,korean,meaning\n", "first row")]:
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            glossary_source.read_glossary(bad)
