"""The mail a member gets when one of their orders or contracts moves: the events, told.

RULES §6: every transition emits a domain event the host can use for notifications. The
worker reads them through the façade (``market.events``), mails each order's people what
happened and what now waits for them (a new order, its instructions, a delivery, a request
for changes or to cancel, a problem reported, the order's end; a job offer and its answer,
a milestone funded, submitted, approved, disputed or decided, a proposal and its answer, a
request to cancel and its answer, an early end and its answer, the contract's completion
or end), then
marks them delivered
(``market.acknowledge_events``): each is told once, and the outbox does not grow; one older
than a day (``STALE``) is acknowledged untold. Each mail names the order's service or the
contract's project. Mail goes where the site's other mail goes (``MICROGIGS_SMTP_URL``; the
log in a demo); its link starts with ``MICROGIGS_BASE_URL``. Other events (a level, a
project) are acknowledged without a mail.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from mail import Mailer

from microgigs import Actor
from microgigs.errors import MicrogigsError
from microgigs.ids import ContractId, MemberId, OrderId
from microgigs.marketplace import Marketplace

_SYSTEM: Final = Actor.system()
_PAGE: Final = 100

_SELLER, _BUYER, _BOTH, _OTHER = "seller", "buyer", "both", "other"
_CLIENT, _FREELANCER = "client", "freelancer"
_TOLD: Final[dict[str, tuple[str, tuple[str, str]]]] = {
    name: (whom, (arabic, english))
    for name, (whom, arabic, english) in json.loads(
        (Path(__file__).parent / "notices.json").read_text(encoding="utf-8")
    ).items()
}
"""Each event told, from ``notices.json`` (an order's by its event's value, ``placed`` for
the order placed; a contract's by the event's name): whom it is told to (a side, both, or
the other side than the member who moved, as the event says who did), and what, in Arabic
and English; the order's service or the contract's project is named after it."""

STALE: Final = timedelta(days=1)
"""An event older than this is old news: acknowledged without a mail (a site that starts
mailing notices, or a worker stopped for long, does not mail every order's history)."""
_STAFF: Final = Actor.admin(MemberId("notices"))
"""Who reads a contract and its project for a notice (a party's page is theirs and the
site team's)."""


def notify(market: Marketplace, mail: Mailer, base_url: str) -> int:
    """Mail what every event not yet delivered says to its people; how many mails were sent."""
    sent = 0
    since = market.clock.now() - STALE
    while events := market.events(_SYSTEM, limit=_PAGE):
        for event in events:
            if event.at < since:
                continue
            said = json.loads(event.payload)
            if event.name == "order.transitioned":
                sent += _tell_order(market, mail, base_url, said)
            elif event.name in _TOLD:
                sent += _tell_contract(market, mail, base_url, event.name, said)
        market.acknowledge_events(_SYSTEM, [event.id for event in events])
    return sent


def _tell_order(market: Marketplace, mail: Mailer, base_url: str, said: dict[str, Any]) -> int:
    transition = said["transition"]
    told = _TOLD.get(f"order.{transition.get('event') or 'placed'}")
    if told is None:
        return 0
    whom, words = told
    buyer, seller = str(said["buyer_id"]), str(said["seller_id"])
    mover = (transition.get("actor") or {}).get("member_id")
    people = {
        _SELLER: [seller],
        _BUYER: [buyer],
        _BOTH: [buyer, seller],
        _OTHER: [seller if mover == buyer else buyer],
    }[whom]
    order_id = OrderId(str(said["order_id"]))
    title = market.order(_SYSTEM, order_id).service.title  # which order, said by its service
    return _mail(
        market, mail, people, words=words, title=title, link=f"{base_url}/orders/{order_id}"
    )


def _tell_contract(
    market: Marketplace, mail: Mailer, base_url: str, name: str, said: dict[str, Any]
) -> int:
    contract_id = ContractId(str(said["contract_id"]))
    try:
        contract = market.contract_page(_STAFF, contract_id).contract
        title = market.project_page(_STAFF, contract.project_id).project.terms.title
    except MicrogigsError:  # gone since: nobody to tell
        return 0
    whom, words = _TOLD[name]
    client, freelancer = contract.client_id, contract.freelancer_id
    people = {
        _CLIENT: [client],
        _FREELANCER: [freelancer],
        _BOTH: [client, freelancer],
        _OTHER: [freelancer if said.get("by") == client else client],
    }[whom]
    link = f"{base_url}/contracts/{contract_id}"
    return _mail(market, mail, people, words=words, title=title, link=link)


def _mail(
    market: Marketplace,
    mail: Mailer,
    people: list[str],
    *,
    words: tuple[str, str],
    title: str,
    link: str,
) -> int:
    """Mail each of ``people`` the words, naming ``title``, with ``link``; how many mails."""
    arabic, english = words
    sent = 0
    for member_id in people:
        try:
            address = market.member(_SYSTEM, MemberId(member_id)).email
        except MicrogigsError:  # a member no longer there: nobody to tell
            continue
        mail(address, f"{arabic} / {english}", f"{arabic}: {title}\n{english}: {title}\n\n{link}")
        sent += 1
    return sent
