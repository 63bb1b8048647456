"""The one codec of the storage edge: aggregates to JSON text and back (cattrs).

Only adapters and hosts use it; the domain never serialises itself.

>>> from microgigs.testing.examples import place_order
>>> order = place_order()
>>> decode(encode(order), type(order)) == order
True

An aggregate can also be written as two texts: some of its fields apart (parts written
once, like what an order bought and its price) and the rest (what changes):

>>> rest, apart = encode_apart(order, ("service", "quote"))
>>> decode_apart(rest, apart, type(order)) == order
True
>>> encode_rest(order, ("service", "quote")) == rest
True
"""

from __future__ import annotations

import enum
import linecache
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final, TypeVar

import attrs
import orjson
from cattrs import Converter
from cattrs.fns import identity
from cattrs.preconf.json import make_converter

from microgigs._text import Verbatim, _
from microgigs.actors import Actor
from microgigs.actors import _stored as _stored_actor
from microgigs.errors import InvalidType, UnknownChoice
from microgigs.money import Money, _stored
from microgigs.ranking import Measure

__all__ = ["converter", "decode", "decode_apart", "encode", "encode_apart", "encode_rest"]

T = TypeVar("T")
_Hook = Callable[[object, object], object]

converter: Final = make_converter(detailed_validation=False)
"""The configured converter: datetimes as ISO 8601 with their offset, enums by value.

Every SQL read and write goes through it, so its hooks are the fast ones below: a plain
value is checked for its type and passed on (what ``encode`` wrote is read back, never
coerced), a nested hook is looked up once per type, not once per value.
"""


DOCUMENT: Final = "document"
"""What a refusal names a value of the wrong shape as a whole (not a part inside it)."""
MONEY: Final = "money"
"""What a refusal names an amount of the wrong shape as a whole (not its minor units)."""


def _text(plain: object) -> str:
    """Plain values as compact JSON text, non-ASCII kept as it is (orjson, compiled)."""
    return orjson.dumps(plain).decode()


def _exactly(kind: type) -> _Hook:
    """A str, int or bool field: the value as it is, if it has that type."""

    def structure(value: object, _kind: object) -> object:
        if value.__class__ is not kind:
            raise InvalidType(field=DOCUMENT, expected=kind.__name__, actual=type(value).__name__)
        return value

    return structure


def _plain_base(kind: object) -> type | None:
    """str, int or bool when ``kind`` is one of them or a NewType over one of them."""
    while (supertype := getattr(kind, "__supertype__", None)) is not None:
        kind = supertype
    return kind if kind in (str, int, bool) else None


def _is_plain(kind: object) -> bool:
    return _plain_base(kind) is not None


def _plain_hook(kind: object) -> _Hook:
    base = _plain_base(kind)
    assert base is not None  # noqa: S101 (the predicate said so)
    return _exactly(base)


def _structure_enum(value: object, kind: type[enum.Enum]) -> enum.Enum:
    found = kind._value2member_map_.get(value) if value.__class__ is str else None
    if found is None:  # not one of its values: say which ones are
        try:
            return kind(value)
        except ValueError:
            raise UnknownChoice(
                field=kind.__name__,
                expected=_("one of the choices"),
                actual=repr(value)[:40],
                choices=tuple(Verbatim(m.value) for m in kind),
            ) from None
    return found


def _optional_of(kind: object) -> object | None:
    """``X`` when ``kind`` is ``X | None``."""
    if typing.get_origin(kind) not in (types.UnionType, typing.Union):
        return None
    others = [a for a in typing.get_args(kind) if a is not type(None)]
    # a union holds two types or more: when one is not None, the other is
    return others[0] if len(others) == 1 else None


def _optional_hook(kind: object) -> _Hook:
    inner = _optional_of(kind)
    base = _plain_base(inner)
    if base is not None:  # optional text, ids and counts: one call, not two

        def plain(value: object, _kind: object) -> object:
            if value is None or value.__class__ is base:
                return value
            raise InvalidType(field=DOCUMENT, expected=base.__name__, actual=type(value).__name__)

        return plain
    hook = converter.get_structure_hook(inner)

    def structure(value: object, _kind: object) -> object:
        return None if value is None else hook(value, inner)

    return structure


