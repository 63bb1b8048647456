r"""The CLI host: a marketplace in a SQLite file (or PostgreSQL by DSN), driven from the shell.

    python examples/cli/main.py --db demo.db demo
    python examples/cli/main.py --db market.db simulate --members 1000 --days 90 --seed 7
    python examples/cli/main.py --db market.db report --lang en
    python examples/cli/main.py --db market.db call register_member username=huda \\
        email=huda@example.com first_name=هدى family_name=علي
    python examples/cli/main.py --db market.db call --actor member:ID top_up \\
        amount="25 USD" method=card
    python examples/cli/main.py --db market.db read --actor member:ID balances
    python examples/cli/main.py --db market.db tick

``call`` runs any command of :mod:`microgigs.marketplace.commands` by name (``call --help``
lists them with their fields): the ``name=value`` pairs are read into the command by the
library's one converter (money as "25 USD", enums by value, numbers, lists and objects as
JSON), ``--actor`` says who does it, ``--key`` makes it idempotent, a result is printed (an
id, a service with its upgrades' ids, ``ok``), and a refusal is printed translated, with
its code, and exits 2. ``read`` asks any query of the read side by name
(``microgigs.marketplace.queries.QUERIES``; ``read --help`` lists them) and prints its answer
as JSON; ``tick`` runs the periodic work now. What the program itself cannot read is said in
the ``--lang`` of the call (Arabic by default) and exits 1.
"""

from __future__ import annotations

import argparse
import collections.abc
import difflib
import inspect
import json
import os
import sys
import types
import typing
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import attrs

sys.path.insert(0, str(Path(__file__).parent))

from simulation import simulate

from microgigs import KHAMSAT, ManualClock, MicrogigsError, Money, UlidGenerator, bootstrap
from microgigs import ledger as lg
from microgigs.actors import Actor, Role
from microgigs.catalog import Service
from microgigs.ids import MemberId
from microgigs.l10n import format_money, label, translate_error
from microgigs.marketplace import Marketplace
from microgigs.marketplace.commands import COMMANDS, converter, structure_command
from microgigs.marketplace.queries import QUERIES
from microgigs.orders import OrderStatus
from microgigs.policy import SellerLevel
from microgigs.testing.demo import ADMIN_ID, DEMO_DAYS, load_demo

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
_OPTIONS = {"actor", "key"}  # every command's: given as --actor and --key, not as pairs
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
    "withdrawing": ("قيد التحويل للبائعين", "being paid out"),
    "payouts": ("مسحوبات مدفوعة", "paid out"),
    "audit": ("تدقيق الدفتر: عدد المشكلات", "ledger audit: issues"),
    "project_gmv": ("المدفوع للمستقلين من المشاريع", "Released to freelancers (projects)"),
    "projects": ("المشاريع حسب الحالة", "Projects by status"),
    "contracts": ("العقود حسب الحالة", "Contracts by status"),
}


def open_market(db: str, *, seed: int | None = None, now: datetime | None = None) -> Marketplace:
    """A marketplace on ``db`` with the Khamsat policy and a fake gateway."""
    return _on_manual_clock(db, seed, now or datetime.now(UTC))[0]


def _on_manual_clock(db: str, seed: int | None, now: datetime) -> tuple[Marketplace, ManualClock]:
    clock = ManualClock(now)
    return bootstrap(db, clock=clock, ids=UlidGenerator(clock, seed=seed)), clock


def load(db: str, language: str) -> int:
    """Load the demo month, ending now, into an empty marketplace; print its report."""
    market, clock = _on_manual_clock(db, 1, datetime.now(UTC) - timedelta(DEMO_DAYS))
    try:
        if not market.is_empty():
            raise Refusal(what="demo_full", db=db, status=2)
        loaded = load_demo(market, clock)
        print(
            f"demo: {len(loaded.sellers)} sellers, {len(loaded.buyers)} buyers, "
            f"{len(loaded.services)} services, {len(loaded.orders)} orders"
        )
        print("\n".join(report(market, language)))
        return 0
    finally:
        market.close()


