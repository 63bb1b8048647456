"""The copy a unit of work hands out and stages: containers new, everything else shared."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from microgigs.ids import MemberId
from microgigs.storage import MemoryStorage
from microgigs.storage._unit import clone
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.examples import make_service


@attrs.define
class _Sample:
    owner: MemberId
    at: datetime | None
    tags: tuple[str, ...]
    lines: list[str]
    counts: dict[str, int]
    loose: Sequence[str]
    anything: Any


def test_clone_copies_every_list_dict_and_set_and_shares_the_rest() -> None:
    sample = _Sample(MemberId("m"), None, ("a",), ["x"], {"x": 1}, ["y"], {"z"})
    copied = clone(sample)
    shared = [copied.owner is sample.owner, copied.at is None, copied.tags is sample.tags]
    new = [copied.lines is not sample.lines, copied.counts is not sample.counts,
           copied.loose is not sample.loose, copied.anything is not sample.anything]  # fmt: skip
    assert ([True] * 3, [True] * 4, sample) == (shared, new, copied)


def test_a_list_where_a_tuple_is_declared_is_copied_all_the_same() -> None:
    # a host may pass a list where a tuple is declared (Python accepts it, only mypy says
    # no): what it changes afterwards in its own list must not reach a copy
    sample = _Sample(MemberId("m"), None, ["a"], [], {}, [], None)  # type: ignore[arg-type]
    copied = clone(sample)
    sample.tags.append("injected")  # type: ignore[attr-defined]
    assert ["a"] == copied.tags


def test_a_service_staged_with_a_list_of_tags_is_kept_apart_from_the_callers_list() -> None:
    for storage in (MemoryStorage("USD"), SQLiteStorage(":memory:", currency="USD")):
        tags = ["a"]
        service = attrs.evolve(make_service(), tags=tags)
        with storage.unit_of_work() as uow:
            uow.services.add(service)
            tags.append("after add")
            staged = list(uow.services.get(service.id).tags)
            uow.commit()
        tags.append("after commit")
        with storage.unit_of_work() as uow:
            read = uow.services.get(service.id)
            committed = list(read.tags)
            read.tags.append("by a reader")  # type: ignore[attr-defined]
        with storage.unit_of_work() as uow:
            again = list(uow.services.get(service.id).tags)
        assert (["a"], ["a"], ["a"]) == (staged, committed, again), type(storage).__name__


@attrs.frozen
class _Frozen:
    lines: list[str]
    name: str


def test_clone_copies_a_frozen_class_too() -> None:
    frozen = _Frozen(["x"], "n")
    copied = clone(frozen)
    assert (frozen, False, True) == (
        copied,
        copied.lines is frozen.lines,
        copied.name is frozen.name,
    )
