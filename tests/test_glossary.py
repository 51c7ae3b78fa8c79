"""The glossary check: the real Spanish pages pass, and a rejected word fails with its line."""

from __future__ import annotations

import shutil
import unicodedata

import pytest

from conftest import edit
from keras_a_medida.checks import Site
from keras_a_medida.config import load_site_config
from keras_a_medida.glossary import GLOSSARY, check_glossary, find_rejected, read_glossary
from test_guards import problems_in as all_problems
from tests_paths import ROOT

PAGE = "docs/es/guide/functions-or-subclasses.md"
ES_GLOSSARY = f"docs/es/{GLOSSARY}"
EN_GLOSSARY = f"docs/en/{GLOSSARY}"


def glossary_problems(root):
    return [str(p) for p in check_glossary(Site(load_site_config(root)))]


def rejected_words():
    rejected, problems = read_glossary(ROOT / ES_GLOSSARY, ES_GLOSSARY)
    assert problems == []
    return rejected


@pytest.fixture
def site_with_glossary(site_copy):
    """The small site copy plus both glossary pages (it has none of its own)."""
    for rel in (ES_GLOSSARY, EN_GLOSSARY):
        (site_copy / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, site_copy / rel)
    return site_copy


def test_the_real_spanish_pages_use_no_rejected_word(root):
    assert glossary_problems(root) == []


def test_the_glossary_rejects_the_words_the_review_found():
    words = {entry.word for entry in rejected_words()}
    # The check is only as strong as this list: it must hold the Peninsular and drifting
    # words the pages used before the editorial pass (issue 17).
    for word in (
        "coma flotante",
        "desviación típica",
        "coste",
        "un portátil",
        "hacia delante",
        "de serie",
        "incorporada",
        "regularizadores incluidos",
        "función simple",
        "simple función",
        "argumentos con nombre",
        "valla",
        "la meta",
        "normales y corrientes",
    ):
        assert word in words, word
    assert len(words) >= 80


def test_a_rejected_word_fails_with_page_and_line(site_with_glossary):
    assert glossary_problems(site_with_glossary) == []
    page = site_with_glossary / PAGE
    lines = page.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines, 1) if line.startswith("Un regularizador es"))
    edit(page, "Un regularizador es", "En coma flotante, un regularizador es")
    found = all_problems(site_with_glossary)  # through run_checks: the check is wired in
    expected = f"{PAGE}:{target}: «coma flotante» is not the glossary's word for 'floating point'"
    assert any(p.startswith(expected) for p in found), found
    assert any("fix: write «punto flotante» instead" in p for p in found), found


def test_a_phrase_broken_across_lines_is_found_on_its_first_line():
    rejected = rejected_words()
    hits = find_rejected("Primera línea.\nLas predicciones en coma\nflotante.\n", rejected)
    assert [(line, word) for line, word, _ in hits] == [(2, "coma flotante")]


@pytest.mark.parametrize("entry", rejected_words(), ids=lambda e: e.word)
def test_every_rejected_word_is_found_in_prose(entry):
    for text in (
        f"Aquí dice {entry.word} en medio.",
        f"- {entry.word.upper()}, al principio de un punto.",
        unicodedata.normalize("NFD", f"Aquí dice {entry.word}."),
    ):
        hits = find_rejected(text, [entry])
        assert [(line, e.word) for line, _, e in hits] == [(1, entry.word)], text


@pytest.mark.parametrize(
    "text",
    [
        "El código `coma flotante` no es prosa.",
        "Un bloque:\n\n```text\ndesviación típica\n```\n",
        "Dentro de un recuadro:\n\n    ```python\n    coste = 1\n    ```\n",
        "<!-- coste -->",
        "[un enlace](https://example.com/coste)",
        "---\ntitle: coste\n---\n\n# Título",
        "Los cierres incluidos, la metafísica y los metadatos.",
        "Un número de punto flotante y una desviación estándar.",
    ],
)
def test_code_and_longer_words_are_not_flagged(text):
    assert find_rejected(text, rejected_words()) == []


def test_a_word_is_matched_whole_even_next_to_accented_letters():
    text = "Costear, costeó, costeable y encoste no; un coste sí."
    hits = find_rejected(text, rejected_words())
    assert [(line, word) for line, word, _ in hits] == [(1, "coste")]


def test_a_glossary_without_the_column_is_reported(site_with_glossary):
    glossary = site_with_glossary / ES_GLOSSARY
    edit(glossary, "| English | Español | No uses | Nota |", "| English | Español | Otra | Nota |")
    found = glossary_problems(site_with_glossary)
    assert any(
        p.startswith(f"{ES_GLOSSARY}:1: the glossary has no table with a «No uses» column")
        for p in found
    ), found


def test_a_malformed_cell_and_a_self_rejection_are_reported(site_with_glossary):
    glossary = site_with_glossary / ES_GLOSSARY
    edit(glossary, "| «coma flotante» |", "| coma flotante |")
    edit(glossary, "| costo | «coste», «costes» |", "| costo | «coste», «costo» |")
    found = glossary_problems(site_with_glossary)
    assert any("'floating point' has text outside «»" in p for p in found), found
    assert any("«costo» is rejected for 'cost' but is part of its rendering" in p for p in found)


def test_the_english_glossary_lists_the_same_rejected_words(root):
    def column(rel, header):
        rows = {}
        for line in (root / rel).read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("| English |"):
                index = cells.index(header)
            elif line.startswith("| ") and not line.startswith("|---"):
                rows[cells[0]] = (cells[1], cells[index])
        return rows

    assert column(EN_GLOSSARY, "Do not use") == column(ES_GLOSSARY, "No uses")