def run_simulation(db: str, options: argparse.Namespace) -> int:
    """Simulate from the options' seed, members and days; print the report."""
    members = _whole("--members", options.members, least=1)
    days = _whole("--days", options.days, least=1)
    seed = _whole("--seed", options.seed)
    market, clock = _on_manual_clock(db, seed, START)
    try:
        if not market.is_empty():
            raise Refusal(what="sim_full", db=db, status=2)
        sim = simulate(market, clock, members=members, days=days, seed=seed)
        print("\n".join(report(market, options.lang)))
        print(f"steps: {sim.steps}; refusals: {dict(sim.refused)}")
        return 0
    finally:
        market.close()


REFUSALS: dict[str, tuple[str, str]] = {
    "size": ("{option} {text!r}: اكتب عددًا صحيحًا من {least} فأكثر",
             "{option} {text!r}: write a whole number from {least}"),
    "whole": ("{option} {text!r}: اكتب عددًا صحيحًا", "{option} {text!r}: write a whole number"),
    "actor": ("--actor {text!r}: اكتب member:ID أو admin:ID أو system",
              "--actor {text!r}: write member:ID, admin:ID or system"),
    "actor_id": ("--actor {text!r}: ينقص معرّف العضو بعد '{role}:'",
                 "--actor {text!r}: the member's id is missing after '{role}:'"),
    "pair": ("{pair!r}: اكتب name=value، والاسم واحد من: {names}",
             "{pair!r}: write name=value, one of: {names}"),
    "twice": ("{name}: مكتوب مرتين؛ اكتبه مرة واحدة", "{name}: given twice; give it once"),
    "not_json": ("{name}: {text!r} ليس رقمًا ولا true/false ولا JSON",
                 "{name}: {text!r} is not a number, true/false or JSON"),
    "too_deep": ("{name}: قيمة لا يقرؤها البرنامج (JSON متداخل بعمق كبير، أو رقم طويل جدًا)",
                 ("{name}: not a value this program reads"
                  " (JSON nested too deep, or a number of too many digits)")),
    "no_call": ("لا حالة استخدام باسم {name!r}؛ {hint_ar}", "no use case {name!r}; {hint_en}"),
    "no_query": ("لا استعلام باسم {name!r}؛ {hint_ar}", "no query {name!r}; {hint_en}"),
    "who_does": ("يحتاج {name} إلى --actor member:ID (أو admin:ID): من يقوم به",
                 "{name} needs --actor member:ID (or admin:ID): who does it"),
    "who_asks": ("يحتاج {name} إلى --actor member:ID (أو admin:ID): من يسأل",
                 "{name} needs --actor member:ID (or admin:ID): who asks"),
    "needs": ("يحتاج {name} إلى {wanted}", "{name} needs {wanted}"),
    "demo_full": ("{db} فيه سوق من قبل: يُحمَّل العرض التجريبي في ملف فارغ",
                  "{db} already holds a marketplace: the demo loads into an empty one"),
    "sim_full": (("{db} فيه سوق من قبل: المحاكاة تبني سوقًا جديدًا من بذرتها،"
                  " فأعطها ملفًا جديدًا في --db (أو احذف هذا الملف)"),
                 ("{db} already holds a marketplace: a simulation plays a new one from its"
                  " seed, so give it a new --db (or remove this file)")),
    "no_market": ("{db}: لا سوق في هذا الملف (demo أو simulate ينشئ واحدًا)",
                  "{db}: no marketplace in this file (demo or simulate makes one)"),
}  # fmt: skip
"""What this program itself refuses, before the library is asked: Arabic, then English."""


class Refusal(Exception):
    """A refusal of :data:`REFUSALS` with its values; said in the reader's language."""

    def __init__(self, *, what: str, status: int = 1, **values: object) -> None:
        super().__init__(REFUSALS[what][1].format(**values))
        self.what, self.status, self.values = what, status, values

    def said(self, language: str) -> str:
        """The refusal in Arabic (``ar``) or English."""
        return REFUSALS[self.what][0 if language == "ar" else 1].format(**self.values)


def _unknown(name: str, near: list[str], *, among: str) -> Refusal:
    """No use case (``call``) or query (``read``) of that name: the nearest names, if any."""
    hint_ar = f"هل تقصد {' أو '.join(near)}؟" if near else f"`{among} --help` يسردها"
    hint_en = f"did you mean {' or '.join(near)}?" if near else f"`{among} --help` lists them"
    what = "no_call" if among == "call" else "no_query"
    return Refusal(what=what, name=name, hint_ar=hint_ar, hint_en=hint_en)