def _is_sequence(kind: object) -> bool:
    args = typing.get_args(kind)
    origin = typing.get_origin(kind)
    return (origin is tuple and args[1:] == (Ellipsis,)) or (origin is list and len(args) == 1)


def _sequence_hook(kind: object) -> _Hook:
    inner = typing.get_args(kind)[0]
    hook = converter.get_structure_hook(inner)
    make: Callable[[list[object]], object] = tuple if typing.get_origin(kind) is tuple else list

    def structure(value: object, _kind: object) -> object:
        if not isinstance(value, list):
            raise InvalidType(field=DOCUMENT, expected="a list", actual=type(value).__name__)
        return make([hook(v, inner) for v in value])

    return structure


def _is_mapping(kind: object) -> bool:
    return typing.get_origin(kind) is dict and len(typing.get_args(kind)) == 2  # noqa: PLR2004


def _mapping_hook(kind: object) -> _Hook:
    """A ``dict[K, V]`` field: an object whose keys and values are read by their hooks."""
    key_kind, value_kind = typing.get_args(kind)
    key_hook = converter.get_structure_hook(key_kind)
    value_hook = converter.get_structure_hook(value_kind)

    def structure(value: object, _kind: object) -> object:
        if not isinstance(value, dict):
            raise InvalidType(field=DOCUMENT, expected="an object", actual=type(value).__name__)
        return {key_hook(k, key_kind): value_hook(v, value_kind) for k, v in value.items()}

    return structure


def _unstructure_sequence(kind: object, using: Converter) -> Callable[[object], object]:
    """A list of the elements unstructured by their type's hook, found once."""
    hook = using.get_unstructure_hook(typing.get_args(kind)[0])
    if hook is identity:
        return typing.cast("Callable[[object], object]", list)  # a sequence field: its list

    def unstructure(value: object) -> object:
        return [hook(v) for v in value]  # type: ignore[attr-defined]  # a sequence field

    return unstructure


def _unstructure_optional(kind: object, using: Converter) -> Callable[[object], object]:
    """``None`` or the value unstructured by its type's hook; nothing at all for plain values.

    cattrs writes an identity hook's field inline, so an optional text or id costs no call.
    """
    hook = using.get_unstructure_hook(_optional_of(kind))
    leaves_none_alone = hook in (identity, _time_for_orjson)
    if leaves_none_alone:
        return hook

    def unstructure(value: object) -> object:
        return None if value is None else hook(value)

    return unstructure


def _time_for_orjson(value: datetime | None) -> datetime | str | None:
    """A UTC time as it is, for orjson to write; any other as ``isoformat`` writes it.

    orjson writes a UTC ``datetime`` as the same text as ``isoformat`` (offset ``+00:00``,
    microseconds when there are some) in a fraction of the cost: a time is written in C
    instead of through ``printf``, and an order holds ten of them. Other offsets, rare, and
    subclasses of ``datetime`` (which orjson refuses) keep ``isoformat``: orjson would round
    an offset of seconds to a minute.
    """
    if value is None or (value.__class__ is datetime and value.tzinfo is UTC):
        return value
    return value.isoformat()


# --- attrs classes: one function each, written for the class ---------------------------------
#
# cattrs' own structure function calls a hook for every field, plain ones included, and keeps
# every field that has a default in a dict of keywords, built field by field then unpacked
# into the constructor. The function below reads plain values, enums and times in place,
# calls the hooks of the other types (found once), passes each field in its place (an absent
# one takes its default) and, for a class whose ``__init__`` would only assign its fields,
# sets its slots without the call. An order reads in about half the time (P8). Errors stay
# those of cattrs without detailed validation: a missing field is a ``KeyError``, extra keys
# are ignored; a value of another type is refused (InvalidType, or the enum's ValueError).


