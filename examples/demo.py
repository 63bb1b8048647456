"""A small tour of microgigs on demo data, printed in Arabic and English.

Run it with ``python3 dev.py demo``. It grows into the full example marketplace as the
library does (see README.md).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from decimal import Decimal

from microgigs import KHAMSAT, ManualClock, Money, UlidGenerator
from microgigs.ids import OrderId
from microgigs.l10n import format_datetime, format_money, gettext, translate_error
from microgigs.money import currency_exponent

DEMO_ORDERS = [
    # (title, base price, upgrade prices, quantity)
    ("تصميم شعار احترافي", "5", ["50", "50", "50", "50"], 1),
    ("ترجمة مقال من الإنجليزية إلى العربية", "5", ["10"], 3),
    ("كتابة محتوى تسويقي", "10", [], 2),
]


def main() -> int:
    """Price the demo orders and split each between the seller and the platform."""
    policy = KHAMSAT
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    ids = UlidGenerator(clock, seed=2026)
    rate = sum((rule.rate for rule in policy.ledger.commission), Decimal(0))
    for title, base, upgrades, quantity in DEMO_ORDERS:
        unit = Money.of(base, policy.currency) + sum(
            (Money.of(u, policy.currency) for u in upgrades), Money.zero(policy.currency)
        )
        total = unit * quantity
        commission = total.percentage(rate)
        print(f"{ids.new(OrderId)}  {title}")
        for locale in ("ar", "en"):
            print(
                f"  [{locale}] {format_money(total, locale)} = "
                f"{format_money(total - commission, locale)} + {format_money(commission, locale)}"
                f"  ({format_datetime(clock.now(), locale, timezone='Asia/Riyadh')})"
            )
        clock.advance(policy.orders.auto_accept_after)
    try:
        Money.of("12.505", policy.currency)
    except ValueError as error:
        print(f"refused: {translate_error(error, 'ar')}")  # type: ignore[arg-type]
    places = currency_exponent(policy.currency)
    print(gettext("Professional", "ar"), f"({policy.name}, {policy.currency}, {places} decimals)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
