"""Pricing: quotes with line items, buyer fees, and the exact commission split.

The platform's commission is computed from the policy's charge rules on the order's
subtotal, rounded once by the one rounding rule (half to even), and the seller gets the
rest, so ``commission + seller_net == subtotal`` for every amount.
"""

from microgigs.pricing._quote import CartQuote, LineItem, LineKind, Quote, quote, quote_cart
from microgigs.pricing._split import Split, charge, split

__all__ = [
    "CartQuote",
    "LineItem",
    "LineKind",
    "Quote",
    "Split",
    "charge",
    "quote",
    "quote_cart",
    "split",
]