def _is_plain_attrs(kind: object) -> bool:
    """An attrs class whose fields are all given to ``__init__``, not a generic one."""
    return (
        isinstance(kind, type)
        and attrs.has(kind)
        and not getattr(kind, "__parameters__", ())
        and all(
            field.init
            and not (isinstance(field.default, attrs.Factory) and field.default.takes_self)  # type: ignore[arg-type]
            for field in attrs.fields(kind)
        )
    )


def _refuse(value: object, kind: type) -> object:
    raise InvalidType(field=DOCUMENT, expected=kind.__name__, actual=type(value).__name__)


def _time(value: str, _kind: object) -> datetime:
    """A time as ``isoformat`` wrote it (as cattrs' JSON preset reads it)."""
    return datetime.fromisoformat(value)


def _read_field(kind: object, number: int, names: dict[str, object]) -> str:
    """An expression that reads the raw value ``v<number>`` as a ``kind``.

    ``names`` receives what the expression refers to.
    """
    value = f"v{number}"
    inner = _optional_of(kind)
    single = kind if inner is None else inner
    names[f"h{number}"], names[f"t{number}"] = converter.get_structure_hook(kind), kind
    by_hook = f"h{number}({value}, t{number})"
    if (base := _plain_base(single)) is not None:  # text, an id, a count, a flag
        names[f"b{number}"] = base
        accepted = f"{value}.__class__ is b{number}"
        if inner is not None:
            accepted = f"{value} is None or {accepted}"
        return f"{value} if {accepted} else refuse({value}, b{number})"
    single_hook = converter.get_structure_hook(single)
    if single is Money:  # as stored, else as a host wrote it ("25 USD")
        stored = f"stored({value}['minor'], {value}['currency'])"
        read = f"{stored} if {value}.__class__ is dict else {by_hook}"
    elif single_hook is _structure_enum:
        names[f"m{number}"] = single._value2member_map_  # type: ignore[attr-defined]  # an enum
        member = f"m{number}.get({value}) if {value}.__class__ is str else None"
        read = f"e{number} if (e{number} := {member}) is not None else {by_hook}"
    elif single_hook is _time:
        read = f"time({value})"
    else:
        return by_hook
    return read if inner is None else f"None if {value} is None else ({read})"


def _only_assigns(kind: type) -> bool:
    """True when ``kind``'s ``__init__`` (attrs' own) would only assign each field its slot.

    No validator, no converter, no hook before or after: setting the slots of a new object
    makes the same object, without the call and the frozen class's ``__setattr__``.
    """
    init = getattr(kind.__dict__.get("__init__"), "__code__", None)
    exception = issubclass(kind, BaseException)  # made by its own __new__
    return (
        init is not None
        and not exception
        and init.co_filename.startswith("<attrs generated")
        and not hasattr(kind, "__attrs_pre_init__")
        and not hasattr(kind, "__attrs_post_init__")
        and all(
            field.validator is None
            and field.converter is None
            and isinstance(_slot(kind, field.name), types.MemberDescriptorType)
            for field in attrs.fields(kind)
        )
    )


def _slot(kind: type, name: str) -> object:
    """The descriptor of ``kind``'s slot ``name`` (in its own class or a base's), or None."""
    return next((c.__dict__[name] for c in kind.__mro__ if name in c.__dict__), None)


