"""The two-level category tree: sections, each holding categories, named in ar and en."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from importlib import resources

import attrs

from microgigs._checks import one_with_id
from microgigs._text import _
from microgigs.errors import NotFound
from microgigs.ids import CategoryId


@attrs.frozen
class Category:
    """A leaf of the tree, where services are listed."""

    id: CategoryId
    section_id: CategoryId
    name_ar: str
    name_en: str

    def name(self, language: str) -> str:
        """The name in ``"ar"`` or (any other language) English."""
        return self.name_ar if language == "ar" else self.name_en


@attrs.frozen
class Section:
    """A top-level group of categories (design, programming …)."""

    id: CategoryId
    name_ar: str
    name_en: str
    categories: tuple[Category, ...]

    def name(self, language: str) -> str:
        """The name in ``"ar"`` or (any other language) English."""
        return self.name_ar if language == "ar" else self.name_en


@attrs.frozen
class CategoryTree:
    """Sections and their categories, with lookup by id."""

    sections: tuple[Section, ...]
    _by_id: dict[CategoryId, Category] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        by_id = {c.id: c for s in self.sections for c in s.categories}
        object.__setattr__(self, "_by_id", by_id)

    def __iter__(self) -> Iterator[Category]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, category_id: object) -> bool:
        return category_id in self._by_id

    def category(self, category_id: CategoryId) -> Category:
        """The category with this id, or :class:`~microgigs.errors.NotFound`."""
        try:
            return self._by_id[category_id]
        except (KeyError, TypeError):
            raise NotFound(kind=_("category"), key=str(category_id)[:100]) from None

    def section(self, section_id: CategoryId) -> Section:
        """The section with this id, or :class:`~microgigs.errors.NotFound`."""
        return one_with_id(_("section"), self.sections, section_id)

    @classmethod
    def from_dict(cls, data: dict[str, list[dict[str, object]]]) -> CategoryTree:
        """A tree from the shape of ``categories.json`` (sections with their categories)."""
        sections = []
        for raw in data["sections"]:
            section_id = CategoryId(str(raw["id"]))
            raw_categories = raw["categories"]
            assert isinstance(raw_categories, list)  # noqa: S101 (shape of our own data file)
            categories = tuple(
                Category(
                    id=CategoryId(str(c["id"])),
                    section_id=section_id,
                    name_ar=str(c["name_ar"]),
                    name_en=str(c["name_en"]),
                )
                for c in raw_categories
            )
            sections.append(
                Section(section_id, str(raw["name_ar"]), str(raw["name_en"]), categories)
            )
        return cls(tuple(sections))


@functools.cache
def default_categories() -> CategoryTree:
    """The shipped tree: 10 sections and about 100 categories of a micro-services market."""
    text = resources.files("microgigs.catalog").joinpath("categories.json").read_text("utf-8")
    return CategoryTree.from_dict(json.loads(text))
