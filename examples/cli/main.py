r"""The CLI host: a marketplace in a SQLite file (or PostgreSQL by DSN), driven from the shell.

    python examples/cli/main.py --db demo.db demo
    python examples/cli/main.py --db market.db simulate --members 1000 --days 90 --seed 7
    python examples/cli/main.py --db market.db report --lang en
    python examples/cli/main.py --db market.db call register_member username=huda \\
        email=huda@example.com first_name=هدى family_name=علي
    python examples/cli/main.py --db market.db call --actor member:ID top_up \\
        amount="25 USD" method=card

``call`` runs any use case of :class:`~microgigs.marketplace.Marketplace` by name: each
``name=value`` is converted to the parameter's type (money as "25 USD", enums by value,
lists as JSON), the idempotency key is ``--key`` (a new one by default), and a refusal is
printed translated, with its code, and exits 2.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import types
import typing
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from simulation import simulate

from microgigs import KHAMSAT, ManualClock, MicrogigsError, Money, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor, Role
from microgigs.ids import MemberId
from microgigs.l10n import format_money, label, translate_error
from microgigs.marketplace import Marketplace
from microgigs.members import Member
from microgigs.orders import OrderStatus
from microgigs.payments import FakeGateway
from microgigs.policy import SellerLevel
from microgigs.storage import open_storage
from microgigs.storage.ports import UnitOfWork
from microgigs.testing.demo import DEMO_DAYS, load_demo

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
MEMBERS_PAGE = 500
LABELS = {
    "title": ("تقرير السوق", "Marketplace report"),
    "gmv": ("إجمالي المبيعات المكتملة", "GMV (completed orders)"),
    "commission": ("عمولة المنصة", "Platform commission"),
    "orders": ("الطلبات حسب الحالة", "Orders by status"),
    "levels": ("مستويات البائعين", "Seller levels"),
    "balances": ("الأرصدة", "Balances"),
    "wallets": ("أرصدة المشترين", "buyers' wallets"),
    "escrow": ("في الضمان", "in escrow"),
    "pending": ("أرباح معلقة", "pending earnings"),
    "available": ("أرباح متاحة", "available earnings"),
    "payouts": ("مسحوبات مدفوعة", "paid out"),
    "audit": ("تدقيق الدفتر: عدد المشكلات", "ledger audit: issues"),
}


def open_market(db: str, *, seed: int | None = None, now: datetime | None = None) -> Marketplace:
    """A marketplace on ``db`` with the Khamsat policy and a fake gateway."""
    return _on_manual_clock(db, seed, now or datetime.now(UTC))[0]


def _on_manual_clock(db: str, seed: int | None, now: datetime) -> tuple[Marketplace, ManualClock]:
    clock = ManualClock(now)
    market = Marketplace(
        open_storage(db, currency=KHAMSAT.currency),
        clock,
        UlidGenerator(clock, seed=seed),
        KHAMSAT,
        FakeGateway(),
    )
    return market, clock


def load(db: str, language: str) -> int:
    """Load the demo month, ending now, into an empty marketplace; print its report."""
    market, clock = _on_manual_clock(db, 1, datetime.now(UTC) - timedelta(DEMO_DAYS))
    try:
        with market.storage.unit_of_work() as uow:
            if uow.members.page(limit=1):
                print(
                    f"{db} already holds a marketplace: the demo loads into an empty one",
                    file=sys.stderr,
                )
                return 2
        loaded = load_demo(market, clock)
        print(
            f"demo: {len(loaded.sellers)} sellers, {len(loaded.buyers)} buyers, "
            f"{len(loaded.services)} services, {len(loaded.orders)} orders"
        )
        print("\n".join(report(market, language)))
        return 0
    finally:
        market.storage.close()


def run_simulation(db: str, options: argparse.Namespace) -> int:
    """Simulate from the options' seed, members and days; print the report."""
    market, clock = _on_manual_clock(db, options.seed, START)
    try:
        sim = simulate(market, clock, members=options.members, days=options.days, seed=options.seed)
        print("\n".join(report(market, options.lang)))
        print(f"steps: {sim.steps}; refusals: {dict(sim.refused)}")
        return 0
    finally:
        market.storage.close()


def actor_of(text: str) -> Actor:
    """The actor written as member:ID, admin:ID or system."""
    role, _, member = text.partition(":")
    if Role(role) is Role.SYSTEM:
        return Actor.system()
    make = Actor.admin if Role(role) is Role.ADMIN else Actor.member
    return make(MemberId(member))


def convert(text: str, kind: object) -> object:  # noqa: PLR0911 (one return per kind)
    """A command-line value as the use case's parameter type."""
    origin = typing.get_origin(kind)
    if origin in {typing.Union, types.UnionType}:
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return None if text == "none" else convert(text, options[0])
    if origin is not None and origin.__name__ in {"Sequence", "list", "tuple"}:
        (inner, *_rest) = typing.get_args(kind)
        return [
            convert(item if isinstance(item, str) else json.dumps(item), inner)
            for item in json.loads(text)
        ]
    if kind is Money:
        amount, _, currency = text.partition(" ")
        return Money.of(amount, currency or KHAMSAT.currency)
    if kind is bool:
        return text.lower() in {"1", "true", "yes"}
    if kind is int:
        return int(text)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(text)
    return kind(text) if callable(kind) else text


