from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from microgigs.ranking import normalize, search_terms, tokens

BENCH = Path(__file__).resolve().parents[2] / "bench"


def finds(query: str, text: str) -> bool:
    return set(search_terms(query)) <= set(search_terms(text))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("شعار", "الشعارات"),
        ("شعار", "شِعار"),
        ("شعار", "تصميم شعارات"),
        ("أفضل", "افضل"),
        ("افضل", "أفضل"),
        ("إعلانات", "اعلانات"),
        ("ترجمة", "الترجمه"),
        ("التعليق الصوتى", "التعليق الصوتي"),
        ("شِعَارٌ", "شعار"),
        ("شعار", "شِعَارٌ"),
        ("تصمــــيم", "تصميم"),
        ("٢٠٢٦", "2026"),
        ("2026", "۲۰۲۶"),
        ("والشعار", "الشعار"),
        ("بالترجمة", "ترجمة"),
        ("Logo Designs", "logo design"),
    ],
)
def test_an_arabic_reader_finds_what_they_mean(query, text):
    assert finds(query, text)


@pytest.mark.parametrize(
    ("query", "text"), [("شعار", "ترجمة"), ("بطاقة", "طاقة"), ("ورد", "وردبريس")]
)
def test_different_words_stay_different(query, text):
    assert not finds(query, text)


def test_diacritics_do_not_split_words():
    assert ["شعار", "مميز"] == tokens("شِعَارٌ مُمَيَّزٌ")
    assert "تصميم شعار 123" == normalize("تَصْمِيمُ شِعَارٍ ١٢٣")


def test_the_light_stemmer_is_the_better_choice_on_our_evaluation_set(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    evaluation = importlib.import_module("search_recall")
    light, _ = evaluation.recall("light")
    snowball, _ = evaluation.recall("snowball")
    none, _ = evaluation.recall("none")
    assert light > snowball > none
    assert light >= 0.65
