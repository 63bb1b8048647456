"""Fees and commission from the policy's charge rules, and the exact split of an amount."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from microgigs._text import _
from microgigs.errors import InvalidType
from microgigs.money import _CONTEXT, Money, round_minor
from microgigs.policy import ChargeRule


def charge(amount: Money, rules: Sequence[ChargeRule]) -> Money:
    """What ``rules`` charge on ``amount``, never more than ``amount`` itself.

    Every rule that applies is added exactly, then the sum is rounded once (half to even).
    The sums are the library's own (its decimal context, never the caller's thread's): a
    host that lowers its precision or changes its rounding for its own work changes no
    charge.
    """
    if amount.__class__ is not Money:
        raise InvalidType(field=_("amount"), expected="Money", actual=type(amount).__name__)
    if not isinstance(rules, tuple | list):  # None would charge nothing, and pay it all out
        raise InvalidType(
            field=_("charge rules"), expected=_("a list of ChargeRule"), actual=type(rules).__name__
        )
    if amount.minor <= 0 or not rules:  # no rule (no buyer fee at Khamsat): nothing to add
        return Money.zero(amount.currency)
    exact = Decimal(0)
    for rule in rules:
        if rule.applies_to(amount):
            exact = _CONTEXT.add(exact, _CONTEXT.multiply(amount.minor, rule.rate))
            if rule.fixed is not None:
                exact = _CONTEXT.add(exact, rule.fixed.minor)
    # Rates and fixed parts are never negative, so this is from zero to a valid amount;
    # _result still checks its bounds, but not again the type and currency of ``amount``.
    return Money._result(min(round_minor(exact), amount.minor), amount.currency)  # noqa: SLF001


@attrs.frozen
class Split:
    """An amount divided between the platform and the seller; the parts sum to the whole."""

    total: Money
    commission: Money
    seller_net: Money


def split(total: Money, commission_rules: Sequence[ChargeRule]) -> Split:
    """Divide ``total``: the commission is rounded once, the seller gets the rest.

    >>> from microgigs.policy import KHAMSAT
    >>> parts = split(Money.of("205", "USD"), KHAMSAT.ledger.commission)
    >>> str(parts.commission), str(parts.seller_net)
    ('41.00 USD', '164.00 USD')
    """
    commission = charge(total, commission_rules)
    return Split(total=total, commission=commission, seller_net=total - commission)