def call(market: Marketplace, name: str, actor: str | None, key: str, pairs: list[str]) -> object:
    """Run the use case ``name`` with the ``name=value`` pairs converted to its types."""
    method = getattr(market, name, None)
    if name.startswith("_") or not callable(method):
        message = f"no use case {name!r}"
        raise SystemExit(message)
    hints = typing.get_type_hints(method)
    signature = inspect.signature(method)
    arguments: dict[str, object] = {}
    if "key" in signature.parameters:
        arguments["key"] = key
    if "actor" in signature.parameters:
        arguments["actor"] = actor_of(actor or "system")
    for pair in pairs:
        field, _, value = pair.partition("=")
        arguments[field] = convert(value, hints[field])
    return method(**arguments)


def report(market: Marketplace, language: str) -> list[str]:
    """GMV, commission, orders by status, seller levels, balances and the audit."""
    index = 0 if language == "ar" else 1
    locale = "ar" if language == "ar" else "en"

    def say(name: str) -> str:
        return LABELS[name][index]

    with market.storage.unit_of_work() as uow:
        balances = uow.ledger.balances()
        issues = lg.audit(uow.ledger.entry_rows(), balances)
        members = list(_members(uow))
        orders = [o for m in members for o in uow.orders.by_buyer(m.id, limit=10**6)]
        sellers = [m for m in members if uow.services.by_seller(m.id)]
    zero = Money.zero(KHAMSAT.currency)

    def total(prefix: str) -> Money:
        return sum((v for k, v in balances.items() if k.startswith(prefix)), zero)

    completed = [o for o in orders if o.status is OrderStatus.COMPLETED]
    gmv = sum((o.quote.total - (o.refunded or zero) for o in completed), zero)
    statuses = Counter(o.status for o in orders)
    levels = Counter(m.level for m in sellers)
    lines = [
        f"== {say('title')} ==",
        f"{say('gmv')}: {format_money(gmv, locale)}",
        f"{say('commission')}: {format_money(balances.get(lg.revenue(), zero), locale)}",
        f"{say('orders')}:",
    ]
    lines += [f"  {label(s, locale)}: {statuses[s]}" for s in OrderStatus if statuses[s]]
    lines.append(f"{say('levels')}:")
    lines += [f"  {label(v, locale)}: {levels[v]}" for v in SellerLevel if levels[v]]
    lines.append(f"{say('balances')}:")
    for name, prefix in (
        ("wallets", "wallet:"),
        ("escrow", "escrow:"),
        ("pending", "pending:"),
        ("available", "available:"),
        ("payouts", "payouts"),
    ):
        lines.append(f"  {say(name)}: {format_money(total(prefix), locale)}")
    lines.append(f"{say('audit')}: {len(issues)}")
    return lines


def _members(uow: UnitOfWork) -> Iterator[Member]:
    """Every member, a page at a time."""
    page = uow.members.page(limit=MEMBERS_PAGE)
    while page:
        yield from page
        page = uow.members.page(after=page[-1].id, limit=MEMBERS_PAGE)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="marketplace.sqlite3", help="SQLite file or PostgreSQL DSN")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="load the demo month into an empty marketplace")
    demo.add_argument("--lang", choices=["ar", "en"], default="ar")
    sim = commands.add_parser("simulate", help="simulate a whole marketplace from a seed")
    sim.add_argument("--members", type=int, default=1000)
    sim.add_argument("--days", type=int, default=90)
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--lang", choices=["ar", "en"], default="ar")
    rep = commands.add_parser("report", help="the marketplace's report")
    rep.add_argument("--lang", choices=["ar", "en"], default="ar")
    one = commands.add_parser("call", help="run one use case by name")
    one.add_argument("use_case")
    one.add_argument("pairs", nargs="*", help="name=value")
    one.add_argument("--actor", help='"member:ID", "admin:ID" or "system"')
    one.add_argument("--key", default=None, help="idempotency key (default: a new one)")
    one.add_argument("--lang", choices=["ar", "en"], default="ar")
    options = parser.parse_args(argv)
    if options.command == "demo":
        return load(options.db, options.lang)
    if options.command == "simulate":
        return run_simulation(options.db, options)
    market = open_market(options.db)
    try:
        if options.command == "report":
            print("\n".join(report(market, options.lang)))
            return 0
        try:
            result = call(
                market,
                options.use_case,
                options.actor,
                options.key or uuid.uuid4().hex,
                options.pairs,
            )
        except MicrogigsError as error:
            print(f"{error.code}: {translate_error(error, options.lang)}", file=sys.stderr)
            return 2
        print(result)
        return 0
    finally:
        market.storage.close()


if __name__ == "__main__":
    sys.exit(main())
