from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import attrs
import pytest

import microgigs
from microgigs import errors
from microgigs.errors import (
    CurrencyMismatch,
    InvalidText,
    InvalidType,
    MicrogigsError,
    MilestonesMismatch,
    NotFound,
    OutOfRange,
    ValidationError,
)
from microgigs.l10n import translate_error
from microgigs.money import Money

ROOT = Path(__file__).resolve().parent.parent
BUILTINS = (ValueError, TypeError, LookupError, PermissionError)


def subclasses(cls: type[MicrogigsError]) -> list[type[MicrogigsError]]:
    # attrs replaces a slotted class with a new one; the original lingers in
    # __subclasses__() until collected, so keep only the classes the module holds.
    return sorted(
        (c for c in cls.__subclasses__() if getattr(errors, c.__name__, None) is c),
        key=lambda c: c.__name__,
    )


def all_errors() -> list[type[MicrogigsError]]:
    found: list[type[MicrogigsError]] = []
    pending: list[type[MicrogigsError]] = [MicrogigsError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(subclasses(cls))
    return found


def draw_tree(cls: type[MicrogigsError] = MicrogigsError, prefix: str = "") -> list[str]:
    """The tree as errors.py and docs/errors.md draw it, computed from the classes."""
    lines = []
    children = subclasses(cls)
    for index, child in enumerate(children):
        last = index == len(children) - 1
        parent_builtins = {b for b in BUILTINS if issubclass(cls, b)}
        own = [b.__name__ for b in BUILTINS if issubclass(child, b) and b not in parent_builtins]
        note = f" ({', '.join(own)})" if own else ""
        lines.append(f"{prefix}{'└── ' if last else '├── '}{child.__name__}{note}")
        lines += draw_tree(child, prefix + ("    " if last else "│   "))
    return lines


def expected_tree() -> str:
    return "\n".join(["MicrogigsError", *draw_tree()])


def test_the_docstring_draws_the_real_tree():
    assert textwrap.indent(expected_tree(), "    ") in inspect.cleandoc(errors.__doc__ or "")


def test_the_docs_draw_the_real_tree():
    assert expected_tree() in (ROOT / "docs" / "errors.md").read_text()


def test_every_error_is_exported_with_a_docstring_and_a_unique_code():
    classes = all_errors()
    codes = [cls.code for cls in classes]
    assert sorted(codes) == sorted(set(codes))
    for cls in classes:
        assert cls.__doc__
        assert cls.__name__ in microgigs.errors.__all__, (
            f"microgigs.errors.{cls.__name__} is not exported"
        )


def test_errors_with_context_are_attrs_classes_whose_message_uses_every_field():
    for cls in all_errors():
        if not attrs.has(cls):
            continue
        names = {field.name for field in attrs.fields(cls)}
        # the template, or for a field that may be left out, one of the class's other wordings
        wordings = [v for v in vars(cls).values() if isinstance(v, str) and "{" in v]
        for name in names:
            said = "{" + name + "}" in cls.template or any("{" + name + "}" in w for w in wordings)
            assert said, f"{cls.__name__}.template omits {name}"


def test_an_error_keeps_its_context_and_reads_well():
    error = CurrencyMismatch(left="USD", right="SAR")
    assert {"left": "USD", "right": "SAR"} == error.context()
    assert "Cannot combine an amount in USD with one in SAR." == str(error)
    assert "money.currency_mismatch" == error.code
    assert isinstance(error, ValueError)


def test_errors_are_also_the_builtins_hosts_catch():
    assert issubclass(ValidationError, ValueError)
    assert issubclass(NotFound, LookupError)
    with pytest.raises(LookupError):
        raise NotFound(kind="service", key="S1")


def test_a_value_left_out_is_said_to_be_nothing_not_python_s_nonetype():
    # a probe (2026-12-06): "request_modification.reason must be str, not NoneType."
    error = InvalidType(field="reason", expected="a str", actual=type(None).__name__)
    assert "reason must be a str, not nothing." == str(error)
    assert "قيمة فارغة" in translate_error(error, "ar")
    assert "نص" in translate_error(error, "ar")


@pytest.mark.parametrize(
    ("error", "english", "arabic"),
    [
        # probes (2026-12-06): "between 1 and 1", "0 to 2000 characters", "1 to 1 amounts"
        (
            OutOfRange(field="quantity", value=2, minimum=1, maximum=1),
            "quantity must be 1; 2 is not.",
            "يجب أن تكون قيمة عدد مرات الطلب 1، لا 2.",
        ),
        (
            InvalidText(field="comment", minimum=0, maximum=2000),
            "comment must be at most 2000 characters of plain text.",
            # no counted noun after the number: «2000 حرفًا» was wrong Arabic (a hundred, a
            # thousand take «حرفٍ»), whatever the number a policy sets
            "التعليق: يجب ألا يزيد عدد حروفه على 2000.",
        ),
        (
            MilestonesMismatch(total=Money.of(60, "USD"), count=1, minimum=Money.of(5, "USD")),
            "A contract here has one milestone, of the whole 60.00 USD (at least 5.00 USD).",
            "للعقد هنا دفعة واحدة",
        ),
        # a walk-through (2026-12-07): «يلزم نص عادي» told a title too short that it was
        # not plain text; what is wrong is its length (a character is said by name)
        (
            InvalidText(field="comment", minimum=1, maximum=2000),
            "comment must be 1 to 2000 characters of plain text.",
            "التعليق: يجب أن يكون عدد حروفه من 1 إلى 2000.",
        ),
    ],
)
def test_a_range_of_one_value_or_from_nothing_is_said_plainly(error, english, arabic):
    assert english == str(error)
    assert arabic in translate_error(error, "ar")
