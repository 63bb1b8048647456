"""Hypothesis strategies for microgigs' values, shared by its tests and by yours.

>>> from hypothesis import given
>>> @given(money(currency="USD"))
... def test_sum_with_zero(amount: Money) -> None:
...     assert amount + Money.zero("USD") == amount
>>> test_sum_with_zero()
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from microgigs.money import MAX_MINOR, Money, known_currencies

__all__ = ["currencies", "money", "ratios"]


def currencies() -> st.SearchStrategy[str]:
    """Every ISO 4217 code CLDR knows."""
    return st.sampled_from(sorted(known_currencies()))


def money(
    *,
    currency: str | None = None,
    min_minor: int = -MAX_MINOR,
    max_minor: int = MAX_MINOR,
) -> st.SearchStrategy[Money]:
    """Amounts in ``currency`` (or any currency) between two counts of minor units."""
    codes = st.just(currency) if currency is not None else currencies()
    return st.builds(Money, st.integers(min_minor, max_minor), codes)


def ratios(*, max_parts: int = 12) -> st.SearchStrategy[list[int | Decimal]]:
    """Non-negative split ratios, ints or decimals, not all zero."""
    part: st.SearchStrategy[int | Decimal] = st.one_of(
        st.integers(0, 1000),
        st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False),
    )
    return st.lists(part, min_size=1, max_size=max_parts).filter(any)