def _attrs_hook(kind: type) -> _Hook:
    """The structure function of the attrs class ``kind`` (see above)."""
    attrs.resolve_types(kind)
    names: dict[str, object] = {
        "kind": kind,
        "new": object.__new__,
        "refuse": _refuse,
        "stored": _stored,
        "time": datetime.fromisoformat,
    }
    assigns = _only_assigns(kind)
    fields = sorted(attrs.fields(kind), key=lambda field: field.kw_only)  # positional first
    lines, arguments = [], []
    for number, field in enumerate(fields):
        read = f"a{number} = {_read_field(field.type, number, names)}"
        if field.default is attrs.NOTHING:
            lines += [f"    v{number} = o[{field.name!r}]", f"    {read}"]
        else:
            names[f"d{number}"] = getattr(field.default, "factory", field.default)
            made = f"d{number}()" if isinstance(field.default, attrs.Factory) else f"d{number}"  # type: ignore[arg-type]
            lines += [f"    if {field.name!r} in o:", f"        v{number} = o[{field.name!r}]",
                      f"        {read}", "    else:", f"        a{number} = {made}"]  # fmt: skip
        if assigns:
            names[f"s{number}"] = _slot(kind, field.name).__set__  # type: ignore[attr-defined]
        arguments.append(f"{field.alias}=a{number}" if field.kw_only else f"a{number}")
    head = "def structure(o, _):"
    if assigns:
        setting = [f"    s{n}(made, a{n})" for n in range(len(fields))]
        source = "\n".join([head, *lines, "    made = new(kind)", *setting, "    return made", ""])
    else:
        source = "\n".join([head, *lines, f"    return kind({', '.join(arguments)})", ""])
    return typing.cast("_Hook", _compiled(source, f"structure_{kind.__name__}", names))


def _compiled(source: str, name: str, names: dict[str, object]) -> types.FunctionType:
    """The function ``source`` defines (its first line's), named ``name``, in ``linecache``.

    The source is made in this module, of field names (written with ``repr``) and the
    names it is given: nothing a document or a command holds reaches it.
    """
    filename = f"<microgigs codec {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), names)  # noqa: S102 (see above)
    made = names[source[4 : source.index("(")]]
    if not isinstance(made, types.FunctionType):  # pragma: no cover (the source defines it)
        raise TypeError(name)
    made.__name__ = made.__qualname__ = name
    return made


_COPIED_MARKS: Final = {
    **dict.fromkeys(map(ord, "\u200e\u200f\u061c\u2066\u2067\u2068\u2069"), None),
    **dict.fromkeys(map(ord, "\u00a0\u202f\u2007"), " "),
}
"""What an amount copied from an Arabic page carries: direction marks (``format_money``
writes one) and isolates (the web host wraps amounts in them), dropped; no-break spaces,
read as spaces. Embeddings and overrides (U+202A–202E) stay, and the amount is refused: an
override shows "500" as "005", and the amount read would not be the one seen."""


def _structure_money(raw: dict[str, object] | str, _kind: object) -> Money:
    """Money as stored (``{"minor": 2500, "currency": "USD"}``) or as written (``"25 USD"``).

    Hosts read forms, JSON and the shell into commands through this hook.
    """
    if raw.__class__ is dict:  # as stored: the case of every read
        return _stored(raw["minor"], raw["currency"])
    if isinstance(raw, str):
        match raw.translate(_COPIED_MARKS).split():
            case [code, amount] if code.isalpha() and not amount.isalpha():
                return Money.of(amount, code)  # "USD 25", as banks write it
            case [amount, code]:
                return Money.of(amount, code)
            case _:  # "abc", "25": no currency to read
                raise InvalidType(field=MONEY, expected=_('"25 USD"'), actual=repr(raw[:40]))
    if not isinstance(raw, dict):
        raise InvalidType(
            field=MONEY, expected=_('"25 USD" or {minor, currency}'), actual=type(raw).__name__
        )
    return _stored(raw["minor"], raw["currency"])


_PLAIN_DECIMAL: Final = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def _structure_decimal(raw: object, _kind: object) -> Decimal:
    """A decimal number as a host writes it: ``"4.5"`` or a whole ``int`` (no float, no NaN).

    What a query reads by it (a listing's lowest rating): the CLI's ``read search``.
    """
    if type(raw) is int:
        return Decimal(raw)
    if isinstance(raw, str) and _PLAIN_DECIMAL.fullmatch(raw.strip()):
        return Decimal(raw.strip())
    raise InvalidType(field="decimal", expected=_('a number such as "4.5"'), actual=repr(raw)[:40])