def actor_of(text: str) -> Actor:
    """The actor written as member:ID, admin:ID or system."""
    role, _, member = text.partition(":")
    try:
        kind = Role(role)
    except ValueError:
        raise Refusal(what="actor", text=text) from None
    if kind is Role.SYSTEM:
        return Actor.system()
    if not member:
        raise Refusal(what="actor_id", text=text, role=role)
    make = Actor.admin if kind is Role.ADMIN else Actor.member
    return make(MemberId(member))


def fields_of(kind: type, pairs: list[str]) -> dict[str, object]:
    """The ``name=value`` pairs as the plain values the command's converter reads.

    A text field takes the text as written; a number, a yes/no, a list or an object is read
    as JSON (``quantity=2``, ``agree=true``, ``upgrades='[{"title": "PNG", "price": "5 USD",
    "extra_days": 1}]'``); money is written "25 USD" (or "25": the policy's currency), or as
    the object ``{"minor": 2500, "currency": "USD"}``. A field given twice is refused: which
    of the two was meant?
    """
    hints = typing.get_type_hints(kind)
    names = {field.name for field in attrs.fields(kind)} - _OPTIONS
    values: dict[str, object] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals or name not in names:
            raise Refusal(what="pair", pair=pair, names=", ".join(sorted(names)) or "-")
        if name in values:  # the shell's last word would win silently: $6 for $5 and $6
            raise Refusal(what="twice", name=name)
        values[name] = _plain(name, text, hints[name])
    return values


_SEQUENCES: Final = frozenset({tuple, list, collections.abc.Sequence, collections.abc.Iterable})
"""What a list is typed as: a command's field (a tuple) or a query's parameter (a Sequence;
a new user's probe: a query's list was read one character at a time)."""


def _plain(name: str, text: str, hint: object) -> object:
    """The value of the field ``name`` as typed: money, none, JSON (numbers, lists), text."""
    options = (
        typing.get_args(hint)
        if typing.get_origin(hint) in {typing.Union, types.UnionType}
        else (hint,)
    )
    if text == "none" and type(None) in options:
        return None
    if any(o is Money for o in options):
        if text.lstrip().startswith("{"):  # {"minor": 500, "currency": "USD"}, as stored
            return _json(name, text)
        amount, _, currency = text.strip().partition(" ")
        if not amount:  # said as typed: not as " USD", which nobody typed (a new user)
            return text
        return f"{amount} {currency or KHAMSAT.currency}"
    if any(
        o in {int, bool} or typing.get_origin(o) in _SEQUENCES or attrs.has(o) for o in options
    ):  # numbers, lists and records (a payout method: {"kind": "paypal", "account": …})
        return _json(name, text)
    return text


def _json(name: str, text: str) -> object:
    """The JSON value typed for the field ``name``, or exit 1 naming the field."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise Refusal(what="not_json", name=name, text=text[:60]) from None
    except (RecursionError, ValueError):  # nested too deep, or too many digits
        raise Refusal(what="too_deep", name=name) from None


def call(
    market: Marketplace, name: str, actor: str | None, key: str | None, pairs: list[str]
) -> object:
    """Run the command ``name`` with the ``name=value`` pairs, as ``actor``."""
    kind = COMMANDS.get(name)
    if kind is None:
        near = difflib.get_close_matches(name, COMMANDS, n=3)
        raise _unknown(name, near, among="call")
    values = fields_of(kind, pairs)
    actor_field = attrs.fields_dict(kind)["actor"]
    if actor is not None:
        values["actor"] = attrs.asdict(actor_of(actor))
    elif actor_field.default is attrs.NOTHING:
        raise Refusal(what="who_does", name=name)
    return market.execute(structure_command(name, {**values, "key": key}))


def read(market: Marketplace, name: str, actor: str | None, pairs: list[str]) -> object:
    """Ask the query ``name`` with the ``name=value`` pairs, as ``actor``: what it returns."""
    query = QUERIES.get(name)
    if query is None:
        near = difflib.get_close_matches(name, QUERIES, n=3)
        raise _unknown(name, near, among="read")
    parameters = {p.name: p for p in _parameters(query)}
    hints = typing.get_type_hints(query)
    arguments: dict[str, object] = {}
    if "actor" in parameters:
        if actor is not None:
            arguments["actor"] = actor_of(actor)
        elif parameters["actor"].default is inspect.Parameter.empty and not _takes_none(
            hints["actor"]
        ):
            raise Refusal(what="who_asks", name=name)
        else:
            arguments["actor"] = None  # a visitor: what anyone may see
    names = set(parameters) - {"actor"}
    for pair in pairs:
        field, equals, text = pair.partition("=")
        if not equals or field not in names:
            raise Refusal(what="pair", pair=pair, names=", ".join(sorted(names)) or "-")
        if field in arguments:
            raise Refusal(what="twice", name=field)
        arguments[field] = converter.structure(_plain(field, text, hints[field]), hints[field])
    missing = [
        n for n in names if parameters[n].default is inspect.Parameter.empty and n not in arguments
    ]
    if missing:
        wanted = ", ".join(f"{m}=…" for m in missing)
        raise Refusal(what="needs", name=name, wanted=wanted)
    return getattr(market, name)(**arguments)


def _takes_none(hint: object) -> bool:
    return type(None) in typing.get_args(hint)


def as_json(result: object) -> str:
    """A query's answer as indented JSON, Arabic as it is (money as minor units and code)."""
    return json.dumps(converter.unstructure(result), ensure_ascii=False, indent=2, default=str)


