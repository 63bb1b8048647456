"""The copy a unit of work hands out and stages: containers new, everything else shared."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from microgigs.ids import MemberId
from microgigs.storage._unit import _may_hold_a_container, clone


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


def test_only_a_declared_value_type_is_shared_without_a_look() -> None:
    hints = [MemberId, datetime | None, tuple[str, ...], list[str], dict[str, int],
             Sequence[str], Any, object, str | list[str]]  # fmt: skip
    expected = [False, False, False, True, True, True, True, True, True]
    assert expected == [_may_hold_a_container(hint) for hint in hints]


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