def _structure_actor(raw: Mapping[str, object], _kind: object) -> Actor:
    """An actor as stored (``{"role": "member", "member_id": "…"}``), or any mapping."""
    if raw.__class__ is not dict and not isinstance(raw, Mapping):  # a dict: no ABC check
        raise InvalidType(field="actor", expected="an object", actual=type(raw).__name__)
    return _stored_actor(raw["role"], raw.get("member_id"))


def _unstructure_measure(value: Measure | None) -> dict[str, str | int] | None:
    """A criterion's measure, tagged with its kind so that it reads back as it was."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return {"microseconds": value // timedelta(microseconds=1)}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return {"count": value}


def _structure_measure(raw: dict[str, str | int] | None, kind: object) -> Measure | None:
    if raw is None:
        if kind is Measure:  # a criterion's requirement is always there
            raise InvalidType(field="measure", expected="a tagged measure", actual="null")
        return None
    match raw:  # an int exactly: a flag is not a count
        case {"microseconds": int(count)} if type(count) is int:
            return timedelta(microseconds=count)
        case {"decimal": str(text)} if _is_finite_decimal(text):
            return Decimal(text)
        case {"count": int(count)} if type(count) is int:
            return count
    raise InvalidType(field="measure", expected="a tagged measure", actual=str(raw)[:100])


def _is_finite_decimal(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except ArithmeticError:  # decimal.InvalidOperation: not a number at all
        return False


def _is_measure(kind: object) -> bool:
    return kind in {Measure, Measure | None}


# the fast hooks (see ``converter``); the measure's, registered last, win over them
converter.register_structure_hook_factory(_is_plain_attrs, _attrs_hook)
converter.register_structure_hook(Money, _structure_money)
converter.register_structure_hook(Decimal, _structure_decimal)
converter.register_structure_hook(Actor, _structure_actor)
converter.register_structure_hook(datetime, _time)
converter.register_structure_hook_factory(_is_plain, _plain_hook)
for _plain in (str, int, bool):
    converter.register_structure_hook(_plain, _exactly(_plain))
converter.register_structure_hook(enum.Enum, _structure_enum)
converter.register_structure_hook(enum.StrEnum, _structure_enum)  # before str in their MRO
converter.register_structure_hook_factory(
    lambda kind: _optional_of(kind) is not None, _optional_hook
)
converter.register_structure_hook_factory(_is_sequence, _sequence_hook)
converter.register_structure_hook_factory(_is_mapping, _mapping_hook)
converter.register_structure_hook_func(_is_measure, _structure_measure)


def _unstructure_hooks(using: Converter, time: Callable[[datetime], object]) -> None:
    """The unstructure hooks of ``using``, whose datetimes become what ``time`` makes."""
    using.register_unstructure_hook(datetime, time)
    using.register_unstructure_hook_factory(
        lambda kind: _optional_of(kind) is not None, _unstructure_optional
    )
    using.register_unstructure_hook_factory(_is_sequence, _unstructure_sequence)
    using.register_unstructure_hook_func(_is_measure, _unstructure_measure)


_unstructure_hooks(converter, datetime.isoformat)
_writer: Final = make_converter(detailed_validation=False)
"""What :func:`encode` unstructures with: ``converter``'s hooks, but UTC times left as they are.

