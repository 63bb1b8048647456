"""The payment gateway port (PayPal, cards) and a fake for tests and examples.

A gateway charges a member and answers with a receipt. Charges carry the use case's
idempotency key, so a retried checkout is never charged twice: a gateway returns the first
receipt for a key it has seen.

>>> from microgigs.ids import MemberId
>>> from microgigs.ledger import Gateway
>>> from microgigs.money import Money
>>> gateway = FakeGateway()
>>> first = gateway.charge("checkout-1", MemberId("ahmad"), Money.of(205, "USD"), Gateway.CARD)
>>> first == gateway.charge("checkout-1", MemberId("ahmad"), Money.of(205, "USD"), Gateway.CARD)
True
"""

from __future__ import annotations

from typing import Protocol

import attrs

from microgigs.errors import PaymentFailed
from microgigs.ids import MemberId
from microgigs.ledger import Gateway
from microgigs.money import Money

__all__ = ["FakeGateway", "PaymentGateway", "Receipt"]


@attrs.frozen
class Receipt:
    """A gateway's answer to a successful charge."""

    key: str
    reference: str
    payer: MemberId
    amount: Money
    method: Gateway


class PaymentGateway(Protocol):
    """Charges members through PayPal or a card."""

    def charge(self, key: str, payer: MemberId, amount: Money, method: Gateway) -> Receipt:
        """Charge ``amount``, once per ``key``.

        :class:`~microgigs.errors.PaymentFailed` if the gateway declines or cannot be reached.
        """
        ...

    def void(self, receipt: Receipt) -> None:
        """Cancel a charge whose command did not commit (lost a race, failed later).

        The money never leaves the payer; the charge's key may be charged anew.
        """
        ...


@attrs.define
class FakeGateway:
    """A gateway in memory: charges succeed unless told to fail (declines, timeouts)."""

    receipts: dict[str, Receipt] = attrs.Factory(dict)
    failures: list[str] = attrs.Factory(list)
    voided: list[Receipt] = attrs.Factory(list)

    def fail_next(self, reason: str = "declined") -> None:
        """Make the next new charge fail with ``reason``."""
        self.failures.append(reason)

    def charge(self, key: str, payer: MemberId, amount: Money, method: Gateway) -> Receipt:
        """A receipt, the first one again for a known key."""
        known = self.receipts.get(key)
        if known is not None:
            return known
        if self.failures:
            raise PaymentFailed(method=method, reason=self.failures.pop(0))
        receipt = Receipt(
            key, f"fake-{len(self.receipts) + len(self.voided) + 1}", payer, amount, method
        )
        self.receipts[key] = receipt
        return receipt

    def void(self, receipt: Receipt) -> None:
        """Forget the charge: it is kept in ``voided``, and its key may charge again."""
        if self.receipts.get(receipt.key) == receipt:
            del self.receipts[receipt.key]
            self.voided.append(receipt)

    @property
    def charged(self) -> list[Receipt]:
        """The charges that stand (not voided)."""
        return list(self.receipts.values())
