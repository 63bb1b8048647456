"""Who asks: a member (buyer or seller, by relation to the thing), an admin, or the system.

Every use case is given an :class:`Actor` and checks it; a wrong actor gets
:class:`~microgigs.errors.PermissionDenied` and nothing changes.

>>> from microgigs.ids import MemberId
>>> Actor.member(MemberId("01ABC")).is_member(MemberId("01ABC"))
True
>>> Actor.system().role
<Role.SYSTEM: 'system'>
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

import attrs

from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.errors import InvalidText, InvalidType, PermissionDenied
from microgigs.ids import MemberId

__all__ = ["Actor", "Role"]


class Role(LabelledEnum):
    """The kind of actor."""

    MEMBER = "member"
    ADMIN = "admin"
    SYSTEM = "system"


label_members({Role.MEMBER: _("a member"), Role.ADMIN: _("an admin"), Role.SYSTEM: _("the system")})


def _role(value: object) -> Role:
    """A role, from itself or its value; anything else is a typed error."""
    if isinstance(value, Role):
        return value
    if isinstance(value, str) and value in _ROLE_VALUES:
        return Role(value)
    raise InvalidType(
        field=_("role"), expected=_("member, admin or system"), actual=repr(value)[:40]
    )


def _member_id(_actor: object, _field: object, value: MemberId | None) -> None:
    if value is None:
        return
    if type(value) is not str:  # a subclass could answer == as it likes
        raise InvalidType(field=_("member id"), expected=_("a str"), actual=type(value).__name__)
    if not 0 < len(value) <= _ID_LENGTH or "|" in value or not value.isprintable():
        raise InvalidText(field=_("member id"), minimum=1, maximum=_ID_LENGTH)


_ID_LENGTH: Final = 100
_ROLE_VALUES: Final = frozenset(role.value for role in Role)


@attrs.frozen
class Actor:
    """The one who asks for a change: a member, an admin (staff, with a member id) or a timer.

    The role is a :class:`Role` (or its value, converted); a member id is plain text without
    ``|`` (an idempotency key's scope is built from both). Anything else is a typed error.
    """

    role: Role = attrs.field(converter=_role)
    member_id: MemberId | None = attrs.field(default=None, validator=_member_id)

    @classmethod
    def member(cls, member_id: MemberId) -> Actor:
        """A member acting for themselves (as buyer or seller)."""
        return cls(Role.MEMBER, member_id)

    @classmethod
    def admin(cls, member_id: MemberId) -> Actor:
        """Platform staff."""
        return cls(Role.ADMIN, member_id)

    @classmethod
    def system(cls) -> Actor:
        """The platform's timers (auto-accept, clearance, level evaluation)."""
        return cls(Role.SYSTEM)

    def is_member(self, member_id: MemberId) -> bool:
        """True when this actor is that member acting for themselves."""
        return self.role is Role.MEMBER and self.member_id == member_id

    def acting_member(self, action: str) -> MemberId:
        """The id of a member acting for themselves; an admin or the system is refused."""
        if self.role is not Role.MEMBER or self.member_id is None:
            raise PermissionDenied(actor=self.role.label, action=action)
        return self.member_id

    def require_admin(self, action: str) -> None:
        """Refuse anyone but an admin."""
        if self.role is not Role.ADMIN:
            raise PermissionDenied(actor=self.role.label, action=action)

    def require_member(self, member_id: MemberId, action: str) -> None:
        """Refuse anyone but ``member_id`` acting for themselves."""
        if not self.is_member(member_id):
            raise PermissionDenied(actor=self.role.label, action=action)

    def require_party(self, member_ids: Collection[MemberId], action: str) -> None:
        """Refuse anyone but an admin or one of ``member_ids`` acting for themselves."""
        if self.role is not Role.ADMIN and not any(self.is_member(m) for m in member_ids):
            raise PermissionDenied(actor=self.role.label, action=action)

    def __str__(self) -> str:
        return f"{self.role.value}:{self.member_id or '-'}"


_new: Final = object.__new__
_set_role: Final = Actor.__dict__["role"].__set__
_set_member_id: Final = Actor.__dict__["member_id"].__set__


def _stored(role: object, member_id: object) -> Actor:
    """``Actor(role, member_id)`` for an actor a storage kept: the same checks and errors.

    Written out at about half the constructor's cost: each entry of an order's history
    names its actor, and the storage codec reads them all (P8).

    >>> _stored("member", "01ABC") == Actor.member(MemberId("01ABC"))
    True
    """
    found = Role._value2member_map_.get(role) if role.__class__ is str else None
    if found is not None and (
        member_id is None
        or (
            member_id.__class__ is str
            and 0 < len(member_id) <= _ID_LENGTH
            and "|" not in member_id
            and member_id.isprintable()
        )
    ):
        actor = _new(Actor)
        _set_role(actor, found)
        _set_member_id(actor, member_id)
        return actor
    return Actor(role, member_id)  # type: ignore[arg-type]  # refused as the constructor refuses