Its plain values are turned into the same text as ``converter``'s (orjson writes a UTC time
as ``isoformat`` does); ``converter.unstructure`` keeps giving hosts times as text.
"""
_unstructure_hooks(_writer, _time_for_orjson)


def _write_field(kind: object, number: int, names: dict[str, object]) -> str:
    """An expression that writes ``v<number>`` (a field's value) as plain values for orjson.

    Text, ids, counts, flags and enums go as they are (orjson writes an enum as its value),
    amounts as their two parts and UTC times as they are, in place; other types call their
    hook, found once.
    """
    value = f"v{number}"
    hook = _writer.get_unstructure_hook(kind)
    inner = _optional_of(kind)
    single = kind if inner is None else inner
    if hook is identity:
        return value
    if hook is _time_for_orjson:  # a time, optional or not: the hook leaves None alone
        names["time"], names["UTC"], names["datetime"] = hook, UTC, datetime
        utc_time = f"{value}.__class__ is datetime and {value}.tzinfo is UTC"
        return f"{value} if {value} is None or ({utc_time}) else time({value})"
    if single is Money:
        written = f"{{'minor': {value}.minor, 'currency': {value}.currency}}"
        return written if inner is None else f"None if {value} is None else {written}"
    names[f"h{number}"] = hook
    return f"h{number}({value})"


def _writing_hook(kind: type, omitted: tuple[str, ...] = ()) -> Callable[[object], object]:
    """The function that writes the attrs class ``kind`` as a dict, its fields in order.

    cattrs' own calls a hook for each amount and time; this one writes them in place. Its
    text is the same, field for field (``tests/storage/test_codec.py``).
    """
    attrs.resolve_types(kind)
    names: dict[str, object] = {}
    lines, items = [], []
    for number, field in enumerate(attrs.fields(kind)):
        if field.name in omitted:
            continue
        lines.append(f"    v{number} = i.{field.name}")
        items.append(f"        {field.name!r}: {_write_field(field.type, number, names)},")
    source = "\n".join(["def unstructure(i):", *lines, "    return {", *items, "    }", ""])
    made = _compiled(source, f"unstructure_{kind.__name__}", names)
    return typing.cast("Callable[[object], object]", made)


_writer.register_unstructure_hook_factory(_is_plain_attrs, _writing_hook)


def encode(value: object) -> str:
    """``value`` (an attrs object of the domain) as compact JSON text."""
    return _text(_writer.unstructure(value))


def decode(text: str | bytes, kind: type[T]) -> T:
    """The ``kind`` object that :func:`encode` wrote as ``text``."""
    return converter.structure(orjson.loads(text), kind)


_Unstructure = Callable[[object], dict[str, object]]
_WITHOUT: Final[dict[tuple[type, tuple[str, ...]], _Unstructure]] = {}


def _without(kind: type, omitted: tuple[str, ...]) -> _Unstructure:
    """The unstructure function of ``kind`` that leaves ``omitted`` fields out, made once."""
    found = _WITHOUT.get((kind, omitted))
    if found is None:
        made: _Unstructure = _writing_hook(kind, omitted)  # type: ignore[assignment]
        found = _WITHOUT[kind, omitted] = made
    return found


_ONLY: Final[dict[tuple[type, tuple[str, ...]], _Unstructure]] = {}


def _only(kind: type, kept: tuple[str, ...]) -> _Unstructure:
    """The unstructure function of ``kind`` that writes its ``kept`` fields alone, made once."""
    found = _ONLY.get((kind, kept))
    if found is None:
        others = tuple(f.name for f in attrs.fields(kind) if f.name not in kept)
        found = _ONLY[kind, kept] = _without(kind, others)
    return found


def encode_rest(value: object, apart: tuple[str, ...]) -> str:
    """``value`` as JSON text without its fields ``apart`` (see :func:`encode_apart`)."""
    return _text(_without(type(value), apart)(value))


def encode_apart(value: object, apart: tuple[str, ...]) -> tuple[str, str]:
    """``value`` as two JSON texts: every field but those ``apart``, and those alone.

    A storage writes the fields ``apart`` once (they never change) and the rest at every
    change, so an update encodes and writes only what it changes.
    """
    alone = _only(type(value), apart)(value)
    return encode_rest(value, apart), _text(alone)


def decode_apart(rest: str | bytes, apart: str | bytes, kind: type[T]) -> T:
    """The ``kind`` object that :func:`encode_apart` wrote as ``rest`` and ``apart``."""
    return converter.structure(_object(rest) | _object(apart), kind)


def _object(text: str | bytes) -> dict[str, object]:
    raw = orjson.loads(text)
    if not isinstance(raw, dict):
        raise InvalidType(field=DOCUMENT, expected="an object", actual=type(raw).__name__)
    return raw
