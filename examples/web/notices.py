"""The mail a member gets when one of their orders or contracts moves: the events, told.

RULES §6: every transition emits a domain event the host can use for notifications. The
worker reads them through the façade (``market.events``), mails each order's people what
happened and what now waits for them (a new order, its instructions, a delivery, a request
for changes or to cancel, a problem reported, the order's end; a job offer and its answer,
a milestone funded, submitted or disputed, a proposal, a request to cancel, the contract's
end), then marks them delivered
(``market.acknowledge_events``): each is told once, and the outbox does not grow; one older
than a day (``STALE``) is acknowledged untold. Each mail names the order's service or the
contract's project. Mail goes where the site's other mail goes (``MICROGIGS_SMTP_URL``; the
log in a demo); its link starts with ``MICROGIGS_BASE_URL``. Other events (a level, a
project) are acknowledged without a mail.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Final

from mail import Mailer

from microgigs import Actor
from microgigs.errors import MicrogigsError
from microgigs.ids import ContractId, MemberId, OrderId
from microgigs.marketplace import Marketplace

_SYSTEM: Final = Actor.system()
_PAGE: Final = 100

_SELLER, _BUYER, _BOTH, _OTHER = "seller", "buyer", "both", "other"
_COMPLETED: Final = ("اكتمل طلب، وأُضيف ربحك إلى أرباحك المعلّقة", "An order completed: you earned")
_CANCELLED: Final = ("أُلغي الطلب", "The order was cancelled")
_DECIDED: Final = ("قررت الإدارة في النزاع", "An admin decided the dispute")
_TOLD: Final[dict[str | None, tuple[str, tuple[str, str]]]] = {
    None: (_SELLER, ("طلب جديد: انتظر تعليمات المشتري", "A new order: instructions come next")),
    "send_instructions": (_SELLER, ("وصلت تعليمات طلب: ابدأ العمل", "Instructions came: start")),
    "deliver": (_BUYER, ("سُلّم طلبك: استلمه أو اطلب تعديلًا", "Delivered: accept or ask changes")),
    "request_modification": (_SELLER, ("طلب المشتري تعديلات", "The buyer asked for changes")),
    "report_problem": (_SELLER, ("أبلغ المشتري عن مشكلة", "The buyer reported a problem")),
    "request_cancellation": (_OTHER, ("طلب إلغاء بانتظار ردك", "A request to cancel awaits you")),
    "refuse_cancellation": (_OTHER, ("رُفض طلب الإلغاء", "The request to cancel was refused")),
    "accept": (_SELLER, _COMPLETED),
    "auto_accept": (_SELLER, _COMPLETED),
    "accept_cancellation": (_BOTH, _CANCELLED),
    "auto_accept_cancellation": (_BOTH, _CANCELLED),
    "auto_cancel": (_BOTH, _CANCELLED),
    "cancel_late": (_BOTH, ("أُلغي الطلب المتأخر", "The late order was cancelled")),
    "decline": (_BOTH, ("اعتذر البائع عن الطلب فأُلغي", "The seller declined the order")),
    "resolve_complete": (_BOTH, _DECIDED),
    "resolve_full_refund": (_BOTH, _DECIDED),
    "resolve_partial_refund": (_BOTH, _DECIDED),
}
"""Each order event (by its value; ``None``: the order placed): whom it is told to, and
what, in Arabic and English (the order's service is named after it)."""


STALE: Final = timedelta(days=1)
"""An event older than this is old news: acknowledged without a mail (a site that starts
mailing notices, or a worker stopped for long, does not mail every order's history)."""


_CLIENT, _FREELANCER, _PROPOSAL, _CANCELLATION = "client", "freelancer", "proposal", "cancel"
_CONTRACT_TOLD: Final[dict[str, tuple[str, tuple[str, str]]]] = {
    "contract.offered": (_FREELANCER, ("عرض عمل بانتظار ردك", "A job offer awaits your answer")),
    "contract.accepted": (_CLIENT, ("قبل المستقل عرضك: موّل دفعة", "Your offer was accepted: fund")),
    "contract.declined": (_CLIENT, ("اعتذر المستقل عن عرضك", "The freelancer declined the offer")),
    "contract.withdrawn": (_FREELANCER, ("سحب العميل عرضه", "The client withdrew the offer")),
    "contract.milestone_funded": (_FREELANCER, ("مُوّلت دفعة: ابدأ العمل", "A milestone is funded")),
    "contract.milestone_submitted": (_CLIENT, ("سُلّمت دفعة: راجعها", "A milestone was submitted")),
    "contract.changes_requested": (_FREELANCER, ("طلب العميل تعديلات", "The client asked changes")),
    "contract.milestone_disputed": (_BOTH, ("فُتح نزاع على دفعة", "A milestone is disputed")),
    "contract.milestones_proposed": (
        _PROPOSAL,
        ("اقتراح دفعات بانتظار ردك", "Milestones proposed"),
    ),
    "contract.cancellation_asked": (_CANCELLATION, ("طلب إلغاء العقد", "A request to cancel")),
    "contract.settled": (_BOTH, ("انتهى العقد", "The contract ended")),
}
"""Each contract event: whom it is told to (a side, both, or the side that did not propose
or ask to cancel), and what; the project's title is named after it."""
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
            elif event.name in _CONTRACT_TOLD:
                sent += _tell_contract(market, mail, base_url, event.name, said)
        market.acknowledge_events(_SYSTEM, [event.id for event in events])
    return sent


def _tell_order(market: Marketplace, mail: Mailer, base_url: str, said: dict[str, Any]) -> int:
    transition = said["transition"]
    told = _TOLD.get(transition.get("event"))
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
    whom, words = _CONTRACT_TOLD[name]
    client, freelancer = contract.client_id, contract.freelancer_id
    asked = contract.proposed_by if whom == _PROPOSAL else contract.cancellation_by
    people = {
        _CLIENT: [client],
        _FREELANCER: [freelancer],
        _BOTH: [client, freelancer],
        _PROPOSAL: [] if asked is None else [freelancer if asked == client else client],
        _CANCELLATION: [] if asked is None else [freelancer if asked == client else client],
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