def shown(result: object) -> str:
    """What a command returned, as a line a person reads."""
    if result is None:
        return "ok"
    if isinstance(result, Service):
        upgrades = ", ".join(f"{u.id} ({u.title})" for u in result.upgrades)
        return f"{result.id} ({label(result.status, 'en')})" + (
            f"; upgrades: {upgrades}" if upgrades else ""
        )
    if isinstance(result, list):
        return "\n".join(str(item) for item in result)
    return str(result)


def report(market: Marketplace, language: str) -> list[str]:
    """GMV, commission, orders, projects and contracts by status, levels, balances, audit."""
    index = 0 if language == "ar" else 1
    locale = "ar" if language == "ar" else "en"

    def say(name: str) -> str:
        return LABELS[name][index]

    seen = market.overview(Actor.admin(ADMIN_ID))
    zero = Money.zero(KHAMSAT.currency)
    lines = [
        f"== {say('title')} ==",
        f"{say('gmv')}: {format_money(seen.gmv, locale)}",
        # the revenue account is platform:revenue: the overview groups money by prefix
        f"{say('commission')}: {format_money(market.balance(lg.revenue()), locale)}",
        f"{say('orders')}:",
    ]
    lines += [f"  {label(s, locale)}: {seen.orders[s]}" for s in OrderStatus if seen.orders[s]]
    lines.append(f"{say('projects')}:")
    lines += [f"  {label(p, locale)}: {n}" for p, n in seen.projects.items() if n]
    lines.append(f"{say('contracts')}:")
    lines += [f"  {label(c, locale)}: {n}" for c, n in seen.contracts.items() if n]
    lines.append(f"{say('project_gmv')}: {format_money(seen.project_gmv or zero, locale)}")
    lines.append(f"{say('levels')}:")
    lines += [f"  {label(v, locale)}: {seen.levels[v]}" for v in SellerLevel if seen.levels[v]]
    lines.append(f"{say('balances')}:")
    for name, kind in (
        ("wallets", "wallet"),
        ("escrow", "escrow"),
        ("pending", "pending"),
        ("available", "available"),
        ("withdrawing", "withdrawing"),  # asked for, awaiting the payout provider's answer
        ("payouts", "payouts"),
    ):
        lines.append(f"  {say(name)}: {format_money(seen.money.get(kind, zero), locale)}")
    lines.append(f"{say('audit')}: {len(seen.issues)}")
    return lines


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
    sim.add_argument("--members", default="1000", help="a whole number from 1")
    sim.add_argument("--days", default="90", help="a whole number from 1")
    sim.add_argument("--seed", default="7", help="a whole number")
    sim.add_argument("--lang", choices=["ar", "en"], default="ar")
    rep = commands.add_parser("report", help="the marketplace's report")
    rep.add_argument("--lang", choices=["ar", "en"], default="ar")
    one = _by_name(commands, "call", "use_case", "run one use case by name", _use_cases())
    one.add_argument(
        "--key",
        default=None,
        help="idempotency key: the same key again runs it once (default: none)",
    )
    _by_name(
        commands, "read", "query", "ask one query of the read side (its answer as JSON)", _queries()
    )
    due = commands.add_parser(
        "tick", help="run the periodic work now: due transitions, clearances, expiries, levels"
    )
    due.add_argument("--lang", choices=["ar", "en"], default="ar")
    options, stray = parser.parse_known_args(argv)
    if stray and options.command in {"call", "read"} and not any(s.startswith("-") for s in stray):
        options.pairs += stray  # fields after an option: `read withdrawals --actor … limit=5`
    elif stray:
        parser.error(f"unrecognized arguments: {' '.join(stray)}")
    try:
        return _run(options)
    except MicrogigsError as error:  # a refusal, or a storage that cannot be opened
        print(f"{error.code}: {translate_error(error, options.lang)}", file=sys.stderr)
        return 2
    except Refusal as refusal:  # what this program itself could not read, in the reader's words
        print(refusal.said(options.lang), file=sys.stderr)
        return refusal.status


