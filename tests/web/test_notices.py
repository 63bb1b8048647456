"""The worker's notices: each order's and each contract's people told what moved, once.

A walk-through (2026-12-07): nothing told a seller that an order or a request to cancel
waited for her; a probe of the notices then found contracts told nothing at all.
"""

from __future__ import annotations

from notices import notify

from microgigs import Actor, Money, bootstrap
from microgigs.ids import CategoryId, MemberId
from microgigs.ledger import Gateway

ADMIN = Actor.admin(MemberId("staff"))
TITLE = "هوية بصرية لمتجر عطور"


def member(market, name):
    return Actor.member(market.register_member(
        username=name, email=f"{name}@example.com", first_name="اسم", family_name="عائلة"
    ))  # fmt: skip


def test_a_contracts_moves_are_mailed_to_the_side_they_wait_for():
    market = bootstrap(":memory:")
    client, freelancer = member(market, "client"), member(market, "freelancer")
    project = market.post_project(
        client, category_id=CategoryId("logo-design"), title=TITLE,
        description="شعار وألوان وخطوط ودليل استخدام لمتجر عطور جديد.", bracket=5,
        duration_days=30,
    )  # fmt: skip
    market.moderate_project(ADMIN, project)
    bid = market.place_bid(
        freelancer, project, amount=Money.of(1200, "USD"), delivery_days=20,
        text="أنجز الهوية كاملة بإتقان.",
    )  # fmt: skip
    mailed: list[tuple[str, str, str]] = []

    def told() -> list[tuple[str, str]]:
        notify(market, lambda to, subject, body: mailed.append((to, subject, body)), "")
        said = [(to, subject.split(" / ")[0]) for to, subject, _body in mailed]
        mailed.clear()
        return said

    told()  # the project's own events pass untold
    contract = market.hire_bid(client, project, bid)
    assert [("freelancer@example.com", "عرض عمل بانتظار ردك")] == told()
    market.answer_offer(freelancer, contract, accept=True)
    assert [("client@example.com", "قبل المستقل عرضك: موّل دفعة")] == told()
    market.top_up(client, Money.of(1500, "USD"), Gateway.CARD)
    market.fund_milestone(client, contract, 1)
    assert [("freelancer@example.com", "مُوّلت دفعة: ابدأ العمل")] == told()
    market.submit_milestone(freelancer, contract, 1, "تم")
    notify(market, lambda to, subject, body: mailed.append((to, subject, body)), "https://x")
    ((to, _subject, body),) = mailed
    assert "client@example.com" == to
    assert f"سُلّمت دفعة: راجعها: {TITLE}" in body
    assert f"https://x/contracts/{contract}" in body
    market.close()
