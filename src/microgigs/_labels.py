"""Enums whose members carry an English label that the catalogs translate."""

from __future__ import annotations

import enum
from collections.abc import Mapping


class LabelledEnum(enum.StrEnum):
    """A string enum whose members have a label (a msgid); see :func:`label_members`."""

    @property
    def label(self) -> str:
        """The English label; :func:`microgigs.l10n.label` translates it."""
        return _LABELS[type(self), self.value]


_LABELS: dict[tuple[type[LabelledEnum], str], str] = {}
"""Labels by enum and value: members are strings, so two enums' ``"completed"`` are equal
as keys of their own and would share one label."""


def label_members(labels: Mapping[LabelledEnum, str]) -> None:
    """Give every member of an enum its label (msgids marked with ``_()``)."""
    kinds = {type(member) for member in labels}
    for kind in kinds:
        missing = [m for m in kind if m not in labels]
        if missing:
            message = f"{kind.__name__} members without a label: {missing}"
            raise ValueError(message)
    _LABELS.update(((type(member), member.value), text) for member, text in labels.items())