def _run(options: argparse.Namespace) -> int:
    if options.command == "demo":
        return load(options.db, options.lang)
    if options.command == "simulate":
        return run_simulation(options.db, options)
    if options.command in {"report", "read", "tick"} and _missing_file(options.db):
        raise Refusal(what="no_market", db=options.db, status=2)
    market = open_market(options.db)
    try:
        print(_answer(market, options))
        return 0
    finally:
        market.close()


def _answer(market: Marketplace, options: argparse.Namespace) -> str:
    """What the marketplace says to a report, a query, a tick or a call."""
    match options.command:
        case "report":
            return "\n".join(report(market, options.lang))
        case "read":
            return as_json(read(market, options.query, options.actor, options.pairs))
        case "tick":
            return as_json(market.tick())
        case _:
            return shown(call(market, options.use_case, options.actor, options.key, options.pairs))


def _missing_file(db: str) -> bool:
    """``db`` names a SQLite file that does not exist (a report would make an empty one)."""
    is_file = db != ":memory:" and not db.startswith(("postgresql://", "postgres://"))
    return is_file and not Path(db).exists()


def _whole(option: str, text: str, *, least: int | None = None) -> int:
    """A whole number on the command line (``least`` or more), else a refusal named by it."""
    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or (least is not None and value < least):
        what = "whole" if least is None else "size"
        raise Refusal(what=what, option=option, text=text, least=least)
    return value


def _by_name(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    what: str,
    summary: str,
    listing: str,
) -> argparse.ArgumentParser:
    """The subcommand ``name`` that runs a use case or asks a query (``what``) by its name."""
    found = commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}. Each, with its fields:\n\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    found.add_argument(what, help="one of those listed above")
    found.add_argument("pairs", nargs="*", help="name=value")
    found.add_argument("--actor", help='"member:ID", "admin:ID" or "system" (a query: none)')
    found.add_argument("--lang", choices=["ar", "en"], default="ar")
    return found


def _use_cases() -> str:
    return _listed(
        (name, [f.name + _optional(f.default is not attrs.NOTHING) for f in attrs.fields(kind)])
        for name, kind in COMMANDS.items()
    )


def _queries() -> str:
    return _listed(
        (name, [p.name + _optional(p.default is not p.empty) for p in _parameters(query)])
        for name, query in sorted(QUERIES.items())
    )


def _parameters(query: Callable[..., object]) -> list[inspect.Parameter]:  # type: ignore[explicit-any]
    """A query's parameters but ``self``."""
    return list(inspect.signature(query).parameters.values())[1:]


def _optional(has_default: bool) -> str:  # noqa: FBT001 (a flag read as a mark)
    return "?" if has_default else ""


def _listed(rows: Iterable[tuple[str, list[str]]]) -> str:
    """The ``--help`` lines of use cases or queries: each name, then its fields (``?``: optional).

    ``--actor`` and ``--key`` are options of every one, not fields to list.
    """
    return "\n".join(
        f"  {name} {' '.join(f for f in fields if f.rstrip('?') not in _OPTIONS)}"
        for name, fields in rows
    )


def _to_a_closed_pipe_quietly() -> int:
    """``main()``, ended quietly when the reader of its output stops early (``| head``).

    The output already read is all the reader wanted; what remains is written nowhere
    (Python's advice for SIGPIPE), with no traceback.
    """
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    sys.exit(_to_a_closed_pipe_quietly())
