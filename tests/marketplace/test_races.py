"""R3 and R4 across processes: accept racing ``tick``, and one command replayed at once."""

from __future__ import annotations

import multiprocessing
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

import psycopg
import pytest
import racing
from cast import ADMIN, START, cast, usd

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.ids import CategoryId, ContractId
from microgigs.orders import OrderStatus
from microgigs.projects import ContractStatus

ORDERS, TICKS, REPLAYS = 12, 6, 6


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def target(request, tmp_path):
    """Where the racing processes meet: (kind, where) for ``racing.open_market``."""
    if request.param == "sqlite":
        yield "sqlite", str(tmp_path / "race.db")
        return
    dsn = request.getfixturevalue("postgres_dsn")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    yield f"postgres:{schema}", dsn
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def in_parallel(*calls):
    """Run each (function, *args) in its own process, at once; sum their counts."""
    total: Counter[str] = Counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(calls), mp_context=context) as pool:
        for future in [pool.submit(*call) for call in calls]:
            total.update(future.result())
    return total


@pytest.mark.slow
def test_accept_racing_tick_releases_each_order_exactly_once(target):
    kind, where = target
    market = racing.open_market(kind, where, START.isoformat())
    seller, buyer, service = cast(market)
    market.top_up(buyer, usd(5 * ORDERS), lg.Gateway.CARD, key="t")
    orders = []
    for number in range(ORDERS):
        market.add_to_cart(buyer, service, key=f"c{number}")
        (order,) = market.checkout(buyer, key=f"k{number}")
        market.send_message(buyer, order, "التعليمات", key=f"s{number}")
        market.deliver(seller, order, "تم", key=f"d{number}")
        orders.append(str(order))
    due = max(market.order(Actor.system(), o).next_due.at for o in orders) + timedelta(seconds=1)
    market.storage.close()
    outcomes = in_parallel(
        (racing.accept_all, kind, where, due.isoformat(), buyer.member_id, orders),
        *[(racing.tick_all, kind, where, due.isoformat(), TICKS) for _ in range(2)],
    )
    market = racing.open_market(kind, where, due.isoformat())
    with market.storage.unit_of_work() as uow:
        issues = lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
        releases = [
            sum(line.amount.minor < 0 for line in uow.ledger.statement(lg.escrow(o)).lines)
            for o in orders
        ]
    assert ({OrderStatus.COMPLETED}, [1] * ORDERS, usd(4) * ORDERS, [], 0) == (
        {market.order(Actor.system(), o).status for o in orders},
        releases,
        market.balance(lg.pending(seller.member_id)),
        issues,
        outcomes["busy"],
    )
    accepted = outcomes["done"] - 2 * TICKS
    assert ORDERS == accepted + outcomes["TransitionNotAllowed"] + outcomes["StaleWrite"]
    market.storage.close()


@pytest.mark.slow
def test_one_command_replayed_by_six_processes_at_once_has_one_effect(target):
    kind, where = target
    market = racing.open_market(kind, where, START.isoformat())
    _seller, buyer, _service = cast(market)
    market.storage.close()
    outcomes = in_parallel(
        *[
            (racing.replay_top_up, kind, where, START.isoformat(), buyer.member_id, "same-key")
            for _ in range(REPLAYS)
        ]
    )
    market = racing.open_market(kind, where, START.isoformat())
    assert ({"done": REPLAYS}, usd(10)) == (
        dict(outcomes),
        market.balance(lg.wallet(buyer.member_id)),
    )
    market.storage.close()


CONTRACTS = 8


def _hired(market, client, freelancer, count, prefix):
    """``count`` active $30 contracts, offered privately, each on its own project (a
    freelancer holds one contract per project)."""
    made = []
    for number in range(count):
        project = market.post_project(
            client,
            category_id=CategoryId("logo-design"),
            title="هوية بصرية لمتجر عطور",
            description="شعار وألوان وخطوط ودليل استخدام لمتجر عطور جديد.",
            bracket=0,
            duration_days=10,
            key=f"{prefix}-p{number}",
        )
        market.moderate_project(ADMIN, project, key=f"{prefix}-ok{number}")
        contract = market.send_offer(
            client, project, freelancer.member_id, amount=usd(30), delivery_days=5,
            key=f"{prefix}-c{number}",
        )  # fmt: skip
        market.answer_offer(freelancer, contract, accept=True, key=f"{prefix}-a{number}")
        made.append(str(contract))
    return made


@pytest.mark.slow
def test_funding_racing_tick_auto_approvals_leaves_every_balance_exact(target):
    kind, where = target
    market = racing.open_market(kind, where, START.isoformat())
    freelancer, client, _service = cast(market)
    market.top_up(client, usd(30 * 2 * CONTRACTS), lg.Gateway.CARD, key="t")
    submitted = _hired(market, client, freelancer, CONTRACTS, "s")
    unfunded = _hired(market, client, freelancer, CONTRACTS, "u")
    for contract in submitted:
        market.fund_milestone(client, ContractId(contract), 1, key=f"f-{contract}")
        market.submit_milestone(freelancer, ContractId(contract), 1, "تم", key=f"d-{contract}")
    due = START + timedelta(days=14, seconds=1)
    market.storage.close()
    outcomes = in_parallel(
        (racing.fund_all, kind, where, due.isoformat(), client.member_id, unfunded),
        *[(racing.tick_all, kind, where, due.isoformat(), TICKS) for _ in range(2)],
    )
    market = racing.open_market(kind, where, due.isoformat())
    market.tick()  # what a lost race left for the next tick
    pages = {c: market.contract_page(ADMIN, ContractId(c)) for c in submitted + unfunded}
    with market.storage.unit_of_work() as uow:
        issues = lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
    assert (0, CONTRACTS, []) == (outcomes["busy"], outcomes["done"] - 2 * TICKS, issues)
    assert {ContractStatus.COMPLETED} == {pages[c].contract.status for c in submitted}
    assert {usd(30)} == {pages[c].held for c in unfunded}
    assert (usd(0), usd(24) * CONTRACTS, usd(6) * CONTRACTS) == (
        market.balances(client).wallet,
        market.balance(lg.pending(freelancer.member_id)),
        market.balance(lg.revenue()),
    )
