from __future__ import annotations

import re

import pytest

from microgigs.catalog import CategoryId, default_categories
from microgigs.errors import NotFound

ARABIC = re.compile(r"[\u0621-\u064a]")


def test_the_default_tree_has_about_100_categories_in_realistic_sections():
    tree = default_categories()
    assert 90 <= len(tree) <= 110
    section_ids = {s.id for s in tree.sections}
    assert {
        "design",
        "writing-translation",
        "programming",
        "marketing",
        "video",
        "audio",
        "business",
        "training",
    } <= section_ids


def test_every_name_is_in_arabic_and_english_and_ids_are_unique():
    tree = default_categories()
    ids = [c.id for c in tree] + [s.id for s in tree.sections]
    assert len(set(ids)) == len(ids)
    for node in [*tree.sections, *tree]:
        assert ARABIC.search(node.name_ar), node.id
        assert node.name_en.isascii(), node.id


def test_lookup():
    tree = default_categories()
    logo = tree.category(CategoryId("logo-design"))
    assert ("design", "تصميم شعارات", "Logo design") == (
        logo.section_id,
        logo.name("ar"),
        logo.name("en"),
    )
    assert logo in tree.section(CategoryId("design")).categories
    with pytest.raises(NotFound):
        tree.category(CategoryId("nope"))
    with pytest.raises(NotFound):
        tree.section(CategoryId("nope"))
